#!/usr/bin/env bash
# Durable ingest of a signed webhook (verify HMAC + identify + group-committed insert + 2xx)
# with wrk, against nginx `return 200` in the same run, on SQLite and on PostgreSQL (a real
# server started here, fsync on). Then the drain rate of the no-op processor: the server is
# restarted with workers on the backlog the ingest left, and timed until nothing is pending.
#
#   bench/ingest_bench.sh [seconds per run, default 10] [connections, default 64]
# Prints figures; it is not a pass/fail test.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx_reference.sh
source bench/postgres_server.sh
DURATION=${1:-10}
CONNECTIONS=${2:-64}
SB_PORT=18191
NGINX_PORT=18192
PG_PORT=18193
SECRET=bench-courier-secret
SIGNATURES=600000

scripts/build >/dev/null
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  [ -n "${sb_pid:-}" ] && kill "$sb_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  stop_postgres "$work"
  rm -rf "$work"
}
trap cleanup EXIT

build/bin/webhook_corpus "$SECRET" bench "$SIGNATURES" >"$work/signatures.txt"

start_nginx_reference "$NGINX_PORT" "$work"

config() {  # storage-url workers
  cat <<YAML
server: { listen: "127.0.0.1:$SB_PORT", threads: 2 }
logging: { level: warn }
plugin_dirs: ["$PWD/build/test-plugins"]
storage: { url: "$1", pool_size: 4 }
inbox: { workers: $2, batch: 64, poll_ms: 50 }
plugins:
  courier: { library: courier, config: { secret: $SECRET } }
routes:
  - { method: POST, path: /webhooks/courier, plugin: courier, handler: webhook, durable: true }
YAML
}

serve() {  # storage-url workers
  config "$1" "$2" >"$work/switchboard.yaml"
  build/bin/switchboard serve --config "$work/switchboard.yaml" 2>>"$work/switchboard.log" &
  sb_pid=$!
  until curl -sf "http://127.0.0.1:$SB_PORT/api/health" >/dev/null 2>&1; do :; done
}

stop() {
  kill "$sb_pid"
  wait "$sb_pid" || true
  sb_pid=
}

gauge() {  # state -> inbox items in that state
  curl -sf "http://127.0.0.1:$SB_PORT/api/health/metrics" |
    awk -v s="switchboard_inbox_items{state=\"$1\"}" '$1 == s {print $2}'
}

wrk_figures() {  # wrk output file -> "requests/s p50 p99 non2xx"
  awk '/^Requests\/sec/ {rps=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2}
       /Non-2xx/ {bad=$NF} END {print rps, p50, p99, (bad == "" ? 0 : bad)}' "$1"
}

results=()
run_backend() {  # name storage-url
  serve "$2" 0  # no workers: ingest alone
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/ingest.lua \
    "http://127.0.0.1:$SB_PORT/webhooks/courier" -- "$work/signatures.txt" 2 bench >"$work/wrk-$1.txt"
  read -r rps p50 p99 bad < <(wrk_figures "$work/wrk-$1.txt")
  local stored
  stored=$(gauge pending)
  stop
  # Drain: the same database, now with workers and the no-op processor.
  serve "$2" 2
  local start_ns end_ns
  start_ns=$(date +%s%N)
  # Polled every 250 ms (the figure errs low by at most that): each look counts the inbox by
  # state, a scan of the backlog, and polling at 50 ms cut PostgreSQL's drain by more than half.
  until [ "$(gauge pending)" = 0 ] && [ "$(gauge running)" = 0 ]; do sleep 0.25; done
  end_ns=$(date +%s%N)
  local done_rows
  done_rows=$(gauge done)
  stop
  local drain
  drain=$(awk -v n="$done_rows" -v ns=$((end_ns - start_ns)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
  results+=("$(printf '%-30s %12s %10s %10s %8s %10s %12s' "switchboard ingest, $1" "$rps" "$p50" "$p99" "$bad" "$stored" "$drain")")
  eval "${1}_rps=$rps"
}

run_backend sqlite "sqlite://$work/inbox.db"

start_postgres "$PG_PORT" "$work"
fresh_postgres_db "$PG_PORT" bench
run_backend postgresql "postgresql://postgres@127.0.0.1:$PG_PORT/bench"

# The reference gets the very requests switchboard got, through the same wrk script: on a 2-core
# machine the Lua client that signs-by-lookup and formats each body shares the CPU with the
# server, so a script-less GET would flatter nginx by the client's cost. It is printed too.
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/ingest.lua \
  "http://127.0.0.1:$NGINX_PORT/webhooks/courier" -- "$work/signatures.txt" 2 bench >"$work/wrk-nginx.txt"
read -r ng_rps ng_p50 ng_p99 ng_bad < <(wrk_figures "$work/wrk-nginx.txt")
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$NGINX_PORT/" >"$work/wrk-nginx-get.txt"
read -r get_rps get_p50 get_p99 get_bad < <(wrk_figures "$work/wrk-nginx-get.txt")

printf '%-30s %12s %10s %10s %8s %10s %12s\n' "($CONNECTIONS conns, ${DURATION}s)" "requests/s" "p50" "p99" "non-2xx" "stored" "drained/s"
for line in "${results[@]}"; do echo "$line"; done
printf '%-30s %12s %10s %10s %8s\n' "nginx return 200, same POSTs" "$ng_rps" "$ng_p50" "$ng_p99" "$ng_bad"
printf '%-30s %12s %10s %10s %8s\n' "nginx return 200, bare GET" "$get_rps" "$get_p50" "$get_p99" "$get_bad"
awk -v a="$sqlite_rps" -v b="$postgresql_rps" -v n="$ng_rps" -v g="$get_rps" 'BEGIN {
  printf "ratio to nginx (same POSTs): sqlite %.2f, postgresql %.2f (target: sqlite >= 0.5, p99 < 10 ms)\n", a / n, b / n
  printf "ratio to nginx (bare GET):   sqlite %.2f, postgresql %.2f\n", a / g, b / g }'
echo "drained/s: no-op processor, 2 workers, batch 64, measured on the backlog the ingest left"
