#!/usr/bin/env bash
# claimkit-inbox passes the pm-push target options through under pm-push's
# own names, from the command line and from its config file: a 277 dropped in
# the inbox becomes claim notes on a loopback athenaOne-like API, under the
# practice id and claim id pattern given; a second run writes nothing twice.
# Without the target options pm-push refuses, and the file stays in work/.
set -u
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/inbox_test.sh"
inbox_setup inbox-target python3
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/inbox" "$work/etc"
python3 "$src/tests/servers/fake_pm.py" --port-file "$work/port" &
spid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || fail "fake server did not start"
port=$(cat "$work/port")
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }
run() {  # run OUT [ARGS...]
  local out=$1
  shift
  env -i PATH=/usr/bin:/bin HOME="$work/home" CLAIMKIT_ATHENA_CLIENT_ID=test-client \
    CLAIMKIT_ATHENA_CLIENT_SECRET=test-secret timeout -k 5 60 "$work/bin/claimkit-inbox" "$@" "$work/inbox" \
    </dev/null >"$out" 2>&1
}

# 1. No base URL or practice: pm-push refuses; the file waits in work/.
cp "$src/examples/x12/evergreen-status.277" "$work/inbox/a.277"
run "$work/out1" --to athena
rc=$?
[ $rc -ne 0 ] || { cat "$work/out1"; fail "athena without its settings: exit 0"; }
[ -f "$work/inbox/work/a.277/a.277" ] || { ls -R "$work/inbox"; fail "the file did not stay in work/"; }
[ "$(stats 'len(d["notes"])')" = 0 ] || fail "notes written without settings"

# 2. The settings in the config file, the practice on the command line.
cat >"$work/etc/inbox.conf" <<CONF
to = athena
base-url = http://127.0.0.1:$port
claim-pattern = ^NW-([0-9]+)\$
CONF
chmod 600 "$work/etc/inbox.conf"
run "$work/out2" --config "$work/etc/inbox.conf" --practice-id 195900
rc=$?
[ $rc -eq 0 ] || { cat "$work/out2"; cat "$work"/inbox/*/a.277/pm-push.stderr 2>/dev/null; fail "exit $rc"; }
[ -f "$work/inbox/done/a.277/a.277" ] || fail "not in done/"
notes=$(stats 'len(d["notes"])')
[ "$notes" -eq 6 ] || fail "$notes notes, want 6"
[ "$(stats "sorted(set(str(n['practice']) for n in d['notes']))")" = "['195900']" ] || fail "practice id not passed"
[ "$(stats "sorted(n['claimid'] for n in d['notes'])[0]")" = 10001 ] || fail "claim pattern not passed"

# 3. The same file again: no note twice.
cp "$src/examples/x12/evergreen-status.277" "$work/inbox/a.277"
run "$work/out3" --config "$work/etc/inbox.conf" --practice-id 195900
rc=$?
[ $rc -eq 0 ] || { cat "$work/out3"; fail "second run exit $rc"; }
[ "$(stats 'len(d["notes"])')" -eq 6 ] || fail "a note was written twice"
echo "ok: target options reach pm-push from the options and the config file"
