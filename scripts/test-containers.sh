#!/usr/bin/env bash
# make test-containers: installs what is missing (podman, mmdebstrap, podman-compose...),
# builds the images (scripts/images.sh; the base image first when missing), starts the
# compose stack (deploy/compose/compose.yaml) on free ports under a project name of its
# own, waits until every container is healthy, and runs against the gateway:
#   seed_client_test       the seed's client (gRPC through the gateway to both cores)
#   EntryPointTest.*       a booking and its confirmation reach the barber's and the
#                          client's sockets (gRPC and WebSockets through the gateway)
# and checks the containers themselves (non-root, read-only, labels, a clean stop on
# SIGTERM).  Prints the image sizes and how long the stack took to become healthy, then
# removes every container and volume it made.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
started=$(date +%s)

scripts/install-deps.sh
scripts/install-deps.sh --containers
source scripts/containers.sh
if ! command -v podman-compose >/dev/null 2>&1; then
  echo "make test-containers needs podman-compose" >&2
  exit 1
fi

# The test programs, built on the host from the release preset: the images' build stage
# then finds the same objects in the compiler cache.  REBUILD=no starts the images and
# runs the test programs already built (while working on the compose file).
if [ "${REBUILD:-yes}" != no ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(nproc)" --target seed_client_test realtime_integration_tests
  built=$(date +%s)
  scripts/images.sh
  echo "host build $((built - started)) s (with the packages), images $(($(date +%s) - built)) s"
fi

# A project name of this run's own (containers PROJECT_SERVICE_1, volumes PROJECT_NAME):
# the process id alone may repeat, e.g. in a fresh CI container beside a leftover stack.
PROJECT=barbershop-test-$$-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
COMPOSE=(podman-compose --podman-path "$PWD/deploy/compose/podman-host-network" -p "$PROJECT" -f deploy/compose/compose.yaml)
UP_LOG=$(mktemp /tmp/barbershop-compose-up.XXXXXX)
# On failure, each container's state and the end of its log.  Then every container and
# volume of this project goes: compose's down first (each container stopped within its
# grace period), then, by the project's label, whatever down left (it reads the compose
# file, which may be what failed).
cleanup() {
  local rc=$? label="label=io.podman.compose.project=$PROJECT" name left
  if [ $rc -ne 0 ]; then
    for name in $(podman ps -a --filter "$label" --format '{{.Names}}'); do
      echo "--- $name, $(podman inspect --format '{{.State.Status}} (exit {{.State.ExitCode}})' "$name"); the end of its log:" >&2
      podman logs --tail 40 "$name" >&2 || true
    done
  fi
  "${COMPOSE[@]}" down -v -t 20 >/dev/null 2>&1 || true
  podman ps -aq --filter "$label" | xargs -r podman rm -f -v >/dev/null 2>&1 || true
  podman volume ls -q --filter "$label" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  rm -f "$UP_LOG"
  [ -z "${KEYS:-}" ] || rm -rf "$KEYS"
  left=$(podman ps -aq --filter "$label"; podman volume ls -q --filter "$label")
  if [ -n "$left" ]; then
    echo "left behind by $PROJECT:" $left >&2
    [ $rc -ne 0 ] || rc=1
  fi
  exit $rc
}
trap cleanup EXIT
trap "exit 130" INT
trap "exit 143" TERM

# Ports on 127.0.0.1 (every container is on the host network), secrets of this run's own.
for name in PG REDIS AMQP EPMD AMQP_DIST CORE1_GRPC CORE1_HTTP CORE2_GRPC CORE2_HTTP REALTIME1 REALTIME2 \
  GATEWAY_GRPC GATEWAY_HTTP; do
  port=$(free_port)
  while [[ " ${taken_ports:-} " == *" $port "* ]]; do port=$(free_port); done
  taken_ports="${taken_ports:-} $port"
  export "BARBERSHOP_${name}_PORT=$port"
done
# The token keys: a pair of this run's own, mounted into the containers (the signing key
# into the cores' only, readable by the services' user, 10001).
KEYS=$(mktemp -d /tmp/barbershop-compose-keys.XXXXXX)
token_keys_make "$KEYS" "containers-$(date -u +%Y%m%d)"
chown 10001:10001 "$KEYS/signing-key.pem"
export BARBERSHOP_TOKEN_KEYS="$KEYS" BARBERSHOP_TOKEN_SIGNING_KEY_ID BARBERSHOP_PG_PASSWORD
BARBERSHOP_TOKEN_SIGNING_KEY_ID=$(cat "$KEYS/signing-key-id")
BARBERSHOP_PG_PASSWORD=$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_')
# The tests sign up and log in from one address (the gateway's), as no shop's customers do.
export BARBERSHOP_SIGNUPS_PER_ADDRESS=0 BARBERSHOP_LOGIN_FAILURES_PER_ADDRESS=0

# Start order: what each container needs is healthy before it starts (podman-compose 1.0.3
# does not wait for depends_on conditions itself).
services=(postgres redis rabbitmq core-1 core-2 realtime-1 realtime-2 gateway)
up_started=$(date +%s%3N)
"${COMPOSE[@]}" up -d --no-build >"$UP_LOG" 2>&1 || { cat "$UP_LOG" >&2; exit 1; }

# podman runs health checks from systemd timers, which this machine may not have: run
# each container's check until it passes.
wait_healthy() {
  local container=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 2))); do
    if podman healthcheck run "$container" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "$container did not become healthy within $seconds s; its log:" >&2
  podman logs --tail 30 "$container" >&2 || true
  return 1
}
for service in "${services[@]}"; do
  wait_healthy "${PROJECT}_${service}_1" 240
