#!/usr/bin/env bash
# One claim status said two ways, a 277 and the clearinghouse API's JSON
# answer with the same elements (the API fields as Optum's schema maps them:
# STC01/STC10/STC11, STC06 paidDate, STC08 checkIssueDate, REF*D9, SVC04),
# gives the same claim_status through status-normalize: the API converter and
# the 277 path agree field by field, state included.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/x12-parse" ] && [ -x "$bin/status-normalize" ] || { echo "tools not built"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-agree.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

tr -d '\n' >"$work/status.277" <<'X12'
ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261005*1200*^*00501*000000912*0*P*:~
GS*HN*SENDER*RECEIVER*20261005*1200*1*X*005010X212~
ST*277*0001*005010X212~
BHT*0010*08*REF1*20261005*1200*DG~
HL*1**20*1~
NM1*PR*2*EXAMPLE MUTUAL*****PI*60054~
HL*2*1*21*1~
NM1*41*2*DEMO CLINIC*****46*X1~
HL*3*2*19*1~
NM1*1P*2*DEMO CLINIC*****XX*1234567893~
HL*4*3*22*0~
NM1*IL*1*SAMPLE*PAT****MI*W000111222~
TRN*2*TRACE0001~
STC*F1:65:PR*20261005**210.00*168.4*20261003**20261007*EFT778*F1:107:PR*F0:3~
REF*1K*PCN900100~
REF*EJ*ACCT5501~
REF*D9*CH4410~
DTP*472*D8*20260901~
SVC*NU:0450*210.00*168.4*0450***2~
STC*F1:65*20261005~
SE*19*0001~
GE*1*1~
IEA*1*000000912~
X12
cat >"$work/answer.json" <<'JSON'
{"controlNumber":"000000311","reassociationKey":"000000912","payer":{"organizationName":"EXAMPLE MUTUAL","payerIdentification":"60054"},"providers":[{"organizationName":"DEMO CLINIC","npi":"1234567893","providerType":"BillingProvider"}],"subscriber":{"memberId":"W000111222","firstName":"PAT","lastName":"SAMPLE"},"claims":[{"claimStatus":{"statusCategoryCode":"F1","statusCode":"65","entityCode":"PR","effectiveDate":"20261005","submittedAmount":"210.00","amountPaid":"168.4","paidDate":"20261003","checkIssueDate":"2026-10-07","checkNumber":"EFT778","trackingNumber":"TRACE0001","patientAccountNumber":"ACCT5501","tradingPartnerClaimNumber":"PCN900100","clearingHouseClaimNumber":"CH4410","claimServiceDate":"20260901","secondaryStatusCategoryCode":"F1","secondaryStatusCode":"107","secondaryEntityCode":"PR","tertiaryStatusCategoryCode":"F0","tertiaryStatusCode":"3"},"serviceDetails":[{"service":{"procedureId":"0450","serviceIdQualifierCode":"NU","submittedAmount":"210.00","amountPaid":"168.4","revenueCode":"0450","submittedUnits":"2"},"status":[{"statusCategoryCode":"F1","statusCode":"65","effectiveDate":"20261005"}]}]}]}
JSON
"$bin/x12-parse" "$work/status.277" 2>"$work/parse.err" | "$bin/status-normalize" >"$work/x12.ndjson" ||
  { cat "$work/parse.err"; fail "x12 path"; }
"$bin/status-normalize" "$work/answer.json" >"$work/api.ndjson" 2>"$work/api.err" || { cat "$work/api.err"; fail "api path"; }
python3 - "$work/x12.ndjson" "$work/api.ndjson" <<'PY' || fail "the two paths disagree"
import json, sys
x = [json.loads(l) for l in open(sys.argv[1])]
a = [json.loads(l) for l in open(sys.argv[2])]
assert len(x) == 1 and len(a) == 1, (len(x), len(a))
x, a = x[0], a[0]
keys = ["claim_id", "payer_claim_id", "patient_account_number", "clearinghouse_trace", "service_from", "service_to",
        "billed_amount", "paid_amount", "statuses", "state", "action", "queue", "reason"]
for k in keys:
    assert x.get(k) == a.get(k), "%s: 277 %r, api %r" % (k, x.get(k), a.get(k))
assert len(a["statuses"]) == 3, a["statuses"]
line_keys = ["procedure", "procedure_qualifier", "billed_amount", "paid_amount", "revenue_code", "units", "statuses"]
for k in line_keys:
    assert x["lines"][0].get(k) == a["lines"][0].get(k), "lines[0].%s: 277 %r, api %r" % (k, x["lines"][0].get(k), a["lines"][0].get(k))
assert x["payer"]["id"] == a["payer"]["id"] and x["subscriber"] == a["subscriber"], (x["payer"], a["payer"])
assert x["source"]["interchange"] == a["source"]["interchange"]
PY
echo "ok"
