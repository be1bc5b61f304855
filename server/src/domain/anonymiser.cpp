#include "domain/anonymiser.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "domain/text.hpp"

// Hand-written scanners, no std::regex: every scanner is linear (or bounded per position) in
// the text, so long hostile input cannot blow the stack or the time budget. All scanners work
// on a folded copy of the text of the same length, so offsets map 1:1 to the original.

namespace varde::domain {

namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr int max_passes = 4;

struct span {
    std::size_t begin;
    std::size_t end;
    redaction_kind kind;
};

// ---------------------------------------------------------------- characters and UTF-8

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
unsigned byte(char c) { return static_cast<unsigned char>(c); }
bool one_of(char c, std::string_view set) { return set.find(c) != npos; }

struct code_point {
    char32_t value;
    std::size_t size;
};
constexpr char32_t malformed = 0xFFFFFFFF;

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

// The code point that ends just before byte i (i > 0).
code_point decode_before(std::string_view s, std::size_t i) {
    std::size_t start = i - 1;
    while (start > 0 && i - start < 4 && (byte(s[start]) & 0xC0) == 0x80) --start;
    code_point const cp = decode_at(s, start);
    return start + cp.size == i ? cp : code_point{malformed, 1};
}

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
bool word_at(std::string_view s, std::size_t i) {
    return i < s.size() && is_word_cp(decode_at(s, i).value);
}
bool word_before(std::string_view s, std::size_t i) {
    return i > 0 && is_word_cp(decode_before(s, i).value);
}
std::size_t step(std::string_view s, std::size_t i) { return decode_at(s, i).size; }

// Characters of a DNS label (and of the parts of an account name), IDN letters included.
bool host_at(std::string_view s, std::size_t i) {
    return i < s.size() && (s[i] == '-' || s[i] == '_' || word_at(s, i));
}

// ASCII and Latin-1 letters (C3 80..9E -> C3 A0..BE, except ×) to lower case, same length.
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

// "." or a defanged dot: "[.]", "(.)", "{.}", "[dot]", "(dot)".
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

// ---------------------------------------------------------------- IP addresses

using ip_bytes = std::array<std::uint8_t, 16>;

struct ipv4_read {
    std::size_t end;
    ip_bytes bytes;  // first four
};

// Reads a.b.c.d at i; with `defanged`, "[.]" also separates octets.
std::optional<ipv4_read> read_ipv4(std::string_view s, std::size_t i, bool defanged) {
    ipv4_read r{i, {}};
    for (std::size_t k = 0; k < 4; ++k) {
        if (k > 0) {
            std::size_t const d = (r.end < s.size() && s[r.end] == '.')                 ? 1
                                  : (defanged && s.substr(r.end).starts_with("[.]")) ? 3
                                                                                       : 0;
            if (d == 0) return std::nullopt;
            r.end += d;
        }
        std::size_t const b = r.end;
        unsigned value = 0;
        while (r.end < s.size() && is_digit(s[r.end]) && r.end - b < 3)
            value = value * 10 + static_cast<unsigned>(s[r.end++] - '0');
        if (r.end == b || value > 255) return std::nullopt;
        r.bytes[k] = static_cast<std::uint8_t>(value);
    }
    return r;
}

bool parse_hex_groups(std::string_view part, bool allow_v4, std::vector<unsigned>& out) {
    while (!part.empty()) {
        std::size_t const colon = part.find(':');
        std::string_view const piece = part.substr(0, colon);
        if (colon == npos && allow_v4 && piece.find('.') != npos) {
            auto const v4 = read_ipv4(piece, 0, false);
            if (!v4 || v4->end != piece.size()) return false;
            out.push_back(v4->bytes[0] * 256u + v4->bytes[1]);
            out.push_back(v4->bytes[2] * 256u + v4->bytes[3]);
            return true;
        }
        if (piece.empty() || piece.size() > 4 || !std::all_of(piece.begin(), piece.end(), is_hex))
            return false;
        out.push_back(static_cast<unsigned>(std::stoul(std::string(piece), nullptr, 16)));
        if (colon == npos) return true;
        part.remove_prefix(colon + 1);
        if (part.empty()) return false;  // trailing single ':'
    }
    return true;
}

std::optional<ip_bytes> parse_ipv6(std::string_view s) {
    std::size_t const gap = s.find("::");
    std::vector<unsigned> head, tail;
    if (gap == npos) {
        if (!parse_hex_groups(s, true, head) || head.size() != 8) return std::nullopt;
    } else {
        if (s.find("::", gap + 1) != npos) return std::nullopt;
        if (!parse_hex_groups(s.substr(0, gap), false, head) ||
            !parse_hex_groups(s.substr(gap + 2), true, tail) || head.size() + tail.size() > 7)
            return std::nullopt;
    }
    ip_bytes out{};
    auto put = [&out](std::size_t group, unsigned v) {
        out[2 * group] = static_cast<std::uint8_t>(v >> 8);
        out[2 * group + 1] = static_cast<std::uint8_t>(v & 0xFF);
    };
    for (std::size_t k = 0; k < head.size(); ++k) put(k, head[k]);
    for (std::size_t k = 0; k < tail.size(); ++k) put(8 - tail.size() + k, tail[k]);
    return out;
}

// Extends `end` over "/len" when it is a valid prefix length for the family.
std::size_t prefix_suffix(std::string_view s, std::size_t end, unsigned max_len) {
    if (end + 1 >= s.size() || s[end] != '/' || !is_digit(s[end + 1])) return end;
    std::size_t e = end + 1;
    unsigned len = 0;
    while (e < s.size() && is_digit(s[e]) && e - end <= 3)
        len = len * 10 + static_cast<unsigned>(s[e++] - '0');
    if (len > max_len || word_at(s, e)) return end;
    return e;
}

std::optional<anonymiser::network> parse_network(std::string_view text) {
    text = trim(text);
    std::size_t const slash = text.find('/');
    std::string_view const addr = text.substr(0, slash);
    anonymiser::network net;
    if (auto const v4 = read_ipv4(addr, 0, false); v4 && v4->end == addr.size()) {
        net.bytes = v4->bytes;
        net.prefix = 32;
    } else if (auto const v6 = parse_ipv6(addr)) {
        net = {true, *v6, 128};
    } else {
        return std::nullopt;
    }
    if (slash == npos) return net;
    std::string_view const len = text.substr(slash + 1);
    if (len.empty() || len.size() > 3 || !std::all_of(len.begin(), len.end(), is_digit))
        return std::nullopt;
    unsigned const prefix = static_cast<unsigned>(std::stoul(std::string(len)));
    if (prefix > net.prefix) return std::nullopt;
    net.prefix = prefix;
    return net;
}

bool in_network(anonymiser::network const& net, bool v6, ip_bytes const& a) {
    if (net.v6 != v6) return false;
    unsigned bits = net.prefix;
    for (std::size_t i = 0; bits > 0; ++i) {
        unsigned const mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
        if ((a[i] & mask) != (net.bytes[i] & mask)) return false;
        bits = bits >= 8 ? bits - 8 : 0;
    }
    return true;
}

// RFC 1918, loopback and link-local.
bool internal_v4(ip_bytes const& a) {
    return a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
           a[0] == 127 || (a[0] == 169 && a[1] == 254);
}

bool is_v4_mapped(ip_bytes const& a) {
    return std::all_of(a.begin(), a.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
           a[10] == 0xFF && a[11] == 0xFF;
}

// Loopback, link-local fe80::/10, ULA fc00::/7, and IPv4-mapped internal addresses.
bool internal_v6(ip_bytes const& a) {
    bool const loopback =
        std::all_of(a.begin(), a.begin() + 15, [](std::uint8_t b) { return b == 0; }) &&
        a[15] == 1;
    if (is_v4_mapped(a)) return internal_v4({a[12], a[13], a[14], a[15]});
    return loopback || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) || (a[0] & 0xFE) == 0xFC;
}

bool in_ranges(std::vector<anonymiser::network> const& ranges, bool v6, ip_bytes const& a) {
    if (v6 && is_v4_mapped(a)) return in_ranges(ranges, false, {a[12], a[13], a[14], a[15]});
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](anonymiser::network const& n) { return in_network(n, v6, a); });
}

