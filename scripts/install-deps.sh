#!/usr/bin/env bash
# Installs the Debian 12 packages Varde builds, tests and runs with. Idempotent: does
# nothing when they are all present. Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache git ca-certificates
  libboost1.81-dev libboost-system1.81-dev   # Boost.Beast/Asio 1.81 (not Debian's default 1.74)
  libssl-dev openssl                          # OpenSSL 3 and the CLI for the dev PKI
  libpqxx-dev libpq-dev postgresql-15         # libpqxx 6.4 and a PostgreSQL 15 server
  nlohmann-json3-dev libgtest-dev             # JSON and GoogleTest
  util-linux procps                           # runuser, pkill, taskset
  jq curl                                     # bench/run.sh reads JSON results and the health probe
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
