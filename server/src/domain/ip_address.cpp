#include "domain/ip_address.hpp"

#include <algorithm>
#include <vector>

namespace varde::domain {

namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr std::size_t ipv6_groups = 8;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One to three decimal digits: an IPv4 part or a prefix length.
std::optional<unsigned> parse_small_decimal(std::string_view s, leading_zeros zeros) {
    if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), is_digit))
        return std::nullopt;
    if (zeros == leading_zeros::refused && s.size() > 1 && s.front() == '0') return std::nullopt;
    unsigned value = 0;
    for (char const c : s) value = value * 10 + static_cast<unsigned>(c - '0');
    return value;
}

std::size_t ipv4_separator_at(std::string_view s, std::size_t i, bool defanged) {
    if (i < s.size() && s[i] == '.') return 1;
    return defanged && s.substr(i).starts_with("[.]") ? 3 : 0;
}

// Colon-separated groups of 1-4 hex digits; the last may be a dotted quad when allowed. At most
// one group more than an address holds is read, so hostile input costs little.
std::optional<std::vector<std::uint16_t>> parse_groups(std::string_view s, bool allow_ipv4,
                                                       leading_zeros zeros) {
    std::vector<std::uint16_t> out;
    while (!s.empty() && out.size() <= ipv6_groups) {
        std::size_t const colon = s.find(':');
        std::string_view const piece = s.substr(0, colon);
        if (colon == npos && allow_ipv4 && piece.find('.') != npos) {
            auto const v4 = parse_ipv4(piece, zeros);
            if (!v4) return std::nullopt;
            out.push_back(static_cast<std::uint16_t>(v4->bytes[0] << 8 | v4->bytes[1]));
            out.push_back(static_cast<std::uint16_t>(v4->bytes[2] << 8 | v4->bytes[3]));
            break;
        }
        if (piece.empty() || piece.size() > 4) return std::nullopt;
        unsigned group = 0;
        for (char const c : piece) {
            if (hex_value(c) < 0) return std::nullopt;
            group = group * 16 + static_cast<unsigned>(hex_value(c));
        }
        out.push_back(static_cast<std::uint16_t>(group));
        if (colon == npos) break;
        s.remove_prefix(colon + 1);
        if (s.empty()) return std::nullopt;  // a trailing single ':'
    }
    if (out.size() > ipv6_groups) return std::nullopt;
    return out;
}

bool is_v4_mapped(ip_address const& a) {
    auto const zero = [](std::uint8_t b) { return b == 0; };
    return a.v6 && std::all_of(a.bytes.begin(), a.bytes.begin() + 10, zero) &&
           a.bytes[10] == 0xFF && a.bytes[11] == 0xFF;
}

std::uint16_t group_at(ip_address const& a, std::size_t i) {
    return static_cast<std::uint16_t>(a.bytes[2 * i] << 8 | a.bytes[2 * i + 1]);
}

std::string format_ipv4(std::uint8_t const* b) {
    return std::to_string(b[0]) + '.' + std::to_string(b[1]) + '.' + std::to_string(b[2]) + '.' +
           std::to_string(b[3]);
}

// RFC 5952 §4: lower-case hex without leading zeros; the longest run (first on a tie) of two
// or more zero groups becomes "::". §5: ::ffff:0:0/96 keeps its IPv4 dotted tail.
std::string format_ipv6(ip_address const& a) {
    bool const mapped = is_v4_mapped(a);
    std::size_t const hex_count = mapped ? 6 : ipv6_groups;
    std::size_t best_start = hex_count, best_len = 1;
    for (std::size_t i = 0; i < hex_count;) {
        std::size_t j = i;
        while (j < hex_count && group_at(a, j) == 0) ++j;
        if (j - i > best_len) best_start = i, best_len = j - i;
        i = j == i ? i + 1 : j;
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < hex_count;) {
        if (i == best_start) {
            out += "::";
            i += best_len;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::string group;
        for (unsigned v = group_at(a, i); group.empty() || v != 0; v /= 16)
            group.insert(0, 1, digits[v % 16]);
        out += group;
        ++i;
    }
    if (mapped) {
        if (out.back() != ':') out += ':';
        out += format_ipv4(a.bytes.data() + 12);
    }
    return out;
}

}  // namespace