void scan_ipv4(std::string_view s, std::vector<anonymiser::network> const& ranges,
               std::vector<span>& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!is_digit(s[i]) || word_before(s, i) || (i > 0 && one_of(s[i - 1], "._"))) continue;
        auto const r = read_ipv4(s, i, true);
        if (!r) continue;
        std::size_t end = r->end;
        bool const glued = word_at(s, end) || (end < s.size() && s[end] == '_') ||
                           (end + 1 < s.size() && s[end] == '.' && is_digit(s[end + 1]));
        if (!glued) {
            end = prefix_suffix(s, end, 32);
            if (internal_v4(r->bytes) || in_ranges(ranges, false, r->bytes))
                out.push_back({i, end, redaction_kind::internal_ip});
        }
        i = end - 1;
    }
}

bool v6_char(char c) { return is_hex(c) || c == ':' || c == '.'; }

// One maximal run of hex digits, ':' and '.' in [b, e).
void check_ipv6_run(std::string_view s, std::size_t b, std::size_t e,
                    std::vector<anonymiser::network> const& ranges, std::vector<span>& out) {
    if (std::count(s.begin() + static_cast<std::ptrdiff_t>(b),
                   s.begin() + static_cast<std::ptrdiff_t>(e), ':') < 2)
        return;
    if (word_before(s, b) || (b > 0 && s[b - 1] == '_')) {  // "Port:fe80::1" but not "xdead::1"
        if (s[b] != ':' || s[b + 1] == ':') return;
        ++b;
    }
    while (e > b && s[e - 1] == '.') --e;
    auto a = parse_ipv6(s.substr(b, e - b));
    if (!a && e - b >= 2 && s[e - 1] == ':' && s[e - 2] != ':') {  // "at fe80::1:" in prose
        --e;
        a = parse_ipv6(s.substr(b, e - b));
    }
    if (!a || word_at(s, e) || (e < s.size() && s[e] == '_')) return;
    if (e + 1 < s.size() && s[e] == '%' && is_alnum(s[e + 1])) {  // zone id: fe80::1%eth0
        ++e;
        while (e < s.size() && (is_alnum(s[e]) || one_of(s[e], "_-"))) ++e;
    }
    e = prefix_suffix(s, e, 128);
    if (internal_v6(*a) || in_ranges(ranges, true, *a))
        out.push_back({b, e, redaction_kind::internal_ip});
}

