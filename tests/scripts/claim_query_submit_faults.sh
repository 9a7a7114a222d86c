#!/usr/bin/env bash
# claim-query submit under faults at the loopback fake clearinghouse: 500,
# 503 with Retry-After (seconds and HTTP-date), 429, dropped connection, slow
# answer past --timeout, 401 mid-run, a 400 and an errorResponse in a 200. Every claim
# ends as output or in --errors, retries stay bounded (counted at the
# server), the circuit breaker stops the run cleanly and its rejects replay.
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/servers/fake_clearinghouse.bash" submit-faults
run() {
  timeout 50 "$bin/claim-query" submit --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" \
    --token-url "http://127.0.0.1:$port/apip/auth/v2/token" "$@"
}
# every_claim_accounted OUT ERRORS INPUT: each input claim_id exactly once in OUT or ERRORS records.
every_claim_accounted() {
  python3 - "$@" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
# An answer that carries only errors is an error-state (E0) record and a reject.
out = {r["claim_id"] for r in recs if r.get("statuses") != [{"category": "E0"}]}
errs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
rejected = [e["record"]["claim_id"] for e in errs if "record" in e]
want = [json.loads(l)["claim_id"] for l in open(sys.argv[3]) if l.strip()]
assert not (out & set(rejected)), "claim both answered and rejected"
assert len(rejected) == len(set(rejected)), "claim rejected twice"
missing = set(want) - out - set(rejected)
assert not missing, "lost claims: %s" % sorted(missing)
PY
}

# 1. Transient faults are retried, permanent ones fail only their claim.
claims 30 "$work/claims.ndjson"
start_server --slow-seconds 3 --unauthorized-at 14 \
  --fault C0003=500,503 --fault C0005=429 --fault C0007=drop --fault C0009=slow --fault C0011=503date \
  --fault C0013=400 --fault C0015=errorresponse --fault C0017=502,drop,500
start=$(date +%s)
run --jobs 4 --timeout 1.5 --retry-delay 0.05 --errors "$work/err1" --raw "$work/raw1" "$work/claims.ndjson" \
  >"$work/out1" 2>"$work/stderr1"
rc=$?
elapsed=$(( $(date +%s) - start ))
[ $rc -eq 1 ] || { cat "$work/stderr1"; fail "faults run: exit $rc, expected 1"; }
[ "$(wc -l <"$work/out1")" -eq 30 ] || { cat "$work/stderr1"; fail "expected 28 records and 2 error records, got $(wc -l <"$work/out1")"; }
[ "$(grep -c '"statuses":\[{"category":"E0"}\]' "$work/out1")" -eq 2 ] || fail "expected 2 error-state records"
every_claim_accounted "$work/out1" "$work/err1" "$work/claims.ndjson" || fail "claims lost"
python3 - "$work/err1" <<'PY' || fail "rejects"
import json, sys
errs = {e["record"]["claim_id"]: e for e in map(json.loads, open(sys.argv[1]))}
assert sorted(errs) == ["C0013", "C0015"], sorted(errs)
e = errs["C0013"]
assert e["kind"] == "api_rejected", e
assert e["message"] == ("the api refused the request: HTTP 400: errorResponse code INVALIDMISSINGINPUTDATA; "
                        "code 72 field subscriber.memberId"), e["message"]
assert e["api_errors"][1] == {"shape": "errorResponse.errors", "code": "72", "field": "subscriber.memberId",
                              "location": "subscriber.memberId"}, e["api_errors"]
assert e["record"]["subscriber"]["member_id"] == "M000013"
e = errs["C0015"]
assert e["kind"] == "api_error" and e["api_errors"][1]["code"] == "75", e
assert "value" not in json.dumps(e["api_errors"]) and "synthetic" not in json.dumps(e["api_errors"]), e
PY
# PHI stays out of stderr: no member ids, no names from the records.
grep -Eq 'M0000[0-9]{2}|TESTER' "$work/stderr1" && fail "record values on stderr"
stats
[ "$(st 'd["tokens_issued"]')" -eq 2 ] || fail "expected 2 tokens (one renewal after the 401), got $(st 'd["tokens_issued"]')"
python3 - "$work/stats.json" <<'PY' || fail "retry counts"
import json, sys
d = json.load(open(sys.argv[1]))
pc = d["per_claim"]
# scripted attempts + 1; one more allowed per claim for the token revoked mid-run
expect = {"C0003": 3, "C0005": 2, "C0007": 2, "C0009": 2, "C0011": 2, "C0013": 1, "C0015": 1, "C0017": 4}
for c, n in expect.items():
    assert n <= pc[c] <= n + 1, (c, pc[c], n)
