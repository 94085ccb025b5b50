#!/bin/sh
# A throwaway PostgreSQL for the service tests, from Debian's postgresql package: one cluster in
# DIR, listening on a Unix socket in DIR only (no TCP), superuser "sightline" with trust
# authentication, fsync off (nothing here needs to survive a power cut).
#   postgres.sh start DIR     initdb (fresh) and start; prints the URL of database "postgres"
#   postgres.sh restart DIR   stop (fast) and start again: the tests of reconnection use this
#   postgres.sh stop DIR
# As root, the server runs as the "postgres" user (PostgreSQL refuses to run as root).
set -eu
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: PostgreSQL server binaries not found; run scripts/setup-debian.sh" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
ctl() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=200" "$@"
}
case "$cmd" in
  start)
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U sightline --auth=trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    ctl start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&user=sightline"
    ;;
  restart)
    ctl -m fast restart >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  *)
    echo "usage: postgres.sh start|restart|stop DIR" >&2
    exit 2
    ;;
esac
