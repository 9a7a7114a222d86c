#!/usr/bin/env bash
# Patient data never on the command line, where every user of the machine
# reads it (/proc/PID/cmdline, ps). The documented way to check one claim,
# CSV in a here-document on standard input, leaves no record value in the
# running process's argv (read from /proc while its request is held by a slow
# fake clearinghouse), and gets its answer. The old per-field options
# (--member-id, --first-name, --dob ...) are refused with one line pointing to
# that form, and nothing is sent.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
[ -x "$bin/claim-query" ] || { echo "skipped: claim-query not built"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 missing"; exit 77; }
[ -r /proc/self/cmdline ] || { echo "skipped: no /proc"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-argv.XXXXXX")
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 "$src/tests/servers/fake_clearinghouse.py" --port-file "$work/port" --lifetime 60 --flavour stedi \
  --fault ARGV-0001=slow --slow-seconds 3 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "fake server did not start"
port=$(cat "$work/port")
export CLAIMKIT_CONFIG=$work/no-config HOME=$work CLAIMKIT_STEDI_API_KEY=test-api-key
url=http://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2

# 1. The documented form (claim-query(1), EXAMPLES), run in the background.
"$bin/claim-query" submit --api stedi --url "$url" --format-in csv >"$work/out" 2>"$work/err" <<'CSV' &
claim_id,payer_id,provider.npi,subscriber.member_id,subscriber.first_name,subscriber.last_name,subscriber.dob,service_from
ARGV-0001,60054,1234567893,ZQ99887766,PHILOMENA,XANTHOPOULOS,1961-07-19,2026-10-01
CSV
pid=$!
seen=
for _ in $(seq 50); do
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'claim-query'; then
    seen=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    break
  fi
  sleep 0.05
done
[ -n "$seen" ] || fail "could not read the running process's argv"
for phi in ZQ99887766 PHILOMENA XANTHOPOULOS 1961-07-19 ARGV-0001; do
  case $seen in *"$phi"*) fail "argv carries a record value: $seen" ;; esac
done
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || { cat "$work/err"; fail "documented form: exit $rc"; }
grep -q '"claim_id":"ARGV-0001"' "$work/out" || fail "documented form: no claim_status record"
for phi in ZQ99887766 PHILOMENA XANTHOPOULOS 1961-07-19; do
  grep -q "$phi" "$work/err" && fail "stderr carries a record value"
done

# 2. The old options are refused, with a pointer, before anything is sent.
for opt in --member-id --first-name --last-name --dob --claim-id; do
  "$bin/claim-query" submit --api stedi --url "$url" "$opt" SOMEVALUE </dev/null >"$work/out" 2>"$work/err"
  rc=$?
  [ "$rc" -eq 2 ] || { cat "$work/err"; fail "$opt: exit $rc"; }
  # One line, and the pointer to --help that ends every usage error.
  [ "$(wc -l <"$work/err")" -eq 2 ] || fail "$opt: not the message and the pointer to --help"
  [ "$(tail -n 1 "$work/err")" = "Try 'claim-query submit --help' for more information." ] || fail "$opt: no pointer to --help"
  grep -qx "claim-query: $opt: patient data on the command line is readable by every user; give the claim as a record on standard input or in a file (claim-query(1), EXAMPLES)" \
    "$work/err" || { cat "$work/err"; fail "$opt: message"; }
  grep -q SOMEVALUE "$work/err" && fail "$opt: the value was echoed"
done
requests=$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('http://127.0.0.1:$port/stats', timeout=5))['status_requests'])")
[ "$requests" -eq 1 ] || fail "expected only the documented form's request, saw $requests"
# Not in the help either.
"$bin/claim-query" submit --help | grep -q -- '--member-id' && fail "--member-id still offered in --help"
echo "ok"
