#!/usr/bin/env bash
# One default journal per target, shared by every entry point: a 277 inbox
# pushed to a loopback athenaOne by claimkit-inbox, then the same records
# replayed with plain pm-push (no --journal), then through a second inbox,
# write each note once; a sweep into a ledger and a plain pm-push replay into
# the same ledger (spelled another way) share one journal too (the ledger's own rows). Another
# practice is another journal; the one journal earlier versions shared is
# still read. The journal directory is 0700 and the file
# 0600; a journal directory or file that is a symbolic link is refused with
# exit 3 and one line.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in x12-parse status-normalize pm-push claim-query claim-age; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
for c in python3 flock sqlite3; do
  command -v "$c" >/dev/null || { echo "skipped: $c missing"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-push-journal.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work" || exit 1
# The scripts find the tools beside them, as when installed.
mkdir -p bin home
cp "$src/scripts/claimkit-inbox" "$src/scripts/claimkit-sweep" bin/
for t in x12-parse status-normalize pm-push claim-query claim-age; do ln -s "$bin/$t" "bin/$t"; done
export PATH="$work/bin:/usr/bin:/bin" HOME="$work/home" LC_ALL=C TZ=UTC
unset XDG_STATE_HOME XDG_CONFIG_HOME CLAIMKIT_CONFIG
jdir=$HOME/.local/state/claimkit/journal

start() {  # start SERVER PORTFILE ARGS...: a loopback fake, its port in PORTFILE
  local server=$1 portfile=$2
  shift 2
  python3 "$src/tests/servers/$server" --port-file "$portfile" "$@" >/dev/null &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
  [ -s "$portfile" ] || fail "$server did not start"
}
start fake_pm.py pm.port
pm=$(cat pm.port)
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$pm/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }

# athenaOne settings from the environment, as cron would set them (the same
# for every entry point); claim ids made numeric, as athenaOne's are.
export CLAIMKIT_ATHENA_CLIENT_ID=test-client CLAIMKIT_ATHENA_CLIENT_SECRET=test-secret
export CLAIMKIT_ATHENA_BASE_URL="http://127.0.0.1:$pm" CLAIMKIT_ATHENA_PRACTICE_ID=195900
mkdir -p inbox
sed 's/TRN\*2\*NW-/TRN*2*/' "$src/examples/x12/evergreen-status.277" >evergreen.277
cp evergreen.277 inbox/
x12-parse -q evergreen.277 | status-normalize -q >normalized.ndjson
n=$(grep -c '"type":"claim_status"' normalized.ndjson)
[ "$n" -ge 5 ] || fail "sample has $n claim statuses"

# 1. The inbox pushes every claim status as one note.
claimkit-inbox --to athena inbox >inbox.out 2>&1 || { cat inbox.out; fail "inbox exit $?"; }
in_done() { [ -n "$(find "$1/done" -type f -name "$2")" ]; }
in_done inbox evergreen.277 || { ls -R inbox; cat inbox.out; fail "file not in done/"; }
[ "$(stats 'len(d["notes"])')" = "$n" ] || fail "inbox wrote $(stats 'len(d["notes"])') notes, want $n"
writes=$(stats 'd["writes"]')
[ "$(find "$jdir" -name 'athena-*.journal' | wc -l)" = 1 ] || fail "no default athena journal: $(find "$HOME" -type f)"
[ -z "$(find inbox -name '*journal*')" ] || fail "the inbox made its own journal"
[ "$(stat -c %a "$jdir")" = 700 ] || fail "journal directory mode $(stat -c %a "$jdir")"
[ "$(stat -c %a "$HOME/.local/state/claimkit")" = 700 ] || fail "claimkit state directory mode"
[ "$(stat -c %a "$jdir"/athena-*.journal)" = 600 ] || fail "journal mode"
aj=$(ls "$jdir"/athena-*.journal)

# 2. A plain pm-push replay, no --journal: every note already written.
pm-push --to athena normalized.ndjson >replay.out 2>replay.err || { cat replay.err; fail "replay exit $?"; }
[ "$(grep -c '"result":"duplicate"' replay.out)" = "$n" ] || { cat replay.out; fail "replay not all duplicate"; }
[ "$(grep -c '"message":"already pushed (journal)"' replay.out)" = "$n" ] || fail "replay duplicates not from the journal"
[ "$(stats 'd["writes"]')" = "$writes" ] || fail "replay sent a note again"
# The same target spelled with a trailing slash and given on the command line.
pm-push -q --to athena --base-url "http://127.0.0.1:$pm/" --practice-id 195900 normalized.ndjson >replay2.out ||
  fail "replay 2 exit $?"
[ "$(grep -c '"result":"duplicate"' replay2.out)" = "$n" ] || fail "replay 2 not all duplicate"
# A second inbox receiving the same file: the journal is per target, not per inbox.
mkdir -p inbox2
cp evergreen.277 inbox2/copy.277
claimkit-inbox --to athena inbox2 >inbox2.out 2>&1 || { cat inbox2.out; fail "second inbox exit $?"; }
in_done inbox2 copy.277 || fail "second inbox: file not in done/"
[ "$(stats 'd["writes"]')" = "$writes" ] || fail "the second inbox sent a note again"
[ "$(stats 'len(d["notes"])')" = "$n" ] || fail "notes $(stats 'len(d["notes"])'), want $n"
# --journal still overrides: a fresh journal knows nothing, and the inbox
# passes it on (here to a dry run, which sends nothing).
pm-push -q --to athena --journal own.journal --dry-run normalized.ndjson >dry.out || fail "dry run exit $?"
[ "$(grep -c '"would":"send"' dry.out)" = "$n" ] || fail "--journal override not used"

