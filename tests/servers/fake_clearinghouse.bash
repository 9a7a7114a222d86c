# Sourced by the claim-query submit test scripts: checks that the tools and
# python3 are there (exit 77 otherwise), makes $work (removed on exit), and
# gives start_server ARGS... (the fake clearinghouse; sets $port), stats
# (its /stats into $work/stats.json), st EXPR (EXPR over d = those stats),
# claims N FILE (N synthetic claims C0001.., with a field of the user's own,
# x_local) and fail MESSAGE.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
[ -x "$bin/claim-query" ] || { echo "claim-query not built"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-${1:-submit}.XXXXXX")
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
start_server() {
  stop_server
  rm -f "$work/port"
  python3 "$src/tests/servers/fake_clearinghouse.py" --port-file "$work/port" --lifetime 60 "$@" &
  server_pid=$!
  for _ in $(seq 150); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || fail "fake server did not start"
  port=$(cat "$work/port")
}
stats() { python3 -c "import json,urllib.request; print(json.dumps(json.load(urllib.request.urlopen('http://127.0.0.1:$port/stats', timeout=5))))" >"$work/stats.json"; }
st() { python3 -c "import json,sys; d=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))" "$1" "$work/stats.json"; }
claims() {
  python3 - "$1" >"$2" <<'PY'
import json, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(json.dumps({"type": "claim", "claim_id": "C%04d" % i, "payer_id": "60054",
        "provider": {"npi": "1234567893", "name": "TEST CLINIC"},
        "subscriber": {"member_id": "M%06d" % i, "first_name": "PAT", "last_name": "TESTER%d" % i,
                       "dob": "1980-01-%02d" % (i % 28 + 1)},
        "service_from": "2026-01-05", "billed_amount": 120.50, "x_local": {"keep": i}}))
PY
}
export CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret
export CLAIMKIT_CONFIG=$work/no-such-config HOME=$work
