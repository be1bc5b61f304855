#!/usr/bin/env bash
# Machine references for bench/run.sh: what this machine does without Varde, so the node's
# figures can be read against it (bench/reference/README.md). Sourced by run.sh, which calls
# `run_references OUT.json` and provides pin_node, pin_load, pg_port, db, work, pki,
# bench_bin, duration, fan_subs, fan_rate, idle_n, idle_hold, pg_dir and log.
#
#  - openssl speed -seconds 3 ecdsap256: P-256 signs and verifies per second on one core
#    (a full mutual-TLS handshake costs the node one sign and one verify, plus ECDHE).
#  - pgbench, 16 clients, 10 s: INSERTs of rows shaped like a published report (title, ~1.2 KB
#    summary, 10 indicators as JSON) into a scratch table: the database's commit rate here.
#  - pg_test_fsync -s 2, on the filesystem of the benchmark's PostgreSQL data directory: how
#    long one fdatasync of an 8 kB write takes (wal_sync_method's Linux default). A durable
#    commit waits for one, so 1 / that time bounds one sequential publisher's rate.
#  - nginx + wrk: one nginx worker on CPU 0 with ssl_verify_client on, serving a ~100-byte JSON
#    file over mutual TLS; wrk on CPU 1 (a client certificate through the LD_PRELOAD shim
#    bench/reference/wrk_client_cert.c): keep-alive, then a new connection (full handshake)
#    per request. nginx CPU per request / handshake from /proc/<worker>/stat.
#  - Node.js ws: bench/reference/ws-fanout/server.js on CPU 0, and the unchanged
#    `varde-bench fanout` against it: at the fanout scenario's size, and at a high rate; then,
#    on a freshly started server, the unchanged `varde-bench idle` (memory per idle subscriber).
#  - send floor: bench/reference/send_floor.c, one send() of a report-sized frame to each of the
#    fanout scenario's connections per round, sender on CPU 0, receiver on CPU 1: the kernel's
#    own CPU per delivery (no TLS, no WebSocket), at the scenario's rate and saturated.
#
# Each reference fails soft: its key is null and a line is logged; the run goes on.
# Env: BENCH_REF_SECONDS (wrk duration, 10), BENCH_NGINX_PORT (55495), BENCH_WS_PORT (55496),
# BENCH_WS_HIGH_RATE (reports/s of the high-rate ws run, 200), BENCH_WS_HIGH_DURATION (its
# --duration, 10 s), REFS_ONLY (a subset of "openssl pgbench fsync nginx ws floor"; all by
# default), BENCH_FLOOR_BYTES (the send floor's frame, 2690: the ws reference's report frame).
#
# Standalone (development; builds its own PKI and, for pgbench, its own PostgreSQL):
#   bench/references.sh [--work DIR] [--bench-bin F] [openssl] [pgbench] [fsync] [nginx] [ws] [floor]
# default DIR /tmp/refs-dev, bench binary build-refs/bench/varde-bench; writes DIR/references.json,
# DIR/RESULTS.md and DIR/results.json (references only). BENCH_DURATION (5),
# BENCH_FANOUT_SUBSCRIBERS (1000), BENCH_FANOUT_RATE (10), BENCH_IDLE_CONNECTIONS (10000),
# BENCH_IDLE_HOLD (40), BENCH_PG_PORT (55497).

ref_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ref_src=$ref_here/reference
ref_pids=""   # processes started here and still running; run.sh's cleanup trap stops them

# Like run.sh's need, but returns 1 instead of exiting: a missing tool fails one reference only.
ref_need() {   # ref_need COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || { log "reference: $1 is missing (apt-get install $2)"; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 ||
    { log "reference: apt-get install $2 failed"; return 1; }
  command -v "$1" >/dev/null
}

# utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted
# after the command name's closing parenthesis, which may hold spaces), as bench/src/stats.cpp.
ref_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  local -a f
  read -r -a f <<<"$stat"
  echo $(( f[11] + f[12] ))   # f[0] is field 3
}

# CPU seconds (user + system) of this shell's finished children so far: bash `times`, run in
# this shell (in a $(...) subshell it would count the subshell's children only).
ref_times() {   # ref_times FILE
  times >"$1"
}
ref_times_s() {   # ref_times_s FILE: its second line ("0m1.234s 0m0.567s") in seconds
  tail -1 "$1" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } printf "%.3f", s }'
}

ref_stop() {   # ref_stop PID: TERM, up to 5 s, then KILL
  local pid=$1
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  ref_pids=$(echo " $ref_pids " | sed "s/ $pid / /g; s/^ *//; s/ *$//")
}

ref_shown() {   # a command as shown in RESULTS.md: paths under the checkout relative to it
  local s="$*" r=${root:-$(cd "$ref_here/.." && pwd)}
  echo "${s//$r\//}"
}

# Waits until GET https://127.0.0.1:PORT/v1/whoami answers 200 to bob's certificate.
# The first port from $1 on that no socket on this machine uses. The fixed ports lie in the
# kernel's ephemeral range, so an outgoing connection of an earlier scenario (PostgreSQL
# clients, subscribers) can hold one: a server started there fails with EADDRINUSE.
ref_free_port() {   # ref_free_port FIRST
  local p=$1
  while [ -n "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ] && [ "$p" -lt $(( $1 + 100 )) ]; do p=$((p + 1)); done
  echo "$p"
}

ref_wait_up() {   # ref_wait_up PORT PID
  for _ in $(seq 100); do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$pki/member-ca.pem" --cert "$pki/bob.pem" \
         --key "$pki/bob.key" "https://127.0.0.1:$1/v1/whoami")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

reference_openssl() {
  local line
  line=$("${pin_load[@]}" openssl speed -seconds 3 ecdsap256 2>/dev/null | grep -E '^ *256 bits ecdsa' | tail -1)
  [ -n "$line" ] || return 1
  # "256 bits ecdsa (nistp256)   0.0000s   0.0001s  30000.0   10000.0": sign/s, verify/s last
  echo "$line" | awk '{printf "{\"sign_per_s\":%s,\"verify_per_s\":%s}", $(NF-1), $NF}'
}

reference_pgbench() {
  command -v pgbench >/dev/null || ref_need pgbench postgresql-client-15 || return 1
  local url="postgresql://postgres@127.0.0.1:$pg_port/$db"
  psql -qX "$url" -c "DROP TABLE IF EXISTS bench_scratch" -c "CREATE TABLE bench_scratch (
      id bigserial PRIMARY KEY, title text NOT NULL, summary text NOT NULL, tlp text NOT NULL,
      indicators jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())" >/dev/null || return 1
  local script=$work/pgbench-insert.sql
  cat >"$script" <<'SQL'
\set n random(1, 1000000000)
INSERT INTO bench_scratch (title, summary, tlp, indicators)
VALUES ('Intrusion through Citrix and LogMeIn, case ' || :n, repeat('Between November 2017 and September 2018 an energy company was breached. ', 17), 'TLP:GREEN',
        jsonb_build_array(
          jsonb_build_object('type','domain','value','c2-' || :n || '.example.net'),
          jsonb_build_object('type','domain','value','stage-' || :n || '.example.org'),
          jsonb_build_object('type','url','value','https://c2-' || :n || '.example.net/ica/msvcr100.dll'),
          jsonb_build_object('type','sha256','value',md5(:n::text) || md5((:n + 1)::text)),
          jsonb_build_object('type','sha256','value',md5((:n + 2)::text) || md5((:n + 3)::text)),
          jsonb_build_object('type','md5','value',md5((:n + 4)::text)),
          jsonb_build_object('type','email','value','it-support@c2-' || :n || '.example.net'),
          jsonb_build_object('type','filename','value','payload-' || :n || '.dll'),
          jsonb_build_object('type','ipv6','value','2001:db8:bee::' || (:n % 65536)),
          jsonb_build_object('type','ipv6','value','2001:db8:bef::' || (:n % 65536))));
SQL
  local out
  out=$("${pin_load[@]}" pgbench -n -c 16 -j 2 -T 10 -f "$script" "$url" 2>&1)
  echo "$out" >"$work/pgbench.log"
  local tps lat
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' | head -1)
  [ -n "$tps" ] || return 1
  printf '{"tps":%s,"latency_avg_ms":%s}' "${tps:-null}" "${lat:-null}"
}

# The "one 8kB write" fdatasync line: "        fdatasync    267.838 ops/sec    3734 usecs/op".
reference_pg_test_fsync() {
  local tool=${PG_BIN:-/usr/lib/postgresql/15/bin}/pg_test_fsync
  [ -x "$tool" ] || { log "reference: $tool is missing (postgresql-15)"; return 1; }
  local file
  file=$(dirname "$pg_dir")/pg_test_fsync.tmp   # beside the data directory: the same filesystem
  local out
  out=$("$tool" -s 2 -f "$file" 2>&1)
  rm -f "$file"
  echo "$out" >"$work/pg_test_fsync.log"
  echo "$out" | awk '/fdatasync/ && $3 == "ops/sec" {
      printf "{\"fdatasync_per_s\":%s,\"fdatasync_us\":%s,\"method\":\"fdatasync, one 8 kB write\"}", $2, $4; found = 1; exit }
    END { exit !found }'
}

