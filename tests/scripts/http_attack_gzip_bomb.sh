#!/usr/bin/env bash
# Oversized answers, as a hostile server (or a man in the middle of a proxy)
# would send them, over real loopback HTTP: a 3 MB gzip body that inflates to
# 3 GiB (Content-Encoding: gzip), and a 200 MiB plain chunked body. claim-query
# submit (status and token endpoints) and pm-push stop each at the cap with a
# one-line message, and memory stays flat (regression: the whole body was
# kept, 6.3 GB for one answer). --max-response-size moves the cap.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in claim-query pm-push; do [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }; done
command -v python3 >/dev/null || { echo "skipped: python3 missing"; exit 77; }
[ -x /usr/bin/time ] || { echo "skipped: /usr/bin/time missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-bomb.XXXXXX")
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 "$src/tests/servers/hostile_http.py" --port-file "$work/port" --log "$work/seen" --lifetime 100 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "hostile server did not start"
base=http://127.0.0.1:$(cat "$work/port")
export CLAIMKIT_CONFIG=$work/no-config HOME=$work
export CLAIMKIT_STEDI_API_KEY=test-key CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret

cat >"$work/claim.ndjson" <<'J'
{"type":"claim","claim_id":"B1","payer_id":"60054","provider":{"npi":"1234567893"},"subscriber":{"member_id":"M1","first_name":"PAT","last_name":"TESTER","dob":"1980-01-02"},"service_from":"2026-01-05","billed_amount":10}
J
# Memory bounds: a capped run stays near 30 MB; an uncapped one inflates to
# GiBs. A sanitizer build (scripts/test-sanitizers) carries ~110 MB of shadow
# memory and quarantine of its own, so its bounds are raised, still far below
# what an uncapped body would take (the plain body's bound stays under its
# 200 MiB).
big=120000 plain=60000
if ldd "$bin/claim-query" 2>/dev/null | grep -q libasan; then big=600000 plain=180000; fi
# measured NAME CMD...: runs CMD with its peak memory (KiB) in $work/NAME.rss.
measured() {
  local name=$1
  shift
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/$name.rss" timeout 60 "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  rss=$(tail -n 1 "$work/$name.rss")
}
one_line() { [ "$(wc -l <"$1")" -eq 1 ] || { cat "$1"; fail "$2: expected one line on stderr"; }; }

# 1. The status endpoint answers with the gzip bomb: the claim fails, the run ends.
measured status "$bin/claim-query" submit --api stedi --url "$base/claimstatus/gzip-bomb" --errors "$work/rej" \
  "$work/claim.ndjson"
[ "$rc" -eq 1 ] || { cat "$work/status.err"; fail "status bomb: exit $rc"; }
grep -q 'response too large: over 16777216 bytes (--max-response-size)' "$work/status.err" ||
  { cat "$work/status.err"; fail "status bomb: message"; }
grep -q '"kind":"transfer_failed"' "$work/rej" || fail "status bomb: reject kind"
[ "$rss" -lt "$big" ] || fail "status bomb: peak memory ${rss} KiB"
[ "$ms" -lt 30000 ] || fail "status bomb: took ${ms} ms"
[ "$(grep -c gzip-bomb "$work/seen")" -eq 1 ] || fail "status bomb: an oversized answer was asked for again"
echo "status endpoint bomb: exit $rc, ${rss} KiB peak, ${ms} ms"

# 2. The token endpoint answers with it: the run stops with one line, exit 4.
: >"$work/seen"
measured token "$bin/claim-query" submit --api optum --url "$base/claimstatus" --token-url "$base/token/gzip-bomb" \
  "$work/claim.ndjson"
[ "$rc" -eq 4 ] || { cat "$work/token.err"; fail "token bomb: exit $rc"; }
grep -q 'token request failed: response too large: over 16777216 bytes' "$work/token.err" ||
  { cat "$work/token.err"; fail "token bomb: message"; }
grep -qv 'claimstatus' "$work/seen" || fail "token bomb: a status request went out without a token"
[ "$rss" -lt "$big" ] || fail "token bomb: peak memory ${rss} KiB"
echo "token endpoint bomb: exit $rc, ${rss} KiB peak, ${ms} ms"

# 3. A plain 200 MiB answer, with a lowered cap; then a cap raised past it
#    is honoured (the answer is read, and refused as not being claim status).
measured plain "$bin/claim-query" submit --api stedi --url "$base/claimstatus/plain-huge" --max-response-size 1M \
  "$work/claim.ndjson"
[ "$rc" -eq 1 ] || { cat "$work/plain.err"; fail "plain: exit $rc"; }
grep -q 'response too large: over 1048576 bytes' "$work/plain.err" || { cat "$work/plain.err"; fail "plain: message"; }
[ "$rss" -lt "$plain" ] || fail "plain: peak memory ${rss} KiB"
measured raised "$bin/claim-query" submit --api stedi --url "$base/claimstatus/plain-huge" --max-response-size 256M \
  "$work/claim.ndjson"
grep -q 'response too large' "$work/raised.err" && fail "raised cap: still too large"
[ "$rc" -eq 1 ] || { cat "$work/raised.err"; fail "raised cap: exit $rc"; }
# The same through the config file.
printf '[http]\nmax_response_size = 2M\n' >"$work/conf"
chmod 0600 "$work/conf"
measured conf "$bin/claim-query" submit --api stedi --config "$work/conf" --url "$base/claimstatus/plain-huge" \
  "$work/claim.ndjson"
grep -q 'response too large: over 2097152 bytes' "$work/conf.err" || { cat "$work/conf.err"; fail "config cap"; }
"$bin/claim-query" submit --max-response-size 12X "$work/claim.ndjson" 2>"$work/usage.err"
rc=$?
[ "$rc" -eq 2 ] || fail "bad size: exit $rc"
grep -q -- '--max-response-size: expected a size from 1K to 64G' "$work/usage.err" || fail "bad size: message"

# 4. pm-push to an HTTP target answering with the bomb.
cat >"$work/status.ndjson" <<'J'
{"type":"claim_status","claim_id":"B1","state":"paid","statuses":[{"category":"F1","code":"65"}]}
J
measured push "$bin/pm-push" --to "http:$base/hook/gzip-bomb" --journal "$work/journal" --rejects "$work/push-rej" \
  "$work/status.ndjson"
[ "$rc" -eq 4 ] || { cat "$work/push.err"; fail "pm-push bomb: exit $rc"; }
grep -q 'response too large: over 16777216 bytes' "$work/push.err" || { cat "$work/push.err"; fail "pm-push: message"; }
[ "$rss" -lt "$big" ] || fail "pm-push bomb: peak memory ${rss} KiB"
echo "pm-push bomb: exit $rc, ${rss} KiB peak, ${ms} ms"
echo "ok"
