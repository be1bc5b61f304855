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

struct feed_event {
    std::int64_t id = 0;
    std::string kind;  // report.published | report.updated | report.retracted | report.withdrawn
    std::string report_id;
    std::string cursor;  // the position after this event, encoded once
    // The report as it was when the event was read; nullopt if there is no such row.
    std::optional<store::report_store::feed_report> report;
    // report.withdrawn: the report's audience before the change, to tell who lost it.
    std::optional<domain::report_meta> before;

    // Frames already encoded for this event, per view (member, owner, operator).
    mutable std::mutex frames_mutex;
    mutable std::map<std::string, frame, std::less<>> frames;
};

using shared_event = std::shared_ptr<feed_event const>;

// The frame `who` receives for `e`, or nullptr if the event is not for it. An update that
// takes a report out of the reader's filter reaches it as report.withdrawn, since it may
// hold a copy that no longer fits what it asked for (e.g. tightened past its max_tlp).
frame frame_for(feed_event const& e, domain::principal const& who, filter const& f);

// The heartbeat an idle subscriber stores as its position.
frame heartbeat_frame(std::string const& cursor);

// Events after `position`, in commit order, with their reports (blocking database read).
std::vector<shared_event> read_feed(store::tx& t, std::int64_t position, std::size_t limit,
                                    domain::keyed_hash const& cursor_key);

}  // namespace varde::stream
