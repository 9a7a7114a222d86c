#!/usr/bin/env bash
# Every long option a built tool's --help lists (and each subcommand's
# `tool SUB --help`) must be documented in its man page, and every option the
# man page documents must exist. An option is documented by an entry in the
# OPTIONS section (or a COMMANDS section, or any section whose title ends in
# OPTIONS): the tag line of .TP/.TQ/.IP, or a line starting with the option in
# bold (.B, .BR, .BI, \fB).
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-help-man.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Long options and subcommand names from CLI11 help text on stdin:
# "opt --name" and "sub NAME" lines.
help_items() {
  awk '
    /^[^ \t].*:$/ { section = $0; next }
    /^[^ \t]/ { section = ""; next }
    section == "" || section == "Examples:" || section == "Positionals:" { next }
    section == "Subcommands:" && /^  [^ -]/ { print "sub " $1; next }
    /^  +-/ {
      names = $1
      n = split(names, part, ",")
      for (i = 1; i <= n; i++) {
        if (match(part[i], /^--[A-Za-z0-9][A-Za-z0-9_-]*/)) print "opt " substr(part[i], RSTART, RLENGTH)
      }
    }
  '
}

# Collects the options of `tool ARGS... --help` and, recursively, of its subcommands.
collect_help() {
  local out=$1
  shift
  local text
  if ! text=$(timeout 10 "$@" --help </dev/null 2>&1); then
    echo "FAIL: '$*' --help failed" >>"$work/errors"
    return
  fi
  local items
  items=$(help_items <<<"$text")
  sed -n 's/^opt //p' <<<"$items" >>"$out"
  local sub
  for sub in $(sed -n 's/^sub //p' <<<"$items"); do
    collect_help "$out" "$@" "$sub"
  done
}

# Long options documented in a man page (see the header).
man_options() {
  awk '
    function rep(s, a, b,    out, i) {
      out = ""
      while ((i = index(s, a)) > 0) { out = out substr(s, 1, i - 1) b; s = substr(s, i + length(a)) }
      return out s
    }
    function emit(s,    t) {
      s = rep(s, "\\-", "-"); s = rep(s, "\\%", ""); s = rep(s, "\\&", "")
      while (match(s, /--[A-Za-z0-9][A-Za-z0-9_-]*/)) {
        print substr(s, RSTART, RLENGTH)
        s = substr(s, RSTART + RLENGTH)
      }
    }
    # Only the start of a tag line names options; the rest may mention others.
    function emit_leading(s,    t) {
      t = s
      sub(/^\.(B|BR|BI|IR|RB|I)[ \t]+/, "", t)
      t = rep(t, "\\fB", ""); t = rep(t, "\\fR", ""); t = rep(t, "\\fP", ""); t = rep(t, "\\fI", "")
      t = rep(t, "\"", "")
      if (t ~ /^\\-/) emit(s)
    }
    /^\.SH/ {
      t = $0; sub(/^\.SH[ \t]*/, "", t); gsub(/"/, "", t); sub(/[ \t]+$/, "", t)
      in_opts = (t ~ /OPTIONS$/ || t == "COMMANDS" || t == "SUBCOMMANDS"); tag = 0; next
    }
    !in_opts { next }
    /^\.(TP|TQ)/ { tag = 1; next }
    /^\.PD/ || /^\.[ \t]*\\"/ { next }
    /^\.IP/ { sub(/^\.IP[ \t]*/, ""); emit_leading($0); tag = 0; next }
    tag { emit($0); tag = 0; next }
    /^\.(B|BR|BI)[ \t]/ || /^\\fB/ { emit_leading($0) }
  '
}

fail=0 checked=0
: >"$work/errors"
for page in "$src"/man/*.1; do
  [ -e "$page" ] || continue
  tool=$(basename "$page" .1)
  if [ ! -x "$bin/$tool" ]; then
    echo "skip $tool: not built"
    continue
  fi
  checked=$((checked + 1))
  : >"$work/help"
  collect_help "$work/help" "$bin/$tool"
  sort -u "$work/help" -o "$work/help"
  man_options <"$page" | sort -u >"$work/man"
  undocumented=$(comm -23 "$work/help" "$work/man")
  unknown=$(comm -13 "$work/help" "$work/man")
  if [ -n "$undocumented" ]; then
    echo "FAIL man/$tool.1: in --help but not documented in OPTIONS:" $undocumented
    fail=1
  fi
  if [ -n "$unknown" ]; then
    echo "FAIL man/$tool.1: documented in OPTIONS but not in --help:" $unknown
    fail=1
  fi
  [ -z "$undocumented$unknown" ] && echo "ok $tool: $(wc -l <"$work/help") long options match"
done
if [ -s "$work/errors" ]; then
  cat "$work/errors"
  fail=1
fi
if [ "$checked" -eq 0 ]; then
  echo "skipped: no built tool has a man page"
  exit 77
fi
exit "$fail"
