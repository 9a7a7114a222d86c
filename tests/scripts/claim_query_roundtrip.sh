#!/usr/bin/env bash
# claim-query build -> x12-parse gives back the claims that went in: every
# field the 276 carries, with amounts keeping their exact digits. Fields the
# 276 cannot carry (a dependent's member id, the subscriber's birth date when
# the patient is a dependent, pass-through fields) are left out of the
# comparison, and x12-parse's own additions (type, source, receiver) too.
# x12-parse runs with --strict, so any envelope or structure finding fails.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/x12-parse" ] || { echo "skipped: $bin/x12-parse not built yet"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-roundtrip.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/claims.ndjson" <<'NDJSON'
{"type":"claim","claim_id":"RT-0001","payer_id":"61101","payer_name":"LAKESIDE HEALTH PLAN","provider":{"npi":"1234567893","name":"VALLEY CLINIC"},"subscriber":{"member_id":"LHP4410021","first_name":"ANNA","last_name":"MORROW","dob":"1971-03-14","gender":"F","group_number":"G77"},"service_from":"2026-10-01","billed_amount":185.00,"patient_account_number":"ACC-1001","submitted_date":"2026-10-03","lines":[{"line_id":"1","procedure":"99214","modifiers":["25","GT"],"billed_amount":135.00,"units":1,"service_date":"2026-10-01"},{"line_id":"2","procedure":"36415","billed_amount":50,"units":2.5,"service_date":"2026-10-01"}]}
{"type":"claim","claim_id":"RT-0002","payer_id":"61101","payer_name":"LAKESIDE HEALTH PLAN","provider":{"npi":"1234567893","name":"VALLEY CLINIC"},"subscriber":{"member_id":"LHP4410021","first_name":"ANNA","last_name":"MORROW"},"patient":{"first_name":"TOBY","last_name":"MORROW","dob":"2014-07-30","gender":"M"},"service_from":"2026-10-02","service_to":"2026-10-02","billed_amount":95.5,"payer_claim_id":"LHP26275000118"}
{"type":"claim","claim_id":"RT-0003","payer_id":"87726","payer_name":"NORTHERN MUTUAL","provider":{"npi":"1500000009","name":"VALLEY CLINIC SURGERY CENTER"},"subscriber":{"member_id":"NM00917733","first_name":"RAFAEL","last_name":"OKONJO","dob":"1958-11-02","gender":"M"},"service_from":"2026-10-05","service_to":"2026-10-07","billed_amount":4210.00,"bill_type":"131","patient_account_number":"ACC-1044","lines":[{"line_id":"A1","procedure":"27447","procedure_qualifier":"HC","revenue_code":"0360","billed_amount":4210.00,"units":1,"service_date":"2026-10-05"}]}
{"type":"claim","claim_id":"RT-0004","payer_id":"61101","payer_name":"LAKESIDE HEALTH PLAN","provider":{"tax_id":"123456789","name":"VALLEY CLINIC PEDIATRICS"},"subscriber":{"member_id":"LHP5530087","last_name":"LINDQVIST","dob":"1989-05-21","gender":"U"},"service_from":"2026-10-09","billed_amount":0.00}
{"type":"claim","claim_id":"RT-0005","payer_id":"61101","payer_name":"LAKESIDE HEALTH PLAN","provider":{"npi":"1234567893","name":"VALLEY CLINIC"},"subscriber":{"member_id":"LHP4410021","first_name":"ANNA","last_name":"MORROW"},"patient":{"member_id":"LHP4410021-02","first_name":"MAE","last_name":"MORROW","dob":"2017-01-09","gender":"F"},"service_from":"2026-09-28","service_to":"2026-10-04","billed_amount":1200}
NDJSON

