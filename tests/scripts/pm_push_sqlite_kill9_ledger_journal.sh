#!/usr/bin/env bash
# Exactly once through the marks kept in the ledger (its own rows, no
# --journal): kill -9 in the middle of a large push, then rerun. The rerun
# adds no duplicate history row, loses no status, and reports every record
# committed before the kill as done by the journal. No mark is kept apart
# (no push_journal table, no journal file). A dry run reads the marks in the
# ledger. Marks of the default journal file of earlier versions still count
# (read, never written).
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
command -v sqlite3 >/dev/null || { echo "no sqlite3 shell"; exit 77; }
command -v sha256sum >/dev/null || { echo "no sha256sum"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-kill9-lj.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state"
fail() { echo "FAIL: $*"; exit 1; }
q() { sqlite3 -batch ledger.db "$1"; }
n=30000
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson

killed=0
for round in 1 2 3; do
  rm -rf ledger.db* out* state
  pm-push -q --to sqlite:ledger.db --batch 10 in.ndjson >out1 &
  pid=$!
  for _ in $(seq 1 1000); do
    rows=$(q 'SELECT count(*) FROM status_history' 2>/dev/null || echo 0)
    [ "${rows:-0}" -ge $((round * 2000)) ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
  before=$(q 'SELECT count(*) FROM status_history')
  [ "$before" -lt $n ] || { echo "round $round: finished before the kill; skipped"; continue; }
  killed=$((killed + 1))
  echo "round $round: killed with $before of $n rows"
  [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'push_journal'")" = 0 ] || fail "marks kept apart"
  pm-push -q --to sqlite:ledger.db in.ndjson >out2 || fail "rerun exit $?"
  [ "$(q 'SELECT count(*) FROM status_history')" = $n ] || fail "round $round: history rows, want $n"
  [ "$(q 'SELECT count(DISTINCT key) FROM status_history')" = $n ] || fail "round $round: duplicate history rows"
  [ "$(q 'SELECT count(*) FROM claims')" = $n ] || fail "round $round: claims rows"
  applied=$(grep -c '"result":"applied"' out2)
  dup=$(grep -c '"message":"already pushed (journal)"' out2)
  [ "$applied" = $((n - before)) ] || fail "round $round: rerun applied $applied, want $((n - before))"
  [ "$dup" = "$before" ] || fail "round $round: rerun found $dup done in the journal, want $before"
  q 'PRAGMA integrity_check' | grep -qx ok || fail "integrity"
  [ -z "$(find state -name '*.journal' 2>/dev/null)" ] || fail "a journal file was made"
done
[ "$killed" -ge 1 ] || fail "no round was killed mid-run"

# A dry run reads the marks in the ledger: nothing would be sent.
pm-push -q --to sqlite:ledger.db --dry-run in.ndjson >dry.out || fail "dry run exit $?"
[ "$(grep -c '"would":"skip"' dry.out)" = $n ] || fail "dry run does not see the marks in the ledger"

# Upgrade: marks in the default journal file (where earlier versions kept
# them) still count as done, and that file is not written.
rm -rf ledger.db* state
head -n 100 in.ndjson >first.ndjson
# journal::default_path: 32 hex digits of SHA-256 over the canonical path.
hash=$(printf 'sqlite:%s/ledger.db' "$(realpath .)" | sha256sum | cut -c1-32)
old="$XDG_STATE_HOME/claimkit/journal/sqlite-$hash.journal"
pm-push -q --to sqlite:ledger.db --journal "$old" first.ndjson >up1 || fail "earlier-style run exit $?"
# The rows of that run gone (a ledger restored from before it): only the
# old file's marks can say those records were done.
sqlite3 ledger.db 'DELETE FROM status_history; DELETE FROM claims' || fail "reset ledger"
sum=$(sqlite3 "$old" "SELECT count(*), max(updated_at) FROM journal")
pm-push -q --to sqlite:ledger.db in.ndjson >up2 || fail "upgraded run exit $?"
[ "$(grep -c '"message":"already pushed (journal)"' up2)" = 100 ] || fail "the old default journal file was not read"
[ "$(grep -c '"result":"applied"' up2)" = $((n - 100)) ] || fail "upgraded run: applied"
[ "$(sqlite3 "$old" "SELECT count(*), max(updated_at) FROM journal")" = "$sum" ] || fail "the old journal file was written"
echo ok
