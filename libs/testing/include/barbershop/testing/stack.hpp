#pragma once

#include <string>
#include <vector>

#include "barbershop/testing/token_keys.hpp"

namespace barbershop::testing {

/// Runs `command` in bash after sourcing scripts/stack.sh, the functions that start and
/// stop the project's PostgreSQL, Redis and RabbitMQ (postgres_start, rabbitmq_stop,
/// as_postgres, ...); true when it exits 0.
bool RunStackCommand(const std::string& command);

/// The settings of a core service that a test starts as a child process, as NAME=value:
/// the token keys, quiet logs, both listeners on port 0 (it reports the ports it got),
/// and the limits that count per client address off: a test signs up and books many
/// users from one address, as no shop's customers do.  Later settings of the same name
/// override these.
std::vector<std::string> TestCoreSettings(const TokenKeys& keys);

}  // namespace barbershop::testing
