#!/usr/bin/env bash
# Attacks through what others drop into the inbox, as a second user:
# - an attacker-made .claimkit/ whose inbox.log (and fetch.ndjson,
#   push.stderr, lock) point at the cron user's ~/.bashrc, plus a delivered
#   file whose name carries a newline and a shell command: before the fix
#   the log line was appended to .bashrc (code execution as the cron user);
# - a name longer than the inbox can use, and names of the inbox's own
#   output files (status.ndjson was overwritten by the parse of itself).
# Each odd name is quarantined under a generated name with its original name
# kept escaped; the other files are processed; .bashrc is untouched; the log
# and the messages are one line per entry, names escaped.
set -u
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/inbox_test.sh"
. "$src/tests/lib/hostile_user.sh"
inbox_setup inbox-names sqlite3 python3
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
mkdir -p "$work/inbox"
chmod 1777 "$work/inbox"
printf 'echo harmless\n' >"$work/home/.bashrc"
cp "$work/home/.bashrc" "$work/bashrc.before"
x=$src/examples/x12

# The attacker's preparations, all as the second user.
hostile mkdir "$work/inbox/.claimkit"
for f in inbox.log fetch.ndjson fetch.stderr push.stderr lock pm-push.journal; do
  hostile ln -s "$work/home/.bashrc" "$work/inbox/.claimkit/$f"
done
nl_name=$'evil\ntouch pwned-by-claimkit-test; #.277'
long_name=$(printf 'L%.0s' $(seq 1 230)).277
hostile cp "$x/evergreen-status.277" "$work/inbox/$nl_name" || fail "cannot plant the newline name"
hostile cp "$x/evergreen-status.277" "$work/inbox/$long_name"
for own in status.ndjson normalized.ndjson failure; do
  hostile cp "$x/summit-ack.277ca" "$work/inbox/$own"
done
hostile cp "$x/summit-837.999" "$work/inbox/plain.999"
hostile cp "$x/evergreen-status.277" "$work/inbox/plain.277"
sha_of() { sha256sum <"$1" | cut -d' ' -f1; }
want_sha=$(sha_of "$x/evergreen-status.277")
own_sha=$(sha_of "$x/summit-ack.277ca")

env -i PATH=/usr/bin:/bin HOME="$work/home" timeout -k 5 60 "$work/bin/claimkit-inbox" \
  --to "sqlite:$work/home/ledger.db" "$work/inbox" </dev/null >"$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$work/out"; fail "exit $rc, want 1 (files quarantined)"; }
cmp -s "$work/home/.bashrc" "$work/bashrc.before" || fail ".bashrc was written to: $(cat "$work/home/.bashrc")"
[ -L "$work/inbox/.claimkit/inbox.log" ] || fail "the attacker's symlink was replaced"
[ -z "$(find "$work" / -maxdepth 1 -name pwned-by-claimkit-test)" ] || fail "a command from a file name ran"

# The plain files went through.
[ -f "$work/inbox/done/plain.277/plain.277" ] && [ -f "$work/inbox/done/plain.999/plain.999" ] ||
  { ls -R "$work/inbox"; fail "the plain files were not processed"; }
# Five quarantined: the newline name, the long name, three output names.
n=$(find "$work/inbox/quarantine" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n" -eq 5 ] || { ls -la "$work/inbox/quarantine"; fail "$n quarantined, want 5"; }
[ -z "$(find "$work/inbox" -mindepth 1 -maxdepth 1 -type f ! -name '.*')" ] || fail "files left in the inbox"
python3 - "$work/inbox/quarantine" "$nl_name" "$long_name" "$want_sha" "$own_sha" <<'PY' || fail "quarantine records"
import hashlib, json, os, sys
q, nl, long_name, want, own = sys.argv[1:]
seen = {}
for d in sorted(os.listdir(q)):
    assert d.startswith("q-") and all(c.isalnum() or c in "-" for c in d), d
    rec = json.loads(open(os.path.join(q, d, "name"), "rb").read())
    data = open(os.path.join(q, d, "file"), "rb").read()
    seen[rec["name"]] = (rec["reason"], hashlib.sha256(data).hexdigest())
assert seen[nl][1] == want and "control" in seen[nl][0], seen.get(nl)
assert seen[long_name][1] == want and "longer" in seen[long_name][0], seen.get(long_name)
for o in ("status.ndjson", "normalized.ndjson", "failure"):
    assert seen[o][1] == own and "output" in seen[o][0], (o, seen.get(o))
PY

# The log is in the private state directory, one entry per line, escaped.
state=$(ls -d "$work"/home/.local/state/claimkit/inbox/*/)
log=$state/inbox.log
[ -f "$log" ] || fail "no log in the state directory"
bad=$(grep -cv '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' "$log")
[ "$bad" -eq 0 ] || { cat -A "$log"; fail "$bad log lines do not start with a time stamp"; }
grep -q 'result=quarantined' "$log" || fail "quarantine not logged"
grep -q 'evil\\ntouch' "$log" || { cat -A "$log"; fail "the newline name is not escaped in the log"; }
bad=$(grep -cv '^claimkit-inbox: \|^  ' "$work/out")
[ "$bad" -eq 0 ] || { cat -A "$work/out"; fail "a message line was split by a file name"; }
grep -q 'quarantine/q-' "$work/out" || { cat "$work/out"; fail "the message does not name the quarantine"; }
[ "$(stat -c %a "$state")" = 700 ] || fail "state dir mode"
[ "$(sqlite3 "$work/home/ledger.db" 'SELECT count(*) FROM claims')" -eq 6 ] || fail "ledger claims"

# Run again: nothing left to do, the quarantine stays as it is.
env -i PATH=/usr/bin:/bin HOME="$work/home" timeout -k 5 60 "$work/bin/claimkit-inbox" \
  --to "sqlite:$work/home/ledger.db" "$work/inbox" </dev/null >"$work/out2" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/out2" ] || { cat "$work/out2"; fail "second run exit $rc"; }
echo "ok: odd names quarantined, .bashrc untouched, log and messages escaped"
