# Sourced by the SFTP tests: a real OpenSSH server for the current user on
# 127.0.0.1, with its configuration and keys in the test's own temp dir.

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# write_sshd_config FILE PORT HOST_KEY AUTHORIZED_KEYS: key logins of the
# current user only, SFTP served by sshd itself, errors only in the log.
write_sshd_config() {
  cat >"$1" <<CFG
Port $2
ListenAddress 127.0.0.1
HostKey $3
PidFile none
AuthorizedKeysFile $4
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
Subsystem sftp internal-sftp
LogLevel ERROR
CFG
}

# wait_listening PORT PID: 0 once 127.0.0.1:PORT accepts connections (10 s
# at most); 1 when process PID ends first or the time runs out.
wait_listening() {
  local _
  for _ in $(seq 1 100); do
    python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $1)))" \
      2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_test_sshd DIR: throwaway host and user keys in DIR, sshd serving the
# current user on a free port, DIR/known_hosts trusting it. Sets port and
# sshd_pid; the login key is DIR/user_key. 1 when it cannot start.
start_test_sshd() {
  local d=$1
  port=$(free_port)
  ssh-keygen -q -t ecdsa -b 256 -N '' -f "$d/host_key" || return 1
  ssh-keygen -q -t ecdsa -b 256 -N '' -m PEM -f "$d/user_key" || return 1
  cp "$d/user_key.pub" "$d/authorized_keys"
  chmod 600 "$d/authorized_keys"
  write_sshd_config "$d/sshd_config" "$port" "$d/host_key" "$d/authorized_keys"
  /usr/sbin/sshd -f "$d/sshd_config" -D -e 2>>"$d/sshd.log" &
  sshd_pid=$!
  wait_listening "$port" "$sshd_pid" || return 1
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/host_key.pub")" >"$d/known_hosts"
}

# stop_test_sshd: ends the server start_test_sshd started (TERM, then KILL).
stop_test_sshd() {
  if [ -n "${sshd_pid:-}" ]; then
    kill "$sshd_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sshd_pid" 2>/dev/null
    wait "$sshd_pid" 2>/dev/null
  fi
  sshd_pid=
}

# need_test_sshd: skips the test (exit 77) unless start_test_sshd can work:
# sshd, ssh-keygen and python3 present, and as root sshd's /run/sshd.
need_test_sshd() {
  [ -x /usr/sbin/sshd ] || { echo "skipped: no /usr/sbin/sshd"; exit 77; }
  local c
  for c in ssh-keygen python3; do command -v "$c" >/dev/null || { echo "skipped: no $c"; exit 77; }; done
  if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
    mkdir -m 0755 /run/sshd 2>/dev/null || { echo "skipped: cannot create /run/sshd"; exit 77; }
  fi
}
