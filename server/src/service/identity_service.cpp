#include "service/identity_service.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "store/audit_store.hpp"
#include "store/errors.hpp"
#include "store/organisation_store.hpp"
#include "store/pg_pool.hpp"
#include "store/principal_store.hpp"
#include "util/log.hpp"

namespace varde::service {

namespace {

nlohmann::json organisation_state(domain::organisation const& org) {
    return {{"slug", org.slug}, {"name", org.name}, {"sectors", org.sectors}, {"country", org.country},
            {"names", org.terms.names}, {"domains", org.terms.domains}, {"ip_ranges", org.terms.ip_ranges},
            {"trusted", org.trusted}};
}

std::string organisation_detail(domain::organisation const& org) {
    return nlohmann::json{{"after", organisation_state(org)}}.dump();
}

std::string organisation_change_detail(domain::organisation const& before, domain::organisation const& after) {
    return nlohmann::json{{"before", organisation_state(before)}, {"after", organisation_state(after)}}.dump();
}

std::string enrolment_detail(enrolment const& e) {
    return nlohmann::json{{"after", {{"org", e.org_slug}, {"name", e.name},
                                     {"role", domain::to_string(e.role)},
                                     {"kind", domain::to_string(e.kind)},
                                     {"subject", e.certificate.subject},
                                     {"not_after", e.certificate.not_after}}}}
        .dump();
}

// Runs a use case body, turning store failures into error values.
template <typename T, typename F>
outcome<T> guarded(F&& body) {
    try {
        return body();
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
}

}  // namespace

error from_store_failure(std::exception const& e) {
    auto const* f = dynamic_cast<store::failure const*>(&e);
    if (!f) {
        log::error("service.unexpected_exception", {{"detail", e.what()}});
        return {error_code::internal, e.what()};
    }
    switch (f->kind()) {
    case store::error_kind::conflict: return {error_code::conflict, "it exists already"};
    case store::error_kind::invalid: return {error_code::invalid, "the database refused the data"};
    case store::error_kind::unavailable:
        log::warn("db.unavailable", {{"detail", f->what()}});
        return {error_code::unavailable, "the database is unavailable; try again shortly"};
    case store::error_kind::retryable:
    case store::error_kind::internal: break;
    }
    log::error("db.failure", {{"detail", f->what()}});
    return {error_code::internal, f->what()};
}

namespace {

auth_result judge(domain::principal who, std::int64_t now_unix) {
    // The cached row was read earlier: expiry is judged against the clock now.
    who.certificate_expired = who.certificate_not_after < now_unix;
    if (!who.is_active()) return {auth_status::revoked, std::move(who)};
    if (who.certificate_expired) return {auth_status::expired, std::move(who)};
    return {auth_status::ok, std::move(who)};
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

outcome<auth_result> identity_service::authenticate(std::string const& fingerprint, lookup how) {
    if (how == lookup::cached)
        if (auto cached = cache_.find(fingerprint)) return judge(std::move(*cached), unix_now());
    return guarded<auth_result>([&]() -> outcome<auth_result> {
        auto generation = cache_.current();
        std::optional<domain::principal> found;
        pool_.read([&](store::tx& t) { found = store::principal_store::find_by_fingerprint(t, fingerprint); });
        // Unknown certificates are not remembered: enrolment must work at once.
        if (!found) return auth_result{auth_status::unknown_certificate, {}};
        cache_.remember(fingerprint, *found, generation);
        return judge(std::move(*found), unix_now());
    });
}

std::optional<auth_result> identity_service::authenticate_from_cache(std::string const& fingerprint) const {
    auto cached = cache_.find(fingerprint);
    if (!cached) return std::nullopt;
    return judge(std::move(*cached), unix_now());
}

outcome<std::string> identity_service::add_organisation(std::string const& actor,
                                                        domain::organisation const& org) {
    return guarded<std::string>([&]() -> outcome<std::string> {
        std::string id;
        pool_.transact([&](store::tx& t) {
            id = store::organisation_store::insert(t, org);
            store::audit_store::append(t, {actor, "organisation.created", "organisation", org.slug,
                                           organisation_detail(org)});
        });
        cache_.forget_all();  // a recipient from the next request on
        return id;
    });
}

outcome<std::string> identity_service::enrol(std::string const& actor, enrolment const& e) {
    return guarded<std::string>([&]() -> outcome<std::string> {
        std::optional<std::string> id;
        pool_.transact([&](store::tx& t) {
            id = store::principal_store::insert(
                t, {e.org_slug, e.name, e.certificate.fingerprint, e.role, e.kind,
                    e.certificate.subject, e.certificate.not_after, e.certificate.pem});
            if (id)
                store::audit_store::append(t, {actor, "principal.enrolled", "principal",
                                               e.certificate.fingerprint, enrolment_detail(e)});
        });
        if (!id) return error{error_code::not_found, "no organisation with slug " + e.org_slug};
        return *id;
    });
}

outcome<done> identity_service::revoke(std::string const& actor, std::string const& fingerprint) {
    return guarded<done>([&]() -> outcome<done> {
        bool revoked = false;
        pool_.transact([&](store::tx& t) {
            revoked = store::principal_store::revoke(t, fingerprint);
            if (revoked)
                store::audit_store::append(t, {actor, "principal.revoked", "principal", fingerprint,
                                               R"({"before":"active","after":"revoked"})"});
        });
        cache_.forget_all();  // this node refuses the certificate before it answers
        if (!revoked) return error{error_code::not_found, "no active principal with that fingerprint"};
        return done{};
    });
}

outcome<std::optional<domain::organisation>> identity_service::find_organisation(std::string const& slug) {
    using result = std::optional<domain::organisation>;
    return guarded<result>([&]() -> outcome<result> {
        result found;
        pool_.transact([&](store::tx& t) { found = store::organisation_store::find_by_slug(t, slug); });
        return found;
    });
}

outcome<std::vector<domain::organisation>> identity_service::list_organisations() {
    using result = std::vector<domain::organisation>;
    return guarded<result>([&]() -> outcome<result> {
        result all;
        pool_.transact([&](store::tx& t) { all = store::organisation_store::list_all(t); });
        return all;
    });
}

outcome<domain::organisation> identity_service::update_organisation(std::string const& actor,
                                                                    std::string const& slug,
                                                                    wire::organisation_patch const& change) {
    return guarded<domain::organisation>([&]() -> outcome<domain::organisation> {
        std::optional<domain::organisation> after;
        pool_.transact([&](store::tx& t) {
            after.reset();
            auto before = store::organisation_store::find_for_update(t, slug);
            if (!before) return;
            after = *before;
            change.apply_to(*after);
            if (organisation_state(*after) == organisation_state(*before)) return;  // nothing to write
            store::organisation_store::update(t, *after);
            store::audit_store::append(t, {actor, "organisation.updated", "organisation", slug,
                                           organisation_change_detail(*before, *after)});
        });
        cache_.forget_all();  // the principals of the organisation see its new sectors at once
        if (!after) return error{error_code::not_found, "no organisation with slug " + slug};
        return *after;
    });
}

}  // namespace varde::service
