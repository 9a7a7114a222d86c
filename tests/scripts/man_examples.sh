#!/usr/bin/env bash
# Runs the EXAMPLES of every man page (man/*.1, man/*.7) and checks what each
# prints, so the manual cannot promise what the tools do not do.
#
# The convention, for whoever writes a page (also in README.md, Tests):
# - An example is a line starting with "$ " inside .EX/.EE in the EXAMPLES
#   section (a trailing backslash continues it on the next line, which may
#   start with "> "). Lines of a block with no "$ " line are shown, not run.
#   Commands and output are compared with roff escapes undone (\-, \e, \(aq,
#   \[u2026] ...).
# - The lines after the command, up to the next "$ " line, a roff request
#   (comments aside) or .EE, are its output: its standard output followed by
#   its standard error, compared line by line (trailing blanks and the CR of
#   a CRLF line end ignored). No lines shown: it must print nothing at all.
# - A line that is exactly "..." matches any number of lines (none too), and
#   "..." inside a line matches any text within that line, so long records
#   and tables can be trimmed; everything else must match exactly.
# - The comment `.\" exit: N` on a line before the command: it must exit N
#   (else 0). The comment `.\" output: unchecked`: its output is not compared,
#   for output that truly varies from run to run (none should; fix the date
#   with --as-of or --date instead).
# - Text after a command's output that is not a command is an error, so no
#   shown line goes unchecked.
# The examples of one page run in order, in one scratch copy of examples/,
# with the built tools first on PATH, LC_ALL=C TZ=UTC, HOME in the scratch
# area, stdin /dev/null, 30 s each, and pipefail (a failing first stage fails
# the example). An example that calls a claimkit tool or script that is not
# built (not in CLAIMKIT_BIN), or sqlite3 when it is not installed, is
# skipped, and so is a page named after a tool that is not built.
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
bin=$(cd "${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}" && pwd) || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-man-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Reads a page on stdin and prints its examples, one record a line:
#   cmd<TAB>LINE<TAB>EXIT<TAB>CHECKED<TAB>COMMAND   (CHECKED: 1, or 0 when unchecked)
#   out<TAB>LINE<TAB>TEXT                           (a shown output line of the last cmd)
#   err<TAB>LINE<TAB>MESSAGE                        (a malformed example)
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
    # \[uXXXX] (a Unicode glyph, such as the ellipsis a table cuts with) as UTF-8.
    function utf8(hex,    c, i) {
      c = 0
      for (i = 1; i <= 4; i++) c = c * 16 + index("0123456789ABCDEF", substr(hex, i, 1)) - 1
      if (c < 128) return sprintf("%c", c)
      if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
      return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
    }
    function unroff(s,    i) {
      s = rep(s, "\\\\", "\001")
      if ((i = index(s, "\\\"")) > 0) {  # a trailing roff comment
        s = substr(s, 1, i - 1)
        sub(/[ \t]+$/, "", s)
      }
      for (i = 1; i <= n; i++) s = rep(s, from[i], to[i])
      while (match(s, /\\\[u[0-9A-F][0-9A-F][0-9A-F][0-9A-F]\]/))
        s = substr(s, 1, RSTART - 1) utf8(substr(s, RSTART + 3, 4)) substr(s, RSTART + RLENGTH)
      s = rep(s, "\\e", "\001")
      return rep(s, "\001", "\\")
    }
    function reset() { in_ex = 0; cont = 0; output = 0; runs = 0; pend_exit = ""; pend_free = 0; pend_line = 0 }
    function emit() {
      printf "cmd\t%d\t%d\t%d\t%s\n", start, want, checked, cmd
      cont = 0; output = 1; runs = 1
    }
    function flush_cont() { if (cont) { printf "err\t%d\tcommand continued past the end of its block\n", start; cont = 0 } }
    function stray() {
      if (pend_line) printf "err\t%d\t%s\n", pend_line, "directive not followed by a command"
      pend_exit = ""; pend_free = 0; pend_line = 0
    }
    /^\.SH/ {
      t = $0; sub(/^\.SH[ \t]*/, "", t); gsub(/"/, "", t); sub(/[ \t]+$/, "", t)
      flush_cont(); stray(); section = t; reset(); next
    }
    section != "EXAMPLES" { next }
    /^\.EX/ { flush_cont(); stray(); reset(); in_ex = 1; next }
    /^\.EE/ { flush_cont(); stray(); reset(); next }
    !in_ex { next }
    /^[.\047][ \t]*\\"/ {
      if (match($0, /exit:[ \t]*[0-9]+/)) {
        e = substr($0, RSTART, RLENGTH); sub(/exit:[ \t]*/, "", e); pend_exit = e; pend_line = NR
      }
      if ($0 ~ /output:[ \t]*unchecked/) { pend_free = 1; pend_line = NR }
      next
    }
    /^[.\047]/ { flush_cont(); stray(); output = 0; next }
    {
      if (cont) {
        text = unroff($0)
        sub(/^> /, "", text)
        cmd = cmd text
      } else if (substr($0, 1, 2) == "$ ") {
        cmd = unroff(substr($0, 3)); start = NR
        want = (pend_exit == "" ? 0 : pend_exit); checked = !pend_free
        pend_exit = ""; pend_free = 0; pend_line = 0
      } else if (output && !pend_line) {
        printf "out\t%d\t%s\n", NR, unroff($0); next
      } else {
        if (pend_line) stray()
        else if (runs) printf "err\t%d\ttext after a request that is neither a command nor its output\n", NR
        next
      }
      # An odd number of trailing backslashes continues the line, as in sh.
      for (k = length(cmd); k > 0 && substr(cmd, k, 1) == "\\"; k--) {}
      cont = (length(cmd) - k) % 2
      if (cont) { cmd = substr(cmd, 1, length(cmd) - 1); next }
      emit()
    }
    END { flush_cont(); stray() }
  '
}