std::optional<ipv4_read> read_ipv4(std::string_view text, std::size_t at, leading_zeros zeros,
                                   bool defanged) {
    ipv4_read r{{}, at};
    for (std::size_t k = 0; k < 4; ++k) {
        if (k > 0) {
            std::size_t const sep = ipv4_separator_at(text, r.end, defanged);
            if (sep == 0) return std::nullopt;
            r.end += sep;
        }
        std::size_t const b = r.end;
        while (r.end < text.size() && is_digit(text[r.end]) && r.end - b < 3) ++r.end;
        auto const part = parse_small_decimal(text.substr(b, r.end - b), zeros);
        if (!part || *part > 255) return std::nullopt;
        r.address.bytes[k] = static_cast<std::uint8_t>(*part);
    }
    return r;
}

std::optional<ip_address> parse_ipv4(std::string_view text, leading_zeros zeros) {
    auto const r = read_ipv4(text, 0, zeros);
    if (!r || r->end != text.size()) return std::nullopt;
    return r->address;
}

std::optional<ip_address> parse_ipv6(std::string_view text, leading_zeros zeros) {
    std::vector<std::uint16_t> head, tail;
    std::size_t const gap = text.find("::");
    if (gap == npos) {
        auto all = parse_groups(text, true, zeros);
        if (!all || all->size() != ipv6_groups) return std::nullopt;
        head = std::move(*all);
    } else {
        if (text.find("::", gap + 1) != npos) return std::nullopt;
        auto h = parse_groups(text.substr(0, gap), false, zeros);
        auto t = parse_groups(text.substr(gap + 2), true, zeros);
        // "::" stands for at least one zero group (RFC 4291 §2.2).
        if (!h || !t || h->size() + t->size() > ipv6_groups - 1) return std::nullopt;
        head = std::move(*h);
        tail = std::move(*t);
    }
    ip_address out{true, {}};
    auto const put = [&out](std::size_t group, std::uint16_t v) {
        out.bytes[2 * group] = static_cast<std::uint8_t>(v >> 8);
        out.bytes[2 * group + 1] = static_cast<std::uint8_t>(v & 0xFF);
    };
    for (std::size_t k = 0; k < head.size(); ++k) put(k, head[k]);
    for (std::size_t k = 0; k < tail.size(); ++k) put(ipv6_groups - tail.size() + k, tail[k]);
    return out;
}

std::optional<ip_address> parse_ip(std::string_view text, leading_zeros zeros) {
    if (auto const v4 = parse_ipv4(text, zeros)) return v4;
    return parse_ipv6(text, zeros);
}

cidr_parse parse_cidr(std::string_view text, leading_zeros zeros) {
    cidr_parse r;
    std::size_t const slash = text.find('/');
    if (slash == npos) {
        r.error = cidr_error::missing_prefix;
        return r;
    }
    std::string_view const address = text.substr(0, slash);
    r.network.address.v6 = address.find(':') != npos;
    auto const prefix = parse_small_decimal(text.substr(slash + 1), zeros);
    if (!prefix || *prefix > r.network.address.max_prefix()) {
        r.error = cidr_error::bad_prefix;
        return r;
    }
    auto const parsed =
        r.network.address.v6 ? parse_ipv6(address, zeros) : parse_ipv4(address, zeros);
    if (!parsed) {
        r.error = cidr_error::bad_address;
        return r;
    }
    r.network = {*parsed, *prefix};
    return r;
}

std::string to_string(ip_address const& address) {
    return address.v6 ? format_ipv6(address) : format_ipv4(address.bytes.data());
}

ip_address network_of(ip_address address, unsigned prefix) {
    for (unsigned i = 0; i < address.bytes.size(); ++i) {
        unsigned const first = i * 8;
        if (prefix <= first)
            address.bytes[i] = 0;
        else if (prefix < first + 8)
            address.bytes[i] &= static_cast<std::uint8_t>(0xFFu << (8 - (prefix - first)));
    }
    return address;
}

bool contains(ip_network const& net, ip_address const& address) {
    return net.address.v6 == address.v6 &&
           network_of(net.address, net.prefix) == network_of(address, net.prefix);
}

ip_address unmapped(ip_address const& address) {
    if (!is_v4_mapped(address)) return address;
    auto const& b = address.bytes;
    return {false, {b[12], b[13], b[14], b[15]}};
}

bool is_internal(ip_address const& address) {
    ip_address const a = unmapped(address);
    auto const& b = a.bytes;
    if (!a.v6)
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
               (b[0] == 192 && b[1] == 168) || b[0] == 127 || (b[0] == 169 && b[1] == 254);
    bool const loopback =
        std::all_of(b.begin(), b.begin() + 15, [](auto x) { return x == 0; }) && b[15] == 1;
    return loopback || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || (b[0] & 0xFE) == 0xFC;
}

}  // namespace varde::domain
