#!/usr/bin/env bash
# A throwaway PostgreSQL server for benchmarks and trying metadb by hand, from the installed
# server binaries (as the tests start theirs): data, socket and log under target/bench-pg,
# 127.0.0.1 on port ${PGPORT:-55432}, superuser metadb with a random password.
#   bench/pg.sh start   prints the URL (postgresql://metadb:PW@127.0.0.1:PORT/metadb)
#   bench/pg.sh url     prints it again;   bench/pg.sh stop   stops it and deletes its data
set -euo pipefail
cd "$(dirname "$0")/.."
base="$PWD/target/bench-pg"
port="${PGPORT:-55432}"
bin="${METADB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$bin/initdb" ] || { echo "pg.sh: PostgreSQL server binaries not found; apt-get install postgresql" >&2; exit 1; }
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    if [ ! -d "$base/data" ]; then
      mkdir -p "$base"
      head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$base/pwfile"
      [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$base"
      as_server "$bin/initdb" -D "$base/data" -U metadb --pwfile="$base/pwfile" --auth=scram-sha-256 \
        -E UTF8 --locale=C >/dev/null
    fi
    as_server "$bin/pg_ctl" start -D "$base/data" -w -l "$base/server.log" \
      -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$base -c max_connections=200 -c shared_buffers=256MB" >/dev/null
    as_server env PGPASSWORD="$(cat "$base/pwfile")" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U metadb -d postgres \
      -c "CREATE DATABASE metadb" 2>/dev/null || true
    "$0" url ;;
  url) echo "postgresql://metadb:$(cat "$base/pwfile")@127.0.0.1:$port/metadb" ;;
  stop)
    as_server "$bin/pg_ctl" stop -D "$base/data" -m fast >/dev/null || true
    rm -rf "$base" ;;
  *) echo "usage: bench/pg.sh start|url|stop" >&2; exit 2 ;;
esac