# --- nginx + wrk ---

# One wrk run against the nginx worker: sets ref_wrk_json, or returns 1.
# ref_wrk NAME WORKER_PID PER_OP_FIELD PER_OP_SCALE WRK_ARGS...
ref_wrk() {
  local name=$1 wpid=$2 field=$3 scale=$4; shift 4
  local d=$work/nginx url="https://127.0.0.1:$nginx_port/v1/whoami"
  local -a cmd=(env "LD_PRELOAD=$work/wrk_client_cert.so" "WRK_CLIENT_CERT=$pki/bob.pem"
                "WRK_CLIENT_KEY=$pki/bob.key" wrk "$@" --latency "$url")
  local shown; shown=$(ref_shown "${pin_load[*]}" "${cmd[*]}")
  [[ "$*" == *Connection:* ]] && shown=${shown/Connection: close/\'Connection: close\'}
  log "reference: $shown"
  local t0 t1 c0 c1
  t0=$(ref_ticks "$wpid") || return 1
  ref_times "$d/times0"
  "${pin_load[@]}" "${cmd[@]}" >"$d/wrk-$name.log" 2>&1 || { log "reference: wrk failed, see $d/wrk-$name.log"; return 1; }
  ref_times "$d/times1"
  c0=$(ref_times_s "$d/times0") c1=$(ref_times_s "$d/times1")
  t1=$(ref_ticks "$wpid") || { log "reference: the nginx worker is gone"; return 1; }
  # wrk's summary: "N requests in 10.00s", "99%  1.23ms" (us, ms, s), "Socket errors: connect
  # 0, read 0, write 0, timeout 0", "Non-2xx or 3xx responses: N"
  local parsed
  parsed=$(awk -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v c0="$c0" -v c1="$c1" \
               -v field="$field" -v scale="$scale" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0 }
    /^ *50% / { p50 = ms($2) } /^ *90% / { p90 = ms($2) } /^ *99% / { p99 = ms($2) }
    / requests in / { req = $1; secs = $4; sub(/s,$/, "", secs) }
    /^ *Socket errors:/ { gsub(",", ""); se_c = $4; se_r = $6; se_w = $8; se_t = $10 }
    /^ *Non-2xx/ { non2xx = $NF }
    /^Requests\/sec:/ { rps = $2 }
    END {
      if (req == "" || req == 0 || secs == 0) exit 1
      ok = req - non2xx; cpu = ticks / hz
      printf "{\"requests\":%d,\"seconds\":%.3f,\"req_per_s\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,", req, secs, rps, p50, p90, p99
      printf "\"errors\":{\"non_2xx\":%d,\"connect\":%d,\"read\":%d,\"write\":%d,\"timeout\":%d},", non2xx, se_c, se_r, se_w, se_t
      printf "\"nginx_cpu_s\":%.2f,\"nginx_cpu_util\":%.3f,\"%s\":%.3f,\"wrk_cpu_util\":%.3f}", cpu, cpu / secs, field, (ok > 0 ? cpu * scale / ok : 0), (c1 - c0) / secs
    }' "$d/wrk-$name.log") || { log "reference: no requests in $d/wrk-$name.log"; return 1; }
  if [ "$(jq '.errors.non_2xx' <<<"$parsed")" != 0 ]; then
    log "reference: wrk $name got non-2xx answers (a refused client certificate?), see $d/wrk-$name.log"
    [ "$(jq '.errors.non_2xx * 2 > .requests' <<<"$parsed")" = true ] && return 1
  fi
  ref_wrk_json=$(jq -c --arg cmd "$shown" '. + {command: $cmd}' <<<"$parsed")
}

reference_nginx() {
  nginx_port=$(ref_free_port "${BENCH_NGINX_PORT:-55495}")
  local secs=${BENCH_REF_SECONDS:-10} d=$work/nginx nginx_bin
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || ref_need nginx nginx || return 1
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  ref_need wrk wrk || return 1
  ref_need cc gcc || return 1
  if [ ! -f /usr/include/openssl/ssl.h ]; then
    [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libssl-dev >/dev/null 2>&1
    [ -f /usr/include/openssl/ssl.h ] || { log "reference: libssl-dev is missing"; return 1; }
  fi
  cc -shared -fPIC -O2 -Wall -o "$work/wrk_client_cert.so" "$ref_src/wrk_client_cert.c" -lssl -lcrypto -ldl \
    2>"$work/wrk_client_cert.log" || { log "reference: cannot compile the wrk shim, see $work/wrk_client_cert.log"; return 1; }

  rm -rf "$d" && mkdir -p "$d/html/v1" "$d/logs" "$d/tmp" || return 1
  # ~100 bytes, like a whoami answer
  printf '{"principal":"bob","organisation":"Fjordbank ASA","role":"member","kind":"member","sectors":["finance"]}\n' \
    >"$d/html/v1/whoami"
  chmod 755 "$d" "$d/html" "$d/html/v1" && chmod 644 "$d/html/v1/whoami"
  cat >"$d/nginx.conf" <<CONF
# A private nginx for bench/references.sh: one worker, mutual TLS, a static JSON file.
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $pki/server.pem;
    ssl_certificate_key $pki/server.key;
    ssl_client_certificate $pki/member-ca.pem;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;      # every new connection is a full handshake
    ssl_session_tickets off;
    root $d/html;
    default_type application/json;
    location = /v1/whoami { }
  }
}
CONF
  local server_shown; server_shown=$(ref_shown "${pin_node[*]}" "$nginx_bin -p $d -c $d/nginx.conf -g 'daemon off;'")
  log "reference: $server_shown"
  "${pin_node[@]}" "$nginx_bin" -p "$d" -c "$d/nginx.conf" -g 'daemon off;' >"$d/logs/stdout.log" 2>&1 &
  local master=$!
  ref_pids="$ref_pids $master"
  if ! ref_wait_up "$nginx_port" "$master"; then
    log "reference: nginx did not come up on 127.0.0.1:$nginx_port, see $d/logs/"
    ref_stop "$master"; return 1
  fi
  local worker
  worker=$(awk '{print $1}' "/proc/$master/task/$master/children" 2>/dev/null)
  [ -n "$worker" ] || worker=$(ps -o pid= --ppid "$master" | awk 'NR == 1 {print $1}')
  [ -n "$worker" ] || { log "reference: no nginx worker found"; ref_stop "$master"; return 1; }
  # Without a certificate nginx must refuse (400): the verification is really on.
  local refused tls
  refused=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$pki/member-ca.pem" "https://127.0.0.1:$nginx_port/v1/whoami")
  tls=$(openssl s_client -connect "127.0.0.1:$nginx_port" -cert "$pki/bob.pem" -key "$pki/bob.key" \
          -CAfile "$pki/member-ca.pem" </dev/null 2>/dev/null |
        awk '/^New, / {p = $2 " " $5} /Server Temp Key:/ {sub(/.*Key: /, ""); k = $0} END {gsub(",", "", p); print p ", " k}')
  log "reference: nginx master $master, worker $worker on 127.0.0.1:$nginx_port ($tls; no certificate: HTTP $refused)"

  local keep new ok=0
  if ref_wrk keepalive "$worker" cpu_us_per_req 1000000 -t1 -c8 "-d${secs}s"; then keep=$ref_wrk_json; ok=1; else keep=null; fi
  if ref_wrk new_connection "$worker" cpu_ms_per_handshake 1000 -t1 -c8 "-d${secs}s" -H 'Connection: close'; then
    new=$ref_wrk_json; ok=1
  else new=null; fi
  ref_stop "$master"
  [ "$ok" = 1 ] || return 1
  jq -cn --argjson keep "$keep" --argjson new "$new" --arg version "$("$nginx_bin" -v 2>&1 | sed 's/.*version: //')" \
    --arg tls "$tls" --arg refused "$refused" --arg server "$server_shown" \
    '{nginx: $version, tls: $tls, without_certificate_http_status: ($refused | tonumber? // $refused),
      server_command: $server, config: "bench/references.sh (reference_nginx)",
      setup: "1 worker on CPU 0, ssl_verify_client on, no session cache or tickets, a 104-byte JSON file; wrk on CPU 1 as bob",
      keepalive: $keep, new_connection: $new}'
}

