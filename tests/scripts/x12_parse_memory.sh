#!/usr/bin/env bash
# x12-parse streams: on a ~200 MB 277 its peak RSS stays under 32 MB in claims
# mode, --segments and --strict (which stages a transaction's records, never a
# whole file's), and claims mode writes one record per claim (per TRN*2).
# Skipped when the disk has less than 1 GB free for the generated file.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -x "$bin/x12-parse" ] || { echo "skipped: $bin/x12-parse not built yet"; exit 77; }
bin=$(cd "$bin" && pwd)
[ -x /usr/bin/time ] || { echo "skipped: no /usr/bin/time"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }

tmp=${TMPDIR:-/tmp}
free_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ -z "$free_kb" ] || [ "$free_kb" -lt 1048576 ]; then
  echo "skipped: less than 1 GB free in $tmp"
  exit 77
fi
work=$(mktemp -d "$tmp/claimkit-x12mem.XXXXXX")
trap 'rm -rf "$work"' EXIT

size_mb=${CLAIMKIT_MEMORY_TEST_MB:-200}
limit_kb=$((32 * 1024))
python3 "$src/scripts/gen-277" "$size_mb" "$work/big.277" || { echo "FAIL: gen-277 failed"; exit 1; }
bytes=$(wc -c <"$work/big.277")
claims=$(grep -c 'TRN\*2\*' "$work/big.277")
segments=$(wc -l <"$work/big.277")  # gen-277 writes one segment a line
echo "input: $bytes bytes, $claims claims, $segments segments"

fail=0
# run NAME EXPECTED_RECORDS ARGS...: records counted on a pipe, so the output
# never lands on disk; the exit status checked is x12-parse's own.
run() {
  local name=$1 want=$2
  shift 2
  local count status rss
  count=$( { /usr/bin/time -f %M -o "$work/rss.$name" "$bin/x12-parse" "$@" "$work/big.277" 2>"$work/err.$name";
             echo $? >"$work/status.$name"; } | wc -l)
  status=$(cat "$work/status.$name")
  rss=$(tail -1 "$work/rss.$name")
  echo "$name: exit $status, $count records, peak RSS ${rss} KB"
  if [ "$status" != 0 ]; then
    echo "FAIL: $name exited $status"; head -5 "$work/err.$name"; fail=1
  fi
  if [ -s "$work/err.$name" ]; then
    echo "FAIL: $name wrote to stderr on a valid file:"; head -5 "$work/err.$name"; fail=1
  fi
  if ! [ "$rss" -lt "$limit_kb" ] 2>/dev/null; then
    echo "FAIL: $name peak RSS ${rss} KB is not under ${limit_kb} KB"; fail=1
  fi
  if [ "$count" != "$want" ]; then
    echo "FAIL: $name wrote $count records, want $want"; fail=1
  fi
}

run claims "$claims"
run segments "$segments" --segments
run strict "$claims" --strict
rm -f "$work/big.277"

# Claim fields are views into pinned read buffers (and into side copies of
# segments that had line breaks inside): across many buffer refills, a file
# wrapped at 80 columns must give exactly the records of the unwrapped one.
python3 "$src/scripts/gen-277" 20 "$work/small.277" || { echo "FAIL: gen-277 failed"; exit 1; }
tr -d '\n' <"$work/small.277" | fold -w 80 >"$work/wrapped.277"
for f in small wrapped; do
  "$bin/x12-parse" "$work/$f.277" 2>"$work/err.$f" | sed 's/"file":"[^"]*"//' | md5sum >"$work/sum.$f"
  [ -s "$work/err.$f" ] && { echo "FAIL: $f.277 gave findings:"; head -3 "$work/err.$f"; fail=1; }
done
if ! cmp -s "$work/sum.small" "$work/sum.wrapped"; then
  echo "FAIL: the file wrapped at 80 columns gives other records than the unwrapped one"; fail=1
else
  echo "wrapped at 80 columns: same records"
fi
exit $fail
