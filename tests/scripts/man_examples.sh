#!/usr/bin/env bash
# Runs the EXAMPLES of every man page whose tool is built, so the manual
# cannot promise what the tools do not do. An example is a line starting with
# "$ " inside .EX/.EE in the EXAMPLES section (roff escapes undone; a trailing
# backslash continues it on the next line). The examples of one page run in
# order, in one scratch copy of examples/, with the built tools first on PATH,
# LC_ALL=C TZ=UTC, HOME in the scratch area, stdin /dev/null, 30 s each, and
# pipefail (a failing first stage fails the example); each must exit 0, or N
# when the line right before it is the comment `.\" exit: N`. An example that
# calls a claimkit tool which is not built yet is skipped.
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd) || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-man-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Prints "LINE<TAB>EXIT<TAB>COMMAND" for each example of the page on stdin.
extract() {
  awk '
    function rep(s, a, b,    out, i) {
      out = ""
      while ((i = index(s, a)) > 0) { out = out substr(s, 1, i - 1) b; s = substr(s, i + length(a)) }
      return out s
    }
    function esc(a, b) { from[++n] = a; to[n] = b }
    BEGIN {
      # Glyphs a command may need, then escapes that print nothing or a space.
      esc("\\-", "-"); esc("\\(aq", "\047"); esc("\\[aq]", "\047"); esc("\\(dq", "\"")
      esc("\\[dq]", "\""); esc("\\(ga", "`"); esc("\\[ga]", "`"); esc("\\(ti", "~")
      esc("\\[ti]", "~"); esc("\\(ha", "^"); esc("\\[ha]", "^"); esc("\\(rs", "\001")
      esc("\\[rs]", "\001"); esc("\\(Do", "$"); esc("\\[Do]", "$"); esc("\\(ba", "|")
      esc("\\[ba]", "|"); esc("\\(bv", "|"); esc("\\(sl", "/"); esc("\\.", ".")
      esc("\\~", " "); esc("\\ ", " "); esc("\\0", " ")
      esc("\\&", ""); esc("\\)", ""); esc("\\|", ""); esc("\\^", ""); esc("\\/", "")
      esc("\\,", ""); esc("\\%", "")
      esc("\\f(CW", ""); esc("\\f(CR", ""); esc("\\f(CB", ""); esc("\\f[]", "")
      esc("\\f[B]", ""); esc("\\f[I]", ""); esc("\\f[R]", ""); esc("\\f[P]", "")
      esc("\\f[CW]", ""); esc("\\f[CR]", ""); esc("\\f[CB]", "")
      esc("\\fB", ""); esc("\\fI", ""); esc("\\fR", ""); esc("\\fP", ""); esc("\\fC", "")
    }
    function unroff(s,    i) {
      s = rep(s, "\\\\", "\001")
      if ((i = index(s, "\\\"")) > 0) {  # a trailing roff comment
        s = substr(s, 1, i - 1)
        sub(/[ \t]+$/, "", s)
      }
      for (i = 1; i <= n; i++) s = rep(s, from[i], to[i])
      s = rep(s, "\\e", "\001")
      return rep(s, "\001", "\\")
    }
    /^\.SH/ {
      t = $0; sub(/^\.SH[ \t]*/, "", t); gsub(/"/, "", t); sub(/[ \t]+$/, "", t)
      if (cont) emit()
      section = t; in_ex = 0; pending = ""; next
    }
    section != "EXAMPLES" { next }
    /^\.EX/ { in_ex = 1; pending = ""; next }
    /^\.EE/ { if (cont) emit(); in_ex = 0; pending = ""; next }
    !in_ex { next }
    /^[.\047][ \t]*\\"/ {
      if (match($0, /exit:[ \t]*[0-9]+/)) { e = substr($0, RSTART, RLENGTH); sub(/exit:[ \t]*/, "", e); pending = e }
      next
    }
    /^[.\047]/ { pending = ""; next }
    {
      text = unroff($0)
      if (cont) {
        sub(/^> /, "", text)
        cmd = cmd text
      } else if (substr(text, 1, 2) == "$ ") {
        cmd = substr(text, 3); start = NR; want = (pending == "" ? 0 : pending)
      } else {
        pending = ""; next
      }
      pending = ""
      # An odd number of trailing backslashes continues the line, as in sh.
      for (k = length(cmd); k > 0 && substr(cmd, k, 1) == "\\"; k--) {}
      cont = (length(cmd) - k) % 2
      if (cont) { cmd = substr(cmd, 1, length(cmd) - 1); next }
      emit()
    }
    function emit() { printf "%d\t%d\t%s\n", start, want, cmd; cont = 0 }
  '
}