done
up_ms=$(($(date +%s%3N) - up_started))
up_seconds="$((up_ms / 1000)).$((up_ms % 1000 / 100)) s"
echo "compose up to every container healthy: $up_seconds"

failed=0
passed=0
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $what" >&2
    failed=$((failed + 1))
  fi
}

GATEWAY_GRPC=127.0.0.1:$BARBERSHOP_GATEWAY_GRPC_PORT
check "seed_client_test through the gateway" \
  env BARBERSHOP_TEST_GATEWAY_GRPC="$GATEWAY_GRPC" build/release/tests/seed_client_test
check "EntryPointTest through the gateway" \
  env BARBERSHOP_TEST_CORE_ADDRESS="$GATEWAY_GRPC" BARBERSHOP_TEST_WS_PORT="$BARBERSHOP_GATEWAY_HTTP_PORT" \
  BARBERSHOP_TEST_REDIS_URL="redis://127.0.0.1:$BARBERSHOP_REDIS_PORT" \
  BARBERSHOP_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$BARBERSHOP_AMQP_PORT/" \
  BARBERSHOP_TEST_TOKEN_SIGNING_KEY="$KEYS/signing-key.pem" BARBERSHOP_TEST_TOKEN_SIGNING_KEY_ID="$BARBERSHOP_TOKEN_SIGNING_KEY_ID" \
  BARBERSHOP_TEST_TOKEN_PUBLIC_KEYS="$KEYS/public" \
  build/release/services/realtime/tests/realtime_integration_tests --gtest_filter='EntryPointTest.*'

check "the web app is served at / through the gateway" \
  bash -c "curl -sf http://127.0.0.1:$BARBERSHOP_GATEWAY_HTTP_PORT/ | grep -q '/assets/app-'"

# The containers themselves.
# The commit the images were built from: this one, or (REBUILD=no) any.
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
[ "${REBUILD:-yes}" != no ] || revision='[0-9a-f]{40}'

for image in core realtime; do
  container=${PROJECT}_${image}-1_1
  check "barbershop-$image runs as uid 10001" \
    test "$(podman exec "$container" id -u)" = 10001
  check "barbershop-$image has a read-only root file system" \
    test "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$container")" = true
  label=$(podman image inspect --format '{{index .Labels "org.opencontainers.image.revision"}}' \
    "localhost/barbershop-$image:latest")
  check "barbershop-$image is labelled with revision $revision (has $label)" \
    grep -Eqx "$revision" <<<"$label"
  # SIGTERM: the service finishes in-flight work and exits 0 well within the grace period
  # (a SIGKILL after it would show as 137).
  stop_started=$(date +%s%3N)
  podman stop -t 20 "${PROJECT}_${image}-2_1" >/dev/null
  stop_ms=$(($(date +%s%3N) - stop_started))
  check "barbershop-$image stops on SIGTERM with status 0 (took ${stop_ms} ms)" \
    test "$(podman inspect --format '{{.State.ExitCode}}' "${PROJECT}_${image}-2_1")" = 0
done

echo
echo "image sizes:"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '/barbershop-[a-z]+:latest|debian:12-slim' | sort
echo "compose up to every container healthy: $up_seconds"
echo "make test-containers took $(($(date +%s) - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
