#!/usr/bin/env bash
# A call's whole life through the real routes (inbound answered; started, ended, analyzed
# stored, processed, the caller recognised, the request extracted and calls.booking_requested
# published), with the shipped plugins and the example catalog on SQLite, `slots` calls in
# progress at once; then the very same requests against nginx `return 200` in the same run.
#
#   bench/calls_bench.sh [calls, default 2000] [calls in progress, default 100] [paced calls/s, default 200] [sqlite|postgresql]
# First as fast as the server answers (throughput), then paced at a load it sustains (latency).
# Prints figures; it is not a pass/fail test.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx_reference.sh
source bench/postgres_server.sh
CALLS=${1:-2000}
SLOTS=${2:-100}
PACED=${3:-200}
BACKEND=${4:-sqlite}
SB_PORT=18194
NGINX_PORT=18195
PG_PORT=18196
KEY=bench-retell-key

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
start_nginx_reference "$NGINX_PORT" "$work"
case "$BACKEND" in
  sqlite) storage_url="sqlite://$work/sb.db" ;;
  postgresql)
    start_postgres "$PG_PORT" "$work"
    storage_url="postgresql://postgres@127.0.0.1:$PG_PORT/bench"
    ;;
  *) echo "backend: sqlite or postgresql, not $BACKEND" >&2; exit 2 ;;
esac

cat >"$work/switchboard.yaml" <<YAML
server: { listen: "127.0.0.1:$SB_PORT", threads: 2 }
logging: { level: warn }
plugin_dirs: ["$PWD/build/plugins", "$PWD/build/test-plugins"]
storage: { url: "$storage_url", pool_size: 4 }
inbox: { workers: 2, poll_ms: 20 }
plugins:
  directory: { library: directory, config: { tenants: "$PWD/config/tenants" } }
  retell: { library: retell, config: { api_key: "$KEY", base_url: "http://127.0.0.1:9" } }
  calls: { library: calls }
  probe: { library: probe }
routes:
  - { method: POST, path: /webhooks/retell, plugin: retell, handler: webhook, durable: true }
  - { method: POST, path: /webhooks/retell/inbound, plugin: retell, handler: inbound }
  - { method: GET, path: /events, plugin: probe, handler: events }
events:
  retell.call_started: [ { handler: calls.on_call_report, transaction: true } ]
  retell.call_ended: [ { handler: calls.on_call_report, transaction: true } ]
  retell.call_analyzed: [ { handler: calls.on_call_report, transaction: true } ]
  calls.booking_requested: [ probe.record ]
YAML
serve() {  # a fresh database each time: the probe's record starts empty too
  rm -f "$work"/sb.db*
  [ "$BACKEND" = postgresql ] && fresh_postgres_db "$PG_PORT" bench
  SWITCHBOARD_SECRETS_KEY=$(head -c 32 /dev/urandom | base64) SALON_MITTE_CALCOM_KEY=bench SALON_MITTE_CALCOM_WEBHOOK_SECRET=bench \
    build/bin/switchboard serve --config "$work/switchboard.yaml" 2>>"$work/switchboard.log" &
  sb_pid=$!
  until curl -sf "http://127.0.0.1:$SB_PORT/api/health" >/dev/null 2>&1; do :; done
}

serve
echo "== switchboard ($BACKEND, 2 server threads, 2 inbox workers), as fast as it answers"
build/bin/calls_load "http://127.0.0.1:$SB_PORT" "$KEY" "$CALLS" "$SLOTS" tests/fixtures/retell \
  "http://127.0.0.1:$SB_PORT/events" || echo "(calls_load reported failures or losses)"
kill "$sb_pid"; wait "$sb_pid" || true
serve
echo "== switchboard, paced at $PACED calls/s"
build/bin/calls_load "http://127.0.0.1:$SB_PORT" "$KEY" "$((PACED * 20))" "$SLOTS" tests/fixtures/retell \
  "http://127.0.0.1:$SB_PORT/events" "$PACED" || echo "(calls_load reported failures or losses)"
echo "== nginx return 200, the same requests"
build/bin/calls_load "http://127.0.0.1:$NGINX_PORT" "$KEY" "$CALLS" "$SLOTS" tests/fixtures/retell
