#!/usr/bin/env bash
# The runnable EXAMPLES of claimkit-inbox(1) and claimkit-sweep(1), run by the
# same test that runs the tools' examples (man_examples.sh), over a source
# view holding only these two pages and with the scripts beside the tools.
set -u
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
for t in x12-parse status-normalize pm-push; do
  [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-script-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/man" "$work/bin"
cp "$src/man/claimkit-inbox.1" "$src/man/claimkit-sweep.1" "$work/src/man/"
cp -R "$src/examples" "$work/src/examples"
for t in "$bin"/*; do ln -s "$t" "$work/bin/"; done
for s in claimkit-sweep claimkit-inbox; do ln -s "$src/scripts/$s" "$work/bin/$s"; done
CLAIMKIT_SOURCE_DIR=$work/src CLAIMKIT_BIN=$work/bin bash "$src/tests/scripts/man_examples.sh"
