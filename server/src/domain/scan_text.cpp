#include "domain/scan_text.hpp"

#include <algorithm>
#include <iterator>

namespace varde::domain::scan {

namespace {

// Unicode punctuation, spaces and symbols: they end a word like ASCII punctuation does.
bool is_symbol(char32_t cp) {
    struct range {
        char32_t lo, hi;
    };
    static constexpr range ranges[] = {
        {0x80, 0xBF},     {0xD7, 0xD7},     {0xF7, 0xF7},     {0x2000, 0x2BFF},
        {0x3000, 0x303F}, {0xFE10, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F},
        {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, {0x1F000, 0x1FAFF}};
    return std::any_of(std::begin(ranges), std::end(ranges),
                       [cp](range r) { return cp >= r.lo && cp <= r.hi; });
}

// Malformed bytes count as word characters: never split what we cannot decode.
bool is_word_cp(char32_t cp) {
    if (cp < 0x80) return is_alnum(static_cast<char>(cp));
    return cp == malformed || !is_symbol(cp);
}

}  // namespace

code_point decode_at(std::string_view s, std::size_t i) {
    unsigned const lead = byte(s[i]);
    if (lead < 0x80) return {lead, 1};
    std::size_t const n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (n == 0 || lead >= 0xF8 || i + n > s.size()) return {malformed, 1};
    char32_t value = lead & (0x7Fu >> n);
    for (std::size_t k = 1; k < n; ++k) {
        unsigned const c = byte(s[i + k]);
        if ((c & 0xC0) != 0x80) return {malformed, 1};
        value = (value << 6) | (c & 0x3F);
    }
    return {value, n};
}

code_point decode_before(std::string_view s, std::size_t i) {
    std::size_t start = i - 1;
    while (start > 0 && i - start < 4 && (byte(s[start]) & 0xC0) == 0x80) --start;
    code_point const cp = decode_at(s, start);
    return start + cp.size == i ? cp : code_point{malformed, 1};
}

bool word_at(std::string_view s, std::size_t i) {
    return i < s.size() && is_word_cp(decode_at(s, i).value);
}

bool word_before(std::string_view s, std::size_t i) {
    return i > 0 && is_word_cp(decode_before(s, i).value);
}

std::size_t step(std::string_view s, std::size_t i) { return decode_at(s, i).size; }

bool host_at(std::string_view s, std::size_t i) {
    return i < s.size() && (s[i] == '-' || s[i] == '_' || word_at(s, i));
}

// Latin-1 upper case is C3 80..9E (except × at C3 97); lower case is 0x20 above it.
std::string fold(std::string_view text) {
    std::string out(text);
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned const c = byte(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + 32);
        } else if (c == 0xC3 && i + 1 < out.size()) {
            unsigned const d = byte(out[i + 1]);
            if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
            if ((d & 0xC0) == 0x80) ++i;
        }
    }
    return out;
}

std::size_t space_at(std::string_view s, std::size_t i) {
    if (i >= s.size()) return 0;
    if (one_of(s[i], " \t\r\n")) return 1;
    return s.substr(i, 2) == "\xC2\xA0" ? 2 : 0;  // no-break space
}

std::size_t dot_at(std::string_view s, std::size_t i) {
    if (i >= s.size()) return 0;
    if (s[i] == '.') return 1;
    for (std::string_view sep : {"[.]", "(.)", "{.}", "[dot]", "(dot)"})
        if (s.substr(i).starts_with(sep)) return sep.size();
    return 0;
}

bool file_extension(std::string_view label) {
    static constexpr std::string_view list[] = {
        "exe",  "dll",  "sys",  "bat", "cmd",  "ps1", "psm1", "vbs", "js",   "jse",  "wsf",
        "hta",  "lnk",  "scr",  "msi", "iso",  "img", "vhd",  "zip", "rar",  "7z",   "gz",
        "tgz",  "tar",  "cab",  "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx",
        "pdf",  "rtf",  "odt",  "ods", "txt",  "csv", "log",  "xml", "json", "yml",  "yaml",
        "ini",  "cfg",  "conf", "htm", "html", "eml", "msg",  "one", "jar",  "py",   "sh",
        "elf",  "bin",  "dat",  "tmp", "bak",  "db",  "sql",  "pst", "ost",  "pem",  "png",
        "jpg",  "jpeg", "gif",  "svg", "mp4",  "dmp"};
    return std::find(std::begin(list), std::end(list), label) != std::end(list);
}

std::string_view last_label(std::string_view name) { return name.substr(name.rfind('.') + 1); }

bool has_letter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || byte(c) >= 0x80; });
}

}  // namespace varde::domain::scan
