#!/usr/bin/env bash
# Writes a gateway folder for one topology: the shared files of deploy/gateway, plus
# upstreams.conf (the copies to balance over) and servers.conf (what listens, plaintext
# or TLS), and the logs/ and temp/ folders nginx writes to.  Then run it with
#   nginx -p DIR -c DIR/nginx.conf -e DIR/logs/error.log
#
# render.sh DIR --core-grpc HOST:PORT... [--core-http HOST:PORT...] [--realtime HOST:PORT...] LISTEN...
#   --core-grpc HOST:PORT   a core copy's gRPC address (once per copy, at least one)
#   --core-http HOST:PORT   a core copy's HTTP address, for the JSON API under /v1/ (once
#                           per copy); without any, /v1/ answers 502
#   --realtime HOST:PORT    a real-time copy's WebSocket address (once per copy); without
#                           any, /websocket/ answers 502 (a topology of the core alone)
#   --web-root DIR          the built web app (web/dist), served at /; without it, /
#                           answers 404
#   --grpc-listen ADDR      plaintext HTTP/2 for gRPC, e.g. 127.0.0.1:50050 or 50050
#   --http-listen ADDR      plaintext HTTP/1.1 for WebSockets and probes, e.g. 127.0.0.1:8000
#   --tls-listen ADDR       TLS, gRPC and HTTP on one port (ALPN), e.g. 443; needs:
#   --tls-cert FILE         the certificate chain (PEM)
#   --tls-key FILE          its private key (PEM)
# At least one of the listens.  Bad or missing settings: a message, exit status 2, and
# nothing written.
set -euo pipefail

usage() {
  echo "render.sh: $1" >&2
  echo "usage: render.sh DIR --core-grpc HOST:PORT... [--core-http HOST:PORT...] [--realtime HOST:PORT...] [--web-root DIR] [--grpc-listen ADDR] [--http-listen ADDR] [--tls-listen ADDR --tls-cert FILE --tls-key FILE]" >&2
  exit 2
}

# HOST:PORT with HOST a name, an IPv4 address or a bracketed IPv6 one: nothing that could
# end an nginx directive.
is_server() { [[ "$1" =~ ^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$ ]] && [ "${1##*:}" -le 65535 ]; }
# A listen address: HOST:PORT or PORT alone (every address).
is_listen() { [[ "$1" =~ ^[0-9]{1,5}$ ]] && [ "$1" -le 65535 ] || is_server "$1"; }
is_path() { [[ "$1" =~ ^/[^[:space:]\;\{\}\"\'\$]*$ ]]; }

[ $# -ge 1 ] || usage "no folder given"
dir=$1
shift
cores=() core_https=() realtimes=() web_root="" grpc_listen="" http_listen="" tls_listen="" tls_cert="" tls_key=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage "$1 needs a value"
  case "$1" in
    --core-grpc) is_server "$2" || usage "--core-grpc '$2' is not HOST:PORT"; cores+=("$2") ;;
    --core-http) is_server "$2" || usage "--core-http '$2' is not HOST:PORT"; core_https+=("$2") ;;
    --realtime) is_server "$2" || usage "--realtime '$2' is not HOST:PORT"; realtimes+=("$2") ;;
    --web-root) is_path "$2" || usage "--web-root '$2' is not an absolute path"; web_root=$2 ;;
    --grpc-listen) is_listen "$2" || usage "--grpc-listen '$2' is not [HOST:]PORT"; grpc_listen=$2 ;;
    --http-listen) is_listen "$2" || usage "--http-listen '$2' is not [HOST:]PORT"; http_listen=$2 ;;
    --tls-listen) is_listen "$2" || usage "--tls-listen '$2' is not [HOST:]PORT"; tls_listen=$2 ;;
    --tls-cert) is_path "$2" || usage "--tls-cert '$2' is not an absolute path"; tls_cert=$2 ;;
    --tls-key) is_path "$2" || usage "--tls-key '$2' is not an absolute path"; tls_key=$2 ;;
    *) usage "unknown option '$1'" ;;
  esac
  shift 2