void scan_ipv6(std::string_view s, std::vector<anonymiser::network> const& ranges,
               std::vector<span>& out) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (!v6_char(s[i])) {
            ++i;
            continue;
        }
        std::size_t e = i;
        while (e < s.size() && v6_char(s[e])) ++e;
        check_ipv6_run(s, i, e, ranges, out);
        i = e;
    }
}

// ---------------------------------------------------------------- host names, org names, e-mail

struct host_token {
    std::size_t begin;
    std::size_t end;
    std::string name;  // folded labels joined by '.', defanged dots undone
    std::size_t labels;
};

// Reads dot-separated labels from i, which must be a label character.
host_token read_host(std::string_view s, std::size_t i) {
    host_token h{i, i, {}, 0};
    while (true) {
        std::size_t k = i;
        while (host_at(s, k)) k += step(s, k);
        h.name.append(s.substr(i, k - i));
        h.end = k;
        ++h.labels;
        std::size_t const d = dot_at(s, k);
        if (d == 0 || !host_at(s, k + d)) return h;
        h.name.push_back('.');
        i = k + d;
    }
}

std::string_view last_label(std::string_view name) { return name.substr(name.rfind('.') + 1); }
bool has_letter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || byte(c) >= 0x80; });
}

// The domain itself or any sub-domain; "notnordkraft.no" and "nordkraft.no.evil.com" are not.
bool is_org_host(std::string_view name, std::vector<std::string> const& domains) {
    while (!name.empty() && one_of(name.front(), "-_")) name.remove_prefix(1);
    while (!name.empty() && one_of(name.back(), "-_")) name.remove_suffix(1);
    return std::any_of(domains.begin(), domains.end(), [name](std::string const& d) {
        return name == d || (name.size() > d.size() && name.ends_with(d) &&
                             name[name.size() - d.size() - 1] == '.');
    });
}

// The organisation's host names become [DOMAIN]; other host names (not file names) shield
// the names inside them, so an attacker's look-alike domain stays usable.
void scan_hosts(std::string_view s, std::vector<std::string> const& domains,
                std::vector<span>& out, std::vector<span>& shields) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (!host_at(s, i)) {
            i += step(s, i);
            continue;
        }
        host_token const h = read_host(s, i);
        std::string_view const tld = last_label(h.name);
        if (is_org_host(h.name, domains))
            out.push_back({h.begin, h.end, redaction_kind::domain});
        else if (h.labels >= 2 && has_letter(tld) && !file_extension(tld))
            shields.push_back({h.begin, h.end, redaction_kind::domain});
        i = h.end;
    }
}

// Matches a folded name at i; a space in the name matches any run of white space.
std::size_t match_name(std::string_view s, std::size_t i, std::string_view name) {
    for (char const c : name) {
        if (c == ' ') {
            if (space_at(s, i) == 0) return npos;
            while (std::size_t const w = space_at(s, i)) i += w;
        } else if (i < s.size() && s[i] == c) {
            ++i;
        } else {
            return npos;
        }
    }
    return i;
}

