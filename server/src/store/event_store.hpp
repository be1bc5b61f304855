#pragma once
// The event log that polls and streams read (SPEC §7). Appends are serialised by a
// transaction-scoped advisory lock taken just before the insert and held until commit, so
// event ids are assigned in commit order: a reader that has seen id N can never later find a
// committed event below N (a sequence value taken before commit alone would not promise that).
#include <cstdint>
#include <string>

#include "store/tx.hpp"

namespace varde::store::event_store {

void append(tx& t, std::string const& report_id, std::string const& kind, std::string const& detail_json = "{}");

// One event as the feed reads it (report_store::events_after, with its report).
struct event_row {
    std::int64_t id = 0;
    std::string report_id, kind, detail_json;
};

std::int64_t head(tx& t);  // the newest event id, 0 if none

// History retention: deletes events older than `days` and records the highest deleted id.
// Returns how many were deleted.
std::int64_t purge_older_than(tx& t, int days);
// Every event with an id up to this one may have been deleted: a cursor below it has lost
// history (0: nothing was ever deleted).
std::int64_t purged_through(tx& t);

}  // namespace varde::store::event_store
