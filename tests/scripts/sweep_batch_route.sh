#!/usr/bin/env bash
# claimkit-sweep routes the payers named in batch-payers to batch 276 files
# over SFTP (claim-query build, claim-query send to a real OpenSSH server on
# 127.0.0.1) and the others to the API (the loopback fake clearinghouse):
# each due claim goes exactly one way. The uploaded 276, read back by
# x12-parse, holds the batch payer's due claims and no other; the ledger
# holds the API answers and none of the batch payer's claims.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/lib/loopback_sshd.sh"
for t in claim-age claim-query status-normalize pm-push x12-parse; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
sshd=/usr/sbin/sshd
[ -x "$sshd" ] || { echo "skipped: no $sshd"; exit 77; }
for c in python3 flock sqlite3 ssh-keygen; do
  command -v "$c" >/dev/null || { echo "skipped: $c missing"; exit 77; }
done
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
  mkdir -m 0755 /run/sshd 2>/dev/null || { echo "skipped: cannot create /run/sshd"; exit 77; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-sweep-batch.XXXXXX")
server_pid= sshd_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sshd_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/sshd.log" ] && tail -5 "$work/sshd.log"; exit 1; }

# The SFTP server.
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$work/host_key" || fail "host key"
ssh-keygen -q -t ecdsa -b 256 -N '' -m PEM -f "$work/user_key" || fail "user key"
cp "$work/user_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
sport=$(free_port)
write_sshd_config "$work/sshd_config" "$sport" "$work/host_key" "$work/authorized_keys"
"$sshd" -f "$work/sshd_config" -D -e 2>>"$work/sshd.log" &
sshd_pid=$!
wait_listening "$sport" "$sshd_pid" || fail "sshd did not start"
echo "[127.0.0.1]:$sport $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
mkdir -p "$work/remote/in"

# The clearinghouse API.
python3 "$src/tests/servers/fake_clearinghouse.py" --port-file "$work/port" --lifetime 55 --flavour optum &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "fake server did not start"
port=$(cat "$work/port")

# The settings: the sweep's, and the kit's (identities, SFTP keys).
mkdir -p "$work/etc" "$work/bin" "$work/home"
cat >"$work/etc/claimkit.conf" <<EOF
[sender]
id = LAKESIDE01
name = LAKESIDE FAMILY CLINIC
[receiver]
id = CLEARHOUSE01
[sftp]
identity = $work/user_key
known_hosts = $work/known_hosts
EOF
# The sample export, with the subscriber's sex that a 276 carries (DMG03)
# and the API does not need: appended as the last column.
awk '{ sub(/\r$/, "") } NR == 1 { print $0 ",Sex"; next } { print $0 ",F" }' "$src/examples/sweep/open-claims.csv" >"$work/export.csv"
columns='claim_id=Claim #,payer_id=Payer ID,payer_name=Payer,provider.npi=Billing NPI,provider.name=Billing Provider,subscriber.member_id=Member ID,subscriber.first_name=Patient First,subscriber.last_name=Patient Last,subscriber.dob=DOB,subscriber.gender=Sex,service_from=DOS,billed_amount=Charges,submitted_date=Submitted,last_checked=Last Checked,state=Status'
cat >"$work/etc/sweep.conf" <<EOF
to = sqlite:$work/ledger.db
work-dir = $work/state
columns = $columns
as-of = 2026-11-23
url = http://127.0.0.1:$port/medicalnetwork/claimstatus/v2/
token-url = http://127.0.0.1:$port/apip/auth/v2/token
query-config = $work/etc/claimkit.conf
batch-payers = 60054
batch-to = sftp://$(id -un)@127.0.0.1:$sport$work/remote/in/
EOF
chmod 600 "$work/etc/claimkit.conf" "$work/etc/sweep.conf"
cp "$src/scripts/claimkit-sweep" "$work/bin/"
for t in claim-age claim-query status-normalize pm-push; do ln -s "$bin/$t" "$work/bin/$t"; done

env -i PATH="/usr/bin:/bin" HOME="$work/home" CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret \
  timeout -k 5 50 "$work/bin/claimkit-sweep" --config "$work/etc/sweep.conf" "$work/export.csv" \
  </dev/null >"$work/out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$work/out"; cat "$work"/state/runs/*/*.stderr 2>/dev/null | head -20; fail "sweep exit $rc"; }

# The due claims of the export, each payer's, as claim-age sees them alone.
CLAIMKIT_CONFIG=$work/etc/claimkit.conf "$bin/claim-age" --as-of 2026-11-23 --due-only --format-in csv \
  --columns "$columns" "$work/export.csv" 2>"$work/age.err" |
  grep -o '"claim_id":"[^"]*","payer_id":"[^"]*"' | sed 's/"claim_id":"//; s/","payer_id":"/ /; s/"$//' | sort >"$work/due"
[ -s "$work/due" ] || { cat "$work/age.err"; fail "no due claims to compare with"; }
awk '$2 == "60054" { print $1 }' "$work/due" >"$work/want_batch"
awk '$2 != "60054" { print $1 }' "$work/due" >"$work/want_api"
[ -s "$work/want_batch" ] && [ -s "$work/want_api" ] || fail "the export should have due claims of both routes"

files=("$work"/remote/in/*.x12)
[ -f "${files[0]}" ] || fail "no 276 uploaded"
"$bin/x12-parse" "${files[@]}" | grep -o '"claim_id":"[^"]*"' | sed 's/"claim_id":"//; s/"$//' | sort >"$work/got_batch"
diff "$work/want_batch" "$work/got_batch" >/dev/null ||
  { diff "$work/want_batch" "$work/got_batch"; fail "the 276 holds other claims than the batch payer's due ones"; }
sqlite3 "$work/ledger.db" 'SELECT claim_id FROM claims ORDER BY claim_id' >"$work/got_api"
diff "$work/want_api" "$work/got_api" >/dev/null ||
  { diff "$work/want_api" "$work/got_api"; fail "the ledger holds other claims than the API payers' due ones"; }
grep -q ' steps=.*age-batch:0/.*build:0/.*send:0/' "$work/state/sweep.log" ||
  { cat "$work/state/sweep.log"; fail "log line lacks the batch steps"; }

# Half a route is a usage error, with the pointer to --help.
"$work/bin/claimkit-sweep" --to sqlite:"$work/x.db" --batch-payers 60054 "$work/export.csv" \
  </dev/null >"$work/out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "batch-payers without batch-to: exit $rc"
grep -q "^claimkit-sweep: --batch-payers needs --batch-to" "$work/out" || { cat "$work/out"; fail "message"; }
grep -q "^Try 'claimkit-sweep --help' for more information.$" "$work/out" || { cat "$work/out"; fail "no pointer to --help"; }
echo "ok: $(wc -l <"$work/want_batch") claim(s) by batch 276 over SFTP, $(wc -l <"$work/want_api") by the API"
