#!/usr/bin/env bash
# Throughput and latency of a trivial plugin route against nginx `return 200`, measured in the
# same run on the same machine (these 2-core machines are noisy: compare the ratio). wrk sends
# no Connection header, as webhook senders do not, so keep-alive must be the server's default.
#
#   bench/http_bench.sh [seconds per run, default 10] [connections, default 64]
# Prints figures; it is not a pass/fail test.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx_reference.sh
DURATION=${1:-10}
CONNECTIONS=${2:-64}
SB_PORT=18181
NGINX_PORT=18182

scripts/build >/dev/null
work=$(mktemp -d)
cleanup() {
  [ -n "${sb_pid:-}" ] && kill "$sb_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/switchboard.yaml" <<YAML
server: { listen: "127.0.0.1:$SB_PORT", threads: 2 }
logging: { level: warn }
plugin_dirs: ["$PWD/build/plugins"]
plugins:
  hello: { library: hello }
routes:
  - { method: GET, path: /hello, plugin: hello, handler: greet }
events:
  hello.greeted: [ hello.count ]
YAML


# Start-up: from exec to the first healthy /api/health. Probed with bash's /dev/tcp, not curl:
# on these machines starting a curl process takes 10-20 ms, which the figure would include.
healthy() {
  { exec 3<>"/dev/tcp/127.0.0.1/$SB_PORT"; } 2>/dev/null || return 1
  printf 'GET /api/health HTTP/1.0\r\n\r\n' >&3
  local status=""
  read -r _ status _ <&3 || true
  exec 3<&-
  [ "$status" = 200 ]
}
start_ns=$(date +%s%N)
build/bin/switchboard serve --config "$work/switchboard.yaml" 2>"$work/switchboard.log" &
sb_pid=$!
until healthy; do :; done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

start_nginx_reference "$NGINX_PORT" "$work"

measure() {  # url -> "requests/s p50 p99"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" >"$work/wrk.txt"
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  echo "$rps $p50 $p99"
}

read -r sb_rps sb_p50 sb_p99 < <(measure "http://127.0.0.1:$SB_PORT/hello")
read -r ng_rps ng_p50 ng_p99 < <(measure "http://127.0.0.1:$NGINX_PORT/")
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$sb_pid/status")

printf '%-28s %12s %10s %10s\n' "target ($CONNECTIONS conns, ${DURATION}s)" "requests/s" "p50" "p99"
printf '%-28s %12s %10s %10s\n' "switchboard GET /hello" "$sb_rps" "$sb_p50" "$sb_p99"
printf '%-28s %12s %10s %10s\n' "nginx return 200" "$ng_rps" "$ng_p50" "$ng_p99"
awk -v a="$sb_rps" -v b="$ng_rps" 'BEGIN { printf "ratio switchboard/nginx: %.2f (target >= 0.75)\n", a / b }'
echo "switchboard RSS after the run: $((rss_kb / 1024)) MB (target < 30 MB)"
echo "switchboard start-up to healthy /api/health: ${startup_ms} ms (target < 100 ms)"
