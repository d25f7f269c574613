#!/usr/bin/env bash
# Starting and stopping the project's own PostgreSQL, Redis and RabbitMQ on loopback,
# in a data folder of the project's.  Sourced by up.sh, down.sh and test.sh.

PG_BIN=/usr/lib/postgresql/15/bin

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a free TCP port on 127.0.0.1 from a shuffled range.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( (RANDOM % 20000) + 30000 ))
    if ! port_in_use "$port"; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

# postgres_start DIR PORT: initdb on first use, then start on 127.0.0.1:PORT.
postgres_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres mkdir -p "$dir/data" "$dir/run"
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; return 1; }
  fi
  if as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    return 0
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${PG_FSYNC:-on}" \
    start >/dev/null || { tail -20 "$dir/postgres.log" >&2; return 1; }
}

postgres_stop() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# postgres_createdb PORT NAME: creates the database if missing.
postgres_createdb() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

# wait_http URL SECONDS
wait_http() {
  local url=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 10))); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}