// Shields are sorted and disjoint.
bool shielded(std::vector<span> const& shields, std::size_t b, std::size_t e) {
    auto const it = std::partition_point(shields.begin(), shields.end(),
                                         [b](span const& sh) { return sh.begin <= b; });
    return it != shields.begin() && std::prev(it)->end >= e;
}

void scan_names(std::string_view s, std::vector<std::string> const& names,
                std::vector<span> const& shields, std::vector<span>& out) {
    for (std::string_view const name : names) {
        std::string_view const first = name.substr(0, name.find(' '));
        bool const word_start = word_at(name, 0);
        bool const word_end = word_before(name, name.size());
        for (std::size_t at = s.find(first); at != npos; at = s.find(first, at + 1)) {
            std::size_t const end = match_name(s, at, name);
            if (end == npos || (word_start && word_before(s, at)) ||
                (word_end && word_at(s, end)) || shielded(shields, at, end))
                continue;
            out.push_back({at, end, redaction_kind::org});
        }
    }
}

// "@" or a defanged at sign: "[@]", "[at]", "(at)".
std::size_t at_sign(std::string_view s, std::size_t i) {
    if (s[i] == '@') return 1;
    for (std::string_view sep : {"[@]", "[at]", "(at)"})
        if (s.substr(i).starts_with(sep)) return sep.size();
    return 0;
}

bool local_part_before(std::string_view s, std::size_t i) {
    return i > 0 && (one_of(s[i - 1], "._%+-") || word_before(s, i));
}

// Any e-mail address, whatever its domain: the whole address becomes one [EMAIL].
void scan_emails(std::string_view s, std::vector<span>& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::size_t const sep = one_of(s[i], "@[(") ? at_sign(s, i) : 0;
        if (sep == 0 || !host_at(s, i + sep)) continue;
        std::size_t b = i;
        while (local_part_before(s, b)) b -= decode_before(s, b).size;
        while (b < i && s[b] == '.') ++b;
        host_token const h = read_host(s, i + sep);
        if (b == i || h.labels < 2 || !has_letter(last_label(h.name))) continue;
        out.push_back({b, h.end, redaction_kind::email});
        i = h.end - 1;
    }
}

// ---------------------------------------------------------------- phone numbers

struct digit_group {
    std::size_t begin;  // first digit
    std::size_t end;    // after the last digit
    std::size_t next;   // after a closing parenthesis, if any
    bool paren;
    char sep;  // separator before the group: 0 (first), ' ', '-', '.', '/', ')'
};

std::optional<digit_group> read_group(std::string_view s, std::size_t p, char sep) {
    bool const paren = p < s.size() && s[p] == '(';
    std::size_t const b = paren ? p + 1 : p;
    std::size_t e = b;
    while (e < s.size() && is_digit(s[e])) ++e;
    if (e == b) return std::nullopt;
    if (!paren) return digit_group{b, e, e, false, sep};
    if (e >= s.size() || s[e] != ')' || e - b > 5) return std::nullopt;
    return digit_group{b, e, e + 1, true, sep};
}

// Groups of digits joined by one separator each: "+47 22 33 44 55", "(202) 555-0143".
std::vector<digit_group> read_groups(std::string_view s, std::size_t p) {
    std::vector<digit_group> groups;
    char sep = 0;
    while (groups.size() < 16) {
        auto const g = read_group(s, p, sep);
        if (!g) break;
        groups.push_back(*g);
        p = g->next;
        if (p + 1 < s.size() && one_of(s[p], " -./") && (is_digit(s[p + 1]) || s[p + 1] == '(')) {
            sep = s[p++];
        } else if (g->paren && p < s.size() && is_digit(s[p])) {
            sep = ')';
        } else {
            break;
        }
    }
    return groups;
}

std::size_t digits(digit_group const& g) { return g.end - g.begin; }

// A space-free chunk shaped like a date (2018-09-01, 01.09.2018) or an IPv4 address.
bool date_or_address(std::vector<digit_group> const& g, std::size_t b, std::size_t e) {
    bool same_sep = true;
    bool short_groups = true;
    for (std::size_t k = b; k < e; ++k) {
        if (k > b && g[k].sep != g[b + 1].sep) same_sep = false;
        if (digits(g[k]) > 3) short_groups = false;
    }
    if (!same_sep) return false;
    if (e - b == 4 && g[b + 1].sep == '.' && short_groups) return true;
    if (e - b != 3) return false;
    std::size_t const l0 = digits(g[b]), l1 = digits(g[b + 1]), l2 = digits(g[b + 2]);
    return l1 == 2 && ((l0 == 4 && l2 == 2) || (l0 == 2 && l2 == 4));
}

