// org list|add|update, principal enrol|revoke: the operators' administration.
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/certificate.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

exit_code org_list(invocation& inv) {
    auto r = inv.api().call("GET", "/v1/admin/organisations");
    if (inv.json_output()) {
        print_json(inv.out, r);
        return exit_code::ok;
    }
    table t({"SLUG", "NAME", "COUNTRY", "SECTORS", "TRUSTED"});
    for (auto const& o : r["organisations"])
        t.add({cell(o["slug"]), cell(o["name"]), cell(o.value("country", json())), cell(o.value("sectors", json())),
               o.value("trusted", false) ? "yes" : "no"});
    t.print(inv.out);
    return exit_code::ok;
}

// The list options of an organisation, as its JSON fields (only those given).
void put_lists(parsed_args const& a, json& body) {
    for (auto [option, field] : {std::pair{"sector", "sectors"}, {"alias", "names"}, {"domain", "domains"},
                                 {"ip-range", "ip_ranges"}})
        if (a.has(option)) body[field] = a.list(option);
}

exit_code org_add(invocation& inv) {
    json body{{"slug", inv.arg(0)}};
    for (auto const* required : {"name", "country"}) {
        auto v = inv.args.get(required);
        if (!v) throw cli_error(exit_code::usage, std::string("--") + required + " is required");
        body[required] = *v;
    }
    put_lists(inv.args, body);
    // The organisation's own name is always one of its identifying terms.
    if (!body.contains("names")) body["names"] = json::array();
    body["names"].insert(body["names"].begin(), body["name"]);
    body["trusted"] = inv.args.has("trusted");
    auto r = inv.api().call("POST", "/v1/admin/organisations", body.dump(), {201});
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "added organisation " << cell(r["slug"]) << '\n';
    return exit_code::ok;
}

exit_code org_update(invocation& inv) {
    json body = json::object();
    if (auto name = inv.args.get("name")) body["name"] = *name;
    put_lists(inv.args, body);
    if (inv.args.has("trusted") && inv.args.has("untrusted"))
        throw cli_error(exit_code::usage, "--trusted and --untrusted exclude each other");
    if (inv.args.has("trusted") || inv.args.has("untrusted")) body["trusted"] = inv.args.has("trusted");
    if (body.empty()) throw cli_error(exit_code::usage, "nothing to change (see --help)");
    auto r = inv.api().call("PATCH", "/v1/admin/organisations/" + url_encode(inv.arg(0)), body.dump());
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "updated organisation " << cell(r["slug"]) << '\n';
    return exit_code::ok;
}

std::string read_pem(std::string const& path) {
    std::ifstream in(path);
    if (!in) throw cli_error(exit_code::config, "cannot read the certificate " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

exit_code principal_enrol(invocation& inv) {
    json body{{"role", inv.args.get_or("role", "member")}, {"kind", inv.args.get_or("kind", "person")}};
    for (auto const* required : {"org", "name", "cert-file"})
        if (!inv.args.has(required)) throw cli_error(exit_code::usage, std::string("--") + required + " is required");
    body["org"] = *inv.args.get("org");
    body["name"] = *inv.args.get("name");
    body["certificate"] = read_pem(*inv.args.get("cert-file"));
    auto r = inv.api().call("POST", "/v1/admin/principals", body.dump(), {201});
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "enrolled " << cell(r["name"]) << " (" << cell(r["org"]) << ", " << cell(r["role"]) << ", "
                 << cell(r["kind"]) << ")\nfingerprint " << cell(r["fingerprint"]) << '\n';
    return exit_code::ok;
}

exit_code principal_revoke(invocation& inv) {
    bool by_file = inv.args.has("cert-file");
    if (by_file == (inv.args.positionals.size() == 1))
        throw cli_error(exit_code::usage, "give the FINGERPRINT or --cert-file FILE (one of them)");
    auto fingerprint = by_file ? certificate_fingerprint(*inv.args.get("cert-file")) : inv.arg(0);
    auto r = inv.api().call("POST", "/v1/admin/principals/" + url_encode(fingerprint) + "/revoke");
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "revoked " << cell(r["name"]) << " (" << cell(r["org"]) << "), fingerprint " << cell(r["fingerprint"])
                 << '\n';
    return exit_code::ok;
}

std::vector<option_spec> org_list_options(bool adding) {
    std::vector<option_spec> o{{"name", "NAME", "the organisation's name"}};
    if (adding) o.push_back({"country", "CC", "ISO country code (required)"});
    o.push_back({"sector", "NAME", "a sector, e.g. finance", true});
    o.push_back({"alias", "NAME", "another name the anonymiser removes", true});
    o.push_back({"domain", "DOMAIN", "a DNS domain of the organisation", true});
    o.push_back({"ip-range", "CIDR", "an address range of the organisation", true});
    o.push_back({"trusted", "", "its reports skip the moderation queue"});
    if (!adding) o.push_back({"untrusted", "", "its reports go through moderation"});
    o.push_back(json_option());
    return o;
}

}  // namespace

std::vector<command> admin_commands() {
    return {
        {"org list", "", "Operators: list the member organisations.", "", {json_option()}, 0, 0, org_list},
        {"org add", "SLUG", "Operators: add a member organisation.",
         "Names, aliases, domains and IP ranges are the terms the anonymiser removes from its reports.\n"
         "Lists replace, they are not merged, in `org update`.",
         org_list_options(true), 1, 1, org_add},
        {"org update", "SLUG", "Operators: change an organisation (lists given replace the old ones).", "",
         org_list_options(false), 1, 1, org_update},
        {"principal enrol", "", "Operators: enrol a certificate as a principal of an organisation.", "",
         {{"org", "SLUG", "its organisation (required)"},
          {"name", "NAME", "its name (required)"},
          {"cert-file", "FILE", "its certificate, PEM (required)"},
          {"role", "ROLE", "member (default) or operator"},
          {"kind", "KIND", "person (default) or service"},
          json_option()},
         0, 0, principal_enrol},
        {"principal revoke", "[FINGERPRINT]", "Operators: revoke a principal at once (open streams too).",
         "Name it by its certificate's SHA-256 fingerprint or give the certificate with --cert-file.",
         {{"cert-file", "FILE", "the principal's certificate, PEM"}, json_option()}, 0, 1, principal_revoke},
    };
}

}  // namespace varde::cli