export SOURCE_DATE_EPOCH=1795000000
for chunk in 0 2; do
  args=(--sender-id VALLEYCLINIC --sender-name "VALLEY CLINIC" --receiver-id CLEARHOUSE01 --control-number 500
)
  [ "$chunk" != 0 ] && args+=(--max-claims "$chunk")
  CLAIMKIT_CONFIG=/nonexistent "$bin/claim-query" build "${args[@]}" "$work/claims.ndjson" >"$work/out.x12" \
    2>"$work/build.err" || { echo "FAIL: build exited $? ($(cat "$work/build.err"))"; exit 1; }
  "$bin/x12-parse" --strict "$work/out.x12" >"$work/parsed.ndjson" 2>"$work/parse.err" \
    || { echo "FAIL: x12-parse exited $? on the built 276:"; cat "$work/parse.err"; exit 1; }
  python3 - "$work/claims.ndjson" "$work/parsed.ndjson" "$chunk" <<'PY' || exit 1
import json, sys

def load(path):
    # Numbers as their source text: amounts must keep their exact digits.
    with open(path) as f:
        return [json.loads(l, parse_float=str, parse_int=str) for l in f if l.strip()]

def expected(c):
    c = dict(c)
    for k in ("type", "submitted_date", "last_checked", "state"):
        c.pop(k, None)
    c["subscriber"] = dict(c["subscriber"])
    c["subscriber"].pop("group_number", None)
    if "patient" in c:
        c["patient"] = dict(c["patient"])
        c["patient"].pop("member_id", None)          # 005010X212 has no dependent identifier
        c["subscriber"].pop("dob", None)             # DMG only for the patient
        c["subscriber"].pop("gender", None)
    if "service_from" in c and "service_to" not in c:
        c["service_to"] = c["service_from"]          # D8 reads back as a one-day range
    lines = []
    for l in c.get("lines", []):
        l = dict(l)
        if "procedure" in l:
            l.setdefault("procedure_qualifier", "HC")
        lines.append(l)
    if lines:
        c["lines"] = lines
    return c

def actual(r):
    r = dict(r)
    for k in ("type", "source", "receiver"):
        r.pop(k, None)
    return r

claims = {c["claim_id"]: expected(c) for c in load(sys.argv[1])}
parsed = load(sys.argv[2])
ok = True
if any(r.get("type") != "claim_status_request" for r in parsed):
    print("FAIL: x12-parse gave records other than claim_status_request"); ok = False
got = {r.get("claim_id"): actual(r) for r in parsed}
if sorted(got) != sorted(claims):
    print("FAIL: claim ids differ: sent %s, read back %s" % (sorted(claims), sorted(got))); ok = False
for cid, want in sorted(claims.items()):
    have = got.get(cid)
    if have is None:
        continue
    if have != want:
        ok = False
        print("FAIL: %s differs (chunk %s)" % (cid, sys.argv[3]))
        for k in sorted(set(want) | set(have)):
            if want.get(k) != have.get(k):
                print("  %s: sent %s, read back %s" % (k, json.dumps(want.get(k)), json.dumps(have.get(k))))
interchanges = {r.get("source", {}).get("interchange") for r in parsed}
want_n = 1 if sys.argv[3] == "0" else -(-len(claims) // int(sys.argv[3]))
if len(interchanges) != want_n:
    print("FAIL: %d interchanges, want %d" % (len(interchanges), want_n)); ok = False
sys.exit(0 if ok else 1)
PY
done
# Second generation: the records x12-parse gives back build the same 276.
CLAIMKIT_CONFIG=/nonexistent "$bin/claim-query" build -q --sender-id VALLEYCLINIC --sender-name "VALLEY CLINIC" \
  --receiver-id CLEARHOUSE01 --control-number 500 "$work/claims.ndjson" >"$work/gen1.x12" || exit 1
"$bin/x12-parse" --strict "$work/gen1.x12" | CLAIMKIT_CONFIG=/nonexistent "$bin/claim-query" build -q \
  --sender-id VALLEYCLINIC --sender-name "VALLEY CLINIC" --receiver-id CLEARHOUSE01 --control-number 500 \
  >"$work/gen2.x12" || { echo "FAIL: building from x12-parse output failed"; exit 1; }
cmp -s "$work/gen1.x12" "$work/gen2.x12" || { echo "FAIL: second generation differs:"; diff "$work/gen1.x12" "$work/gen2.x12" | head -20; exit 1; }
echo "ok: build -> x12-parse round trip"
