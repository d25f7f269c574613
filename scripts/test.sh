#!/usr/bin/env bash
# make test: installs what is missing, builds once with AddressSanitizer and
# UndefinedBehaviorSanitizer, starts a private PostgreSQL on a free port, and runs every
# test (unit, integration, end-to-end) against it; then runs every fuzz target briefly.
# make test-tsan: the same tests built with ThreadSanitizer (PRESET=tsan), without fuzzing.
# SHOP_CLOCK=HH:MM make test: the tests and the services they start see a clock that
# reads HH:MM in the shop's zone (Europe/Chisinau) when they start, and runs on from
# there (libfaketime), as does PostgreSQL; Redis, RabbitMQ and nginx keep the real clock.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
# Compiler cache hits across clones of the project in other folders.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

scripts/install-deps.sh

PRESET=${PRESET:-asan}
case "$PRESET" in
  asan | tsan) ;;
  *) echo "PRESET must be asan or tsan, not '$PRESET'" >&2; exit 2 ;;
esac

# SHOP_CLOCK: FAKE_CLOCK becomes the environment that moves a process's clock forward to
# the next HH:MM in the shop's zone.  Forward only, so that what the tests book in the
# future is in the future on the database's real clock too.
FAKE_CLOCK=()
if [ -n "${SHOP_CLOCK:-}" ]; then
  if ! [[ "$SHOP_CLOCK" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]]; then
    echo "SHOP_CLOCK must be HH:MM, not '$SHOP_CLOCK'" >&2
    exit 2
  fi
  now=$(date +%s)
  target=$(TZ=Europe/Chisinau date -d "today $SHOP_CLOCK" +%s)
  [ "$target" -gt "$now" ] || target=$(TZ=Europe/Chisinau date -d "tomorrow $SHOP_CLOCK" +%s)
  FAKE_CLOCK=(LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME="+$((target - now))"
              FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_DONT_RESET=1)
  # libfaketime is loaded before the sanitizer's runtime, which the sanitizer allows only
  # when told.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}:verify_asan_link_order=0"
  echo "the tests' clock reads $(TZ=Europe/Chisinau date -d "@$target" '+%F %R %Z') at start"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A data race fails the test that has it; scripts/tsan-suppressions.txt says which reports
# come from libraries built without ThreadSanitizer, and why.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan-suppressions.txt}

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
  gateway_stop "$STACK/gateway"
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

cmake --preset "$PRESET" >/dev/null
cmake --build --preset "$PRESET" -j"$(nproc)"
# The web app's packages, from its lockfile, for its build and its browser tests.
web_build

PG_PORT=$(free_port)
# On the tests' clock (SHOP_CLOCK), as the services are.
(if [ ${#FAKE_CLOCK[@]} -gt 0 ]; then export "${FAKE_CLOCK[@]}"; fi; PG_FSYNC=off postgres_start "$STACK/postgres" "$PG_PORT")
postgres_createdb "$PG_PORT" barbershop_test
export BARBERSHOP_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/barbershop_test"
REDIS_PORT=$(free_port)
redis_start "$STACK/redis" "$REDIS_PORT"
export BARBERSHOP_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
rabbitmq_wait "$STACK/rabbitmq" "$AMQP_PORT" 120
export BARBERSHOP_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT/"

# A token key pair of this run's own: the core signs with the private key, both services
# check with the public keys' folder, and the tests mint their users' tokens with them.
token_keys_make "$STACK/token-keys" "test-$(date -u +%Y%m%d%H%M%S)"
export BARBERSHOP_TEST_TOKEN_SIGNING_KEY="$STACK/token-keys/signing-key.pem"
export BARBERSHOP_TEST_TOKEN_PUBLIC_KEYS="$STACK/token-keys/public"
export BARBERSHOP_TEST_TOKEN_SIGNING_KEY_ID
BARBERSHOP_TEST_TOKEN_SIGNING_KEY_ID=$(cat "$STACK/token-keys/signing-key-id")

# A core service process for the tests that talk to a running binary (the seed's client,
# the CLI): the same build, started the way `make up` starts it.
if ! core_start "build/$PRESET/services/core/barbershop-core" "$STACK/core.log" "$BARBERSHOP_TEST_DATABASE_URL" \
  "$BARBERSHOP_TEST_AMQP_URL" "$STACK/token-keys" \
  BARBERSHOP_OUTBOX_SWEEP_MS=200 BARBERSHOP_DEMO_DATA=true \
  BARBERSHOP_SIGNUPS_PER_ADDRESS=0 BARBERSHOP_LOGIN_FAILURES_PER_ADDRESS=0 BARBERSHOP_MAX_LIVE_BOOKINGS=0 \
  BARBERSHOP_TRUSTED_PROXIES=127.0.0.1 "${FAKE_CLOCK[@]}"; then
  CORE_PID=$STARTED_PID
  echo "the core service did not start:" >&2
  tail -30 "$STACK/core.log" >&2
  exit 1
fi
CORE_PID=$STARTED_PID
GRPC_PORT=$CORE_GRPC_PORT
HTTP_PORT=$CORE_HTTP_PORT
export BARBERSHOP_TEST_CORE_ADDRESS="127.0.0.1:$GRPC_PORT"
export BARBERSHOP_TEST_CORE_HTTP="127.0.0.1:$HTTP_PORT"

# The gateway in front of that core, gRPC and the JSON API, as make up has one (the stack
# has no real-time copy: tests start their own).  On free ports found the way PostgreSQL's and Redis's are, taking
# others should one be gone by the time nginx binds it (gateway_start_free).  The seed's
# client goes through it.
if ! gateway_start_free "$STACK/gateway" --core-grpc "127.0.0.1:$GRPC_PORT" --core-http "127.0.0.1:$HTTP_PORT"; then
  echo "the gateway did not start:" >&2
  gateway_log "$STACK/gateway" | tail -30 >&2
  exit 1
fi
export BARBERSHOP_TEST_GATEWAY_GRPC="127.0.0.1:$GATEWAY_GRPC_PORT"
export BARBERSHOP_TEST_GATEWAY_HTTP="127.0.0.1:$GATEWAY_HTTP_PORT"

# TESTS=<regex> runs only the matching tests (while working on one part).
# CTEST_ARGS adds to ctest's arguments (e.g. "--repeat until-fail:5").
# shellcheck disable=SC2086 # CTEST_ARGS is a list of arguments
env "${FAKE_CLOCK[@]}" ctest --preset "$PRESET" -j"$(nproc)" --timeout 300 ${TESTS:+-R "$TESTS"} ${CTEST_ARGS:-}

# Every fuzz target for FUZZ_SECONDS (20) seconds, from its seeds and what earlier runs
# found; skipped when TESTS picks some tests, unless FUZZ_SECONDS is given (0 skips it).
fuzz_seconds=${FUZZ_SECONDS:-20}
if [ -n "${TESTS:-}" ] && [ -z "${FUZZ_SECONDS:-}" ]; then fuzz_seconds=0; fi
if [ "$PRESET" = tsan ]; then fuzz_seconds=0; fi
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
