#!/usr/bin/env bash
# Attack: someone who may write into the inbox plants .claimkit-fetched as a
# symlink to a file of the fetching user's. Before the fix claim-query fetch
# followed it, chmodded the target 0600 and appended to it. Now the record is
# opened with O_NOFOLLOW and its owner checked: the fetch refuses with one
# line and exit 2 before connecting, and the target keeps its mode and
# contents. Same for a symlinked inbox, an inbox others may write without the
# sticky bit, a --record symlink, and (with two users) a record or an inbox
# of another user's. No server is needed: the checks come first.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/lib/hostile_user.sh"
[ -x "$bin/claim-query" ] || { echo "skipped: claim-query not built"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-fetch-attack.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work/home"
printf 'export PATH=/usr/bin\n' >"$work/home/.profile"
chmod 0644 "$work/home/.profile"
cp "$work/home/.profile" "$work/profile.before"
: >"$work/known_hosts"

fetch() {  # fetch OUT ARGS...: a fetch from a port nobody listens on
  local out=$1
  shift
  env -i PATH=/usr/bin:/bin HOME="$work/home" CLAIMKIT_CONFIG=/nonexistent CLAIMKIT_SFTP_PASSWORD=secret \
    timeout -k 5 30 "$bin/claim-query" fetch "sftp://biller@127.0.0.1:9/outbound/" --known-hosts "$work/known_hosts" \
    "$@" </dev/null >"$out" 2>&1
}
untouched() {
  cmp -s "$work/home/.profile" "$work/profile.before" || fail "$1: the target was written to"
  [ "$(stat -c %a "$work/home/.profile")" = 644 ] || fail "$1: the target was chmodded to $(stat -c %a "$work/home/.profile")"
}
refused() {  # refused WHAT OUT RC PATTERN
  [ "$3" -eq 2 ] || { cat "$2"; fail "$1: exit $3, want 2"; }
  [ "$(grep -vc "^Try 'claim-query fetch --help' for more information.$" "$2")" -eq 1 ] || { cat "$2"; fail "$1: want one line (and the pointer to --help)"; }
  grep -q "$4" "$2" || { cat "$2"; fail "$1: message does not say '$4'"; }
  untouched "$1"
}

# 1. The record planted as a symlink in a shared (sticky) inbox.
mkdir -m 1777 "$work/inbox"
hostile ln -s "$work/home/.profile" "$work/inbox/.claimkit-fetched"
fetch "$work/out1" --into "$work/inbox"
refused "symlinked record" "$work/out1" $? "symbolic link"

# 2. --record given as a path that is a symlink.
ln -s "$work/home/.profile" "$work/record-link"
fetch "$work/out2" --into "$work/home" --record "$work/record-link"
refused "symlinked --record" "$work/out2" $? "symbolic link"

# 3. The inbox itself a symlink, and an inbox others may write, not sticky.
mkdir -m 0755 "$work/real"
ln -s "$work/real" "$work/inbox-link"
fetch "$work/out3" --into "$work/inbox-link"
refused "symlinked inbox" "$work/out3" $? "symbolic link"
mkdir -m 0777 "$work/open"
chmod 0777 "$work/open"
fetch "$work/out4" --into "$work/open"
refused "world-writable inbox" "$work/out4" $? "not sticky"
[ ! -e "$work/open/.claimkit-fetched" ] || fail "a record was made in a refused inbox"

if two_users; then
  # 4. A record the attacker made (a real file, theirs), in a sticky inbox.
  mkdir -m 1777 "$work/inbox2"
  hostile touch "$work/inbox2/.claimkit-fetched"
  fetch "$work/out5" --into "$work/inbox2"
  refused "another user's record" "$work/out5" $? "owned by another user"
  # 5. An inbox of the attacker's.
  mkdir -m 1777 "$work/shared"
  hostile mkdir -m 0755 "$work/shared/theirs"
  fetch "$work/out6" --into "$work/shared/theirs"
  refused "another user's inbox" "$work/out6" $? "owned by another user"
else
  echo "note: one user only; the owner checks are not exercised"
fi

# 6. A safe inbox gets past the checks: the failure is now the connection
#    (exit 4), and the record is a private regular file.
mkdir -m 1777 "$work/good"
fetch "$work/out7" --into "$work/good"
rc=$?
[ $rc -eq 4 ] || { cat "$work/out7"; fail "a safe inbox: exit $rc, want 4 (no server)"; }
[ -f "$work/good/.claimkit-fetched" ] && [ ! -L "$work/good/.claimkit-fetched" ] || fail "no record made"
[ "$(stat -c %a "$work/good/.claimkit-fetched")" = 600 ] || fail "record mode"
echo "ok: planted fetch records and unsafe inboxes are refused"
