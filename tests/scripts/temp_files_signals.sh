#!/usr/bin/env bash
# Temporary files are made in the target directory (mode 0600 even under
# umask 000) and removed when SIGINT or SIGTERM arrives midway:
# claim-query build --out-dir, caught while its batch is being written, and
# claim-query fetch, caught in the middle of a download from a real OpenSSH
# server on 127.0.0.1. The exit status is 130 for SIGINT and 128+15 for
# SIGTERM (lib/cli/tool.cpp), and nothing partial is left behind.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
. "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/tests/lib/loopback_sshd.sh"
[ -x "$bin/claim-query" ] || { echo "skipped: claim-query not built"; exit 77; }
[ -r /proc/self/status ] || { echo "skipped: no /proc"; exit 77; }
command -v awk >/dev/null || { echo "skipped: no awk"; exit 77; }
command -v mkfifo >/dev/null || { echo "skipped: no mkfifo"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-signals.XXXXXX") || exit 1
work=$(cd "$work" && pwd -P)  # /proc/PID/fd links show resolved paths
tool_pid=
sshd_pid=
frozen=()
cleanup() {
  [ -n "$tool_pid" ] && { kill -CONT "$tool_pid"; kill -KILL "$tool_pid"; } 2>/dev/null
  for p in "${frozen[@]}"; do kill -CONT "$p"; kill -KILL "$p"; done 2>/dev/null
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$sshd_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*"
  [ -s "$work/sshd.log" ] && { echo "--- sshd log:"; tail -20 "$work/sshd.log"; }
  exit 1
}

# Short naps without a fork per poll: a read that times out on a FIFO nobody writes.
mkfifo "$work/tick" || fail "mkfifo"
exec {tick}<>"$work/tick"
nap() { read -r -t "$1" -u "$tick" _; }

alive() {  # running or stopped, not a zombie
  local s
  read -r s 2>/dev/null <"/proc/$1/stat" || return 1
  s=${s##*) }
  [ "${s%% *}" != Z ]
}

# Waits at most $2 seconds for $1 to end; sets rc and ended_ms.
wait_end() {
  local pid=$1 i start=${EPOCHREALTIME/./}
  for ((i = 0; i < $2 * 100; i++)); do
    alive "$pid" || break
    nap 0.01
  done
  alive "$pid" && { kill -KILL "$pid"; wait "$pid" 2>/dev/null; tool_pid=; return 1; }
  wait "$pid"
  rc=$?
  tool_pid=
  ended_ms=$(((${EPOCHREALTIME/./} - start) / 1000))
  return 0
}

# The open descriptor of $1 in process $2: proof the process is writing that very file.
fd_of() {
  local fd
  for fd in /proc/"$2"/fd/*; do
    [ "$(readlink "$fd" 2>/dev/null)" = "$1" ] && { echo "${fd##*/}"; return 0; }
  done
  return 1
}

# The checks made while the temporary file is held open: in DIR, 0600 under umask 000.
check_live_temp() {  # $1 = temp path, $2 = pid, $3 = target dir, $4 = label
  local t=$1 pid=$2 dir=$3 what=$4 fd mask
  mask=$(awk '/^Umask:/ {print $2}' "/proc/$pid/status")
  [ "$mask" = 0000 ] || fail "$what: the tool runs with umask $mask, not 0000; the mode check would prove nothing"
  [ "$(dirname "$t")" = "$dir" ] || fail "$what: temp file $t is not directly in $dir"
  [ -f "$t" ] && [ ! -L "$t" ] || fail "$what: temp file $t is not a regular file"
  [ "$(stat -c %a "$t")" = 600 ] || fail "$what: temp file mode $(stat -c %a "$t"), want 600"
  [ "$(stat -c %h "$t")" = 1 ] || fail "$what: temp file has $(stat -c %h "$t") links, want 1"
  fd=$(fd_of "$t" "$pid") || fail "$what: the tool has no descriptor open on $t ($(ls -l /proc/"$pid"/fd | tail -n +2))"
  [ "$(stat -L -c %d:%i "/proc/$pid/fd/$fd")" = "$(stat -c %d:%i "$t")" ] ||
    fail "$what: descriptor $fd is not the temp file in $dir"
}

sig_code() { case $1 in INT) echo 130 ;; TERM) echo 143 ;; esac; }

