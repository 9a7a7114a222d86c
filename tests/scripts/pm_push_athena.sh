#!/usr/bin/env bash
# pm-push --to athena against the loopback fake (built from athenahealth's
# claim-note and token documents): every fault kind, a token expiring
# mid-run, claim id mapping. No note is ever written twice; a maybe-sent note
# ends as unknown and is not resent without --resend-unknown. A 200 that says
# success false is a failure, never journaled as done, retried by a rerun; its
# errormessage is never echoed. Acks and batch statuses are skipped.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-athena.XXXXXX")
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state"
unset CLAIMKIT_CONFIG
export XDG_CONFIG_HOME="$work/config"
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
control() { python3 -c "import sys,urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$port/_control', data=sys.argv[1].encode(), method='POST'), timeout=5).read()" "$1"; }
# Markers of the notes on the server, one per line.
markers() { stats "'\n'.join(n['text'].rsplit('[claimkit ',1)[1].rstrip(']') for n in d['notes'])"; }

n=30
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson
start_server --faults ok,500,ok,502,503ra,429,expire,ok,reset_before,ok,reset_after,ok,stall --stall 3
export CLAIMKIT_ATHENA_CLIENT_ID=test-client CLAIMKIT_ATHENA_CLIENT_SECRET=test-secret
athena() { timeout 60 pm-push --to athena --base-url "http://127.0.0.1:$port" --practice-id 195900 \
  --claim-pattern '^PCN-0*([0-9]+)$' --timeout 1.5 "$@"; }

athena --jobs 3 --rejects rej.ndjson in.ndjson >out 2>err
code=$?
cat err
[ "$code" = 1 ] || fail "exit $code (unknown records make it 1)"
applied=$(grep -c '"result":"applied"' out)
unknown=$(grep -c '"result":"unknown"' out)
[ "$applied" = $((n - 3)) ] || fail "applied $applied"
[ "$unknown" = 3 ] || fail "unknown $unknown (reset_before, reset_after, stall)"
[ "$(wc -l <rej.ndjson)" = 3 ] || fail "unknown records not in rejects"
[ "$(stats 'd["tokens_issued"]')" = 2 ] || fail "401 mid-run: token not refreshed once"
notes=$(stats 'len(d["notes"])')
[ "$notes" = $((n - 2)) ] || fail "notes $notes (reset_after is processed, reset_before and stall are not)"
[ "$(markers | sort | uniq -d | wc -l)" = 0 ] || fail "duplicate notes"
# Every applied record's key is on exactly one note, on the mapped claim id.
for k in $(grep '"result":"applied"' out | sed 's/.*"key":"\([^"]*\)".*/\1/'); do
  [ "$(markers | grep -cx "$k")" = 1 ] || fail "applied key $k not on exactly one note"
done
[ "$(stats "sorted(set(n['claimid'] for n in d['notes']))[0]")" = 1 ] || fail "claim id mapping"
[ "$(stats "d['notes'][0]['practice']")" = 195900 ] || fail "practice id"
# The token request is the documented one: Basic client auth, grant_type and scope.
[ "$(stats "sorted(set(tuple(f['fields']) for f in d['token_forms']))")" = "[('grant_type', 'scope')]" ] \
  || fail "token form: $(stats "d['token_forms']")"
[ "$(stats 'len(d["refused"])')" = 0 ] || fail "the fake refused a request: $(stats 'd["refused"]')"
stats "d['notes'][0]['text']" | grep -qE '^2026-02-[0-9]{2} x12 \| [a-z_]+ \| [A-Z][0-9]/[0-9]+ \| payer claim PX[0-9]+ \| next: [a-z ]+ \| queue: [a-z-]+ \| \[claimkit ck1-[0-9a-f]{32}\]$' \
  || fail "note format: $(stats "d['notes'][0]['text']")"

# Rerun: nothing sent; the unknown ones stay unknown.
before=$(stats 'd["writes"]')
athena in.ndjson >out2 2>/dev/null
[ "$(grep -c '"result":"duplicate"' out2)" = $((n - 3)) ] || fail "rerun duplicates"
[ "$(grep -c '"result":"unknown"' out2)" = 3 ] || fail "rerun unknowns"
[ "$(stats 'd["writes"]')" = "$before" ] || fail "rerun sent something"

# --resend-unknown on the rejects file sends exactly those three.
athena -q --resend-unknown rej.ndjson >out3
[ "$(grep -c '"result":"applied"' out3)" = 3 ] || fail "resend-unknown"
[ "$(stats 'len(d["notes"])')" = $((n + 1)) ] || fail "resend-unknown notes (the reset_after note is there twice, by request)"
athena -q in.ndjson >out4 || fail "all done now, exit $?"

# Claim ids the PM system does not know (no mapping: 404 for each): every
# record failed and in the rejects, the run goes on to the end (exit 1, not 4).
timeout 60 pm-push --to athena --base-url "http://127.0.0.1:$port" --practice-id 195900 --journal j6.db \
  --rejects rej6.ndjson in.ndjson >out10 2>err10
