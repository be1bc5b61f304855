#pragma once
// `varde follow`: keeps a subscription to the node's event stream alive and hands every
// event to a sink (and an --exec command), storing the cursor only once the event is fully
// handled. After a crash or a lost connection it resumes from that cursor, so no event is
// skipped (some may come twice; handling one is idempotent).
#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/config.hpp"
#include "cli/exit_code.hpp"
#include "cli/follow/backoff.hpp"
#include "cli/follow/cursor_state.hpp"
#include "cli/follow/event_sink.hpp"

namespace varde::cli {

struct follow_options {
    std::string folder;      // empty: NDJSON on stdout
    std::string state_file;  // empty: the cursor is kept in memory only
    std::string exec;        // empty: no command
    std::string filter_query;  // max_tlp=..&category=.. (already encoded), may be empty
    std::optional<std::string> since;  // where to start when there is no state yet
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{30000};
    std::chrono::seconds idle_timeout{90};  // no frame at all (heartbeats included) for this long: reconnect
    bool quiet = false;
};

class follower {
public:
    follower(follow_options options, settings node, std::ostream& out, std::ostream& err);
    // Runs until SIGINT/SIGTERM (exit ok) or a failure retrying cannot cure.
    exit_code run();

private:
    enum class next_step { reconnect_now, reconnect_later, stop };
    next_step run_session();
    next_step after_close(int code, std::string const& reason);
    bool handle_frame(std::string const& text);
    void start_from_now();
    void log(std::string const& line) const;
    bool sleep_interruptibly(std::chrono::milliseconds delay) const;

    follow_options options_;
    settings node_;
    std::ostream& err_;
    std::unique_ptr<event_sink> sink_;  // before state_: it creates the folder the state may be in
    cursor_state state_;
    backoff backoff_;
    std::string cursor_;
};

// True once SIGINT or SIGTERM arrived (the follower's handlers set it).
bool stop_requested();
void install_stop_handlers();

}  // namespace varde::cli
