#!/usr/bin/env bash
# make down: stops what make up started (in BARBERSHOP_DATA_DIR, as for make up).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
DATA=$(platform_data_dir)

stop_pid() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}
gateway_stop "$DATA/gateway"
stop_pid "$DATA/realtime.pid"
stop_pid "$DATA/core.pid"
postgres_stop "$DATA/postgres"
redis_stop "$DATA/redis"
[ -f "$DATA/rabbitmq/rabbitmq.conf" ] && rabbitmq_stop "$DATA/rabbitmq" "$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$DATA/rabbitmq/rabbitmq.conf")"
echo "stopped"
