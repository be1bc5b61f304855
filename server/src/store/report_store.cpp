#include "store/report_store.hpp"

#include <map>

#include "store/errors.hpp"
#include "store/event_store.hpp"

namespace varde::store::report_store {

namespace {

// The reading principal's parameters: organisation slug, its sectors, its kind, whether it
// is an operator. $1..$4 in every read of one principal; in the batched report read, the
// columns of each read's row of parameters (q, find_many_sql).
#define VARDE_READER "$1, $2::text[], $3, $4::boolean"
#define VARDE_BATCH_READER "q.org, q.sectors::text[], q.kind, q.op"

// The columns every read returns, in the order read_row expects, for `reader`.
#define VARDE_HEADER_COLUMNS_FOR(reader)                                                       \
    "r.id, report_access(r.origin_org, r.tlp, r.recipient_orgs, r.recipient_sectors, "        \
    "r.status, " reader "), r.status, r.tlp, r.attribution, "                                  \
    "r.source_display, r.origin_org, r.recipient_orgs, r.recipient_sectors, "                 \
    "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "          \
    "to_char(r.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
#define VARDE_REPORT_COLUMNS_FOR(reader) \
    VARDE_HEADER_COLUMNS_FOR(reader) "r.shared_json, r.redactions_json, r.warnings_json, r.seq, r.reject_reason "
#define VARDE_HEADER_COLUMNS VARDE_HEADER_COLUMNS_FOR(VARDE_READER)
#define VARDE_REPORT_COLUMNS VARDE_REPORT_COLUMNS_FOR(VARDE_READER)

// As VARDE_REPORT_COLUMNS, with the title for the shared view and no owner-only texts.
#define VARDE_SUMMARY_COLUMNS VARDE_HEADER_COLUMNS "coalesce(r.title, ''), '', '', r.seq, NULL, NULL "

#define VARDE_VISIBLE_FOR(reader, level)                                                        \
    "report_access(r.origin_org, r.tlp, r.recipient_orgs, r.recipient_sectors, r.status, "    \
    reader ") " level
#define VARDE_VISIBLE(level) VARDE_VISIBLE_FOR(VARDE_READER, level)

constexpr statement insert_sql{"report_insert", R"(
    INSERT INTO report (origin_org, submitted_by, tlp, recipient_orgs, recipient_sectors, status,
                        attribution, source_display, category, sector, country, first_seen,
                        last_seen, shared_json, redactions_json, warnings_json, published_at)
    VALUES ($1, $2::uuid, $3, $4::text[], $5::text[], $6, $7, $8, nullif($9, ''), nullif($10, ''),
            nullif($11, ''), nullif($12, '')::timestamptz, nullif($13, '')::timestamptz, $14, $15,
            $16, CASE WHEN $6 = 'published' THEN now() END)
    RETURNING id)"};

// $1..$25: the arrays of publish_batch (migrations/0007): one element per report (text[]
// columns as array literals), then the indicators with the position of their report, then
// one audit entry per report.
constexpr statement publish_batch_sql{"report_publish_batch", R"(
    SELECT * FROM publish_batch($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[],
        $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
        $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::integer[],
        $19::integer[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
        $25::jsonb[]))"};

constexpr statement insert_original_sql{"report_original_insert", R"(
    INSERT INTO report_original (report_id, body, purge_after)
    VALUES ($1::uuid, $2, now() + make_interval(days => $3::integer)))"};

constexpr statement insert_indicators_sql{"report_indicators_insert", R"(
    INSERT INTO report_indicator (report_id, type, value)
    SELECT $1::uuid, t, v FROM unnest($2::text[], $3::text[]) AS x(t, v)
    ON CONFLICT DO NOTHING)"};

constexpr statement find_sql{"report_find",
    "SELECT " VARDE_REPORT_COLUMNS ", CASE WHEN $4::boolean THEN o.body END "
    "FROM report r LEFT JOIN report_original o ON o.report_id = r.id "
    "WHERE r.id = $5::uuid AND " VARDE_VISIBLE("<> 'none'")};

// The cursor as an index bound that generic plans can use too.
#define VARDE_BEFORE(alias) alias ".seq < coalesce($13::bigint, 9223372036854775807)"

// The list's filters ($5..$13), after a visibility condition.
#define VARDE_LIST_CONDITIONS                                                                    \
    " AND ($5::text IS NULL OR r.tlp = $5)"                                                       \
    " AND ($6::text IS NULL OR r.category = $6)"                                                  \
    " AND ($7::text IS NULL OR r.sector = $7)"                                                    \
    " AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM report_indicator i WHERE i.report_id = r.id" \
    "      AND i.type = $8 AND ($9::text IS NULL OR i.value = $9)))"                              \
    " AND ($10::timestamptz IS NULL OR r.created_at >= $10::timestamptz)"                         \
    " AND ($11::timestamptz IS NULL OR r.created_at < $11::timestamptz)"                          \
    " AND ($12::text IS NULL OR r.status = $12)"                                                  \
    " AND " VARDE_BEFORE("r")

// The filters and the keyset order.
#define VARDE_LIST_FILTER VARDE_LIST_CONDITIONS " ORDER BY r.seq DESC LIMIT $14::integer"

// Operators (and members of organisations in many sectors, below): every row, newest first,
// each judged by report_access.
constexpr statement list_sql{"report_list",
    "SELECT " VARDE_REPORT_COLUMNS ", NULL FROM report r WHERE " VARDE_VISIBLE("= 'full'") VARDE_LIST_FILTER};

// The same filter and order; the title in place of the shared view.
constexpr statement list_summary_sql{"report_list_summary",
    "SELECT " VARDE_SUMMARY_COLUMNS " FROM report r WHERE " VARDE_VISIBLE("= 'full'") VARDE_LIST_FILTER};

// A member's candidates, newest first (migrations/0006): a superset of what report_access can
// let it see in full, merged from index streams so that a page reads about as many rows as it
// returns. Each stream is ordered by seq, so PostgreSQL merges them lazily (Merge Append) and
// drops repeats (DISTINCT ON, which only exists sorted: no hash of the whole set). A stream is
// skipped outright (a one-time filter) when the tlp or status filter rules it out: others'
// reports are 'full' only when published. The streams: own reports ('origin:' keys), shared
// (CLEAR, GREEN) reports, the organisation's and up to list_sector_streams sectors' keys.
// The streams' keys and cursor are one-row sub-selects: a custom plan then estimates them as
// the generic plan does, so after five executions PostgreSQL keeps the generic plan (the same
// plan, without planning each page: about a third of a summary page's database time).
#define VARDE_STREAM_BEFORE(alias) alias ".seq < (SELECT coalesce($13::bigint, 9223372036854775807))"
#define VARDE_READER_STREAM(key, tlps)                                                           \
    " UNION ALL (SELECT rr.seq FROM report_reader rr WHERE rr.reader = (SELECT " key ")"         \
    "   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN (" tlps "))" \
    "   AND " VARDE_STREAM_BEFORE("rr") " ORDER BY rr.seq DESC)"

#define VARDE_CANDIDATES                                                                          \
    "(SELECT DISTINCT ON (c.seq) c.seq FROM ("                                                    \
    "   (SELECT o.seq FROM report_reader o WHERE o.reader = (SELECT 'origin:' || $1::text)"      \
    "    AND " VARDE_STREAM_BEFORE("o") " ORDER BY o.seq DESC)"                                  \
    " UNION ALL (SELECT s.seq FROM report s WHERE s.status = 'published' AND s.tlp IN ('CLEAR', 'GREEN')" \
    "   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN ('CLEAR', 'GREEN'))" \
    "   AND " VARDE_STREAM_BEFORE("s") " ORDER BY s.seq DESC)"                                    \
    VARDE_READER_STREAM("'org:' || $1", "'AMBER', 'AMBER+STRICT', 'RED'")                          \
    VARDE_READER_STREAM("'sector:' || ($2::text[])[1]", "'AMBER'")                                 \
    VARDE_READER_STREAM("'sector:' || ($2::text[])[2]", "'AMBER'")                                 \
    VARDE_READER_STREAM("'sector:' || ($2::text[])[3]", "'AMBER'")                                 \
    ") AS c ORDER BY c.seq DESC) AS cand"

// Each candidate, in order, is read by its seq and judged like any list row: report_access and
// every filter (OFFSET 0 keeps the lookup a per-candidate probe, so the LIMIT stops the merge).
#define VARDE_MEMBER_LIST(columns)                                                               \
    "SELECT " columns " FROM " VARDE_CANDIDATES " CROSS JOIN LATERAL (SELECT * FROM report r"   \
    " WHERE r.seq = cand.seq AND " VARDE_VISIBLE("= 'full'") VARDE_LIST_CONDITIONS " OFFSET 0) AS r" \
    " ORDER BY cand.seq DESC LIMIT $14::integer"

constexpr statement member_list_sql{"report_member_list", VARDE_MEMBER_LIST(VARDE_REPORT_COLUMNS ", NULL")};
constexpr statement member_list_summary_sql{"report_member_list_summary", VARDE_MEMBER_LIST(VARDE_SUMMARY_COLUMNS)};

// The sector slots of VARDE_CANDIDATES; a member of an organisation in more sectors lists
// with list_sql.
constexpr std::size_t list_sector_streams = 3;

constexpr statement oldest_sql{"report_oldest",
    "SELECT " VARDE_REPORT_COLUMNS ", CASE WHEN $4::boolean THEN o.body END "
    "FROM report r LEFT JOIN report_original o ON o.report_id = r.id "
    "WHERE " VARDE_VISIBLE("= 'full'") " AND r.status = $5 "
    "AND (NOT $6::boolean OR (r.reviewed_at IS NULL AND EXISTS "
    "     (SELECT 1 FROM organisation g WHERE g.slug = r.origin_org AND g.trusted))) "
    "ORDER BY r.seq ASC LIMIT $7::integer"};

constexpr statement lock_sql{"report_lock", "SELECT 1 FROM report WHERE id = $1::uuid FOR UPDATE"};

// For full access, the ids of the reports `reader` may see that share an indicator with r
// (at most `limit`, newest first); NULL otherwise.
#define VARDE_RELATED_FOR(reader, limit)                                                        \
    "CASE WHEN " VARDE_VISIBLE_FOR(reader, "= 'full'") " THEN ARRAY("                           \
    "  SELECT x.id FROM (SELECT DISTINCT rel.id, rel.seq FROM report_indicator mine "             \
    "    JOIN report_indicator other ON other.type = mine.type AND other.value = mine.value "     \
    "     AND other.report_id <> mine.report_id "                                                 \
    "    JOIN report rel ON rel.id = other.report_id "                                            \
    "    WHERE mine.report_id = r.id "                                                            \
    "      AND report_access(rel.origin_org, rel.tlp, rel.recipient_orgs, rel.recipient_sectors, " \
    "                        rel.status, " reader ") = 'full' "                                   \
    "    ORDER BY rel.seq DESC LIMIT " limit ") x ORDER BY x.seq DESC) END "

// find_sql plus, for full access, the visible reports sharing an indicator ($6 of them).
constexpr statement find_related_sql{"report_find_related",
    "SELECT " VARDE_REPORT_COLUMNS ", CASE WHEN $4::boolean THEN o.body END, "
    VARDE_RELATED_FOR(VARDE_READER, "$6::integer")
    "FROM report r LEFT JOIN report_original o ON o.report_id = r.id "
    "WHERE r.id = $5::uuid AND " VARDE_VISIBLE("<> 'none'")};

// Several find_related_sql reads in one statement, each with its own reader: one row of
// parameters per read (q: $1 the ids, $2..$5 the readers' slugs, sectors as array literals,
// kinds and operator flags; $6 the limit), and each answer row ends with its read's position
// (1-based). A read with nothing to show has no row. Each read is the same per-read probe
// (OFFSET 0); PostgreSQL starts the plan and sends the answer once for them all.
constexpr statement find_many_related_sql{"report_find_many_related",
    "SELECT x.*, q.n FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[]) "
    "  WITH ORDINALITY AS q(id, org, sectors, kind, op, n) "
    "CROSS JOIN LATERAL (SELECT " VARDE_REPORT_COLUMNS_FOR(VARDE_BATCH_READER) ", "
    "  CASE WHEN q.op THEN o.body END, " VARDE_RELATED_FOR(VARDE_BATCH_READER, "$6::integer")
    "  FROM report r LEFT JOIN report_original o ON o.report_id = r.id "
    "  WHERE r.id = q.id AND " VARDE_VISIBLE_FOR(VARDE_BATCH_READER, "<> 'none'") " OFFSET 0) x "
    "ORDER BY q.n"};
// The column of find_many_related_sql that holds the read's position.
constexpr std::size_t read_position_column = 18;

constexpr statement purge_sql{"report_original_purge",
    "WITH gone AS (DELETE FROM report_original WHERE purge_after < now() RETURNING 1) "
    "SELECT count(*) FROM gone"};

// The event feed (events_after): the horizon, the events after $1 (at most $2) and each
// one's report, in one statement. The report has no reader yet, so no report_access column
// ('unjudged' in its place); its columns come first, in read_row's order. With no event the
// one row of event_horizon still comes back, every other column NULL. $1 and $2 are one-row
// sub-selects, so a custom plan is estimated as the generic plan is and PostgreSQL keeps the
// generic plan after five executions: planning the page each time cost more than running it.
// Each report is a per-event probe (OFFSET 0), whatever the number of events a plan expects.
constexpr statement events_after_sql{"report_events_after", R"(
    SELECT f.*, e.id, e.report_id, e.kind, e.detail::text, h.purged_through
    FROM event_horizon h
    LEFT JOIN LATERAL (SELECT id, report_id, kind, detail FROM report_event
                       WHERE id > (SELECT $1::bigint) ORDER BY id LIMIT (SELECT $2::integer)) e ON true
    LEFT JOIN LATERAL (
        SELECT r.id, 'unjudged', r.status, r.tlp, r.attribution, r.source_display, r.origin_org,
               r.recipient_orgs, r.recipient_sectors,
               to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               to_char(r.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               r.shared_json, r.redactions_json, r.warnings_json, r.seq, r.reject_reason, o.body,
               coalesce(r.category, ''), coalesce(r.sector, ''),
               ARRAY(SELECT DISTINCT i.type FROM report_indicator i WHERE i.report_id = r.id)
        FROM report r LEFT JOIN report_original o ON o.report_id = r.id
        WHERE r.id = e.report_id OFFSET 0) f ON true
    ORDER BY e.id)"};
// Its columns after the report's.
constexpr std::size_t event_column = 20, horizon_column = 24;

#undef VARDE_READER
#undef VARDE_BATCH_READER
#undef VARDE_HEADER_COLUMNS_FOR
#undef VARDE_REPORT_COLUMNS_FOR
#undef VARDE_HEADER_COLUMNS
#undef VARDE_REPORT_COLUMNS
#undef VARDE_RELATED_FOR
#undef VARDE_VISIBLE_FOR
#undef VARDE_SUMMARY_COLUMNS
#undef VARDE_MEMBER_LIST
#undef VARDE_CANDIDATES
#undef VARDE_READER_STREAM
#undef VARDE_STREAM_BEFORE
#undef VARDE_LIST_FILTER
#undef VARDE_LIST_CONDITIONS
#undef VARDE_BEFORE
#undef VARDE_VISIBLE

std::vector<param> principal_params(domain::principal const& who) {
    return {who.org_slug, to_pg_array(who.org_sectors), std::string(domain::to_string(who.kind)),
            who.is_operator() ? "true" : "false"};
}

param optional_param(std::optional<std::string> const& v) { return v ? param(*v) : std::nullopt; }

// Takes the row by value: a caller done with its row moves it in, and the content (kilobytes
// per report, a hundred per list page) is moved rather than copied.
stored_report read_row(row r) {
    stored_report s;
    s.id = r.take_text(0);
    s.access = r.take_text(1);
    s.status = r.take_text(2);
    s.tlp = r.take_text(3);
    s.attribution = r.take_text(4);
    s.source_display = r.take_opt_text(5);
    s.origin_org = r.take_text(6);
    s.to = {r.text_array(7), r.text_array(8)};
    s.created_at = r.take_text(9);
    s.published_at = r.take_opt_text(10);
    s.shared_json = r.take_text(11);
    s.redactions_json = r.take_text(12);
    s.warnings_json = r.take_text(13);
    s.seq = r.int64(14);
    s.reject_reason = r.take_opt_text(15);
    s.original_body = r.take_opt_text(16);
    return s;
}

// A find_related_sql row (or find_many_related_sql's, whose position column follows): the
// report and, in the column after its columns, the related ids (NULL unless full access).
constexpr std::size_t related_column = 17;
report_with_related read_row_with_related(row r) {
    std::vector<std::string> related;
    if (!r.is_null(related_column)) related = r.text_array(related_column);  // before the row is moved
    return {read_row(std::move(r)), std::move(related)};
}

// Operators see every report: the seq walk reads no more than it returns for them.
statement const& list_statement(domain::principal const& who, bool summaries) {
    if (who.is_operator() || who.org_sectors.size() > list_sector_streams)
        return summaries ? list_summary_sql : list_sql;
    return summaries ? member_list_summary_sql : member_list_sql;
}

}  // namespace

std::string insert(tx& t, new_report const& r) {
    auto id = t.exec_one(insert_sql, {r.origin_org, r.submitted_by, r.tlp, to_pg_array(r.to.orgs),
                                      to_pg_array(r.to.sectors), r.status, r.attribution,
                                      optional_param(r.source_display), r.category, r.sector,
                                      r.country, r.first_seen, r.last_seen, r.shared_json,
                                      r.redactions_json, r.warnings_json})
                  .text(0);
    t.exec(insert_original_sql, {id, r.original_body, std::to_string(r.original_retention_days)});
    std::vector<std::string> types, values;
    for (auto const& [type, value] : r.indicators) {
        types.push_back(type);
        values.push_back(value);
    }
    if (!types.empty()) t.exec(insert_indicators_sql, {id, to_pg_array(types), to_pg_array(values)});
    if (r.status == "published") event_store::append(t, id, "report.published");
    return id;
}

namespace {

// The parameters of publish_batch_sql, one array per column.
std::vector<param> publish_batch_params(std::vector<new_report const*> const& reports,
                                        std::vector<audit_store::entry const*> const& audits) {
    std::vector<std::vector<std::string>> columns(18);
    std::vector<bool> source_null;
    std::vector<std::string> indicator_of, types, values;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        auto const& r = *reports[i];
        std::string const* texts[] = {&r.origin_org, &r.submitted_by, &r.tlp, nullptr, nullptr,
                                      &r.status, &r.attribution, nullptr, &r.category, &r.sector,
                                      &r.country, &r.first_seen, &r.last_seen, &r.shared_json,
                                      &r.redactions_json, &r.warnings_json, &r.original_body};
        for (std::size_t c = 0; c < std::size(texts); ++c)
            if (texts[c]) columns[c].push_back(*texts[c]);
        columns[3].push_back(to_pg_array(r.to.orgs));
        columns[4].push_back(to_pg_array(r.to.sectors));
        columns[7].push_back(r.source_display.value_or(""));
        source_null.push_back(!r.source_display);
        columns[17].push_back(std::to_string(r.original_retention_days));
        for (auto const& [type, value] : r.indicators) {
            indicator_of.push_back(std::to_string(i + 1));  // SQL arrays count from 1
            types.push_back(type);
            values.push_back(value);
        }
    }
    std::vector<param> params;
    for (std::size_t c = 0; c < columns.size(); ++c)
        params.push_back(c == 7 ? to_pg_array_with_nulls(columns[c], source_null) : to_pg_array(columns[c]));
    for (auto const* v : {&indicator_of, &types, &values}) params.push_back(to_pg_array(*v));
    std::vector<std::string> audit_columns[4];
    for (auto const* e : audits)
        for (auto [c, v] : {std::pair{0, &e->actor}, {1, &e->action}, {2, &e->subject_type}, {3, &e->detail_json}})
            audit_columns[c].push_back(*v);
    for (auto const& c : audit_columns) params.push_back(to_pg_array(c));
    return params;
}

}  // namespace

std::vector<inserted> publish_batch(tx& t, std::vector<new_report const*> const& reports,
                                    std::vector<audit_store::entry const*> const& audits) {
    std::vector<inserted> out;
    if (reports.empty()) return out;
    if (audits.size() != reports.size()) throw failure(error_kind::internal, "publish_batch: one audit entry per report");
    for (auto const& r : t.exec(publish_batch_sql, publish_batch_params(reports, audits)))
        out.push_back({r.text(0), r.int64(1), r.text(2), r.opt_text(3)});
    if (out.size() != reports.size()) throw failure(error_kind::internal, "publish_batch: rows lost");
    return out;
}

std::optional<stored_report> find(tx& t, std::string const& id, domain::principal const& who) {
    auto params = principal_params(who);
    params.push_back(id);
    auto r = t.exec_maybe(find_sql, params);
    if (!r) return std::nullopt;
    return read_row(std::move(*r));
}

std::vector<stored_report> list(tx& t, domain::principal const& who, list_filter const& f,
                                std::optional<std::int64_t> before_seq, std::size_t limit, bool summaries) {
    auto params = principal_params(who);
    for (auto const* v : {&f.tlp, &f.category, &f.sector, &f.indicator_type, &f.indicator_value,
                          &f.since, &f.until, &f.status})
        params.push_back(optional_param(*v));
    params.push_back(before_seq ? param(std::to_string(*before_seq)) : std::nullopt);
    params.push_back(std::to_string(limit));
    std::vector<stored_report> out;
    auto rows = t.exec(list_statement(who, summaries), params);
    out.reserve(rows.size());
    for (auto& r : rows) {
        out.push_back(read_row(std::move(r)));
        if (summaries) out.back().title = std::move(out.back().shared_json);
    }
    return out;
}

std::optional<report_with_related> find_with_related(tx& t, std::string const& id,
                                                     domain::principal const& who, std::size_t limit) {
    auto call = find_with_related_call(id, who, limit);
    return read_with_related(t.exec(call.s, call.params));
}

statement_call find_with_related_call(std::string const& id, domain::principal const& who, std::size_t limit) {
    auto params = principal_params(who);
    params.push_back(id);
    params.push_back(std::to_string(limit));
    return {find_related_sql, std::move(params)};
}

std::optional<report_with_related> read_with_related(std::vector<row> rows) {
    if (rows.empty()) return std::nullopt;
    if (rows.size() > 1) throw failure(error_kind::internal, "a report read returned more than one row");
    return read_row_with_related(std::move(rows.front()));
}

statement_call find_many_with_related_call(std::vector<report_read> const& reads, std::size_t limit) {
    std::vector<std::string> ids, orgs, sectors, kinds, operators;
    for (auto const& r : reads) {
        // The reader's $1..$4 of a one-read statement, one array each (sectors as an array
        // literal inside it, cast back to text[] per read).
        auto reader = principal_params(r.who);
        ids.push_back(r.id);
        orgs.push_back(std::move(*reader[0]));
        sectors.push_back(std::move(*reader[1]));
        kinds.push_back(std::move(*reader[2]));
        operators.push_back(std::move(*reader[3]));
    }
    return {find_many_related_sql,
            {to_pg_array(ids), to_pg_array(orgs), to_pg_array(sectors), to_pg_array(kinds), to_pg_array(operators),
             std::to_string(limit)}};
}

std::vector<std::optional<report_with_related>> read_many_with_related(std::vector<row> rows, std::size_t reads) {
    std::vector<std::optional<report_with_related>> out(reads);
    for (auto& r : rows) {
        auto const position = r.int64(read_position_column);
        if (position < 1 || static_cast<std::size_t>(position) > reads)
            throw failure(error_kind::internal, "a batched report read answered a read it was not asked");
        auto& slot = out[static_cast<std::size_t>(position) - 1];
        if (slot) throw failure(error_kind::internal, "a batched report read answered one read twice");
        slot = read_row_with_related(std::move(r));
    }
    return out;
}

std::vector<stored_report> oldest(tx& t, domain::principal const& who, std::string const& status,
                                  bool unreviewed_trusted_only, std::size_t limit) {
    auto params = principal_params(who);
    params.push_back(status);
    params.push_back(unreviewed_trusted_only ? "true" : "false");
    params.push_back(std::to_string(limit));
    std::vector<stored_report> out;
    for (auto& r : t.exec(oldest_sql, params)) out.push_back(read_row(std::move(r)));
    return out;
}

bool lock(tx& t, std::string const& id) { return t.exec_maybe(lock_sql, {id}).has_value(); }

std::int64_t purge_originals(tx& t) { return t.exec_one(purge_sql).int64(0); }

event_page events_after(tx& t, std::int64_t position, std::size_t limit) {
    auto rows = t.exec(events_after_sql, {std::to_string(position), std::to_string(limit)});
    if (rows.empty()) throw failure(error_kind::internal, "event_horizon has no row");
    event_page out{rows.front().int64(horizon_column), {}};
    std::map<std::string, std::shared_ptr<feed_report const>, std::less<>> reports;  // parsed once per page
    for (auto const& r : rows) {
        if (r.is_null(event_column)) continue;  // no event: the row carries the horizon only
        auto& e = out.events.emplace_back();
        e.event = {r.int64(event_column), r.text(event_column + 1), r.text(event_column + 2), r.text(event_column + 3)};
        if (r.is_null(0)) continue;
        auto& report = reports[r.text(0)];
        if (!report) report = std::make_shared<feed_report const>(feed_report{read_row(r), r.text(17), r.text(18), r.text_array(19)});
        e.report = report;
    }
    return out;
}

}  // namespace varde::store::report_store
