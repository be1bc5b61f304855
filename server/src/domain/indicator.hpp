#pragma once
// Indicators of compromise (SPEC §3) and their normalisation per type. Values are stored in
// one canonical spelling so that two reports naming "2001:DB8::01" and "2001:db8::1" correlate.
#include <optional>
#include <string>
#include <string_view>

namespace varde::domain {

enum class indicator_type {
    ipv4,
    ipv6,
    cidr,
    domain,
    url,
    email,
    md5,
    sha1,
    sha256,
    filename,
    user_agent,
    asn
};
enum class indicator_role { attacker, victim };

struct indicator {
    indicator_type type = indicator_type::ipv4;
    std::string value;
    indicator_role role = indicator_role::attacker;
    std::string note{};  // "{}" lets callers write {type, value} under -Wmissing-field-initializers
};

// Wire names: "ipv4", ..., "user-agent", "asn". Exact lower-case spelling only.
std::optional<indicator_type> parse_indicator_type(std::string_view text);
std::string_view to_string(indicator_type type);
std::optional<indicator_role> parse_indicator_role(std::string_view text);
std::string_view to_string(indicator_role role);

// Either the canonical text of a value (error empty) or why it is not one (value empty).
struct normalised {
    std::string value;
    std::string error;

    bool ok() const { return error.empty(); }
};

// Trims surrounding whitespace, checks the value against its type and returns it canonically:
// - ipv4: dotted quad; a part with a leading zero ("010") is refused, never read as octal.
// - ipv6: printed per RFC 5952; IPv4-mapped addresses keep their dotted tail (§5).
// - cidr: IPv4 or IPv6 network; set host bits are refused, and the message names the network.
// - domain: lower-case, one trailing dot dropped, LDH labels, >= 2 labels, non-numeric TLD.
// - url: http, https or ftp; scheme and host canonical, everything else kept as written.
// - email: local part kept as written, domain as for "domain".
// - md5/sha1/sha256: lower-case hex; filename, user-agent: no control characters.
// - asn: "AS64496", "as64496" or "64496" become "AS64496".
normalised normalise_indicator(indicator_type type, std::string_view raw);

}  // namespace varde::domain
