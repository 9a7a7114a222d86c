#!/usr/bin/env bash
# Attack: a file on the server whose name is longer than the local file
# system allows (or is one of the inbox's own directory names). Before the
# fix the download of it failed with exit 3 and stopped every later file, run
# after run. Now it is fetched into INBOX/quarantine/ID/file under a
# generated name, its original name kept (JSON) beside it and in the fetch
# record; the other files are fetched; the next run fetches nothing again.
# Also: a file that was fetched and then delivered again with another size (an
# intact copy of a cut-off download) is fetched again.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
. "$src/tests/lib/loopback_sshd.sh"
need_test_sshd
[ -x "$bin/claim-query" ] || { echo "skipped: claim-query not built"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-fetch-long.XXXXXX")
sshd_pid=
trap 'stop_test_sshd; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; [ -f "$work/sshd.log" ] && tail -5 "$work/sshd.log"; exit 1; }

start_test_sshd "$work" || fail "sshd did not start and listen within 10 s"

mkdir -p "$work/remote" "$work/inbox"
long=$(printf 'x%.0s' $(seq 1 251)).277   # 255 bytes: fine on the server, too long for .NAME.part here
printf 'ISA*a~\n' >"$work/remote/a.277"
printf 'ISA*long name~\n' >"$work/remote/$long"
printf 'ISA*named work~\n' >"$work/remote/work"
printf 'ISA*z~\n' >"$work/remote/z.277"
fetch() {
  env -i PATH=/usr/bin:/bin CLAIMKIT_CONFIG=/nonexistent timeout -k 5 60 "$bin/claim-query" fetch \
    "sftp://$(id -un)@127.0.0.1:$port$work/remote/" --into "$work/inbox" --identity "$work/user_key" \
    --known-hosts "$work/known_hosts" --errors "$work/errors.ndjson" "$@"
}
fetch >"$work/out1" 2>"$work/err1"
rc=$?
[ $rc -eq 0 ] || { cat "$work/err1"; fail "exit $rc, want 0: an odd name must not stop the others"; }
cmp -s "$work/remote/a.277" "$work/inbox/a.277" && cmp -s "$work/remote/z.277" "$work/inbox/z.277" ||
  fail "the other files were not fetched"
[ "$(find "$work/inbox/quarantine" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 2 ] ||
  { ls -laR "$work/inbox"; fail "want two quarantined files"; }
python3 - "$work/inbox" "$long" "$work/remote" <<'PY' || fail "quarantine and record"
import json, os, sys
inbox, long_name, remote = sys.argv[1:]
q = os.path.join(inbox, "quarantine")
got = {}
for d in os.listdir(q):
    assert d.startswith("q-"), d
    rec = json.loads(open(os.path.join(q, d, "name")).read())
    data = open(os.path.join(q, d, "file"), "rb").read()
    assert data == open(os.path.join(remote, rec["name"]), "rb").read(), rec
    got[rec["name"]] = rec
assert set(got) == {long_name, "work"}, set(got)
assert "longer" in got[long_name]["quarantined"] and "directories" in got["work"]["quarantined"], got
names = [json.loads(l)["name"] for l in open(os.path.join(inbox, ".claimkit-fetched"))]
assert sorted(names) == sorted(["a.277", "z.277", long_name, "work"]), names
PY
[ "$(grep -c '"quarantined":' "$work/out1")" -eq 2 ] || { cat "$work/out1"; fail "transfer lines do not say quarantined"; }
[ "$(grep -c 'cannot be used locally' "$work/err1")" -eq 2 ] || { cat "$work/err1"; fail "no warning about the quarantined names"; }

# Again: nothing new.
fetch >"$work/out2" 2>"$work/err2"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/out2" ] || { cat "$work/out2" "$work/err2"; fail "second run: exit $rc or fetched again"; }

# The same name with another size (the intact copy of a cut-off file) is new.
mv "$work/inbox/a.277" "$work/a.277.processed"
printf 'ISA*a, complete this time~\n' >"$work/remote/a.277"
fetch >"$work/out3" 2>"$work/err3"
rc=$?
[ $rc -eq 0 ] || { cat "$work/err3"; fail "third run exit $rc"; }
cmp -s "$work/remote/a.277" "$work/inbox/a.277" || fail "an intact copy with another size was not fetched"
[ "$(wc -l <"$work/out3")" -eq 1 ] || { cat "$work/out3"; fail "only a.277 should be fetched again"; }
echo "ok: long and reserved remote names quarantined without stopping the others"
