#!/usr/bin/env bash
# make test: installs what is missing, builds once with AddressSanitizer and
# UndefinedBehaviorSanitizer, starts a private PostgreSQL on a free port, and runs every
# test (unit, integration, end-to-end) against it; then runs every fuzz target briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
# Compiler cache hits across clones of the project in other folders.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

scripts/install-deps.sh

STACK=$(mktemp -d /tmp/barbershop-test.XXXXXX)
chmod 755 "$STACK"
CORE_PID=""
AMQP_PORT=$(free_port)
cleanup() {
  local rc=$?
  if [ -n "$CORE_PID" ] && kill -0 "$CORE_PID" 2>/dev/null; then
    kill -TERM "$CORE_PID" 2>/dev/null || true
    wait "$CORE_PID" 2>/dev/null || true
  fi
  postgres_stop "$STACK/postgres"
  redis_stop "$STACK/redis"
  rabbitmq_stop "$STACK/rabbitmq" "$AMQP_PORT"
  if [ $rc -ne 0 ]; then
    echo "test stack logs kept in $STACK" >&2
  else
    rm -rf "$STACK"
  fi
  exit $rc
}
trap cleanup EXIT

# RabbitMQ takes seconds to boot: start it first, so that it boots while we build.
rabbitmq_start "$STACK/rabbitmq" "$AMQP_PORT"

cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"

PG_PORT=$(free_port)
PG_FSYNC=off postgres_start "$STACK/postgres" "$PG_PORT"
postgres_createdb "$PG_PORT" barbershop_test
export BARBERSHOP_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/barbershop_test"
REDIS_PORT=$(free_port)
redis_start "$STACK/redis" "$REDIS_PORT"
export BARBERSHOP_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
rabbitmq_wait "$STACK/rabbitmq" "$AMQP_PORT" 120
export BARBERSHOP_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT/"

# A core service process for the tests that talk to a running binary (the seed's client,
# the CLI): the same build, started the way `make up` starts it.
export BARBERSHOP_TEST_JWT_SECRET
BARBERSHOP_TEST_JWT_SECRET="$(head -c 48 /dev/urandom | base64 -w0)"
start_core() {
  GRPC_PORT=$(free_port)
  HTTP_PORT=$(free_port)
  local ready=0
  core_start build/asan/services/core/barbershop-core "$STACK/core.log" "$BARBERSHOP_TEST_DATABASE_URL" \
    "$BARBERSHOP_TEST_AMQP_URL" "$GRPC_PORT" "$HTTP_PORT" "$BARBERSHOP_TEST_JWT_SECRET" \
    BARBERSHOP_OUTBOX_SWEEP_MS=200 BARBERSHOP_DEMO_DATA=true \
    BARBERSHOP_SIGNUPS_PER_ADDRESS=0 BARBERSHOP_LOGIN_FAILURES_PER_ADDRESS=0 BARBERSHOP_MAX_LIVE_BOOKINGS=0 || ready=$?
  CORE_PID=$STARTED_PID
  return $ready
}
# A free port can be taken by another program between choosing it and binding it: try
# again on other ports.
for attempt in 1 2 3; do
  start_core && break
  kill -TERM "$CORE_PID" 2>/dev/null || true
  wait "$CORE_PID" 2>/dev/null || true
  CORE_PID=""
  if [ $attempt = 3 ]; then
    echo "the core service did not start:" >&2
    tail -30 "$STACK/core.log" >&2
    exit 1
  fi
done
export BARBERSHOP_TEST_CORE_ADDRESS="127.0.0.1:$GRPC_PORT"
export BARBERSHOP_TEST_CORE_HTTP="127.0.0.1:$HTTP_PORT"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# TESTS=<regex> runs only the matching tests (while working on one part).
ctest --preset asan -j"$(nproc)" --timeout 300 ${TESTS:+-R "$TESTS"}

# Every fuzz target for FUZZ_SECONDS (20) seconds, from its seeds and what earlier runs
# found; skipped when TESTS picks some tests, unless FUZZ_SECONDS is given (0 skips it).
fuzz_seconds=${FUZZ_SECONDS:-20}
if [ -n "${TESTS:-}" ] && [ -z "${FUZZ_SECONDS:-}" ]; then fuzz_seconds=0; fi
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
