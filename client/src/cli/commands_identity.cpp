// whoami, health: who the node thinks you are, and whether it is well.
#include <ostream>

#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

exit_code whoami(invocation& inv) {
    auto me = inv.api().call("GET", "/v1/whoami");
    if (inv.json_output()) {
        print_json(inv.out, me);
        return exit_code::ok;
    }
    auto const& p = me["principal"];
    auto const& org = me["organisation"];
    inv.out << "principal     " << cell(p["name"]) << " (" << cell(p["role"]) << ", " << cell(p["kind"]) << ", "
            << cell(p["status"]) << ")\n"
            << "organisation  " << cell(org["name"]) << " [" << cell(org["slug"]) << "], sectors "
            << cell(org["sectors"]) << "\n"
            << "fingerprint   " << cell(p["fingerprint"]) << "\n"
            << "node          " << inv.config().url << "\n";
    return exit_code::ok;
}

exit_code health(invocation& inv) {
    auto r = inv.api().send("GET", "/v1/health");
    if (r.status != 200 && r.status != 503) throw error_for(r);
    auto body = json::parse(r.body, nullptr, false);
    if (inv.json_output()) print_json(inv.out, body);
    else inv.out << "node " << cell(body.value("status", json())) << ", database " << cell(body.value("database", json()))
                 << ", version " << cell(body.value("version", json())) << '\n';
    return r.status == 200 ? exit_code::ok : exit_code::server_error;
}

}  // namespace

std::vector<command> identity_commands() {
    return {
        {"whoami", "", "Show the principal and organisation the node sees behind your certificate.",
         "The first thing to run when something is refused: exit 5 means the node does not accept\n"
         "this certificate (not enrolled, revoked, expired, or from another CA).",
         {json_option()}, 0, 0, whoami},
        {"health", "", "Show the node's and its database's status (exit 8 while degraded).", "",
         {json_option()}, 0, 0, health},
    };
}

}  // namespace varde::cli
