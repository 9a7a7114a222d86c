#!/usr/bin/env bash
# claimkit-inbox runs all its files through one pm-push, yet each file ends
# by its own push results: a file whose records the target cannot take
# (claim ids outside --claim-pattern) goes to failed/ with its own push
# results and rejects (positions in its own normalized.ndjson), while the
# file beside it, pushed in the same run, goes to done/.
set -u
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/inbox_test.sh"
inbox_setup inbox-per-file python3
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/inbox"
python3 "$src/tests/servers/fake_pm.py" --port-file "$work/port" &
spid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || fail "fake server did not start"
port=$(cat "$work/port")
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }
x=$src/examples/x12
cp "$x/evergreen-status.277" "$work/inbox/a.277"
sed 's/NW-1000/ZZ-2000/g; s/000004301/000004302/' "$x/evergreen-status.277" >"$work/inbox/b.277"
touch -d '1 minute ago' "$work/inbox/a.277"
env -i PATH=/usr/bin:/bin HOME="$work/home" CLAIMKIT_ATHENA_CLIENT_ID=test-client \
  CLAIMKIT_ATHENA_CLIENT_SECRET=test-secret timeout -k 5 60 "$work/bin/claimkit-inbox" --to athena \
  --base-url "http://127.0.0.1:$port" --practice-id 195900 --claim-pattern '^NW-([0-9]+)$' "$work/inbox" \
  </dev/null >"$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$work/out"; fail "exit $rc, want 1"; }
d=$work/inbox/done/a.277 f=$work/inbox/failed/b.277
[ -f "$d/a.277" ] && [ -f "$f/b.277" ] || { ls -R "$work/inbox"; fail "files not where their results send them"; }
grep -qx 'pm-push exit 1' "$f/failure" || fail "failure note: $(cat "$f/failure")"
[ "$(grep -c '"result":"applied"' "$d/push.ndjson")" -eq 6 ] || fail "a.277 push results"
[ "$(grep -c '"result":"failed"' "$f/push.ndjson")" -eq 6 ] || fail "b.277 push results"
grep -q 'ZZ-' "$d/push.ndjson" "$d/normalized.ndjson" && fail "b.277's records beside a.277"
grep -q 'NW-' "$f/push.ndjson" "$f/normalized.ndjson" && fail "a.277's records beside b.277"
[ ! -s "$d/push-rejects.ndjson" ] || fail "rejects beside a.277"
[ "$(wc -l <"$f/push-rejects.ndjson")" -eq 6 ] || fail "b.277 rejects"
# Positions in the file's own normalized.ndjson, lines 1 to 6.
python3 - "$f/push-rejects.ndjson" "$work/inbox/work/b.277/normalized.ndjson" <<'PY' || fail "reject positions"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["line"] for l in lines] == [1, 2, 3, 4, 5, 6], [l["line"] for l in lines]
assert all(l["input"] == sys.argv[2] for l in lines), lines[0]["input"]
PY
[ "$(stats 'len(d["notes"])')" -eq 6 ] || fail "notes $(stats 'len(d["notes"])'), want 6"
grep -q 'failed/b.277/' "$work/out" || { cat "$work/out"; fail "the failed file is not named"; }
grep -q 'done/a.277\|a.277.*failed' "$work/out" && { cat "$work/out"; fail "a.277 reported failed"; }
echo "ok: one pm-push run, each file by its own results"