others = [pc[c] for c in pc if c not in expect]
assert all(n <= 2 for n in others), pc
assert sum(n > 1 for n in others) <= 4, "more than --jobs claims saw the revoked token: %s" % pc
assert d["status_requests"] <= 30 + 12 + 4, d["status_requests"]
PY
[ "$(wc -l <"$work/raw1")" -eq 30 ] || fail "--raw: expected one answer per claim"
[ "$(stat -c %a "$work/raw1")" = 600 ] || fail "--raw mode"
[ "$elapsed" -lt 30 ] || fail "faults run took ${elapsed}s"
stop_server

# 2. The service goes down after 6 answers: the breaker stops the run.
claims 40 "$work/many.ndjson"
start_server --down-after 6 --down-mode 500
run --jobs 2 --breaker 5 --retry-delay 0.05 --errors "$work/err2" "$work/many.ndjson" >"$work/out2" 2>"$work/stderr2"
rc=$?
[ $rc -eq 4 ] || { cat "$work/stderr2"; fail "breaker: exit $rc, expected 4"; }
grep -q 'stopped after 5 consecutive failures (last: HTTP 500)' "$work/stderr2" || { cat "$work/stderr2"; fail "breaker message"; }
[ "$(wc -l <"$work/out2")" -eq 6 ] || fail "breaker: expected 6 records, got $(wc -l <"$work/out2")"
every_claim_accounted "$work/out2" "$work/err2" "$work/many.ndjson" || fail "breaker lost claims"
[ "$(grep -c '"kind":"not_checked"' "$work/err2")" -eq 34 ] || fail "breaker: expected 34 not_checked"
stats
# 6 answers, 5 failures, and what the 2 jobs had in flight or already
# scheduled when the fifth failure came back (up to two each on a loaded
# machine); a storm would be dozens.
[ "$(st 'd["status_requests"]')" -le $((6 + 5 + 2 * 2)) ] || fail "retry storm: $(st 'd["status_requests"]') requests"
stop_server

# 3. The rejects replay as they are once the service is back.
python3 -c "
import json, sys
for l in open(sys.argv[1]):
    print(json.dumps(json.loads(l)['record']))" "$work/err2" >"$work/replay.ndjson"
start_server
run --errors "$work/err3" "$work/replay.ndjson" >"$work/out3" 2>"$work/stderr3" || { cat "$work/stderr3"; fail "replay"; }
[ "$(wc -l <"$work/out3")" -eq 34 ] || fail "replay: expected 34 records"
cat "$work/out2" "$work/out3" >"$work/out23"
every_claim_accounted "$work/out23" /dev/null "$work/many.ndjson" || fail "replay incomplete"
stop_server

# 4. Retries exhausted on one claim (always 503): exit 4, the claim in --errors, the rest answered.
claims 6 "$work/six.ndjson"
start_server --fault C0002=503,503,503,503,503,503
run --max-attempts 3 --retry-delay 0.05 --errors "$work/err4" "$work/six.ndjson" >"$work/out4" 2>"$work/stderr4"
rc=$?
[ $rc -eq 4 ] || fail "exhausted: exit $rc, expected 4"
[ "$(wc -l <"$work/out4")" -eq 5 ] || fail "exhausted: expected 5 records"
grep -q '"kind":"retries_exhausted","message":"gave up after 3 attempts (last: HTTP 503)"' "$work/err4" || fail "exhausted reject"
stats
[ "$(st 'd["per_claim"]["C0002"]')" -eq 3 ] || fail "--max-attempts not honoured"
echo "ok"
