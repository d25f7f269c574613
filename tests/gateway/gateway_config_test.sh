#!/usr/bin/env bash
# deploy/gateway: render.sh writes folders that nginx accepts (nginx -t), plaintext and
# TLS with a throwaway self-signed certificate, and refuses bad settings with a message and
# exit status 2, writing nothing.
set -uo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
render=$source_dir/deploy/gateway/render.sh
work=$(mktemp -d /tmp/barbershop-gateway-config.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

nginx_accepts() {
  local dir=$1
  nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" 2>"$dir/nginx-t.out" || {
    cat "$dir/nginx-t.out" >&2; return 1; }
}

# Plaintext, as make up and make test run it: one core and one copy each.
"$render" "$work/plain" --core-grpc 127.0.0.1:50051 --core-http 127.0.0.1:8080 --realtime 127.0.0.1:8081 \
  --grpc-listen 127.0.0.1:50050 --http-listen 127.0.0.1:8000 || fail "render refused a plaintext topology"
nginx_accepts "$work/plain" || fail "nginx -t refused the plaintext topology"
grep -q "listen 127.0.0.1:50050 http2;" "$work/plain/servers.conf" || fail "no HTTP/2 listen for gRPC"
grep -q "ssl" "$work/plain/servers.conf" && fail "a plaintext topology has a TLS server"

# The core alone (make test's stack): /websocket/ has no copy to go to.
"$render" "$work/core-only" --core-grpc 127.0.0.1:50051 --grpc-listen 127.0.0.1:50050 \
  --http-listen 127.0.0.1:8000 || fail "render refused a topology without real-time copies"
nginx_accepts "$work/core-only" || fail "nginx -t refused a topology without real-time copies"

# The web app: served from the folder given, with its security headers; without one, /
# comes from an empty folder of the gateway's own.
mkdir -p "$work/site"
echo '<!doctype html>' >"$work/site/index.html"
"$render" "$work/web" --core-grpc 127.0.0.1:50051 --core-http 127.0.0.1:8080 --realtime 127.0.0.1:8081 \
  --web-root "$work/site" --http-listen 127.0.0.1:8000 || fail "render refused a web root"
nginx_accepts "$work/web" || fail "nginx -t refused the topology with a web root"
grep -q "root $work/site;" "$work/web/servers.conf" || fail "the web root is not the server's root"
grep -q "root $work/plain/web;" "$work/plain/servers.conf" || fail "without a web root, / is not an empty folder"
grep -q "Content-Security-Policy" "$work/web/web_headers.conf" || fail "no Content-Security-Policy for the web app"

# TLS with several copies of each, as a compose file or a scale test has them.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
  -subj /CN=localhost >/dev/null 2>&1 || fail "openssl could not make a certificate"
"$render" "$work/tls" --core-grpc core-1:50051 --core-grpc 127.0.0.2:50051 --core-grpc '[::1]:50051' \
  --core-http core-1:8080 --core-http 127.0.0.2:8080 --core-http '[::1]:8080' --realtime realtime-1:8081 --realtime 127.0.0.3:8081 --http-listen 8000 --tls-listen 127.0.0.1:8443 \
  --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" || fail "render refused a TLS topology"
# Names resolve when nginx starts: give the test's names loopback addresses.
sed -i 's/core-1:/127.0.0.4:/g; s/realtime-1:/127.0.0.5:/' "$work/tls/upstreams.conf"
nginx_accepts "$work/tls" || fail "nginx -t refused the TLS topology"
grep -q "listen 127.0.0.1:8443 ssl http2;" "$work/tls/servers.conf" || fail "no TLS listen with HTTP/2"
[ "$(grep -c '^  server ' "$work/tls/upstreams.conf")" = 8 ] || fail "not one server line per copy"
grep -q "server 127.0.0.2:8080 max_fails" "$work/tls/upstreams.conf" || fail "no JSON API upstream for a core copy"

# Bad settings: exit status 2, a message, nothing written.
refuses() {
  local why=$1
  shift
  local dir="$work/bad"
  rm -rf "$dir"
  "$render" "$dir" "$@" 2>"$work/bad.err"
  local rc=$?
  [ $rc = 2 ] || fail "$why: exit status $rc, not 2"
  [ -s "$work/bad.err" ] || fail "$why: no message"
  [ -e "$dir" ] && fail "$why: wrote $dir"
  return 0
}
ok=(--core-grpc 127.0.0.1:1 --realtime 127.0.0.1:2)
refuses "no core" --realtime 127.0.0.1:2 --grpc-listen 3
refuses "no listen" "${ok[@]}"
refuses "a directive smuggled in an address" --core-grpc '127.0.0.1:1; include /etc/passwd' --realtime 127.0.0.1:2 --grpc-listen 3
refuses "a JSON API address that is not one" "${ok[@]}" --core-http 'core;' --grpc-listen 3
refuses "a port past 65535" "${ok[@]}" --grpc-listen 70000
refuses "no port" "${ok[@]}" --grpc-listen 127.0.0.1
refuses "TLS without a certificate" "${ok[@]}" --tls-listen 8443
refuses "a certificate that is not there" "${ok[@]}" --tls-listen 8443 --tls-cert /nonexistent.pem --tls-key "$work/key.pem"
refuses "a relative certificate path" "${ok[@]}" --tls-listen 8443 --tls-cert cert.pem --tls-key "$work/key.pem"
refuses "a certificate without a TLS listen" "${ok[@]}" --grpc-listen 3 --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
refuses "a web root without the app in it" "${ok[@]}" --grpc-listen 3 --web-root "$work"
refuses "a relative web root" "${ok[@]}" --grpc-listen 3 --web-root site
refuses "an unknown option" "${ok[@]}" --grpc-listen 3 --bogus 1
refuses "an option without its value" "${ok[@]}" --grpc-listen

if [ $failures -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "gateway configuration: all checks passed"
