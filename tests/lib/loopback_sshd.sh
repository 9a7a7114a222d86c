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
