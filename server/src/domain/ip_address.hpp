#pragma once
// IPv4 and IPv6 addresses and CIDR networks: parsed, printed and classified in one place, so
// indicator normalisation and the anonymiser's internal-address rule read addresses alike.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace varde::domain {

struct ip_address {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first four

    unsigned max_prefix() const { return v6 ? 128 : 32; }
    friend bool operator==(ip_address const&, ip_address const&) = default;
};

struct ip_network {
    ip_address address;  // host bits may be set: whether that is an error is the caller's call
    unsigned prefix = 0;
};

// May a decimal part ("010", "/08") start with a zero? Indicators refuse it: inet_aton reads
// "010" as octal, so the canonical value would be ambiguous. The anonymiser allows it: in free
// text and configured ranges "10.0.0.01" still means an internal address (privacy first).
enum class leading_zeros { refused, allowed };

// A dotted quad read from the middle of a text: the address and where its fourth part ends.
struct ipv4_read {
    ip_address address;
    std::size_t end;
};

// Reads a.b.c.d starting at `at` (parts of one to three digits, 0-255) and stops after the
// fourth part, whatever follows. With `defanged`, "[.]" also separates parts ("10.0.0[.]1").
std::optional<ipv4_read> read_ipv4(std::string_view text, std::size_t at, leading_zeros zeros,
                                   bool defanged = false);

// The whole text must be the address. IPv6 accepts "::" and a dotted IPv4 tail
// ("::ffff:192.0.2.1"); zone ids ("%eth0") and brackets are not part of an address.
std::optional<ip_address> parse_ipv4(std::string_view text,
                                     leading_zeros zeros = leading_zeros::refused);
std::optional<ip_address> parse_ipv6(std::string_view text,
                                     leading_zeros zeros = leading_zeros::refused);
// IPv4 or IPv6, whichever the text is.
std::optional<ip_address> parse_ip(std::string_view text,
                                   leading_zeros zeros = leading_zeros::refused);

enum class cidr_error { none, missing_prefix, bad_prefix, bad_address };

struct cidr_parse {
    // On bad_prefix and bad_address only network.address.v6 is set: the family the text looked
    // like (it has a ':'), so that a message can name the family and its prefix range.
    ip_network network;
    cidr_error error = cidr_error::none;
};

// "address/prefix"; the prefix is checked before the address, against the family's maximum.
cidr_parse parse_cidr(std::string_view text, leading_zeros zeros = leading_zeros::refused);

// Dotted quad, or IPv6 per RFC 5952 (lower-case, longest zero run as "::", IPv4-mapped
// addresses with their dotted tail).
std::string to_string(ip_address const& address);

// The address with every bit after the first `prefix` bits cleared.
ip_address network_of(ip_address address, unsigned prefix);

// Same family and the same first net.prefix bits. An IPv4-mapped IPv6 address is not in an
// IPv4 network; call unmapped() first where it should be.
bool contains(ip_network const& net, ip_address const& address);

// ::ffff:a.b.c.d as the IPv4 address a.b.c.d; any other address unchanged.
ip_address unmapped(ip_address const& address);

// Private (RFC 1918), loopback and link-local IPv4; IPv6 loopback, link-local fe80::/10 and
// ULA fc00::/7; IPv4-mapped addresses by their IPv4 address.
bool is_internal(ip_address const& address);

}  // namespace varde::domain
