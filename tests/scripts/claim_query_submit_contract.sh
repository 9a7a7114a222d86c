#!/usr/bin/env bash
# claim-query submit against the published contracts (the fake checks every
# request against Optum's and Stedi's schemas): a multi-claim answer gives one
# record per claim with its own identity; a lone entry without an id takes
# the claim asked for; every documented error shape (errorResponse, the 999
# fields, Stedi's exception body and warnings[]) reaches --errors with codes
# and field names only; a 403 stops the run within a few requests; claims the
# APIs would refuse are not sent; gender U is left out and the patient account
# number is sent.
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/servers/fake_clearinghouse.bash" contract
optum() {
  timeout 50 "$bin/claim-query" submit --url "http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/" \
    --token-url "http://127.0.0.1:$port/apip/auth/v2/token" "$@"
}
stedi() {
  CLAIMKIT_STEDI_API_KEY=k timeout 50 "$bin/claim-query" submit --api stedi \
    --url "http://127.0.0.1:$port/2024-04-01/change/medicalnetwork/claimstatus/v2" "$@"
}

# 1. Identity: a three-claim answer, a lone unnamed entry, a lone other claim.
claims 4 "$work/four.ndjson"
start_server --fault C0001=multi --fault C0002=unnamed --fault C0003=mismatch
optum --errors "$work/err1" "$work/four.ndjson" >"$work/out1" 2>"$work/stderr1"
rc=$?
[ $rc -eq 0 ] || { cat "$work/stderr1"; fail "identity run: exit $rc"; }
python3 - "$work/out1" "$work/err1" <<'PY' || fail "identity"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ids = sorted((r["claim_id"], r.get("matched", True)) for r in recs)
# C0001's answer: itself, another claim (own trackingNumber), a third named
# only by its patient account number. C0002's lone unnamed entry is C0002.
# C0003's lone entry is another claim: it keeps its own id.
assert ids == [("ACCT-THIRD", False), ("C0001", True), ("C0002", True), ("C0003X", False), ("C0004", True),
               ("OTHER-C0001", False)], ids
by = {r["claim_id"]: r for r in recs}
assert by["OTHER-C0001"]["statuses"][0]["category"] == "F2" and by["OTHER-C0001"]["patient_account_number"] == "ACCT-OTHER"
assert by["ACCT-THIRD"]["payer_claim_id"] == "PCN-THIRD" and by["ACCT-THIRD"]["statuses"][0]["category"] == "A1"
assert by["C0001"]["statuses"][0]["category"] == "F1" and by["C0001"]["payer_claim_id"] == "PCNC0001"
assert by["C0002"]["statuses"][0]["code"] == "65" and "payer_claim_id" not in by["C0002"]
errs = [json.loads(l) for l in open(sys.argv[2])]
kinds = sorted((e["record"]["claim_id"], e["kind"], e["severity"]) for e in errs)
assert kinds == [("C0001", "unmatched_claims", "warning"), ("C0003", "unmatched_claims", "warning")], kinds
PY
stop_server

# 2. Every error shape reaches --errors, codes and field names only.
claims 7 "$work/seven.ndjson"
start_server --fault C0001=errorresponse --fault C0002=ack999 --fault C0003=400 --fault C0004=warnings
optum --errors "$work/err2" "$work/seven.ndjson" >"$work/out2" 2>"$work/stderr2"
rc=$?
[ $rc -eq 1 ] || { cat "$work/stderr2"; fail "error shapes (optum): exit $rc, expected 1"; }
start_server --flavour stedi --api-key k --fault C0005=400 --fault C0006=404 --fault C0007=warnings
stedi --errors "$work/err2s" "$work/seven.ndjson" >>"$work/out2" 2>>"$work/stderr2"
rc=$?
[ $rc -eq 1 ] || { cat "$work/stderr2"; fail "error shapes (stedi): exit $rc, expected 1"; }
cat "$work/err2s" >>"$work/err2"
python3 - "$work/out2" "$work/err2" <<'PY' || fail "error shapes"
import json, sys
errs = {}
for e in map(json.loads, open(sys.argv[2])):
    errs.setdefault(e["record"]["claim_id"], []).append(e)
