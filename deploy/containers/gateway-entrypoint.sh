#!/bin/bash
# Renders the gateway's configuration for the copies named in the environment (see
# gateway.Containerfile) into /tmp/gateway, then runs nginx in the foreground.
set -euo pipefail
args=()
for server in ${GATEWAY_CORE_GRPC:?set GATEWAY_CORE_GRPC to the gRPC addresses of the core copies}; do
  args+=(--core-grpc "$server")
done
for server in ${GATEWAY_CORE_HTTP:-}; do
  args+=(--core-http "$server")
done
for server in ${GATEWAY_REALTIME:?set GATEWAY_REALTIME to the WebSocket addresses of the real-time copies}; do
  args+=(--realtime "$server")
done
[ -z "${GATEWAY_GRPC_LISTEN:-}" ] || args+=(--grpc-listen "$GATEWAY_GRPC_LISTEN")
[ -z "${GATEWAY_HTTP_LISTEN:-}" ] || args+=(--http-listen "$GATEWAY_HTTP_LISTEN")
args+=(--web-root /usr/share/barbershop-web)
dir=/tmp/gateway
/usr/share/barbershop-gateway/render.sh "$dir" "${args[@]}"
# The access log to the container's output, as the error log (-e stderr).
ln -sf /dev/stdout "$dir/logs/access.log"
exec nginx -p "$dir/" -c "$dir/nginx.conf" -e stderr
