#!/usr/bin/env bash
# Several pm-push runs write one PostgreSQL ledger at once (a real server
# started here), with overlapping inputs in different orders, as a team's
# machines would: every status is in the history exactly once (never twice,
# never lost), each record's push_result is applied in exactly one run and a
# duplicate in the others, and each claim's current status is the one a
# reference model in this test picks (all statuses coded, distinct dates: the
# newest wins whatever the order). The runs share the default journal
# location, which is no longer a file but the database's journal table.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
. "$src/tests/lib/pg_cluster.sh"
pg_cluster_find || { echo "skipped: no PostgreSQL server binaries (initdb, pg_ctl)"; exit 77; }
command -v psql >/dev/null || { echo "skipped: no psql"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pg-concurrent.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1
export HOME="$work" XDG_STATE_HOME="$work/state" PATH="$bin:$PATH"
unset PGPASSWORD PGPASSFILE PGSERVICE CLAIMKIT_CONFIG
fail() { echo "FAIL: $*"; exit 1; }
pg_cluster_start -c fsync=off || fail "cannot start a PostgreSQL cluster"
q() { pgc_psql -c "$1"; }

for round in 1 2; do
  q 'DROP TABLE IF EXISTS claims, status_history, batch_events, line_followups, journal, ledger_meta, ledger_schema' 2>/dev/null
  python3 - "$round" <<'PY'
import json, random, sys
rnd = random.Random(int(sys.argv[1]))
cats = [("F1", "65", "paid"), ("F2", "88", "denied"), ("P1", "20", "pending"), ("A1", "19", "acknowledged")]
recs, newest = [], {}
for c in range(1500):
    days = rnd.sample(range(1, 200), rnd.randrange(1, 5))
    for d in days:
        cat, code, state = rnd.choice(cats)
        eff = f"2026-{1 + d // 28:02d}-{1 + d % 28:02d}"
        r = {"type": "claim_status", "claim_id": f"CC-{c:05d}", "state": state,
             "statuses": [{"category": cat, "code": code, "effective_date": eff}], "source": {"channel": "x12"}}
        recs.append(r)
        if c not in newest or eff > newest[c][0]:
            newest[c] = (eff, state)
# Four inputs, each about 60 % of the statuses in its own order; every
# status in at least one of them.
parts = [[], [], [], []]
for i, r in enumerate(recs):
    for p in rnd.sample(range(4), rnd.choice([1, 2, 3, 4])):
        parts[p].append(r)
for i, p in enumerate(parts):
    rnd.shuffle(p)
    with open(f"in{i}.ndjson", "w") as f:
        for r in p:
            f.write(json.dumps(r) + "\n")
with open("total", "w") as f:
    f.write(str(len(recs)))
with open("expected", "w") as f:
    for c in sorted(newest):
        f.write(f"CC-{c:05d}|{newest[c][1]}|{newest[c][0]}\n")
PY
  total=$(cat total)
  pids=()
  for i in 0 1 2 3; do
    pm-push -q --to "$PGC_URI" --batch 50 "in$i.ndjson" >"out$i" 2>"err$i" &
    pids+=($!)
  done
  for i in 0 1 2 3; do
    wait "${pids[$i]}" || { cat "err$i"; fail "round $round: writer $i exit $?"; }
  done
  [ "$(q 'SELECT count(*) FROM status_history')" = "$total" ] || fail "round $round: history rows, want $total"
  [ "$(q 'SELECT count(DISTINCT key) FROM status_history')" = "$total" ] || fail "round $round: duplicate keys"
  applied=$(cat out0 out1 out2 out3 | grep -c '"result":"applied"')
  [ "$applied" = "$total" ] || fail "round $round: $applied applied results, want $total"
  cat out0 out1 out2 out3 | grep '"result":"applied"' | sed 's/.*"key":"\([^"]*\)".*/\1/' | sort | uniq -d >twice
  [ ! -s twice ] || fail "round $round: a key applied by two runs"
  q "SELECT claim_id || '|' || state || '|' || effective_date FROM claims ORDER BY claim_id" >actual
  cmp -s expected actual || { diff expected actual | head -5; fail "round $round: current statuses differ from the model"; }
  [ "$(q "SELECT count(*) FROM journal WHERE state = 'done'")" = "$total" ] || fail "round $round: journal rows"
  ls state/claimkit/journal/postgresql-* 2>/dev/null && fail "a journal file was made"
  echo "round $round: $total statuses from 4 writers: ok"
done
echo ok
