#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests of the reference central server.
#
#   bash scripts/postgres.sh          start it (once; later calls reuse it) and print its URL
#   bash scripts/postgres.sh stop     stop it
#   bash scripts/postgres.sh destroy  stop it and delete its files
#
# The URL (postgresql+psycopg://postgres:<random password>@127.0.0.1:<port>/checkpoint_test)
# is the only line on stdout and is also kept in $CHECKPOINT_PG_DIR/url; progress goes to
# stderr. The tests read it from CHECKPOINT_TEST_POSTGRES_URL, or run this script.
#
# The cluster is separate from any system cluster: its own directory
# (CHECKPOINT_PG_DIR, default /tmp/checkpoint-pgtest-<user>), its own free port on
# 127.0.0.1 only, password authentication, and fsync off (test data only: it may be
# lost on a power cut, never use it for anything else). PostgreSQL refuses to run as
# root, so as root the cluster belongs to the `postgres` user; any other user owns
# theirs. The server binaries come from the Debian package `postgresql` (installed
# through apt-get, as root or with sudo, when missing).
set -euo pipefail
umask 077  # the password and the URL stay private to the cluster's owner

say() { printf '\033[1m[postgres]\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

ACTION="${1:-start}"
case "$ACTION" in start | stop | destroy) ;; *) die "usage: $0 [start|stop|destroy]" ;; esac

# --- who runs the cluster ---------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  RUN_AS="postgres"
  as_owner() { runuser -u postgres -- "$@"; }
else
  RUN_AS="$(id -un)"
  as_owner() { "$@"; }
fi
PGDIR="${CHECKPOINT_PG_DIR:-/tmp/checkpoint-pgtest-$RUN_AS}"
DATA="$PGDIR/data"
DBNAME="checkpoint_test"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ "$ACTION" != start ]; then
  BIN="$(find_bin)"
  if [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  fi
  if [ "$ACTION" = destroy ]; then rm -rf "$PGDIR"; say "removed $PGDIR"; fi
  exit 0
fi

# --- the server binaries ------------------------------------------------------------
BIN="$(find_bin)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    die "PostgreSQL is not installed: as root, run apt-get install postgresql"; fi
  say "installing PostgreSQL (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN="$(find_bin)"
  [ -n "$BIN" ] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin was found"
fi
if [ "$RUN_AS" = postgres ] && ! id postgres >/dev/null 2>&1; then
  die "there is no 'postgres' user to run the cluster as (the postgresql package creates it)"
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- create the cluster (first time, or after a half-finished attempt) -------------------
if [ ! -f "$PGDIR/url" ] || [ ! -f "$DATA/PG_VERSION" ]; then
  say "creating a throwaway cluster in $PGDIR (owner $RUN_AS)"
  if [ -e "$PGDIR" ]; then as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$PGDIR"
  install -d -m 700 "$PGDIR"
  if [ "$RUN_AS" = postgres ]; then chown postgres: "$PGDIR"; fi
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  port="$(free_port)"
  printf '%s\n' "$password" >"$PGDIR/password"
  if [ "$RUN_AS" = postgres ]; then chown postgres: "$PGDIR/password"; fi
  chmod 600 "$PGDIR/password"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=scram-sha-256 --pwfile="$PGDIR/password" \
    -E UTF8 --no-locale >"$PGDIR/initdb.log" 2>&1 || die "initdb failed: see $PGDIR/initdb.log"
  cat >>"$DATA/postgresql.conf" <<EOF

# checkpoint_app test cluster (scripts/postgres.sh): loopback only, no durability
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGDIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  printf 'postgresql+psycopg://postgres:%s@127.0.0.1:%s/%s\n' "$password" "$port" "$DBNAME" \
    >"$PGDIR/url.new"
  fresh=1
else
  fresh=0
fi

# --- start it (unless it runs and answers) ------------------------------------------------
port="$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$DATA/postgresql.conf" | tail -n 1)"
ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; }
# A server killed without shutting down leaves its lock files behind, naming a pid that
# is gone or a zombie nobody reaped (a container's init may not): they would stop the
# new server from starting.
stale() {  # the lock file $1 names no live process
  local pid state
  pid="$(head -n 1 "$1" 2>/dev/null || true)"
  state="$(awk '/^State:/ {print $2}' "/proc/${pid:-0}/status" 2>/dev/null || true)"
  [ -z "$state" ] || [ "$state" = Z ]
}
if ! ready; then
  if [ -f "$DATA/postmaster.pid" ] && ! stale "$DATA/postmaster.pid"; then
    for _ in $(seq 30); do ready && break; sleep 1; done  # still starting up
  fi
  for lock in "$DATA/postmaster.pid" "$PGDIR/.s.PGSQL.$port.lock"; do
    if [ -f "$lock" ] && stale "$lock"; then rm -f "$lock" "${lock%.lock}"; fi
  done
fi
if ! ready; then
  say "starting PostgreSQL on 127.0.0.1:$port"
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$PGDIR/server.log" -w -t 60 start >/dev/null; then
    tail -n 20 "$PGDIR/server.log" >&2 || true
    die "PostgreSQL did not start (log: $PGDIR/server.log; 'bash $0 destroy' starts afresh)"
  fi
fi

if [ "$fresh" -eq 1 ]; then
  PGPASSWORD="$(cat "$PGDIR/password")" "$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DBNAME" \
    || die "could not create the database $DBNAME"
  mv "$PGDIR/url.new" "$PGDIR/url"
fi
cat "$PGDIR/url"