# Compares the shown output (file $1, "..." patterns) with the printed output
# (file $2). Silent and status 0 when they match; otherwise prints the lines
# that differ, with a little context, as "-shown" / "+printed", and status 1.
compare() {
  awk -v shown="$1" -v printed="$2" '
    function glob(p, s,    n, part, i, at, k) {
      if (index(p, "...") == 0) return p == s
      n = split(p, part, "\\.\\.\\.")
      if (substr(s, 1, length(part[1])) != part[1]) return 0
      at = length(part[1]) + 1
      for (i = 2; i < n; i++) {
        k = index(substr(s, at), part[i])
        if (k == 0) return 0
        at += k - 1 + length(part[i])
      }
      return length(s) - at + 1 >= length(part[n]) && substr(s, length(s) - length(part[n]) + 1) == part[n]
    }
    function ok(i, j) { return (i SUBSEP j) in same ? same[i, j] : (same[i, j] = glob(w[i], g[j])) }
    BEGIN {
      while ((getline line < shown) > 0) { sub(/[ \t\r]+$/, "", line); w[++nw] = line }
      while ((getline line < printed) > 0) { sub(/[ \t\r]+$/, "", line); g[++ng] = line }
      # cost[i, j]: fewest unmatched lines aligning shown i.. with printed j..;
      # a "..." line takes any printed lines for free.
      for (i = nw + 1; i >= 1; i--) {
        for (j = ng + 1; j >= 1; j--) {
          if (i > nw) { cost[i, j] = ng + 1 - j; continue }
          if (w[i] == "...") {
            c = cost[i + 1, j]; if (j <= ng && cost[i, j + 1] < c) c = cost[i, j + 1]
            cost[i, j] = c; continue
          }
          c = cost[i + 1, j] + 1
          if (j <= ng && cost[i, j + 1] + 1 < c) c = cost[i, j + 1] + 1
          if (j <= ng && ok(i, j) && cost[i + 1, j + 1] < c) c = cost[i + 1, j + 1]
          cost[i, j] = c
        }
      }
      if (cost[1, 1] == 0) exit 0
      # Walk the cheapest alignment and print it as a diff.
      i = 1; j = 1; n = 0
      while (i <= nw || j <= ng) {
        if (i <= nw && w[i] == "...") {
          if (j <= ng && cost[i, j + 1] == cost[i, j]) { d[++n] = "  " g[j++]; continue }
          d[++n] = "  " w[i++]; continue
        }
        if (i <= nw && j <= ng && ok(i, j) && cost[i + 1, j + 1] == cost[i, j]) { d[++n] = "  " g[j]; i++; j++; continue }
        if (i <= nw && cost[i + 1, j] + 1 == cost[i, j]) { d[++n] = "- " w[i++]; bad[n] = 1; continue }
        d[++n] = "+ " g[j++]; bad[n] = 1
      }
      for (k = 1; k <= n; k++) if (bad[k]) for (m = k - 3; m <= k + 3; m++) show[m] = 1
      for (k = 1; k <= n; k++) {
        if (show[k]) { print "  " d[k]; gap = 0 }
        else if (!gap) { print "  ~~~"; gap = 1 }
      }
      exit 1
    }
  '
}

