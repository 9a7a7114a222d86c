#!/usr/bin/env bash
# --top N keeps N claims, not the input: peak memory with --top 10 over
# 200,000 claims stays near that of the streaming pass, while a full --sort
# holds every line.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/claim-age" ] || { echo "skipped: claim-age not built"; exit 77; }
[ -x /usr/bin/time ] || { echo "skipped: no /usr/bin/time"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claim-age-top.XXXXXX")
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { for (i = 0; i < 200000; i++)
  printf "{\"type\":\"claim\",\"claim_id\":\"MEM%07d\",\"payer_id\":\"P%02d\",\"submitted_date\":\"2026-%02d-%02d\",\"billed_amount\":%d.%02d,\"memo\":\"%0200d\"}\n",
         i, i % 17, 1 + i % 11, 1 + i % 28, i % 9000, i % 100, i }' >"$work/in.ndjson"
rss() { /usr/bin/time -f %M -o "$work/rss" timeout 60 "$bin/claim-age" --as-of 2026-11-23 "$@" "$work/in.ndjson" >"$work/out" || exit 1; cat "$work/rss"; }
stream=$(rss)
top=$(rss --top 10)
full=$(rss --sort priority)
echo "peak RSS KiB: stream $stream, --top 10 $top, --sort $full"
[ "$(wc -l <"$work/out")" -eq 200000 ] || { echo "FAIL: --sort lost lines"; exit 1; }
# The input is about 60 MB; the heap must not grow with it.
[ "$top" -lt $((stream + 4096)) ] || { echo "FAIL: --top 10 used $top KiB (stream $stream KiB)"; exit 1; }
[ "$full" -gt $((top + 20000)) ] || { echo "FAIL: full sort suspiciously small ($full KiB)"; exit 1; }
# The top 10 are the first 10 of the full sort.
"$bin/claim-age" --as-of 2026-11-23 --top 10 "$work/in.ndjson" >"$work/top"
head -n 10 "$work/out" | cmp -s - "$work/top" || { echo "FAIL: --top 10 differs from the sorted head"; exit 1; }
echo "ok"
