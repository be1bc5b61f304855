// IPv4 and IPv6 addresses (and CIDR blocks) in free text: internal ones and those in the
// organisation's ranges become [INTERNAL-IP]. A CIDR is judged by its network address.
#include "domain/anonymiser_scanners.hpp"

#include <algorithm>

#include "domain/scan_text.hpp"

namespace varde::domain::scan {

namespace {

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

// An IPv4-mapped address is judged as the IPv4 address it carries.
bool to_redact(ip_address const& a, std::vector<ip_network> const& ranges) {
    ip_address const plain = unmapped(a);
    return is_internal(plain) || std::any_of(ranges.begin(), ranges.end(), [&plain](auto const& n) {
               return contains(n, plain);
           });
}

bool v6_char(char c) { return is_hex(c) || c == ':' || c == '.'; }

// One maximal run of hex digits, ':' and '.' in [b, e).
void check_ipv6_run(std::string_view s, std::size_t b, std::size_t e,
                    std::vector<ip_network> const& ranges, std::vector<span>& out) {
    if (std::count(s.begin() + static_cast<std::ptrdiff_t>(b),
                   s.begin() + static_cast<std::ptrdiff_t>(e), ':') < 2)
        return;
    if (word_before(s, b) || (b > 0 && s[b - 1] == '_')) {  // "Port:fe80::1" but not "xdead::1"
        if (s[b] != ':' || s[b + 1] == ':') return;
        ++b;
    }
    while (e > b && s[e - 1] == '.') --e;
    auto a = parse_ipv6(s.substr(b, e - b), leading_zeros::allowed);
    if (!a && e - b >= 2 && s[e - 1] == ':' && s[e - 2] != ':') {  // "at fe80::1:" in prose
        --e;
        a = parse_ipv6(s.substr(b, e - b), leading_zeros::allowed);
    }
    if (!a || word_at(s, e) || (e < s.size() && s[e] == '_')) return;
    if (e + 1 < s.size() && s[e] == '%' && is_alnum(s[e + 1])) {  // zone id: fe80::1%eth0
        ++e;
        while (e < s.size() && (is_alnum(s[e]) || one_of(s[e], "_-"))) ++e;
    }
    e = prefix_suffix(s, e, 128);
    if (to_redact(*a, ranges)) out.push_back({b, e, redaction_kind::internal_ip});
}

}  // namespace

void scan_ipv4(std::string_view s, std::vector<ip_network> const& ranges, std::vector<span>& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!is_digit(s[i]) || word_before(s, i) || (i > 0 && one_of(s[i - 1], "._"))) continue;
        auto const r = read_ipv4(s, i, leading_zeros::allowed, true);
        if (!r) continue;
        std::size_t end = r->end;
        bool const glued = word_at(s, end) || (end < s.size() && s[end] == '_') ||
                           (end + 1 < s.size() && s[end] == '.' && is_digit(s[end + 1]));
        if (!glued) {
            end = prefix_suffix(s, end, 32);
            if (to_redact(r->address, ranges)) out.push_back({i, end, redaction_kind::internal_ip});
        }
        i = end - 1;
    }
}

void scan_ipv6(std::string_view s, std::vector<ip_network> const& ranges, std::vector<span>& out) {
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

}  // namespace varde::domain::scan
