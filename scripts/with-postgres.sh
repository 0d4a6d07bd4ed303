#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server:
#   scripts/with-postgres.sh pytest ...
# The server lives in a temporary directory, listens on a Unix socket and a free
# loopback port, and is removed afterwards. DATABASE_URL points the command at it.
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$pg_bin/postgres" ] || { echo "未找到 PostgreSQL（Debian 软件包 postgresql）" >&2; exit 1; }
tmp=$(mktemp -d /tmp/carbonpeak-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: run the server as the 'postgres' system user.
  id postgres >/dev/null 2>&1 || useradd --system --home "$tmp" postgres
  chown -R postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/data" -U carbonpeak --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-k $tmp -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
export DATABASE_URL="postgres://carbonpeak@127.0.0.1:$port/carbonpeak"
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U carbonpeak carbonpeak
data_dir=$(mktemp -d)
export CARBONPEAK_DATA_DIR="$data_dir"
echo "PostgreSQL 测试库: $DATABASE_URL"
set +e
"$@"
status=$?
set -e
rm -rf "$data_dir"
exit $status
