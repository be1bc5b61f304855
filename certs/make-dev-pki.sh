#!/usr/bin/env bash
# Makes a development PKI for Varde with the openssl CLI: a member CA, a server certificate
# for localhost/127.0.0.1/::1, and client certificates for the example organisations.
# All keys are ECDSA P-256. Private keys stay in the output folder (ignored by git).
#
#   certs/make-dev-pki.sh [--out DIR] [--with-test-certs] [--force]
#
# --with-test-certs also makes what the end-to-end tests need: a certificate from another
# CA, an expired member certificate, an unenrolled one and one that the tests revoke.
# Running it again keeps what exists (idempotent); --force makes everything anew.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/dev"
test_certs=0
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --with-test-certs) test_certs=1; shift ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "make-dev-pki: unknown argument $1" >&2; exit 2 ;;
  esac
done

[ "$force" = 1 ] && rm -rf "$out"
mkdir -p "$out"
umask 077

new_key() { [ -f "$1" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# make_ca NAME SUBJECT
make_ca() {
  local name=$1 subject=$2
  [ -f "$out/$name.pem" ] && return 0
  new_key "$out/$name.key"
  openssl req -x509 -new -key "$out/$name.key" -sha256 -days 3650 -subj "$subject" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$out/$name.pem"
}

# sign NAME CA SUBJECT EXT [DAYS]: a leaf certificate signed by CA with the extension text EXT
sign() {
  local name=$1 ca=$2 subject=$3 ext=$4 days=${5:-825}
  [ -f "$out/$name.pem" ] && return 0
  new_key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "$subject" -out "$out/$name.csr"
  printf '%s\n' "$ext" > "$out/$name.ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$out/$ca.pem" -CAkey "$out/$ca.key" \
    -CAcreateserial -sha256 -days "$days" -extfile "$out/$name.ext" -out "$out/$name.pem" 2>/dev/null
  rm -f "$out/$name.csr" "$out/$name.ext"
}

client_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'

client() { sign "$1" "${3:-member-ca}" "/O=$2/CN=$1" "$client_ext"; }

make_ca member-ca "/O=Varde Development/CN=Varde Member CA"
sign server member-ca "/O=Varde Development/CN=localhost" 'basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'

# The example organisations (scripts/enrol-examples.sh enrols them):
client alice     "Nordkraft Energi AS"        # nordkraft: trusted, energy
client bob       "Fjordbank ASA"              # fjordbank: not trusted, finance
client carol     "Havn Logistikk AS"          # havn: a person ...
client havn-feed "Havn Logistikk AS"          # ... and a service (automated subscriber)
client oscar     "Nasjonal CERT"              # cert: the CERT's operator

expired_cert() {
  # openssl x509 -req cannot back-date, so use a one-shot 'openssl ca' with explicit dates.
  local name=expired
  [ -f "$out/$name.pem" ] && return 0
  local db; db=$(mktemp -d)
  touch "$db/index.txt"; echo 1000 > "$db/serial"
  cat > "$db/ca.cnf" <<CNF
[ca]
default_ca = dev
[dev]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
default_md = sha256
policy = any
x509_extensions = leaf
[any]
organizationName = optional
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
  new_key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/O=Fjordbank ASA/CN=expired" -out "$db/req.csr"
  openssl ca -batch -config "$db/ca.cnf" -cert "$out/member-ca.pem" -keyfile "$out/member-ca.key" \
    -startdate 20200101000000Z -enddate 20200201000000Z -in "$db/req.csr" -out "$out/$name.pem" \
    -notext 2>/dev/null
  rm -rf "$db"
}

if [ "$test_certs" = 1 ]; then
  make_ca other-ca "/O=Somebody Else/CN=Other CA"
  client stranger   "Somebody Else" other-ca   # right shape, wrong CA
  client unenrolled "Fjordbank ASA"            # right CA, never enrolled
  client revokee    "Fjordbank ASA"            # enrolled, then revoked by the tests
  expired_cert
fi

rm -f "$out"/*.srl
chmod 644 "$out"/*.pem
echo "development PKI in $out"
