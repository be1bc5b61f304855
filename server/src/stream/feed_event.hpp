#pragma once
// One event of the log with the report it is about, read once and shared by every poll page
// and stream that delivers it. What each reader receives is decided here, per reader, with
// the same rule as every other read path (domain::access_to), then narrowed by its filter.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/pseudonym.hpp"
#include "domain/visibility.hpp"
#include "store/report_store.hpp"
#include "store/tx.hpp"
#include "stream/filter.hpp"

namespace varde::stream {

// An encoded frame: one JSON object, shared by every reader that gets the same bytes.
using frame = std::shared_ptr<std::string const>;

// The latest known state of one report, shared by every event about it that a node holds in
// memory: when a newer event of the report is read, the state is replaced, so a reader served
// later from memory is judged and rendered against the report as it is now, never as it was
// (a retracted or tightened report must not reach a late reader in its old form).
class report_state {
public:
    using report = std::shared_ptr<store::report_store::feed_report const>;
    explicit report_state(report r) : now_(std::move(r)) {}
    std::pair<report, std::uint64_t> get() const {
        std::lock_guard lock(mutex_);
        return {now_, version_};
    }
    void replace(report r) {
        std::lock_guard lock(mutex_);
        now_ = std::move(r);
        ++version_;
    }

private:
    mutable std::mutex mutex_;
    report now_;  // null: no such row
    std::uint64_t version_ = 0;
};

struct feed_event {
    std::int64_t id = 0;
    std::string kind;  // report.published | report.updated | report.retracted | report.withdrawn
    std::string report_id;
    std::string cursor;  // the position after this event, encoded once
    std::shared_ptr<report_state> state;
    // report.withdrawn: the report's audience before the change, to tell who lost it.
    std::optional<domain::report_meta> before;

    // Frames already encoded for this event, per view (member, owner, operator), with the
    // version of the report state they were rendered from.
    mutable std::mutex frames_mutex;
    mutable std::map<std::string, std::pair<std::uint64_t, frame>, std::less<>> frames;
};

using shared_event = std::shared_ptr<feed_event const>;

// The frame `who` receives for `e`, or nullptr if the event is not for it. An update that
// takes a report out of the reader's filter reaches it as report.withdrawn, since it may
// hold a copy that no longer fits what it asked for (e.g. tightened past its max_tlp).
frame frame_for(feed_event const& e, domain::principal const& who, filter const& f);

// The heartbeat an idle subscriber stores as its position.
frame heartbeat_frame(std::string const& cursor);

// A page of the feed. history_lost: events after the position were deleted (it is below the
// horizon, event_store::purged_through); the page is then empty.
struct feed_page {
    std::vector<std::shared_ptr<feed_event>> events;
    bool history_lost = false;
};

// At most `limit` events after `position`, in commit order, with their reports, and whether
// history was lost, read in one statement (a blocking database read: worker threads only;
// it may run outside an explicit transaction, pg_pool::read). Events of one report share one
// state.
feed_page read_feed(store::tx& t, std::int64_t position, std::size_t limit, domain::keyed_hash const& cursor_key);

}  // namespace varde::stream
