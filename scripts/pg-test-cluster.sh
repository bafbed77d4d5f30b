#!/usr/bin/env bash
# A throwaway PostgreSQL server for the database tests: `start` creates a cluster in <dir>
# (trust authentication, listening on 127.0.0.1 and a Unix socket in <dir> only) on <port> and
# creates the database `watt_test`; `stop` stops it and deletes <dir>.
# Usage: scripts/pg-test-cluster.sh start|stop <dir> [port]
#   port: the third argument, else $WATT_TEST_PG_PORT, else 55432.
# Needs the PostgreSQL server binaries (Debian: the `postgresql` package). As root, the cluster
# belongs to the `postgres` user, because initdb refuses to run as root.
set -euo pipefail

action=${1:-}
dir=${2:-}
port=${3:-${WATT_TEST_PG_PORT:-55432}}
database=watt_test

if [[ -z "$action" || -z "$dir" ]]; then
  echo "usage: $0 start|stop <dir> [port]" >&2
  exit 2
fi
dir=$(realpath -m "$dir")
data="$dir/data"

# The newest installed server (Debian keeps each major version in /usr/lib/postgresql/<N>/bin).
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" ]]; then
  initdb_path=$(command -v initdb || true)
  if [[ -z "$initdb_path" ]]; then
    echo "pg-test-cluster: no PostgreSQL server found (install the 'postgresql' package:" \
         "scripts/install-deps.sh --test)" >&2
    exit 1
  fi
  bindir=$(dirname "$initdb_path")
fi

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  as_owner=(runuser -u postgres --)
fi
run() { "${as_owner[@]}" "$@"; }

stop_server() {
  if [[ -f "$data/postmaster.pid" ]]; then
    run "$bindir/pg_ctl" -D "$data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
}

case "$action" in
  start)
    # A cluster left over by an interrupted run: stop it and start afresh.
    stop_server
    rm -rf "$dir"
    mkdir -p "$dir"
    if [[ ${#as_owner[@]} -gt 0 ]]; then
      chown postgres: "$dir"
      # The server must be able to reach its own directory.
      if ! run test -x "$dir"; then
        echo "pg-test-cluster: user postgres cannot enter $dir (check the parent folders' permissions)" >&2
        exit 1
      fi
    fi
    run "$bindir/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
        > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Durability is pointless for a throwaway cluster; speed is not.
    run "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
    for _ in $(seq 1 100); do
      if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
      sleep 0.1
    done
    if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      echo "pg-test-cluster: the server does not answer on 127.0.0.1:$port" >&2
      cat "$dir/server.log" >&2
      exit 1
    fi
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
    echo "postgresql://postgres@127.0.0.1:$port/$database"
    ;;
  stop)
    stop_server
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop <dir> [port]" >&2
    exit 2
    ;;
esac