# --- claim-query build --out-dir -------------------------------------------
# One interchange of a few hundred thousand claims: its temp file lives for a
# tenth of a second or more, long enough to catch with 5 ms polls.
claims=${CLAIMKIT_SIGNALS_CLAIMS:-400000}
awk -v n="$claims" 'BEGIN {
  for (i = 1; i <= n; i++)
    printf "{\"type\":\"claim\",\"claim_id\":\"SYN-%07d\",\"payer_id\":\"99001\",\"payer_name\":\"EXAMPLE PLAN\",\"provider\":{\"npi\":\"1234567893\",\"name\":\"SAMPLE CLINIC\"},\"subscriber\":{\"member_id\":\"ZZ%08d\",\"first_name\":\"PAT\",\"last_name\":\"SAMPLE\",\"dob\":\"1980-01-01\",\"gender\":\"F\"},\"service_from\":\"2026-01-05\",\"billed_amount\":120.00}\n", i, i
}' >"$work/claims.ndjson" || fail "cannot write the claims"
export CLAIMKIT_CONFIG=/nonexistent/claimkit-config
export SOURCE_DATE_EPOCH=1795000000

# Returns 0 with the tool stopped (SIGSTOP) while its temp file exists,
# 2 when the run ended before one was seen, 1 on a timeout.
catch_build_temp() {  # $1 = out dir; sets temp
  local out=$1 i f
  for ((i = 0; i < 6000; i++)); do  # 30 s: a sanitizer build reads 400k claims in ~14 s
    for f in "$out"/.*.part; do
      [ -e "$f" ] || continue
      kill -STOP "$tool_pid"
      if [ -e "$f" ]; then temp=$f; return 0; fi
      kill -CONT "$tool_pid"
    done
    alive "$tool_pid" || return 2
    nap 0.005
  done
  return 1
}

build_case() {  # $1 = INT or TERM
  local sig=$1 want out ctl attempt got left
  want=$(sig_code "$sig")
  out=$work/build-$sig/outbox
  ctl=$work/build-$sig/state
  for attempt in 1 2 3; do
    rm -rf "$work/build-$sig"
    mkdir -p "$out" "$ctl"
    printf '41\n' >"$ctl/276.ctl"
    chmod 600 "$ctl/276.ctl"
    (umask 000 && exec {tick}<&- && exec "$bin/claim-query" build --sender-id SENDER01 --sender-name "SAMPLE CLINIC" \
      --receiver-id RECEIVER01 --control-file "$ctl/276.ctl" --out-dir "$out" "$work/claims.ndjson" \
      >"$work/build-$sig/stdout" 2>"$work/build-$sig/stderr") &
    tool_pid=$!
    catch_build_temp "$out"
    got=$?
    [ "$got" = 0 ] && break
    [ "$got" = 1 ] && fail "build ($sig): no temp file in $out within 30 s"
    wait_end "$tool_pid" 5 || fail "build ($sig): did not end"
    echo "build ($sig): finished before its temp file was seen (attempt $attempt); again"
  done
  [ "$got" = 0 ] || fail "build ($sig): never caught writing its batch in 3 attempts"
  case $temp in "$out"/.276-000000042.x12.*.part) ;; *) fail "build ($sig): unexpected temp name ${temp##*/}" ;; esac
  check_live_temp "$temp" "$tool_pid" "$out" "build ($sig)"
  [ -s "$temp" ] || echo "note: build ($sig) caught before the first byte was written"

  kill -"$sig" "$tool_pid"
  kill -CONT "$tool_pid"
  wait_end "$tool_pid" 5 || fail "build ($sig): still running 5 s after SIG$sig"
  [ "$rc" = "$want" ] || fail "build ($sig): exit $rc, want $want ($(cat "$work/build-$sig/stderr"))"
  [ ! -e "$temp" ] || fail "build ($sig): temp file ${temp##*/} left behind"
  left=$(ls -A "$out")
  [ -z "$left" ] || fail "build ($sig): files left in the out dir: $left"
  [ ! -s "$work/build-$sig/stdout" ] || fail "build ($sig): a batch was listed: $(cat "$work/build-$sig/stdout")"
  left=$(ls -A "$ctl")
  [ "$left" = 276.ctl ] || fail "build ($sig): counter directory holds: $(echo $left)"
  # The number was taken before the batch was written; it is spent, never reused.
  [ "$(cat "$ctl/276.ctl")" = 42 ] || fail "build ($sig): counter holds $(cat "$ctl/276.ctl"), want 42"
  [ "$(stat -c %a "$ctl/276.ctl")" = 600 ] || fail "build ($sig): counter mode $(stat -c %a "$ctl/276.ctl")"
  echo "ok: build, SIG$sig while writing ${temp##*/} ($claims claims): exit $rc after ${ended_ms} ms, nothing left"
}

