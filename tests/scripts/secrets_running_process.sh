#!/usr/bin/env bash
# While claim-query submit is busy with a slow clearinghouse, its command line
# (/proc/PID/cmdline) holds no credential, core dumps are off for it
# (/proc/PID/limits), and SIGTERM ends it promptly.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
[ -x "$bin/claim-query" ] || { echo "skipped: claim-query not built"; exit 77; }
[ -d /proc/self ] || { echo "skipped: no /proc"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-secrets.XXXXXX")
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
python3 "$src/tests/servers/fake_clearinghouse.py" --port-file port --lifetime 60 --flavour optum \
  --client-id cid --client-secret S3cretCanary42 --slow-seconds 20 --fault C1=slow >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || fail "fake server did not start"
port=$(cat port)
printf '%s\n' '{"type":"claim","claim_id":"C1","payer_id":"60054","provider":{"npi":"1234567893","name":"TEST"},"subscriber":{"member_id":"M1","first_name":"A","last_name":"B","dob":"1980-01-02"},"service_from":"2026-01-05","billed_amount":1.00}' >claims.ndjson
CLAIMKIT_OPTUM_CLIENT_ID=cid CLAIMKIT_OPTUM_CLIENT_SECRET=S3cretCanary42 CLAIMKIT_CONFIG=$work/none HOME=$work \
  "$bin/claim-query" submit --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" \
  --token-url "http://127.0.0.1:$port/apip/auth/v2/token" claims.ndjson >out 2>err &
pid=$!
for _ in $(seq 50); do [ -r "/proc/$pid/cmdline" ] && break; sleep 0.1; done
sleep 1
kill -0 "$pid" 2>/dev/null || fail "claim-query ended before it could be inspected"
tr '\0' ' ' <"/proc/$pid/cmdline" >cmdline
grep -q 'S3cretCanary42' cmdline && fail "the secret is on the command line"
grep -q 'submit' cmdline || fail "could not read the command line"
core=$(awk '/Max core file size/ {print $5}' "/proc/$pid/limits")
[ "$core" = 0 ] || fail "core dumps allowed (soft limit $core)"
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "still running 5 s after SIGTERM"
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] || fail "exit 0 after SIGTERM"
grep -q 'S3cretCanary42' err out && fail "the secret was printed"
echo "ok: no secret on the command line, no core dumps, SIGTERM honoured (exit $rc)"
