#!/usr/bin/env bash
# TLS verification is always on, for claim-query submit and pm-push alike:
# against a loopback HTTPS server, a self-signed certificate, an expired one
# and one issued for another host are all refused (exit 4, nothing lost);
# a certificate from a private CA is accepted once --cacert names that CA.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in claim-query pm-push; do [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }; done
command -v openssl >/dev/null || { echo "skipped: openssl missing"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-tls.XXXXXX")
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT
cd "$work" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# A private CA and four server certificates.
q() { "$@" >/dev/null 2>&1 || { echo "FAIL: $1 $2"; exit 1; }; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj /CN=claimkit-test-ca
mkdir -p ca/newcerts && : >ca/index.txt && echo 1000 >ca/serial
cat >ca.cnf <<CNF
[ ca ]
default_ca = test
[ test ]
dir = $work/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = $work/ca.pem
private_key = $work/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[ anything ]
commonName = supplied
CNF
issue() {  # name subject-alt-names [startdate enddate]
  local name=$1 san=$2
  q openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$name" -addext "subjectAltName=$san"
  if [ $# -ge 4 ]; then
    q openssl ca -batch -config ca.cnf -in "$name.csr" -out "$name.pem" -startdate "$3" -enddate "$4"
  else
    q openssl ca -batch -config ca.cnf -in "$name.csr" -out "$name.pem" -days 5
  fi
}
issue good "IP:127.0.0.1,DNS:localhost"
issue expired "IP:127.0.0.1,DNS:localhost" 20200101000000Z 20200201000000Z
issue otherhost "DNS:claims.example.org"
q openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem -days 5 \
  -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"

start_server() {  # cert-name
  stop_server
  rm -f port
  python3 "$src/tests/servers/fake_clearinghouse.py" --port-file port --lifetime 60 --flavour stedi --api-key k \
    --tls-cert "$1.pem" --tls-key "$1.key" >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
  [ -s port ] || { echo "FAIL: server did not start"; exit 1; }
  port=$(cat port)
}
printf '%s\n' '{"type":"claim","claim_id":"T1","payer_id":"60054","provider":{"npi":"1234567893","name":"TEST CLINIC"},"subscriber":{"member_id":"M1","first_name":"PAT","last_name":"TESTER","dob":"1980-01-02"},"service_from":"2026-01-05","billed_amount":10.00}' \
  '{"type":"claim","claim_id":"T2","payer_id":"60054","provider":{"npi":"1234567893","name":"TEST CLINIC"},"subscriber":{"member_id":"M2","first_name":"PAT","last_name":"TESTER","dob":"1980-01-03"},"service_from":"2026-01-05","billed_amount":20.00}' \
  >claims.ndjson
export CLAIMKIT_STEDI_API_KEY=k CLAIMKIT_CONFIG=$work/none HOME=$work XDG_STATE_HOME=$work/state

submit() {  # cert expected-exit [--cacert ...]
  local cert=$1 want=$2
  shift 2
  start_server "$cert"
  timeout 40 "$bin/claim-query" submit --api stedi --url "https://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2" "$@" \
    --errors "submit-$cert.err" claims.ndjson >"submit-$cert.out" 2>"submit-$cert.stderr"
  local rc=$?
  if [ "$rc" != "$want" ]; then bad "submit with $cert certificate: exit $rc, want $want"; sed 's/^/    /' "submit-$cert.stderr" | head -3; return; fi
  local kept
  kept=$(( $(wc -l <"submit-$cert.out") + $(wc -l <"submit-$cert.err") ))
  [ "$kept" -eq 2 ] && ok || bad "submit with $cert certificate lost claims ($kept of 2 accounted for)"
  if [ "$want" = 4 ]; then grep -qi "tls\|certificate" "submit-$cert.stderr" && ok || bad "submit with $cert certificate: no TLS reason given"; fi
}
submit selfsigned 4
submit expired 4 --cacert ca.pem
submit otherhost 4 --cacert ca.pem
submit good 4
submit good 0 --cacert ca.pem

# pm-push's webhook target goes through the same client.
printf '%s\n' '{"type":"claim_status","claim_id":"T1","state":"pending","statuses":[{"category":"P1","code":"20"}]}' >status.ndjson
push() {  # cert expected-exit [--cacert ...]
  local cert=$1 want=$2
  shift 2
  start_server "$cert"
  rm -rf state
  timeout 40 "$bin/pm-push" --to "http:https://127.0.0.1:$port/hook" --max-attempts 1 "$@" \
    --journal "$work/journal-$cert-$want" status.ndjson >"push-$cert.out" 2>"push-$cert.stderr"
  local rc=$?
  # Any exit code other than 0/1 with "failed" results is what a refused TLS
  # handshake must give; the record must be accounted for either way.
  if [ "$want" = refused ]; then
    if [ "$rc" -eq 0 ]; then bad "pm-push accepted the $cert certificate"; else ok; fi
  fi
  grep -q '"claim_id":"T1"' "push-$cert.out" && ok || bad "pm-push lost the record with the $cert certificate"
}
push selfsigned refused
push expired refused --cacert ca.pem
push otherhost refused --cacert ca.pem

echo "tls: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
