#!/usr/bin/env bash
# The Debian package: cpack -G DEB over the built tree (installed under /usr
# whatever CMAKE_INSTALL_PREFIX says, so no second build is needed), unpacked
# into a scratch root with dpkg-deb -x and installed into another with
# dpkg --root. The tools run from there, man pages, completions and the cron
# scripts are where Debian looks for them, and the control file depends on
# the Debian runtime packages. cmake --install gives the same layout.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
build=$(cd "$bin/.." && pwd)
command -v cpack >/dev/null || { echo "skipped: cpack missing"; exit 77; }
command -v dpkg-deb >/dev/null || { echo "skipped: dpkg-deb missing"; exit 77; }
[ -f "$build/CPackConfig.cmake" ] || { echo "skipped: $build has no CPackConfig.cmake (reconfigure)"; exit 77; }
tools=(x12-parse claim-query status-normalize pm-push claim-age)
for t in "${tools[@]}"; do [ -x "$bin/$t" ] || { echo "skipped: $t not built"; exit 77; }; done
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Packaging runs the install step only; it builds nothing.
if ! timeout 80 cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  fail "cpack -G DEB"
fi
debs=("$work"/out/claimkit_*.deb)
[ -f "${debs[0]}" ] || { ls -R "$work/out"; fail "no claimkit_*.deb written"; }
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

dpkg-deb -I "$deb" >"$work/info" || fail "dpkg-deb -I"
grep -q '^ Package: claimkit$' "$work/info" || fail "package name"
depends=$(sed -n 's/^ Depends: //p' "$work/info")
names=$(sed 's/ *([^)]*)//g; s/, */\n/g' <<<"$depends")
for pkg in libc6 libstdc++6 libcurl4 libssl3 libsqlite3-0 libfmt9 libsimdjson14; do
  grep -Fxq -- "$pkg" <<<"$names" || fail "Depends lacks $pkg: $depends"
done

root=$work/root
dpkg-deb -x "$deb" "$root" || fail "dpkg-deb -x"
for t in "${tools[@]}" claimkit-sweep claimkit-inbox; do
  [ -x "$root/usr/bin/$t" ] || fail "/usr/bin/$t missing"
done
version=$("$root/usr/bin/x12-parse" --version) || fail "x12-parse --version exit $?"
grep -q '[0-9]\.[0-9]' <<<"$version" || fail "x12-parse --version says: $version"
for t in "${tools[@]}"; do
  "$root/usr/bin/$t" --version >/dev/null || fail "$t --version"
done
"$root/usr/bin/claimkit-sweep" --version >/dev/null || fail "claimkit-sweep --version"
"$root/usr/bin/claimkit-inbox" --version >/dev/null || fail "claimkit-inbox --version"
for t in "${tools[@]}" claimkit-sweep claimkit-inbox; do
  [ -f "$root/usr/share/man/man1/$t.1" ] || [ -f "$root/usr/share/man/man1/$t.1.gz" ] || fail "man page of $t missing"
done
[ -f "$root/usr/share/man/man7/claimkit.7" ] || [ -f "$root/usr/share/man/man7/claimkit.7.gz" ] || fail "claimkit.7 missing"
for t in "${tools[@]}"; do
  [ -f "$root/usr/share/bash-completion/completions/$t" ] || fail "bash completion of $t missing"
  [ -f "$root/usr/share/zsh/vendor-completions/_$t" ] || fail "zsh completion of $t missing"
  [ -f "$root/usr/share/fish/vendor_completions.d/$t.fish" ] || fail "fish completion of $t missing"
done
# Nothing outside /usr, and nothing writable by others.
stray=$(cd "$root" && find . -mindepth 1 -maxdepth 1 ! -name usr)
[ -z "$stray" ] || fail "files outside /usr: $stray"
loose=$(find "$root" -perm -o+w ! -type l)
[ -z "$loose" ] || fail "world-writable: $loose"
# The bash completion loads and completes an option.
if command -v bash >/dev/null; then
  got=$(bash -c 'source "$1"; COMP_WORDS=(x12-parse --ver); COMP_CWORD=1; COMP_LINE="x12-parse --ver"; COMP_POINT=${#COMP_LINE}
        f=$(complete -p x12-parse | sed -n "s/.*-F \([^ ]*\).*/\1/p"); "$f" x12-parse --ver x12-parse; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$root/usr/share/bash-completion/completions/x12-parse" 2>&1)
  grep -q -- '--version' <<<"$got" || fail "bash completion of x12-parse --ver gave: $got"
fi
# dpkg itself, into a scratch root with its own database: installs, the tool
# runs from there, and removal takes every file away. (The runtime libraries
# are in the real system, not the scratch root: dependencies are forced.)
if command -v dpkg >/dev/null; then
  d=$work/dpkg-root
  mkdir -p "$d/var/lib/dpkg/info" "$d/var/lib/dpkg/updates"
  : >"$d/var/lib/dpkg/status"
  dpkg_root() { dpkg --root="$d" --force-depends --force-not-root --force-script-chrootless "$@"; }
  dpkg_root -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
  dpkg --root="$d" -s claimkit | grep -q '^Status: install ok installed' || fail "dpkg does not list claimkit as installed"
  "$d/usr/bin/x12-parse" --version >/dev/null || fail "x12-parse --version after dpkg -i"
  dpkg_root -r claimkit >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r"; }
  [ ! -e "$d/usr/bin/x12-parse" ] || fail "dpkg -r left x12-parse behind"
fi

# cmake --install into a prefix gives the same layout.
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install"; }
for f in bin/x12-parse bin/claimkit-sweep share/man/man1/pm-push.1 share/man/man7/claimkit.7 \
         share/bash-completion/completions/claim-age share/zsh/vendor-completions/_claim-age \
         share/fish/vendor_completions.d/claim-age.fish; do
  [ -e "$work/prefix/$f" ] || fail "cmake --install: $f missing"
done
echo "ok: package installs tools, scripts, man pages and completions under /usr"
