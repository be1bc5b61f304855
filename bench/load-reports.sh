#!/usr/bin/env bash
# Bulk-loads reports into a Varde database for the list scenario (bench/README.md), not
# through the API, and optionally shows how PostgreSQL runs the node's list query over them.
#
#   bench/load-reports.sh --db URL --count N --template REPORT_ID [--plan FILE]
#
# --template: a report the node published (its stored JSON is the model of every row).
# Loads N rows with bench/load-reports.sql (INSERT ... SELECT generate_series, one
# transaction), then ANALYZE. With --plan, writes to FILE the EXPLAIN (ANALYZE, BUFFERS) of
# the node's list query for a member (a copy of member_list_sql in
# server/src/store/report_store.cpp, prepared like libpqxx prepares it, jit off as on the node's
# connections) for bob (fjordbank, sector finance, a person), limit 101, at the
# first page, a middle page and the last page, as custom plans (the planner sees the cursor)
# and as the generic plan (what a prepared statement may switch to after five executions),
# and which one PostgreSQL picks by itself after warming up like a node connection.
# Prints one JSON line: rows loaded, seconds, rows visible to bob, table size, plan times.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db="" count="" template="" plan=""
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --template) template=$2; shift 2 ;;
    --plan) plan=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "load-reports.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$db" ] && [ -n "$count" ] && [ -n "$template" ] || { sed -n '2,16p' "$0" >&2; exit 2; }
case "$count" in ''|*[!0-9]*) echo "load-reports.sh: --count must be a number" >&2; exit 2 ;; esac

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$db" "$@"; }

start=$(date +%s%N)
q -v count="$count" -v template="$template" -f "$here/load-reports.sql" >/dev/null
load_s=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')

# bob's view of the table: what the list query filters with (report_access = 'full').
bob_access="report_access(origin_org, tlp, recipient_orgs, recipient_sectors, status, 'fjordbank', '{finance}', 'person', false) = 'full'"
read -r total visible size < <(q -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE $bob_access),
  pg_total_relation_size('report') FROM report")

