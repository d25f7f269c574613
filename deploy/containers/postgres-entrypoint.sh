#!/bin/bash
# Makes the cluster in $PGDATA on first start (password authentication over TCP, the
# database POSTGRES_DB), then runs PostgreSQL in the foreground.
set -euo pipefail
port=${POSTGRES_PORT:-5432}
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "postgres: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2
    exit 2
  fi
  password_file=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
  initdb -D "$PGDATA" -U postgres -E UTF8 --auth-local=peer --auth-host=scram-sha-256 \
    --pwfile="$password_file" >/dev/null
  rm -f "$password_file"
  echo "CREATE DATABASE \"${POSTGRES_DB:-barbershop}\";" | postgres --single -D "$PGDATA" -j postgres >/dev/null
fi
exec postgres -D "$PGDATA" -p "$port" -k /tmp -c listen_addresses="${POSTGRES_LISTEN:-127.0.0.1}" \
  -c max_connections="${POSTGRES_MAX_CONNECTIONS:-300}" "$@"
