#!/usr/bin/env bash
# Attack: someone who may write into the shared inbox plants work, done or
# failed as a symlink to a directory of the cron user's (or as a directory of
# their own), or the inbox is writable by others without the sticky bit.
# Before the fix the resume step chmodded the target 0700 and deleted its
# subdirectories as abandoned units. Each must be refused with one line and
# exit 2, before anything is touched: the target keeps its mode and contents,
# and the delivered file stays where it was.
set -u
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/inbox_test.sh"
. "$src/tests/lib/hostile_user.sh"
inbox_setup inbox-attack
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"

# The cron user's own directory the attacker aims at: it has subdirectories
# that look like abandoned units.
victim=$work/home/precious
mkdir -p "$victim/project-a" "$victim/project-b"
echo "keep me" >"$victim/project-a/notes"
chmod 0755 "$victim"

run() {  # run INBOX OUT: the inbox as cron runs it
  env -i PATH=/usr/bin:/bin HOME="$work/home" timeout -k 5 40 "$work/bin/claimkit-inbox" \
    --to "sqlite:$work/home/ledger.db" "$1" </dev/null >"$2" 2>&1
}
# new_inbox NAME: a shared drop (sticky, writable by all) with one delivered file.
new_inbox() {
  local ib=$work/$1
  mkdir -p "$ib" && chmod 1777 "$ib"
  hostile cp "$src/examples/x12/evergreen-status.277" "$ib/payer.277"
  echo "$ib"
}
check_refused() {  # check_refused WHAT OUT INBOX
  local what=$1 out=$2 ib=$3 rc=$4
  [ "$rc" -eq 2 ] || { cat "$out"; fail "$what: exit $rc, want 2"; }
  [ "$(wc -l <"$out")" -eq 1 ] || { cat "$out"; fail "$what: want one line"; }
  grep -q "symbolic link\\|not owned\\|not sticky" "$out" || { cat "$out"; fail "$what: message"; }
  [ "$(stat -c %a "$victim")" = 755 ] || fail "$what: the target was chmodded to $(stat -c %a "$victim")"
  [ -f "$victim/project-a/notes" ] && [ -d "$victim/project-b" ] || fail "$what: the target's contents were removed"
  [ -f "$ib/payer.277" ] || fail "$what: the delivered file was moved"
  [ ! -e "$work/home/ledger.db" ] || fail "$what: something was pushed"
}

for d in work done failed quarantine; do
  ib=$(new_inbox "symlink-$d")
  hostile ln -s "$victim" "$ib/$d"
  run "$ib" "$work/out-$d"
  check_refused "$d symlink" "$work/out-$d" "$ib" $?
  grep -q "symbolic link" "$work/out-$d" || { cat "$work/out-$d"; fail "$d: not named a symlink"; }
done

# A symlinked inbox itself.
ln -s "$victim" "$work/inbox-link"
run "$work/inbox-link" "$work/out-link"
rc=$?
[ $rc -eq 2 ] && grep -q 'symbolic link' "$work/out-link" || { cat "$work/out-link"; fail "symlinked inbox: exit $rc"; }
[ "$(stat -c %a "$victim")" = 755 ] || fail "symlinked inbox: target chmodded"

# Writable by others without the sticky bit: others could swap work/ later.
ib=$(new_inbox open)
chmod 0777 "$ib"
run "$ib" "$work/out-open"
check_refused "world-writable inbox" "$work/out-open" "$ib" $?
grep -q 'not sticky' "$work/out-open" || { cat "$work/out-open"; fail "not named as not sticky"; }

if two_users; then
  # The attacker's own real directory named work/: not the cron user's.
  ib=$(new_inbox owned)
  hostile mkdir "$ib/work"
  run "$ib" "$work/out-owned"
  check_refused "another user's work/" "$work/out-owned" "$ib" $?
  grep -q 'not owned by' "$work/out-owned" || { cat "$work/out-owned"; fail "owner not named"; }
  # An inbox of another user's.
  mkdir -m 1777 "$work/shared"
  hostile mkdir -m 0755 "$work/shared/theirs"
  run "$work/shared/theirs" "$work/out-theirs"
  rc=$?
  [ $rc -eq 2 ] && grep -q 'not owned by' "$work/out-theirs" || { cat "$work/out-theirs"; fail "another user's inbox: exit $rc"; }
else
  echo "note: one user only; the owner checks are not exercised"
fi

# The sticky shared drop itself is fine: the file is processed. A fetch
# record an older version kept in the inbox is carried over to the state
# directory only when it is the user's own regular file, never through a
# symlink someone planted.
ib=$(new_inbox good)
hostile ln -s "$victim/project-a/notes" "$ib/.claimkit-fetched"
run "$ib" "$work/out-good"
rc=$?
[ $rc -eq 0 ] || { cat "$work/out-good"; fail "a sticky shared inbox: exit $rc"; }
[ -f "$ib/done/payer.277/payer.277" ] || fail "the file of a good inbox was not processed"
for d in work done failed quarantine; do
  [ "$(stat -c %a "$ib/$d")" = 700 ] || fail "$d/ mode $(stat -c %a "$ib/$d")"
done
[ "$(find "$ib" -maxdepth 1 -name '.*' ! -name . ! -name ..)" = "$ib/.claimkit-fetched" ] ||
  fail "the run wrote state into the inbox"
[ -z "$(find "$work/home/.local/state/claimkit/inbox" -name fetched.ndjson)" ] || fail "a planted fetch record was carried over"
ib=$(new_inbox legacy)
echo '{"name":"old.277","size":3,"remote":"sftp://h/o/old.277","fetched_at":"2026-11-01T00:00:00Z"}' >"$ib/.claimkit-fetched"
run "$ib" "$work/out-legacy"
rc=$?
[ $rc -eq 0 ] || { cat "$work/out-legacy"; fail "legacy inbox: exit $rc"; }
cmp -s "$ib/.claimkit-fetched" "$(find "$work/home/.local/state/claimkit/inbox" -name fetched.ndjson -newer "$ib/.claimkit-fetched")" ||
  fail "the user's own fetch record was not carried over"
echo "ok: planted work/done/failed symlinks and unsafe inboxes are refused"
