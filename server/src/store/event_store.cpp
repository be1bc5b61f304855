#include "store/event_store.hpp"

namespace varde::store::event_store {

namespace {

constexpr statement lock_sql{"event_lock", "SELECT pg_advisory_xact_lock(7364836502)"};  // 'events'
constexpr statement insert_sql{"event_insert",
    "INSERT INTO report_event (report_id, kind, detail) VALUES ($1::uuid, $2, $3::jsonb)"};
constexpr statement head_sql{"event_head", "SELECT coalesce(max(id), 0) FROM report_event"};
constexpr statement purge_sql{"event_purge", R"(
    WITH gone AS (DELETE FROM report_event WHERE at < now() - make_interval(days => $1::integer) RETURNING id),
         horizon AS (UPDATE event_horizon SET purged_through = greatest(purged_through, (SELECT max(id) FROM gone))
                     WHERE EXISTS (SELECT 1 FROM gone) RETURNING 1)
    SELECT count(*) FROM gone)"};
constexpr statement horizon_sql{"event_horizon", "SELECT purged_through FROM event_horizon"};

}  // namespace

void append(tx& t, std::string const& report_id, std::string const& kind, std::string const& detail_json) {
    t.exec(lock_sql);
    t.exec(insert_sql, {report_id, kind, detail_json});
}

std::int64_t head(tx& t) { return t.exec_one(head_sql).int64(0); }

std::int64_t purge_older_than(tx& t, int days) { return t.exec_one(purge_sql, {std::to_string(days)}).int64(0); }

std::int64_t purged_through(tx& t) { return t.exec_one(horizon_sql).int64(0); }

}  // namespace varde::store::event_store
