#include "wire/cursor.hpp"

#include <charconv>

namespace varde::wire {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view prefix = "v1:";

std::string base64url(std::string_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3f];
    return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        auto v = alphabet.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace

std::string encode_cursor(std::int64_t position) {
    return base64url(std::string(prefix) + std::to_string(position));
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
    if (cursor.size() > 64) return std::nullopt;
    auto text = unbase64url(cursor);
    if (!text || !text->starts_with(prefix)) return std::nullopt;
    std::string_view digits(*text);
    digits.remove_prefix(prefix.size());
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || v < 0) return std::nullopt;
    return v;
}

}  // namespace varde::wire
