#include "cli/follow/follower.hpp"

#include <csignal>
#include <ostream>
#include <thread>

#include "cli/follow/exec_hook.hpp"
#include "cli/node_api.hpp"
#include "lib/stream_client.hpp"

namespace varde::cli {

namespace {

volatile std::sig_atomic_t stop_signal = 0;

void on_stop_signal(int) { stop_signal = 1; }

constexpr std::chrono::milliseconds poll_step{250};

// Close codes of the node (docs/cli.md, "follow").
constexpr int close_going_away = 1001;
constexpr int close_too_slow = 4000;
constexpr int close_cursor_expired = 4010;
constexpr int close_access_revoked = 4030;

std::string stream_query(std::string const& cursor, std::string const& filters) {
    std::string q = "since=" + url_encode(cursor);
    return filters.empty() ? q : q + "&" + filters;
}

}  // namespace

bool stop_requested() { return stop_signal != 0; }

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

follower::follower(follow_options options, settings node, std::ostream& out, std::ostream& err)
    : options_(std::move(options)), node_(std::move(node)), err_(err),
      sink_(options_.folder.empty() ? make_ndjson_sink(out) : make_folder_sink(options_.folder)),
      state_(options_.state_file),
      backoff_(options_.backoff_base, options_.backoff_cap) {}

void follower::log(std::string const& line) const {
    if (!options_.quiet) err_ << "varde follow: " << line << std::endl;
}

bool follower::sleep_interruptibly(std::chrono::milliseconds delay) const {
    auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
        if (stop_requested()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(poll_step, delay));
    }
    return !stop_requested();
}

// With no stored cursor, "now" is fixed and stored before anything else, so a follower that
// dies before its first event still resumes from where it began.
void follower::start_from_now() {
    node_api api(node_);
    auto now = api.call("GET", "/v1/events");
    if (!now["next"].is_string()) throw cli_error(exit_code::server_error, "the node gave no cursor in GET /v1/events");
    cursor_ = now["next"].get<std::string>();
    state_.store(cursor_);
}

exit_code follower::run() {
    cursor_ = state_.load().value_or(options_.since.value_or(""));
    for (;;) {
        next_step step = next_step::reconnect_later;
        try {
            if (cursor_.empty()) start_from_now();
            step = run_session();
        } catch (cli_error const& e) {
            if (e.code() != exit_code::unreachable && e.code() != exit_code::server_error) throw;
            log(e.what());  // the node is down or failing: wait and retry
        }
        if (step == next_step::stop || stop_requested()) return exit_code::ok;
        if (step == next_step::reconnect_later) {
            auto delay = backoff_.next();
            log("reconnecting in " + std::to_string(delay.count()) + " ms");
            if (!sleep_interruptibly(delay)) return exit_code::ok;
        }
    }
}

follower::next_step follower::run_session() {
    std::unique_ptr<client::stream_client> stream;
    try {
        stream = connect_first(node_, [&](client::target const& t) {
            return std::make_unique<client::stream_client>(t, tls_options_of(node_),
                                                           stream_query(cursor_, options_.filter_query), node_.timeout);
        });
    } catch (client::upgrade_refused const& e) {
        client::reply refusal{e.status(), e.body(), {}};
        if (e.status() == 429 || e.status() >= 500) throw cli_error(exit_code::server_error, error_for(refusal).what());
        throw error_for(refusal);  // 400 (bad filter or cursor), 401/403 (certificate), 404
    } catch (client::error const& e) {
        throw error_for(e, node_);
    }
    log("connected, resuming after cursor " + cursor_);
    auto idle_since = std::chrono::steady_clock::now();
    while (!stop_requested()) {
        auto item = stream->next(poll_step);
        if (auto* frame = std::get_if<client::stream_frame>(&item)) {
            backoff_.reset();
            idle_since = std::chrono::steady_clock::now();
            if (!handle_frame(frame->text)) {
                stream->close();
                return next_step::reconnect_later;  // the --exec command failed: retry this event
            }
        } else if (auto* closed = std::get_if<client::stream_closed>(&item)) {
            return after_close(closed->code, closed->reason);
        } else if (std::chrono::steady_clock::now() - idle_since > options_.idle_timeout) {
            log("nothing from the node for " + std::to_string(options_.idle_timeout.count()) + " s");
            return next_step::reconnect_later;
        }
    }
    stream->close();
    return next_step::stop;
}

follower::next_step follower::after_close(int code, std::string const& reason) {
    log("the node closed the stream (" + std::to_string(code) + (reason.empty() ? "" : ": " + reason) + ")");
    if (code == close_access_revoked)
        throw cli_error(exit_code::not_accepted, "access revoked: this certificate may no longer follow (see varde whoami)");
    if (code == close_too_slow) return next_step::reconnect_now;  // resumes from the stored cursor
    if (code == close_cursor_expired) {
        // The node no longer holds the events after our cursor: some are lost to this
        // follower. Say so loudly and carry on from now.
        log("WARNING: the stored cursor is older than the node's history; events in between were missed");
        cursor_.clear();
        return next_step::reconnect_now;
    }
    if (code == close_going_away) log("the node is stopping; resuming when it is back");
    return next_step::reconnect_later;  // a stopping node or a lost connection: back off
}

// Returns false if the --exec command failed (the cursor then stays before this event).
bool follower::handle_frame(std::string const& text) {
    auto event = nlohmann::json::parse(text, nullptr, false);
    if (!event.is_object() || !event["cursor"].is_string()) {
        log("ignored a frame that is not an event");
        return true;
    }
    auto kind = event.value("event", "");
    if (kind != "heartbeat") {
        sink_->deliver(event);
        if (!options_.exec.empty()) {
            int status = run_exec_hook(options_.exec, event, sink_->file_for(event));
            if (status != 0) {
                log("--exec exited with " + std::to_string(status) + " for " + kind + "; the event will be retried");
                return false;
            }
        }
    }
    auto cursor = event["cursor"].get<std::string>();
    if (cursor != cursor_) {
        state_.store(cursor);  // only now: a crash before this line replays the event
        cursor_ = cursor;
    }
    return true;
}

}  // namespace varde::cli
