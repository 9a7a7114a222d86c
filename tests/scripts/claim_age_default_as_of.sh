#!/usr/bin/env bash
# Without --as-of, claims are aged as of today on the local clock: a claim
# submitted on the local date is 0 days old, in time zones on both sides of
# the date line.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/claim-age" ] || { echo "skipped: claim-age not built"; exit 77; }
[ -e /usr/share/zoneinfo/Pacific/Kiritimati ] || { echo "skipped: no tz database"; exit 77; }
check() {
  local tz=$1 today got
  today=$(TZ=$tz date +%F)
  got=$(printf '{"type":"claim","claim_id":"TZ-1","submitted_date":"%s"}\n' "$today" | TZ=$tz "$bin/claim-age")
  # Midnight may pass between the two clocks: one retry.
  if ! grep -q '"age_days":0,' <<<"$got"; then
    today=$(TZ=$tz date +%F)
    got=$(printf '{"type":"claim","claim_id":"TZ-1","submitted_date":"%s"}\n' "$today" | TZ=$tz "$bin/claim-age")
  fi
  grep -q '"age_days":0,' <<<"$got" || { echo "FAIL: TZ=$tz: $got"; exit 1; }
}
for tz in UTC Pacific/Kiritimati Pacific/Pago_Pago America/New_York; do check "$tz"; done
echo "ok"
