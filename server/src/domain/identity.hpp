#pragma once
// Who is on the exchange: organisations and the certificate holders (principals) in them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace varde::domain {

// Terms that would let another member recognise the organisation; the anonymiser removes them.
struct identifying_terms {
    std::vector<std::string> names;      // legal names, brands, aliases
    std::vector<std::string> domains;    // DNS domains; every sub-domain is covered too
    std::vector<std::string> ip_ranges;  // CIDR blocks, IPv4 or IPv6
};

struct organisation {
    std::string slug;  // short, stable, unique: "nordkraft"
    std::string name;
    std::vector<std::string> sectors;
    std::string country;  // ISO 3166-1 alpha-2
    identifying_terms terms;
    bool trusted = false;  // reports skip the moderation queue
};

enum class principal_role { member, operator_ };
enum class principal_kind { person, service };
enum class principal_status { active, revoked };

std::string_view to_string(principal_role r);
std::string_view to_string(principal_kind k);
std::string_view to_string(principal_status s);
std::optional<principal_role> parse_role(std::string_view text);
std::optional<principal_kind> parse_principal_kind(std::string_view text);

// One enrolled client certificate holder, as seen by the rules.
struct principal {
    std::string id;
    std::string name;
    std::string fingerprint;  // SHA-256 of the DER certificate, lower-case hex
    principal_role role = principal_role::member;
    principal_kind kind = principal_kind::person;
    principal_status status = principal_status::active;
    std::string org_slug;
    std::string org_name;
    std::vector<std::string> org_sectors;
    bool certificate_expired = false;  // a resumed TLS session or a long connection outlived it
    std::int64_t certificate_not_after = 0;  // Unix seconds; expired once the clock passes it

    bool is_operator() const { return role == principal_role::operator_; }
    bool is_active() const { return status == principal_status::active; }
};

}  // namespace varde::domain