code=$?; [ "$code" = 1 ] || fail "unknown claims exit $code"
[ "$(grep -c '"result":"failed","attempts":1,"http_status":404' out10)" = $n ] || fail "unknown claims: not all 404 failed"
[ "$(wc -l <rej6.ndjson)" = $n ] || fail "unknown claims: rejects"
grep -q 'target refused the record (http 404)' err10 || fail "404 message"

# Acks and batch statuses (bundled 999 and 277CA) have no claim to note:
# skipped, said so, no note, not in the rejects, exit 0.
x12-parse -q "$src/examples/x12/summit-837.999" "$src/examples/x12/summit-ack.277ca" | status-normalize -q |
  grep -v '^{"type":"claim_status"' >events.ndjson
notes_before=$(stats 'len(d["notes"])')
athena --journal j7.db --rejects rej7.ndjson events.ndjson >out11 2>err11 || fail "events exit $?"
[ "$(grep -c '"result":"skipped"' out11)" = 4 ] || fail "events not skipped"
[ "$(grep -c '"subject":"ack"' out11)" = 3 ] || fail "ack subject"
grep -q '"message":"an acknowledgment has no claim to attach a note to; not sent' out11 || fail "skipped message"
grep -q '^pm-push: 4 records: 0 applied, 0 duplicate, 0 failed, 0 unknown, 4 skipped (athena)$' err11 || fail "skipped summary"
[ "$(stats 'len(d["notes"])')" = "$notes_before" ] || fail "an event became a note"
[ -s rej7.ndjson ] && fail "skipped events in the rejects"

# success false (athena's documented refusal, with an errormessage naming the
# claim and patient): failed, the gist only, in the rejects, journaled as not
# done; a 200 that is not the documented JSON is unknown (may have been added).
head -5 in.ndjson >five.ndjson
control '{"refuse_claims": ["2", "3"], "odd_claims": ["4"]}'
notes_before=$(stats 'len(d["notes"])')
athena --journal j8.db --rejects rej8.ndjson five.ndjson >out12 2>err12
code=$?; [ "$code" = 1 ] || fail "success false exit $code"
[ "$(grep -c '"result":"applied"' out12)" = 2 ] || fail "success false: applied $(grep -c '"result":"applied"' out12)"
[ "$(grep -c '"result":"failed","attempts":1,"http_status":200' out12)" = 2 ] || fail "success false: not failed"
grep -q '"message":"athenaOne did not add the note (success false, with an errormessage)"' out12 || fail "success false: gist"
[ "$(grep -c '"result":"unknown"' out12)" = 1 ] || fail "odd 200 answer: not unknown"
[ "$(wc -l <rej8.ndjson)" = 3 ] || fail "success false: rejects"
grep -q 'DOE\|closed' out12 err12 && fail "the errormessage was echoed"
[ "$(stats 'len(d["notes"])')" = $((notes_before + 2)) ] || fail "success false: notes"
# Rerun once athena takes them: the two refused are sent again and applied,
# the odd one stays unknown, the two done are duplicates.
control '{"refuse_claims": [], "odd_claims": []}'
athena --journal j8.db five.ndjson >out13 2>err13
code=$?; [ "$code" = 1 ] || fail "rerun after success false exit $code"
[ "$(grep -c '"result":"applied"' out13)" = 2 ] || fail "rerun: refused ones not sent again"
[ "$(grep -c '"result":"duplicate"' out13)" = 2 ] || fail "rerun: duplicates"
[ "$(grep -c '"result":"unknown"' out13)" = 1 ] || fail "rerun: unknown"
[ "$(stats 'len(d["notes"])')" = $((notes_before + 4)) ] || fail "rerun: notes"

# Hostile 200 answers: only a JSON object with success true (and no
# errormessage) counts as added; a refusal is failed whatever its size, and
# its text never reaches the output; anything else is unknown.
python3 "$src/tests/servers/fake_pm.py" --gen 8 --gen-start 101 >hostile.ndjson
python3 - "$port" <<'PY'
import json, sys, urllib.request
big = "PATIENT DOE " * 500000
answers = {
    "101": '{"success": true, "errormessage": ""}',      # added
    "102": '{"success": "true", "errormessage": null}',  # added
    "103": '{"success": "false"}',                       # refused
    "104": json.dumps({"success": False, "errormessage": big}),  # refused, 6 MB
    "105": '{"success": true, "errormessage": {"code": 7}}',    # refused
    "106": '[{"success": "true"}]',                      # unknown
    "107": "[" * 100000 + "]" * 100000,                  # unknown
    "108": '{"success": "true", "success": "false"}',    # unknown (ambiguous)
}
req = urllib.request.Request("http://127.0.0.1:%s/_control" % sys.argv[1],
                             data=json.dumps({"raw_answers": answers}).encode(), method="POST")