def one(cid, kind):
    es = [e for e in errs.get(cid, []) if e["kind"] == kind]
    assert len(es) == 1, (cid, kind, errs.get(cid))
    return es[0]
e = one("C0001", "api_error")
assert e["message"] == ("the api answered with errors: errorResponse code PAYERNOTRESPONDING; "
                        "code 75 field subscriber.memberId; code 58 field subscriber.dateOfBirth"), e["message"]
assert [x.get("field") for x in e["api_errors"]] == [None, "subscriber.memberId", "subscriber.dateOfBirth"]
e = one("C0002", "api_error")
assert e["api_errors"] == [{"shape": "999", "transactionSetAcknowledgement": "R",
                            "implementationTransactionSetSyntaxError": "5"}], e
e = one("C0003", "api_rejected")
assert e["message"].startswith("the api refused the request: HTTP 400: errorResponse code"), e
e = one("C0004", "api_warning")
assert e["severity"] == "warning" and e["api_warnings"] == [{"code": "W100"}], e
e = one("C0005", "api_rejected")
assert e["message"] == "the api refused the request: HTTP 400: code ValidationException", e["message"]
e = one("C0006", "api_rejected")
assert e["message"] == "the api refused the request: HTTP 404: code ResourceNotFoundException", e["message"]
e = one("C0007", "api_warning")
text = open(sys.argv[2]).read()
assert "SYNTHETIC-VALUE" not in text and "synthetic" not in text.replace("SYNTHETIC HEALTH PLAN", ""), "values or descriptions leaked"
# Where the claim is known, an error answer is an error-state status.
recs = [json.loads(l) for l in open(sys.argv[1])]
e0 = sorted(r["claim_id"] for r in recs if r["statuses"] == [{"category": "E0"}])
assert e0 == ["C0001", "C0002", "C0003", "C0005", "C0006"], e0
r = [r for r in recs if r["claim_id"] == "C0001" and r["statuses"] == [{"category": "E0"}]][0]
assert r["api_errors"][1]["code"] == "75", r
PY
grep -q 'SYNTHETIC-VALUE\|synthetic description\|TESTER' "$work/stderr2" && fail "values on stderr"
# status-normalize gives the E0 records the error state.
"$bin/status-normalize" "$work/out2" >"$work/norm2" 2>/dev/null || fail "status-normalize of the answers"
[ "$(grep -c '"state":"error"' "$work/norm2")" -eq 5 ] || fail "expected 5 error-state records"
stop_server

# 3. 403 stops the run within a few requests: Stedi (a key revoked mid-run)
# and Optum (no token renewal is tried on a 403).
claims 40 "$work/forty.ndjson"
start_server --flavour stedi --api-key k --forbidden-at 5
stedi --jobs 2 --errors "$work/err3" "$work/forty.ndjson" >"$work/out3" 2>"$work/stderr3"
rc=$?
[ $rc -eq 4 ] || { cat "$work/stderr3"; fail "stedi 403: exit $rc, expected 4"; }
grep -q 'authorization refused (HTTP 403)' "$work/stderr3" || { cat "$work/stderr3"; fail "403 message"; }
stats
[ "$(st 'd["status_requests"]')" -le 7 ] || fail "403: $(st 'd["status_requests"]') requests sent"
[ $(( $(wc -l <"$work/out3") + $(wc -l <"$work/err3") )) -eq 40 ] || fail "403: claims lost"
start_server --forbidden-at 1
optum --jobs 4 --errors "$work/err3b" "$work/forty.ndjson" >"$work/out3b" 2>"$work/stderr3b"
rc=$?
[ $rc -eq 4 ] || { cat "$work/stderr3b"; fail "optum 403: exit $rc, expected 4"; }
stats
[ "$(st 'd["status_requests"]')" -le 4 ] || fail "optum 403: $(st 'd["status_requests"]') requests sent"
[ "$(st 'd["tokens_issued"]')" -eq 1 ] || fail "optum 403: a new token was asked for"
[ "$(wc -l <"$work/err3b")" -eq 40 ] || fail "optum 403: claims not kept"
stop_server

