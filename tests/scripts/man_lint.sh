#!/usr/bin/env bash
# Every man page must be clean under `mandoc -Tlint -W warning`: no warnings,
# errors or unsupported requests, so it renders the same with man-db, mandoc
# and groff.
set -u
src=${CLAIMKIT_SOURCE_DIR:?CLAIMKIT_SOURCE_DIR not set}
if ! command -v mandoc >/dev/null; then
  echo "skipped: mandoc not installed"
  exit 77
fi
pages=0 dirty=0
for page in "$src"/man/*.1 "$src"/man/*.7; do
  [ -e "$page" ] || continue
  pages=$((pages + 1))
  # mandoc exits non-zero on findings; its lines name file, line and column.
  if ! out=$(mandoc -Tlint -W warning "$page" 2>&1) || [ -n "$out" ]; then
    dirty=$((dirty + 1))
    echo "FAIL man/$(basename "$page"):"
    sed "s|$src/||; s/^/  /" <<<"$out"
  fi
done
if [ "$pages" -eq 0 ]; then
  echo "skipped: no man pages"
  exit 77
fi
echo "$pages man page(s) checked, $dirty with findings"
[ "$dirty" -eq 0 ]
