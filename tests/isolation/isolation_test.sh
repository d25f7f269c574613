#!/usr/bin/env bash
# make up, make test and make bench side by side on one machine touch nothing of each
# other's.  Starts a second `make up` platform (scripts/up.sh on free ports, in a data
# folder of its own), then, with that platform's servers named in this shell's
# environment (as a user who copied them from make up's output would have them), books
# through core services started the way make test and make bench start theirs, on the
# test stack's servers.  The platform's database and broker must see none of it; a
# booking on the platform itself shows that they would have.
#
#   isolation_test.sh BUILD_DIR
#
# Reads BARBERSHOP_TEST_DATABASE_URL and BARBERSHOP_TEST_AMQP_URL (the test stack's
# PostgreSQL and RabbitMQ, started by make test).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: isolation_test.sh BUILD_DIR}" && pwd)
test_db_url=${BARBERSHOP_TEST_DATABASE_URL:?the test runner must start PostgreSQL}
test_amqp_url=${BARBERSHOP_TEST_AMQP_URL:?the test runner must start RabbitMQ}
core_bin=$build/services/core/barbershop-core
realtime_bin=$build/services/realtime/barbershop-realtime
cli=$build/apps/cli/barbershop
cd "$root"
source scripts/stack.sh

work=$(mktemp -d /tmp/barbershop-isolation.XXXXXX)
chmod 755 "$work"
export BARBERSHOP_DATA_DIR=$work/platform BARBERSHOP_BUILD_DIR=$build
export HOME=$work/home XDG_CONFIG_HOME=$work/config
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
admin_url=${test_db_url%/*}/postgres
suffix=$RANDOM$RANDOM
bench_db=isolation_bench_$suffix
test_db=isolation_test_$suffix
pids=()
passed=0
platform_up=no

cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ $platform_up = no ] || scripts/down.sh >/dev/null 2>&1 || true
  for db in "$bench_db" "$test_db"; do
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [ $rc -ne 0 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT

fail() {  # a step the checks after it need
  echo "FAILED: $1" >&2
  exit 1
}
# check DESCRIPTION COMMAND...: "ok" or "not ok" (then the test fails at its end).
failed=0
check() {
  local what=$1
  shift
  passed=$((passed + 1))
  if "$@"; then echo "ok $passed - $what"; else echo "not ok $passed - $what"; failed=$((failed + 1)); fi
}
equal() { [ "$1" = "$2" ] || { echo "  expected: $2"$'\n'"  got:      $1"; return 1; }; }
in_file() { grep -q -- "$1" "$2" || { echo "  not in $2: $1"; return 1; }; }

# ---- A second make up platform, on free ports ------------------------------------------
# A port found free may be taken before RabbitMQ or PostgreSQL binds it: try other ports.
for attempt in 1 2 3; do
  for name in PG REDIS AMQP GRPC HTTP WS GATEWAY_GRPC GATEWAY_HTTP; do export "BARBERSHOP_${name}_PORT=$(free_port)"; done
  started=$SECONDS
  platform_up=yes
  scripts/up.sh >"$work/up.log" 2>&1 && break
  scripts/down.sh >/dev/null 2>&1 || true
  [ $attempt = 3 ] && { tail -30 "$work/up.log" >&2; fail "make up on free ports did not start"; }
  rm -rf "$BARBERSHOP_DATA_DIR"
done
echo "# make up started a second platform on other ports in $((SECONDS - started)) s"
platform_db="postgresql://postgres@127.0.0.1:$BARBERSHOP_PG_PORT/barbershop"
platform_core="127.0.0.1:$BARBERSHOP_GRPC_PORT"
platform_ws=$BARBERSHOP_WS_PORT

# What the platform has seen: its appointments and outbox rows, and every event its
# real-time service took from the broker (delivered, duplicate, retried, dead-lettered).
platform_appointments() {
  psql "$platform_db" -tAc "SELECT (SELECT count(*) FROM appointments) || ' appointments, ' ||
                                   (SELECT count(*) FROM outbox) || ' outbox rows'"
}
platform_events() {
  curl -fsS "http://127.0.0.1:$platform_ws/metrics" |
    awk '/^realtime_(events|dead_letters)_total/ { n += $2 } END { printf "%d events from the broker\n", n }'
}
appointments_before=$(platform_appointments)
events_before=$(platform_events)

# From here on, this shell names the platform's servers: a service started without its
# own would take them.
export BARBERSHOP_DATABASE_URL=$platform_db
export BARBERSHOP_AMQP_URL="amqp://guest:guest@127.0.0.1:$BARBERSHOP_AMQP_PORT/"
export BARBERSHOP_REDIS_URL="redis://127.0.0.1:$BARBERSHOP_REDIS_PORT"
export BARBERSHOP_CORE_ADDRESS=$platform_core

slot() {  # a Monday-to-Saturday 10:00, a week or more ahead
  local day
  day=$(date -d '+8 days' +%F)
  [ "$(date -d "$day" +%u)" = 7 ] && day=$(date -d "$day +1 day" +%F)
  echo "${day}T10:00"
}
# book SERVER: the demo customer books Ana through the core at SERVER; prints the id.
book() {
  "$cli" --server "$1" login --email demo@barbershop.test --password barbershop-demo >/dev/null
  "$cli" --server "$1" book --barber Ana --at "$(slot)" | head -n 1
}
scalar() { psql "$1" -tAc "$2"; }
token_keys_make "$work/token-keys" "isolation-$(date -u +%Y%m%d)"

# ---- make bench's way: a core on its own database, with no broker ----------------------
psql "$admin_url" -qc "CREATE DATABASE $bench_db"
bench_url=${test_db_url%/*}/$bench_db
core_start "$core_bin" "$work/bench_core.log" "$bench_url" none "$work/token-keys" BARBERSHOP_DEMO_DATA=true ||
  { pids+=("$STARTED_PID"); tail -20 "$work/bench_core.log" >&2; fail "the bench's core did not start"; }
pids+=("$STARTED_PID")
grpc=$CORE_GRPC_PORT http=$CORE_HTTP_PORT
id=$(book "127.0.0.1:$grpc") && [ -n "$id" ] || fail "booking through the bench's core"
# What the pgbench script writes beside the service's bookings: outbox rows of its own.
psql "$bench_url" -qc "INSERT INTO outbox (event_id, aggregate_id, routing_key, payload)
                       SELECT gen_random_uuid(), gen_random_uuid(), 'appointment.created', '{}' FROM generate_series(1, 50)"
check "a core without a broker says on /readyz that its relay is idle" \
  equal "$(curl -fsS "http://127.0.0.1:$http/readyz")" "ready; no broker: the outbox relay is idle"
check "its log says so too" in_file "no broker" "$work/bench_core.log"
check "its log names its database URL and where that came from" in_file \
  "database URL: postgresql://postgres@127.0.0.1:[0-9]*/$bench_db (from environment BARBERSHOP_DATABASE_URL)" \
  "$work/bench_core.log"

# ---- make test's way: a core on its own database, relaying to the test broker ---------
psql "$admin_url" -qc "CREATE DATABASE $test_db"
test_url=${test_db_url%/*}/$test_db
core_start "$core_bin" "$work/test_core.log" "$test_url" "$test_amqp_url" "$work/token-keys" \
  BARBERSHOP_DEMO_DATA=true BARBERSHOP_OUTBOX_SWEEP_MS=100 ||
  { pids+=("$STARTED_PID"); tail -20 "$work/test_core.log" >&2; fail "the test's core did not start"; }
pids+=("$STARTED_PID")
grpc=$CORE_GRPC_PORT http=$CORE_HTTP_PORT
id=$(book "127.0.0.1:$grpc") && [ -n "$id" ] || fail "booking through the test's core"
sent="SELECT count(*) FROM outbox WHERE aggregate_id = '$id' AND sent_at IS NOT NULL"
for _ in $(seq 1 300); do
  [ "$(scalar "$test_url" "$sent")" = 1 ] && break
  sleep 0.1
done
check "a core of the test stack relays its booking's event" equal "$(scalar "$test_url" "$sent")" 1
check "its log names its RabbitMQ URL, password masked, and where that came from" in_file \
  "RabbitMQ URL: amqp://guest:\*\*\*@127.0.0.1:[0-9]*/ (from environment BARBERSHOP_AMQP_URL)" "$work/test_core.log"
check "the booking and the pgbench rows stay in the bench database's outbox" \
  equal "$(scalar "$bench_url" "SELECT count(*) FROM outbox WHERE sent_at IS NULL")" 51

# ---- A service that names no server does not start -------------------------------------
rc=0
env -u BARBERSHOP_DATABASE_URL BARBERSHOP_TOKEN_SIGNING_KEY="$work/token-keys/signing-key.pem" \
  BARBERSHOP_TOKEN_SIGNING_KEY_ID="$(cat "$work/token-keys/signing-key-id")" \
  BARBERSHOP_TOKEN_PUBLIC_KEYS="$work/token-keys/public" BARBERSHOP_GRPC_ADDRESS=127.0.0.1:0 \
  BARBERSHOP_HTTP_ADDRESS=127.0.0.1:0 timeout 60 "$core_bin" >"$work/no_database.out" 2>&1 || rc=$?
check "a core without a database URL stops at start (exit 2)" equal "$rc" 2
check "...saying what to set" in_file "no database URL: set --database-url or BARBERSHOP_DATABASE_URL" \
  "$work/no_database.out"
rc=0
env -u BARBERSHOP_REDIS_URL BARBERSHOP_TOKEN_PUBLIC_KEYS="$work/token-keys/public" BARBERSHOP_WS_ADDRESS=127.0.0.1:0 \
  timeout 60 "$realtime_bin" >"$work/no_redis.out" 2>&1 || rc=$?
check "a real-time service without a Redis URL stops at start (exit 2)" equal "$rc" 2
check "...saying what to set" in_file "no Redis URL: set --redis-url or BARBERSHOP_REDIS_URL" "$work/no_redis.out"

# ---- The platform saw none of it -------------------------------------------------------
check "the platform's database saw nothing" equal "$(platform_appointments)" "$appointments_before"
check "the platform's broker saw nothing" equal "$(platform_events)" "$events_before"

# ...and would have: a booking on the platform itself, made through its gateway as its
# clients make them, shows in both, as one event more (by then anything published earlier
# to its broker has arrived too).
id=$(book "127.0.0.1:$BARBERSHOP_GATEWAY_GRPC_PORT") && [ -n "$id" ] || fail "booking through the platform's gateway"
for _ in $(seq 1 300); do
  [ "$(platform_events)" != "$events_before" ] && break
  sleep 0.1
done
check "a booking on the platform shows in its database" \
  equal "$(scalar "$platform_db" "SELECT count(*) FROM appointments WHERE id = '$id'")" 1
check "...and in its broker, one event after none" \
  equal "$(platform_events)" "$(( ${events_before%% *} + 1 )) events from the broker"

# ---- make down stops the second platform -----------------------------------------------
scripts/down.sh >/dev/null
platform_up=no
still_open=""
for port in "$BARBERSHOP_PG_PORT" "$BARBERSHOP_REDIS_PORT" "$BARBERSHOP_AMQP_PORT" "$BARBERSHOP_GRPC_PORT" \
  "$BARBERSHOP_HTTP_PORT" "$BARBERSHOP_WS_PORT" "$BARBERSHOP_GATEWAY_GRPC_PORT" "$BARBERSHOP_GATEWAY_HTTP_PORT"; do
  ! port_in_use "$port" || still_open="$still_open $port"
done
check "make down with the same data folder stops it" equal "$still_open" ""

echo "$((passed - failed)) of $passed passed"
[ $failed = 0 ]
