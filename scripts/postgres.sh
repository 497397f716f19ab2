#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for tests and CI (never for real data: it
# runs with fsync off and trusts every local connection).
#   bash scripts/postgres.sh start DIR PORT   create and start a cluster in DIR (a new or
#                                             empty directory), print its URL
#   bash scripts/postgres.sh stop DIR         stop it (the caller removes DIR)
# DIR holds data/ (the cluster), server.log and the server's socket. The superuser is
# `dashboard`, no password: postgresql://dashboard@127.0.0.1:PORT/postgres.
# PostgreSQL refuses to run as root: as root, DIR is given to the `postgres` user (created
# if Debian's package did not) and initdb/pg_ctl run as that user, so DIR must be somewhere
# it can reach (under /tmp, not under /root or a private temporary directory).
# Needs Debian's postgresql package: bash scripts/system_packages.sh test
set -euo pipefail

usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }

bindir() {
  local found
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "PostgreSQL server binaries not found (initdb, pg_ctl). Install them with:" >&2
    echo "  bash scripts/system_packages.sh test   (Debian's postgresql package)" >&2
    exit 1
  fi
  echo "$found"
}

# Run a PostgreSQL program as the cluster's owner: ourselves, or `postgres` when root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=$1 port=$2 bin
  [[ "$port" =~ ^[0-9]+$ ]] || usage
  bin=$(bindir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -e "$dir/data" ]; then
    echo "$dir/data already exists: give an empty directory" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "the postgres user cannot write $dir (a parent directory is private): use a directory under /tmp" >&2
      exit 1
    fi
  fi
  as_owner "$bin/initdb" --pgdata="$dir/data" --username=dashboard --auth=trust \
    --locale=C --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # A test cluster: nothing has to survive a crash, so skip the disk flushes.
  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<CONF

# scripts/postgres.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
full_page_writes = off
synchronous_commit = off
CONF
  if ! as_owner "$bin/pg_ctl" start --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 >/dev/null; then
    echo "PostgreSQL did not start (is port $port free?); its log:" >&2
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
  fi
  echo "postgresql://dashboard@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1 bin
  [ -f "$dir/data/PG_VERSION" ] || { echo "no cluster in $dir" >&2; exit 1; }
  bin=$(bindir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" stop --pgdata="$dir/data" --mode=fast --wait --timeout=60 >/dev/null
  fi
}

case "${1:-}" in
  start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
