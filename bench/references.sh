# Machine references for bench/run.sh (sourced): what this machine does without Varde, so the
# node's figures can be read against it. Uses pin_load, pg_port, db, work, log from run.sh.
#
#  - openssl speed -seconds 3 ecdsap256: P-256 signs and verifies per second on one core
#    (a full mutual-TLS handshake costs the node one sign and one verify, plus ECDHE).
#  - pgbench, 16 clients, 10 s: INSERTs of rows shaped like a published report (title, ~1.2 KB
#    summary, 10 indicators as JSON) into a scratch table: the database's commit rate here.

reference_openssl() {
  local line
  line=$("${pin_load[@]}" openssl speed -seconds 3 ecdsap256 2>/dev/null | grep -E '^ *256 bits ecdsa' | tail -1)
  # "256 bits ecdsa (nistp256)   0.0000s   0.0001s  30000.0   10000.0": sign/s, verify/s last
  echo "$line" | awk '{printf "{\"sign_per_s\":%s,\"verify_per_s\":%s}", $(NF-1), $NF}'
}

reference_pgbench() {
  command -v pgbench >/dev/null || need pgbench postgresql-client-15
  local url="postgresql://postgres@127.0.0.1:$pg_port/$db"
  psql -qX "$url" -c "DROP TABLE IF EXISTS bench_scratch" -c "CREATE TABLE bench_scratch (
      id bigserial PRIMARY KEY, title text NOT NULL, summary text NOT NULL, tlp text NOT NULL,
      indicators jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())" >/dev/null
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
  printf '{"tps":%s,"latency_avg_ms":%s}' "${tps:-null}" "${lat:-null}"
}

run_references() {   # run_references OUT.json
  local ossl pgb
  log "reference: openssl speed -seconds 3 ecdsap256"
  ossl=$(reference_openssl) || ossl='null'
  log "reference: pgbench -c 16 -j 2 -T 10 (report-shaped INSERTs)"
  pgb=$(reference_pgbench) || pgb='null'
  jq -n --argjson openssl "${ossl:-null}" --argjson pgbench "${pgb:-null}" \
    '{openssl_ecdsap256: $openssl, pgbench_insert_report: $pgbench}' >"$1"
}