# 3. Another practice is another target and another journal (a second fake:
# the first refuses any practice but its own, as athenaOne does).
start fake_pm.py pm2.port --practice-id 195901
CLAIMKIT_ATHENA_BASE_URL="http://127.0.0.1:$(cat pm2.port)" CLAIMKIT_ATHENA_PRACTICE_ID=195901 \
  pm-push -q --to athena normalized.ndjson >other.out || fail "other practice exit $?"
[ "$(grep -c '"result":"applied"' other.out)" = "$n" ] || fail "another practice shared the journal"
[ "$(find "$jdir" -name 'athena-*.journal' | wc -l)" = 2 ] || fail "want two athena journals"

# The single default journal of earlier versions is still read (not written):
# what was pushed through it before an upgrade is not sent again.
old=$HOME/.local/state/claimkit/pm-push.journal
start fake_pm.py pm3.port --practice-id 195902
export CLAIMKIT_ATHENA_BASE_URL="http://127.0.0.1:$(cat pm3.port)"
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$(cat pm3.port)/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }
CLAIMKIT_ATHENA_PRACTICE_ID=195902 pm-push -q --to athena --journal "$old" normalized.ndjson >old1.out ||
  fail "earlier journal exit $?"
before=$(stats 'd["writes"]')
CLAIMKIT_ATHENA_PRACTICE_ID=195902 pm-push -q --to athena normalized.ndjson >old2.out || fail "after upgrade exit $?"
[ "$(grep -c '"message":"already pushed (journal)"' old2.out)" = "$n" ] || fail "the earlier journal was not read"
[ "$(stats 'd["writes"]')" = "$before" ] || fail "notes sent again after an upgrade"
export CLAIMKIT_ATHENA_BASE_URL="http://127.0.0.1:$pm"
stats() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen('http://127.0.0.1:$pm/_stats', timeout=5)); print(eval(sys.argv[1]))" "$1"; }

# 4. claimkit-sweep into a ledger, then a plain pm-push replay into the same
#    ledger spelled another way: the journal already has every status.
start fake_clearinghouse.py ch.port --lifetime 55 --flavour optum
ch=$(cat ch.port)
mkdir -p sweep/db etc
columns='claim_id=Claim #,payer_id=Payer ID,payer_name=Payer,provider.npi=Billing NPI,provider.name=Billing Provider,subscriber.member_id=Member ID,subscriber.first_name=Patient First,subscriber.last_name=Patient Last,subscriber.dob=DOB,service_from=DOS,billed_amount=Charges,submitted_date=Submitted,last_checked=Last Checked,state=Status'
cat >etc/sweep.conf <<EOF
to = sqlite:$work/sweep/db/ledger.db
work-dir = $work/sweep/state
columns = $columns
as-of = 2026-11-23
url = http://127.0.0.1:$ch/medicalnetwork/claimstatus/v2/
token-url = http://127.0.0.1:$ch/apip/auth/v2/token
EOF
chmod 600 etc/sweep.conf
CLAIMKIT_OPTUM_CLIENT_ID=test-client CLAIMKIT_OPTUM_CLIENT_SECRET=test-secret \
  claimkit-sweep --config etc/sweep.conf "$src/examples/sweep/open-claims.csv" </dev/null >sweep.out 2>&1 ||
  { cat sweep.out; fail "sweep exit $?"; }
swept=$(ls sweep/state/runs/*/normalized.ndjson)
m=$(grep -c '"type":"claim_status"' "$swept")
[ "$m" -ge 1 ] || fail "the sweep pushed nothing"
# The sqlite target keeps its marks in the ledger, shared the same way.
[ "$(find "$jdir" -name 'sqlite-*.journal' | wc -l)" = 0 ] || fail "a sqlite journal file was made"
[ "$(sqlite3 sweep/db/ledger.db "SELECT count(DISTINCT key) FROM status_history")" = "$m" ] ||
  fail "not every status in the ledger"
[ -z "$(find sweep/state -name '*journal*')" ] || fail "the sweep made its own journal"
ln -s "$work/sweep/db" dblink
(cd sweep && pm-push --to sqlite:../dblink/ledger.db "../$swept") >sweep-replay.out 2>&1 ||
  { cat sweep-replay.out; fail "sweep replay exit $?"; }
[ "$(grep -c '"message":"already pushed (journal)"' sweep-replay.out)" = "$m" ] ||
  { cat sweep-replay.out; fail "sweep and pm-push do not share the journal"; }
[ "$(find "$jdir" -name 'sqlite-*.journal' | wc -l)" = 0 ] || fail "a sqlite journal file for the same ledger"

# 5. Hostile journal locations: refused, exit 3, one line, nothing sent.
before=$(stats 'd["writes"]')
# refused WHAT MESSAGE: pm-push stops at once, exit 3, MESSAGE as its one line.
refused() {
  pm-push --to athena normalized.ndjson >refused.out 2>refused.err
  local code=$?
  [ "$code" = 3 ] || fail "$1: exit $code"
  [ "$(wc -l <refused.err)" = 1 ] && [ "$(cat refused.err)" = "$2" ] || { cat refused.err; fail "$1: message"; }
  [ -s refused.out ] && fail "$1: output despite a refused journal"
  return 0
}
mv "$jdir" "$work/jreal"
ln -s "$work/jreal" "$jdir"
refused "symlinked journal directory" "pm-push: journal directory $jdir: is a symbolic link; refused"
rm "$jdir"
mv "$work/jreal" "$jdir"
mv "$aj" "$work/moved.journal"
ln -s "$work/moved.journal" "$aj"
refused "symlinked journal file" "pm-push: journal $aj: is a symbolic link; refused"
[ "$(stats 'd["writes"]')" = "$before" ] || fail "notes were sent past a refused journal"
echo ok
