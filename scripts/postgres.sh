#!/usr/bin/env bash
# Makes a PostgreSQL server available for the test suite and prints its URL.
# Uses $TEST_DATABASE_URL when it answers; otherwise installs PostgreSQL from Debian's
# packages if absent and starts a throwaway cluster under target/pg (port 55432), or under
# $PG_DATA on port $PG_PORT when both are set (a private cluster a test may stop and start).
# `postgres.sh stop` and `postgres.sh start` stop and start that cluster again, as a
# restart of the database server would.
set -euo pipefail
mode=${1:-}
case "$mode" in
  "" | start | stop) ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

private=""
[ -n "${PG_DATA:-}" ] && [ -n "${PG_PORT:-}" ] && private=1
if [ -z "$private" ] && [ -n "${TEST_DATABASE_URL:-}" ] && psql "$TEST_DATABASE_URL" -Atc 'select 1' >/dev/null 2>&1; then
  echo "$TEST_DATABASE_URL"
  exit 0
fi

PORT=${private:+$PG_PORT}
PORT=${PORT:-55432}
URL="postgres://postgres@127.0.0.1:${PORT}/postgres"
if [ -z "$mode" ] && pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  echo "$URL"
  exit 0
fi

bindir=""
for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/initdb" ] && bindir="$dir"
done
if [ -z "$bindir" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && bindir="$dir"
  done
fi

data=${private:+$PG_DATA}
data=${data:-$PWD/target/pg}
run_as=()
if [ "$(id -u)" = "0" ]; then
  # PostgreSQL refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi
if [ "$mode" = stop ]; then
  # Stopping a stopped cluster is no error: a test's clean-up may stop it again.
  if "${run_as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -w stop -m fast >&2
  fi
  exit 0
fi
if [ "$mode" != start ]; then
  rm -rf "$data"
  mkdir -p "$data"
  [ "$(id -u)" = "0" ] && chown postgres "$data"
  "${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >&2
echo "$URL"