build_case INT
build_case TERM

# Interrupted between batches (--max-claims): every batch file left in the
# out dir was listed on stdout before the signal, so a caller reading the
# list (to send them, say) misses none.
split_case() {
  local out=$work/split/outbox ctl=$work/split/state f n=0 listed
  rm -rf "$work/split"
  mkdir -p "$out" "$ctl"
  (exec {tick}<&- && exec "$bin/claim-query" build --sender-id SENDER01 --sender-name "SAMPLE CLINIC" \
    --receiver-id RECEIVER01 --control-file "$ctl/276.ctl" --max-claims 20000 --out-dir "$out" \
    "$work/claims.ndjson" >"$work/split/stdout" 2>"$work/split/stderr") &
  tool_pid=$!
  # Wait for the third batch, then interrupt.
  for _ in $(seq 2000); do
    [ "$(find "$out" -name '276-*.x12' | wc -l)" -ge 3 ] && break
    alive "$tool_pid" || break
    nap 0.005
  done
  kill -INT "$tool_pid" 2>/dev/null
  wait_end "$tool_pid" 5 || fail "split build: still running 5 s after SIGINT"
  for f in "$out"/276-*.x12; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    grep -q "\"file\":\"$f\"" "$work/split/stdout" || fail "split build: $f was written but not listed (exit $rc)"
  done
  [ "$n" -ge 3 ] || fail "split build: only $n batch files before the interrupt"
  listed=$(grep -c '"type":"batch"' "$work/split/stdout")
  [ "$listed" = "$n" ] || fail "split build: $listed batches listed, $n files in the out dir"
  [ -z "$(find "$out" -name '.*.part')" ] || fail "split build: temp file left behind"
  echo "ok: build --max-claims interrupted after $n batches (exit $rc): each one listed, no temp file"
}
split_case
rm -f "$work/claims.ndjson"

# --- claim-query fetch over SFTP -------------------------------------------
sshd=/usr/sbin/sshd
if [ ! -x "$sshd" ] || ! command -v ssh-keygen >/dev/null || ! command -v python3 >/dev/null; then
  echo "note: fetch part skipped (needs sshd, ssh-keygen, python3)"
  exit 0
fi
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
  # sshd running as root insists on its privilege separation directory.
  mkdir -m 0755 /run/sshd 2>/dev/null || { echo "note: fetch part skipped (cannot create /run/sshd)"; exit 0; }
fi

port=$(free_port) || fail "no free port"
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$work/host_key" || fail "host key"
ssh-keygen -q -t ecdsa -b 256 -N '' -m PEM -f "$work/user_key" || fail "user key"
cp "$work/user_key.pub" "$work/authorized_keys" && chmod 600 "$work/authorized_keys"
write_sshd_config "$work/sshd_config" "$port" "$work/host_key" "$work/authorized_keys"
"$sshd" -f "$work/sshd_config" -D -e 2>>"$work/sshd.log" {tick}<&- &
sshd_pid=$!
wait_listening "$port" "$sshd_pid" || fail "sshd did not start and listen within 10 s"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"

