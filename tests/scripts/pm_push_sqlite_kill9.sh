#!/usr/bin/env bash
# kill -9 in the middle of a large push to the sqlite ledger, then rerun:
# every record is in the ledger exactly once and the journal shows all done.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
command -v sqlite3 >/dev/null || { echo "no sqlite3 shell"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-kill9.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH"
fail() { echo "FAIL: $*"; exit 1; }
n=30000
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson

for round in 1 2 3; do
  rm -f ledger.db* j.db* out*
  pm-push -q --to sqlite:ledger.db --journal j.db --batch 20 in.ndjson >out1 &
  pid=$!
  # Kill once some batches are committed, but before the end.
  for _ in $(seq 1 500); do
    rows=$(sqlite3 -batch ledger.db 'SELECT count(*) FROM status_history' 2>/dev/null || echo 0)
    [ "${rows:-0}" -ge $((round * 2000)) ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
  before=$(sqlite3 -batch ledger.db 'SELECT count(*) FROM status_history')
  [ "$before" -lt $n ] || { echo "round $round: finished before the kill; skipped"; continue; }
  echo "round $round: killed with $before of $n rows"
  pm-push -q --to sqlite:ledger.db --journal j.db in.ndjson >out2 || fail "rerun exit $?"
  rows=$(sqlite3 -batch ledger.db 'SELECT count(*) FROM status_history')
  [ "$rows" = $n ] || fail "round $round: $rows history rows, want $n"
  [ "$(sqlite3 -batch ledger.db 'SELECT count(DISTINCT key) FROM status_history')" = $n ] || fail "keys"
  [ "$(sqlite3 -batch ledger.db 'SELECT count(*) FROM claims')" = $n ] || fail "claims rows"
  applied=$(grep -c '"result":"applied"' out2)
  dup=$(grep -c '"result":"duplicate"' out2)
  [ $((applied + dup)) = $n ] || fail "round $round: rerun results $applied + $dup"
  [ "$applied" = $((n - before)) ] || fail "round $round: rerun applied $applied, want $((n - before))"
  [ "$(sqlite3 -batch j.db "SELECT count(*) FROM journal WHERE state='done'")" = $n ] || fail "journal not all done"
  sqlite3 -batch ledger.db 'PRAGMA integrity_check' | grep -qx ok || fail "integrity"
done
echo ok
