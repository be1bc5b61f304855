// queue, approve, reject, reviewed: the operators' moderation.
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

exit_code queue(invocation& inv) {
    bool review = inv.args.has("review");
    auto r = inv.api().call("GET", review ? "/v1/moderation/review" : "/v1/moderation/queue");
    if (inv.json_output()) {
        print_json(inv.out, r);
        return exit_code::ok;
    }
    table t({"ID", "CREATED", "TLP", "FROM", "TITLE"});
    for (auto const& item : r["items"]) {
        auto from = item.contains("origin_org") ? item["origin_org"] : item.value("source", json());
        t.add({cell(item["id"]), cell(item.value("created_at", json())), cell(item.value("tlp", json())), cell(from),
               shorten(item.value("title", ""), 60)});
    }
    t.print(inv.out);
    if (t.empty()) inv.err << (review ? "nothing to review\n" : "the queue is empty\n");
    return exit_code::ok;
}

// --edit FILE: a JSON object with any of title, summary, tlp, recipients; flags override it.
json approval_body(invocation& inv) {
    json body = json::object();
    if (auto path = inv.args.get("edit")) {
        std::ifstream in(*path);
        if (!in) throw cli_error(exit_code::config, "cannot read the edit file " + *path);
        std::stringstream text;
        text << in.rdbuf();
        body = json::parse(text.str(), nullptr, false);
        if (!body.is_object())
            throw cli_error(exit_code::rejected_input, *path + " is not a JSON object (title, summary, tlp, recipients)");
    }
    if (auto tlp = inv.args.get("tlp")) body["tlp"] = *tlp;
    if (inv.args.has("recipients")) {
        body["recipients"] = json::array();
        for (auto const& r : inv.args.list("recipients")) body["recipients"].push_back(r);
    }
    return body;
}

exit_code approve(invocation& inv) {
    auto r = inv.api().call("POST", "/v1/reports/" + url_encode(inv.arg(0)) + "/approve", approval_body(inv).dump());
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "approved " << inv.arg(0) << " (now " << cell(r.value("status", json())) << ", TLP "
                 << cell(r.value("tlp", json())) << ")\n";
    return exit_code::ok;
}

exit_code reject(invocation& inv) {
    auto reason = inv.args.get("reason");
    if (!reason) throw cli_error(exit_code::usage, "--reason is required: the originator will read it");
    auto r = inv.api().call("POST", "/v1/reports/" + url_encode(inv.arg(0)) + "/reject", json{{"reason", *reason}}.dump());
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "rejected " << inv.arg(0) << '\n';
    return exit_code::ok;
}

exit_code reviewed(invocation& inv) {
    auto r = inv.api().call("POST", "/v1/reports/" + url_encode(inv.arg(0)) + "/reviewed");
    if (inv.json_output()) print_json(inv.out, r);
    else inv.out << "marked " << inv.arg(0) << " as reviewed\n";
    return exit_code::ok;
}

}  // namespace

std::vector<command> moderation_commands() {
    return {
        {"queue", "", "Operators: list the reports waiting for moderation, oldest first.",
         "With --review: the trusted organisations' published reports to review after the fact.",
         {{"review", "", "list reports to review after the fact instead"}, json_option()}, 0, 0, queue},
        {"approve", "ID", "Operators: approve a pending report, optionally edited or with a tighter TLP.",
         "--edit FILE takes a JSON object with any of title, summary, tlp, recipients; the node\n"
         "scrubs edits again. --tlp and --recipients override the file.",
         {{"tlp", "LEVEL", "a tighter TLP"}, recipients_option(),
          {"edit", "FILE", "JSON object with the edited title/summary"}, json_option()},
         1, 1, approve},
        {"reject", "ID", "Operators: reject a pending report with a reason the originator sees.", "",
         {{"reason", "TEXT", "why (required)"}, json_option()}, 1, 1, reject},
        {"reviewed", "ID", "Operators: mark a trusted organisation's report as reviewed.", "", {json_option()}, 1, 1,
         reviewed},
    };
}

}  // namespace varde::cli
