#!/usr/bin/env bash
# Quick start command 1 (scripts/demo) over the built tools: it prints the
# pipeline counts, the aging table and where the ledger is, nothing on
# stderr; run again, it adds nothing to the ledger and prints the same table.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in x12-parse status-normalize pm-push claim-age; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
demo() { CLAIMKIT_BUILD_DIR=$work/build CLAIMKIT_BIN=$bin timeout 60 "$src/scripts/demo" </dev/null; }

demo >"$work/out1" 2>"$work/err1" || { cat "$work/out1" "$work/err1"; fail "demo exit $?"; }
[ ! -s "$work/err1" ] || { cat "$work/err1"; fail "demo wrote to stderr"; }
grep -q -- '-> 9 claim statuses, 1 batch status, 3 acknowledgments' "$work/out1" || { cat "$work/out1"; fail "x12-parse line"; }
grep -q -- '-> 13 applied, 0 already in the ledger' "$work/out1" || { cat "$work/out1"; fail "pm-push line"; }
grep -q '^Aging report as of 2026-11-23 by payer' "$work/out1" || fail "no aging table"
# 9 open claims of 6,291.00 and the denied NW-10002 (1,250.00), which needs work.
grep -q '^TOTAL  *10  *7,541.00  *100.0%' "$work/out1" || { cat "$work/out1"; fail "aging totals"; }
grep -q "^Ledger:   $work/build/demo/ledger.db$" "$work/out1" || fail "ledger location"
grep -q "sqlite3 $work/build/demo/ledger.db 'SELECT" "$work/out1" || fail "how to look at the ledger"
if command -v sqlite3 >/dev/null; then
  [ "$(sqlite3 "$work/build/demo/ledger.db" 'SELECT count(*) FROM claims')" -eq 9 ] || fail "ledger claims"
fi
[ "$(stat -c %a "$work/build/demo")" = 700 ] || fail "demo output directory is not private"

demo >"$work/out2" 2>"$work/err2" || { cat "$work/out2" "$work/err2"; fail "second demo exit $?"; }
[ ! -s "$work/err2" ] || { cat "$work/err2"; fail "second demo wrote to stderr"; }
grep -q -- '-> 0 applied, 13 already in the ledger' "$work/out2" || { cat "$work/out2"; fail "second run wrote again"; }
diff <(sed -n '/^Aging report/,$p' "$work/out1") <(sed -n '/^Aging report/,$p' "$work/out2") >/dev/null ||
  fail "the second run's table differs"
echo "ok: demo runs twice with the same table"
