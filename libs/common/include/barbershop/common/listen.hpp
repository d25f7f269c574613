#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// Opens, binds (with SO_REUSEADDR) and listens on host:port (port 0 picks a free one).
/// kInvalidArgument when host is not an IP address; kUnavailable with a message naming
/// the address when it cannot bind.
Status Listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port);

}  // namespace barbershop::common
