// tlp, retract, proposal accept|decline: changes to a report after it is published.
#include <ostream>

#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

std::string report_path(invocation& inv, std::string const& tail = {}) {
    return "/v1/reports/" + url_encode(inv.arg(0)) + tail;
}

// The --recipients option (repeatable, comma lists allowed) as the JSON array the node takes.
json recipients_of(parsed_args const& a) {
    json list = json::array();
    for (auto const& r : a.list("recipients")) list.push_back(r);
    return list;
}

exit_code change_tlp(invocation& inv) {
    json body{{"tlp", inv.arg(1)}};
    if (inv.args.has("recipients")) body["recipients"] = recipients_of(inv.args);
    auto r = inv.api().send("POST", report_path(inv, "/tlp"), body.dump());
    if (r.status != 200 && r.status != 202) throw error_for(r);
    if (inv.json_output()) print_json(inv.out, json::parse(r.body, nullptr, false));
    else if (r.status == 202) inv.out << "proposed to the originator, who may accept or decline it\n";
    else inv.out << "TLP of " << inv.arg(0) << " is now " << inv.arg(1) << '\n';
    return exit_code::ok;
}

exit_code retract(invocation& inv) {
    auto r = inv.api().call("POST", report_path(inv, "/retract"));
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "retracted " << inv.arg(0) << '\n';
    return exit_code::ok;
}

exit_code decide(invocation& inv, bool accept) {
    auto r = inv.api().call("POST", report_path(inv, accept ? "/tlp-proposal/accept" : "/tlp-proposal/decline"));
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << (accept ? "accepted" : "declined") << " the TLP proposal for " << inv.arg(0) << '\n';
    return exit_code::ok;
}

}  // namespace

std::vector<command> change_commands() {
    return {
        {"tlp", "ID LEVEL", "Change a report's TLP (CLEAR, GREEN, AMBER, AMBER+STRICT, RED).",
         "The originator loosens or tightens at once; an operator tightens at once, and a loosening\n"
         "by an operator becomes a proposal the originator accepts or declines.",
         {recipients_option(), json_option()}, 2, 2, change_tlp},
        {"retract", "ID", "Retract a published report (originator or operator).", "", {json_option()}, 1, 1, retract},
        {"proposal accept", "ID", "Accept an operator's proposal to loosen your report's TLP.", "", {json_option()}, 1,
         1, [](invocation& inv) { return decide(inv, true); }},
        {"proposal decline", "ID", "Decline an operator's proposal to loosen your report's TLP.", "", {json_option()},
         1, 1, [](invocation& inv) { return decide(inv, false); }},
    };
}

}  // namespace varde::cli
