#include "domain/indicator.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "domain/ip_address.hpp"
#include "domain/text.hpp"

namespace varde::domain {

namespace {

constexpr std::size_t max_domain = 253;
constexpr std::size_t max_label = 63;
constexpr std::size_t max_local_part = 64;  // RFC 5321 §4.5.3.1.1
constexpr std::size_t max_url = 2048;
constexpr std::size_t max_filename = 255;
constexpr std::size_t max_user_agent = 1024;

constexpr std::array<std::string_view, 12> type_names = {
    "ipv4", "ipv6", "cidr",   "domain",   "url",        "email",
    "md5",  "sha1", "sha256", "filename", "user-agent", "asn"};

normalised valid(std::string value) { return {std::move(value), {}}; }
normalised invalid(std::string_view what, std::string_view why = {}) {
    std::string message = "not a valid " + std::string(what);
    if (!why.empty()) message += ": " + std::string(why);
    return {{}, std::move(message)};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool all_digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }
bool is_ldh(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; }

// A decimal of 1..max_digits digits (a port, an AS number) without a leading zero, refused for
// the same reason as in IPv4 parts: some parsers would read it as octal.
std::optional<std::uint64_t> parse_decimal(std::string_view s, std::size_t max_digits) {
    if (s.empty() || s.size() > max_digits || !all_digits(s)) return std::nullopt;
    if (s.size() > 1 && s.front() == '0') return std::nullopt;
    std::uint64_t value = 0;
    for (char c : s) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    return value;
}

normalised normalise_cidr(std::string_view s) {
    auto const parsed = parse_cidr(s);
    bool const v6 = parsed.network.address.v6;
    switch (parsed.error) {
    case cidr_error::none: break;
    case cidr_error::missing_prefix: return invalid("CIDR block", "missing /prefix-length");
    case cidr_error::bad_prefix:
        return invalid("CIDR block",
                       v6 ? "prefix length must be 0-128" : "prefix length must be 0-32");
    case cidr_error::bad_address:
        return invalid("CIDR block", v6 ? "not a valid IPv6 address" : "not a valid IPv4 address");
    }
    auto const& [address, prefix] = parsed.network;
    auto const network = to_string(network_of(address, prefix)) + "/" + std::to_string(prefix);
    if (network_of(address, prefix) != address)
        return invalid("CIDR block", "host bits are set (the network is " + network + ")");
    return valid(network);
}

// Why a lower-cased name is not a DNS host name; empty when it is one.
std::string_view domain_problem(std::string_view name) {
    if (name.empty()) return "empty";
    if (name.size() > max_domain) return "longer than 253 characters";
    std::size_t labels = 0;
    for (std::string_view rest = name;; ++labels) {
        auto dot = rest.find('.');
        auto label = rest.substr(0, dot);
        if (label.empty()) return "empty label";
        if (label.size() > max_label) return "label longer than 63 characters";
        if (!std::all_of(label.begin(), label.end(), is_ldh))
            return "only letters, digits and '-' are allowed in labels (use punycode)";
        if (label.front() == '-' || label.back() == '-') return "label starts or ends with '-'";
        if (dot == std::string_view::npos) {
            if (labels == 0) return "needs at least two labels";
            if (all_digits(label)) return "top-level label is all-numeric";
            return {};
        }
        rest.remove_prefix(dot + 1);
    }
}

std::string canonical_domain(std::string_view raw) {
    std::string name = to_lower_ascii(raw);
    if (!name.empty() && name.back() == '.') name.pop_back();
    return name;
}

normalised normalise_domain(std::string_view s, std::string_view what) {
    std::string name = canonical_domain(s);
    if (auto why = domain_problem(name); !why.empty()) return invalid(what, why);
    return valid(std::move(name));
}

// "host", "host:port", "[v6]" or "[v6]:port" → canonical host with the port kept as written.
std::optional<std::string> canonical_host_port(std::string_view s) {
    std::string host;
    std::string_view port_part;
    if (s.starts_with('[')) {
        auto close = s.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        auto v6 = parse_ipv6(s.substr(1, close - 1));
        if (!v6) return std::nullopt;
        // Appended piecewise: GCC 12 at -O3 raises a false -Wrestrict on "[" + std::string.
        host += '[';
        host += to_string(*v6);
        host += ']';
        port_part = s.substr(close + 1);
    } else {
        auto colon = s.find(':');
        host = canonical_domain(s.substr(0, colon));
        port_part = colon == std::string_view::npos ? std::string_view{} : s.substr(colon);
        if (!parse_ipv4(host) && !domain_problem(host).empty()) return std::nullopt;
    }
    if (port_part.empty()) return host;
    auto port = port_part.starts_with(':') ? parse_decimal(port_part.substr(1), 5) : std::nullopt;
    if (!port || *port > 65535) return std::nullopt;
    return host + std::string(port_part);
}

normalised normalise_url(std::string_view s) {
    if (s.size() > max_url) return invalid("URL", "longer than 2048 characters");
    if (std::any_of(s.begin(), s.end(), [](char c) { return c == ' ' || is_control(c); }))
        return invalid("URL", "contains spaces or control characters");
    auto sep = s.find("://");
    std::string scheme = to_lower_ascii(s.substr(0, sep));
    if (sep == std::string_view::npos || (scheme != "http" && scheme != "https" && scheme != "ftp"))
        return invalid("URL", "scheme must be http, https or ftp");
    auto rest = s.substr(sep + 3);
    auto end = std::min(rest.find_first_of("/?#"), rest.size());
    auto authority = rest.substr(0, end);
    auto at = authority.rfind('@');
    auto userinfo = at == std::string_view::npos ? std::string_view{} : authority.substr(0, at + 1);
    auto host = canonical_host_port(authority.substr(userinfo.size()));
    if (!host)
        return invalid("URL", "host must be a domain name or an IP address, with a valid port");
    return valid(scheme + "://" + std::string(userinfo) + *host + std::string(rest.substr(end)));
}

normalised normalise_email(std::string_view s) {
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
        return invalid("e-mail address", "expected local@domain");
    auto local = s.substr(0, at);
    if (local.size() > max_local_part)
        return invalid("e-mail address", "local part longer than 64 characters");
    // Quoted local parts are not supported: they are not seen in practice in indicators.
    if (!std::all_of(local.begin(), local.end(), [](char c) { return c > ' ' && c < 0x7f; }))
        return invalid("e-mail address", "local part must be printable ASCII without spaces");
    std::string domain = canonical_domain(s.substr(at + 1));
    if (auto why = domain_problem(domain); !why.empty())
        return invalid("e-mail address", "domain " + std::string(why));
    return valid(std::string(local) + "@" + domain);
}

normalised normalise_hash(std::string_view s, std::size_t digits, std::string_view what) {
    if (s.size() != digits ||
        s.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
        return invalid(what, "expected " + std::to_string(digits) + " hexadecimal digits");
    return valid(to_lower_ascii(s));
}

// Free text with a length bound; bytes >= 0x80 (UTF-8) are kept, control characters are not.
normalised normalise_text(std::string_view s, std::size_t max, std::string_view what) {
    if (s.size() > max) return invalid(what, "longer than " + std::to_string(max) + " bytes");
    if (std::any_of(s.begin(), s.end(), is_control))
        return invalid(what, "contains control characters");
    return valid(std::string(s));
}

normalised normalise_asn(std::string_view s) {
    if (s.size() > 2 && iequals_ascii(s.substr(0, 2), "AS")) s.remove_prefix(2);
    // Leading zeros carry no ambiguity in an AS number, so they are dropped, not refused.
    while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
    auto number = parse_decimal(s, 10);
    if (!number || *number > 4294967295u) return invalid("AS number", "expected AS0-AS4294967295");
    return valid("AS" + std::to_string(*number));
}

}  // namespace

std::optional<indicator_type> parse_indicator_type(std::string_view text) {
    auto it = std::find(type_names.begin(), type_names.end(), text);
    if (it == type_names.end()) return std::nullopt;
    return static_cast<indicator_type>(it - type_names.begin());
}

std::string_view to_string(indicator_type type) {
    return type_names.at(static_cast<std::size_t>(type));
}

std::optional<indicator_role> parse_indicator_role(std::string_view text) {
    if (text == "attacker") return indicator_role::attacker;
    if (text == "victim") return indicator_role::victim;
    return std::nullopt;
}

std::string_view to_string(indicator_role role) {
    return role == indicator_role::victim ? "victim" : "attacker";
}

normalised normalise_indicator(indicator_type type, std::string_view raw) {
    auto s = trim(raw);
    if (s.empty()) return {{}, "must not be empty"};
    switch (type) {
    case indicator_type::ipv4:
        if (auto a = parse_ipv4(s)) return valid(to_string(*a));
        return invalid("IPv4 address");
    case indicator_type::ipv6:
        if (auto a = parse_ipv6(s)) return valid(to_string(*a));
        return invalid("IPv6 address");
    case indicator_type::cidr: return normalise_cidr(s);
    case indicator_type::domain: return normalise_domain(s, "domain name");
    case indicator_type::url: return normalise_url(s);
    case indicator_type::email: return normalise_email(s);
    case indicator_type::md5: return normalise_hash(s, 32, "MD5 hash");
    case indicator_type::sha1: return normalise_hash(s, 40, "SHA-1 hash");
    case indicator_type::sha256: return normalise_hash(s, 64, "SHA-256 hash");
    case indicator_type::filename: return normalise_text(s, max_filename, "file name");
    case indicator_type::user_agent: return normalise_text(s, max_user_agent, "user agent");
    case indicator_type::asn: return normalise_asn(s);
    }
    return {{}, "unknown indicator type"};
}

}  // namespace varde::domain
