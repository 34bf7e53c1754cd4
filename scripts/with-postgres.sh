#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback.
# TEST_DATABASE_URL points at it; the server and its files are removed afterwards.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
port=${PG_TEST_PORT:-54329}
dir=$(mktemp -d /tmp/forms-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then  # initdb refuses to run as root
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi

stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" start >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres forms_test

# The load test kills the server and starts it again with the same data and options.
PG_TEST_BINDIR="$bindir" PG_TEST_DATA="$dir/data" PG_TEST_OPTIONS="$options" \
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/forms_test" "$@"
