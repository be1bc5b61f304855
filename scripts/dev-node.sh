#!/usr/bin/env bash
# Quick start 1: set up and run a development node in the foreground.
#   - installs the Debian packages, builds (build/),
#   - makes a development PKI (certs/dev/, ignored by git),
#   - starts a private PostgreSQL 15 (.varde/pg/, as the postgres user, 127.0.0.1:55432),
#   - applies migrations and enrols the example organisations and principals,
#   - runs varde-node on https://127.0.0.1:8443 until Ctrl-C, then stops PostgreSQL.
# Safe to run again: every step keeps what exists.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

pg_port=${VARDE_DEV_PG_PORT:-55432}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$root/certs/make-dev-pki.sh" --out "$root/certs/dev"
"$root/scripts/pg-cluster.sh" start "$root/.varde/pg" "$pg_port"
trap '"$root/scripts/pg-cluster.sh" stop "$root/.varde/pg"' EXIT

admin_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
if ! psql -qtA "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = 'varde'" | grep -q 1; then
  psql -q "$admin_url" -c "CREATE DATABASE varde"
fi

# The pseudonym key is made once and kept: changing it would change every pseudonym.
secret_file="$root/.varde/pseudonym.secret"
[ -s "$secret_file" ] || (umask 077 && openssl rand -hex 32 > "$secret_file")
export VARDE_PSEUDONYM_SECRET="$(cat "$secret_file")"
export VARDE_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/varde"
export VARDE_TLS_CERTIFICATE="$root/certs/dev/server.pem"
export VARDE_TLS_PRIVATE_KEY="$root/certs/dev/server.key"
export VARDE_TLS_CLIENT_CA="$root/certs/dev/member-ca.pem"
node="$root/build/server/src/app/varde-node"
"$node" migrate
"$node" admin seed --file "$root/examples/members.json" --pki-dir "$root/certs/dev"

cat >&2 <<MSG

Varde node on https://127.0.0.1:8443 (Ctrl-C stops it). Try, from another shell:
  curl --cacert certs/dev/member-ca.pem --cert certs/dev/alice.pem --key certs/dev/alice.key \\
       https://localhost:8443/v1/whoami

MSG
# The node runs as a child so that the EXIT trap can stop PostgreSQL afterwards; INT and
# TERM sent to this script are passed on to it (it then exits 0 after a graceful stop).
"$node" serve "$@" &
node_pid=$!
trap 'kill -TERM "$node_pid" 2>/dev/null || true' INT TERM
status=0
wait "$node_pid" || status=$?
if kill -0 "$node_pid" 2>/dev/null; then   # woken by a signal: wait for the graceful stop
  status=0
  wait "$node_pid" || status=$?
fi
exit "$status"
