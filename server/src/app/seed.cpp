#include "app/seed.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "net/x509.hpp"

namespace varde::app {

namespace {

using json = nlohmann::json;

std::vector<std::string> strings(json const& j, char const* key) {
    return j.contains(key) ? j.at(key).get<std::vector<std::string>>() : std::vector<std::string>{};
}

void count(seed_report& r, service::outcome<std::string> const& o, std::string const& what) {
    if (o) ++r.added;
    else if (o.err().code == service::error_code::conflict) ++r.existing;
    else r.errors.push_back(what + ": " + o.err().detail);
}

void seed_organisation(service::identity_service& ids, std::string const& actor, json const& j, seed_report& r) {
    domain::organisation org{j.at("slug"), j.at("name"), strings(j, "sectors"), j.at("country"),
                             {strings(j, "names"), strings(j, "domains"), strings(j, "ip_ranges")},
                             j.value("trusted", false)};
    count(r, ids.add_organisation(actor, org), "organisation " + org.slug);
}

void seed_principal(service::identity_service& ids, std::string const& actor, json const& j,
                    std::string const& pki_dir, seed_report& r) {
    std::string path = pki_dir + "/" + j.at("cert").get<std::string>();
    std::ifstream in(path);
    std::stringstream pem;
    pem << in.rdbuf();
    auto cert = net::read_certificate_pem(pem.str());
    if (!cert.facts) return r.errors.push_back(path + ": " + cert.error);
    auto role = domain::parse_role(j.value("role", "member"));
    auto kind = domain::parse_principal_kind(j.value("kind", "person"));
    if (!role || !kind) return r.errors.push_back(path + ": bad role or kind");
    count(r, ids.enrol(actor, {j.at("org"), j.at("name"), *role, *kind, *cert.facts}),
          "principal " + j.at("name").get<std::string>());
}

}  // namespace

seed_report seed_members(service::identity_service& ids, std::string const& actor,
                         std::string const& members_file, std::string const& pki_dir) {
    seed_report r;
    std::ifstream in(members_file);
    auto j = json::parse(in, nullptr, false);
    if (j.is_discarded()) {
        r.errors.push_back(members_file + ": cannot be read as JSON");
        return r;
    }
    try {
        for (auto const& org : j.at("organisations")) seed_organisation(ids, actor, org, r);
        for (auto const& p : j.at("principals")) seed_principal(ids, actor, p, pki_dir, r);
    } catch (json::exception const& e) {
        r.errors.push_back(members_file + ": " + e.what());
    }
    return r;
}

}  // namespace varde::app
