# A second, unprivileged user for attack tests: the party that writes into a
# shared drop directory. Sourced by tests/scripts/*_attack_*.sh.
#
# hostile CMD...   runs CMD as that user: as root, as "nobody" (no setuid
#                  helper, no new account); otherwise as the test's own user,
#                  which plants the same files but cannot show owner checks.
# two_users        true when hostile runs as another user.
hostile_uid=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  hostile_uid=$(id -u nobody)
fi
two_users() { [ -n "$hostile_uid" ]; }
hostile() {
  if two_users; then
    setpriv --reuid="$hostile_uid" --regid="$(id -g nobody)" --clear-groups -- "$@"
  else
    "$@"
  fi
}
