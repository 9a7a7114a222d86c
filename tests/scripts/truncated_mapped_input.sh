#!/usr/bin/env bash
# status-normalize and x12-parse read regular files through a mapping. A file
# truncated while it is being read then faults the process on the pages it
# lost (a read would just see an early end): the tool must say so on one
# line, without any record value, and exit 3 (input/output), not die of
# SIGBUS; what it wrote before is whole records.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/status-normalize" ] || { echo "skipped: status-normalize not built"; exit 77; }
command -v mkfifo >/dev/null || { echo "skipped: no mkfifo"; exit 77; }
command -v truncate >/dev/null || { echo "skipped: no truncate"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-truncated.XXXXXX") || exit 1
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# 8 MiB of records (several mapping windows), each carrying a canary value.
canary=TRUNCCANARY77
awk -v c="$canary" 'BEGIN {
  for (i = 0; i < 20000; i++)
    printf "{\"type\":\"claim_status\",\"claim_id\":\"%s%06d\",\"payer\":{\"name\":\"%s PLAN\",\"id\":\"P1\"},\"subscriber\":{\"last_name\":\"%s\",\"member_id\":\"M%06d\"},\"statuses\":[{\"category\":\"F1\",\"code\":\"65\",\"entity\":\"PR\",\"effective_date\":\"2026-10-01\",\"amount\":150.00,\"paid_amount\":120.00}],\"note\":\"%0200d\"}\n", c, i, c, c, i, 0
}' > "$work/in.ndjson"
status=0
# check TOOL INPUT: runs TOOL on INPUT with nobody reading its output, so it
# stops at its first large write with most of the file still to read;
# truncates INPUT there, then lets it go on.
check() {
  local tool=$1 input=$2
  rm -f "$work/out"
  mkfifo "$work/out"
  "$bin/$tool" "$input" > "$work/out" 2> "$work/err" &
  pid=$!
  exec 3< "$work/out"
  local blocked= state
  for _ in $(seq 100); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
    if [ "$state" = S ]; then blocked=1; break; fi
    sleep 0.05
  done
  [ -n "$blocked" ] || { echo "$tool never blocked on its output"; status=1; return; }
  truncate -s 4096 "$input"
  cat <&3 > "$work/got"
  exec 3<&-
  wait "$pid"
  local code=$?
  pid=
  if [ "$code" != 3 ]; then
    echo "$tool: exit status: want 3, got $code"
    status=1
  fi
  local want="$tool: an input file was truncated while it was being read; stopped"
  if ! grep -qxF "$want" "$work/err"; then
    echo "$tool: stderr lacks the truncation message:"
    head -c 2000 "$work/err"
    status=1
  fi
  if grep -q "$canary" "$work/err"; then
    echo "$tool: stderr carries a record value"
    status=1
  fi
  if [ ! -s "$work/got" ] || [ -n "$(tail -c 1 "$work/got")" ]; then
    echo "$tool: the records written before the fault are missing or cut"
    status=1
  fi
  [ "$status" = 0 ] && echo "$tool: exit 3, one message, $(wc -l < "$work/got") records kept"
}

check status-normalize "$work/in.ndjson"
if [ -x "$bin/x12-parse" ] && command -v python3 >/dev/null; then
  python3 "${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}/scripts/gen-277" 8 "$work/in.277"
  sed -i "s/DOE/$canary/g" "$work/in.277"
  check x12-parse "$work/in.277"
fi
exit $status
