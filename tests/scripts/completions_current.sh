#!/usr/bin/env bash
# The committed completions/ must be what the built tools generate today:
# regenerates them into a scratch directory and fails on any difference (run
# scripts/gen-completions and commit to fix). Also checks that the scripts
# parse in each shell that is installed, and that the bash ones complete.
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-completions.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail=0
problem() { echo "FAIL: $*"; fail=1; }

if ! bash "$src/scripts/gen-completions" -o "$work/new" "$(dirname "$bin")" 2>"$work/gen.err"; then
  cat "$work/gen.err"
  problem "scripts/gen-completions failed"
fi

# The file each shell's completion lives in, relative to completions/.
paths() { echo "bash/$1 zsh/_$1 fish/$1.fish"; }

built=0
for cpp in "$src"/tools/*.cpp; do
  [ -e "$cpp" ] || continue
  tool=$(basename "$cpp" .cpp)
  if [ ! -x "$bin/$tool" ]; then
    echo "skip $tool: not built"
    continue
  fi
  built=$((built + 1))
  for p in $(paths "$tool"); do
    if [ ! -f "$src/completions/$p" ]; then
      problem "completions/$p is missing (run scripts/gen-completions and commit it)"
    elif ! diff -u "$src/completions/$p" "$work/new/$p" >"$work/diff"; then
      problem "completions/$p differs from what $tool generates (run scripts/gen-completions and commit it):"
      head -n 60 "$work/diff"
    fi
  done
done
if [ "$built" -eq 0 ]; then
  echo "skipped: no tool built in $bin"
  exit 77
fi

# An unknown shell is a usage error, with nothing on stdout.
for cpp in "$src"/tools/*.cpp; do
  tool=$(basename "$cpp" .cpp)
  [ -x "$bin/$tool" ] || continue
  CLAIMKIT_COMPLETION=tcsh "$bin/$tool" >"$work/out" 2>"$work/err" </dev/null
  code=$?
  [ "$code" -eq 2 ] || problem "CLAIMKIT_COMPLETION=tcsh $tool: exit $code, want 2"
  [ -s "$work/out" ] && problem "CLAIMKIT_COMPLETION=tcsh $tool: wrote to stdout"
  grep -q "^$tool: unknown completion shell 'tcsh' (want bash, zsh or fish)\$" "$work/err" ||
    problem "CLAIMKIT_COMPLETION=tcsh $tool: unexpected stderr: $(head -c 300 "$work/err")"
  break
done

# Completions for tools that no longer exist.
for f in "$src"/completions/bash/* "$src"/completions/zsh/_* "$src"/completions/fish/*.fish; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  name=${name#_}
  name=${name%.fish}
  [ -e "$src/tools/$name.cpp" ] || problem "${f#"$src"/}: no tool $name in tools/"
done

# Each file must at least parse in its shell; bash ones must also answer.
for f in "$src"/completions/bash/* "$work"/new/bash/*; do
  [ -e "$f" ] || continue
  bash -n "$f" || problem "bash -n ${f#"$work"/new/}"
done
for f in "$work"/new/bash/*; do
  [ -e "$f" ] || continue
  tool=$(basename "$f")
  got=$(bash -c '
    source "$1" || exit 1
    complete -p "$2" >/dev/null || exit 1
    fn=$(complete -p "$2" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
    COMP_WORDS=("$2" --); COMP_CWORD=1; COMPREPLY=()
    "$fn"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$f" "$tool" 2>&1)
  grep -qx -- '--help' <<<"$got" || problem "bash completion of '$tool --' does not offer --help: $got"
done
if command -v zsh >/dev/null; then
  for f in "$work"/new/zsh/_*; do
    [ -e "$f" ] || continue
    zsh -n "$f" || problem "zsh -n ${f#"$work"/new/}"
  done
else
  # The generated zsh code keeps to syntax bash also parses, which still
  # catches quoting mistakes.
  echo "note: zsh not installed, zsh files checked with bash -n only"
  for f in "$work"/new/zsh/_*; do
    [ -e "$f" ] || continue
    bash -n "$f" || problem "bash -n ${f#"$work"/new/}"
  done
fi
if command -v fish >/dev/null; then
  for f in "$work"/new/fish/*.fish; do
    [ -e "$f" ] || continue
    fish -n "$f" || problem "fish -n ${f#"$work"/new/}"
  done
else
  echo "note: fish not installed, fish syntax not checked"
fi

[ "$fail" -eq 0 ] && echo "completions of $built tool(s) are current"
exit "$fail"
