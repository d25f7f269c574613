#!/usr/bin/env bash
# Starting and stopping the project's own PostgreSQL, Redis and RabbitMQ on loopback,
# in a data folder of the project's.  Sourced by up.sh, down.sh and test.sh.

PG_BIN=/usr/lib/postgresql/15/bin
GATEWAY_RENDER=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/deploy/gateway/render.sh

# The data folder of make up and make down: BARBERSHOP_DATA_DIR (BARBERSHOP_DATA, its
# older name), else .data in the project, as an absolute path.
platform_data_dir() {
  local dir=${BARBERSHOP_DATA_DIR:-${BARBERSHOP_DATA:-$PWD/.data}}
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# The clock settings of the caller (scripts/test.sh's SHOP_CLOCK: libfaketime), as
# NAME=value words.  PostgreSQL runs on that clock, so that now() in SQL agrees with the
# services'; Redis and RabbitMQ keep the real one (libfaketime hangs Redis's allocator,
# and neither decides anything by the time of day).
clock_env() {
  local name
  for name in LD_PRELOAD FAKETIME FAKETIME_DONT_FAKE_MONOTONIC FAKETIME_DONT_RESET; do
    if [ -n "${!name:-}" ]; then printf '%s=%s\n' "$name" "${!name}"; fi
  done
}
real_clock() { env -u LD_PRELOAD -u FAKETIME "$@"; }

# Live updates first: RabbitMQ, Redis and the real-time service start with this before
# them, which runs them at a higher CPU priority (nice -5) than PostgreSQL and the core.
# When bookings fill the machine, they then slow the bookings a little, not every
# barber's screen: on two cores, full, a booking's event reached the screen in a p99 of
# 7.8 to 9.5 ms without it and 6.1 to 8.7 ms with it (docs/benchmarks.md).  Only root may
# raise a priority: for anyone else, and where root may not either (a container without
# CAP_SYS_NICE), it is empty and they run as everything else does.
LIVE_FIRST=()
if [ "$(nice -n -5 nice 2>/dev/null || echo 0)" -lt "$(nice)" ]; then LIVE_FIRST=(nice -n -5); fi

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a free TCP port on 127.0.0.1 from a shuffled range.
free_port() {
  local port
  for _ in $(seq 1 200); do
    # Below Linux's ephemeral range (32768 and up), which outgoing connections take.
    port=$(( (RANDOM % 20000) + 12000 ))
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
  # shellcheck disable=SC2046 # one NAME=value word each
  as_postgres env $(clock_env) "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
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

# wait_http URL SECONDS [PID]: until URL answers 2xx; gives up early when PID exits.
wait_http() {
  local url=$1 seconds=$2 pid=${3:-}
  for _ in $(seq 1 $((seconds * 10))); do
    # The process that should answer has exited (a taken port, a bad setting): give up now.
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    if curl -fsS "$url" >/dev/null 2>&1; then
      # ...and it is that process answering, not another one on the same port.
      if [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null; then return 0; fi
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# web_build: the web app into web/dist (web/build.mjs), its npm packages first installed
# exactly as web/package-lock.json lists them whenever the lockfile is newer than the
# last install.  Quiet but for the build's one line; npm's own output goes to
# web/npm-install.log, shown when it fails.
web_build() {
  local web
  web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/web"
  if [ ! "$web/node_modules/.package-lock.json" -nt "$web/package-lock.json" ]; then
    if ! (cd "$web" && npm ci --no-audit --no-fund >npm-install.log 2>&1); then
      echo "npm ci in web/ failed:" >&2
      tail -20 "$web/npm-install.log" >&2
      return 1
    fi
  fi
  (cd "$web" && node build.mjs)
}

# wait_port_file FILE SECONDS PID: until a service started with --port-file has written
# FILE; fails when PID exits first or after SECONDS.
wait_port_file() {
  local file=$1 seconds=$2 pid=$3
  for _ in $(seq 1 $((seconds * 10))); do
    [ -s "$file" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# port_of FILE NAME: the port a service reported under NAME ("grpc", "http", "ws").
port_of() {
  awk -v name="$2" '$1 == name { print $2 }' "$1"
}

# token_keys_make DIR KID: a new EC P-256 key pair for signing login tokens, in the
# layout core_start and realtime_start read: the private key in DIR/signing-key.pem (for
# the core alone), its key id in DIR/signing-key-id, the public key in DIR/public/KID.pem.
# Whatever DIR held before is replaced.
token_keys_make() {
  local dir=$1 kid=$2
  rm -rf "$dir"
  mkdir -p "$dir/public"
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/signing-key.pem")
  openssl pkey -in "$dir/signing-key.pem" -pubout -out "$dir/public/$kid.pem"
  printf '%s\n' "$kid" >"$dir/signing-key-id"
}

# core_start BINARY LOG DATABASE_URL AMQP_URL KEYS [NAME=value ...]: the core service on
# loopback, on ports it picks itself (reported in LOG.ports), with every server it uses
# named here (AMQP_URL may be none: no broker) and the token keys of the folder KEYS
# (token_keys_make), so that none comes from the caller's environment.  Sets
# STARTED_PID, CORE_GRPC_PORT and CORE_HTTP_PORT, and returns once it is ready; fails
# when it exits first or after 120 s.
core_start() {
  local binary=$1 log=$2 database_url=$3 amqp_url=$4 keys=$5
  shift 5
  rm -f "$log.ports"
  env BARBERSHOP_DATABASE_URL="$database_url" BARBERSHOP_AMQP_URL="$amqp_url" \
    BARBERSHOP_GRPC_ADDRESS=127.0.0.1:0 BARBERSHOP_HTTP_ADDRESS=127.0.0.1:0 BARBERSHOP_PORT_FILE="$log.ports" \
    BARBERSHOP_TOKEN_SIGNING_KEY="$keys/signing-key.pem" BARBERSHOP_TOKEN_SIGNING_KEY_ID="$(cat "$keys/signing-key-id")" \
    BARBERSHOP_TOKEN_PUBLIC_KEYS="$keys/public" "$@" "$binary" >"$log" 2>&1 &
  STARTED_PID=$!
  wait_port_file "$log.ports" 120 "$STARTED_PID" || return 1
  CORE_GRPC_PORT=$(port_of "$log.ports" grpc)
  CORE_HTTP_PORT=$(port_of "$log.ports" http)
  wait_http "http://127.0.0.1:$CORE_HTTP_PORT/readyz" 120 "$STARTED_PID"
}

# realtime_start BINARY LOG REDIS_URL AMQP_URL CORE_ADDRESS KEYS [NAME=value ...]: the
# real-time service on loopback, on a port it picks itself (reported in LOG.ports),
# checking tokens with the public keys of the folder KEYS (token_keys_make).  Sets
# STARTED_PID and REALTIME_WS_PORT, and returns once it is ready.
realtime_start() {
  local binary=$1 log=$2 redis_url=$3 amqp_url=$4 core_address=$5 keys=$6
  shift 6
  rm -f "$log.ports"
  env BARBERSHOP_REDIS_URL="$redis_url" BARBERSHOP_AMQP_URL="$amqp_url" BARBERSHOP_CORE_ADDRESS="$core_address" \
    BARBERSHOP_WS_ADDRESS=127.0.0.1:0 BARBERSHOP_PORT_FILE="$log.ports" BARBERSHOP_TOKEN_PUBLIC_KEYS="$keys/public" \
    "$@" "${LIVE_FIRST[@]}" "$binary" >"$log" 2>&1 &
  STARTED_PID=$!
  wait_port_file "$log.ports" 120 "$STARTED_PID" || return 1
  REALTIME_WS_PORT=$(port_of "$log.ports" ws)
  wait_http "http://127.0.0.1:$REALTIME_WS_PORT/readyz" 120 "$STARTED_PID"
}

# redis_start DIR PORT: Redis with AOF persistence on 127.0.0.1:PORT.  The AOF is
# rewritten only once it passes 256 MiB (Redis's default is 64 MiB): each rewrite forks
# Redis, which stalls it, and its child takes a core for a while, so on a small machine
# they show up as delays of tens of milliseconds in live updates.
redis_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then return 0; fi
  # At its memory limit Redis refuses writes (noeviction) rather than dropping inboxes or
  # chats; the real-time service retries them and shows the headroom in /metrics.
  real_clock "${LIVE_FIRST[@]}" redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
    --maxmemory "${BARBERSHOP_REDIS_MAXMEMORY:-512mb}" --maxmemory-policy noeviction \
    --auto-aof-rewrite-min-size 256mb --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --protected-mode no
  for _ in $(seq 1 100); do
    real_clock redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "redis did not start; its log:" >&2
  tail -20 "$dir/redis.log" >&2
  return 1
}

redis_stop() {
  local dir=$1
  [ -f "$dir/redis.pid" ] || return 0
  local pid
  pid=$(cat "$dir/redis.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/redis.pid"
}

# The environment that makes rabbitmq-server and rabbitmqctl use DIR and PORT.  The
# broker shares the machine with PostgreSQL and the services, so its schedulers sleep as
# soon as they run out of work (+sbwt none ...) instead of spinning first, which took a
# share of the two cores that the others needed (docs/benchmarks.md).
rabbitmq_env() {
  local dir=$1 port=$2
  unset LD_PRELOAD FAKETIME
  export HOME="$dir" RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_MNESIA_BASE="$dir/mnesia"
  export RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_NODENAME="rabbit_$port@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port"
  export RABBITMQ_DIST_PORT=$(cat "$dir/dist.port") ERL_EPMD_PORT=$(cat "$dir/epmd.port") ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_PID_FILE="$dir/rabbitmq.pid" RABBITMQ_CTL_ERL_ARGS="" RABBITMQ_SERVER_ERL_ARGS="+S 2:2 +A 8 +sbwt none +sbwtdcpu none +sbwtdio none"
}

# rabbitmq_start DIR PORT: RabbitMQ on 127.0.0.1:PORT, with its own epmd; returns at
# once (call rabbitmq_wait before use, so that the start overlaps other work).
rabbitmq_start() {
  local dir=$1 port=$2
  mkdir -p "$dir/log" "$dir/mnesia"
  [ -f "$dir/epmd.port" ] || free_port >"$dir/epmd.port"
  [ -f "$dir/dist.port" ] || free_port >"$dir/dist.port"
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\nlog.console = false\nlog.file.level = warning\n' \
    "$port" >"$dir/rabbitmq.conf"
  echo '[].' >"$dir/enabled_plugins"
  (
    rabbitmq_env "$dir" "$port"
    epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1 -daemon
    # RabbitMQ's first step registers a node with epmd at once; if epmd is not listening
    # yet, that fails ("nodistribution") and the server exits.
    for _ in $(seq 1 50); do port_in_use "$ERL_EPMD_PORT" && break; sleep 0.1; done
    setsid "${LIVE_FIRST[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/server.out" 2>&1 </dev/null &
    echo $! >"$dir/server.launcher.pid"
  )
}

# rabbitmq_wait DIR PORT SECONDS
rabbitmq_wait() {
  local dir=$1 port=$2 seconds=${3:-90}
  for _ in $(seq 1 $((seconds * 5))); do
    if ! kill -0 "$(cat "$dir/server.launcher.pid" 2>/dev/null || echo 0)" 2>/dev/null; then break; fi
    if port_in_use "$port"; then
      (rabbitmq_env "$dir" "$port"; timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -q await_startup >/dev/null 2>&1) && return 0
    fi
    sleep 0.2
  done
  echo "rabbitmq did not start; its output:" >&2
  tail -20 "$dir/server.out" >&2
  return 1
}

rabbitmq_stop() {
  local dir=$1 port=$2
  [ -f "$dir/epmd.port" ] || return 0
  (rabbitmq_env "$dir" "$port"; timeout 30 /usr/lib/rabbitmq/bin/rabbitmqctl -q stop >/dev/null 2>&1 || true)
  if [ -f "$dir/server.launcher.pid" ]; then
    kill -KILL -- -"$(cat "$dir/server.launcher.pid")" 2>/dev/null || true
    rm -f "$dir/server.launcher.pid"
  fi
  pkill -f "epmd -port $(cat "$dir/epmd.port")" 2>/dev/null || true
  # An epmd that Erlang started by itself carries the port in its environment only.
  epmd -port "$(cat "$dir/epmd.port")" -kill >/dev/null 2>&1 || true
}

# gateway_start DIR GRPC_PORT HTTP_PORT RENDER_ARGS...: the gateway (nginx, configured
# from deploy/gateway by render.sh into DIR) on 127.0.0.1:GRPC_PORT (gRPC, HTTP/2) and
# 127.0.0.1:HTTP_PORT (WebSockets and probes), in front of the copies RENDER_ARGS name
# (--core-grpc HOST:PORT, --realtime HOST:PORT).  nginx runs in the foreground of a
# background job, as the invoking user, with its pid file, logs and temporary files in DIR.
# Sets STARTED_PID; returns once its /healthz answers, fails when nginx exits first
# (gateway_log DIR says why: a taken port, say).
gateway_start() {
  local dir=$1 grpc_port=$2 http_port=$3
  shift 3
  "$GATEWAY_RENDER" "$dir" --grpc-listen "127.0.0.1:$grpc_port" --http-listen "127.0.0.1:$http_port" "$@" || return 1
  : >"$dir/logs/error.log"
  rm -f "$dir/gateway.pid"
  real_clock nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$dir/logs/nginx.out" 2>&1 </dev/null &
  STARTED_PID=$!
  # nginx writes its pid file once it holds its ports: until then, an answer on the port
  # may come from another program (and nginx goes on trying to bind for a few seconds).
  for _ in $(seq 1 300); do
    [ "$(cat "$dir/gateway.pid" 2>/dev/null)" = "$STARTED_PID" ] && break
    kill -0 "$STARTED_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  wait_http "http://127.0.0.1:$http_port/healthz" 30 "$STARTED_PID"
}

# gateway_log DIR: what nginx said about its start and its errors.
gateway_log() { cat "$1/logs/nginx.out" "$1/logs/error.log" 2>/dev/null; }

# gateway_start_free DIR RENDER_ARGS...: gateway_start on free ports, which it sets in
# GATEWAY_GRPC_PORT and GATEWAY_HTTP_PORT.  nginx cannot listen on port 0 and say which
# port it got, so its ports are found free the way PostgreSQL's and Redis's are
# (free_port); should another program take one before nginx binds it, nginx exits saying
# so and the gateway starts again on two others.
gateway_start_free() {
  local dir=$1
  shift
  for _ in 1 2 3 4 5; do
    GATEWAY_GRPC_PORT=$(free_port) || return 1
    GATEWAY_HTTP_PORT=$(free_port) || return 1
    [ "$GATEWAY_GRPC_PORT" != "$GATEWAY_HTTP_PORT" ] || continue
    gateway_start "$dir" "$GATEWAY_GRPC_PORT" "$GATEWAY_HTTP_PORT" "$@" && return 0
    kill -TERM "$STARTED_PID" 2>/dev/null && wait "$STARTED_PID" 2>/dev/null
    gateway_log "$dir" | grep -q "Address already in use" || return 1
  done
  return 1
}

# gateway_reload DIR GRPC_PORT HTTP_PORT RENDER_ARGS...: renders the gateway started in
# DIR again (other copies behind it, say) and has nginx take the new configuration, as
# `nginx -s reload` does: new workers start with it, and the old ones finish what they
# hold on the old one.  An old worker tells its gRPC clients to go (HTTP/2 GOAWAY) and
# closes their connections once their calls in flight are answered; its WebSockets stay
# open until their clients leave.  Returns once a new worker runs and no old worker holds
# a gRPC client's connection any more: from then on no call reaches a copy left out of
# the new configuration.  Fails when nginx refuses it (gateway_log DIR says why) and keeps
# the old, or when an old worker keeps a gRPC connection for 60 s.
gateway_reload() {
  local dir=$1 grpc_port=$2 http_port=$3 pid before worker
  shift 3
  pid=$(cat "$dir/gateway.pid" 2>/dev/null) || return 1
  "$GATEWAY_RENDER" "$dir" --grpc-listen "127.0.0.1:$grpc_port" --http-listen "127.0.0.1:$http_port" "$@" || return 1
  real_clock nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >>"$dir/logs/nginx.out" 2>&1 ||
    return 1
  before=" $(pgrep -P "$pid" | tr '\n' ' ') "
  kill -HUP "$pid" || return 1
  for _ in $(seq 1 600); do
    if gateway_has_new_worker "$pid" "$before"; then
      local holding=""
      for worker in $before; do
        if process_holds_connection "$worker" "$grpc_port"; then holding=$worker; break; fi
      done
      [ -n "$holding" ] || return 0
    fi
    sleep 0.1
  done
  return 1
}

# gateway_has_new_worker MASTER_PID " PIDS ": whether the master has a worker not in PIDS.
gateway_has_new_worker() {
  local worker
  for worker in $(pgrep -P "$1"); do
    [[ "$2" == *" $worker "* ]] || return 0
  done
  return 1
}

# process_holds_connection PID PORT: whether process PID (alive) holds an established TCP
# connection whose local port is PORT, from its file descriptors and /proc/net/tcp{,6}.
process_holds_connection() {
  local pid=$1 port inodes
  port=$(printf ':%04X' "$2")
  inodes=" $(find "/proc/$pid/fd" -maxdepth 1 -type l -printf '%l\n' 2>/dev/null |
    sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ') "
  [ "$inodes" != "  " ] || return 1
  awk -v port="$port" -v inodes="$inodes" '
    FNR > 1 && substr($2, length($2) - 4) == port && $4 == "01" && index(inodes, " " $10 " ") { found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# gateway_stop DIR: stops the gateway started in DIR, closing its connections.
gateway_stop() {
  local dir=$1 pid
  [ -f "$dir/gateway.pid" ] || return 0
  pid=$(cat "$dir/gateway.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/gateway.pid"
}
