#!/usr/bin/env bash
# make up: installs what is missing, builds, starts PostgreSQL, Redis, RabbitMQ, both
# services and the gateway (nginx, the one entry point) on loopback with demo data, and
# says where to point a client.  Safe to run twice.
#
# A second platform beside the first takes other ports and another data folder (make down
# with the same BARBERSHOP_DATA_DIR stops it):
#   BARBERSHOP_DATA_DIR   data folder (.data)
#   BARBERSHOP_PG_PORT, BARBERSHOP_REDIS_PORT, BARBERSHOP_AMQP_PORT (55432, 56379, 55672)
#   BARBERSHOP_GRPC_PORT, BARBERSHOP_HTTP_PORT, BARBERSHOP_WS_PORT (50051, 8080, 8081)
#   BARBERSHOP_GATEWAY_GRPC_PORT, BARBERSHOP_GATEWAY_HTTP_PORT (50050, 8000): the gateway's
#     gRPC port and its HTTP one (WebSockets, probes)
#   BARBERSHOP_BUILD_DIR  run the binaries already built there (e.g. build/asan), no build
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
# Compiler cache hits across clones of the project in other folders.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

DATA=$(platform_data_dir)
PG_PORT=${BARBERSHOP_PG_PORT:-55432}
REDIS_PORT=${BARBERSHOP_REDIS_PORT:-56379}
AMQP_PORT=${BARBERSHOP_AMQP_PORT:-55672}
GRPC_PORT=${BARBERSHOP_GRPC_PORT:-50051}
HTTP_PORT=${BARBERSHOP_HTTP_PORT:-8080}
WS_PORT=${BARBERSHOP_WS_PORT:-8081}
GATEWAY_GRPC_PORT=${BARBERSHOP_GATEWAY_GRPC_PORT:-50050}
GATEWAY_HTTP_PORT=${BARBERSHOP_GATEWAY_HTTP_PORT:-8000}
BUILD=${BARBERSHOP_BUILD_DIR:-build/release}

if [ -z "${BARBERSHOP_BUILD_DIR:-}" ]; then
  scripts/install-deps.sh
  cmake --preset release >/dev/null
fi
mkdir -p "$DATA"
rabbit_ours=no
if [ -f "$DATA/rabbitmq/server.launcher.pid" ] && kill -0 "$(cat "$DATA/rabbitmq/server.launcher.pid")" 2>/dev/null; then
  rabbit_ours=yes
elif ! port_in_use "$AMQP_PORT"; then
  rabbitmq_start "$DATA/rabbitmq" "$AMQP_PORT"  # boots while we build
  rabbit_ours=yes
fi
if [ -z "${BARBERSHOP_BUILD_DIR:-}" ]; then
  cmake --build --preset release -j"$(nproc)" --target barbershop-core barbershop-realtime barbershop
fi
web_build

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Every WebSocket is a file descriptor: the services get the most the machine allows
# (the default soft limit, often 1024, would refuse a busy shop's sockets).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# A port that something else holds stops us, naming the port.
check_port() {
  local port=$1 what=$2 ours=$3
  if [ "$ours" = yes ]; then return 0; fi
  if port_in_use "$port"; then
    echo "make up: port $port ($what) is already in use by another program; stop it and try again" >&2
    exit 1
  fi
}
pg_ours=no
as_postgres "$PG_BIN/pg_ctl" -D "$DATA/postgres/data" status >/dev/null 2>&1 && pg_ours=yes
core_ours=no
running "$DATA/core.pid" && core_ours=yes
realtime_ours=no
running "$DATA/realtime.pid" && realtime_ours=yes
redis_ours=no
running "$DATA/redis/redis.pid" && redis_ours=yes
gateway_ours=no
running "$DATA/gateway/gateway.pid" && gateway_ours=yes
check_port "$PG_PORT" PostgreSQL "$pg_ours"
check_port "$REDIS_PORT" Redis "$redis_ours"
check_port "$AMQP_PORT" RabbitMQ "$rabbit_ours"
check_port "$GRPC_PORT" "core gRPC" "$core_ours"
check_port "$HTTP_PORT" "core HTTP" "$core_ours"
check_port "$WS_PORT" "real-time WebSocket" "$realtime_ours"
check_port "$GATEWAY_GRPC_PORT" "gateway gRPC" "$gateway_ours"
check_port "$GATEWAY_HTTP_PORT" "gateway HTTP" "$gateway_ours"

postgres_start "$DATA/postgres" "$PG_PORT"
postgres_createdb "$PG_PORT" barbershop
redis_start "$DATA/redis" "$REDIS_PORT"
rabbitmq_wait "$DATA/rabbitmq" "$AMQP_PORT" 120
AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT/"

# Clients reach the services through the gateway on loopback: the services take a client's
# address from the X-Forwarded-For the gateway adds, and believe it from loopback only.
export BARBERSHOP_TRUSTED_PROXIES=127.0.0.1

# The login tokens' development key pair, made once (docs/operations.md, "Token signing
# keys and their rotation"): the core signs with the private key, both services check
# with the public keys in token-keys/public.
KEYS="$DATA/token-keys"
if [ ! -s "$KEYS/signing-key-id" ]; then
  token_keys_make "$KEYS" "dev-$(date -u +%Y%m%d)"
fi

