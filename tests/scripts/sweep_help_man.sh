#!/usr/bin/env bash
# The cron scripts' --help and their man pages list the same options, checked
# by the same test that checks the tools (help_matches_man.sh), run over a
# directory holding only the two scripts; and both pages are lint-clean.
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-script-help.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
for s in claimkit-sweep claimkit-inbox; do ln -s "$src/scripts/$s" "$work/bin/$s"; done
out=$(CLAIMKIT_BIN=$work/bin bash "$src/tests/scripts/help_matches_man.sh" 2>&1)
rc=$?
grep -v '^skip ' <<<"$out"
[ $rc -eq 0 ] || exit 1
for s in claimkit-sweep claimkit-inbox; do
  grep -q "^ok $s:" <<<"$out" || { echo "FAIL: $s not checked"; exit 1; }
  v=$("$work/bin/$s" --version) && grep -q "^$s (claimkit) [0-9]" <<<"$v" || { echo "FAIL: $s --version"; exit 1; }
done
if command -v mandoc >/dev/null; then
  for s in claimkit-sweep claimkit-inbox; do
    lint=$(mandoc -Tlint -W warning "$src/man/$s.1" 2>&1) && [ -z "$lint" ] || { echo "FAIL: man/$s.1: $lint"; exit 1; }
  done
fi
