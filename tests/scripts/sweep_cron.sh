#!/usr/bin/env bash
# claimkit-sweep as cron runs it (env -i, a minimal PATH, no terminal, stdin
# /dev/null) against the loopback fake clearinghouse: a clean run is silent
# and fills the ledger; the next run finds nothing due; two runs started
# together never overlap (the second exits 75 in silence, or waits with
# --wait); a run killed with SIGKILL midway is followed by a run that
# completes with each claim once in the ledger; an unreachable clearinghouse
# makes a run print what failed and exit 4. No log, message or run file name
# carries a record value, and the run directory is private.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in claim-age claim-query status-normalize pm-push; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
for c in python3 flock sqlite3 setsid; do
  command -v "$c" >/dev/null || { echo "skipped: $c missing"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-sweep.XXXXXX")
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  server_pid=
}
bg_pids=()
cleanup() {
  for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

start_server() {
  stop_server
  rm -f "$work/port"
  python3 "$src/tests/servers/fake_clearinghouse.py" --port-file "$work/port" --lifetime 55 "$@" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || fail "fake server did not start"
  port=$(cat "$work/port")
}

# The sample export as CSV, with the practice's own header names.
export_csv=$work/export/open-claims.csv
mkdir -p "$work/export" "$work/etc"
cp "$src/examples/sweep/open-claims.csv" "$export_csv"
columns='claim_id=Claim #,payer_id=Payer ID,payer_name=Payer,provider.npi=Billing NPI,provider.name=Billing Provider,subscriber.member_id=Member ID,subscriber.first_name=Patient First,subscriber.last_name=Patient Last,subscriber.dob=DOB,service_from=DOS,billed_amount=Charges,submitted_date=Submitted,last_checked=Last Checked,state=Status'

# config NAME: a config file for one scenario, its own work dir and ledger.
config() {
  local name=$1
  cat >"$work/etc/$name.conf" <<EOF
# sweep settings for the $name scenario
to = sqlite:$work/$name/ledger.db
work-dir = $work/$name/state
columns = $columns
as-of = 2026-11-23
url = http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/
token-url = http://127.0.0.1:$port/apip/auth/v2/token
jobs = 2
EOF
  chmod 0600 "$work/etc/$name.conf"
  mkdir -p "$work/$name"
}

# The tools are found next to the script when installed; here they are in the
# build tree, so put them beside a copy of it.
mkdir -p "$work/bin"
cp "$src/scripts/claimkit-sweep" "$work/bin/"
for t in claim-age claim-query status-normalize pm-push; do ln -s "$bin/$t" "$work/bin/$t"; done
src_script=$work/bin/claimkit-sweep
# cron NAME OUT [ARGS...]: the sweep as cron starts it.
cron() {
  local name=$1 out=$2
  shift 2
  env -i PATH="/usr/bin:/bin" HOME="$work/home" CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret \
    timeout -k 5 40 setsid "$src_script" --config "$work/etc/$name.conf" "$@" "$export_csv" \
    </dev/null >"$out" 2>&1
}
ledger_claims() { sqlite3 "$work/$1/ledger.db" 'SELECT count(*) FROM claims'; }
history_dupes() { sqlite3 "$work/$1/ledger.db" 'SELECT count(*) FROM (SELECT claim_id FROM status_history GROUP BY claim_id HAVING count(*) > 1)'; }

# No record value in what the sweep leaves besides the records themselves.
phi_check() {
  local where=$1
  shift
  local v
  for v in NW-100 EMH1002 SVH3004 ABLE BAKER CARTER JENSEN KOVAC 1971-04-02 1234567893; do
    if grep -l -- "$v" "$@" 2>/dev/null | grep -q .; then fail "$where: a record value ($v) in $(grep -l -- "$v" "$@" | head -3)"; fi
  done
}

start_server --flavour optum

# 1. A clean run: silent, exit 0, ten due claims checked and written.
config clean
cron clean "$work/out1"
rc=$?
[ $rc -eq 0 ] || { cat "$work/out1"; fail "clean run exit $rc"; }
[ ! -s "$work/out1" ] || { cat "$work/out1"; fail "clean run printed something"; }
[ "$(ledger_claims clean)" -eq 10 ] || fail "ledger has $(ledger_claims clean) claims, want 10"
log=$work/clean/state/sweep.log
[ "$(wc -l <"$log")" -eq 1 ] || fail "one log line per run"
grep -q ' exit=0 claims=12 due=10 statuses=10 query_rejects=0 applied=10 duplicate=0 push_failed=0 steps=convert:0/' "$log" ||
  { cat "$log"; fail "log line"; }
run_dir=$(ls -d "$work"/clean/state/runs/*/)
for f in claims.ndjson due.ndjson status.ndjson normalized.ndjson push.ndjson run.log; do
  [ -f "$run_dir/$f" ] || fail "run dir lacks $f"
done
[ "$(stat -c %a "$run_dir")" = 700 ] || fail "run dir mode $(stat -c %a "$run_dir")"
loose=$(find "$work/clean/state" -type f ! -perm 600)
[ -z "$loose" ] || fail "files not 0600: $loose"
phi_check "clean run" "$work/out1" "$log" "$run_dir"/*.log "$run_dir"/*.stderr
ls -R "$work/clean/state" | grep -q -e NW-100 -e EMH && fail "a record value in a file name"

# 2. The next run: the ledger says every claim was just checked: nothing due.
cron clean "$work/out2"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/out2" ] || { cat "$work/out2"; fail "second run exit $rc or output"; }
tail -1 "$log" | grep -q ' exit=0 claims=12 due=0 statuses=0 ' || { tail -1 "$log"; fail "second run was not a no-op"; }

# 3. Two runs started together (the clearinghouse answers slowly): one works,
#    the other exits 75 at once without a word; a third with --wait waits.
start_server --flavour optum --fault NW-10001=slow --slow-seconds 4
config busy
cron busy "$work/out3a" &
a=$!
bg_pids+=("$a")
for _ in $(seq 100); do [ -e "$work/busy/state/lock" ] && ls "$work"/busy/state/runs/*/query.stderr >/dev/null 2>&1 && break; sleep 0.1; done
cron busy "$work/out3b"
rc_b=$?
cron busy "$work/out3c" --wait 30 &
c=$!
bg_pids+=("$c")
wait "$a"; rc_a=$?
wait "$c"; rc_c=$?
[ $rc_a -eq 0 ] && [ ! -s "$work/out3a" ] || { cat "$work/out3a"; fail "first concurrent run exit $rc_a"; }
[ $rc_b -eq 75 ] || { cat "$work/out3b"; fail "overlapping run exit $rc_b, want 75"; }
[ ! -s "$work/out3b" ] || { cat "$work/out3b"; fail "overlapping run printed something"; }
[ $rc_c -eq 0 ] && [ ! -s "$work/out3c" ] || { cat "$work/out3c"; fail "waiting run exit $rc_c"; }
[ "$(wc -l <"$work/busy/state/sweep.log")" -eq 2 ] || fail "busy: want 2 logged runs (one refused)"
tail -1 "$work/busy/state/sweep.log" | grep -q ' due=0 ' || fail "the run that waited should find nothing due"

# 4. SIGKILL midway (during the status checks), then the next run: the claims
#    end in the ledger once each, and the log names the unfinished run.
start_server --flavour optum --fault NW-10005=slow --slow-seconds 3
config killed
{ cron killed "$work/out4a"; } 2>/dev/null &
k=$!
bg_pids+=("$k")
for _ in $(seq 100); do ls "$work"/killed/state/runs/*/query.stderr >/dev/null 2>&1 && break; sleep 0.1; done
sleep 0.5
# The run directory is named after the sweep's process id.
victim=$(ls -d "$work"/killed/state/runs/*/ | sed -n 's|.*-\([0-9]*\)/$|\1|p' | head -1)
[ -n "$victim" ] || fail "no run to kill"
kill -9 "$victim" || fail "could not kill the sweep"
wait "$k" 2>/dev/null
[ ! -e "$(ls -d "$work"/killed/state/runs/*/)finished" ] || fail "the killed run finished anyway"
cron killed "$work/out4b" --wait 30
rc=$?
[ $rc -eq 0 ] || { cat "$work/out4b"; fail "run after a kill exit $rc"; }
[ "$(ledger_claims killed)" -eq 10 ] || fail "after kill: ledger has $(ledger_claims killed) claims"
[ "$(history_dupes killed)" -eq 0 ] || fail "after kill: a claim has two history rows"
grep -q 'unfinished_before=' "$work/killed/state/sweep.log" || { cat "$work/killed/state/sweep.log"; fail "unfinished run not noted"; }
cron killed "$work/out4c"
[ $? -eq 0 ] || fail "third run after the kill"
[ "$(sqlite3 "$work/killed/ledger.db" 'SELECT count(*) FROM status_history')" -eq 10 ] || fail "history rows after reruns"

# 5. The clearinghouse is down: exit 4, and the output says what failed.
stop_server
config down
sed -i "s|127.0.0.1:$port|127.0.0.1:9|" "$work/etc/down.conf"
cron down "$work/out5"
rc=$?
[ $rc -eq 4 ] || { cat "$work/out5"; fail "unreachable clearinghouse exit $rc, want 4"; }
grep -q 'exit 4: .*(failed: query)' "$work/out5" || { cat "$work/out5"; fail "failure message"; }
grep -q 'run directory ' "$work/out5" || fail "failure message lacks the run directory"
phi_check "failed run" "$work/out5" "$work/down/state/sweep.log"

# 6. An NDJSON export, and a claim the API refuses: the others are written,
#    the refused one as an error-state status, the run exits 1, says how many
#    were refused in one line, and names the
#    kind of reject, never the claim.
start_server --flavour optum --fault NW-10002=400
config refused
env -i PATH=/usr/bin:/bin HOME="$work/home" CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret \
  timeout -k 5 40 setsid "$src_script" --config "$work/etc/refused.conf" "$src/examples/sweep/open-claims.ndjson" \
  </dev/null >"$work/out6" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$work/out6"; fail "a refused claim: exit $rc, want 1"; }
grep -q 'query-errors.ndjson: 1 api_rejected' "$work/out6" || { cat "$work/out6"; fail "reject kinds not listed"; }
grep -q '^claimkit-sweep: open-claims.ndjson: payer rejections: 0 claim(s) rejected, 1 claim(s) refused' "$work/out6" ||
  { cat "$work/out6"; fail "no rejection line for the refused claim"; }
# The refused claim is known, so its answer is written as an error-state status.
[ "$(ledger_claims refused)" -eq 10 ] || fail "the claims were not written"
[ "$(sqlite3 "$work/refused/ledger.db" "SELECT state FROM claims WHERE claim_id = 'NW-10002'")" = error ] ||
  fail "the refused claim is not in state error"
[ "$(sqlite3 "$work/refused/ledger.db" "SELECT count(*) FROM claims WHERE state = 'error'")" -eq 1 ] ||
  fail "other claims in state error"
phi_check "refused claim" "$work/out6" "$work/refused/state/sweep.log"

# 7. Usage errors are exit 2 with a message; the lock is only taken after them.
env -i PATH=/usr/bin:/bin "$src_script" --work-dir "$work/usage" "$export_csv" >"$work/out6" 2>&1
[ $? -eq 2 ] && grep -q -- '--to is required' "$work/out6" || { cat "$work/out6"; fail "missing --to"; }
env -i PATH=/usr/bin:/bin "$src_script" --to sqlite:x "$export_csv" >"$work/out7" 2>&1
[ $? -eq 2 ] && grep -q 'HOME' "$work/out7" || { cat "$work/out7"; fail "no HOME and no --work-dir"; }
# 8. A work directory that is a symlink (to a directory of someone else's
#    choosing) is refused before anything is written through it.
mkdir -p "$work/elsewhere"
chmod 0755 "$work/elsewhere"
ln -s "$work/elsewhere" "$work/linked-state"
env -i PATH=/usr/bin:/bin "$src_script" --to "sqlite:$work/x.db" --work-dir "$work/linked-state" "$export_csv" \
  >"$work/out8" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'symbolic link' "$work/out8" || { cat "$work/out8"; fail "symlinked work dir: exit $rc"; }
[ -z "$(ls -A "$work/elsewhere")" ] && [ "$(stat -c %a "$work/elsewhere")" = 755 ] || fail "written through the symlink"
echo "ok: sweep under cron: quiet, locked, restartable, private"
