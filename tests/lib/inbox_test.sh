# Sourced by the claimkit-inbox script tests (after set -u, with CLAIMKIT_BIN
# and CLAIMKIT_SOURCE_DIR set): bin and src, fail, and inbox_setup.

bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd)
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
fail() { echo "FAIL: $*"; exit 1; }

# inbox_setup NAME [COMMAND...]: skips the test (exit 77) unless the tools
# and the COMMANDs are there; makes the scratch directory $work (the caller
# removes it) with the script beside links to the tools in $work/bin, as an
# installed kit has them, and $work/home for HOME.
inbox_setup() {
  local name=$1 t
  shift
  for t in x12-parse status-normalize pm-push; do
    [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }
  done
  for t in flock "$@"; do command -v "$t" >/dev/null || { echo "skipped: no $t"; exit 77; }; done
  work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-$name.XXXXXX") || exit 1
  mkdir -p "$work/bin" "$work/home"
  cp "$src/scripts/claimkit-inbox" "$work/bin/"
  for t in x12-parse status-normalize pm-push claim-query; do
    [ -x "$bin/$t" ] && ln -s "$bin/$t" "$work/bin/$t"
  done
  return 0
}
