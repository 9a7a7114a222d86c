#!/usr/bin/env bash
# PHI safety across the kit: records full of canary values (names, member ids,
# birth dates, claim ids), good and bad, go through every tool. No stderr line
# and no --errors "message" may contain a canary (records in the rejects file
# are data and may); files the tools create are 0600 even under umask 000; no
# temporary file is left behind; no tool takes a credential as an argument.
set -u
bin=$(cd "${CLAIMKIT_BIN:?}" && pwd)
for t in x12-parse status-normalize pm-push claim-age claim-query; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-phi.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir tmp state
export TMPDIR=$work/tmp XDG_STATE_HOME=$work/state LC_ALL=C TZ=UTC NO_COLOR=1
umask 000
canaries=(ZZCANLAST ZZCANFIRST ZZCANMEMBER ZZCANCLAIM ZZCANPCN 1901-02-03 19010203 ZZCANACCT)
fail=0 pass=0
check_clean() {  # label file...
  local label=$1 f c
  shift
  for f in "$@"; do
    [ -e "$f" ] || continue
    for c in "${canaries[@]}"; do
      if grep -q -- "$c" "$f"; then
        echo "FAIL $label: canary $c in $(basename "$f")"; grep -n -- "$c" "$f" | head -3
        fail=$((fail + 1))
        return
      fi
    done
  done
  pass=$((pass + 1))
}
check_messages() {  # label errors-file: the message texts only
  local label=$1
  [ -s "$2" ] || { echo "FAIL $label: expected findings in $2"; fail=$((fail + 1)); return; }
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    print(json.loads(l).get("message",""))' "$2" >"$2.messages"
  check_clean "$label messages" "$2.messages"
}
check_mode() {  # label file
  local m
  m=$(stat -c %a "$2" 2>/dev/null)
  if [ "$m" = 600 ]; then pass=$((pass + 1)); else echo "FAIL $1: $2 has mode ${m:-missing}, want 600"; fail=$((fail + 1)); fi
}

# A claim export and status records with canaries; some lines are broken.
good='{"type":"claim","claim_id":"ZZCANCLAIM1","payer_id":"60054","payer_name":"EXAMPLE PLAN","provider":{"npi":"1234567893","name":"EXAMPLE CLINIC"},"subscriber":{"member_id":"ZZCANMEMBER1","first_name":"ZZCANFIRST","last_name":"ZZCANLAST","dob":"1901-02-03","gender":"F"},"service_from":"2026-10-01","service_to":"2026-10-01","billed_amount":125.00,"submitted_date":"2026-10-03","patient_account_number":"ZZCANACCT1"}'
printf '%s\n' "$good" \
  '{"type":"claim","claim_id":"ZZCANCLAIM2","subscriber":{"member_id":"ZZCANMEMBER2","last_name":"ZZCANLAST","dob":"ZZCANLAST"},"billed_amount":-5,"service_from":"ZZCANCLAIM2"}' \
  '{"type":"claim","subscriber":{"last_name":"ZZCANLAST"},"billed_amount":10}' \
  'not json ZZCANLAST ZZCANMEMBER3' \
  '{"type":"claim","claim_id":"ZZCANCLAIM4","provider":{"npi":"ZZCANPCN"},"subscriber":{"member_id":"ZZCAN*MEMBER","last_name":"ZZCANLAST~"},"billed_amount":"ZZCANPCN"}' \
  >claims.ndjson
status='{"type":"claim_status","claim_id":"ZZCANCLAIM1","payer_claim_id":"ZZCANPCN1","payer":{"id":"60054","name":"EXAMPLE PLAN"},"subscriber":{"member_id":"ZZCANMEMBER1","last_name":"ZZCANLAST","first_name":"ZZCANFIRST"},"billed_amount":125.00,"statuses":[{"category":"F2","code":"85","entity":"PR","effective_date":"2026-11-09"}],"source":{"channel":"x12","file":"in.277"}}'
printf '%s\n' "$status" \
  '{"type":"claim_status","claim_id":"ZZCANCLAIM5","subscriber":{"last_name":"ZZCANLAST"},"statuses":[{"category":"ZZCANPCN","code":"ZZCANCLAIM"}]}' \
  '{"type":"claim_status","subscriber":{"last_name":"ZZCANLAST","member_id":"ZZCANMEMBER"}}' \
  '{"type":"claim_status","source":{"channel":"phone"},"claim_id":"ZZCANCLAIM6","text":"ZZCANLAST said ZZCANMEMBER is unknown"}' \
  '{"claim_id":"ZZCANCLAIM7","subscriber":{"last_name":"ZZCANLAST"},' \
  >status.ndjson

