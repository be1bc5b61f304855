#!/usr/bin/env bash
# Runs the Varde benchmarks (bench/README.md) against a private node and PostgreSQL.
#
#   bench/run.sh            build Release into build-bench/, run every scenario at the sizes
#                           below (env), the machine references, and write bench/RESULTS.md
#                           and bench/results.json
#   bench/run.sh --smoke --build-dir DIR --bench-bin F --node-bin F
#                           (CTest bench.smoke) reuse built binaries, ~2 s per scenario at
#                           tiny sizes, one run each, write only under DIR/bench-smoke, fail
#                           unless every scenario has ops > 0 and errors == 0
#
# Runs (env): BENCH_RUNS (3; smoke 1): each scenario runs that many times, the write-up gives
# the median. Sizes (env): BENCH_DURATION (s, 20), BENCH_REQ_CONNECTIONS (64),
# BENCH_HS_CONNECTIONS (4), BENCH_PUB_CONCURRENCY (publishers per publish_N line, "1 16 64"),
# BENCH_PUB_RATE (publishes/s of publish_rate, 100) with BENCH_PUB_RATE_CONNECTIONS (8),
# BENCH_LIST_REPORTS (reports bulk-loaded before list, 1000000), BENCH_LIST_CONNECTIONS (4),
# BENCH_LIST_RATE (pages/s offered in list_rate, full pages at a fixed rate, 400),
# BENCH_FANOUT_SUBSCRIBERS (1000), BENCH_FANOUT_RATE (reports/s, 10),
# BENCH_IDLE_CONNECTIONS (10000), BENCH_IDLE_HOLD (s, 40). Ports: BENCH_PG_PORT (55470;
# smoke 55471), BENCH_NODE_PORT (55490; smoke 55491). With 2+ CPUs the node is pinned to
# CPU 0 and varde-bench (and the references) to CPU 1; PostgreSQL is not pinned.
# BENCH_ONLY ("list list_summary", names as in RESULTS.md): run only those scenarios, no
# references, and write the write-up under the build directory, not bench/ (for development).
# The node and PostgreSQL are stopped on every exit (trap). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

smoke=0 build_dir="" bench_bin="" node_bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; shift ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --bench-bin) bench_bin=$2; shift 2 ;;
    --node-bin) node_bin=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ "$smoke" = 1 ]; then
  build_dir=${build_dir:?--smoke needs --build-dir}
  work=$build_dir/bench-smoke out_dir=$build_dir/bench-smoke
  pg_port=${BENCH_PG_PORT:-55471} node_port=${BENCH_NODE_PORT:-55491}
  duration=2 req_n=2 hs_n=1 pub_ns="1 2" pub_rate=20 pub_rate_n=2 list_reports=2000 list_n=1 list_rate=20
  fan_subs=8 fan_rate=5 burst_rate=20 burst_pubs=4 idle_n=50 idle_hold=3 runs=1
  # The idle node pings after 1 s and closes after 2 s without a pong: the smoke sees pongs.
  idle_node_args=(--stream_idle_timeout_s 2)
else
  build_dir=${build_dir:-$root/build-bench}
  work=$build_dir/bench-run out_dir=$root/bench
  pg_port=${BENCH_PG_PORT:-55470} node_port=${BENCH_NODE_PORT:-55490}
  duration=${BENCH_DURATION:-20} req_n=${BENCH_REQ_CONNECTIONS:-64} hs_n=${BENCH_HS_CONNECTIONS:-4}
  pub_ns=${BENCH_PUB_CONCURRENCY:-1 16 64} pub_rate=${BENCH_PUB_RATE:-100}
  pub_rate_n=${BENCH_PUB_RATE_CONNECTIONS:-8}
  list_reports=${BENCH_LIST_REPORTS:-1000000} list_n=${BENCH_LIST_CONNECTIONS:-4}
  list_rate=${BENCH_LIST_RATE:-400}
  fan_subs=${BENCH_FANOUT_SUBSCRIBERS:-1000} fan_rate=${BENCH_FANOUT_RATE:-10}
  # fanout_burst: a campaign, many members publishing at once, more than the node can fan out.
  burst_rate=${BENCH_BURST_RATE:-400} burst_pubs=${BENCH_BURST_PUBLISHERS:-8}
  idle_n=${BENCH_IDLE_CONNECTIONS:-10000} idle_hold=${BENCH_IDLE_HOLD:-40} runs=${BENCH_RUNS:-3}
  idle_node_args=()
