#include "app/admin.hpp"

#include "app/seed.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "domain/text.hpp"
#include "net/x509.hpp"
#include "service/identity_service.hpp"
#include "store/audit_store.hpp"
#include "store/errors.hpp"
#include "store/migrator.hpp"
#include "store/pg_pool.hpp"

namespace varde::app {

namespace {

constexpr char const* admin_usage = R"(usage:
  varde-node admin org add --slug SLUG --name NAME --country CC [--sector S]... [--alias NAME]...
                           [--domain DOMAIN]... [--ip-range CIDR]... [--trusted]
  varde-node admin principal enrol --org SLUG --name NAME --cert FILE.pem
                           [--role member|operator] [--kind person|service]
  varde-node admin principal revoke (--fingerprint SHA256 | --cert FILE.pem)
  varde-node admin seed --file examples/members.json --pki-dir certs/dev
exit codes: 0 done, 1 failure, 2 usage, 3 exists already, 4 not found, 5 database unavailable
)";

std::string actor() {
    char const* user = std::getenv("SUDO_USER");
    if (!user) user = std::getenv("USER");
    return std::string("admin-cli:") + (user ? user : std::to_string(getuid()));
}

int fail(std::string const& message, int code) {
    std::cerr << "varde-node: " << message << "\n";
    return code;
}

int report(service::error const& e) {
    switch (e.code) {
    case service::error_code::conflict: return fail(e.detail, exit_conflict);
    case service::error_code::not_found: return fail(e.detail, exit_not_found);
    case service::error_code::unavailable: return fail(e.detail, exit_unavailable);
    default: return fail(e.detail, exit_failure);
    }
}

std::vector<std::string> listed(args const& a, std::string const& name) {
    std::vector<std::string> out;
    for (auto const& v : a.all(name))
        for (auto& item : domain::split_list(v, ',')) out.push_back(std::move(item));
    return out;
}

std::optional<std::string> read_file(std::string const& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int org_add(service::identity_service& ids, args const& a) {
    auto slug = a.get("slug"), name = a.get("name"), country = a.get("country");
    if (!slug || !name || !country) return fail("org add needs --slug, --name and --country", exit_usage);
    domain::organisation org{*slug, *name, listed(a, "sector"), domain::to_upper_ascii(*country),
                             {listed(a, "alias"), listed(a, "domain"), listed(a, "ip-range")},
                             a.has("trusted")};
    if (org.terms.names.empty()) org.terms.names.push_back(org.name);
    auto r = ids.add_organisation(actor(), org);
    if (!r) return report(r.err());
    std::cout << "organisation " << org.slug << " added (id " << r.value() << ")\n";
    return exit_ok;
}

std::optional<service::certificate_facts> certificate_from(args const& a, int& code) {
    auto path = a.get("cert");
    auto pem = path ? read_file(*path) : std::nullopt;
    if (!pem) { code = fail("cannot read certificate file " + path.value_or("(none given)"), exit_usage); return std::nullopt; }
    auto facts = net::read_certificate_pem(*pem);
    if (!facts.facts) code = fail(*path + ": " + facts.error, exit_usage);
    return facts.facts;
}

int principal_enrol(service::identity_service& ids, args const& a) {
    auto org = a.get("org"), name = a.get("name");
    auto role = domain::parse_role(a.get("role").value_or("member"));
    auto kind = domain::parse_principal_kind(a.get("kind").value_or("person"));
    if (!org || !name || !role || !kind) return fail("principal enrol needs --org, --name, --cert; --role member|operator; --kind person|service", exit_usage);
    int code = exit_ok;
    auto cert = certificate_from(a, code);
    if (!cert) return code;
    auto r = ids.enrol(actor(), {*org, *name, *role, *kind, *cert});
    if (!r) return report(r.err());
    std::cout << "principal " << *name << " enrolled, fingerprint " << cert->fingerprint << "\n";
    return exit_ok;
}

int principal_revoke(service::identity_service& ids, args const& a) {
    auto fingerprint = a.get("fingerprint");
    if (!fingerprint) {
        int code = exit_ok;
        auto cert = certificate_from(a, code);
        if (!cert) return code == exit_ok ? fail("principal revoke needs --fingerprint or --cert", exit_usage) : code;
        fingerprint = cert->fingerprint;
    }
    auto r = ids.revoke(actor(), domain::to_lower_ascii(*fingerprint));
    if (!r) return report(r.err());
    std::cout << "principal " << *fingerprint << " revoked\n";
    return exit_ok;
}

}  // namespace

int run_migrate(node_config const& config) {
    try {
        auto r = store::migrate(config.database_url, store::embedded_migrations());
        std::cout << "schema at version " << r.current << " (" << r.applied.size() << " applied now)\n";
        return exit_ok;
    } catch (store::failure const& f) {
        return fail(std::string("migration failed: ") + f.what(),
                    f.kind() == store::error_kind::unavailable ? exit_unavailable : exit_failure);
    }
}

namespace {

int run_seed(service::identity_service& ids, args const& a) {
    auto file = a.get("file"), pki = a.get("pki-dir");
    if (!file || !pki) return fail("admin seed needs --file and --pki-dir", exit_usage);
    auto r = seed_members(ids, actor(), *file, *pki);
    std::cout << "seeded: " << r.added << " added, " << r.existing << " existed already\n";
    for (auto const& e : r.errors) std::cerr << "varde-node: seed: " << e << "\n";
    return r.errors.empty() ? exit_ok : exit_failure;
}

int dispatch_admin(service::identity_service& ids, args const& a) {
    auto const& noun = a.positional()[1];
    auto const& verb = a.positional().size() > 2 ? a.positional()[2] : std::string();
    if (noun == "seed") return run_seed(ids, a);
    if (noun == "org" && verb == "add") return org_add(ids, a);
    if (noun == "principal" && verb == "enrol") return principal_enrol(ids, a);
    if (noun == "principal" && verb == "revoke") return principal_revoke(ids, a);
    return fail(admin_usage, exit_usage);
}

}  // namespace

int run_admin(node_config const& config, args const& a) {
    if (a.positional().size() < 2) return fail(admin_usage, exit_usage);
    if (int m = run_migrate(config); m != exit_ok) return m;
    store::pg_pool pool({config.database_url, 1});
    service::identity_service ids(pool);
    return dispatch_admin(ids, a);
}

int run_audit(node_config const& config, args const& a) {
    if (a.positional().size() < 2 || a.positional()[1] != "verify")
        return fail("usage: varde-node audit verify", exit_usage);
    try {
        store::pg_pool pool({config.database_url, 1});
        store::audit_store::verify_result r;
        pool.transact([&](store::tx& t) { r = store::audit_store::verify(t); }, store::isolation::repeatable_read);
        if (r.first_broken) {
            std::cout << "audit chain BROKEN at entry " << *r.first_broken << " (" << r.checked
                      << " entries before it verified)\n";
            return exit_failure;
        }
        std::cout << "audit chain intact: " << r.checked << " entries, head " << r.head << "\n";
        return exit_ok;
    } catch (store::failure const& f) {
        return fail(std::string("audit verify failed: ") + f.what(),
                    f.kind() == store::error_kind::unavailable ? exit_unavailable : exit_failure);
    }
}

}  // namespace varde::app