// National formats: 3+ groups of 2-4 digits (or "(area) ..."), 8-12 digits in all.
bool national_number(std::vector<digit_group> const& g, std::size_t n, std::size_t total) {
    if (total < 8 || total > 12 || !(n >= 3 || (n == 2 && g[0].paren))) return false;
    bool all_four = true, dots = false, pairs = true, thousands = digits(g[0]) <= 3;
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t const len = digits(g[k]);
        if (g[k].paren ? len > 5 : (len < 2 || len > 4)) return false;
        if (g[k].sep == '/') return false;
        all_four = all_four && len == 4;
        pairs = pairs && len == 2;
        dots = dots || g[k].sep == '.';
        thousands = thousands && (k == 0 || (len == 3 && g[k].sep == ' '));
    }
    if (all_four || thousands) return false;  // "2018 2019 2020", "12 500 000"
    // Dotted only as 202.555.0143 or 01.23.45.67.89, never like an address or a version.
    if (dots)
        return (n == 3 && digits(g[0]) == 3 && digits(g[1]) == 3 && digits(g[2]) == 4) ||
               (n >= 5 && pairs);
    return true;
}

// "Tlf: 22334455", "phone 22334455": the word before a bare run of digits names it.
bool phone_label_before(std::string_view s, std::size_t i) {
    while (i > 0 && one_of(s[i - 1], " \t:.=(")) --i;
    std::size_t b = i;
    while (b > 0 && is_alpha(s[b - 1])) --b;
    std::string_view const word = s.substr(b, i - b);
    if (word_before(s, b)) return false;
    for (std::string_view label : {"tel", "tlf", "telefon", "phone", "telephone", "mob", "mobil",
                                   "mobile", "cell", "fax", "sms", "whatsapp", "signal"})
        if (word == label) return true;
    return false;
}

bool phone_number(std::string_view s, std::vector<digit_group> const& g, std::size_t n, bool plus) {
    std::size_t total = 0;
    for (std::size_t b = 0, k = 0; k < n; ++k) {
        total += digits(g[k]);
        if (k + 1 == n || g[k + 1].sep == ' ') {
            if (date_or_address(g, b, k + 1)) return false;
            b = k + 1;
        }
    }
    if (plus) return total >= 8 && total <= 15;
    if (n == 1 && !g[0].paren)  // bare digits are ids or timestamps unless labelled: "tlf 22334455"
        return total >= 8 && total <= 12 && phone_label_before(s, g[0].begin);
    std::string_view const first = s.substr(g[0].begin, digits(g[0]));
    if (!g[0].paren && first.size() > 2 && first.starts_with("00") && first[2] != '0')
        return total >= 10 && total <= 17;  // "0047 ...": 00, then 8-15 digits
    return national_number(g, n, total);
}

bool phone_start(std::string_view s, std::size_t i) {
    if (i == 0) return true;
    char const c = s[i - 1];
    if (s[i] == '+') return !is_digit(c) && c != '+';  // "?q=call+4722334455", not "C++"
    if (word_before(s, i) || one_of(c, "-._/\\#@$%&+~^")) return false;  // CVE-2018-1234
    return !(one_of(c, ":,") && i >= 2 && is_digit(s[i - 2]));           // 12:30, 1,5
}

bool phone_end(std::string_view s, std::size_t e) {
    if (e >= s.size()) return true;
    if (word_at(s, e) || s[e] == '_') return false;
    return !(one_of(s[e], "-./:,") && e + 1 < s.size() && is_digit(s[e + 1]));
}

// Tries a phone number at i; returns where scanning continues.
std::size_t scan_phone_at(std::string_view s, std::size_t i, std::vector<span>& out) {
    bool const plus = s[i] == '+';
    std::vector<digit_group> const g = read_groups(s, plus ? i + 1 : i);
    if (g.empty()) return i + 1;
    // Longest run of whole space-separated chunks first: "+47 22 33 44 55 2018-09-01".
    for (std::size_t n = g.size(); n > 0; --n) {
        if (n < g.size() && g[n].sep != ' ') continue;
        if (phone_end(s, g[n - 1].next) && phone_number(s, g, n, plus)) {
            out.push_back({i, g[n - 1].next, redaction_kind::phone});
            return g[n - 1].next;
        }
    }
    std::size_t first_chunk = 1;
    while (first_chunk < g.size() && g[first_chunk].sep != ' ') ++first_chunk;
    return g[first_chunk - 1].next;
}

