#!/usr/bin/env bash
# pm-push --to postgresql:// against a real server started here
# (tests/lib/pg_cluster.sh): the same input through the same pipeline gives
# the same ledger as --to sqlite: (claims, history with its precedence flags,
# batch events, line follow-ups), on a randomized mix of statuses where the
# precedence rule decides, in small batches; a rerun adds nothing; the
# journal marks are in the database; a URI with a password, PGPASSWORD and a
# bad URI are refused before anything is read; a password comes from
# PGPASSFILE or the config file; claim-age reads the database like the file.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
corpus=${CLAIMKIT_CORPUS:-$src/../shared/corpus}
. "$src/tests/lib/pg_cluster.sh"
pg_cluster_find || { echo "skipped: no PostgreSQL server binaries (initdb, pg_ctl)"; exit 77; }
command -v sqlite3 >/dev/null && command -v psql >/dev/null || { echo "skipped: no sqlite3 or psql"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pg-push.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1
export HOME="$work" XDG_STATE_HOME="$work/state" PATH="$bin:$PATH"
unset PGPASSWORD PGPASSFILE PGSERVICE PGHOST PGPORT PGUSER PGDATABASE CLAIMKIT_CONFIG
fail() { echo "FAIL: $*"; exit 1; }
pg_cluster_start -c fsync=off -c synchronous_commit=off || fail "cannot start a PostgreSQL cluster"
uri=$PGC_URI

# Input 1: the real corpus through the real pipeline (claims, 277CA batch
# statuses, 999 acks). Input 2: a randomized mix on few claims, where
# precedence decides (dates back and forth, weak and incomplete records,
# exact repeats), with line follow-ups.
x12-parse "$corpus"/277/* "$corpus"/277ca/* "$corpus"/999/* 2>/dev/null | status-normalize 2>/dev/null >corpus.ndjson
[ "$(wc -l <corpus.ndjson)" -gt 20 ] || fail "the corpus pipeline gave too little: $(wc -l <corpus.ndjson)"
python3 - >mix.ndjson <<'PY'
import json, random
rnd = random.Random(20261204)
cats = [("F1", "65", "paid"), ("F2", "88", "denied"), ("P1", "20", "pending"), ("A1", "19", "acknowledged"), ("", "", "unknown")]
recs = []
for i in range(2500):
    c = rnd.randrange(150)
    cat, code, state = rnd.choice(cats)
    r = {"type": "claim_status", "claim_id": f"MIX-{c:04d}", "payer_id": rnd.choice(["P1", "P2", ""]) or None,
         "state": state, "source": {"channel": rnd.choice(["x12", "api"]), "interchange": f"{rnd.randrange(50):09d}"},
         "billed_amount": rnd.choice(["100.00", "250.50", None]), "paid_amount": rnd.choice(["80.00", None])}
    eff = f"2026-0{rnd.randrange(1, 10)}-{rnd.randrange(10, 29)}"
    if cat:
        r["statuses"] = [{"category": cat, "code": code, "effective_date": eff}]
    else:
        r["effective_date"] = eff
    if rnd.random() < 0.1:
        r["incomplete"] = True
    if rnd.random() < 0.2:
        r["line_followups"] = [{"line": rnd.randrange(1, 4), "action": "appeal"}]
    r = {k: v for k, v in r.items() if v is not None}
    recs.append(r)
    if rnd.random() < 0.05:
        recs.append(r)  # an exact repeat: one key
for r in recs:
    print(json.dumps(r))
PY
cat corpus.ndjson mix.ndjson >all.ndjson
n=$(wc -l <all.ndjson)

pm-push -q --batch 7 --to sqlite:ledger.db all.ndjson >out-sqlite || [ $? = 1 ] || fail "sqlite run exit $?"
pm-push -q --batch 7 --to "$uri" all.ndjson >out-pg 2>err-pg || { cat err-pg; fail "postgresql run exit $?"; }
[ "$(wc -l <out-pg)" = "$n" ] || fail "push_result lines $(wc -l <out-pg), want $n"
grep -q '"target":"postgresql"' out-pg || fail "target name"
# The push results agree record for record (the key is the same in both).
sed 's/"target":"sqlite"/"target":"postgresql"/' out-sqlite >a; cmp -s a out-pg || { diff a out-pg | head; fail "push results differ"; }

# The ledgers agree table for table (times and ids aside).
sq() { sqlite3 -batch -noheader -separator '|' -nullvalue '<null>' ledger.db "$1"; }
pq() { pgc_psql -F '|' -P null='<null>' -c "$1"; }
checks=(
  "SELECT claim_id, payer_id, payer_claim_id, state, category, code, effective_date, channel, action, queue, billed_amount, paid_amount, submitted_date, incomplete, next_check FROM claims ORDER BY claim_id"
  "SELECT key, claim_id, payer_id, state, category, code, entity, effective_date, channel, source_file, interchange, group_control, transaction_control, payer_claim_id, reference, action, queue, billed_amount, paid_amount, submitted_date, regressed, incomplete, not_applied, checked_by FROM status_history ORDER BY id"
  "SELECT key, type, level, state, accepted, category, code, entity, effective_date, action, queue, channel, transaction_type, source_file, interchange, group_control, transaction_control, segment, acknowledged_interchange, acknowledged_group, acknowledged_transaction, acknowledged_type, trace, payer_id, error_count, accepted_count, rejected_count, accepted_amount, rejected_amount, record FROM batch_events ORDER BY id"
  "SELECT key, claim_id, current, followups FROM line_followups ORDER BY key"
)
for c in "${checks[@]}"; do
  sq "$c" >s.txt; pq "$c" >p.txt
  [ -s s.txt ] || fail "empty in sqlite: $c"
  cmp -s s.txt p.txt || { diff s.txt p.txt | head -5; fail "ledgers differ: ${c:0:60}"; }
done
# Again in big batches, in two runs: within a batch the PostgreSQL ledger
# writes one claims row per claim, new claims by COPY and the others by
# UPDATE, merged from all of the batch's statuses of the claim; the result
# is the SQLite ledger's, which applies them one by one.
pgc_psql -c 'CREATE DATABASE big'
half=$((n / 2))
head -n "$half" all.ndjson >first.ndjson
tail -n "+$((half + 1))" all.ndjson >second.ndjson
for part in first second; do
  pm-push -q --batch 5000 --to sqlite:big.db "$part.ndjson" >/dev/null || [ $? = 1 ] || fail "sqlite big run exit $?"
  pm-push -q --batch 5000 --to "${uri%/ledger}/big" "$part.ndjson" >/dev/null 2>err-pg ||
    { cat err-pg; fail "postgresql big run exit $?"; }
done
for c in "${checks[@]}"; do
  sqlite3 -batch -noheader -separator '|' -nullvalue '<null>' big.db "$c" >s.txt
  PGC_PSQL_URI=${uri%/ledger}/big pq "$c" >p.txt
  cmp -s s.txt p.txt || { diff s.txt p.txt | head -5; fail "ledgers differ in big batches: ${c:0:60}"; }
done

# The randomized mix did exercise the rule.
[ "$(pq "SELECT count(*) FROM status_history WHERE not_applied = 'older'")" -gt 10 ] || fail "no older statuses"
[ "$(pq "SELECT count(*) FROM status_history WHERE not_applied = 'weaker'")" -gt 10 ] || fail "no weaker statuses"
[ "$(pq "SELECT count(*) FROM batch_events")" -gt 0 ] || fail "no batch events"
[ "$(pq "SELECT version FROM ledger_schema")" = 2 ] || fail "schema version"
pq "SELECT written_at FROM status_history" | grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' &&
  fail "written_at not RFC 3339"
# Journal marks in the database, one per key, all done.
keys=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' out-pg | sort -u | wc -l)
[ "$(pq "SELECT count(*) FROM journal WHERE state = 'done'")" = "$keys" ] || fail "journal rows, want $keys"

# A rerun adds nothing; every record a duplicate.
rows=$(pq 'SELECT count(*) FROM status_history')
pm-push --to "$uri" all.ndjson >out2 2>err2 || fail "rerun exit $?"
[ "$(grep -c '"result":"duplicate"' out2)" = "$n" ] || fail "rerun: not all duplicates"
[ "$(pq 'SELECT count(*) FROM status_history')" = "$rows" ] || fail "history grew on rerun"
grep -q "^pm-push: $n records: 0 applied, $n duplicate, 0 failed, 0 unknown (postgresql)$" err2 || fail "summary line"

# Usage errors, nothing read, no password shown.
pm-push --to "postgresql://claimkit:s3cr3t-pw@127.0.0.1:$PGC_PORT/ledger" all.ndjson >o 2>e
[ $? = 2 ] || fail "password URI: exit not 2"
grep -q 'holds a password' e || fail "password URI message: $(cat e)"
grep -q 's3cr3t-pw' e o && fail "the password was shown"
[ ! -s o ] || fail "output on a usage error"
pm-push --to "postgresql://u@h/d?password=s3cr3t-pw" all.ndjson >o 2>e
[ $? = 2 ] && grep -q 'holds a password' e && ! grep -q s3cr3t e || fail "password parameter not refused"
pm-push --to "postgresql://[::1" all.ndjson >o 2>e
[ $? = 2 ] || fail "bad URI: exit not 2"
PGPASSWORD=s3cr3t-pw pm-push --to "$uri" all.ndjson >o 2>e
[ $? = 2 ] && grep -q 'PGPASSWORD is set' e && ! grep -q s3cr3t e || fail "PGPASSWORD not refused: $(cat e)"

# A role with a password: from PGPASSFILE, then from the config file; none
# is exit 4 with libpq's message (no password in it).
pq "CREATE ROLE teller LOGIN PASSWORD 'pw-f0r-teller'; GRANT ALL ON ALL TABLES IN SCHEMA public TO teller"
turi="postgresql://teller@127.0.0.1:$PGC_PORT/ledger"
head -3 mix.ndjson >three.ndjson
pm-push --to "$turi" three.ndjson >o 2>e
[ $? = 4 ] || fail "no password: exit not 4"
grep -q 'cannot connect' e || fail "no password message: $(cat e)"
printf '127.0.0.1:%s:ledger:teller:pw-f0r-teller\n' "$PGC_PORT" >pgpass; chmod 600 pgpass
PGPASSFILE=$work/pgpass pm-push -q --to "$turi" three.ndjson >o || fail "PGPASSFILE: exit $?"
printf '[postgresql]\npassword = pw-f0r-teller\n' >config; chmod 600 config
pm-push -q --config config --to "$turi" three.ndjson >o || fail "config file: exit $?"
mkdir -p .config/claimkit && cp config .config/claimkit/config
pm-push -q --to "$turi" three.ndjson >o || fail "default config file: exit $?"

# claim-age reads the database as it reads the file: open claims of the
# mixed input's claim ids (and some the ledger does not know).
for i in $(seq 0 180); do
  printf '{"type":"claim","claim_id":"MIX-%04d","payer_id":"P%d","service_from":"2026-02-10","billed_amount":100.00,"submitted_date":"2026-02-%02d","state":"pending"}\n' \
    "$i" $((i % 3)) $((10 + i % 15))
done >open.ndjson
claim-age --as-of 2026-11-23 --ledger ledger.db open.ndjson >age-sqlite 2>/dev/null || [ $? = 1 ] || fail "claim-age sqlite"
claim-age --as-of 2026-11-23 --ledger "$uri" open.ndjson >age-pg 2>e || [ $? = 1 ] || fail "claim-age pg: $(cat e)"
[ "$(wc -l <age-pg)" -gt 10 ] || fail "claim-age pg: little output"
cmp -s age-sqlite age-pg || { diff age-sqlite age-pg | head -4; fail "claim-age differs"; }
claim-age --as-of 2026-11-23 --ledger ledger.db --summary --by payer --format csv open.ndjson >card-sqlite 2>/dev/null
claim-age --as-of 2026-11-23 --ledger "$uri" --summary --by payer --format csv open.ndjson >card-pg 2>/dev/null
cmp -s card-sqlite card-pg || fail "scorecard differs"
# The ledger alone (no input): its open claims, in claim_id order, with state,
# action and the next check date, the same from either ledger.
claim-age --as-of 2026-11-23 --ledger ledger.db --all --format csv >alone-sqlite 2>/dev/null || [ $? = 1 ] || fail "claim-age sqlite alone"
claim-age --as-of 2026-11-23 --ledger "$uri" --all --format csv >alone-pg 2>e || [ $? = 1 ] || fail "claim-age pg alone: $(cat e)"
[ "$(wc -l <alone-pg)" -gt 10 ] || fail "claim-age pg alone: little output"
grep -q ',paid,' alone-pg && fail "the ledger alone listed a paid claim"
cmp -s alone-sqlite alone-pg || { diff alone-sqlite alone-pg | head -4; fail "claim-age of the ledger alone differs"; }
echo ok