done
[ ${#cores[@]} -gt 0 ] || usage "no --core-grpc copy"
[ -n "$grpc_listen$http_listen$tls_listen" ] || usage "nothing to listen on: give --grpc-listen, --http-listen or --tls-listen"
if [ -n "$web_root" ] && [ ! -r "$web_root/index.html" ]; then
  usage "--web-root $web_root has no index.html (build the web app: npm run build in web/)"
fi
if [ -n "$tls_listen" ]; then
  [ -n "$tls_cert" ] && [ -n "$tls_key" ] || usage "--tls-listen needs --tls-cert and --tls-key"
  [ -r "$tls_cert" ] || usage "cannot read the certificate $tls_cert"
  [ -r "$tls_key" ] || usage "cannot read the key $tls_key"
elif [ -n "$tls_cert$tls_key" ]; then
  usage "--tls-cert and --tls-key need --tls-listen"
fi

source_dir=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir/logs" "$dir/temp" "$dir/web"
# Without a web app, / is served from an empty folder: every page is a 404.
[ -n "$web_root" ] || web_root="$dir/web"
for file in nginx.conf gateway.conf grpc_routes.conf grpc_proxy.conf http_routes.conf web_headers.conf tls_params.conf; do
  cp "$source_dir/$file" "$dir/$file"
done

{
  echo "# Written by render.sh: the copies behind the gateway."
  echo "upstream barbershop_core_grpc {"
  # In shared memory: every worker process sees the same turns and failures.
  echo "  zone barbershop_core_grpc 256k;"
  # Round robin per call: every gRPC call is its own request, so one client's calls spread
  # over every copy.  A copy that refuses a connection is left alone for a while.
  for server in "${cores[@]}"; do echo "  server $server max_fails=1 fail_timeout=5s;"; done
  echo "  keepalive 64;"
  echo "  keepalive_requests 1000000;"
  echo "}"
  echo "upstream barbershop_core_http {"
  echo "  zone barbershop_core_http 256k;"
  # The JSON API: each request is a call, round robin over the copies as gRPC's are.
  for server in "${core_https[@]}"; do echo "  server $server max_fails=1 fail_timeout=5s;"; done
  [ ${#core_https[@]} -gt 0 ] || echo "  server 127.0.0.1:9 down;"
  echo "  keepalive 64;"
  echo "  keepalive_requests 1000000;"
  echo "}"
  echo "upstream barbershop_realtime {"
  echo "  zone barbershop_realtime 256k;"
  # Sockets live for hours: a new one goes to the copy holding the fewest (counted over
  # every worker process, in the zone).
  echo "  least_conn;"
  for server in "${realtimes[@]}"; do echo "  server $server max_fails=1 fail_timeout=5s;"; done
  # No copy: an upstream needs a server, and one marked down is never tried.
  [ ${#realtimes[@]} -gt 0 ] || echo "  server 127.0.0.1:9 down;"
  echo "}"
} >"$dir/upstreams.conf.new"

{
  echo "# Written by render.sh: what the gateway listens on."
  if [ -n "$grpc_listen" ]; then
    echo "server {  # gRPC, plaintext HTTP/2"
    echo "  listen $grpc_listen http2;"
    echo "  include grpc_routes.conf;"
    echo "}"
  fi
  if [ -n "$http_listen" ]; then
    echo "server {  # the JSON API, WebSockets and probes, plaintext HTTP/1.1"
    echo "  listen $http_listen;"
    echo "  root $web_root;"
    echo "  include http_routes.conf;"
    echo "}"
  fi
  if [ -n "$tls_listen" ]; then
    echo "server {  # TLS: gRPC over HTTP/2, WebSockets and probes over HTTP/1.1, by ALPN"
    echo "  listen $tls_listen ssl http2;"
    echo "  root $web_root;"
    echo "  ssl_certificate $tls_cert;"
    echo "  ssl_certificate_key $tls_key;"
    echo "  include tls_params.conf;"
    echo "  include grpc_routes.conf;"
    echo "  include http_routes.conf;"
    echo "}"
  fi
} >"$dir/servers.conf.new"
mv "$dir/upstreams.conf.new" "$dir/upstreams.conf"
mv "$dir/servers.conf.new" "$dir/servers.conf"
