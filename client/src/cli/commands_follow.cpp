// follow: the automated subscriber (client/src/cli/follow/).
#include "cli/command.hpp"
#include "cli/follow/follower.hpp"

namespace varde::cli {

namespace {

std::string filter_query(parsed_args const& a) {
    std::string q;
    auto add = [&](char const* parameter, std::vector<std::string> const& values) {
        if (values.empty()) return;
        std::string joined;
        for (auto const& v : values) joined += (joined.empty() ? "" : ",") + v;
        q += (q.empty() ? "" : "&") + std::string(parameter) + "=" + url_encode(joined);
    };
    if (auto tlp = a.get("max-tlp")) add("max_tlp", {*tlp});
    add("category", a.list("category"));
    add("sector", a.list("sector"));
    add("indicator_type", a.list("indicator-type"));
    return q;
}

exit_code follow(invocation& inv) {
    follow_options o;
    o.folder = inv.args.get_or("dir", "");
    o.state_file = inv.args.get_or("state", "");
    o.exec = inv.args.get_or("exec", "");
    o.filter_query = filter_query(inv.args);
    o.since = inv.args.get("since");
    o.backoff_cap = std::chrono::milliseconds(number_option(inv.args, "backoff-max", 30, 1, 3600) * 1000);
    o.idle_timeout = std::chrono::seconds(number_option(inv.args, "idle-timeout", 90, 5, 86400));
    o.quiet = inv.args.has("quiet");
    if (!o.folder.empty() && o.state_file.empty()) o.state_file = o.folder + "/.varde-follow.state";
    install_stop_handlers();
    follower f(std::move(o), inv.config(), inv.out, inv.err);
    return f.run();
}

}  // namespace

std::vector<command> follow_commands() {
    return {
        {"follow", "", "Stream events as NDJSON, or keep a folder with one JSON file per report.",
         "Runs until SIGINT/SIGTERM. After each event is handled (printed, written, --exec exited 0)\n"
         "its cursor is stored in the state file (write-then-rename), so a restart resumes right\n"
         "after it: no event is lost; one may come twice (handling is idempotent). Connection\n"
         "losses are retried with capped exponential backoff and jitter. With --dir, a retracted\n"
         "or withdrawn report's file is deleted; the state file defaults to DIR/.varde-follow.state.\n"
         "Without a stored cursor or --since, following starts now.\n"
         "--exec runs CMD with sh for each event: the event JSON on stdin, and VARDE_EVENT,\n"
         "VARDE_REPORT_ID, VARDE_CURSOR, VARDE_REPORT_FILE set; a non-zero exit leaves the cursor\n"
         "before the event, which is retried after a backoff.",
         {{"dir", "DIR", "write each report to DIR/ID.json instead of NDJSON on stdout"},
          {"state", "FILE", "where to keep the cursor (locked while running)"},
          {"exec", "CMD", "run CMD for each event; acknowledge only when it exits 0"},
          {"since", "CURSOR", "start after this cursor when the state file has none"},
          {"max-tlp", "LEVEL", "only reports up to this TLP"},
          {"category", "NAME", "only these incident categories", true},
          {"sector", "NAME", "only these sectors", true},
          {"indicator-type", "TYPE", "only reports with indicators of these types", true},
          {"backoff-max", "SECONDS", "longest wait between reconnections (default 30)"},
          {"idle-timeout", "SECONDS", "reconnect when nothing, not even a heartbeat, came for this long (default 90)"},
          {"quiet", "", "no progress messages on stderr"}},
         0, 0, follow},
    };
}

}  // namespace varde::cli
