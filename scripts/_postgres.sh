# A throwaway PostgreSQL server on 127.0.0.1 for the test suite (sourced by scripts/test.sh).
# start_test_postgres sets PG_TEST_URL; the server and its files go away when the script exits.

PG_BIN=""
PG_DATA=""

pg_as_owner() {  # initdb and the server refuse to run as root
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

stop_test_postgres() {
  [ -n "$PG_DATA" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl -D $PG_DATA -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$PG_DATA"
}

start_test_postgres() {
  apt_install postgresql
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_DATA=$(mktemp -d /tmp/wuyedesk-test-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DATA"; fi
  trap stop_test_postgres EXIT
  pg_as_owner "$PG_BIN/initdb -D $PG_DATA -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
  pg_as_owner "$PG_BIN/pg_ctl -D $PG_DATA -l $PG_DATA/server.log -w start -o '-p $port -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off'" >/dev/null
  pg_as_owner "$PG_BIN/createdb -h 127.0.0.1 -p $port -U postgres wuyedesk"
  PG_TEST_URL="postgres://postgres@127.0.0.1:$port/wuyedesk"
}
