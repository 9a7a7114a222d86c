#!/usr/bin/env bash
# No input up to 64 KiB may take more than 100 ms: times the worst inputs we
# can build for x12-parse and status-normalize (long segments, many elements,
# deep or broken HL chains, pathological JSON). Each is run 3 times and the
# fastest run counts, so a busy machine does not fail the test; the limit
# (CLAIMKIT_SLOW_LIMIT_MS, default 500 = 5x slack over 100 ms, process start
# included) catches gross slowness such as quadratic behaviour.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN is not set}" && pwd)
limit=${CLAIMKIT_SLOW_LIMIT_MS:-500}
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-slow.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC NO_COLOR=1

python3 - "$work" <<'PY'
import os, sys
out = sys.argv[1]
K = 64 * 1024
E = "*"

def isa(ctrl="000000101"):
    return E.join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ", "RECEIVER".ljust(15),
                   "261101", "1200", "^", "00501", ctrl, "0", "T", ":"]) + "~"

HEAD = ["GS*HN*S*R*20261101*1200*1*X*005010X212", "ST*277*0001*005010X212", "BHT*0010*08*B*20261101*1200*DG",
        "HL*1**20*1", "NM1*PR*2*PLAN*****PI*1", "HL*2*1*21*1", "NM1*41*2*RCV*****46*2", "HL*3*2*19*1",
        "NM1*1P*2*PRV*****XX*1234567893"]
CLAIM = ["HL*4*3*22*0", "NM1*IL*1*CANARYLAST*CANARYFIRST****MI*CANARYMBR", "TRN*2*CANARYCLM",
         "STC*F1:65:PR*20261020**150.00*120.00", "DTP*472*D8*20261001"]

def x12(middle, fill=None):
    """A 277 whose body is middle (segments), padded with fill segments to 64 KiB."""
    segs = HEAD + middle
    body = isa() + "".join(s + "~" for s in segs)
    tail = "SE*%d*0001~GE*1*1~IEA*1*000000101~" % (len(segs),)
    if fill:
        n = (K - len(body) - len(tail)) // (len(fill) + 1)
        body += "".join(fill + "~" for _ in range(max(n, 0)))
    return (body + tail)[: K]

room = K - 1200
cases = {
    "x12-one-segment-64k-elements": x12(CLAIM + ["NTE" + "*" * room]),
    "x12-one-element-64k": x12(CLAIM + ["NTE*" + "Q" * room]),
    "x12-stc-64k-components": x12(CLAIM[:3] + ["STC*" + ":" * room]),
    "x12-stc-64k-repetitions": x12(CLAIM[:3] + ["STC*" + "F1:65^" * (room // 6)]),
    "x12-deep-hl-chain": x12(["HL*%d*%s*22*1" % (i, i - 1 if i > 4 else 3) for i in range(4, 4000)] + CLAIM[1:])[: K],
    "x12-hl-parents-missing": x12(["HL*%d*%d*22*1" % (i, i + 100000) for i in range(4, 4000)] + CLAIM[1:])[: K],
    "x12-many-claims": x12([], fill=None) if False else x12(sum(([s.replace("HL*4", "HL*%d" % (4 + i)) for s in CLAIM]
                                                           for i in range(600)), []))[: K],
    "x12-many-bad-segment-ids": x12(CLAIM, fill="a"),
    "x12-many-empty-segments": isa() + "~" * (K - 106),
    "x12-isa-prose": "ISA " * (K // 4),
    "x12-isa-tags-no-elements": "ISA*" * (K // 4),
    "x12-many-interchanges": "".join(isa("%09d" % i) + "IEA*0*%09d~" % i for i in range(K // 130)),
    "x12-wrapped-every-byte": "\n".join(x12(CLAIM, fill="NTE*ABC")[: K // 2]),
    "x12-stray-text-runs": x12(CLAIM) + "".join("x\n" for _ in range((K - 1500) // 2)),
    "x12-se-counts-huge": x12(CLAIM + ["SE*" + "9" * 30000 + "*0001"]),
    "x12-nul-runs": isa() + "\0" * (K - 200) + "IEA*0*000000101~",
    "x12-isa-tag-then-newlines": "ISA*00*" + "\n" * (K - 10) + "x~",
    "x12-many-possible-isas": ("ISA*00*\n" * (K // 8)),
}
j_head = '{"type":"claim_status","claim_id":"CANARYCLM","statuses":['
nd = {
    "json-deep-arrays": '{"type":"claim_status","claim_id":"C","x":' + "[" * (K // 2 - 40) + "\n",
    "json-deep-objects": '{"type":"claim_status","x":' + '{"a":' * (K // 5 - 20) + "\n",
    "json-many-statuses": j_head + ",".join(['{"category":"F2","code":"88","entity":"QC"}'] * 1400) + "]}\n",
    "json-many-members": '{"type":"claim_status","claim_id":"C",' + ",".join('"k%d":%d' % (i, i) for i in range(6500)) + "}\n",
    "json-same-key-repeated": "{" + ",".join(['"type":"claim_status"'] * 2900) + ',"claim_id":"C"}\n',
    "json-huge-number": '{"type":"claim_status","claim_id":"C","billed_amount":1' + "0" * (K - 200) + "}\n",
    "json-escapes": '{"type":"claim_status","claim_id":"C","text":"' + "\\u00e9" * ((K - 200) // 6) + '"}\n',
    "json-surrogate-pairs": '{"type":"claim_status","claim_id":"C","text":"' + "\\ud83d\\ude00" * ((K - 200) // 12) + '"}\n',
    "json-tiny-records": '{"type":"claim_status","claim_id":"C","statuses":[]}\n' * (K // 50),
    "json-blank-lines": "\n" * K,
    "json-invalid-lines": "{\n" * (K // 2),
    "json-long-code-values": j_head + ",".join(['{"category":"' + "F" * 200 + '","code":"' + "8" * 200 + '"}'] * 150) + "]}\n",
    "json-portal-text": '{"type":"claim_status","source":{"channel":"portal"},"claim_id":"C","text":"' + "claim in process awaiting " * 2400 + '"}\n',
}
for name, text in list(cases.items()) + list(nd.items()):
    data = text.encode("latin-1")[: K]
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
PY

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
failed=0
printf '%-34s %-16s %8s %8s\n' input tool bytes ms
for f in "$work"/*; do
  name=$(basename "$f")
  case "$name" in x12-*) tools=("x12-parse" "x12-parse --segments" "x12-parse --strict") ;; *) tools=("status-normalize") ;; esac
  for tool in "${tools[@]}"; do
    best=999999
    for _ in 1 2 3; do
      # shellcheck disable=SC2086
      t=$(ms timeout 20 "$bin"/$tool "$f")
      [ "$t" -lt "$best" ] && best=$t
    done
    printf '%-34s %-16s %8s %8s\n' "$name" "${tool#x12-parse }" "$(stat -c %s "$f")" "$best"
    if [ "$best" -gt "$limit" ]; then
      echo "slow_inputs: $name with $tool took $best ms (limit $limit)"
      failed=1
    fi
  done
done
exit $failed