# --- Node.js ws fan-out ---

# One varde-bench fanout run against the ws server: sets ref_fan_json, or returns 1.
ref_fanout() {   # ref_fanout PID ARGS...
  local pid=$1; shift
  local d=$work/ws-fanout
  local -a cmd=(varde-bench fanout --url "https://127.0.0.1:$ws_port" --pki "$pki" --node-pid "$pid" "$@")
  local shown; shown=$(ref_shown "${pin_load[*]}" "${cmd[*]}")
  log "reference: $shown"
  local line
  line=$("${pin_load[@]}" "$bench_bin" "${cmd[@]:1}" 2>>"$d/bench.stderr") ||
    { log "reference: varde-bench fanout against ws failed, see $d/bench.stderr"; return 1; }
  # The publisher sends every report due within --duration, however long that takes: when the
  # server falls behind, the run lasts longer than --duration. Reports over the run's seconds
  # (which include the drain of the last frames) is the rate it reached, a lower bound.
  ref_fan_json=$(jq -c --arg cmd "$shown" '{command: $cmd, result: .,
      publish_rate_reached: (if .seconds > 0 then (.published / .seconds * 10 | round) / 10 else null end),
      deliveries_per_core_s: (if (.node_cpu_s // 0) > 0 then (.ops / .node_cpu_s | round) else null end)}' \
      <<<"$line") || return 1
}

reference_node_ws() {
  ws_port=$(ref_free_port "${BENCH_WS_PORT:-55496}")
  local d=$work/ws-fanout high=${BENCH_WS_HIGH_RATE:-200} high_s=${BENCH_WS_HIGH_DURATION:-10}
  ref_need node nodejs || return 1
  ref_need npm npm || return 1
  [ -x "${bench_bin:-}" ] || { log "reference: no varde-bench binary (${bench_bin:-unset})"; return 1; }
  mkdir -p "$d" && cp "$ref_src/ws-fanout/server.js" "$ref_src/ws-fanout/package.json" \
    "$ref_src/ws-fanout/package-lock.json" "$d/" || return 1
  local want have
  want=$(jq -r '.dependencies.ws' "$d/package.json")
  have=$(jq -r '.version' "$d/node_modules/ws/package.json" 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    log "reference: npm ci in $d (ws $want)"
    (cd "$d" && npm ci --no-audit --no-fund) >"$d/npm.log" 2>&1 || { log "reference: npm ci failed, see $d/npm.log"; return 1; }
  fi
  : >"$d/bench.stderr"
  local server_shown
  server_shown=$(ref_shown "${pin_node[*]}" "node $ref_src/ws-fanout/server.js --pki $pki --host 127.0.0.1 --port $ws_port")
  log "reference: $server_shown (run from $d, with its node_modules)"
  "${pin_node[@]}" node "$d/server.js" --pki "$pki" --host 127.0.0.1 --port "$ws_port" >"$d/server.log" 2>&1 &
  local pid=$!
  ref_pids="$ref_pids $pid"
  if ! ref_wait_up "$ws_port" "$pid"; then
    log "reference: the ws server did not come up, see $d/server.log"; ref_stop "$pid"; return 1
  fi
  log "reference: Node.js $(node --version) ws $want fan-out server, pid $pid on 127.0.0.1:$ws_port"
  local at_rate high_rate idle=null ok=0
  if ref_fanout "$pid" --duration "$duration" --connections "$fan_subs" --rate "$fan_rate"; then
    at_rate=$ref_fan_json; ok=1; else at_rate=null; fi
  if ref_fanout "$pid" --duration "$high_s" --connections "$fan_subs" --rate "$high"; then
    high_rate=$ref_fan_json; ok=1; else high_rate=null; fi
  ref_stop "$pid"
  local stats
  stats=$(sed -n 's/^ws-fanout: stopping; //p' "$d/server.log" | tail -1)
  # Idle subscribers on a freshly started server, so that its memory before them is its own.
  "${pin_node[@]}" node "$d/server.js" --pki "$pki" --host 127.0.0.1 --port "$ws_port" >"$d/server-idle.log" 2>&1 &
  pid=$!
  ref_pids="$ref_pids $pid"
  if ref_wait_up "$ws_port" "$pid" && ref_ws_idle "$pid"; then idle=$ref_idle_json; ok=1
  else log "reference: idle subscribers against the ws server failed, see $d/bench.stderr"; fi
  ref_stop "$pid"
  [ "$ok" = 1 ] || return 1
  jq -cn --argjson at "$at_rate" --argjson high "$high_rate" --argjson idle "$idle" --arg node "$(node --version)" --arg ws "$want" \
    --argjson stats "${stats:-null}" --arg server "$server_shown" \
    '{node: $node, ws: $ws, frame_bytes: ($stats.frameBytes // null), server_counts: $stats, server_command: $server,
      setup: "one Node.js process on CPU 0 (bench/reference/ws-fanout/server.js): mutual TLS, each POST /v1/reports sends one report.published text frame (the same Buffer) to every subscriber; varde-bench fanout on CPU 1",
      at_scenario_rate: $at, high_rate: $high, idle: $idle}'
}

# The unchanged idle scenario against the ws server: sets ref_idle_json, or returns 1.
ref_ws_idle() {   # ref_ws_idle PID
  local -a cmd=(varde-bench idle --url "https://127.0.0.1:$ws_port" --pki "$pki" --node-pid "$1"
                --connections "$idle_n" --hold "$idle_hold")
  local shown; shown=$(ref_shown "${pin_load[*]}" "${cmd[*]}")
  log "reference: $shown"
  local line
  line=$("${pin_load[@]}" "$bench_bin" "${cmd[@]:1}" 2>>"$work/ws-fanout/bench.stderr") || return 1
  ref_idle_json=$(jq -c --arg cmd "$shown" '{command: $cmd, result: .}' <<<"$line")
}

run_references() {   # run_references OUT.json
  local only=" ${REFS_ONLY:-openssl pgbench fsync nginx ws floor} "
  local ossl=null pgb=null fsy=null ngx=null nws=null flo=null
  if [[ "$only" == *" openssl "* ]]; then
    log "reference: openssl speed -seconds 3 ecdsap256"
    ossl=$(reference_openssl) || { log "reference: openssl speed failed"; ossl=null; }
  fi
  if [[ "$only" == *" pgbench "* ]]; then
    log "reference: pgbench -c 16 -j 2 -T 10 (report-shaped INSERTs)"
    pgb=$(reference_pgbench) || { log "reference: pgbench failed (see $work/pgbench.log)"; pgb=null; }
  fi
  if [[ "$only" == *" fsync "* ]]; then
    log "reference: pg_test_fsync -s 2 beside $pg_dir"
    fsy=$(reference_pg_test_fsync) || { log "reference: pg_test_fsync failed (see $work/pg_test_fsync.log)"; fsy=null; }
  fi
  if [[ "$only" == *" floor "* ]]; then
    flo=$(reference_send_floor) || { log "reference: send floor failed (see $work/send_floor.log)"; flo=null; }
  fi
  # These two start servers: run in this shell (not $(...)) so that their pids reach the trap.
  if [[ "$only" == *" nginx "* ]]; then
    if reference_nginx >"$work/ref-nginx.json" && jq -e . "$work/ref-nginx.json" >/dev/null 2>&1; then ngx=$(cat "$work/ref-nginx.json")
    else log "reference: nginx + wrk failed: nginx_wrk is null"; fi
  fi
  if [[ "$only" == *" ws "* ]]; then
    if reference_node_ws >"$work/ref-node-ws.json" && jq -e . "$work/ref-node-ws.json" >/dev/null 2>&1; then nws=$(cat "$work/ref-node-ws.json")
    else log "reference: Node.js ws fan-out failed: node_ws_fanout is null"; fi
  fi
  jq -n --argjson openssl "${ossl:-null}" --argjson pgbench "${pgb:-null}" --argjson fsync "${fsy:-null}" \
    --argjson nginx "${ngx:-null}" --argjson ws "${nws:-null}" --argjson floor "${flo:-null}" \
    '{openssl_ecdsap256: $openssl, pgbench_insert_report: $pgbench, pg_test_fsync: $fsync, nginx_wrk: $nginx, node_ws_fanout: $ws, send_floor: $floor}' >"$1"
}

# --- the kernel's floor per fan-out delivery ---

ref_send_floor_run() {   # ref_send_floor_run RATE SECONDS: one run; prints its JSON with the command
  local bin=$work/send_floor bytes=${BENCH_FLOOR_BYTES:-2690}
  local -a cpus=()
  [ ${#pin_node[@]} -gt 0 ] && cpus=(0 1)
  local -a cmd=("$bin" "$fan_subs" "$bytes" "$1" "$2" "${cpus[@]}")
  local shown; shown=$(ref_shown "${cmd[*]}")
  log "reference: $shown"
  local line
  line=$("${cmd[@]}" 2>>"$work/send_floor.log") || { log "reference: send_floor failed, see $work/send_floor.log"; return 1; }
  jq -c --arg cmd "$shown" '. + {command: $cmd}' <<<"$line"
}

reference_send_floor() {
  ref_need cc gcc || return 1
  cc -O2 -Wall -o "$work/send_floor" "$ref_src/send_floor.c" 2>"$work/send_floor.log" ||
    { log "reference: cannot compile send_floor, see $work/send_floor.log"; return 1; }
  local at high
  at=$(ref_send_floor_run "$fan_rate" "$duration") || at=null
  high=$(ref_send_floor_run 200 5) || high=null
  [ "$at" != null ] || [ "$high" != null ] || return 1
  jq -cn --argjson at "$at" --argjson high "$high" \
    '{setup: "one send() per connection and round (TCP_NODELAY), sender on CPU 0, an epoll receiver on CPU 1; CPU of the sender by getrusage", at_scenario_rate: $at, saturated: $high}'
}

# --- standalone: bench/references.sh [--work DIR] [--bench-bin F] [openssl] [pgbench] [nginx] [ws] [floor] ---
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  root=$(cd "$ref_here/.." && pwd)
  work=/tmp/refs-dev bench_bin=$root/build-refs/bench/varde-bench
  sel=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --work) work=$2; shift 2 ;;
      --bench-bin) bench_bin=$2; shift 2 ;;
      openssl|pgbench|fsync|nginx|ws|floor) sel+=("$1"); shift ;;
      -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
      *) echo "references.sh: unknown argument $1" >&2; exit 2 ;;
    esac
  done
  [ ${#sel[@]} -gt 0 ] && REFS_ONLY="${sel[*]}"
  export REFS_ONLY=${REFS_ONLY:-openssl pgbench fsync nginx ws floor}
  mkdir -p "$work" && work=$(cd "$work" && pwd)
  bench_bin=$(readlink -f "$bench_bin" 2>/dev/null || echo "$bench_bin")
  pki=$work/pki pg_dir=$work/pg db=varde_bench
  pg_port=${BENCH_PG_PORT:-55497}
  duration=${BENCH_DURATION:-5} fan_subs=${BENCH_FANOUT_SUBSCRIBERS:-1000} fan_rate=${BENCH_FANOUT_RATE:-10}
  idle_n=${BENCH_IDLE_CONNECTIONS:-10000} idle_hold=${BENCH_IDLE_HOLD:-40}
  log() { echo "references: $*" >&2; }
  if [ "$(nproc)" -ge 2 ]; then pin_node=(taskset -c 0) pin_load=(taskset -c 1); else pin_node=() pin_load=(); fi
  pg_started=0
  ref_standalone_cleanup() {
    local status=$?
    for p in $ref_pids; do kill -TERM "$p" 2>/dev/null || true; done
    if [ "$pg_started" = 1 ]; then "$root/scripts/pg-cluster.sh" stop "$pg_dir" || true; fi
    exit "$status"
  }
  trap ref_standalone_cleanup EXIT
  trap 'exit 130' INT TERM
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  "$root/certs/make-dev-pki.sh" --out "$pki" >/dev/null
  if [[ " $REFS_ONLY " == *" pgbench "* ]]; then
    "$root/scripts/pg-cluster.sh" start "$pg_dir" "$pg_port"
    pg_started=1
    psql -qX "postgresql://postgres@127.0.0.1:$pg_port/postgres" \
      -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  fi
  run_references "$work/references.json"
  jq -n --arg nproc "$(nproc)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    --arg mem "$(grep MemTotal /proc/meminfo | awk '{print $2 " kB"}')" --arg kernel "$(uname -r)" \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg pinning "${pin_node[*]:-none} servers; ${pin_load[*]:-none} load" \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    '{loadavg_before: $load, nproc: ($nproc|tonumber), cpu: $cpu, mem_total: $mem, kernel: $kernel,
      commit: "references only", date: $date, pinning: $pinning, elapsed_s: 0}' >"$work/machine.json"
  : >"$work/results.tsv"
  "$root/bench/write-results.sh" "$work/results.tsv" "$work/references.json" "$work/machine.json" "$work"
  jq . "$work/references.json"
  log "wrote $work/references.json, $work/RESULTS.md"
fi
