#!/usr/bin/env bash
# pm-push --to postgresql:// through faults, against a real server started
# here: kill -9 of pm-push in the middle of a run, then a rerun: every record
# in the ledger exactly once, and the journal table has all of them done; the
# server restarted in the middle of a run: the run stops with exit 4 (no
# claim id in its messages) and a rerun completes it, again exactly once.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
. "$src/tests/lib/pg_cluster.sh"
pg_cluster_find || { echo "skipped: no PostgreSQL server binaries (initdb, pg_ctl)"; exit 77; }
command -v psql >/dev/null || { echo "skipped: no psql"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pg-faults.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; pg_cluster_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1
export HOME="$work" XDG_STATE_HOME="$work/state" PATH="$bin:$PATH"
unset PGPASSWORD PGPASSFILE PGSERVICE CLAIMKIT_CONFIG
fail() { echo "FAIL: $*"; exit 1; }
pg_cluster_start -c fsync=off || fail "cannot start a PostgreSQL cluster"
q() { pgc_psql -c "$1"; }
n=20000
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson

# Waits until the history has at least $1 rows or pm-push ended.
wait_rows() {
  for _ in $(seq 1 3000); do
    rows=$(q 'SELECT count(*) FROM status_history' 2>/dev/null || echo 0)
    [ "${rows:-0}" -ge "$1" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

check_all() {  # label
  [ "$(q 'SELECT count(*) FROM status_history')" = $n ] || fail "$1: history rows, want $n"
  [ "$(q 'SELECT count(DISTINCT key) FROM status_history')" = $n ] || fail "$1: keys"
  [ "$(q 'SELECT count(*) FROM claims')" = $n ] || fail "$1: claims rows"
  [ "$(q "SELECT count(*) FROM journal WHERE state = 'done'")" = $n ] || fail "$1: journal not all done"
  [ "$(q "SELECT count(*) FROM journal")" = $n ] || fail "$1: journal rows"
}

# kill -9, twice at different points.
for round in 1 2; do
  q 'DROP TABLE IF EXISTS claims, status_history, batch_events, line_followups, journal, ledger_meta, ledger_schema' 2>/dev/null
  pm-push -q --to "$PGC_URI" --batch 20 in.ndjson >out1 &
  pid=$!
  wait_rows $((round * 3000))
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
  before=$(q 'SELECT count(*) FROM status_history')
  [ "$before" -lt $n ] || { echo "round $round: finished before the kill; skipped"; continue; }
  # Ledger and journal agree at any instant: they commit together.
  [ "$(q "SELECT count(*) FROM journal WHERE state = 'done'")" = "$before" ] || fail "journal and ledger disagree"
  echo "round $round: killed with $before of $n rows"
  pm-push -q --to "$PGC_URI" in.ndjson >out2 || fail "rerun exit $?"
  check_all "kill round $round"
  applied=$(grep -c '"result":"applied"' out2)
  dup=$(grep -c '"result":"duplicate"' out2)
  [ $((applied + dup)) = $n ] || fail "round $round: rerun results $applied + $dup"
  [ "$applied" = $((n - before)) ] || fail "round $round: rerun applied $applied, want $((n - before))"
  grep '"result":"duplicate"' out2 | grep -qv 'already pushed (journal)' && fail "a duplicate not found in the journal table"
done

# The server restarts in the middle of a run.
q 'DROP TABLE IF EXISTS claims, status_history, batch_events, line_followups, journal, ledger_meta, ledger_schema'
pm-push --to "$PGC_URI" --batch 20 --rejects rej.ndjson in.ndjson >out3 2>err3 &
pid=$!
wait_rows 2000 || fail "the run ended before the restart"
pg_cluster_restart -m fast || fail "restart"
wait "$pid"
rc=$?
pid=
[ "$rc" = 4 ] || { cat err3; fail "run across a restart: exit $rc, want 4"; }
grep -q 'connection' err3 || fail "no connection message: $(head -3 err3)"
grep -q 'PCN-' err3 && fail "a claim id in the messages"
[ "$(wc -l <out3)" = $n ] || fail "not every record reported: $(wc -l <out3)"
before=$(q 'SELECT count(*) FROM status_history')
[ "$before" -lt $n ] || fail "all rows in before the restart"
echo "restart: stopped with $before of $n rows"
pm-push -q --to "$PGC_URI" in.ndjson >out4 || fail "rerun after restart exit $?"
check_all "restart"
[ "$(grep -c '"result":"applied"' out4)" = $((n - before)) ] || fail "rerun after restart applied the wrong number"
# The rejects of the stopped run are accepted again: all duplicates now.
pm-push -q --to "$PGC_URI" rej.ndjson >out5 || fail "rejects rerun exit $?"
grep -q '"result":"applied"' out5 && fail "a reject applied twice"
check_all "rejects rerun"
echo ok