fi
only=${BENCH_ONLY:-}
wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
[ -z "$only" ] || out_dir=$work
mkdir -p "$work"
if [ "$out_dir" = "$work" ]; then out_dir=$(cd "$work" && pwd); fi   # BENCH_ONLY: one spelling of one directory
work=$(cd "$work" && pwd)
pg_dir=$work/pg
pki=$work/pki
db=varde_bench
began=$(date +%s)

log() { echo "bench: $*" >&2; }

# A tool the script needs; installed with apt-get when missing and we are root.
need() {
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || { echo "run.sh: $1 is missing (apt-get install $2)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need jq jq
need curl curl
need taskset util-linux

# --- pinning: node on CPU 0, load generator on CPU 1 (only with 2+ CPUs) ---
if [ "$(nproc)" -ge 2 ]; then
  pin_node=(taskset -c 0) pin_load=(taskset -c 1)
else
  pin_node=() pin_load=()
fi

# --- binaries ---
if [ -z "$bench_bin" ] || [ -z "$node_bin" ]; then
  log "building Release into $build_dir"
  "$root/scripts/build.sh" "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVARDE_BUILD_TESTS=OFF -DVARDE_BUILD_BENCH=ON
  bench_bin=$build_dir/bench/varde-bench
  node_bin=$build_dir/server/src/app/varde-node
fi

# --- cleanup on every exit ---
node_pid=""
cleanup() {
  local status=$?
  for p in ${ref_pids:-}; do kill -TERM "$p" 2>/dev/null || true; done   # nginx, node (references.sh)
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$node_pid" 2>/dev/null || true
  fi
  rm -f "$work/node.pid"
  "$root/scripts/pg-cluster.sh" stop "$pg_dir" || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A node left by a run that was killed outright (SIGKILL skips the trap; a leftover
# PostgreSQL is reused by pg-cluster.sh and stopped by this run's trap).
if [ -f "$work/node.pid" ]; then
  old=$(cat "$work/node.pid")
  if grep -qs varde-node "/proc/$old/cmdline"; then kill -TERM "$old" 2>/dev/null || true; sleep 1; fi
  rm -f "$work/node.pid"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- PKI, PostgreSQL, database ---
"$root/certs/make-dev-pki.sh" --out "$pki" >/dev/null
"$root/scripts/pg-cluster.sh" start "$pg_dir" "$pg_port"
admin_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
db_url="postgresql://postgres@127.0.0.1:$pg_port/$db"
psql -qX "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
# The postmaster: each scenario also reports the cluster's CPU time (varde-bench --db-pid).
db_pid=$(head -1 "$pg_dir/data/postmaster.pid")

# --- the node ---
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"   # 1000 subscribers need fds
# idle: the node and varde-bench each hold one descriptor per connection, plus a few hundred.
fd_limit=$(ulimit -n)
if [ "$fd_limit" != unlimited ] && [ "$idle_n" -gt $(( fd_limit - 500 )) ]; then
  log "open-file limit $fd_limit: idle lowered from $idle_n to $(( fd_limit - 500 )) connections"
  idle_n=$(( fd_limit - 500 ))
fi
export VARDE_DATABASE_URL=$db_url VARDE_TLS_CERTIFICATE=$pki/server.pem \
       VARDE_TLS_PRIVATE_KEY=$pki/server.key VARDE_TLS_CLIENT_CA=$pki/member-ca.pem
VARDE_PSEUDONYM_SECRET=$(openssl rand -hex 32)
export VARDE_PSEUDONYM_SECRET
"$node_bin" migrate >"$work/migrate.log" 2>&1
"$node_bin" admin seed --file "$root/examples/members.json" --pki-dir "$pki" >"$work/seed.log" 2>&1
curl_as() { curl -sf --cacert "$pki/member-ca.pem" --cert "$pki/$1.pem" --key "$pki/$1.key" "https://127.0.0.1:$node_port$2" "${@:3}"; }
# start_node [EXTRA SERVE ARGS...]: the node, pinned, waiting until it answers. max_connections
# leaves room for the idle scenario's subscribers (the default is 10 000).
start_node() {
  "${pin_node[@]}" "$node_bin" serve --listen_address 127.0.0.1 --port "$node_port" --rate_per_s 0 \
    --max_connections $(( idle_n + 1000 )) --log_level warn "$@" 2>>"$work/node.log" &
  node_pid=$!
  echo "$node_pid" >"$work/node.pid"
  for _ in $(seq 150); do curl_as bob /v1/whoami >/dev/null 2>&1 && break; sleep 0.2; done
  curl_as bob /v1/whoami >/dev/null || { log "the node did not come up; see $work/node.log"; exit 1; }
  log "node pid $node_pid on 127.0.0.1:$node_port, PostgreSQL on 127.0.0.1:$pg_port"
}
stop_node() {   # SIGTERM, then SIGKILL after 20 s (the trap does the same on exit)
  kill -TERM "$node_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$node_pid" 2>/dev/null || true
  wait "$node_pid" 2>/dev/null || true
}
: >"$work/node.log"
start_node

# --- scenarios: one JSON line per run, with its command, into results.tsv ---
# Each line gets "name" (the scenario line of the write-up, e.g. publish_16) and "run" (1..runs).
results=$work/results.tsv
: >"$results"
failed=0 expected=0
record() {   # record NAME RUN COMMAND JSON
  printf '%s\t%s\n' "$3" "$(jq -c --arg name "$1" --argjson run "$2" '. + {name: $name, run: $run}' <<<"$4")" >>"$results"
}
scenario() {   # scenario NAME RUN SUBCOMMAND ARGS...
  local name=$1 run=$2 sub=$3; shift 3
  local cmd=(varde-bench "$sub" --url "https://127.0.0.1:$node_port" --pki "$pki" --node-pid "$node_pid"
             --db-pid "$db_pid" "$@")
  local shown="${pin_load[*]} ${cmd[*]}"
  shown=${shown//$root\//}   # paths under the checkout, relative to it
  shown=${shown# }
  log "running ($name, run $run of $runs): $shown"
  local line
  if line=$("${pin_load[@]}" "$bench_bin" "${cmd[@]:1}" 2>>"$work/bench.stderr"); then
    record "$name" "$run" "$shown" "$line"
    echo "$line"
  else
    log "$name failed (see $work/bench.stderr)"
    record "$name" "$run" "$shown" "{\"scenario\":\"$sub\",\"ops\":0,\"errors\":1,\"failed\":true}"
    failed=1
  fi
}
repeat() {   # repeat NAME SUBCOMMAND ARGS...: the scenario, $runs times in a row
  local name=$1; shift
  wanted "$name" || return 0
  expected=$(( expected + runs ))
  for r in $(seq "$runs"); do scenario "$name" "$r" "$@"; done
}

repeat requests requests --duration "$duration" --connections "$req_n"
repeat handshakes handshakes --duration "$duration" --connections "$hs_n"
repeat handshakes_resumed handshakes --duration "$duration" --connections "$hs_n" --resume
for n in $pub_ns; do
  repeat "publish_$n" publish --duration "$duration" --connections "$n"
done
repeat publish_rate publish --duration "$duration" --connections "$pub_rate_n" --rate "$pub_rate"

# list pages through a large set loaded straight into the database (bench/load-reports.sh),
# each row made from a report the node published itself; once, before every list run.
if wanted list || wanted list_summary || wanted list_rate; then
log "loading $list_reports reports for list (bench/load-reports.sh)"
template_id=$(curl_as alice /v1/reports -X POST -H 'content-type: application/json' \
  --data-binary @"$root/examples/apt10-remote-access-intrusion.json" | jq -r .id)
expected=$(( expected + 1 ))
load_cmd=(bench/load-reports.sh --db "$db_url" --count "$list_reports" --template "$template_id" --plan "$work/list-plan.txt")
load_shown="${load_cmd[*]}"
load_shown=${load_shown//$root\//}
if line=$("$root/${load_cmd[0]}" "${load_cmd[@]:1}" 2>>"$work/bench.stderr"); then
  record load_reports 1 "$load_shown" "$line"
  echo "$line"
  [ "$smoke" = 1 ] || [ "$out_dir" = "$work" ] || cp "$work/list-plan.txt" "$out_dir/list-plan.txt"
else
  log "load-reports.sh failed (see $work/bench.stderr)"
  record load_reports 1 "$load_shown" '{"scenario":"load_reports","ops":0,"errors":1,"failed":true}'
  failed=1
fi
fi
repeat list list --duration "$duration" --connections "$list_n"
repeat list_summary list --duration "$duration" --connections "$list_n" --view summary
repeat list_rate list --duration "$duration" --connections "$list_n" --rate "$list_rate"
repeat fanout fanout --duration "$duration" --connections "$fan_subs" --rate "$fan_rate"
repeat fanout_burst fanout --duration "$duration" --connections "$fan_subs" --rate "$burst_rate" --publishers "$burst_pubs"

# idle: memory per idle subscriber, each run on a freshly started node so that its resident
# memory before the connections is the node's own and not the heap earlier runs left behind.
wanted idle && expected=$(( expected + runs ))
wanted idle && for r in $(seq "$runs"); do
  stop_node
  start_node "${idle_node_args[@]}"
  scenario idle "$r" idle --connections "$idle_n" --hold "$idle_hold"
done

if [ "$smoke" = 1 ]; then
  bad=$(cut -f2 "$results" | jq -r 'select(.ops == 0 or .errors != 0) | .name')
  [ "$(wc -l <"$results")" = "$expected" ] || bad="missing scenarios $bad"
  if [ -n "$bad" ] || [ "$failed" = 1 ]; then log "smoke FAILED: $bad"; exit 1; fi
  log "smoke passed: every scenario has ops > 0 and errors == 0 ($work)"
  exit 0
fi

# --- machine references (full mode only) ---
refs=$work/references.json
source "$root/bench/references.sh"
if [ -z "$only" ]; then run_references "$refs"; else echo '{}' >"$refs"; fi

# --- machine facts and the write-up ---
# The commit measured; "+uncommitted" when the node's or client's sources differ from it.
commit_id() {
  local id; id=$(git -C "$root" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
  git -C "$root" diff --quiet HEAD -- server client migrations CMakeLists.txt cmake || id="$id+uncommitted"
  echo "$id"
}
jq -n --arg nproc "$(nproc)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --arg mem "$(grep MemTotal /proc/meminfo | awk '{print $2 " kB"}')" --arg kernel "$(uname -r)" \
  --arg commit "$(commit_id)" \
  --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg pinning "${pin_node[*]:-none} node; ${pin_load[*]:-none} load" \
  --arg elapsed "$(( $(date +%s) - began ))" --arg load "$load_before" \
  '{loadavg_before: $load, nproc: ($nproc|tonumber), cpu: $cpu, mem_total: $mem, kernel: $kernel, commit: $commit,
    date: $date, pinning: $pinning, elapsed_s: ($elapsed|tonumber)}' >"$work/machine.json"
"$root/bench/write-results.sh" "$results" "$refs" "$work/machine.json" "$out_dir"
log "done in $(( $(date +%s) - began )) s: $out_dir/RESULTS.md, $out_dir/results.json"
exit "$failed"
