#!/usr/bin/env bash
# pm-push --to nextgen against the loopback fake (built from NextGen's GSA
# authentication guide): the token request carries site_id, login-defaults
# gives the x-ng-sessionid header sent on every note, a 401 mid-run is answered
# by one new token and a new login, faults are retried, N records -> N notes.
# The site id comes from --site-id, CLAIMKIT_NEXTGEN_SITE_ID or the config
# file; without one nothing is sent.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-nextgen.XXXXXX")
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
unset CLAIMKIT_CONFIG CLAIMKIT_NEXTGEN_SITE_ID CLAIMKIT_NEXTGEN_TOKEN_URL CLAIMKIT_NEXTGEN_BASE_URL
fail() { echo "FAIL: $*"; exit 1; }
rm -f port
python3 "$src/tests/servers/fake_pm.py" --port-file port --faults ok,500,ok,expire,ok,503ra,429 \
  --site-id site-7 --nextgen-note-path '/claims/{claimid}/notes' --nextgen-note-field noteText &
spid=$!
for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || fail "fake server did not start"
port=$(cat port)
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }

n=25
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson
export CLAIMKIT_NEXTGEN_CLIENT_ID=test-client CLAIMKIT_NEXTGEN_CLIENT_SECRET=test-secret CLAIMKIT_NEXTGEN_NOTE_FIELD=noteText
base="http://127.0.0.1:$port/nge/prod/nge-api/api"
token="http://127.0.0.1:$port/nge/prod/nge-oauth/token"
nextgen() { timeout 60 pm-push --to nextgen --base-url "$base" --token-url "$token" --enterprise-id 00001 \
  --practice-id 0001 --note-path '/claims/{claimid}/notes' --timeout 5 "$@"; }

nextgen --site-id site-7 --jobs 2 in.ndjson >out 2>err
code=$?
cat err
[ "$code" = 0 ] || fail "exit $code"
[ "$(grep -c '"result":"applied"' out)" = $n ] || fail "not all applied"
[ "$(stats 'len(d["notes"])')" = $n ] || fail "notes $(stats 'len(d["notes"])')"
[ "$(stats 'len(set(x["text"] for x in d["notes"]))')" = $n ] || fail "duplicate notes"
[ "$(stats 'd["tokens_issued"]')" = 2 ] || fail "tokens issued"
[ "$(stats 'd["logins"]')" = 2 ] || fail "logins (one at start, one after the 401)"
# Every token request is the documented form, with the site id.
[ "$(stats "sorted(set((tuple(f['fields']), f['site_id']) for f in d['token_forms']))")" = \
  "[(('client_id', 'client_secret', 'grant_type', 'site_id'), 'site-7')]" ] || fail "token form: $(stats "d['token_forms']")"
[ "$(stats "int('PCN-000001' in [x['claimid'] for x in d['notes']])")" = 1 ] || fail "claim id in the note path"
[ "$(stats 'len(d["refused"])')" = 0 ] || fail "the fake refused a request: $(stats 'd["refused"]')"

# The site id from the environment, then from the config file.
head -3 in.ndjson >three.ndjson
CLAIMKIT_NEXTGEN_SITE_ID=site-7 nextgen --journal j2.db three.ndjson >out2 2>err2 || fail "site id from env exit $?"
[ "$(grep -c '"result":"applied"' out2)" = 3 ] || fail "site id from env"
printf '[nextgen]\nsite_id = site-7\n' >conf
chmod 600 conf
nextgen --config conf --journal j3.db three.ndjson >out3 2>err3 || fail "site id from config exit $?"
[ "$(grep -c '"result":"applied"' out3)" = 3 ] || fail "site id from config"
[ "$(stats "d['token_forms'][-1]['site_id']")" = site-7 ] || fail "site id from config not sent"

# Another installation's site id: the token is refused, exit 4, nothing sent.
writes=$(stats 'd["writes"]')
nextgen --site-id site-8 --journal j4.db --rejects rej4.ndjson three.ndjson >out4 2>err4; code=$?
[ "$code" = 4 ] || fail "wrong site id exit $code"
[ "$(grep -c '"result":"failed"' out4)" = 3 ] || fail "wrong site id: not all failed"
grep -q 'site-8' err4 out4 && fail "site id in messages"
[ "$(stats 'd["writes"]')" = "$writes" ] || fail "wrong site id: something was sent"

# No site id: usage error, nothing read or sent.
tokens=$(stats 'len(d["token_forms"])')
nextgen --journal j5.db three.ndjson >out5 2>err5; code=$?
[ "$code" = 2 ] || fail "no site id exit $code"
grep -q -- '--site-id' err5 || fail "no site id message: $(cat err5)"
[ -s out5 ] && fail "no site id wrote results"
[ "$(stats 'len(d["token_forms"])')" = "$tokens" ] || fail "no site id: a token was requested"

# The note's JSON field is not published: without it, a usage error.
( unset CLAIMKIT_NEXTGEN_NOTE_FIELD; nextgen --site-id site-7 --journal j6.db three.ndjson >/dev/null 2>err6 ); code=$?
[ "$code" = 2 ] || fail "no note field exit $code"
grep -q 'note_field' err6 || fail "no note field message"

# Options missing: usage errors before anything is read.
timeout 10 pm-push --to nextgen --site-id s --base-url "$base" in.ndjson >/dev/null 2>err7; code=$?
[ "$code" = 2 ] || fail "missing ids exit $code"
grep -q -- '--enterprise-id' err7 || fail "missing ids message"
timeout 10 pm-push --to nextgen --site-id s --base-url "$base" --enterprise-id 1 --practice-id 2 \
  --note-path /claims/notes in.ndjson >/dev/null 2>err8; code=$?
[ "$code" = 2 ] || fail "note path without {claimid} exit $code"
# Plain http is refused for anything but loopback, for the API and the token host.
timeout 10 pm-push --to nextgen --site-id s --base-url "http://pm.example.org" --enterprise-id 1 --practice-id 2 \
  --note-path '/c/{claimid}' in.ndjson >/dev/null 2>err9; code=$?
[ "$code" = 2 ] || fail "plain http base exit $code"
timeout 10 pm-push --to nextgen --site-id s --token-url "http://auth.example.org/token" --enterprise-id 1 \
  --practice-id 2 --note-path '/c/{claimid}' in.ndjson >/dev/null 2>err10; code=$?
[ "$code" = 2 ] || fail "plain http token url exit $code"
echo ok
