#!/usr/bin/env bash
# Writes results.json and RESULTS.md from one bench/run.sh run.
#   write-results.sh RESULTS.tsv REFERENCES.json MACHINE.json OUT_DIR
# RESULTS.tsv: one line per scenario run, "<command>\t<varde-bench JSON line>", the JSON with
# "name" (the scenario line, e.g. publish_16) and "run" added by run.sh.
set -euo pipefail
tsv=$1 refs=$2 machine=$3 out=$4

# Scenarios in the order they ran, each with its runs and, for every numeric figure, the
# median, min and max over the runs (the write-up shows the medians).
scenarios=$(while IFS=$'\t' read -r cmd line; do
  jq -c --arg cmd "$cmd" '{command: $cmd, result: .}' <<<"$line"
done <"$tsv" | jq -s '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def over($runs; f): reduce ($runs[0] | to_entries[] | select(.value | type == "number") | .key) as $k
    ({}; . + {($k): ([$runs[][$k] | select(type == "number")] | f)});
  . as $all
  | reduce ($all[] | .result.name // .result.scenario) as $n ([]; if any(.[]; . == $n) then . else . + [$n] end)
  | map(. as $n | ($all | map(select((.result.name // .result.scenario) == $n))) as $g
        | ($g | map(.result)) as $runs
        | {name: $n, command: $g[0].command, runs: $runs,
           median: over($runs; median), min: over($runs; min), max: over($runs; max)})')
jq -n --argjson machine "$(cat "$machine")" --argjson scenarios "$scenarios" --argjson refs "$(cat "$refs")" \
  '{machine: $machine, scenarios: $scenarios, references: $refs}' >"$out/results.json"

# One row per scenario line: the figure that matters first (median of the runs, with min-max),
# then latency, node CPU and errors (medians too; errors: the sum over the runs).
rows=$(jq -r 'def r: if type == "number" then (. * 10 | round) / 10 else . end;
  def mib: if type == "number" then (. / 1024 | round) else . end;
  .scenarios[] | .name as $name | .command as $c | (.runs | length) as $n |
  (.runs[0] + .median) as $r | .min as $lo | .max as $hi |
  ([.runs[].errors // 0] | add) as $errs |
  def range($k): if $n > 1 then " (median of \($n); \($lo[$k] | r)–\($hi[$k] | r))" else "" end;
  def lat: " p50 \($r.p50_ms) / p90 \($r.p90_ms) / p99 \($r.p99_ms) / max \($r.max_ms) ms;";
  def cpu: " node CPU \($r.node_cpu_ms_per_op) ms/op\(if $r.db_cpu_ms_per_op then ", PostgreSQL \($r.db_cpu_ms_per_op) ms/op" else "" end); busy cores: node \($r.node_cpu_util)\(if $r.db_cpu_util then ", PostgreSQL \($r.db_cpu_util)" else "" end), varde-bench \($r.bench_cpu_util)\(if $r.machine_busy_cores then ", the machine \($r.machine_busy_cores) of \($r.machine_cores)" else "" end); errors \($errs)";
  (if any(.runs[]; .failed == true) then "FAILED (\([.runs[] | select(.failed == true)] | length) of \($n) runs)"
   elif $r.scenario == "fanout" then
     "\($r.ops_per_s | r) deliveries/s\(range("ops_per_s")) (\($r.subscribers) subscribers, \($r.published) reports at \($r.rate_per_s)/s from \($r.publishers // 1) publisher(s)); publish-to-delivery" + lat + cpu
   elif $r.scenario == "idle" then
     "\($r.kib_per_connection) KiB of node memory per idle subscriber\(range("kib_per_connection")) (\($r.open_at_end) WebSocket streams held \($r.hold_s) s; node VmRSS \($r.node_rss_before_kib | mib) MiB before, \($r.node_rss_open_kib | mib) MiB with them open); set up at \($r.connects_per_s) connections/s; \($r.pings_answered) pings answered; failed \($r.subscribers_failed), closed early \($r.closed_early); errors \($errs)"
   elif $r.scenario == "load_reports" then
     "\($r.ops) reports loaded in \($r.seconds) s (\($r.ops_per_s) rows/s, \($r.table_mib) MiB); bob sees \($r.visible_to_bob) of \($r.reports_total) (\($r.visible_fraction * 100 | r) %)"
     + (if $r.list_plan then "; bob'"'"'s list query (EXPLAIN ANALYZE, list-plan.txt), first / middle / last page: custom plan \($r.list_plan.custom_ms.first) / \($r.list_plan.custom_ms.middle) / \($r.list_plan.custom_ms.last) ms, generic plan \($r.list_plan.generic_ms.first) / \($r.list_plan.generic_ms.middle) / \($r.list_plan.generic_ms.last) ms" else "" end)
   elif $r.scenario == "publish" and $r.rate_per_s then
     "p99 \($r.p99_ms) ms\(range("p99_ms")) at \($r.rate_per_s) publishes/s offered (\($r.ops_per_s | r)/s done, \($r.publishers) connections, latency from the scheduled time, \($r.late_starts) late starts);" + lat + cpu
   elif $r.scenario == "list" and $r.rate_per_s then
     "p99 \($r.p99_ms) ms\(range("p99_ms")) at \($r.rate_per_s) pages/s offered (\($r.ops_per_s | r)/s done, \($r.connections) connections, latency from the scheduled time, \($r.late_starts) late starts);" + lat + cpu
   elif $r.scenario == "handshakes" then
     "\($r.ops_per_s | r) ops/s\(range("ops_per_s")) (\($r.connections) connections; \($r.resumed) of \($r.sessions_offered) offered sessions resumed);" + lat + cpu
   elif $r.scenario == "requests" then
     "\($r.ops_per_s | r) ops/s\(range("ops_per_s")) (\($r.connections) connections, \($r.client // "blocking") client; varde-bench alone ≈ \($r.bench_capacity_ops_per_s // "n/a") req/s on one core);" + lat + cpu
   else
     "\($r.ops_per_s | r) ops/s\(range("ops_per_s")) (\($r.connections // $r.publishers) connections);" + lat + cpu
   end) as $fig |
  "| \($name) | \($fig) | `\($c)` |"' "$out/results.json")
ref_rows=$(jq -r '.references |
  "| reference: ECDSA P-256 (one core) | \(.openssl_ecdsap256.sign_per_s // "n/a") signs/s, \(.openssl_ecdsap256.verify_per_s // "n/a") verifies/s | `openssl speed -seconds 3 ecdsap256` |",
  "| reference: PostgreSQL report-shaped INSERTs | \(.pgbench_insert_report.tps // "n/a" | if type == "number" then round else . end) tps, average latency \(.pgbench_insert_report.latency_avg_ms // "n/a") ms | `pgbench -n -c 16 -j 2 -T 10 -f pgbench-insert.sql` (bench/references.sh) |",
  "| reference: fsync latency of the PostgreSQL data directory'"'"'s filesystem | \(.pg_test_fsync.fdatasync_per_s // "n/a" | if type == "number" then round else . end) fdatasync/s, \(.pg_test_fsync.fdatasync_us // "n/a") µs each (one 8 kB write; a durable commit waits for one, so this bounds one sequential publisher) | `pg_test_fsync -s 2 -f <beside the data directory>` (bench/references.sh) |"' \
  "$out/results.json")
# nginx + wrk and Node.js ws (bench/reference/README.md): a row per run, "n/a" when it failed.
ref_rows2=$(jq -r 'def r: if type == "number" then (. * 10 | round) / 10 else . end;
  def lat: "p50 \(.p50_ms) / p90 \(.p90_ms) / p99 \(.p99_ms) ms";
  def errs: (.errors | [.[]] | add);
  def failed($what): "| reference: \($what) | n/a (failed or not run; see the run log) | `bench/references.sh` |";
  .references as $x |
  ($x.nginx_wrk // null) as $n |
  (if $n == null then failed("nginx + wrk, mutual TLS") else
    ($n.keepalive | if . == null then failed("nginx, mutual TLS, keep-alive") else
      "| reference: \($n.nginx), mutual TLS, keep-alive (1 worker on CPU 0; \($n.tls)) | \(.req_per_s | r) req/s (8 connections); \(lat); nginx CPU \(.cpu_us_per_req | r) µs/req; busy cores: nginx \(.nginx_cpu_util), wrk \(.wrk_cpu_util); errors \(errs) | `\(.command)` (server: `\($n.server_command)`) |" end),
    ($n.new_connection | if . == null then failed("nginx, mutual TLS, new connection per request") else
      "| reference: \($n.nginx), mutual TLS, a new connection (full handshake) per request | \(.req_per_s | r) handshakes/s (8 connections); \(lat); nginx CPU \(.cpu_ms_per_handshake) ms/handshake; busy cores: nginx \(.nginx_cpu_util), wrk \(.wrk_cpu_util); errors \(errs) | `\(.command)` |" end)
  end),
  ($x.node_ws_fanout // null) as $w |
  (if $w == null then failed("Node.js ws fan-out") else
    ([["at_scenario_rate", "same size as fanout"], ["high_rate", "high rate"]][] as [$k, $what] |
      $w[$k] as $run |
      if $run == null then failed("Node.js \($w.node) ws \($w.ws) fan-out, \($what)") else
        $run.result as $res |
        "| reference: Node.js \($w.node) ws \($w.ws) fan-out over mutual TLS, \($what) (1 process on CPU 0; \($w.frame_bytes) B frames) | \($res.ops_per_s | r) deliveries/s (\($res.subscribers) subscribers, \($res.published) reports at \($res.rate_per_s)/s offered, \($run.publish_rate_reached)/s reached over \($res.seconds) s); publish-to-delivery p50 \($res.p50_ms) / p90 \($res.p90_ms) / p99 \($res.p99_ms) / max \($res.max_ms) ms; server CPU \($res.node_cpu_ms_per_op) ms/delivery, ≈ \($run.deliveries_per_core_s // "n/a") deliveries/s per core; busy cores: node \($res.node_cpu_util), varde-bench \($res.bench_cpu_util); errors \($res.errors) | `\($run.command)` (server: `\($w.server_command)`) |" end)
  end),
  (if $w == null then empty elif $w.idle == null then failed("Node.js ws, idle subscribers") else
    $w.idle.result as $res |
    "| reference: Node.js \($w.node) ws \($w.ws), idle mutual-TLS WebSocket subscribers (a fresh process on CPU 0) | \($res.kib_per_connection) KiB of server memory per idle subscriber (\($res.open_at_end) held \($res.hold_s) s; VmRSS \($res.node_rss_before_kib / 1024 | r) MiB before, \($res.node_rss_open_kib / 1024 | r) MiB with them open); failed \($res.subscribers_failed), closed early \($res.closed_early) | `\($w.idle.command)` |" end),
  ($x.send_floor // null) as $f |
  (if $f == null then failed("the kernel'"'"'s send floor") else
    ([["at_scenario_rate", "at the fanout scenario'"'"'s rate"], ["saturated", "as fast as it goes"]][] as [$k, $what] |
      $f[$k] as $run |
      if $run == null then failed("send floor, \($what)") else
        "| reference: the kernel alone, one send() of \($run.bytes) B per connection and round, \($what) (sender on CPU 0, receiver on CPU 1; no TLS, no WebSocket) | \($run.cpu_us_per_send) µs of sender CPU per send (system \($run.sys_us_per_send), user \($run.user_us_per_send)); \($run.sends) sends to \($run.connections) connections at \($run.rate_per_s) rounds/s offered, in \($run.seconds) s | `\($run.command)` (bench/references.sh) |" end)
  end)' "$out/results.json")
m() { jq -r ".machine.$1" "$out/results.json"; }

cat >"$out/RESULTS.md" <<MD
# Benchmark results

Written by \`bench/run.sh\` on $(m date) (commit $(m commit), $(m elapsed_s) s including build).
What each scenario measures and how CPU per op is computed: \`bench/README.md\`. Raw figures:
\`bench/results.json\`.

Machine: $(m nproc) CPUs, $(m cpu), $(m mem_total) memory, Linux $(m kernel); load average
before the run $(m loadavg_before) (other work on the machine competes with the benchmark).
Pinning: $(m pinning) (PostgreSQL is not pinned and competes with both). Everything runs on
one machine over loopback, so these are figures for this machine, not for a deployment.
Each scenario line ran $(jq -r '[.scenarios[].runs | length] | max' "$out/results.json") time(s); a figure is the median over its runs (min–max in brackets).

| scenario | figure | command |
| --- | --- | --- |
$(printf '%s\n' "$rows" "$ref_rows" "$ref_rows2" | sed '/^$/d')
MD
