#include "stream/event_service.hpp"

#include "service/identity_service.hpp"
#include "store/event_store.hpp"
#include "store/pg_pool.hpp"
#include "stream/stream_query.hpp"
#include "wire/cursor.hpp"

namespace varde::stream {

namespace {

using service::error;
using service::error_code;

error bad_query(std::vector<domain::field_error> fields) {
    return {error_code::invalid, "bad query parameters; see errors", std::move(fields)};
}

error history_gone() {
    return {error_code::invalid, "the events after this cursor are no longer kept; list the reports again and "
                                 "follow from now (no since)",
            {{"since", "older than the retained history"}}, 410};
}

}  // namespace

std::string event_service::cursor_of(std::int64_t position) const { return wire::encode_cursor(position, cursor_key_); }

service::outcome<std::string> event_service::poll(domain::principal const& who,
                                                  std::map<std::string, std::string> const& query) {
    auto parsed = parse_stream_query(query, true, settings_.max_page, cursor_key_);
    if (!parsed.errors.empty()) return bad_query(std::move(parsed.errors));
    auto const& q = parsed.query;
    std::string items = "[";
    std::int64_t last = 0;
    try {
        if (!q.since) {
            // From the head the page is always empty: nothing comes after the head in the
            // snapshot it was read from.
            last = head();
        } else {
            auto page = read_after(*q.since, q.limit);
            if (page.history_lost) return history_gone();
            last = *q.since;
            for (auto const& e : page.events) {
                last = e->id;  // the position moves past events this reader does not get
                if (auto f = frame_for(*e, who, q.filter)) items += (items.size() > 1 ? "," : "") + *f;
            }
        }
    } catch (std::exception const& ex) {
        return service::from_store_failure(ex);
    }
    return R"({"events":)" + items + R"(],"next":")" + cursor_of(last) + "\"}";
}

service::outcome<subscription_spec> event_service::open(domain::principal const& who,
                                                        std::map<std::string, std::string> const& query) {
    auto parsed = parse_stream_query(query, false, settings_.max_page, cursor_key_);
    if (!parsed.errors.empty()) return bad_query(std::move(parsed.errors));
    subscription_spec spec{who, parsed.query.filter};
    try {
        pool_.transact([&](store::tx& t) {
            auto since = parsed.query.since;
            spec.history_lost = since && *since < store::event_store::purged_through(t);
            spec.position = since ? *since : store::event_store::head(t);
        });
    } catch (std::exception const& ex) {
        return service::from_store_failure(ex);
    }
    return spec;
}

// One statement: the horizon and the page come from one snapshot, as in a repeatable-read
// transaction, without its BEGIN and COMMIT.
event_service::catch_up event_service::read_after(std::int64_t position, std::size_t limit) {
    catch_up out;
    pool_.read([&](store::tx& t) { out = read_feed(t, position, limit, cursor_key_); });
    return out;
}

std::int64_t event_service::head() {
    std::int64_t h = 0;
    pool_.read([&](store::tx& t) { h = store::event_store::head(t); });
    return h;
}

service::outcome<std::int64_t> event_service::purge_history() {
    try {
        std::int64_t n = 0;
        pool_.transact([&](store::tx& t) { n = store::event_store::purge_older_than(t, settings_.retention_days); });
        return n;
    } catch (std::exception const& ex) {
        return service::from_store_failure(ex);
    }
}

}  // namespace varde::stream
