#!/usr/bin/env bash
# kill -9 in the middle of a push over HTTP, then rerun, against the fake.
# Webhook: the rerun resends the maybe-sent ones; Idempotency-Key makes
# exactly N deliveries. athena: maybe-sent notes come back `unknown`, never
# as a second note; every other record is applied exactly once.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
command -v sqlite3 >/dev/null || { echo "no sqlite3 shell"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-k9http.XXXXXX")
spid= pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH"
fail() { echo "FAIL: $*"; exit 1; }
rm -f port
python3 "$src/tests/servers/fake_pm.py" --port-file port --slow 0.02 &
spid=$!
for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || fail "fake server did not start"
port=$(cat port)
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }
wait_writes() {  # until the server has seen $1 writes, bounded
  for _ in $(seq 1 300); do
    [ "$(stats 'd["writes"]')" -ge "$1" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.02
  done
}

n=300
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson

# Webhook.
# pm-push itself in the background (not under timeout or a function), so
# kill -9 hits it; the trap kills it should the test fail.
pm-push -q --to "http:http://127.0.0.1:$port/hook" --journal hook.journal --jobs 4 in.ndjson >out1 &
pid=$!
wait_writes 80
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
got=$(stats 'd["webhook_unique"]')
[ "$got" -lt $n ] || fail "webhook run finished before the kill"
intents=$(sqlite3 -batch hook.journal "SELECT count(*) FROM journal WHERE state='intent'")
echo "webhook: killed after $got deliveries, $intents intents without done"
timeout 60 pm-push -q --to "http:http://127.0.0.1:$port/hook" --journal hook.journal --jobs 4 in.ndjson >out2 \
  || fail "webhook rerun exit $?"
[ "$(stats 'd["webhook_unique"]')" = $n ] || fail "webhook deliveries $(stats 'd["webhook_unique"]')"
[ "$(stats 'len(d["webhook"])')" = $n ] || fail "webhook processed twice"
[ "$(grep -c '"result":"applied"\|"result":"duplicate"' out2)" = $n ] || fail "webhook rerun results"
[ "$(sqlite3 -batch hook.journal "SELECT count(*) FROM journal WHERE state='done'")" = $n ] || fail "journal not all done"

# athena.
export CLAIMKIT_ATHENA_CLIENT_ID=test-client CLAIMKIT_ATHENA_CLIENT_SECRET=test-secret
args=(--to athena --base-url "http://127.0.0.1:$port" --practice-id 195900 --claim-pattern '^PCN-0*([0-9]+)$'
  --journal athena.journal --jobs 4)
athena() { timeout 60 pm-push -q "${args[@]}" "$@"; }
base=$(stats 'd["writes"]')
pm-push -q "${args[@]}" in.ndjson >out3 &
pid=$!
wait_writes $((base + 80))
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
notes1=$(stats 'len(d["notes"])')
[ "$notes1" -lt $n ] || fail "athena run finished before the kill"
athena in.ndjson >out4
code=$?
applied=$(grep -c '"result":"applied"' out4)
dup=$(grep -c '"result":"duplicate"' out4)
unknown=$(grep -c '"result":"unknown"' out4)
echo "athena: killed after $notes1 notes; rerun: $applied applied, $dup duplicate, $unknown unknown (exit $code)"
[ $((applied + dup + unknown)) = $n ] || fail "athena rerun results do not add up"
[ "$unknown" -le 4 ] || fail "more unknown than requests in flight"
[ "$unknown" = 0 ] || [ "$code" = 1 ] || fail "unknown records must make the exit 1"
notes=$(stats 'len(d["notes"])')
uniq=$(stats "len(set(x['text'] for x in d['notes']))")
[ "$notes" = "$uniq" ] || fail "a note was written twice: $(stats "[k[-37:] for k,v in __import__('collections').Counter(x['text'] for x in d['notes']).items() if v > 1]")"
[ "$notes" -ge $((n - unknown)) ] && [ "$notes" -le $n ] || fail "notes $notes for $n records, $unknown unknown"
[ "$(sqlite3 -batch athena.journal "SELECT count(*) FROM journal WHERE state='intent'")" = "$unknown" ] || fail "journal intents"
echo ok
