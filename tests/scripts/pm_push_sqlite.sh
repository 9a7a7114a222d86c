#!/usr/bin/env bash
# pm-push --to sqlite: the ledger read back with the sqlite3 shell; same
# input twice adds no history; a weaker status stays out of the claims row,
# flagged in the history; rejects are accepted again; the ledger is readable while pm-push writes it;
# the exactly-once marks are in the ledger, so two runs on one ledger may overlap.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
command -v sqlite3 >/dev/null || { echo "no sqlite3 shell"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-sqlite.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export XDG_STATE_HOME="$work/state" PATH="$bin:$PATH"
umask 022
fail() { echo "FAIL: $*"; exit 1; }
q() { sqlite3 -batch -noheader ledger.db "$1"; }

in="$src/examples/pm-push/normalized.ndjson"
pm-push -q --to sqlite:ledger.db "$in" >out1 || fail "first run exit $?"
[ "$(grep -c '"result":"applied"' out1)" = 4 ] || fail "first run: not 4 applied"
[ "$(q 'PRAGMA user_version')" = 5 ] || fail "user_version"
[ "$(q 'PRAGMA journal_mode')" = wal ] || fail "not WAL"
[ "$(q 'SELECT count(*) FROM claims')" = 4 ] || fail "claims rows"
[ "$(q 'SELECT count(*) FROM status_history')" = 4 ] || fail "history rows"
[ "$(q "SELECT state||'|'||category||'|'||code||'|'||effective_date||'|'||channel||'|'||billed_amount||'|'||paid_amount FROM claims WHERE claim_id='PCN-10001'")" = \
  "paid|F1|65|2026-03-02|x12|240.00|180.50" ] || fail "claims row content"
[ "$(q "SELECT source_file||'|'||interchange||'|'||group_control||'|'||transaction_control||'|'||payer_claim_id FROM status_history WHERE claim_id='PCN-10002'")" = \
  "status-0302.277|000000811|811|0001|PX7700002" ] || fail "history control numbers"
[ "$(q "SELECT reference FROM status_history WHERE claim_id='PCN-10004'")" = WEB-55120 ] || fail "reference"
q "SELECT written_at FROM status_history" | grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' && fail "written_at not RFC 3339"
perm=$(stat -c %a ledger.db); [ "$perm" = 600 ] || fail "ledger mode $perm"
# The marks are the ledger's rows: no journal file, no table of marks.
[ -z "$(find state -name '*.journal' 2>/dev/null)" ] || fail "a journal file was made: $(find state -type f)"
[ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'push_journal'")" = 0 ] || fail "a push_journal table was made"

# Same input twice: no new history rows, every record a duplicate.
pm-push --to sqlite:ledger.db "$in" >out2 2>err2 || fail "second run exit $?"
[ "$(grep -c '"result":"duplicate"' out2)" = 4 ] || fail "second run: not 4 duplicates"
[ "$(q 'SELECT count(*) FROM status_history')" = 4 ] || fail "history grew on rerun"
grep -q '^pm-push: 4 records: 0 applied, 4 duplicate, 0 failed, 0 unknown (sqlite)$' err2 || fail "summary line"
# Without the journal the ledger's own unique key still dedupes.
pm-push -q --to sqlite:ledger.db --journal other.journal "$in" >out3 || fail "third run"
[ "$(grep -c '"result":"duplicate"' out3)" = 4 ] || fail "ledger dedupe without journal"
[ "$(q 'SELECT count(*) FROM status_history')" = 4 ] || fail "history grew without journal"
# A ledger written by an earlier version kept done marks in push_journal:
# they still count (read, never written).
cat >legacy.ndjson <<'JSON'
{"type":"claim_status","claim_id":"PCN-LEGACY","statuses":[{"category":"A1","code":"20","effective_date":"2026-03-01"}],"source":{"channel":"api"},"state":"acknowledged"}
JSON
key=$(pm-push -q --dry-run --to sqlite:ledger.db legacy.ndjson | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || fail "no key in the dry run"
id=$(q "SELECT value FROM ledger_meta WHERE name = 'ledger_id'")
q "CREATE TABLE push_journal (target TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL,
   attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
   PRIMARY KEY (target, key)) WITHOUT ROWID;
   INSERT INTO push_journal VALUES ('sqlite:$id', '$key', 'done', 1, NULL, 'x', 'x')"
pm-push -q --to sqlite:ledger.db legacy.ndjson >out5 || fail "legacy mark run exit $?"
grep -q '"result":"duplicate".*already pushed (journal)' out5 || fail "an earlier version's mark not read"
[ "$(q 'SELECT count(*) FROM push_journal')" = 1 ] || fail "push_journal written"
[ "$(q "SELECT count(*) FROM status_history WHERE claim_id = 'PCN-LEGACY'")" = 0 ] || fail "legacy-marked status written"
q "DROP TABLE push_journal"

# paid -> status-less with a later date: weaker, kept in the history only,
# flagged; then paid -> pending, coded and later: the claim moves.
cat >back.ndjson <<'JSON'
{"type":"claim_status","claim_id":"PCN-10001","effective_date":"2026-03-08","source":{"channel":"x12","interchange":"000000999"},"state":"unknown"}
JSON
pm-push --to sqlite:ledger.db back.ndjson >out4 2>err4 || fail "weaker run exit $?"
grep -q '"result":"applied".*"message":"kept in the ledger history, not applied: weaker evidence' out4 || fail "weaker not reported"
grep -q '; 1 kept in the history only (weaker or older than the current status)$' err4 || fail "summary does not count it"
[ "$(q "SELECT state||'|'||regressed||'|'||not_applied FROM status_history WHERE claim_id='PCN-10001' ORDER BY id DESC LIMIT 1")" = "unknown|1|weaker" ] || fail "not_applied flag"
[ "$(q "SELECT state FROM claims WHERE claim_id='PCN-10001'")" = paid ] || fail "claims moved on weaker evidence"
cat >back.ndjson <<'JSON'
{"type":"claim_status","claim_id":"PCN-10001","statuses":[{"category":"P1","code":"20","effective_date":"2026-03-09"}],"source":{"channel":"api"},"state":"pending","action":"wait","queue":"follow-up"}
JSON
pm-push --to sqlite:ledger.db back.ndjson >out4 2>err4 || fail "newer run exit $?"
grep -q '"message"' out4 && fail "a newer coded status flagged"
[ "$(q "SELECT state||'|'||regressed FROM status_history WHERE claim_id='PCN-10001' ORDER BY id DESC LIMIT 1")" = "pending|0" ] || fail "regressed flag"
[ "$(q "SELECT state FROM claims WHERE claim_id='PCN-10001'")" = pending ] || fail "claims not updated"

# Bad records: failed, into --rejects and --errors; the rejects file is input again.
printf '%s\n' '{"type":"claim_status","claim_id":"PCN-20001","source":{"channel":"phone"},"text":"paid"}' \
  '{"type":"batch_status","statuses":[]}' 'not json' >bad.ndjson
pm-push --to sqlite:ledger.db --rejects rej.ndjson --errors err.ndjson bad.ndjson >out5 2>err5
code=$?; [ "$code" = 1 ] || fail "bad records exit $code"
[ "$(grep -c '"result":"failed"' out5)" = 2 ] || fail "bad records not failed"
grep -q '"kind":"missing_field","result":"failed","message":"batch_status without level"' rej.ndjson || fail "batch_status without level"
[ "$(wc -l <rej.ndjson)" = 2 ] || fail "rejects lines"
[ "$(stat -c %a rej.ndjson)" = 600 ] || fail "rejects mode"
[ "$(wc -l <err.ndjson)" = 3 ] || fail "errors lines"
grep -q 'PCN-20001' err5 && fail "claim id leaked to stderr"
# Fix the record in the rejects file and feed it back.
sed 's/"text":"paid"}/"text":"paid","state":"paid"}/' rej.ndjson | head -1 >fixed.ndjson
pm-push -q --to sqlite:ledger.db fixed.ndjson >out6 || fail "fixed reject not accepted"
grep -q '"claim_id":"PCN-20001","target":"sqlite","result":"applied"' out6 || fail "fixed reject not applied"

# Readable by the sqlite3 shell while pm-push writes a large input.
python3 "$src/tests/servers/fake_pm.py" --gen 20000 >big.ndjson
pm-push -q --to sqlite:big.db --batch 50 big.ndjson >big.out &
pid=$!
reads=0
for _ in $(seq 1 200); do
  kill -0 "$pid" 2>/dev/null || break
  if [ -f big.db ] && sqlite3 -batch big.db 'SELECT count(*) FROM status_history' >/dev/null 2>&1; then
    reads=$((reads + 1))
  fi
  sleep 0.02
done
# A second run on the same ledger while the first is going: its marks are in
# the ledger, each batch one transaction, so both finish and every status
# is written once, by one run or the other.
pm-push -q --to sqlite:big.db --batch 50 big.ndjson >overlap.out 2>overlap.err || fail "overlapping run exit $?"
wait "$pid" || fail "big run exit $?"
[ "$(sqlite3 big.db 'SELECT count(*) FROM status_history')" = 20000 ] || fail "big: history rows"
a1=$(grep -c '"result":"applied"' big.out)
a2=$(grep -c '"result":"applied"' overlap.out)
[ $((a1 + a2)) = 20000 ] || fail "big: applied results $a1 + $a2"
[ "$(grep -c '"result":"duplicate"' overlap.out)" = $((20000 - a2)) ] || fail "overlap: results"
[ "$(sqlite3 big.db 'SELECT count(DISTINCT key) FROM status_history')" = 20000 ] || fail "big: duplicate rows"
# A run on the same journal file while another is going is refused.
pm-push -q --to sqlite:big.db --journal lock.journal --batch 1 big.ndjson >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do [ -s lock.journal ] && break; sleep 0.02; done
pm-push -q --to sqlite:big.db --journal lock.journal big.ndjson >/dev/null 2>lock.err
code=$?
if kill -0 "$pid" 2>/dev/null; then
  [ "$code" = 3 ] || fail "second run on a journal file: exit $code"
  grep -q 'in use by another pm-push run' lock.err || fail "journal file in use: message"
fi
wait "$pid" || fail "journal file run exit $?"
echo "concurrent reads during the run: $reads"
echo ok
