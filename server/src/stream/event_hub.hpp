#pragma once
// The node's one reader of the event log for live streams. A feed thread waits for
// PostgreSQL's NOTIFY (or a short poll, should a notification be lost), reads the new events
// once in commit order, keeps the latest in memory, and wakes every subscriber; each takes
// what it may see at its own pace. A subscriber behind that memory catches up from the
// database (event_service::read_after). On a change to principals or organisations it
// re-checks every subscriber: a revoked one is closed.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "stream/event_service.hpp"
#include "stream/subscriber.hpp"

namespace varde::service {
class identity_service;
}

namespace varde::stream {

struct hub_settings {
    std::size_t memory_events = 2048;  // latest events kept for live subscribers
    std::chrono::milliseconds poll_interval{1000};  // reads even without a notification
    std::chrono::seconds revalidate_interval{30};  // certificates that expire mid-stream
    std::size_t batch = 512;
};

class event_hub {
public:
    event_hub(event_service& events, service::identity_service& identity, std::string database_url,
              hub_settings settings);
    ~event_hub();
    event_hub(event_hub const&) = delete;
    event_hub& operator=(event_hub const&) = delete;

    void start();
    void stop();  // ends the feed thread (within one poll interval)

    void attach(std::shared_ptr<subscriber> const& s);
    void detach(subscriber const* s);
    std::size_t subscriber_count() const;

    // The events after `position` held in memory, at most `max`; nullopt when `position` is
    // older than the memory (read from the database instead).
    std::optional<std::vector<shared_event>> recent_after(std::int64_t position, std::size_t max) const;

private:
    void run();
    void hear_identities(bool listening, bool changed);
    void position_at_head();
    bool read_new();  // true when a whole batch came: there may be more
    void share_states(std::vector<std::shared_ptr<feed_event>>& events);
    bool revalidate();  // false if it could not finish (the database is away)
    std::vector<std::shared_ptr<subscriber>> live_subscribers() const;

    event_service& events_;
    service::identity_service& identity_;
    std::string database_url_;
    hub_settings settings_;

    mutable std::mutex mutex_;
    std::deque<shared_event> memory_;
    std::optional<std::int64_t> memory_base_;  // the position just before memory_.front()
    std::int64_t head_ = 0;                     // the newest event read
    std::unordered_map<subscriber const*, std::weak_ptr<subscriber>> subscribers_;
    // The state of each report that events in memory are about (feed_event.hpp: report_state).
    std::unordered_map<std::string, std::weak_ptr<report_state>> states_;
    std::atomic<bool> revalidate_due_{true};  // until a re-check of every subscriber has completed

    std::atomic<bool> stopping_{false};
    std::thread feed_;
};

}  // namespace varde::stream