# Every process below the listening sshd: the ones serving the download.
server_children() {
  local s line rest ppid p
  local -A kids=()
  for s in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$s" || continue
    rest=${line##*) }
    read -r _ ppid _ <<<"$rest"
    p=${s#/proc/}
    kids[$ppid]+=" ${p%/stat}"
  done
  local queue=("$sshd_pid") out=() q
  while [ ${#queue[@]} -gt 0 ]; do
    q=${queue[0]}
    queue=("${queue[@]:1}")
    for p in ${kids[$q]-}; do out+=("$p"); queue+=("$p"); done
  done
  echo "${out[@]}"
}

# Ends the stopped server processes; the client is gone or about to fail.
thaw_server() {
  local p
  for p in "${frozen[@]}"; do kill -CONT "$p"; kill -KILL "$p"; done 2>/dev/null
  frozen=()
}

# A sparse remote file: the server reads zeros fast, the disk holds nothing.
remote_size=$((256 * 1024 * 1024))
mkdir -p "$work/remote"
truncate -s "$remote_size" "$work/remote/big.277" || fail "cannot make the remote file"

# Returns 0 with the server processes stopped while the download's temp file
# exists and the client is blocked waiting for more bytes; 2 when the
# download ended first, 1 on a timeout.
catch_fetch_temp() {  # $1 = temp path
  local t=$1 i p
  for ((i = 0; i < 6000; i++)); do  # 30 s
    if [ -e "$t" ]; then
      for p in $(server_children); do kill -STOP "$p" 2>/dev/null && frozen+=("$p"); done
      [ ${#frozen[@]} -gt 0 ] || fail "no sshd child process found to stop"
      nap 0.3  # let the client drain what was already in flight
      if [ -e "$t" ] && alive "$tool_pid"; then return 0; fi
      thaw_server
      return 2
    fi
    alive "$tool_pid" || return 2
    nap 0.005
  done
  return 1
}

fetch_case() {  # $1 = INT or TERM
  local sig=$1 want inbox temp attempt got size left
  want=$(sig_code "$sig")
  inbox=$work/inbox-$sig
  temp=$inbox/.big.277.part
  for attempt in 1 2 3; do
    rm -rf "$inbox" "$work/fetch-$sig".*
    mkdir -p "$inbox"
    (umask 000 && exec {tick}<&- && exec "$bin/claim-query" fetch "sftp://$(id -un)@127.0.0.1:$port$work/remote/" --into "$inbox" \
      --identity "$work/user_key" --known-hosts "$work/known_hosts" \
      >"$work/fetch-$sig.out" 2>"$work/fetch-$sig.err") &
    tool_pid=$!
    catch_fetch_temp "$temp"
    got=$?
    [ "$got" = 0 ] && break
    [ "$got" = 1 ] && fail "fetch ($sig): no temp file in $inbox within 10 s ($(cat "$work/fetch-$sig.err"))"
    wait_end "$tool_pid" 10 || fail "fetch ($sig): did not end"
    echo "fetch ($sig): download ended before it could be held (attempt $attempt, exit $rc); again"
  done
  [ "$got" = 0 ] || fail "fetch ($sig): never caught in the middle of a download in 3 attempts"
  check_live_temp "$temp" "$tool_pid" "$inbox" "fetch ($sig)"
  size=$(stat -c %s "$temp")
  [ "$size" -lt "$remote_size" ] || fail "fetch ($sig): the download was complete ($size bytes), not midway"

  kill -"$sig" "$tool_pid"
  wait_end "$tool_pid" 5 || fail "fetch ($sig): still running 5 s after SIG$sig"
  thaw_server
  [ "$rc" = "$want" ] || fail "fetch ($sig): exit $rc, want $want ($(cat "$work/fetch-$sig.err"))"
  [ ! -e "$temp" ] || fail "fetch ($sig): temp file ${temp##*/} left behind"
  [ ! -e "$inbox/big.277" ] || fail "fetch ($sig): a partial big.277 was put in the inbox"
  left=$(ls -A "$inbox")
  [ -z "$left" ] || [ "$left" = .claimkit-fetched ] || fail "fetch ($sig): files left in the inbox: $(echo $left)"
  if [ -e "$inbox/.claimkit-fetched" ]; then
    [ ! -s "$inbox/.claimkit-fetched" ] || fail "fetch ($sig): the interrupted download was recorded as fetched"
  fi
  [ ! -s "$work/fetch-$sig.out" ] || fail "fetch ($sig): a transfer was listed: $(cat "$work/fetch-$sig.out")"
  echo "ok: fetch, SIG$sig with $size of $remote_size bytes in ${temp##*/}: exit $rc after ${ended_ms} ms, nothing left"
}

fetch_case INT
fetch_case TERM
exit 0
