#pragma once
// The subscription use cases (SPEC §7): a page of events for clients that poll, the checked
// start of a live stream, the reads a stream makes to catch up, and history retention.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/pseudonym.hpp"
#include "service/outcome.hpp"
#include "stream/feed_event.hpp"
#include "stream/filter.hpp"

namespace varde::store {
class pg_pool;
}

namespace varde::stream {

struct event_settings {
    std::size_t max_page = 200;
    int retention_days = 30;
};

// A stream the node agreed to open.
struct subscription_spec {
    domain::principal who;
    stream::filter filter;
    std::int64_t position = 0;  // deliver the events after this one
    bool history_lost = false;  // `since` is older than the retained history: close at once
};

class event_service {
public:
    event_service(store::pg_pool& pool, domain::keyed_hash const& cursor_key, event_settings settings)
        : pool_(pool), cursor_key_(cursor_key), settings_(settings) {}

    // GET /v1/events: {"events": [...], "next": cursor}. A cursor older than the retained
    // history is refused with 410, naming `since`.
    service::outcome<std::string> poll(domain::principal const& who, std::map<std::string, std::string> const& query);

    // GET /v1/stream, before the upgrade: checks the query, fixes the start position.
    service::outcome<subscription_spec> open(domain::principal const& who,
                                             std::map<std::string, std::string> const& query);

    // The hub's reads, and catch-up reads for a stream behind the hub's memory (blocking:
    // worker threads only; throws store::failure). history_lost: events after `position`
    // were deleted meanwhile.
    using catch_up = feed_page;
    catch_up read_after(std::int64_t position, std::size_t limit);

    // The newest event's position (blocking; throws store::failure).
    std::int64_t head();

    // Deletes events past the retention; returns how many.
    service::outcome<std::int64_t> purge_history();

    std::string cursor_of(std::int64_t position) const;
    domain::keyed_hash const& cursor_key() const { return cursor_key_; }

private:
    store::pg_pool& pool_;
    domain::keyed_hash const& cursor_key_;
    event_settings settings_;
};

}  // namespace varde::stream
