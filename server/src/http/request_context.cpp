#include "http/request_context.hpp"

namespace varde::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decoding; '+' means space only in query components.
std::optional<std::string> decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0') return std::nullopt;
            out += decoded;
            i += 2;
        } else {
            out += (plus_is_space && c == '+') ? ' ' : c;
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> decode_segment(std::string_view segment) { return decode(segment, false); }

std::optional<split_target> parse_target(std::string_view target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    auto qpos = target.find('?');
    split_target out;
    // The path stays encoded: a parameter such as a URL indicator may hold an encoded '/',
    // so segments are decoded one by one after the route has split them.
    auto raw_path = target.substr(0, qpos);
    if (!decode(raw_path, false)) return std::nullopt;
    out.path = std::string(raw_path);
    if (qpos == std::string_view::npos) return out;
    std::string_view query = target.substr(qpos + 1);
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        auto eq = pair.find('=');
        auto key = decode(pair.substr(0, eq), true);
        auto value = decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (!key || !value) return std::nullopt;
        if (!key->empty()) out.query[*key] = *value;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace varde::http
