#!/usr/bin/env bash
# claim-query submit against the loopback fake clearinghouse: every claim
# comes back, one token per run, connections reused, --jobs respected, the
# Stedi flavour with its API key, a single claim typed in as CSV, a refused
# config file and refused credentials.
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/servers/fake_clearinghouse.bash" submit
# Here stats are read afresh by each st.
stats() { python3 -c "import json,sys,urllib.request; print(json.dumps(json.load(urllib.request.urlopen('http://127.0.0.1:$port/stats', timeout=5))))"; }
st() { stats | python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

run() { timeout 50 "$bin/claim-query" submit "$@"; }

# 1. 40 claims, 4 jobs: all answered, one token, requests = claims, connections reused.
claims 40 "$work/claims.ndjson"
start_server --flavour optum
run --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" --token-url "http://127.0.0.1:$port/apip/auth/v2/token" \
  --jobs 4 --errors "$work/err1" "$work/claims.ndjson" >"$work/out1" 2>"$work/stderr1"
rc=$?
[ $rc -eq 0 ] || { cat "$work/stderr1"; fail "plain run exit $rc"; }
[ "$(wc -l <"$work/out1")" -eq 40 ] || fail "expected 40 records, got $(wc -l <"$work/out1")"
[ ! -s "$work/err1" ] || fail "unexpected rejects"
[ "$(st 'd["tokens_issued"]')" -eq 1 ] || fail "expected one token, got $(st 'd["tokens_issued"]')"
[ "$(st 'd["status_requests"]')" -eq 40 ] || fail "expected 40 requests, got $(st 'd["status_requests"]')"
[ "$(st 'd["invalid"]')" -eq 0 ] || fail "the fake refused requests: $(st 'd["invalid_fields"]')"
[ "$(st 'd["max_in_flight"]')" -le 4 ] || fail "more than --jobs requests in flight"
conns=$(st 'd["status_connections"]')
[ "$conns" -le 4 ] || fail "connections not reused: $conns connections for 40 requests"
grep -q '40 claims: 40 answered (40 status records), 0 failed, 0 not checked; 40 requests, 1 token' "$work/stderr1" ||
  { cat "$work/stderr1"; fail "summary line"; }
python3 - "$work/out1" <<'PY' || fail "record shape"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ids = sorted(r["claim_id"] for r in recs)
assert ids == ["C%04d" % i for i in range(1, 41)], ids
r = [x for x in recs if x["claim_id"] == "C0007"][0]
assert r["type"] == "claim_status"
assert r["payer_claim_id"] == "PCNC0007" and r["patient_account_number"] == "PA-C0007"
assert r["payer"] == {"name": "SYNTHETIC HEALTH PLAN", "id": "60054", "id_qualifier": "PI"}, r["payer"]
assert r["provider"]["npi"] == "1234567893" and r["provider"]["id_qualifier"] == "XX"
assert r["subscriber"] == {"last_name": "TESTER7", "first_name": "PAT", "member_id": "M000007"}
assert r["service_from"] == "2026-01-05" and r["service_to"] == "2026-01-05"
assert r["clearinghouse_trace"] == "CHC0007" and "matched" not in r, r
# STC01 with its amounts and dates (paidDate is STC06, checkIssueDate STC08), then STC10 and STC11.
assert r["statuses"] == [
    {"category": "F1", "code": "65", "entity": "PR", "effective_date": "2026-01-15", "amount": 120.5,
     "paid_amount": 80.0, "adjudication_date": "2026-01-14", "paid_date": "2026-01-17", "check_number": "CHK0042"},
    {"category": "F1", "code": "107", "entity": "PR", "effective_date": "2026-01-15"},
    {"category": "F0", "code": "3", "effective_date": "2026-01-15"}], r["statuses"]
assert r["lines"][0]["procedure"] == "99213" and r["lines"][0]["statuses"][0]["category"] == "F1"
assert r["lines"][0]["revenue_code"] == "0450", r["lines"][0]
assert r["source"]["channel"] == "api" and r["source"]["api"] == "optum" and r["source"]["control_number"]
assert r["source"]["interchange"] == "000000777", r["source"]
PY
# Amounts keep the API's digits.
grep -q '"billed_amount":120.5,"paid_amount":80.00,' "$work/out1" || fail "amount digits not kept"
stop_server

# 2. Stedi: API key header, requests valid against Stedi's stricter schema; a
# wrong key (403 AccessDenied) stops the run, every claim kept for a rerun.
claims 5 "$work/five.ndjson"
start_server --flavour stedi --api-key right-key
CLAIMKIT_STEDI_API_KEY=right-key run --api stedi --url "http://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2" \
  "$work/five.ndjson" >"$work/out2" 2>"$work/stderr2" || { cat "$work/stderr2"; fail "stedi run"; }
[ "$(wc -l <"$work/out2")" -eq 5 ] || fail "stedi: expected 5 records"
grep -q '"api":"stedi"' "$work/out2" && grep -q '"trace":"trace-C0001"' "$work/out2" || fail "stedi source"
[ "$(st 'd["tokens_issued"]')" -eq 0 ] || fail "stedi must not ask for tokens"
[ "$(st 'd["invalid"]')" -eq 0 ] || fail "stedi refused requests: $(st 'd["invalid_fields"]')"
CLAIMKIT_STEDI_API_KEY=wrong-key run --api stedi --url "http://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2" --errors "$work/err2" \
  "$work/five.ndjson" >"$work/out2b" 2>"$work/stderr2b"
rc=$?
[ $rc -eq 4 ] || fail "refused api key: exit $rc, expected 4"
[ ! -s "$work/out2b" ] || fail "refused api key: output written"
[ "$(wc -l <"$work/err2")" -eq 5 ] || fail "refused api key: expected 5 rejects"
grep -q 'authorization refused (HTTP 403)' "$work/stderr2b" || { cat "$work/stderr2b"; fail "refused api key message"; }
grep -q 'wrong-key' "$work/stderr2b" "$work/err2" && fail "api key leaked"
[ "$(st 'd["forbidden"]')" -le 4 ] || fail "403 storm: $(st 'd["forbidden"]') refused requests"
stop_server

# 3. Refused client credentials: exit 4, nothing lost, secret never shown.
start_server --flavour optum
CLAIMKIT_OPTUM_CLIENT_SECRET=bad-secret run --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" \
  --token-url "http://127.0.0.1:$port/apip/auth/v2/token" --errors "$work/err3" "$work/five.ndjson" >"$work/out3" 2>"$work/stderr3"
rc=$?
[ $rc -eq 4 ] || fail "bad secret: exit $rc"
grep -q 'token request refused: HTTP 401' "$work/stderr3" || { cat "$work/stderr3"; fail "bad secret message"; }
[ "$(wc -l <"$work/err3")" -eq 5 ] || fail "bad secret: expected 5 rejects"
grep -q 'bad-secret' "$work/stderr3" "$work/err3" && fail "secret leaked"
[ "$(st 'd["token_requests"]')" -eq 1 ] || fail "a refused token request must not be retried"

# 4. One claim typed in as CSV on standard input (patient data stays off argv).
run --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" --token-url "http://127.0.0.1:$port/apip/auth/v2/token" --format-in csv \
  >"$work/out4" 2>"$work/stderr4" <<'CSV' || { cat "$work/stderr4"; fail "typed-in claim"; }
claim_id,payer_id,provider.npi,subscriber.member_id,subscriber.first_name,subscriber.last_name,subscriber.dob,service_from,billed_amount
ADHOC1,60054,1234567893,M123,ANA,DOE,1990-02-03,2026-02-01,$75.00
CSV
grep -q '"claim_id":"ADHOC1".*"billed_amount":75.00' "$work/out4" || fail "typed-in output"
run --claim-id ADHOC1 >/dev/null 2>"$work/stderr4b"
[ $? -eq 2 ] || fail "a claim option must be a usage error"
grep -q 'patient data on the command line' "$work/stderr4b" || fail "claim option message"

# 5. A config file others can read is refused; a private one is used.
printf '[optum]\nclient_id = test-client\nclient_secret = test-secret\n' >"$work/conf"
chmod 644 "$work/conf"
env -u CLAIMKIT_OPTUM_CLIENT_ID -u CLAIMKIT_OPTUM_CLIENT_SECRET "$bin/claim-query" submit --config "$work/conf" \
  --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" --token-url "http://127.0.0.1:$port/apip/auth/v2/token" "$work/five.ndjson" \
  >/dev/null 2>"$work/stderr5"
[ $? -eq 2 ] || fail "group-readable config accepted"
grep -q 'by group or others' "$work/stderr5" || { cat "$work/stderr5"; fail "config message"; }
chmod 600 "$work/conf"
env -u CLAIMKIT_OPTUM_CLIENT_ID -u CLAIMKIT_OPTUM_CLIENT_SECRET timeout 50 "$bin/claim-query" submit --config "$work/conf" \
  --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" --token-url "http://127.0.0.1:$port/apip/auth/v2/token" "$work/five.ndjson" \
  >"$work/out5" 2>"$work/stderr5b" || { cat "$work/stderr5b"; fail "private config refused"; }
[ "$(wc -l <"$work/out5")" -eq 5 ] || fail "config run output"

# 6. Plain http to a non-loopback host is refused before anything is read.
run --url "http://example.com/claimstatus" "$work/five.ndjson" >/dev/null 2>"$work/stderr6"
[ $? -eq 2 ] || fail "plain http to a remote host accepted"

# 7. --rate caps the start rate: 10 claims at 5 per second take at least 1.8 s.
claims 10 "$work/ten.ndjson"
start_server
t0=$(date +%s%N)
run --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" --token-url "http://127.0.0.1:$port/apip/auth/v2/token" --jobs 8 --rate 5 \
  "$work/ten.ndjson" >"$work/out7" 2>/dev/null || fail "rate run"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -ge 1800 ] || fail "--rate 5 not honoured: 10 requests in ${ms} ms"
[ "$(wc -l <"$work/out7")" -eq 10 ] || fail "rate run output"

# 8. TLS is always verified: an unknown CA stops the run (exit 4, claims kept); --cacert trusts it.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
    -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 || fail "openssl"
  start_server --flavour stedi --api-key k --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
  CLAIMKIT_STEDI_API_KEY=k run --api stedi --url "https://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2" --errors "$work/err8" \
    "$work/five.ndjson" >"$work/out8" 2>"$work/stderr8"
  rc=$?
  [ $rc -eq 4 ] || { cat "$work/stderr8"; fail "unverified TLS: exit $rc, expected 4"; }
  grep -q 'tls failure' "$work/stderr8" || { cat "$work/stderr8"; fail "tls message"; }
  [ "$(wc -l <"$work/err8")" -eq 5 ] || fail "unverified TLS: claims not kept"
  CLAIMKIT_STEDI_API_KEY=k run --api stedi --url "https://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2" --cacert "$work/cert.pem" \
    "$work/five.ndjson" >"$work/out8b" 2>"$work/stderr8b" || { cat "$work/stderr8b"; fail "--cacert run"; }
  [ "$(wc -l <"$work/out8b")" -eq 5 ] || fail "--cacert output"
fi
echo "ok"
