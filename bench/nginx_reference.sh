# Sourced by the benchmarks: nginx `return 200` on 127.0.0.1:$1, files in $2 (the caller's
# temporary folder, whose cleanup stops it through $2/nginx.pid). The same-run reference that
# makes figures from these noisy 2-core machines comparable.
start_nginx_reference() {
  local port=$1 dir=$2
  cat >"$dir/nginx.conf" <<CONF
daemon on;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
  uwsgi_temp_path $dir; scgi_temp_path $dir;
  server { listen 127.0.0.1:$port; location / { return 200 "ok"; } }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir"
  until curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1; do :; done
}
