#!/bin/bash
# Writes RabbitMQ's settings for this container's ports and login, then runs the server in
# the foreground, logging to standard output.  The AMQP port opens only once the server is
# ready, so the health check connects to it.
set -euo pipefail
dir=/var/lib/rabbitmq
export RABBITMQ_NODE_PORT=${RABBITMQ_NODE_PORT:-5672}
export ERL_EPMD_PORT=${ERL_EPMD_PORT:-4369} ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-25672}
export RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_CONFIG_FILE=$dir/rabbitmq RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOGS=-
export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins RABBITMQ_PID_FILE=$dir/rabbitmq.pid
# The schedulers sleep once out of work rather than spin first: the broker shares the
# host's cores with the services and PostgreSQL.
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=${RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:-"+sbwt none +sbwtdcpu none +sbwtdio none"}
{
  echo "listeners.tcp.default = 127.0.0.1:$RABBITMQ_NODE_PORT"
  echo "loopback_users = none"
  echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
  echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
} >"$dir/rabbitmq.conf"
echo '[].' >"$dir/enabled_plugins"
exec /usr/lib/rabbitmq/bin/rabbitmq-server
