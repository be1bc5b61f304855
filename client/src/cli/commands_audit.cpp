// audit [--verify]: the operators' view of the hash-chained audit log.
#include <ostream>

#include "cli/audit_chain.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"

namespace varde::cli {

namespace {

constexpr char const* filters[][2] = {
    {"action", "action"}, {"subject-type", "subject_type"}, {"subject-id", "subject_id"}, {"actor", "actor"}};

std::string audit_query(parsed_args const& a, std::string const& after, long limit) {
    std::string q = "?limit=" + std::to_string(limit) + "&after=" + url_encode(after);
    for (auto const& f : filters)
        if (auto v = a.get(f[0])) q += "&" + std::string(f[1]) + "=" + url_encode(*v);
    return q;
}

// Walks the whole log in pages of 1000 (the node's largest).
exit_code verify(invocation& inv) {
    for (auto const& f : filters)
        if (inv.args.has(f[0])) throw cli_error(exit_code::usage, "--verify checks the whole chain; drop the filters");
    audit_chain_verifier chain;
    std::string after = "0";
    for (;;) {
        auto page = inv.api().call("GET", "/v1/admin/audit" + audit_query(inv.args, after, 1000));
        for (auto const& e : page["entries"]) chain.add(e);
        if (!page["next_after"].is_number() || chain.result().first_broken) break;
        after = std::to_string(page["next_after"].get<std::int64_t>());
    }
    auto const& r = chain.result();
    if (r.first_broken) {
        inv.out << "audit chain BROKEN at entry " << *r.first_broken << ": " << r.why << " (" << r.checked
                << " entries before it hold)\n";
        return exit_code::failure;
    }
    inv.out << "audit chain intact: " << r.checked << " entries, head " << r.head_hash << '\n';
    return exit_code::ok;
}

exit_code audit(invocation& inv) {
    if (inv.args.has("verify")) return verify(inv);
    auto limit = number_option(inv.args, "limit", 100, 1, 1000);
    auto page = inv.api().call("GET", "/v1/admin/audit" + audit_query(inv.args, inv.args.get_or("after", "0"), limit));
    if (inv.json_output()) {
        print_json(inv.out, page);
        return exit_code::ok;
    }
    table t({"SEQ", "AT", "ACTOR", "ACTION", "SUBJECT"});
    for (auto const& e : page["entries"])
        t.add({cell(e["seq"]), cell(e["at"]), shorten(cell(e["actor"]), 24), cell(e["action"]),
               cell(e["subject_type"]) + ":" + cell(e["subject_id"])});
    t.print(inv.out);
    if (page["next_after"].is_number()) inv.err << "more: varde audit --after " << page["next_after"].dump() << '\n';
    return exit_code::ok;
}

}  // namespace

std::vector<command> audit_commands() {
    return {
        {"audit", "", "Operators: list the audit log, or --verify its hash chain.",
         "--verify fetches every entry and recomputes each hash on this machine, so a node\n"
         "(or a database) that changed or dropped an entry is caught: exit 1 names the first\n"
         "broken entry. Compare the printed head with the node's logged audit.head lines.",
         {{"verify", "", "check the whole hash chain (exit 1 if broken)"},
          {"after", "SEQ", "entries after this one"},
          {"limit", "N", "entries per page (1-1000, default 100)"},
          {"action", "ACTION", "only this action, e.g. report.published"},
          {"subject-type", "TYPE", "only this subject type"},
          {"subject-id", "ID", "only this subject"},
          {"actor", "ACTOR", "only this actor"},
          json_option()},
         0, 0, audit},
    };
}

}  // namespace varde::cli