void scan_phones(std::string_view s, std::vector<span>& out) {
    std::size_t i = 0;
    while (i < s.size()) {
        bool const opener = (s[i] == '+' || s[i] == '(') && i + 1 < s.size() &&
                            (is_digit(s[i + 1]) || s[i + 1] == '(');
        bool const candidate = is_digit(s[i]) || opener;
        i = candidate && phone_start(s, i) ? scan_phone_at(s, i, out) : i + 1;
    }
}

// ---------------------------------------------------------------- user names

bool name_char(std::string_view s, std::size_t i) {
    return i < s.size() && (one_of(s[i], ".-_$") || word_at(s, i));
}
bool name_char_before(std::string_view s, std::size_t i) {
    return i > 0 && (one_of(s[i - 1], ".-_$") || word_before(s, i));
}
std::size_t name_run(std::string_view s, std::size_t i) {
    while (name_char(s, i)) i += step(s, i);
    return i;
}

// The profile name at i: "jdoe", or "John Doe" when a path separator follows the words.
std::size_t read_profile_name(std::string_view s, std::size_t i) {
    if (!word_at(s, i)) return i;  // "$USER", "%USERNAME%", "*" are no names
    std::size_t end = name_run(s, i);
    std::size_t more = end;
    for (int words = 0; words < 3 && more + 1 < s.size() && s[more] == ' ' && word_at(s, more + 1);
         ++words)
        more = name_run(s, more + 1);
    if (more > end && more < s.size() && one_of(s[more], "\\/")) end = more;
    while (end > i && one_of(s[end - 1], ".-")) --end;
    return end;
}

// Profiles that belong to no person; useful in indicators (C:\Users\Public\evil.exe).
bool shared_profile(std::string_view name) {
    for (std::string_view p : {"public", "default", "default user", "all users", "shared"})
        if (name == p) return true;
    return false;
}

// A path starts at sep: after "C:", "c$", "%SystemDrive%", a space or a quote; not in a URL.
bool path_start(std::string_view s, std::size_t sep) {
    return sep == 0 || !(word_before(s, sep) || one_of(s[sep - 1], "._-~"));
}

// C:\Users\<name>, \Documents and Settings\<name>, /Users/<name>, /home/<name>: only the name
// is replaced, the path stays readable.
void scan_home_paths(std::string_view s, std::vector<span>& out) {
    for (std::string_view root : {"users", "documents and settings", "home"}) {
        for (std::size_t at = s.find(root); at != npos; at = s.find(root, at + 1)) {
            std::size_t const e = at + root.size();
            if (at == 0 || e + 1 >= s.size() || !one_of(s[at - 1], "\\/") || s[e] != s[at - 1])
                continue;
            if (root == "home" && s[e] != '/') continue;
            std::size_t lead = at - 1;
            if (lead > 0 && s[lead - 1] == s[lead]) --lead;  // "C:\\Users\\jdoe" in escaped text
            if (!path_start(s, lead)) continue;
            std::size_t const b = e + 1 + (s[e + 1] == s[e] ? 1 : 0);
            std::size_t const end = read_profile_name(s, b);
            if (end > b && !shared_profile(s.substr(b, end - b)))
                out.push_back({b, end, redaction_kind::user});
        }
    }
}

// Left-hand sides that make "X\Y" a relative path or registry key, not DOMAIN\user.
bool path_root(std::string_view left) {
    static constexpr std::string_view roots[] = {
        "windows",  "system32",       "syswow64",      "sysnative",      "winsxs",
        "files",    "programdata",    "appdata",       "local",          "locallow",
        "roaming",  "temp",           "tmp",           "users",          "public",
        "desktop",  "documents",      "downloads",     "drivers",        "etc",
        "config",   "tasks",          "prefetch",      "microsoft",      "software",
        "system",   "currentcontrolset", "controlset001", "currentversion", "services",
        "run",      "runonce",        "policies",      "classes",        "hklm",
        "hkcu",     "hkcr",           "hku",           "hkey_local_machine", "hkey_current_user",
        "hkey_classes_root", "hkey_users", "menu",     "programs",       "startup",
        "sysvol",   "netlogon",       "inetpub",       "wwwroot",        "logs"};
    return std::find(std::begin(roots), std::end(roots), left) != std::end(roots);
}

