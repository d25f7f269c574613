#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>

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

}  // namespace barbershop::common