# The extractor and the comparison check themselves first, so a different awk
# cannot quietly make them find nothing or match anything.
selfcheck_fail() {
  echo "FAIL: $1 self-check"
  diff <(echo "$2") <(echo "$3")
  exit 1
}
sample='.SH EXAMPLES
.EX
.\" exit: 3
$ printf \(aq%s\en\(aq \fB\-\-x\fR "\(dqa\(dq" \e
>   | wc \-l   \" a comment
shown \-output\e\e
\&.dot\[u2026]
.\" output: unchecked
$ echo \-\e\e
.PP
$ true
.EE
.EX
  shown, not run
.EE
.EX
$ true
.\" exit: 1
more
.EE'
want=$(cat <<'EOF'
cmd	4	3	1	printf '%s\n' --x ""a""   | wc -l
out	6	shown -output\\
out	7	.dot…
cmd	9	0	0	echo -\\
cmd	11	0	1	true
cmd	17	0	1	true
err	18	directive not followed by a command
EOF
)
got=$(extract <<<"$sample")
[ "$got" = "$want" ] || selfcheck_fail "example extraction" "$want" "$got"
printf '%s\n' a '{"x":...,"z":3}' ... 'end...' >"$work/shown"
for printed in $'a\n{"x":1,"y":2,"z":3}\nend' $'a\n{"x":,"z":3}\nb\nc\nend of it  ' $'a\r\n{"x":3,"z":3}\r\nend\r'; do
  printf '%s\n' "$printed" >"$work/printed"
  compare "$work/shown" "$work/printed" >/dev/null || selfcheck_fail "output comparison (match)" "$printed" ""
done
for printed in $'a\n{"x":1,"z":4}\nend' $'a\n{"x":1,"z":3}' $'b\n{"x":1,"z":3}\nend' $'a\n"x":1,"z":3}\nend'; do
  printf '%s\n' "$printed" >"$work/printed"
  ! compare "$work/shown" "$work/printed" >/dev/null || selfcheck_fail "output comparison (mismatch)" "$printed" ""
done
printf '%s\n' a b c >"$work/shown"
printf '%s\n' a B c >"$work/printed"
got=$(compare "$work/shown" "$work/printed")
want=$(printf '  %s\n' '  a' '- b' '+ B' '  c')
[ "$got" = "$want" ] || selfcheck_fail "output comparison (diff)" "$want" "$got"

# Tools and scripts of the kit that are not built, and programs the pages use
# that are not installed: examples naming one are skipped.
missing=()
for prog in "$src"/tools/*.cpp "$src"/scripts/claimkit-*; do
  [ -e "$prog" ] || continue
  t=$(basename "$prog" .cpp)
  [ -x "$bin/$t" ] || missing+=("$t")
done
command -v sqlite3 >/dev/null || missing+=(sqlite3)

pages=0 ran=0 lines=0 failed=0 skipped=0 unchecked=0
for page in "$src"/man/*.1 "$src"/man/*.7; do
  [ -e "$page" ] || continue
  name=$(basename "$page")
  tool=${name%.*}
  if [[ " ${missing[*]} " == *" $tool "* ]]; then
    echo "skip man/$name: $tool not built"
    continue
  fi
  extract <"$page" >"$work/examples.tsv"
  if grep -q '^err' "$work/examples.tsv"; then
    awk -F'\t' -v p="man/$name" '$1 == "err" { print "FAIL " p ":" $2 ": " $3 }' "$work/examples.tsv"
    failed=$((failed + $(grep -c '^err' "$work/examples.tsv")))
  fi
  if ! grep -q '^cmd' "$work/examples.tsv"; then
    echo "note: man/$name has no runnable example"
    continue
  fi
  pages=$((pages + 1))
  scratch=$work/run-$name
  mkdir -p "$scratch/home" "$scratch/ex"
  if [ -d "$src/examples" ]; then cp -R "$src/examples" "$scratch/cwd"; else mkdir "$scratch/cwd"; fi
  # One directory entry per example: N.cmd, N.meta (LINE EXIT CHECKED), N.want.
  awk -F'\t' -v dir="$scratch/ex" '
    $1 == "cmd" { n++; printf "%s\n", substr($0, length($1 $2 $3 $4) + 5) > (dir "/" n ".cmd")
                  printf "%s %s %s\n", $2, $3, $4 > (dir "/" n ".meta"); printf "" > (dir "/" n ".want") }
    $1 == "out" { printf "%s\n", substr($0, length($1 $2) + 3) > (dir "/" n ".want") }
  ' "$work/examples.tsv"
  for ((k = 1; ; k++)); do
    [ -e "$scratch/ex/$k.cmd" ] || break
    read -r line want checked <"$scratch/ex/$k.meta"
    cmd=$(cat "$scratch/ex/$k.cmd")
    absent=""
    for t in "${missing[@]}"; do
      if grep -qw -- "$t" <<<"$cmd"; then absent=$t; break; fi
    done
    if [ -n "$absent" ]; then
      echo "skip man/$name:$line: needs $absent, not available"
      skipped=$((skipped + 1))
      continue
    fi
    ran=$((ran + 1))
    (
      cd "$scratch/cwd" || exit 1
      exec env -u CLAIMKIT_COMPLETION -u CLAIMKIT_CONFIG -u XDG_CONFIG_HOME -u XDG_STATE_HOME \
        -u XDG_DATA_HOME -u XDG_CACHE_HOME PATH="$bin:$PATH" LC_ALL=C TZ=UTC \
        HOME="$scratch/home" TERM=dumb timeout -k 5 30 bash -o pipefail -c "$cmd" \
        </dev/null >"$scratch/out" 2>"$scratch/err"
    )
    code=$?
    cat "$scratch/out" "$scratch/err" >"$scratch/printed"
    why=""
    if [ "$code" -eq 124 ]; then
      why="timed out after 30 s"
    elif [ "$code" -ne "$want" ]; then
      why="exit $code, want $want"
    elif [ "$checked" -eq 1 ]; then
      if ! compare "$scratch/ex/$k.want" "$scratch/printed" >"$scratch/diff"; then
        why="output differs from the page (- shown, + printed)"
      fi
      lines=$((lines + $(grep -cvx '\.\.\.' "$scratch/ex/$k.want")))
    else
      unchecked=$((unchecked + 1))
    fi
    if [ -n "$why" ]; then
      failed=$((failed + 1))
      echo "FAIL man/$name:$line: $why"
      echo "  \$ $cmd"
      if [ -s "$scratch/diff" ] && [ "$code" -eq "$want" ]; then
        cat "$scratch/diff"
      else
        sed -n '1,20s/^/  stderr: /p' "$scratch/err"
        [ -s "$scratch/err" ] || sed -n '1,10s/^/  stdout: /p' "$scratch/out"
      fi
    fi
    : >"$scratch/diff"
  done
done

if [ "$ran" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "skipped: no runnable man page examples"
  exit 77
fi
echo "ran $ran example(s) from $pages man page(s), $lines shown output line(s) checked," \
  "$unchecked example(s) with output unchecked, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
