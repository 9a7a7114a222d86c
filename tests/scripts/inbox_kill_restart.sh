#!/usr/bin/env bash
# claimkit-inbox as cron runs it (env -i, a minimal PATH, no terminal): 277,
# 277CA and 999 files are processed into done/; a run killed with SIGKILL
# (the script and every process it started, as a crash would) again and
# again midway through moving its files into done/, then restarted, leaves every file in done/ or
# failed/ exactly once, nothing in the inbox or work/, and each claim once in
# the ledger with one history row; two runs started together never overlap;
# a broken file goes to failed/ with its error output and makes the run say
# so (exit 1); a clean run prints nothing but a line per file that carries
# payer rejections. The log, kept out of the inbox, holds no record values.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in x12-parse status-normalize pm-push; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
for c in flock sqlite3 setsid pgrep; do
  command -v "$c" >/dev/null || { echo "skipped: $c missing"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-inbox.XXXXXX")
bg_pids=()
cleanup() {
  for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work/bin" "$work/inbox" "$work/home"
cp "$src/scripts/claimkit-inbox" "$work/bin/"
for t in x12-parse status-normalize pm-push claim-query; do [ -x "$bin/$t" ] && ln -s "$bin/$t" "$work/bin/$t"; done
script=$work/bin/claimkit-inbox
ledger=$work/ledger.db

# 24 payer 277s (6 claims each, ids renamed per file), 6 277CAs (3 claims
# each) and 6 999s: 162 claims in 36 files.
x=$src/examples/x12
for i in $(seq 1 24); do
  sed "s/NW-1000/P$i-/g; s/000004301/0000$((43100 + i))/" "$x/evergreen-status.277" >"$work/inbox/payer-$i.277"
done
for i in $(seq 1 6); do
  sed "s/NW-1000/A$i-/g" "$x/summit-ack.277ca" >"$work/inbox/ack-$i.277ca"
  cp "$x/summit-837.999" "$work/inbox/batch-$i.999"
done
want_claims=$((24 * 6 + 6 * 3))
ls "$work/inbox" | sort >"$work/names"

cron() {
  local out=$1
  shift
  env -i PATH=/usr/bin:/bin HOME="$work/home" timeout -k 5 50 setsid "$script" --to "sqlite:$ledger" "$@" "$work/inbox" \
    </dev/null >"$out" 2>&1
}
# The state (lock, log) is kept out of the inbox, under the user's state home.
state_dir() { ls -d "$work"/home/.local/state/claimkit/inbox/*/ | head -1; }
# only_rejections FILE: FILE is empty but for payer rejection lines.
only_rejections() { ! grep -v '^claimkit-inbox: [^ ]*: payer rejections: ' "$1" | grep -q .; }
done_count() { find "$work/inbox/done" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# 1. Kill the run with SIGKILL three times, at different points. The run
# claims and moves its files in batches (one perl renames them all); a
# rename slowed to 50 ms here (perl's own override of the rename built-in)
# lets each kill land midway through a batch of moves.
mkdir -p "$work/perl"
cat >"$work/perl/SlowRename.pm" <<'PM'
package SlowRename;
BEGIN { *CORE::GLOBAL::rename = sub { select(undef, undef, undef, 0.05); CORE::rename($_[0], $_[1]) }; }
1;
PM
kills=0
for at in 3 12 24; do
  # timeout (the job, by exec) runs the script as its only child.
  (exec env -i PATH=/usr/bin:/bin HOME="$work/home" PERL5LIB="$work/perl" PERL5OPT=-MSlowRename \
    timeout -k 5 50 setsid "$script" --to "sqlite:$ledger" --wait 30 "$work/inbox" \
    </dev/null >"$work/out-kill-$at" 2>&1) 2>/dev/null &
  job=$!
  bg_pids+=("$job")
  victim=
  for _ in $(seq 100); do
    victim=$(pgrep -P "$job" | head -1)
    [ -n "$victim" ] && break
    sleep 0.02
  done
  for _ in $(seq 600); do [ "$(done_count)" -ge "$at" ] && break; sleep 0.02; done
  [ -n "$victim" ] && tr '\0' ' ' <"/proc/$victim/cmdline" | grep -q claimkit-inbox || fail "the script's process not found"
  # The whole session: the renames in flight die with the script.
  kill -9 -- "-$victim" 2>/dev/null && kills=$((kills + 1))
  [ -n "${CLAIMKIT_TEST_VERBOSE:-}" ] && echo "kill at $at: victim ${victim:-none}, $(done_count) done"
  { wait "$job"; } 2>/dev/null
done
[ "$kills" -eq 3 ] || fail "$kills runs killed, want 3"
left_in_work=$(find "$work/inbox/work" -mindepth 1 -maxdepth 1 | wc -l)
echo "killed $kills runs; $(done_count) files done, $left_in_work left in work/ before the restart"
[ "$left_in_work" -gt 0 ] || fail "no kill landed midway: nothing left in work/"

# 2. Restart: a clean run says nothing but the payer rejections, and
#    finishes everything.
cron "$work/out-restart" --wait 30
rc=$?
[ $rc -eq 0 ] || { cat "$work/out-restart"; fail "restart exit $rc"; }
only_rejections "$work/out-restart" || { cat "$work/out-restart"; fail "a clean run printed something else"; }

# Every file exactly once in done/ or failed/, none anywhere else.
find "$work/inbox/done" "$work/inbox/failed" -mindepth 2 -maxdepth 2 -type f ! -name '.*' \
  -newer /dev/null -printf '%f\n' | sort >"$work/all-outputs"
grep -Fxf "$work/names" "$work/all-outputs" | sort >"$work/placed"
diff "$work/names" "$work/placed" >/dev/null || { diff "$work/names" "$work/placed" | head; fail "files missing or placed twice"; }
[ -z "$(find "$work/inbox" -mindepth 1 -maxdepth 1 -type f ! -name '.*')" ] || fail "files left in the inbox"
[ -z "$(find "$work/inbox/work" -mindepth 1)" ] || fail "work/ not empty"
[ -z "$(ls "$work/inbox/failed")" ] || fail "a good file failed: $(ls "$work/inbox/failed")"
[ "$(sqlite3 "$ledger" 'SELECT count(*) FROM claims')" -eq "$want_claims" ] || fail "ledger claims $(sqlite3 "$ledger" 'SELECT count(*) FROM claims'), want $want_claims"
[ "$(sqlite3 "$ledger" 'SELECT count(*) FROM status_history')" -eq "$want_claims" ] || fail "history rows $(sqlite3 "$ledger" 'SELECT count(*) FROM status_history'), want $want_claims"
# 277CA rejections and 999 rejections are routed like the rest: into done/.
[ "$(sqlite3 "$ledger" "SELECT count(*) FROM claims WHERE state = 'rejected'")" -eq 6 ] || fail "277CA rejections not in the ledger"
grep -q '"type":"ack".*"state":"rejected"' "$work/inbox/done/batch-1.999/normalized.ndjson" || fail "999 rejection not beside its file"
mode=$(stat -c %a "$work/inbox/done/payer-1.277")
[ "$mode" = 700 ] || fail "done unit mode $mode"

# 3. Two runs at once: one waits or leaves quietly (75); nothing is done twice.
for i in 1 2 3; do sed "s/NW-1000/Z$i-/g; s/000004301/00000900$i/" "$x/evergreen-status.277" >"$work/inbox/late-$i.277"; done
cron "$work/out-c1" &
c1=$!
bg_pids+=("$c1")
cron "$work/out-c2" &
c2=$!
bg_pids+=("$c2")
wait "$c1"; r1=$?
wait "$c2"; r2=$?
{ [ $r1 -eq 0 ] && [ $r2 -eq 75 ]; } || { [ $r1 -eq 75 ] && [ $r2 -eq 0 ]; } || { [ $r1 -eq 0 ] && [ $r2 -eq 0 ]; } ||
  fail "concurrent runs exit $r1 and $r2"
[ ! -s "$work/out-c1" ] && [ ! -s "$work/out-c2" ] || { cat "$work/out-c1" "$work/out-c2"; fail "concurrent runs printed"; }
[ -z "$(find "$work/inbox" -maxdepth 1 -name '.*' ! -name . ! -name ..)" ] || fail "state written into the inbox"
[ "$(stat -c %a "$(state_dir)")" = 700 ] || fail "state dir not private"
[ "$(sqlite3 "$ledger" 'SELECT count(*) FROM status_history')" -eq $((want_claims + 18)) ] || fail "history after concurrent runs"
[ "$(ls -d "$work"/inbox/done/late-* | wc -l)" -eq 3 ] || fail "late files not done once each"

# 4. A broken file: failed/ with its error output, exit 1, a message naming it.
printf 'ISA*00*this is not a complete interchange\n' >"$work/inbox/broken.277"
cron "$work/out-broken"
rc=$?
[ $rc -eq 1 ] || { cat "$work/out-broken"; fail "broken file exit $rc, want 1"; }
[ -f "$work/inbox/failed/broken.277/broken.277" ] || fail "broken file not in failed/"
[ -s "$work/inbox/failed/broken.277/failure" ] || fail "no failure note beside the broken file"
grep -q 'failed/broken.277/' "$work/out-broken" || { cat "$work/out-broken"; fail "message does not name the failed file"; }

# 5. The same name delivered again is processed again, under a new name.
cp "$x/summit-837.999" "$work/inbox/batch-1.999"
cron "$work/out-again"
[ $? -eq 0 ] && [ -d "$work/inbox/done/batch-1.999.2" ] || fail "a re-delivered name"

# No record value in the log or the messages.
for v in P1-1 A1-7 EMH1002 ABLE BAKER 1234567893; do
  grep -q -- "$v" "$(state_dir)/inbox.log" "$work"/out-* && fail "a record value ($v) in the log or output"
done
echo "ok: inbox under cron: $want_claims claims once each after $kills kills"
