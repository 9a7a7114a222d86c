#!/usr/bin/env bash
# claimkit-inbox --fetch against a real OpenSSH server on 127.0.0.1 (a
# throwaway host key and user key): the clearinghouse's 277, 277CA and 999
# are downloaded, processed into done/ and moved to archive/ on the server;
# the next run fetches nothing again; with the server gone the run exits 4,
# says the fetch failed, and still processes the files already in the inbox.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/lib/loopback_sshd.sh"
sshd=/usr/sbin/sshd
[ -x "$sshd" ] || { echo "skipped: no $sshd"; exit 77; }
for c in ssh-keygen python3 flock sqlite3; do
  command -v "$c" >/dev/null || { echo "skipped: no $c"; exit 77; }
done
for t in x12-parse status-normalize pm-push claim-query; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
  mkdir -m 0755 /run/sshd 2>/dev/null || { echo "skipped: cannot create /run/sshd"; exit 77; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-inbox-fetch.XXXXXX")
sshd_pid=
stop_sshd() {
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sshd_pid" 2>/dev/null
    wait "$sshd_pid" 2>/dev/null
  fi
  sshd_pid=
}
trap 'stop_sshd; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; [ -f "$work/sshd.log" ] && tail -5 "$work/sshd.log"; exit 1; }

port=$(free_port)
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$work/host_key" || fail "host key"
ssh-keygen -q -t ecdsa -b 256 -N '' -m PEM -f "$work/user_key" || fail "user key"
cp "$work/user_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
write_sshd_config "$work/sshd_config" "$port" "$work/host_key" "$work/authorized_keys"
"$sshd" -f "$work/sshd_config" -D -e 2>>"$work/sshd.log" &
sshd_pid=$!
wait_listening "$port" "$sshd_pid" || fail "sshd did not start and listen within 10 s"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"

mkdir -p "$work/remote/out/archive" "$work/inbox" "$work/bin" "$work/etc"
cp "$src/examples/x12/evergreen-status.277" "$src/examples/x12/summit-ack.277ca" "$src/examples/x12/summit-837.999" \
  "$work/remote/out/"
cp "$src/scripts/claimkit-inbox" "$work/bin/"
for t in x12-parse status-normalize pm-push claim-query; do ln -s "$bin/$t" "$work/bin/$t"; done
cat >"$work/etc/inbox.conf" <<EOF
inbox = $work/inbox
to = sqlite:$work/ledger.db
fetch = sftp://$(id -un)@127.0.0.1:$port$work/remote/out/
identity = $work/user_key
known-hosts = $work/known_hosts
move-remote = archive
EOF
chmod 600 "$work/etc/inbox.conf"
cron() {
  env -i PATH=/usr/bin:/bin HOME="$work/home" CLAIMKIT_CONFIG=/nonexistent timeout -k 5 40 setsid "$work/bin/claimkit-inbox" \
    --config "$work/etc/inbox.conf" </dev/null >"$1" 2>&1
}

# 1. Fetch and process: quiet, everything in done/, the remote files archived.
cron "$work/out1"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/out1" ] || { cat "$work/out1"; fail "first run exit $rc"; }
for f in evergreen-status.277 summit-ack.277ca summit-837.999; do
  [ -f "$work/inbox/done/$f/$f" ] || fail "$f not in done/"
  [ -f "$work/remote/out/archive/$f" ] || fail "$f not moved to archive/ on the server"
done
[ "$(sqlite3 "$work/ledger.db" 'SELECT count(*) FROM claims')" -eq 9 ] || fail "ledger claims"
grep -q ' exit=0 fetched=3 fetch_exit=0 resumed=0 done=3 failed=0 statuses=9 applied=13 ' "$work/inbox/.claimkit/inbox.log" ||
  { cat "$work/inbox/.claimkit/inbox.log"; fail "log line"; }

# 2. The same names appear again on the server: fetch knows them; nothing new.
cp "$work/remote/out/archive/summit-837.999" "$work/remote/out/"
cron "$work/out2"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/out2" ] || { cat "$work/out2"; fail "second run exit $rc"; }
[ ! -d "$work/inbox/done/summit-837.999.2" ] || fail "a file fetched before was processed again"

# 3. The server is gone: exit 4, a message, and local files still processed.
stop_sshd
cp "$src/examples/x12/evergreen-status.277" "$work/inbox/dropped-by-hand.277"
cron "$work/out3"
rc=$?
[ $rc -eq 4 ] || { cat "$work/out3"; fail "unreachable server exit $rc, want 4"; }
grep -q 'fetch failed' "$work/out3" || { cat "$work/out3"; fail "no fetch failure message"; }
[ -f "$work/inbox/done/dropped-by-hand.277/dropped-by-hand.277" ] || fail "local file not processed when the fetch failed"
echo "ok: inbox fetches over SFTP, archives remotely, and survives a dead server"
