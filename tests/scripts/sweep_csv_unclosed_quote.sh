#!/usr/bin/env bash
# claimkit-sweep reads CSV exports through the kit's one CSV reader (the one
# of claim-age and claim-query), which is linear whatever the quotes do: an
# export of 40,000 rows with a quote left open on its third line is read in
# seconds (regression: the sweep's own awk converter went quadratic, over two
# minutes), the row before it is still checked, and the run says clearly what
# was wrong, with a position and no record value.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in claim-age claim-query status-normalize pm-push; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
for c in python3 flock sqlite3; do command -v "$c" >/dev/null || { echo "skipped: $c missing"; exit 77; }; done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-sweep-csv.XXXXXX") || exit 1
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 "$src/tests/servers/fake_clearinghouse.py" --port-file "$work/port" --lifetime 60 --flavour optum &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "fake server did not start"
port=$(cat "$work/port")

mkdir -p "$work/bin" "$work/state"
cp "$src/scripts/claimkit-sweep" "$work/bin/"
for t in claim-age claim-query status-normalize pm-push; do ln -s "$bin/$t" "$work/bin/$t"; done
{
  echo "to = sqlite:$work/ledger.db"
  echo "work-dir = $work/state"
  echo "columns = claim_id=Claim #,provider.npi=NPI,subscriber.member_id=Member ID"
  echo "as-of = 2026-11-23"
  echo "url = http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/"
  echo "token-url = http://127.0.0.1:$port/apip/auth/v2/token"
} >"$work/sweep.conf"
chmod 0600 "$work/sweep.conf"

# 40,000 rows; the third line opens a quote that never closes.
python3 - "$work/open.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("Claim #,payer_id,NPI,Member ID,subscriber.first_name,subscriber.last_name,subscriber.dob,service_from,billed_amount,submitted_date\n")
    for i in range(1, 40001):
        first = '"QUINCY' if i == 2 else "QUINCY"
        f.write(f"QX-{i:06d},60054,1234567893,QM{i:08d},{first},ZELLWEGER,1970-01-01,2026-09-01,100.00,2026-09-02\n")
PY

start=$(date +%s%N)
env -i PATH="/usr/bin:/bin" HOME="$work" CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret \
  timeout 60 "$work/bin/claimkit-sweep" --config "$work/sweep.conf" "$work/open.csv" </dev/null >"$work/out" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" -ne 124 ] || fail "the sweep did not finish within 60 s"
[ "$ms" -lt 20000 ] || fail "the sweep took ${ms} ms on an unclosed quote"
[ "$rc" -eq 1 ] || { cat "$work/out"; fail "exit $rc, want 1 (a row rejected)"; }
grep -q 'open.csv:3: a quoted cell is not closed at the end of the input' "$work/out" ||
  { cat "$work/out"; fail "no clear message for the open quote"; }
grep -q 'convert-errors.ndjson: 1 invalid_csv' "$work/out" || { cat "$work/out"; fail "reject kind not reported"; }
log=$work/state/sweep.log
grep -q ' claims=1 due=1 statuses=1 ' "$log" || { cat "$log"; fail "the row before the open quote was not checked"; }
[ "$(sqlite3 "$work/ledger.db" 'SELECT count(*) FROM claims')" -eq 1 ] || fail "ledger"
for v in QUINCY ZELLWEGER QM0000 QX-0000 1970-01-01; do
  grep -q -- "$v" "$work/out" "$log" && fail "a record value ($v) in the sweep's messages"
done
echo "40,000 rows with an unclosed quote: exit $rc in ${ms} ms"
echo "ok"
