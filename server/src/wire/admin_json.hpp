#pragma once
// JSON of the operators' administration API (/v1/admin/...). Decoding is strict, like
// report_codec: unknown fields and wrong types are refused, every error is collected with
// its field, and values come out normalised (lower-case domains, canonical CIDR blocks,
// upper-case country), so what is stored is what the anonymiser and the views use.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/identity.hpp"
#include "domain/validation.hpp"
#include "wire/json_body.hpp"

namespace varde::wire {

// POST /v1/admin/organisations: slug, name and country are required; sectors, names,
// domains and ip_ranges default to empty, trusted to false. Without names, the name itself
// is the one identifying name (as `varde-node admin org add` does).
decoded<domain::organisation> decode_new_organisation(std::string_view body);

// PATCH /v1/admin/organisations/{slug}: what is present replaces the stored value.
struct organisation_patch {
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> sectors, names, domains, ip_ranges;
    std::optional<bool> trusted;

    void apply_to(domain::organisation& org) const;
};
// At least one field; slug and country cannot be changed.
decoded<organisation_patch> decode_organisation_patch(std::string_view body);

// POST /v1/admin/principals. The certificate is only checked for shape here (one PEM
// certificate, no private key); reading it is the caller's (net/x509).
struct enrol_request {
    std::string org;
    std::string name;
    domain::principal_role role = domain::principal_role::member;
    domain::principal_kind kind = domain::principal_kind::person;
    std::string certificate_pem;
};
decoded<enrol_request> decode_enrol_request(std::string_view body);

// A fingerprint as given in a path: 64 hex digits, optionally in colon-separated pairs, in
// either case; nullopt if it is not one. Returned lower-case without colons.
std::optional<std::string> normalise_fingerprint(std::string_view text);

std::string organisation_json(domain::organisation const& org);
std::string organisations_json(std::vector<domain::organisation> const& orgs);

struct principal_view {
    std::string id, name, fingerprint, org;
    domain::principal_role role = domain::principal_role::member;
    domain::principal_kind kind = domain::principal_kind::person;
    domain::principal_status status = domain::principal_status::active;
    std::string subject, not_after;  // left out when empty
};
std::string principal_json(principal_view const& p);

struct audit_record {
    std::int64_t seq = 0;
    std::string at, actor, action, subject_type, subject_id;
    std::string detail_json;  // a JSON object, embedded as is
    std::string prev_hash, hash;
};
// {"entries": [...], "next_after": seq or null}
std::string audit_page_json(std::vector<audit_record> const& entries, std::optional<std::int64_t> next_after);

}  // namespace varde::wire
