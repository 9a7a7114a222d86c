#!/usr/bin/env bash
# claim-age reads the ledger pm-push really writes (not only the documented
# schema): pm-push fills a ledger from the bundled examples, claim-age joins
# the open-claims export to it and builds the payer scorecard.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
[ -x "$bin/pm-push" ] && [ -x "$bin/claim-age" ] || { echo "skipped: pm-push or claim-age not built"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claim-age-ledger.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export HOME="$work" XDG_STATE_HOME="$work/state"
fail() { echo "FAIL: $*"; exit 1; }

timeout 30 "$bin/pm-push" -q --to sqlite:ledger.db "$src/examples/pm-push/normalized.ndjson" >/dev/null ||
  fail "pm-push could not fill the ledger"
before=$(sha256sum ledger.db)

timeout 30 "$bin/claim-age" --as-of 2026-11-23 --ledger ledger.db "$src/examples/claim-age/open-claims.ndjson" \
  >out.ndjson 2>err.txt || fail "claim-age exit $?: $(cat err.txt)"
# PCN-10001 is paid in the ledger: left out; PCN-10002 is denied there: work
# (an appeal), listed with the ledger's state and action.
grep -q '"claim_id":"PCN-10001"' out.ndjson && fail "a paid ledger claim was listed"
grep '"claim_id":"PCN-10002"' out.ndjson | grep -q '"state":"denied","action":"' ||
  fail "the denied ledger claim was not listed with its state and action"
# PCN-10003 was checked when pm-push ran (today, after 2026-11-23): not due.
grep '"claim_id":"PCN-10003"' out.ndjson | grep -q '"due":false' || fail "ledger last_checked not used"
# A claim the ledger does not know keeps its own state and check.
grep '"claim_id":"VC-20260915-04"' out.ndjson | grep -q '"due":false' || fail "record last_checked lost"
[ "$(wc -l <out.ndjson)" -eq 12 ] || fail "want 12 claims on the work list, got $(wc -l <out.ndjson)"

timeout 30 "$bin/claim-age" --as-of 2026-11-23 --ledger ledger.db --summary --by payer --format csv \
  "$src/examples/claim-age/open-claims.ndjson" >card.csv 2>err.txt || fail "scorecard exit $?: $(cat err.txt)"
head -n 1 card.csv | grep -q ',ledger_claims,denial_rate,median_days_to_pay,p90_days_to_pay,not_on_file_share' ||
  fail "no scorecard columns"
# NW001: one paid, one denied in the ledger; only the denied claim is on the
# work list, so its row counts one claim (the paid one is not in the report).
grep -q '^NW001,1,' card.csv || fail "NW001's row should count its one denied claim: $(grep NW001 card.csv)"
grep -q '^TOTAL,' card.csv || fail "no TOTAL row"

[ "$before" = "$(sha256sum ledger.db)" ] || fail "claim-age changed the ledger"
echo "ok"
