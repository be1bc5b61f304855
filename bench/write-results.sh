#!/usr/bin/env bash
# Writes results.json and RESULTS.md from one bench/run.sh run.
#   write-results.sh RESULTS.tsv REFERENCES.json MACHINE.json OUT_DIR
# RESULTS.tsv: one line per scenario, "<command>\t<varde-bench JSON line>".
set -euo pipefail
tsv=$1 refs=$2 machine=$3 out=$4

scenarios=$(while IFS=$'\t' read -r cmd line; do
  jq -c --arg cmd "$cmd" '{command: $cmd, result: .}' <<<"$line"
done <"$tsv" | jq -s .)
jq -n --argjson machine "$(cat "$machine")" --argjson scenarios "$scenarios" --argjson refs "$(cat "$refs")" \
  '{machine: $machine, scenarios: $scenarios, references: $refs}' >"$out/results.json"

# One row per scenario: the figure that matters first, then latency, node CPU and errors.
rows=$(jq -r 'def r: if type == "number" then (. * 10 | round) / 10 else . end;
  .scenarios[] | .result as $r | .command as $c |
  (if $r.failed then "FAILED" else
    (if $r.scenario == "fanout"
       then "\($r.ops_per_s | r) deliveries/s (\($r.subscribers) subscribers, \($r.published) reports at \($r.rate_per_s)/s); publish-to-delivery"
       else "\($r.ops_per_s | r) ops/s (\($r.connections // $r.publishers) connections);" end)
    + " p50 \($r.p50_ms) / p90 \($r.p90_ms) / p99 \($r.p99_ms) / max \($r.max_ms) ms;"
    + " node CPU \($r.node_cpu_ms_per_op) ms/op; busy cores: node \($r.node_cpu_util), varde-bench \($r.bench_cpu_util); errors \($r.errors)" end) as $fig |
  "| \($r.scenario) | \($fig) | `\($c)` |"' "$out/results.json")
ref_rows=$(jq -r '.references |
  "| reference: ECDSA P-256 (one core) | \(.openssl_ecdsap256.sign_per_s // "n/a") signs/s, \(.openssl_ecdsap256.verify_per_s // "n/a") verifies/s | `openssl speed -seconds 3 ecdsap256` |",
  "| reference: PostgreSQL report-shaped INSERTs | \(.pgbench_insert_report.tps // "n/a" | if type == "number" then round else . end) tps, average latency \(.pgbench_insert_report.latency_avg_ms // "n/a") ms | `pgbench -n -c 16 -j 2 -T 10 -f pgbench-insert.sql` (bench/references.sh) |"' \
  "$out/results.json")
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

| scenario | figure | command |
| --- | --- | --- |
$rows
$ref_rows
MD