urllib.request.urlopen(req, timeout=10).read()
PY
athena --journal j11.db hostile.ndjson >out17 2>err17
code=$?; [ "$code" = 1 ] || fail "hostile answers exit $code"
for c in 101 102; do grep -q "\"claim_id\":\"PCN-000$c\".*\"result\":\"applied\"" out17 || fail "hostile $c not applied"; done
for c in 103 104 105; do grep -q "\"claim_id\":\"PCN-000$c\".*\"result\":\"failed\"" out17 || fail "hostile $c not failed"; done
for c in 106 107 108; do grep -q "\"claim_id\":\"PCN-000$c\".*\"result\":\"unknown\"" out17 || fail "hostile $c not unknown"; done
grep -q 'PATIENT' out17 err17 && fail "hostile: the errormessage was echoed"
[ "$(wc -c <err17)" -lt 4000 ] || fail "hostile: stderr too long"
control '{"raw_answers": {}}'

# The note field name comes from the config file when a practice's API
# version names it otherwise; the fake (claimnote only) refuses it.
CLAIMKIT_ATHENA_NOTE_FIELD=notetext athena --journal j9.db five.ndjson >out14 2>err14
code=$?; [ "$code" = 1 ] || fail "other note field exit $code"
[ "$(grep -c '"result":"failed","attempts":1,"http_status":400' out14)" = 5 ] || fail "other note field: not refused"
CLAIMKIT_ATHENA_NOTE_FIELD='note text' athena --journal j9.db five.ndjson >/dev/null 2>err15
code=$?; [ "$code" = 2 ] || fail "bad note field exit $code"

# Credentials refused: exit 4 before anything is sent; every record failed.
CLAIMKIT_ATHENA_CLIENT_SECRET=wrong athena --journal j2.db --rejects rej2.ndjson in.ndjson >out5 2>err5
code=$?; [ "$code" = 4 ] || fail "refused credentials exit $code"
[ "$(grep -c '"result":"failed"' out5)" = $n ] || fail "refused: not all failed"
[ "$(wc -l <rej2.ndjson)" = $n ] || fail "refused: rejects"
grep -q 'token' err5 || fail "refused: message"
grep -q 'test-secret\|wrong' err5 && fail "secret in messages"

# Missing credentials: usage error, nothing read.
( unset CLAIMKIT_ATHENA_CLIENT_ID; athena --journal j3.db in.ndjson >out6 2>err6 ); code=$?
[ "$code" = 2 ] || fail "missing credentials exit $code"
[ -s out6 ] && fail "missing credentials wrote results"

# Credentials from a config file: refused when others can read it.
mkdir -p config/claimkit
printf '[athena]\nclient_id = test-client\nclient_secret = test-secret\n' >config/claimkit/claimkit.conf
chmod 644 config/claimkit/claimkit.conf
( unset CLAIMKIT_ATHENA_CLIENT_ID CLAIMKIT_ATHENA_CLIENT_SECRET
  athena --config config/claimkit/claimkit.conf --journal j4.db in.ndjson >/dev/null 2>err7 ); code=$?
[ "$code" = 2 ] || fail "readable config exit $code"
grep -q 'readable or writable by group or others' err7 || fail "readable config message: $(cat err7)"
chmod 600 config/claimkit/claimkit.conf
( unset CLAIMKIT_ATHENA_CLIENT_ID CLAIMKIT_ATHENA_CLIENT_SECRET
  athena -q --config config/claimkit/claimkit.conf --journal j4.db in.ndjson >out8 ); code=$?
[ "$code" = 0 ] || fail "private config exit $code"
[ "$(grep -c '"result":"applied"' out8)" = $n ] || fail "private config: not applied"

# Dry run: prints the request, sends and writes nothing.
before=$(stats 'd["writes"]')
athena --journal j5.db --dry-run in.ndjson >out9 2>err9 || fail "dry run exit $?"
[ "$(grep -c '"type":"push_preview"' out9)" = $n ] || fail "dry run output"
grep -q '"url":"http://127.0.0.1:[0-9]*/v1/195900/claims/1/note"' out9 || fail "dry run url"
grep -q '"body":"claimnote=2026-02-' out9 || fail "dry run body"
[ -e j5.db ] && fail "dry run created the journal"
[ "$(stats 'd["writes"]')" = "$before" ] || fail "dry run sent a request"
kill "$spid"; wait "$spid" 2>/dev/null; spid=

# success as a JSON boolean (as go-athenahealth's fixture has it) reads the same.
start_server --success-bool --refuse-claims 3
athena --journal j10.db five.ndjson >out16 2>err16
code=$?; [ "$code" = 1 ] || fail "boolean success exit $code"
[ "$(grep -c '"result":"applied"' out16)" = 4 ] || fail "boolean success: applied"
[ "$(grep -c '"result":"failed"' out16)" = 1 ] || fail "boolean success: failed"
echo ok