if [ "$core_ours" = no ]; then
  BARBERSHOP_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/barbershop" \
  BARBERSHOP_GRPC_ADDRESS="127.0.0.1:$GRPC_PORT" \
  BARBERSHOP_HTTP_ADDRESS="127.0.0.1:$HTTP_PORT" \
  BARBERSHOP_TOKEN_SIGNING_KEY="$KEYS/signing-key.pem" \
  BARBERSHOP_TOKEN_SIGNING_KEY_ID="$(cat "$KEYS/signing-key-id")" \
  BARBERSHOP_TOKEN_PUBLIC_KEYS="$KEYS/public" \
  BARBERSHOP_AMQP_URL="$AMQP_URL" \
  BARBERSHOP_DEMO_DATA=true \
    nohup "$BUILD/services/core/barbershop-core" >>"$DATA/core.log" 2>&1 &
  echo $! >"$DATA/core.pid"
fi
if [ "$realtime_ours" = no ]; then
  BARBERSHOP_WS_ADDRESS="127.0.0.1:$WS_PORT" \
  BARBERSHOP_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  BARBERSHOP_AMQP_URL="$AMQP_URL" \
  BARBERSHOP_CORE_ADDRESS="127.0.0.1:$GRPC_PORT" \
  BARBERSHOP_TOKEN_PUBLIC_KEYS="$KEYS/public" \
    nohup "${LIVE_FIRST[@]}" "$BUILD/services/realtime/barbershop-realtime" >>"$DATA/realtime.log" 2>&1 &
  echo $! >"$DATA/realtime.pid"
fi
if ! wait_http "http://127.0.0.1:$HTTP_PORT/readyz" 60 "$(cat "$DATA/core.pid")"; then
  echo "make up: the core service did not become ready; its log:" >&2
  tail -20 "$DATA/core.log" >&2
  exit 1
fi
if ! wait_http "http://127.0.0.1:$WS_PORT/readyz" 60 "$(cat "$DATA/realtime.pid")"; then
  echo "make up: the real-time service did not become ready; its log:" >&2
  tail -20 "$DATA/realtime.log" >&2
  exit 1
fi

if [ "$gateway_ours" = no ]; then
  if ! gateway_start "$DATA/gateway" "$GATEWAY_GRPC_PORT" "$GATEWAY_HTTP_PORT" \
    --core-grpc "127.0.0.1:$GRPC_PORT" --core-http "127.0.0.1:$HTTP_PORT" --realtime "127.0.0.1:$WS_PORT" \
    --web-root "$PWD/web/dist"; then
    echo "make up: the gateway (nginx) did not start; its log:" >&2
    gateway_log "$DATA/gateway" | tail -20 >&2
    exit 1
  fi
fi

CLI="$BUILD/apps/cli/barbershop --server 127.0.0.1:$GATEWAY_GRPC_PORT"
cat <<TXT

The barbershop platform is running.  Clients go through the gateway (nginx):
  Web app (point a browser): http://127.0.0.1:$GATEWAY_HTTP_PORT/
  gRPC (UserService):        127.0.0.1:$GATEWAY_GRPC_PORT   (reflection and health are on)
  JSON API:                  http://127.0.0.1:$GATEWAY_HTTP_PORT/v1/barbers   (every call; docs/api/openapi.yaml)
  WebSocket:                 ws://127.0.0.1:$GATEWAY_HTTP_PORT/websocket/client/<user_id>/appointments?token=<token>
                             ws://127.0.0.1:$GATEWAY_HTTP_PORT/websocket/barber/<barber_id>/appointments
                             ws://127.0.0.1:$GATEWAY_HTTP_PORT/websocket/appointment/<appointment_id>/chat
  HTTP:                      http://127.0.0.1:$GATEWAY_HTTP_PORT/healthz (the gateway's own)
Behind it, for debugging:
  core:                      gRPC 127.0.0.1:$GRPC_PORT, http://127.0.0.1:$HTTP_PORT/healthz  /readyz  /metrics
  real-time:                 ws://127.0.0.1:$WS_PORT/websocket/..., http://127.0.0.1:$WS_PORT/healthz /readyz /metrics
  PostgreSQL:                postgresql://postgres@127.0.0.1:$PG_PORT/barbershop
  Redis:                     redis://127.0.0.1:$REDIS_PORT
  RabbitMQ:                  $AMQP_URL (exchange barbershop.events)
  logs:                      $DATA/core.log  $DATA/realtime.log  $DATA/gateway/logs/

Demo logins (password: barbershop-demo): demo@barbershop.test (customer),
ana@barbershop.test, ion@barbershop.test, elena@barbershop.test (barbers), admin@barbershop.test.

Try the CLI:
  $CLI login --email demo@barbershop.test --password barbershop-demo
  $CLI barbers
  $CLI book --barber Ana --at "$(date -d 'next monday' +%Y-%m-%d)T10:00"
Or the JSON API:
  curl -s http://127.0.0.1:$GATEWAY_HTTP_PORT/v1/barbers/Ana/slots?date=$(date -d 'next monday' +%Y-%m-%d)
TXT
if command -v grpcurl >/dev/null; then
  echo "  grpcurl -plaintext 127.0.0.1:$GATEWAY_GRPC_PORT list"
fi
echo
echo "Stop everything with: $( [ "$DATA" = "$PWD/.data" ] && echo "make down" || echo "BARBERSHOP_DATA_DIR=$DATA make down")"
