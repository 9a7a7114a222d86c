#!/usr/bin/env bash
# Progress lines: pm-push and claimkit-inbox show one on a terminal (stderr
# a pty here), rewritten in place, holding counts only (no claim ids, no
# file names); with stderr a file, as under cron, there is none.
set -u
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/inbox_test.sh"
inbox_setup progress-tty python3 sqlite3
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
python3 "$src/tests/servers/fake_pm.py" --gen 1500 >in.ndjson
[ "$(wc -l <in.ndjson)" -eq 1500 ] || fail "generated input"

# on_pty OUT COMMAND: runs COMMAND (bash -c) with stderr on a pty; what the
# terminal got goes to OUT.
on_pty() {
  python3 - "$@" <<'PY'
import os, pty, subprocess, sys
out, cmd = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
p = subprocess.Popen(["bash", "-c", cmd], stdin=subprocess.DEVNULL, stderr=slave)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
p.wait()
open(out, "wb").write(data)
sys.exit(p.returncode)
PY
}

# 1. pm-push: the first 1,000 records, a pause, the rest: the second batch
#    of 500 ends more than 200 ms after the start and shows a line.
feed="{ head -n 1000 in.ndjson; sleep 0.6; tail -n +1001 in.ndjson; }"
on_pty tty1 "$feed | '$bin/pm-push' --to sqlite:l1.db --journal j1 >out1" || fail "pm-push on a pty: exit $?"
grep -q $'\r\x1b\\[Kpm-push: [0-9][0-9]* records, [0-9][0-9]*/s, 0 failed, 0 unknown' tty1 ||
  { cat -A tty1 | head; fail "no progress line on the terminal"; }
grep -q '1500 records: 1500 applied' tty1 || { cat -A tty1 | head; fail "no summary after the progress"; }
# The summary starts on a cleared line.
grep -q $'\r\x1b\\[Kpm-push: 1500 records: 1500 applied' tty1 || { cat -A tty1 | head; fail "summary not on a clean line"; }
for v in $(sed -n 's/.*"claim_id":"\([^"]*\)".*/\1/p' in.ndjson | head -20); do
  grep -qF -- "$v" tty1 && fail "a claim id on the terminal"
done
# -q: no progress either.
on_pty tty2 "$feed | '$bin/pm-push' -q --to sqlite:l2.db --journal j2 >out2" || fail "pm-push -q: exit $?"
[ ! -s tty2 ] || { cat -A tty2 | head; fail "pm-push -q wrote to the terminal"; }
# stderr a file: no progress.
bash -c "$feed | '$bin/pm-push' --to sqlite:l3.db --journal j3 >out3 2>err3" || fail "pm-push, stderr a file"
grep -q 'records, [0-9]*/s' err3 && { cat -A err3; fail "a progress line in a file"; }
grep -q $'\x1b' err3 && fail "terminal codes in a file"

# 2. claimkit-inbox: a step line with the file count, no file names.
mkdir -p inbox
for i in 1 2 3; do
  sed "s/NW-1000/T$i-/g; s/000004301/00000700$i/" "$src/examples/x12/evergreen-status.277" >"inbox/secret-name-$i.277"
done
on_pty tty4 "HOME='$work/home' '$work/bin/claimkit-inbox' --to sqlite:l4.db -v '$work/inbox'" || fail "inbox on a pty: exit $?"
grep -q $'\r\x1b\\[Kclaimkit-inbox: 3 files: x12-parse' tty4 || { cat -A tty4 | head; fail "no inbox progress line"; }
grep -q 'secret-name' tty4 && { cat -A tty4; fail "a file name in the progress line"; }
[ "$(find inbox/done -mindepth 1 -maxdepth 1 | wc -l)" -eq 3 ] || fail "inbox files not done"
cp "$src/examples/x12/summit-837.999" inbox/again.999
HOME="$work/home" "$work/bin/claimkit-inbox" --to sqlite:l4.db -v "$work/inbox" 2>err5 || fail "inbox, stderr a file"
grep -q $'\x1b\|files: x12-parse' err5 && { cat -A err5; fail "inbox progress in a file"; }
echo "ok: progress lines on a terminal only, counts only"
