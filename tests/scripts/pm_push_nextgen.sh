#!/usr/bin/env bash
# pm-push --to nextgen against the loopback fake: token, login-defaults
# session header on every note, a 401 mid-run answered by one new token and
# a new session, faults retried, N records -> N notes.
set -u
bin=${CLAIMKIT_BIN:?}
src=${CLAIMKIT_SOURCE_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-nextgen.XXXXXX")
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state"
fail() { echo "FAIL: $*"; exit 1; }
rm -f port
python3 "$src/tests/servers/fake_pm.py" --port-file port --faults ok,500,ok,expire,ok,503ra,429 &
spid=$!
for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || fail "fake server did not start"
port=$(cat port)
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }

n=25
python3 "$src/tests/servers/fake_pm.py" --gen $n >in.ndjson
export CLAIMKIT_NEXTGEN_CLIENT_ID=test-client CLAIMKIT_NEXTGEN_CLIENT_SECRET=test-secret
export CLAIMKIT_NEXTGEN_TOKEN_URL="http://127.0.0.1:$port/nge-oauth/token"
nextgen() { timeout 60 pm-push --to nextgen --base-url "http://127.0.0.1:$port" --enterprise-id 1 --practice-id 0042 \
  --note-path '/nextgen/claims/{claimid}/notes' --timeout 5 "$@"; }

nextgen --jobs 2 in.ndjson >out 2>err
code=$?
cat err
[ "$code" = 0 ] || fail "exit $code"
[ "$(grep -c '"result":"applied"' out)" = $n ] || fail "not all applied"
[ "$(stats 'len(d["notes"])')" = $n ] || fail "notes $(stats 'len(d["notes"])')"
[ "$(stats 'len(set(x["text"] for x in d["notes"]))')" = $n ] || fail "duplicate notes"
[ "$(stats 'd["tokens_issued"]')" = 2 ] || fail "tokens issued"
[ "$(stats 'len(d["sessions"])')" = 2 ] || fail "sessions (one at start, one after the 401)"
[ "$(stats "int('PCN-000001' in [x['claimid'] for x in d['notes']])")" = 1 ] || fail "claim id in the note path"

# Options missing: usage errors before anything is read.
timeout 10 pm-push --to nextgen --base-url "http://127.0.0.1:$port" in.ndjson >/dev/null 2>err2; code=$?
[ "$code" = 2 ] || fail "missing ids exit $code"
grep -q -- '--enterprise-id' err2 || fail "missing ids message"
timeout 10 pm-push --to nextgen --base-url "http://127.0.0.1:$port" --enterprise-id 1 --practice-id 2 \
  --note-path /claims/notes in.ndjson >/dev/null 2>err3; code=$?
[ "$code" = 2 ] || fail "note path without {claimid} exit $code"
# Plain http is refused for anything but loopback.
timeout 10 pm-push --to nextgen --base-url "http://pm.example.org" --enterprise-id 1 --practice-id 2 \
  --note-path '/c/{claimid}' in.ndjson >/dev/null 2>err4; code=$?
[ "$code" = 2 ] || fail "plain http base exit $code"
echo ok
