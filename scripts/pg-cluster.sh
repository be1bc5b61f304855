#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for development and tests.
#
#   scripts/pg-cluster.sh start DIR PORT   # initdb if needed, start on 127.0.0.1:PORT
#   scripts/pg-cluster.sh stop  DIR
#   scripts/pg-cluster.sh url   DIR PORT   # print the connection URL
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the 'postgres' user.
# It listens on loopback and on a unix socket inside DIR only, with trust authentication:
# this is a throw-away development cluster, never a deployment.
set -euo pipefail

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: pg-cluster.sh start|stop|url DIR [PORT]}
dir=${2:?usage: pg-cluster.sh start|stop|url DIR [PORT]}
port=${3:-55432}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The postgres user must be able to reach DIR; a checkout under a root-only home cannot.
ensure_reachable() {
  [ "$(id -u)" = 0 ] || return 0
  chown postgres: "$dir"
  local p="$dir"
  while [ "$p" != / ]; do
    p=$(dirname "$p")
    if ! runuser -u postgres -- test -x "$p"; then
      echo "pg-cluster: letting postgres traverse $p (chmod o+x)" >&2
      chmod o+x "$p"
    fi
  done
}

start() {
  ensure_reachable
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log"
  fi
  if as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "pg-cluster: already running in $data" >&2
    return 0
  fi
  as_owner "$pg_bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' \
     -c max_connections=300 -c shared_buffers=256MB -c fsync=${VARDE_PG_FSYNC:-on}" >/dev/null
  echo "pg-cluster: running on 127.0.0.1:$port (data $data)" >&2
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  as_owner "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) echo "postgresql://postgres@127.0.0.1:$port/postgres" ;;
  *) echo "pg-cluster: unknown command $cmd" >&2; exit 2 ;;
esac