# status-normalize
"$bin/status-normalize" --errors sn.errors status.ndjson >normalized.ndjson 2>sn.stderr
check_clean "status-normalize stderr" sn.stderr
check_messages "status-normalize" sn.errors
check_mode "status-normalize --errors" sn.errors
"$bin/status-normalize" --format table status.ndjson >/dev/null 2>sn2.stderr
check_clean "status-normalize table stderr" sn2.stderr

# claim-age
"$bin/claim-age" --as-of 2026-11-23 --errors ca.errors claims.ndjson normalized.ndjson >/dev/null 2>ca.stderr
check_clean "claim-age stderr" ca.stderr
check_messages "claim-age" ca.errors
check_mode "claim-age --errors" ca.errors
"$bin/claim-age" --as-of 2026-11-23 --summary --format csv claims.ndjson >/dev/null 2>ca2.stderr
check_clean "claim-age summary stderr" ca2.stderr

# pm-push into a real SQLite ledger, with its journal under XDG_STATE_HOME
"$bin/pm-push" --to sqlite:ledger.db --errors pp.errors --rejects pp.rejects normalized.ndjson status.ndjson >pp.out 2>pp.stderr
check_clean "pm-push stderr" pp.stderr
check_mode "pm-push ledger" ledger.db
[ -e pp.errors ] && check_mode "pm-push --errors" pp.errors
[ -e pp.rejects ] && check_mode "pm-push --rejects" pp.rejects
while IFS= read -r j; do check_mode "pm-push journal" "$j"; done < <(find state -type f -name '*journal*' ! -name '*-wal' ! -name '*-shm')
"$bin/pm-push" --to athena --practice-id 1 --dry-run normalized.ndjson >/dev/null 2>pp2.stderr
check_clean "pm-push dry-run stderr" pp2.stderr

# claim-query build (validation errors name fields, never values)
"$bin/claim-query" build --sender-id SENDER1 --sender-name "EXAMPLE BILLING" --receiver-id RECEIVER1 --control-number 1 --errors cq.errors claims.ndjson >out.276 2>cq.stderr
check_clean "claim-query build stderr" cq.stderr
check_messages "claim-query build" cq.errors
check_mode "claim-query --errors" cq.errors

# x12-parse on a 276 full of canaries and a broken copy of it
"$bin/claim-query" build --sender-id SENDER1 --sender-name "EXAMPLE BILLING" --receiver-id RECEIVER1 --control-number 2 claims.ndjson >good.276 2>/dev/null
sed -e 's/SE\*[0-9]*\*/SE*99*/' -e 's/DTP\*472\*D8\*[0-9]*/DTP*472*D8*ZZCANCLAIM/' good.276 >bad.276
"$bin/x12-parse" --errors xp.errors good.276 bad.276 >/dev/null 2>xp.stderr
check_clean "x12-parse stderr" xp.stderr
check_messages "x12-parse" xp.errors
check_mode "x12-parse --errors" xp.errors

# Nothing left behind in TMPDIR.
if [ -n "$(ls -A tmp)" ]; then echo "FAIL temporary files left: $(ls -A tmp | head -5)"; fail=$((fail + 1)); else pass=$((pass + 1)); fi

# No option takes a credential on the command line.
for t in x12-parse status-normalize pm-push claim-age "claim-query build" "claim-query submit" "claim-query send" "claim-query fetch"; do
  # shellcheck disable=SC2086
  if "$bin"/$t --help 2>/dev/null | grep -Eiq -- '--[a-z-]*(secret|password|passwd|api-key|apikey)'; then
    echo "FAIL $t has an option that takes a credential"; fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done
"$bin/claim-query" submit --client-secret s3cr3t --claim-id X </dev/null >/dev/null 2>&1
[ $? -eq 2 ] && pass=$((pass + 1)) || { echo "FAIL claim-query submit accepted --client-secret"; fail=$((fail + 1)); }

echo "phi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