// "\nBar", "\t1", "\x41", "\u00e9" in the original (unfolded) text: escapes, not accounts.
// "line1\nline2" is ambiguous with CORP\nbarker and is treated as an account (privacy first).
bool escape_like(std::string_view right) {
    auto const hex_tail = [right] {
        return right.size() >= 3 && std::all_of(right.begin() + 1, right.end(), is_hex);
    };
    if (one_of(right[0], "nrt")) return !(right[1] >= 'a' && right[1] <= 'z');
    return (right[0] == 'x' || right[0] == 'u') && hex_tail();
}

bool account_form(std::string_view raw, std::string_view s, std::size_t b, std::size_t p,
                  std::size_t after, std::size_t e) {
    if (b == p || e < after + 2 || !word_at(s, after)) return false;
    if (b > 0 && one_of(s[b - 1], "\\/%")) return false;  // \\host\share\x, %VAR%\x
    if (e < s.size() && one_of(s[e], "\\/")) return false;  // Windows\System32\drivers
    std::string_view const left = s.substr(b, p - b);
    std::string_view const right = s.substr(after, e - after);
    if (left.size() < 2 || !has_letter(left) || !has_letter(right) || path_root(left))
        return false;
    if (right.find('.') != npos && file_extension(last_label(right))) return false;  // dist\app.js
    return !escape_like(raw.substr(after, e - after));
}

// DOMAIN\user (NORDKRAFT\jdoe, corp.local\svc_backup, "CORP\\jdoe" escaped): one [USER].
// `profiles` (sorted) are home-path names: "C:\Users\John Doe\AppData" is no "Doe\AppData".
void scan_accounts(std::string_view raw, std::string_view s, std::vector<span> const& profiles,
                   std::vector<span>& out) {
    auto const ends_profile = [&profiles](std::size_t p) {
        auto const it = std::partition_point(profiles.begin(), profiles.end(),
                                             [p](span const& h) { return h.end < p; });
        return it != profiles.end() && it->end == p;
    };
    for (std::size_t p = s.find('\\'); p != npos; p = s.find('\\', p + 1)) {
        if ((p > 0 && s[p - 1] == '\\') || ends_profile(p)) continue;  // 2nd of "\\", or a path
        std::size_t const after = p + 1 + (p + 1 < s.size() && s[p + 1] == '\\' ? 1 : 0);
        std::size_t b = p;
        while (name_char_before(s, b)) b -= decode_before(s, b).size;
        std::size_t e = name_run(s, after);
        while (e > after && one_of(s[e - 1], ".-")) --e;
        if (account_form(raw, s, b, p, after, e)) out.push_back({b, e, redaction_kind::user});
    }
}

// ---------------------------------------------------------------- assembling the result

// Placeholders already in the text: never matched again (idempotency, and a name such as
// "User" must not eat "[USER]").
std::vector<span> find_placeholders(std::string_view raw) {
    std::vector<span> found;
    for (std::size_t i = raw.find('['); i != npos; i = raw.find('[', i + 1))
        for (auto k : {redaction_kind::org, redaction_kind::domain, redaction_kind::email,
                       redaction_kind::phone, redaction_kind::internal_ip, redaction_kind::user})
            if (raw.substr(i).starts_with(placeholder(k)))
                found.push_back({i, i + placeholder(k).size(), k});
    return found;
}

// In the scanned copy a placeholder reads as a plain word ("qqqq", which no rule matches),
// as the term it replaced did: neighbours are judged as they were before the redaction,
// so a second scrub finds nothing new.
void neutralise(std::string& folded, std::vector<span> const& placeholders) {
    for (span const& p : placeholders)
        std::fill(folded.begin() + static_cast<std::ptrdiff_t>(p.begin),
                  folded.begin() + static_cast<std::ptrdiff_t>(p.end), 'q');
}

void drop_overlapping(std::vector<span>& found, std::vector<span> const& placeholders) {
    std::erase_if(found, [&placeholders](span const& f) {
        auto const it = std::partition_point(placeholders.begin(), placeholders.end(),
                                             [&f](span const& m) { return m.end <= f.begin; });
        return f.end <= f.begin || (it != placeholders.end() && it->begin < f.end);
    });
}

