# A throwaway PostgreSQL cluster on loopback for the tests: initdb in a
# temporary directory, a free port on 127.0.0.1, a socket directory of its
# own. Sourced by tests/scripts/pg_*.sh and scripts/bench-pg.
#
# pg_cluster_find          sets PGC_BIN to the directory of initdb and pg_ctl
#                          (PATH, then /usr/lib/postgresql/*/bin newest first,
#                          then pg_config --bindir); false when there is none.
# pg_cluster_start [OPT..] makes and starts a cluster; OPTs are extra server
#                          settings (-c name=value). Sets PGC_DIR, PGC_PORT,
#                          PGC_URI (postgresql://claimkit@127.0.0.1:PORT/ledger,
#                          the superuser claimkit, trusted on loopback).
# pg_cluster_stop          stops it and removes the directory (call it from
#                          the test's EXIT trap).
# pg_cluster_restart [-m fast|immediate]  stops and starts it on the same port.
# pg_cluster_ssl CERT KEY  turns TLS on with that certificate and key and
#                          allows loopback connections only over TLS
#                          (hostssl); restarts.
# pgc_psql [ARG..]         psql -XAtq against PGC_URI (or $PGC_PSQL_URI).
#
# The server refuses to run as root, so when the tests run as root the
# cluster belongs to and runs as "nobody" (setpriv, as tests/lib/hostile_user.sh
# does); otherwise as the test's own user.

PGC_BIN= PGC_DIR= PGC_PORT= PGC_URI= PGC_OPTS=

pg_cluster_find() {
  local d
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    PGC_BIN=$(dirname "$(command -v initdb)")
    return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4nr); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PGC_BIN=$d; return 0; fi
  done
  if command -v pg_config >/dev/null; then
    d=$(pg_config --bindir 2>/dev/null)
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PGC_BIN=$d; return 0; fi
  fi
  return 1
}

# Runs a server program as the cluster's owner.
pgc_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    # From /: the test's own directory is not the owner's to enter.
    (cd / && setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups -- "$@")
  else
    "$@"
  fi
}

pgc_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pgc_ctl_start() {
  pgc_as_owner "$PGC_BIN/pg_ctl" -D "$PGC_DIR/data" -l "$PGC_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGC_PORT -c unix_socket_directories=$PGC_DIR/sock $PGC_OPTS" start >/dev/null
}

pg_cluster_start() {
  pg_cluster_find || { echo "pg_cluster: no initdb/pg_ctl found" >&2; return 1; }
  PGC_OPTS="$*"
  PGC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pg-cluster.XXXXXX") || return 1
  chmod 755 "$PGC_DIR"
  mkdir -p "$PGC_DIR/sock"
  if [ "$(id -u)" = 0 ]; then chown -R nobody "$PGC_DIR"; fi
  pgc_as_owner "$PGC_BIN/initdb" -N -D "$PGC_DIR/data" -U claimkit --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PGC_DIR/initdb.log" 2>&1 || { cat "$PGC_DIR/initdb.log" >&2; return 1; }
  # Loopback only; other users than the superuser need a password
  # (scram-sha-256), so the tests can show where it comes from.
  pgc_as_owner sh -c "cat >'$PGC_DIR/data/pg_hba.conf'" <<'EOF'
local all claimkit trust
host  all claimkit 127.0.0.1/32 trust
host  all all      127.0.0.1/32 scram-sha-256
EOF
  local i
  for i in 1 2 3 4 5; do
    PGC_PORT=$(pgc_free_port)
    if pgc_ctl_start; then break; fi
    PGC_PORT=
  done
  [ -n "$PGC_PORT" ] || { cat "$PGC_DIR/server.log" >&2; return 1; }
  PGC_URI="postgresql://claimkit@127.0.0.1:$PGC_PORT/ledger"
  PGC_PSQL_URI=$PGC_URI
  psql -XAtq -v ON_ERROR_STOP=1 "postgresql://claimkit@127.0.0.1:$PGC_PORT/postgres" -c 'CREATE DATABASE ledger' \
    >/dev/null || return 1
}

pg_cluster_restart() {
  [ $# -gt 0 ] || set -- -m fast
  pgc_as_owner "$PGC_BIN/pg_ctl" -D "$PGC_DIR/data" -w -t 60 "$@" stop >/dev/null
  pgc_ctl_start
}

pg_cluster_ssl() {
  local cert=$1 key=$2
  cp "$cert" "$PGC_DIR/data/server.crt"
  cp "$key" "$PGC_DIR/data/server.key"
  chmod 600 "$PGC_DIR/data/server.key"
  if [ "$(id -u)" = 0 ]; then chown nobody "$PGC_DIR/data/server.crt" "$PGC_DIR/data/server.key"; fi
  pgc_as_owner sh -c "cat >>'$PGC_DIR/data/postgresql.conf'" <<'EOF'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
  pgc_as_owner sh -c "cat >'$PGC_DIR/data/pg_hba.conf'" <<'EOF'
local     all claimkit trust
hostnossl all all      127.0.0.1/32 reject
hostssl   all claimkit 127.0.0.1/32 trust
hostssl   all all      127.0.0.1/32 scram-sha-256
EOF
  pg_cluster_restart
}

pg_cluster_stop() {
  [ -n "$PGC_DIR" ] || return 0
  if [ -f "$PGC_DIR/data/postmaster.pid" ]; then
    pgc_as_owner "$PGC_BIN/pg_ctl" -D "$PGC_DIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$PGC_DIR"
  PGC_DIR=
}

pgc_psql() {
  psql -XAtq -v ON_ERROR_STOP=1 "${PGC_PSQL_URI:-$PGC_URI}" "$@"
}
