#pragma once
// Principals: enrolled client certificates, looked up by fingerprint after every handshake.
#include <optional>
#include <string>

#include "domain/identity.hpp"
#include "store/tx.hpp"

namespace varde::store::principal_store {

struct new_principal {
    std::string org_slug;
    std::string name;
    std::string fingerprint;
    domain::principal_role role = domain::principal_role::member;
    domain::principal_kind kind = domain::principal_kind::person;
    std::string subject;
    std::string not_after;  // RFC 3339, UTC
    std::string certificate_pem;
};

// Returns the new principal's id, or nullopt if the organisation does not exist.
// failure{conflict} if the fingerprint is enrolled already.
std::optional<std::string> insert(tx& t, new_principal const& p);
std::optional<domain::principal> find_by_fingerprint(tx& t, std::string const& fingerprint);
// Marks it revoked; returns false if it was not active (or not enrolled).
bool revoke(tx& t, std::string const& fingerprint);

}  // namespace varde::store::principal_store
