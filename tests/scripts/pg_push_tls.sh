#!/usr/bin/env bash
# pm-push --to postgresql://...?sslmode=verify-full against a real server
# with TLS (started here), its certificate from a private CA made here with
# openssl for localhost and 127.0.0.1: accepted with that CA, refused (exit 4)
# with another CA, for a host name the certificate does not name, and
# without TLS (the server takes TLS only). claim-age reads over TLS too.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
. "$src/tests/lib/pg_cluster.sh"
pg_cluster_find || { echo "skipped: no PostgreSQL server binaries (initdb, pg_ctl)"; exit 77; }
command -v psql >/dev/null && command -v openssl >/dev/null || { echo "skipped: no psql or openssl"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pg-tls.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1
export HOME="$work" XDG_STATE_HOME="$work/state" PATH="$bin:$PATH"
unset PGPASSWORD PGPASSFILE PGSERVICE PGSSLMODE PGSSLROOTCERT CLAIMKIT_CONFIG
fail() { echo "FAIL: $*"; exit 1; }

mkca() {  # name
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=claimkit test $1" \
    -keyout "$1.key" -out "$1.crt" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null || fail "openssl ca $1"
}
mkca ca
mkca otherca
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out server.crt \
  2>/dev/null || fail "openssl server cert"

pg_cluster_start -c fsync=off || fail "cannot start a PostgreSQL cluster"
pg_cluster_ssl server.crt server.key || fail "cannot turn TLS on"
PGC_PSQL_URI="postgresql://claimkit@localhost:$PGC_PORT/ledger?sslmode=verify-full&sslrootcert=$work/ca.crt"
python3 "$src/tests/servers/fake_pm.py" --gen 50 >in.ndjson

good="postgresql://claimkit@localhost:$PGC_PORT/ledger?sslmode=verify-full&sslrootcert=$work/ca.crt"
pm-push -q --to "$good" in.ndjson >out 2>err || fail "verify-full with the right CA: exit $? $(cat err)"
[ "$(pgc_psql -c 'SELECT count(*) FROM status_history')" = 50 ] || fail "rows over TLS"
[ "$(pgc_psql -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')" = t ] || fail "psql not over TLS"
ip="postgresql://claimkit@127.0.0.1:$PGC_PORT/ledger?sslmode=verify-full&sslrootcert=$work/ca.crt"
pm-push -q --to "$ip" in.ndjson >out 2>err || fail "verify-full by IP address: exit $? $(cat err)"

try_refused() {  # label uri
  pm-push --to "$2" in.ndjson >out 2>err
  local rc=$?
  [ "$rc" = 4 ] || fail "$1: exit $rc, want 4"
  grep -q 'cannot connect' err || fail "$1: message: $(head -2 err)"
  grep -q 'PCN-' err && fail "$1: a claim id in the messages"
  grep -c '"result":"failed"' out | grep -qx 50 || fail "$1: not every record failed"
}
try_refused "another CA" "postgresql://claimkit@localhost:$PGC_PORT/ledger?sslmode=verify-full&sslrootcert=$work/otherca.crt"
grep -q 'certificate verify failed' err || fail "another CA: not a certificate failure: $(head -2 err)"
try_refused "wrong host" "postgresql://claimkit@wrong.example:$PGC_PORT/ledger?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert=$work/ca.crt"
grep -q 'does not match host name' err || fail "wrong host: not a host name failure: $(head -2 err)"
try_refused "no TLS" "postgresql://claimkit@localhost:$PGC_PORT/ledger?sslmode=disable"
# verify-full without a CA file refuses too (libpq wants ~/.postgresql/root.crt).
try_refused "no CA file" "postgresql://claimkit@localhost:$PGC_PORT/ledger?sslmode=verify-full"

printf '{"type":"claim","claim_id":"PCN-000001","payer_id":"P1","billed_amount":10.00,"submitted_date":"2026-02-12"}\n' >open.ndjson
claim-age --as-of 2026-11-23 --ledger "$good" open.ndjson >age 2>err || [ $? = 1 ] || fail "claim-age over TLS: $(cat err)"
claim-age --as-of 2026-11-23 --ledger "postgresql://claimkit@localhost:$PGC_PORT/ledger?sslmode=verify-full&sslrootcert=$work/otherca.crt" \
  open.ndjson >age 2>err
[ $? = 4 ] || fail "claim-age with another CA: not exit 4"
echo ok
