#!/usr/bin/env bash
# pm-push --to http:URL against the loopback fake with every fault: N records
# in -> exactly N deliveries (Idempotency-Key dedupes the resends), all
# applied or duplicate; a rerun sends nothing; a dead target exits 4.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-hook.XXXXXX")
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state"
fail() { echo "FAIL: $*"; exit 1; }
start_server() {
  rm -f port
  python3 "$src/tests/servers/fake_pm.py" --port-file port "$@" &
  spid=$!
  for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
  [ -s port ] || fail "fake server did not start"
  port=$(cat port)
}
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }

n=40
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson
start_server --faults ok,500,ok,502,503ra,ok,429,reset_before,ok,reset_after,ok,stall,ok,500,500 --stall 3 --webhook-token hooktok
export CLAIMKIT_WEBHOOK_TOKEN=hooktok
timeout 60 pm-push --to "http:http://127.0.0.1:$port/hook" --timeout 1.5 --jobs 3 --rejects rej.ndjson in.ndjson >out 2>err
code=$?
cat err
[ "$code" = 0 ] || fail "exit $code"
[ "$(grep -c '"result":"applied"\|"result":"duplicate"' out)" = $n ] || fail "not all applied/duplicate"
[ "$(stats 'd["webhook_unique"]')" = $n ] || fail "unique deliveries $(stats 'd["webhook_unique"]')"
[ "$(stats 'len(d["webhook"])')" = $n ] || fail "processed deliveries"
[ "$(stats 'len(d["faults_used"])')" = 9 ] || fail "faults used: $(stats 'd["faults_used"]')"
grep -q '"attempts":[2-9]' out || fail "no retried record"
[ -s rej.ndjson ] && fail "rejects not empty"
# The key a record got is the Idempotency-Key the server saw.
key=$(head -1 out | sed 's/.*"key":"\([^"]*\)".*/\1/')
[ "$(stats "int('$key' in d['webhook'])")" = 1 ] || fail "key not delivered"

# Rerun: the journal says done, nothing is sent.
before=$(stats 'd["writes"]')
timeout 30 pm-push -q --to "http:http://127.0.0.1:$port/hook" in.ndjson >out2 || fail "rerun exit $?"
[ "$(grep -c '"result":"duplicate"' out2)" = $n ] || fail "rerun not all duplicate"
[ "$(stats 'd["writes"]')" = "$before" ] || fail "rerun sent requests"

# Wrong bearer token: 401 cannot be refreshed -> auth refused, exit 4, all in rejects.
CLAIMKIT_WEBHOOK_TOKEN=wrong timeout 30 pm-push --to "http:http://127.0.0.1:$port/hook" --journal j2.db \
  --rejects rej2.ndjson in.ndjson >out3 2>err3
code=$?; [ "$code" = 4 ] || fail "auth refused exit $code"
[ "$(grep -c '"result":"failed"' out3)" = $n ] || fail "auth refused: not all failed"
[ "$(wc -l <rej2.ndjson)" = $n ] || fail "auth refused: rejects"
grep -q 'authorization refused by the target (http 401)' err3 || fail "auth message"

# The rejects file is input again: with the right token everything goes through as duplicates/applied.
timeout 30 pm-push -q --to "http:http://127.0.0.1:$port/hook" --journal j2.db rej2.ndjson >out4 || fail "refeed exit $?"
[ "$(grep -c '"result":"duplicate"' out4)" = $n ] || fail "refeed: server should report replays"
[ "$(stats 'len(d["webhook"])')" = $n ] || fail "refeed made new deliveries"

# Acks and batch statuses (bundled 999 and 277CA) are delivered like any
# record, once, with subject in the body; a rerun sends nothing.
x12-parse -q "$src/examples/x12/summit-837.999" "$src/examples/x12/summit-ack.277ca" | status-normalize -q |
  grep -v '^{"type":"claim_status"' >events.ndjson
unique=$(stats 'd["webhook_unique"]')
timeout 60 pm-push -q --to "http:http://127.0.0.1:$port/hook" --timeout 1.5 events.ndjson >out6 || fail "events exit $?"
[ "$(grep -c '"result":"applied"\|"result":"duplicate"' out6)" = 4 ] || fail "events not delivered"
[ "$(grep -c '"subject":"ack"' out6)" = 3 ] || fail "events: ack subject"
[ "$(stats 'd["webhook_unique"]')" = $((unique + 4)) ] || fail "events: deliveries"
timeout 30 pm-push -q --to "http:http://127.0.0.1:$port/hook" events.ndjson >out7 || fail "events rerun exit $?"
[ "$(grep -c '"result":"duplicate"' out7)" = 4 ] || fail "events rerun not all duplicate"
[ "$(stats 'd["webhook_unique"]')" = $((unique + 4)) ] || fail "events rerun delivered again"

# A dead target: connection refused -> breaker opens -> exit 4, every record failed.
kill "$spid"; wait "$spid" 2>/dev/null; spid=
timeout 60 pm-push --to "http:http://127.0.0.1:$port/hook" --journal j3.db --max-attempts 3 --rejects rej3.ndjson \
  in.ndjson >out5 2>err5
code=$?; [ "$code" = 4 ] || fail "dead target exit $code"
[ "$(grep -c '"result":"failed"' out5)" = $n ] || fail "dead target: not all failed"
[ "$(wc -l <rej3.ndjson)" = $n ] || fail "dead target: rejects"
tail -2 err5
echo ok
