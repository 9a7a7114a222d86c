#!/usr/bin/env bash
# claimkit-inbox and files that are not whole, and payers that reject:
# - a 277 cut off mid-claim arrives after a complete 277 gave the claim a
#   final status (denied): it goes to failed/, nothing of it is pushed (the
#   ledger keeps every claim as it was), and the run exits 1;
# - an intact copy of the same file delivered later is processed (not a
#   duplicate of the cut-off one) into done/;
# - --accept-partial pushes the good transactions of a broken file, which
#   still goes to failed/;
# - a 999 that rejects claim sets and a 277CA that rejects claims each give
#   one stderr line (counts and the file name, no claim data) with exit 0;
# - the ledger names each file by its path in done/, never work/.
set -u
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/inbox_test.sh"
inbox_setup inbox-partial sqlite3
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inbox"
x=$src/examples/x12
ledger=$work/ledger.db
run() {  # run OUT [ARGS...]
  local out=$1
  shift
  env -i PATH=/usr/bin:/bin HOME="$work/home" timeout -k 5 60 "$work/bin/claimkit-inbox" \
    --to "sqlite:$ledger" "$@" "$work/inbox" </dev/null >"$out" 2>&1
}
q() { sqlite3 "$ledger" "$1"; }

# 1. The complete 277: NW-10002 denied.
cp "$x/evergreen-status.277" "$work/inbox/first.277"
run "$work/out1"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/out1" ] || { cat "$work/out1"; fail "first run exit $rc"; }
[ "$(q "SELECT state FROM claims WHERE claim_id = 'NW-10002'")" = denied ] || fail "NW-10002 not denied"
history=$(q 'SELECT count(*) FROM status_history')

# 2. A later 277 (another interchange), cut off right after NW-10002's TRN.
later() { sed 's/4301/4399/g' "$x/evergreen-status.277"; }
later | awk 'BEGIN { RS = "~"; ORS = "~" } { print } /TRN\*2\*NW-10002$/ { exit }' >"$work/inbox/second.277"
grep -q 'TRN\*2\*NW-10002~$' "$work/inbox/second.277" && ! grep -q '~~' "$work/inbox/second.277" || fail "the cut-off file"
run "$work/out2"
rc=$?
[ $rc -eq 1 ] || { cat "$work/out2"; fail "cut-off file: exit $rc, want 1"; }
[ -f "$work/inbox/failed/second.277/second.277" ] || { ls -R "$work/inbox"; fail "cut-off file not in failed/"; }
[ ! -e "$work/inbox/done/second.277" ] || fail "cut-off file in done/"
grep -q 'nothing pushed' "$work/inbox/failed/second.277/failure" || fail "failure note: $(cat "$work/inbox/failed/second.277/failure")"
[ ! -s "$work/inbox/failed/second.277/push.ndjson" ] || fail "the cut-off file was pushed"
# x12-parse's records stay beside a file that failed in x12-parse (its
# incomplete record among them); a clean file has them in normalized.ndjson.
grep -q '"incomplete":true' "$work/inbox/failed/second.277/status.ndjson" ||
  fail "x12-parse's records not beside the cut-off file"
[ ! -e "$work/inbox/done/first.277/status.ndjson" ] || fail "status.ndjson beside a clean file"
[ "$(grep -c '"type":"claim_status"' "$work/inbox/done/first.277/normalized.ndjson")" -eq 6 ] ||
  fail "the clean file's normalized.ndjson"
[ "$(q 'SELECT count(*) FROM status_history')" -eq "$history" ] || fail "the cut-off file changed the history"
[ "$(q "SELECT state FROM claims WHERE claim_id = 'NW-10002'")" = denied ] || fail "NW-10002 moved off denied"
grep -q 'failed/second.277/' "$work/out2" || { cat "$work/out2"; fail "the failed file is not named"; }

# 3. The intact copy of the same file: processed, written, in done/.
later >"$work/inbox/second.277"
run "$work/out3"
rc=$?
[ $rc -eq 0 ] || { cat "$work/out3"; fail "intact copy: exit $rc"; }
[ -f "$work/inbox/done/second.277.2/second.277" ] || { ls -R "$work/inbox"; fail "intact copy not in done/ (as second.277.2: failed/ has the name)"; }
grep -q '"result":"applied"' "$work/inbox/done/second.277.2/push.ndjson" || fail "intact copy was not applied"
[ "$(q 'SELECT count(*) FROM status_history')" -gt "$history" ] || fail "intact copy not in the history"

# 4. --accept-partial: the good transactions of a broken file are pushed.
# (an invalid segment identifier inside the transaction: an X12 error)
sed 's/4301/4398/g; s/NW-1000/PP-1000/g; s/^SE\*59\*0001/#!*BAD~\nSE*60*0001/' "$x/evergreen-status.277" \
  >"$work/inbox/third.277"
run "$work/out4" --accept-partial
rc=$?
[ $rc -eq 1 ] || { cat "$work/out4"; fail "broken file with --accept-partial: exit $rc, want 1"; }
[ -f "$work/inbox/failed/third.277/third.277" ] || fail "broken file not in failed/ with --accept-partial"
[ "$(q "SELECT count(*) FROM claims WHERE claim_id LIKE 'PP-%'")" -eq 6 ] || fail "--accept-partial did not push the good transaction"

# 5. Payer rejections: one line per file on stderr, exit 0, no claim data.
cp "$x/summit-837.999" "$work/inbox/batch.999"
cp "$x/summit-ack.277ca" "$work/inbox/ack.277ca"
run "$work/out5"
rc=$?
[ $rc -eq 0 ] || { cat "$work/out5"; fail "rejections: exit $rc, want 0"; }
grep -q '^claimkit-inbox: batch.999: payer rejections: 0 claim(s), [1-9][0-9]* acknowledgment' "$work/out5" ||
  { cat "$work/out5"; fail "no line for the rejecting 999"; }
grep -q '^claimkit-inbox: ack.277ca: payer rejections: [1-9][0-9]* claim(s)' "$work/out5" ||
  { cat "$work/out5"; fail "no line for the rejecting 277CA"; }
[ "$(wc -l <"$work/out5")" -eq 2 ] || { cat "$work/out5"; fail "want one line per file"; }
for v in NW-10 EMH ABLE BAKER 1234567893; do grep -q -- "$v" "$work/out5" && fail "claim data ($v) in the message"; done

# 6. The ledger names the files where they are now.
q 'SELECT DISTINCT source_file FROM status_history' >"$work/sources"
grep -qF "$work/inbox/work/" "$work/sources" && { cat "$work/sources"; fail "a work/ path in the ledger"; }
grep -qx "$work/inbox/done/first.277/first.277" "$work/sources" || { cat "$work/sources"; fail "first.277's done/ path not in the ledger"; }
while read -r f; do [ -f "$f" ] || fail "ledger names $f, which does not exist"; done <"$work/sources"
echo "ok: cut-off files fail without a push, intact copies go through, rejections are reported"
