#!/usr/bin/env bash
# make down: stops what make up started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/stack.sh
DATA=${BARBERSHOP_DATA:-$PWD/.data}

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
stop_pid "$DATA/core.pid"
postgres_stop "$DATA/postgres"
echo "stopped"
