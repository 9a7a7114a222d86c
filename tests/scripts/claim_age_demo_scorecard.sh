#!/usr/bin/env bash
# The bundled demo (scripts/demo) ends in the payer scorecard: its rows are
# the claims' payers (the 277CA's clearinghouse, SCH0001, is not a row),
# and the paid Evergreen claims give a days-to-pay median from the
# submission dates of the claims export.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in x12-parse status-normalize pm-push claim-age; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/claim-age-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_STATE_HOME="$work/state"
fail() { echo "FAIL: $*"; cat "$work/out.txt"; exit 1; }

LC_ALL=C CLAIMKIT_BIN="$bin" CLAIMKIT_BUILD_DIR="$work/build" timeout 60 "$src/scripts/demo" >"$work/out.txt" 2>&1 ||
  fail "demo exit $?"
header=$(grep '^PAYER ' "$work/out.txt") || fail "no payer table"
echo "$header" | grep -q 'DAYS TO PAY' || fail "no days-to-pay column"
grep -q '^SCH0001 ' "$work/out.txt" && fail "the clearinghouse got a payer row"
# NW-10001 (submitted 2026-10-05, paid 2026-11-10: 36 days) and NW-10006
# (2026-10-14, paid 2026-11-08: 25 days): median 30.5, 90th percentile 36.
row=$(grep '^60054 ' "$work/out.txt") || fail "no row for payer 60054"
echo "$row" | grep -Eq ' 30\.5 +36 ' || fail "60054 days to pay: $row"
grep -q '^71430 ' "$work/out.txt" || fail "no row for payer 71430"
grep -Eq '^[0-9A-Z]+ +0 ' "$work/out.txt" && fail "a payer row without claims"
echo ok
