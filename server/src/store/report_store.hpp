#pragma once
// Reports in PostgreSQL. Every read takes the reading principal and filters with the SQL
// function report_access (migrations/0002), the mirror of domain::access_to, so a list,
// a search or "related" never loads what the principal may not see.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/identity.hpp"
#include "domain/visibility.hpp"
#include "store/audit_store.hpp"
#include "store/event_store.hpp"
#include "store/tx.hpp"

namespace varde::store::report_store {

struct new_report {
    std::string origin_org;
    std::string submitted_by;  // principal id
    std::string tlp;
    domain::recipients to;
    std::string status;  // pending | published
    std::string attribution;
    std::optional<std::string> source_display;
    std::string category, sector, country, first_seen, last_seen;  // empty: not given
    std::string shared_json, redactions_json, warnings_json;
    std::string original_body;
    int original_retention_days = 30;
    std::vector<std::pair<std::string, std::string>> indicators;  // shared (type, value)
};

// Inserts the report, its original, its shared indicators and, when it is published at
// once, its event; returns the new id.
std::string insert(tx& t, new_report const& r);

// What the database assigned to a report written by publish_batch.
struct inserted {
    std::string id;
    std::int64_t seq = 0;
    std::string created_at;                   // RFC 3339, UTC, milliseconds
    std::optional<std::string> published_at;  // set when published at once
};

// Group commit: writes the reports in the given order (so seq, and the events of those
// published at once, follow that order), with their originals, shared indicators, events and
// one audit entry each (audits[i] for reports[i], its subject_id replaced by the new id), in
// ONE statement whatever their count (publish_batch in migrations/0007), so it can run as a
// transaction of its own (pg_pool::write_one). Events and audit entries are appended under
// the same locks as insert() and audit_store::append. Returns what each got, in order.
std::vector<inserted> publish_batch(tx& t, std::vector<new_report const*> const& reports,
                                    std::vector<audit_store::entry const*> const& audits);

struct stored_report {
    std::string id;
    std::string access;  // full | gone | none, for the reading principal
    std::string status, tlp, attribution;
    std::optional<std::string> source_display;
    std::string origin_org;
    domain::recipients to;
    std::string created_at;
    std::optional<std::string> published_at;
    std::string shared_json, redactions_json, warnings_json;
    std::optional<std::string> original_body;  // operators only, until purged
    std::optional<std::string> reject_reason;
    std::int64_t seq = 0;
    std::string title;  // list summaries only
};

// nullopt when no such report exists or its access is 'none' (the two look the same).
std::optional<stored_report> find(tx& t, std::string const& id, domain::principal const& who);

struct list_filter {
    std::optional<std::string> tlp, category, sector, indicator_type, indicator_value;
    std::optional<std::string> since, until;  // created_at bounds, RFC 3339
    std::optional<std::string> status;        // owners and operators may ask for other statuses
};

// Reports with full access, newest first, keyset-paginated by seq (< before_seq). With
// summaries, each row's shared view and owner fields are left empty and `title` is set.
std::vector<stored_report> list(tx& t, domain::principal const& who, list_filter const& f,
                                std::optional<std::int64_t> before_seq, std::size_t limit,
                                bool summaries = false);

// A report as find() reads it, and when its access is 'full', the ids of up to `limit`
// reports `who` may see that share an indicator with it (newest first). One statement, so
// it may run outside an explicit transaction (pg_pool::read) and sees one snapshot.
struct report_with_related {
    stored_report report;
    std::vector<std::string> related;
};
std::optional<report_with_related> find_with_related(tx& t, std::string const& id,
                                                     domain::principal const& who, std::size_t limit);
// The same read in two halves, for an asynchronous reader (store/async_reader.hpp): the
// statement with its parameters, and what its rows say.
struct statement_call {
    statement s;
    std::vector<param> params;
};
statement_call find_with_related_call(std::string const& id, domain::principal const& who, std::size_t limit);
std::optional<report_with_related> read_with_related(std::vector<row> rows);
// Several such reads in one statement, each with its own reader (the asynchronous reader's
// batches, service/report_read_batcher.hpp): one answer per read, in the reads' order,
// nullopt where read_with_related would give none. The ids must look like UUIDs: one that
// PostgreSQL refuses fails the whole statement.
struct report_read {
    std::string const& id;
    domain::principal const& who;
};
statement_call find_many_with_related_call(std::vector<report_read> const& reads, std::size_t limit);
std::vector<std::optional<report_with_related>> read_many_with_related(std::vector<row> rows, std::size_t reads);

// Reports in `status` that `who` may see, oldest first (the moderation queue; with
// unreviewed_trusted_only, published reports of trusted organisations not yet reviewed).
std::vector<stored_report> oldest(tx& t, domain::principal const& who, std::string const& status,
                                  bool unreviewed_trusted_only, std::size_t limit);

// Locks the report's row for the rest of the transaction; false if there is none.
bool lock(tx& t, std::string const& id);

// The report behind an event, for no particular reader (`access` is "unjudged"): the event
// feed judges it per subscriber with the domain rule (stream/feed_event). Operators'
// originals are included; only operators' views show them.
struct feed_report {
    stored_report report;
    std::string category, sector;              // empty: not given
    std::vector<std::string> indicator_types;  // distinct types of its shared indicators
};

// A page of the event log for the feed: the history horizon (event_store::purged_through),
// the events after a position in id order, which is commit order (event_store.hpp), and the
// report each is about. Events of one report share one feed_report, read from the same
// snapshot as the events.
struct event_page {
    struct entry {
        event_store::event_row event;
        std::shared_ptr<feed_report const> report;  // null: no such report row
    };
    std::int64_t purged_through = 0;
    std::vector<entry> events;
};
// At most `limit` events after `position`. One statement, so it may run outside an explicit
// transaction (pg_pool::read) and sees one snapshot: as consistent as a repeatable-read
// transaction reading the horizon, the events and their reports one after the other.
event_page events_after(tx& t, std::int64_t position, std::size_t limit);

// Deletes originals past their retention; returns how many.
std::int64_t purge_originals(tx& t);

}  // namespace varde::store::report_store
