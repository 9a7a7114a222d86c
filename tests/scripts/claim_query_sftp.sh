#!/usr/bin/env bash
# claim-query send / fetch against a real OpenSSH server on 127.0.0.1: a
# throwaway host key, user key and sshd_config in a temp dir, the server
# killed on exit. Checks the round trip, the inbox record, --delete-remote,
# --move-remote, and that unknown and changed host keys are refused.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/loopback_sshd.sh"
sshd=/usr/sbin/sshd
[ -x "$sshd" ] || { echo "skipped: no $sshd"; exit 77; }
command -v ssh-keygen >/dev/null || { echo "skipped: no ssh-keygen"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
  # sshd running as root insists on its privilege separation directory.
  mkdir -m 0755 /run/sshd 2>/dev/null || { echo "skipped: cannot create /run/sshd"; exit 77; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-sftp.XXXXXX")
sshd_pid=
cleanup() {
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sshd_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*"; [ -f "$work/sshd.log" ] && { echo "--- sshd log:"; tail -20 "$work/sshd.log"; }; exit 1; }

start_sshd() {  # $1 = host key file
  port=$(free_port)
  write_sshd_config "$work/sshd_config" "$port" "$1" "$work/authorized_keys"
  "$sshd" -f "$work/sshd_config" -D -e 2>>"$work/sshd.log" &
  sshd_pid=$!
  wait_listening "$port" "$sshd_pid" || fail "sshd did not start and listen within 10 s"
}

stop_sshd() {
  kill "$sshd_pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$sshd_pid" 2>/dev/null
  wait "$sshd_pid" 2>/dev/null
  sshd_pid=
}

ssh-keygen -q -t ecdsa -b 256 -N '' -f "$work/host_key" || fail "host key"
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$work/other_host_key" || fail "second host key"
ssh-keygen -q -t ed25519 -N '' -f "$work/ed25519_host_key" || fail "third host key"
ssh-keygen -q -t ecdsa -b 256 -N '' -m PEM -f "$work/user_key" || fail "user key"
ssh-keygen -q -t ecdsa -b 256 -N 'pass phrase 7' -m PEM -f "$work/locked_key" || fail "locked user key"
ssh-keygen -q -t ecdsa -b 256 -N '' -m PEM -f "$work/stranger_key" || fail "stranger key"
cat "$work/user_key.pub" "$work/locked_key.pub" >"$work/authorized_keys"
chmod 600 "$work/authorized_keys"

start_sshd "$work/host_key"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
: >"$work/empty_known_hosts"

user=$(id -un)
mkdir -p "$work/remote/in" "$work/remote/out" "$work/remote/out/archive" "$work/inbox" "$work/local"
url_in="sftp://$user@127.0.0.1:$port$work/remote/in/"
url_out="sftp://$user@127.0.0.1:$port$work/remote/out/"
cq() { timeout 30 "$bin/claim-query" "$@"; }
common=(--identity "$work/user_key" --known-hosts "$work/known_hosts")
export CLAIMKIT_CONFIG=/nonexistent/claimkit-config
unset CLAIMKIT_SFTP_PASSWORD

# send: two batches arrive complete under their own names, no temp files left.
printf 'ISA*first batch~\n' >"$work/local/276-000000001.x12"
head -c 300000 /dev/urandom | base64 >"$work/local/276-000000002.x12"
cq send --to "$url_in" --identity "$work/user_key" --known-hosts "$work/known_hosts" \
  "$work/local/276-000000001.x12" "$work/local/276-000000002.x12" >"$work/send.out" 2>"$work/send.err" \
  || { cat "$work/send.err"; fail "send exited $?"; }
cmp "$work/local/276-000000001.x12" "$work/remote/in/276-000000001.x12" || fail "first file differs on the server"
cmp "$work/local/276-000000002.x12" "$work/remote/in/276-000000002.x12" || fail "second file differs on the server"
[ "$(ls -A "$work/remote/in" | wc -l)" = 2 ] || fail "leftover files on the server: $(ls -A "$work/remote/in")"
[ "$(wc -l <"$work/send.out")" = 2 ] || fail "send should print one line per file"
grep -q '"type":"transfer","direction":"send","name":"276-000000001.x12"' "$work/send.out" || fail "send record: $(cat "$work/send.out")"

# send refuses to replace a file already on the server; the rest still go.
printf 'other\n' >"$work/local/276-000000003.x12"
cq send --to "$url_in" --identity "$work/user_key" --known-hosts "$work/known_hosts" \
  "$work/local/276-000000001.x12" "$work/local/276-000000003.x12" >"$work/send2.out" 2>"$work/send2.err"
code=$?
[ "$code" = 1 ] || fail "send over an existing name: exit $code, want 1"
grep -q 'not stored' "$work/send2.err" || fail "no message for the existing name: $(cat "$work/send2.err")"
[ -f "$work/remote/in/276-000000003.x12" ] || fail "the other file was not sent"
[ "$(ls -A "$work/remote/in" | wc -l)" = 3 ] || fail "temp file left after refused rename: $(ls -A "$work/remote/in")"

# A key with a passphrase takes it from CLAIMKIT_SFTP_PASSWORD; a wrong one,
# or a key the server does not know, is a refused login (exit 4).
printf 'locked\n' >"$work/local/276-000000004.x12"
CLAIMKIT_SFTP_PASSWORD='pass phrase 7' cq send --to "$url_in" --identity "$work/locked_key" \
  --known-hosts "$work/known_hosts" "$work/local/276-000000004.x12" >/dev/null 2>"$work/locked.err" \
  || fail "send with a passphrase-protected key: $(cat "$work/locked.err")"
[ -f "$work/remote/in/276-000000004.x12" ] || fail "file not sent with the passphrase-protected key"
printf 'nope\n' >"$work/local/276-000000005.x12"
CLAIMKIT_SFTP_PASSWORD='wr0ng-Pass' cq send --to "$url_in" --identity "$work/locked_key" \
  --known-hosts "$work/known_hosts" "$work/local/276-000000005.x12" >/dev/null 2>"$work/wrong.err"
code=$?
[ "$code" = 4 ] || fail "wrong passphrase: exit $code, want 4 ($(cat "$work/wrong.err"))"
grep -q 'authentication refused' "$work/wrong.err" || fail "wrong passphrase message: $(cat "$work/wrong.err")"
grep -q 'wr0ng-Pass' "$work/wrong.err" && fail "the passphrase was echoed"
cq send --to "$url_in" --identity "$work/stranger_key" --known-hosts "$work/known_hosts" \
  "$work/local/276-000000005.x12" >/dev/null 2>"$work/stranger.err"
[ $? = 4 ] || fail "unknown user key not refused: $(cat "$work/stranger.err")"
[ ! -e "$work/remote/in/276-000000005.x12" ] || fail "file sent despite a refused login"

# fetch: new files land in the inbox, a second run fetches nothing again.
printf 'ISA*277 one~\n' >"$work/remote/out/a.277"
printf 'ISA*999 one~\n' >"$work/remote/out/b.999"
printf 'partial' >"$work/remote/out/.c.277.part"
cq fetch "$url_out" --into "$work/inbox" "${common[@]}" >"$work/fetch.out" 2>"$work/fetch.err" \
  || { cat "$work/fetch.err"; fail "fetch exited $?"; }
cmp "$work/remote/out/a.277" "$work/inbox/a.277" || fail "a.277 differs"
cmp "$work/remote/out/b.999" "$work/inbox/b.999" || fail "b.999 differs"
[ ! -e "$work/inbox/.c.277.part" ] || fail "a dot file was fetched"
[ "$(stat -c %a "$work/inbox/a.277")" = 600 ] || fail "fetched file mode is not 0600"
[ "$(wc -l <"$work/fetch.out")" = 2 ] || fail "fetch should print 2 lines: $(cat "$work/fetch.out")"
[ "$(stat -c %a "$work/inbox/.claimkit-fetched")" = 600 ] || fail "fetch record mode is not 0600"
[ "$(grep -c '"name":"a.277","size":13,' "$work/inbox/.claimkit-fetched")" = 1 ] || fail "fetch record: $(cat "$work/inbox/.claimkit-fetched")"
ls -A "$work/inbox" | grep -q '\.part$' && fail "temp file left in the inbox"
cq fetch "$url_out" --into "$work/inbox" "${common[@]}" >"$work/fetch2.out" 2>"$work/fetch2.err" \
  || fail "second fetch failed"
[ ! -s "$work/fetch2.out" ] || fail "second fetch downloaded again: $(cat "$work/fetch2.out")"

# --move-remote and --delete-remote act only after the download.
printf 'ISA*277 two~\n' >"$work/remote/out/d.277"
cq fetch "$url_out" --into "$work/inbox" "${common[@]}" --move-remote archive >"$work/fetch3.out" 2>"$work/fetch3.err" \
  || { cat "$work/fetch3.err"; fail "fetch --move-remote failed"; }
[ -f "$work/remote/out/archive/d.277" ] && [ ! -e "$work/remote/out/d.277" ] || fail "d.277 was not moved"
grep -q '"remote_action":"moved"' "$work/fetch3.out" || fail "no moved record"
printf 'ISA*277 three~\n' >"$work/remote/out/e.277"
cq fetch "$url_out" --into "$work/inbox" "${common[@]}" --delete-remote >"$work/fetch4.out" 2>"$work/fetch4.err" \
  || { cat "$work/fetch4.err"; fail "fetch --delete-remote failed"; }
[ ! -e "$work/remote/out/e.277" ] && [ -f "$work/inbox/e.277" ] || fail "e.277 not fetched then deleted"

# A name already in the inbox (not fetched by us) is not replaced, and the
# remote copy survives --delete-remote because the download was not kept.
printf 'local\n' >"$work/inbox/g.277"
printf 'ISA*277 remote~\n' >"$work/remote/out/g.277"
cq fetch "$url_out" --into "$work/inbox" "${common[@]}" --delete-remote >"$work/fetch5.out" 2>"$work/fetch5.err"
code=$?
[ "$code" = 1 ] || fail "fetch over an inbox name: exit $code, want 1 ($(cat "$work/fetch5.err"))"
grep -q 'already exists in the inbox' "$work/fetch5.err" || fail "inbox name message: $(cat "$work/fetch5.err")"
[ "$(cat "$work/inbox/g.277")" = local ] || fail "the inbox file was replaced"
[ -f "$work/remote/out/g.277" ] || fail "remote file deleted although it was not kept"
ls -A "$work/inbox" | grep -q '\.part$' && fail "temp file left in the inbox"
rm -f "$work/remote/out/g.277"

# Unknown host key: refused, nothing transferred.
printf 'ISA*277 four~\n' >"$work/remote/out/f.277"
cq fetch "$url_out" --into "$work/inbox" --identity "$work/user_key" --known-hosts "$work/empty_known_hosts" \
  >"$work/unknown.out" 2>"$work/unknown.err"
code=$?
[ "$code" = 4 ] || fail "unknown host key: exit $code, want 4 ($(cat "$work/unknown.err"))"
grep -q 'host key is not in' "$work/unknown.err" || fail "unknown host key message: $(cat "$work/unknown.err")"
[ ! -e "$work/inbox/f.277" ] || fail "file fetched despite an unknown host key"

# Changed host key: the server comes back with another key; refused.
stop_sshd
old_port=$port
start_sshd "$work/other_host_key"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
url_out="sftp://$user@127.0.0.1:$port$work/remote/out/"
cq fetch "$url_out" --into "$work/inbox" --identity "$work/user_key" --known-hosts "$work/known_hosts" \
  >"$work/changed.out" 2>"$work/changed.err"
code=$?
[ "$code" = 4 ] || fail "changed host key: exit $code, want 4 ($(cat "$work/changed.err"))"
grep -q 'does not match' "$work/changed.err" || fail "changed host key message: $(cat "$work/changed.err")"
[ ! -e "$work/inbox/f.277" ] || fail "file fetched despite a changed host key"
cq send --to "sftp://$user@127.0.0.1:$port$work/remote/in/" --identity "$work/user_key" \
  --known-hosts "$work/known_hosts" "$work/local/276-000000003.x12" >/dev/null 2>"$work/changed2.err"
[ $? = 4 ] || fail "send with a changed host key was not refused"

# Changed to a key of another type: still refused, with a reason.
stop_sshd
start_sshd "$work/ed25519_host_key"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
cq fetch "sftp://$user@127.0.0.1:$port$work/remote/out/" --into "$work/inbox" --identity "$work/user_key" \
  --known-hosts "$work/known_hosts" >"$work/changed3.out" 2>"$work/changed3.err"
code=$?
[ "$code" = 4 ] || fail "host key of another type: exit $code, want 4 ($(cat "$work/changed3.err"))"
grep -q 'may have changed' "$work/changed3.err" || fail "host key type change message: $(cat "$work/changed3.err")"
[ ! -e "$work/inbox/f.277" ] || fail "file fetched despite a changed host key type"

# A password in the URL is a usage error, before any connection.
cq fetch "sftp://$user:secret@127.0.0.1:$port/x/" --into "$work/inbox" "${common[@]}" >/dev/null 2>"$work/pw.err"
[ $? = 2 ] || fail "password in URL not refused"
grep -q secret "$work/pw.err" && fail "the password was echoed"
echo "ok: sftp send/fetch round trip, host key checks (port $old_port, $port)"
exit 0