# 4. Claims the APIs would refuse are not sent; each names its field. Valid
# ones pass Stedi's stricter schema, with gender U left out and the patient
# account number sent.
python3 - >"$work/mixed.ndjson" <<'PY'
import json
base = {"type": "claim", "payer_id": "60054", "provider": {"npi": "1234567893", "name": "TEST CLINIC"},
        "subscriber": {"member_id": "M000001", "first_name": "PAT", "last_name": "TESTER", "dob": "1980-01-02"},
        "service_from": "2026-01-05"}
def claim(cid, **change):
    c = json.loads(json.dumps(base))
    c["claim_id"] = cid
    for path, v in change.items():
        o = c
        keys = path.split("__")
        for k in keys[:-1]:
            o = o[k]
        o[keys[-1]] = v
    print(json.dumps(c))
claim("OK1", subscriber__gender="U", patient_account_number="ACCT-77")
claim("OK2", provider={"tax_id": "12-3456789", "name": "TEST CLINIC"}, subscriber__gender="F")
claim("BAD1", provider={"npi": "1234567890"})               # check digit
claim("BAD2", provider={"tax_id": "12345"})                 # taxId 9 digits
claim("BAD3", subscriber__first_name="A" * 36)              # firstName 1-35
claim("BAD4", service_from="2026-02-30")                    # not a date
claim("BAD5", subscriber__gender="X")                       # gender M, F, U
claim("BAD6", subscriber__last_name="TEST*ER")              # an X12 delimiter
claim("B" * 51)                                             # trackingNumber 1-50
claim("BAD8", patient_account_number="P" * 51)              # patientAccountNumber 1-50
claim("BAD9", subscriber__member_id="M")                    # memberId 2-80
claim("BAD10", service_to="2026-01-01")                     # before service_from
PY
start_server --flavour stedi --api-key k
stedi --errors "$work/err4" "$work/mixed.ndjson" >"$work/out4" 2>"$work/stderr4"
rc=$?
[ $rc -eq 1 ] || { cat "$work/stderr4"; fail "refused claims: exit $rc, expected 1"; }
stats
[ "$(st 'd["status_requests"]')" -eq 2 ] || fail "refused claims were sent: $(st 'd["status_requests"]') requests"
[ "$(st 'd["invalid"]')" -eq 0 ] || fail "stedi refused: $(st 'd["invalid_fields"]')"
python3 - "$work/err4" "$work/stats.json" <<'PY' || fail "refused claims"
import json, sys
errs = {e["record"]["claim_id"]: e["message"] for e in map(json.loads, open(sys.argv[1]))}
want = {"BAD1": "provider.npi fails the NPI check digit", "BAD2": "provider.tax_id is not 9 digits",
        "BAD3": "subscriber.first_name must be 1 to 35 characters (the API's limit)",
        "BAD4": "service_from is not a YYYY-MM-DD date", "BAD5": "subscriber.gender must be M, F or U",
        "BAD6": "subscriber.last_name contains an X12 delimiter character (~ * : ^)",
        "B" * 51: "claim_id must be 1 to 50 characters (the API's limit)",
        "BAD8": "patient_account_number must be 1 to 50 characters (the API's limit)",
        "BAD9": "subscriber.member_id must be 2 to 80 characters (the API's limit)",
        "BAD10": "service_to is before service_from"}
assert errs == want, errs
reqs = {r["encounter"]["trackingNumber"]: r for r in json.load(open(sys.argv[2]))["requests"]}
assert "gender" not in reqs["OK1"]["subscriber"], reqs["OK1"]
assert reqs["OK1"]["encounter"]["patientAccountNumber"] == "ACCT-77", reqs["OK1"]
assert reqs["OK2"]["providers"][0]["taxId"] == "123456789" and reqs["OK2"]["subscriber"]["gender"] == "F"
PY
stop_server

# 5. --sandbox is Optum's only.
CLAIMKIT_STEDI_API_KEY=k "$bin/claim-query" submit --api stedi --sandbox "$work/four.ndjson" >/dev/null 2>"$work/stderr5"
[ $? -eq 2 ] || fail "--sandbox with stedi accepted"
grep -q -- '--sandbox: only --api optum' "$work/stderr5" || fail "--sandbox message"
echo "ok"
