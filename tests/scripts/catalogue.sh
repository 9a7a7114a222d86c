#!/usr/bin/env bash
# Runs the bad-input catalogue (tests/catalogue/{x12,ndjson}/*, written by
# tests/catalogue/generate). Each case must: end within 10 s, not crash (no
# signal, no exit >= 5), exit with the expected code, print each line of
# expect-err on stderr and each line of expect-out on stdout (the valid records
# around the bad one), never echo a CANARY value on stderr, and never report
# a finding in the good files read before and after the bad one.
# Usage: catalogue.sh [PATTERN]  (only cases whose directory matches PATTERN)
set -u
src=${CLAIMKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN is not set}" && pwd)
pattern=${1:-}
for tool in x12-parse status-normalize claim-age pm-push; do
  [ -x "$bin/$tool" ] || { echo "catalogue: $bin/$tool missing"; exit 1; }
done
export LC_ALL=C TZ=UTC NO_COLOR=1 PATH="$bin:$PATH" XDG_STATE_HOME XDG_CONFIG_HOME
scratch=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-catalogue.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
XDG_STATE_HOME=$scratch/state XDG_CONFIG_HOME=$scratch/config
passed=0 failed=0 failures=()
for dir in "$src"/tests/catalogue/x12/*/ "$src"/tests/catalogue/ndjson/*/; do
  dir=${dir%/}
  name=${dir#"$src/tests/catalogue/"}
  [ -n "$pattern" ] && [[ "$name" != *$pattern* ]] && continue
  work=$scratch/case
  rm -rf "$work" && mkdir -p "$work" && cp -R "$dir"/. "$work"/
  (cd "$work" && timeout -k 2 10 bash ./cmd </dev/null >"$scratch/out" 2>"$scratch/err")
  code=$?
  want=$(cat "$dir/exit")
  why=()
  if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then why+=("hang: no exit within 10 s")
  elif [ "$code" -ge 5 ]; then why+=("crash: exit $code")
  elif [ "$code" != "$want" ]; then why+=("exit $code, want $want")
  fi
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    grep -qF -- "$line" "$scratch/err" || why+=("stderr lacks: $line")
  done <"$dir/expect-err"
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    grep -qF -- "$line" "$scratch/out" || why+=("stdout lacks: $line")
  done <"$dir/expect-out"
  # A sanitizer build (-DCLAIMKIT_SANITIZE=ON) reports memory errors and undefined behaviour here.
  grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$scratch/err" && why+=("crash: sanitizer report")
  grep -q CANARY "$scratch/err" && why+=("stderr shows a CANARY value")
  # The good files read before and after the bad one stay clean.
  grep -qE '(before|after)\.x12' "$scratch/err" && why+=("a finding names a good file")
  if [ ${#why[@]} -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name"
    for w in "${why[@]}"; do echo "  $w"; done
    head -c 600 "$scratch/err" | sed 's/^/  | /'
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
