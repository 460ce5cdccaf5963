# Sourced by the benchmarks: a real PostgreSQL (fsync on) on 127.0.0.1:$1 with its files in $2
# (the caller's temporary folder), run as the postgres user when root. stop_postgres DIR in the
# caller's cleanup. fresh_postgres_db PORT NAME: an empty database of that name.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  local port=$1 dir=$2
  mkdir -p "$dir/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
  as_pg "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w \
    -o "-p $port -k $dir/pg -c listen_addresses=127.0.0.1" start >/dev/null
}

stop_postgres() {
  [ -d "$1/pg/data" ] && as_pg "$pg_bin/pg_ctl" -D "$1/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}

fresh_postgres_db() {
  PGOPTIONS="-c client_min_messages=warning" as_pg "$pg_bin/dropdb" -h 127.0.0.1 -p "$1" -U postgres --if-exists "$2"
  as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$1" -U postgres "$2"
}
