#!/usr/bin/env bash
# scripts/bench-status-normalize still runs and reports its figures (on a
# small input, so the test stays fast; the figure itself is not judged here:
# shared test machines make it meaningless).
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/status-normalize" ] || { echo "skipped: status-normalize not built"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-bench-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$(TMPDIR=$work timeout 50 bash "$src/scripts/bench-status-normalize" "$bin" 20000 2>&1) || { echo "$out"; echo "FAIL: bench exited non-zero"; exit 1; }
echo "$out"
fail=0
for want in "records: 20000" "records/s per core" "peak RSS:"; do
  grep -q "$want" <<<"$out" || { echo "FAIL: no '$want' in the report"; fail=1; }
done
# The generated records are valid input: every one normalizes.
n=$("$bin/status-normalize" --errors "$work/rejects" "$work"/claimkit-bench-status-20000.ndjson | grep -c '"state":')
[ "$n" = 20000 ] || { echo "FAIL: $n of 20000 records normalized"; fail=1; }
exit $fail