plan_json='null'
if [ -n "$plan" ]; then
  # Cursors (seq values, as the node decodes them) for a middle and the last page of bob's list.
  read -r mid last < <(q -F ' ' -c "SELECT (SELECT seq FROM report WHERE $bob_access ORDER BY seq DESC OFFSET $(( visible / 2 )) LIMIT 1),
                                            (SELECT seq FROM report WHERE $bob_access ORDER BY seq DESC OFFSET $(( visible > 50 ? visible - 50 : 0 )) LIMIT 1)")
  # member_list_sql of server/src/store/report_store.cpp (what a member's list runs), macros
  # expanded; keep the two in step.
  prepare="PREPARE report_list AS $(cat <<'SQL'
SELECT r.id, report_access(r.origin_org, r.tlp, r.recipient_orgs, r.recipient_sectors, r.status, $1, $2::text[], $3, $4::boolean), r.status, r.tlp, r.attribution, r.source_display, r.origin_org, r.recipient_orgs, r.recipient_sectors, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(r.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), r.shared_json, r.redactions_json, r.warnings_json, r.seq, r.reject_reason , NULL FROM (SELECT DISTINCT ON (c.seq) c.seq FROM (   (SELECT o.seq FROM report_reader o WHERE o.reader = (SELECT 'origin:' || $1::text)    AND o.seq < (SELECT coalesce($13::bigint, 9223372036854775807)) ORDER BY o.seq DESC) UNION ALL (SELECT s.seq FROM report s WHERE s.status = 'published' AND s.tlp IN ('CLEAR', 'GREEN')   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN ('CLEAR', 'GREEN'))   AND s.seq < (SELECT coalesce($13::bigint, 9223372036854775807)) ORDER BY s.seq DESC) UNION ALL (SELECT rr.seq FROM report_reader rr WHERE rr.reader = (SELECT 'org:' || $1)   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN ('AMBER', 'AMBER+STRICT', 'RED'))   AND rr.seq < (SELECT coalesce($13::bigint, 9223372036854775807)) ORDER BY rr.seq DESC) UNION ALL (SELECT rr.seq FROM report_reader rr WHERE rr.reader = (SELECT 'sector:' || ($2::text[])[1])   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN ('AMBER'))   AND rr.seq < (SELECT coalesce($13::bigint, 9223372036854775807)) ORDER BY rr.seq DESC) UNION ALL (SELECT rr.seq FROM report_reader rr WHERE rr.reader = (SELECT 'sector:' || ($2::text[])[2])   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN ('AMBER'))   AND rr.seq < (SELECT coalesce($13::bigint, 9223372036854775807)) ORDER BY rr.seq DESC) UNION ALL (SELECT rr.seq FROM report_reader rr WHERE rr.reader = (SELECT 'sector:' || ($2::text[])[3])   AND ($12::text IS NULL OR $12 = 'published') AND ($5::text IS NULL OR $5 IN ('AMBER'))   AND rr.seq < (SELECT coalesce($13::bigint, 9223372036854775807)) ORDER BY rr.seq DESC)) AS c ORDER BY c.seq DESC) AS cand CROSS JOIN LATERAL (SELECT * FROM report r WHERE r.seq = cand.seq AND report_access(r.origin_org, r.tlp, r.recipient_orgs, r.recipient_sectors, r.status, $1, $2::text[], $3, $4::boolean) = 'full' AND ($5::text IS NULL OR r.tlp = $5) AND ($6::text IS NULL OR r.category = $6) AND ($7::text IS NULL OR r.sector = $7) AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM report_indicator i WHERE i.report_id = r.id      AND i.type = $8 AND ($9::text IS NULL OR i.value = $9))) AND ($10::timestamptz IS NULL OR r.created_at >= $10::timestamptz) AND ($11::timestamptz IS NULL OR r.created_at < $11::timestamptz) AND ($12::text IS NULL OR r.status = $12) AND r.seq < coalesce($13::bigint, 9223372036854775807) OFFSET 0) AS r ORDER BY cand.seq DESC LIMIT $14::integer;
SQL
)"
  args() { echo "('fjordbank', '{finance}', 'person', 'false', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, $1, 101)"; }
  explain() { echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE report_list$(args "$1");"; }
  {
    echo "SET jit = off;"
    echo "$prepare"
    for mode in force_custom_plan force_generic_plan; do
      echo "SET plan_cache_mode = $mode;"
      for page in "first NULL" "middle $mid" "last $last"; do
        set -- $page
        echo "\\echo === $mode, $1 page (cursor $2) ==="
        explain "$2"
      done
    done
    # What a node's connection gets: plan_cache_mode auto, after five executions.
    echo "SET plan_cache_mode = auto;"
    echo "DEALLOCATE report_list;"
    echo "$prepare"
    for c in NULL "$mid" NULL "$mid" "$last" NULL; do echo "EXECUTE report_list$(args "$c") \\g /dev/null"; done
    echo "\\echo === auto (as a node connection after 6 pages), last page (cursor $last) ==="
    explain "$last"
    echo "\\echo === auto, first page ==="
    explain NULL
  } >"$plan.sql"
  {
    echo "-- bob's list query (member_list_sql, server/src/store/report_store.cpp) over $total reports, $visible visible to bob"
    echo "-- generated by bench/load-reports.sh; every statement is echoed before its output"
    psql -X -e -v ON_ERROR_STOP=1 "$db" -f "$plan.sql" 2>&1
  } >"$plan"
  # Execution times in the order written: custom first/middle/last, generic first/middle/last, auto last/first.
  plan_json=$(grep -o 'Execution Time: [0-9.]*' "$plan" | awk '{print $3}' | jq -sc \
    '{custom_ms: {first: .[0], middle: .[1], last: .[2]}, generic_ms: {first: .[3], middle: .[4], last: .[5]},
      auto_after_warmup_ms: {last: .[6], first: .[7]}}')
fi

jq -nc --argjson loaded "$count" --argjson total "$total" --argjson visible "$visible" --argjson size "$size" \
  --argjson load_s "$load_s" --argjson plan "$plan_json" \
  '{scenario: "load_reports", ops: $loaded, errors: 0, seconds: ($load_s * 1000 | round / 1000),
    ops_per_s: (if $load_s > 0 then ($loaded / $load_s | round) else 0 end),
    reports_total: $total, visible_to_bob: $visible,
    visible_fraction: (if $total > 0 then ($visible / $total * 10000 | round / 10000) else 0 end),
    table_mib: ($size / 1048576 | round), list_plan: $plan,
    op: "one report row inserted (INSERT ... SELECT generate_series, then ANALYZE)"}'
