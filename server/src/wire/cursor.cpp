#include "wire/cursor.hpp"

#include <charconv>
#include <cstdio>
#include <random>

namespace varde::wire {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view prefix = "v2:";

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

std::uint64_t pad_for(domain::keyed_hash const& mac, std::string const& nonce) {
    auto hex = mac.hex_mac("cursor:pad:" + nonce).substr(0, 16);
    return std::stoull(hex, nullptr, 16);
}

std::string tag_for(domain::keyed_hash const& mac, std::string const& body) {
    return mac.hex_mac("cursor:tag:" + body).substr(0, 16);
}

std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::optional<std::uint64_t> parse_hex64(std::string_view text) {
    std::uint64_t v = 0;
    if (text.size() != 16) return std::nullopt;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

}  // namespace

std::string encode_cursor(std::int64_t position, domain::keyed_hash const& mac) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    auto nonce = hex64(rng());
    auto body = nonce + ":" + hex64(static_cast<std::uint64_t>(position) ^ pad_for(mac, nonce));
    return base64url(std::string(prefix) + body + ":" + tag_for(mac, body));
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor, domain::keyed_hash const& mac) {
    if (cursor.size() > 96) return std::nullopt;
    auto text = unbase64url(cursor);
    // "v2:" nonce(16) ':' masked(16) ':' tag(16)
    if (!text || text->size() != prefix.size() + 50 || !text->starts_with(prefix)) return std::nullopt;
    std::string_view rest(*text);
    rest.remove_prefix(prefix.size());
    auto nonce = std::string(rest.substr(0, 16));
    auto body = std::string(rest.substr(0, 33));
    auto masked = parse_hex64(rest.substr(17, 16));
    if (!masked || rest[16] != ':' || rest[33] != ':' || rest.substr(34) != tag_for(mac, body)) return std::nullopt;
    auto position = static_cast<std::int64_t>(*masked ^ pad_for(mac, nonce));
    if (position < 0) return std::nullopt;
    return position;
}

}  // namespace varde::wire