# The extractor checks itself first, so a different awk cannot quietly make
# it find nothing.
sample='.SH EXAMPLES
.EX
.\" exit: 3
$ printf \(aq%s\en\(aq \fB\-\-x\fR "\(dqa\(dq" \e
>   | wc \-l   \" a comment
shown output
$ echo \-\e\e
.EE'
want=$(printf '4\t3\tprintf %s %s "%s"   | wc -l\n7\t0\techo -%s' "'%s\\n'" "--x" '"a"' '\\')
got=$(extract <<<"$sample")
if [ "$got" != "$want" ]; then
  echo "FAIL: example extraction self-check"
  diff <(echo "$want") <(echo "$got")
  exit 1
fi

# Tools of the kit that are not built: examples naming one are skipped.
missing=()
for cpp in "$src"/tools/*.cpp; do
  [ -e "$cpp" ] || continue
  t=$(basename "$cpp" .cpp)
  [ -x "$bin/$t" ] || missing+=("$t")
done

pages=0 ran=0 failed=0 skipped=0
for page in "$src"/man/*.1; do
  [ -e "$page" ] || continue
  tool=$(basename "$page" .1)
  if [ ! -x "$bin/$tool" ]; then
    echo "skip man/$tool.1: $tool not built"
    continue
  fi
  extract <"$page" >"$work/examples.tsv"
  if [ ! -s "$work/examples.tsv" ]; then
    echo "note: man/$tool.1 has no runnable example"
    continue
  fi
  pages=$((pages + 1))
  scratch=$work/run-$tool
  mkdir -p "$scratch/home"
  if [ -d "$src/examples" ]; then cp -R "$src/examples" "$scratch/cwd"; else mkdir "$scratch/cwd"; fi
  while IFS=$'\t' read -r line want cmd; do
    absent=""
    for t in "${missing[@]}"; do
      if grep -qw -- "$t" <<<"$cmd"; then absent=$t; break; fi
    done
    if [ -n "$absent" ]; then
      echo "skip man/$tool.1:$line: needs $absent, not built"
      skipped=$((skipped + 1))
      continue
    fi
    ran=$((ran + 1))
    (
      cd "$scratch/cwd" || exit 1
      exec env -u CLAIMKIT_COMPLETION -u CLAIMKIT_CONFIG -u XDG_CONFIG_HOME -u XDG_STATE_HOME \
        -u XDG_DATA_HOME -u XDG_CACHE_HOME PATH="$bin:$PATH" LC_ALL=C TZ=UTC HOME="$scratch/home" \
        timeout -k 5 30 bash -o pipefail -c "$cmd" </dev/null >"$scratch/out" 2>"$scratch/err"
    )
    code=$?
    if [ "$code" -ne "$want" ]; then
      failed=$((failed + 1))
      if [ "$code" -eq 124 ]; then why="timed out after 30 s"; else why="exit $code, want $want"; fi
      echo "FAIL man/$tool.1:$line: $why"
      echo "  \$ $cmd"
      sed -n '1,20s/^/  stderr: /p' "$scratch/err"
      [ -s "$scratch/err" ] || sed -n '1,10s/^/  stdout: /p' "$scratch/out"
    fi
  done <"$work/examples.tsv"
done

if [ "$ran" -eq 0 ]; then
  echo "skipped: no runnable man page examples"
  exit 77
fi
echo "ran $ran example(s) from $pages man page(s), $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
