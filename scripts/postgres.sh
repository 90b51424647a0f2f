#!/usr/bin/env bash
# Makes a PostgreSQL server available for the test suite and prints its URL.
# Uses $TEST_DATABASE_URL when it answers; otherwise installs PostgreSQL from Debian's
# packages if absent and starts a throwaway cluster under target/pg (port 55432).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${TEST_DATABASE_URL:-}" ] && psql "$TEST_DATABASE_URL" -Atc 'select 1' >/dev/null 2>&1; then
  echo "$TEST_DATABASE_URL"
  exit 0
fi

PORT=55432
URL="postgres://postgres@127.0.0.1:${PORT}/postgres"
if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
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

data="$PWD/target/pg"
run_as=()
if [ "$(id -u)" = "0" ]; then
  # PostgreSQL refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi
rm -rf "$data"
mkdir -p "$data"
[ "$(id -u)" = "0" ] && chown postgres "$data"
"${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >&2
echo "$URL"