// Overlapping findings become one span, so no part of a term is left behind (an e-mail at
// the org's domain is one [EMAIL]); the longest finding names the kind.
std::vector<span> merge(std::vector<span> found) {
    std::sort(found.begin(), found.end(), [](span const& a, span const& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<span> merged;
    std::size_t longest = 0;
    for (span const& f : found) {
        if (merged.empty() || f.begin >= merged.back().end) {
            merged.push_back(f);
            longest = f.end - f.begin;
            continue;
        }
        merged.back().end = std::max(merged.back().end, f.end);
        if (f.end - f.begin > longest) {
            longest = f.end - f.begin;
            merged.back().kind = f.kind;
        }
    }
    return merged;
}

struct compiled_terms {
    std::vector<std::string> const& names;
    std::vector<std::string> const& domains;
    std::vector<anonymiser::network> const& ranges;
};

std::vector<span> find_spans(std::string_view raw, compiled_terms const& terms,
                             scrub_policy policy) {
    static std::vector<std::string> const no_domains;
    std::vector<span> const placeholders = find_placeholders(raw);
    std::string folded = fold(raw);
    neutralise(folded, placeholders);
    std::vector<span> found;
    std::vector<span> shields;
    scan_hosts(folded, policy.keep_org_names ? no_domains : terms.domains, found, shields);
    if (!policy.keep_org_names) scan_names(folded, terms.names, shields, found);
    scan_emails(folded, found);
    scan_phones(folded, found);
    scan_ipv4(folded, terms.ranges, found);
    scan_ipv6(folded, terms.ranges, found);
    std::vector<span> profiles;
    scan_home_paths(folded, profiles);
    std::sort(profiles.begin(), profiles.end(),
              [](span const& a, span const& b) { return a.end < b.end; });
    scan_accounts(raw, folded, profiles, found);
    found.insert(found.end(), profiles.begin(), profiles.end());
    drop_overlapping(found, placeholders);
    return merge(std::move(found));
}

std::string render(std::string_view raw, std::vector<span> const& spans,
                   std::vector<redaction>& log) {
    std::string out;
    out.reserve(raw.size());
    std::size_t at = 0;
    for (span const& s : spans) {
        out.append(raw.substr(at, s.begin - at));
        out.append(placeholder(s.kind));
        log.push_back({s.kind, std::string(raw.substr(s.begin, s.end - s.begin))});
        at = s.end;
    }
    out.append(raw.substr(at));
    return out;
}

std::string normalise_name(std::string_view name) {
    std::string out;
    for (char const c : fold(trim(name))) {
        bool const space = one_of(c, " \t\r\n");
        if (!space) out.push_back(c);
        else if (!out.empty() && out.back() != ' ') out.push_back(' ');
    }
    return out;
}

std::string normalise_domain(std::string_view domain) {
    std::string_view d = trim(domain);
    if (d.starts_with("*.")) d.remove_prefix(2);
    while (!d.empty() && d.front() == '.') d.remove_prefix(1);
    while (!d.empty() && d.back() == '.') d.remove_suffix(1);
    return fold(d);
}

}  // namespace

std::string_view placeholder(redaction_kind kind) {
    switch (kind) {
    case redaction_kind::org: return "[ORG]";
    case redaction_kind::domain: return "[DOMAIN]";
    case redaction_kind::email: return "[EMAIL]";
    case redaction_kind::phone: return "[PHONE]";
    case redaction_kind::internal_ip: return "[INTERNAL-IP]";
    case redaction_kind::user: return "[USER]";
    }
    return "[REDACTED]";
}

std::string_view to_string(redaction_kind kind) {
    switch (kind) {
    case redaction_kind::org: return "org";
    case redaction_kind::domain: return "domain";
    case redaction_kind::email: return "email";
    case redaction_kind::phone: return "phone";
    case redaction_kind::internal_ip: return "internal-ip";
    case redaction_kind::user: return "user";
    }
    return "unknown";
}

anonymiser::anonymiser(identifying_terms const& terms) {
    // A one-letter "name" would shred every text; it can only be a configuration mistake.
    for (auto const& n : terms.names)
        if (auto f = normalise_name(n); f.size() >= 2) names_.push_back(std::move(f));
    for (auto const& d : terms.domains)
        if (auto f = normalise_domain(d); !f.empty()) domains_.push_back(std::move(f));
    for (auto const& r : terms.ip_ranges) {
        if (auto net = parse_network(r)) ranges_.push_back(*net);
        else ignored_ranges_.push_back(r);
    }
}

scrub_result anonymiser::scrub(std::string_view text, scrub_policy policy) const {
    // A redaction can expose a neighbour to a rule it was glued to before ("jdoe@x.no+4722..."
    // becomes "[EMAIL]+4722..."), so repeat until nothing changes: the result is a fixed point.
    scrub_result result{std::string(text), {}};
    compiled_terms const terms{names_, domains_, ranges_};
    for (int pass = 0; pass < max_passes; ++pass) {
        std::vector<span> const spans = find_spans(result.text, terms, policy);
        if (spans.empty()) break;
        result.text = render(result.text, spans, result.redactions);
    }
    return result;
}

}  // namespace varde::domain
