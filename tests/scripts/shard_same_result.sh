#!/usr/bin/env bash
# Scale-out as the README describes it gives the ledger one run gives:
#  1. one run: every file through x12-parse | status-normalize | pm-push;
#  2. files sharded over 4 workers (xargs -P) for parsing and normalizing,
#     then one pm-push from one place;
#  3. one ledger per shard, then merged by replaying the shards' records into
#     one ledger with pm-push;
#  4. a claim export split into line-aligned pieces (GNU parallel --pipe when
#     installed, else split -n l/N) aged in parallel, summed the same.
# Compared: the claims table and the history (without write times), and the
# aging report from the ledger.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in x12-parse status-normalize pm-push claim-age; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
command -v sqlite3 >/dev/null || { echo "skipped: sqlite3 missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export PATH="$bin:$PATH" XDG_STATE_HOME=$work/state

# 40 payer 277s and 8 277CAs, with distinct claim ids per file.
mkdir -p "$work/files"
x=$src/examples/x12
for i in $(seq 1 40); do
  sed "s/NW-1000/P$i-/g; s/000004301/0000$((43100 + i))/" "$x/evergreen-status.277" >"$work/files/payer-$i.277"
done
for i in $(seq 1 8); do sed "s/NW-1000/A$i-/g" "$x/summit-ack.277ca" >"$work/files/ack-$i.277ca"; done
cd "$work/files" || exit 1
only_claims() { grep '^{"type":"claim_status"'; }
push() { pm-push -q --to "sqlite:$1" --journal "$2"; }

# 1. One run.
x12-parse -q ./* | status-normalize -q | only_claims | push "$work/one.db" "$work/one.journal" >/dev/null ||
  fail "one run"

# 2. Parse and normalize in 4 parallel shards of files, push from one place.
mkdir "$work/out"
# The output directory is $0 of the little script, the file $1.
printf '%s\0' ./* | xargs -0 -P 4 -I{} sh -c 'x12-parse -q "$1" | status-normalize -q >"$0/$(basename "$1").ndjson"' \
  "$work/out" {} || fail "xargs shards"
[ "$(ls "$work/out" | wc -l)" -eq 48 ] || fail "want 48 shard outputs"
cat "$work"/out/*.ndjson | only_claims | push "$work/sharded.db" "$work/sharded.journal" >/dev/null || fail "one push"

# 3. One ledger per shard (each with its own journal), merged by replaying.
for s in 0 1 2; do
  ls ./* | awk -v s=$s 'NR % 3 == s' | xargs x12-parse -q | status-normalize -q | only_claims >"$work/shard-$s.ndjson"
  push "$work/shard-$s.db" "$work/shard-$s.journal" <"$work/shard-$s.ndjson" >/dev/null || fail "shard $s push"
done
cat "$work"/shard-2.ndjson "$work"/shard-0.ndjson "$work"/shard-1.ndjson | push "$work/merged.db" "$work/merged.journal" \
  >"$work/merge.out" || fail "merge push"
# Replaying a shard into the merged ledger again adds nothing.
push "$work/merged.db" "$work/merged.journal" <"$work/shard-1.ndjson" | grep -q '"result":"applied"' &&
  fail "replaying a shard wrote again"

dump() {
  sqlite3 "$1" "SELECT claim_id, payer_id, payer_claim_id, state, category, code, effective_date, channel, action, queue,
                       billed_amount, paid_amount FROM claims ORDER BY claim_id;
                SELECT key, claim_id, state, source_file, interchange, regressed FROM status_history ORDER BY key;"
}
dump "$work/one.db" >"$work/one.txt"
[ "$(sqlite3 "$work/one.db" 'SELECT count(*) FROM claims')" -eq $((40 * 6 + 8 * 3)) ] || fail "one run: claim count"
for db in sharded merged; do
  dump "$work/$db.db" >"$work/$db.txt"
  diff -q "$work/one.txt" "$work/$db.txt" >/dev/null || { diff "$work/one.txt" "$work/$db.txt" | head; fail "$db ledger differs from one run"; }
done

# 4. The aging report of the ledgers is the same, and aging a claim list in
#    line-aligned pieces keeps every claim once.
for db in one sharded merged; do
  claim-age --as-of 2026-11-23 --ledger "$work/$db.db" --summary --by payer --format csv --all \
    "$src/examples/sweep/open-claims.ndjson" >"$work/aging-$db.csv" || fail "aging $db"
done
cmp -s "$work/aging-one.csv" "$work/aging-sharded.csv" && cmp -s "$work/aging-one.csv" "$work/aging-merged.csv" ||
  fail "aging reports differ"
for i in $(seq 1 50); do cat "$src/examples/sweep/open-claims.ndjson"; done |
  awk '{ sub(/"claim_id":"[^"]*"/, "\"claim_id\":\"C" NR "\""); print }' >"$work/big.ndjson"
claim-age --as-of 2026-11-23 "$work/big.ndjson" | sort >"$work/aged-one"
if command -v parallel >/dev/null; then
  parallel --pipe -N 100 -j 4 -k claim-age --as-of 2026-11-23 <"$work/big.ndjson" | sort >"$work/aged-shards"
else
  split -n l/4 "$work/big.ndjson" "$work/piece-"
  ls "$work"/piece-* | xargs -P 4 -I{} sh -c 'claim-age --as-of 2026-11-23 "$1" >"$1.aged"' _ {}
  cat "$work"/piece-*.aged | sort >"$work/aged-shards"
fi
cmp -s "$work/aged-one" "$work/aged-shards" || fail "aging in pieces differs"
echo "ok: sharded runs give the ledger of one run ($(wc -l <"$work/one.txt") rows compared)"
