#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// Opens, binds (with SO_REUSEADDR) and listens on host:port (port 0 picks a free one).
/// kInvalidArgument when host is not an IP address; kUnavailable with a message naming
/// the address when it cannot bind.
Status Listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port);

/// How long an accept loop waits before it accepts again after `ec`: no pause for a
/// failure of one connection, a short one while the process or the system has no file
/// descriptor left (EMFILE, ENFILE), so that the loop does not spin until one is freed.
std::chrono::milliseconds AcceptBackoff(const boost::system::error_code& ec);

/// The ports a process listens on, by name ("grpc", "http", "ws").
using NamedPorts = std::vector<std::pair<std::string, std::uint16_t>>;

/// Writes one "name port" line per port to `path`, through a temporary file renamed into
/// place, so that whoever started the process on port 0 reads every port it got or no
/// file at all.  kUnavailable naming the path when it cannot be written.
Status WritePortFile(const std::string& path, const NamedPorts& ports);

}  // namespace barbershop::common
