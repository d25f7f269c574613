#!/usr/bin/env bash
# make bench: builds the release preset, starts a private PostgreSQL and the core
# service on free ports, and prints the figures that docs/benchmarks.md records.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
# Compiler cache hits across clones of the project in other folders.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

CLIENTS=${BENCH_CLIENTS:-16}
SECONDS_EACH=${BENCH_SECONDS:-10}

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target barbershop-core core_bench micro_bench

STACK=$(mktemp -d /tmp/barbershop-bench.XXXXXX)
chmod 755 "$STACK"
CORE_PID=""
cleanup() {
  if [ -n "$CORE_PID" ]; then kill -TERM "$CORE_PID" 2>/dev/null || true; wait "$CORE_PID" 2>/dev/null || true; fi
  postgres_stop "$STACK/postgres"
  rm -rf "$STACK"
}
trap cleanup EXIT

PG_PORT=$(free_port)
postgres_start "$STACK/postgres" "$PG_PORT"
postgres_createdb "$PG_PORT" barbershop
DB_URL="postgresql://postgres@127.0.0.1:$PG_PORT/barbershop"
GRPC_PORT=$(free_port)
HTTP_PORT=$(free_port)
BARBERSHOP_DATABASE_URL="$DB_URL" BARBERSHOP_GRPC_ADDRESS="127.0.0.1:$GRPC_PORT" \
BARBERSHOP_HTTP_ADDRESS="127.0.0.1:$HTTP_PORT" BARBERSHOP_JWT_SECRET="$(head -c 48 /dev/urandom | base64 -w0)" \
BARBERSHOP_DB_POOL_SIZE="$CLIENTS" BARBERSHOP_LOG_LEVEL=warn \
  build/release/services/core/barbershop-core >"$STACK/core.log" 2>&1 &
CORE_PID=$!
wait_http "http://127.0.0.1:$HTTP_PORT/readyz" 60 || { tail -20 "$STACK/core.log" >&2; exit 1; }

echo "== micro benchmarks"
build/release/bench/micro_bench --benchmark_min_time=0.2

echo "== core service: $CLIENTS clients, ${SECONDS_EACH}s per phase"
build/release/bench/core_bench --core "127.0.0.1:$GRPC_PORT" --database-url "$DB_URL" --clients "$CLIENTS" \
  --seconds "$SECONDS_EACH" --pairs-out "$STACK/pairs" | tee "$STACK/core_bench.out"

echo "== pgbench: the same booking SQL, $CLIENTS clients, ${SECONDS_EACH}s"
scripts=()
while read -r barber client; do
  f="$STACK/booking_$barber.sql"
  sed -e "s/@BARBER@/$barber/g" -e "s/@CLIENT@/$client/g" bench/pgbench_booking.sql.in >"$f"
  scripts+=(-f "$f@1")
done <"$STACK/pairs"
pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" \
  "${scripts[@]}" barbershop >"$STACK/pgbench.out" 2>&1 || { cat "$STACK/pgbench.out" >&2; exit 1; }
grep -E "^(tps|latency average|number of failed)" "$STACK/pgbench.out"

service_tps=$(sed -n 's/^CreateAppointment.*throughput=\([0-9.]*\).*/\1/p' "$STACK/core_bench.out")
pgbench_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$STACK/pgbench.out")
awk -v s="$service_tps" -v p="$pgbench_tps" \
  'BEGIN { printf "booking throughput: service %.1f/s, pgbench %.1f/s, ratio %.0f%% (target at least 60%%)\n", s, p, 100 * s / p }'
