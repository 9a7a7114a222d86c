#!/usr/bin/env bash
# claim-age against a reference model (claim_age_reference.py) on generated
# claims: exact amounts (extreme ones included), rejections, the ledger
# precedence rule, aging report and payer scorecard figures.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$bin/claim-age" ] || { echo "skipped: claim-age not built"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claim-age-reference.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
for seed in 1 2 3; do
  rm -f "$work"/*
  python3 "$here/claim_age_reference.py" "$bin" "$work" "$seed" 3000 || status=1
done
exit $status
