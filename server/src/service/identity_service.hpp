#pragma once
// Use cases about who is on the exchange: authenticate a connection, add organisations,
// enrol and revoke principals. Every change writes its audit entry in the same transaction.
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "service/outcome.hpp"
#include "service/membership_cache.hpp"
#include "wire/admin_json.hpp"

namespace varde::store {
class pg_pool;
}

namespace varde::service {

// The facts about a client certificate that enrolment records (read by net/x509).
struct certificate_facts {
    std::string fingerprint;  // SHA-256 of the DER, lower-case hex
    std::string subject;
    std::string not_after;  // RFC 3339, UTC
    std::string pem;
};

struct enrolment {
    std::string org_slug;
    std::string name;
    domain::principal_role role = domain::principal_role::member;
    domain::principal_kind kind = domain::principal_kind::person;
    certificate_facts certificate;
};

enum class auth_status { ok, unknown_certificate, revoked, expired };
// fresh: read from the database (and refresh the cache); cached: the cache may answer.
enum class lookup { fresh, cached };

struct auth_result {
    auth_status status = auth_status::unknown_certificate;
    domain::principal who;
};

class identity_service {
public:
    explicit identity_service(store::pg_pool& pool) : pool_(pool) {}

    // Who holds this certificate: one database read, or with lookup::cached, the principal
    // cache when it is on and holds the certificate.
    outcome<auth_result> authenticate(std::string const& fingerprint, lookup how = lookup::cached);
    // The cache's answer alone, never the database (safe on an I/O thread); nothing on a miss.
    std::optional<auth_result> authenticate_from_cache(std::string const& fingerprint) const;
    // The event hub reports what its LISTEN connection hears (see membership_cache.hpp).
    membership_cache& cache() { return cache_; }
    outcome<std::string> add_organisation(std::string const& actor, domain::organisation const& org);
    outcome<std::string> enrol(std::string const& actor, enrolment const& e);
    outcome<done> revoke(std::string const& actor, std::string const& fingerprint);
    outcome<std::optional<domain::organisation>> find_organisation(std::string const& slug);
    outcome<std::vector<domain::organisation>> list_organisations();
    // Applies the change to the stored organisation (locked meanwhile) and returns it as it
    // is now; audited with before and after, unless nothing changed. not_found if no such slug.
    outcome<domain::organisation> update_organisation(std::string const& actor, std::string const& slug,
                                                      wire::organisation_patch const& change);

private:
    store::pg_pool& pool_;
    membership_cache cache_;
};

// Maps a store failure caught at the service boundary to an error value.
error from_store_failure(std::exception const& e);

}  // namespace varde::service
