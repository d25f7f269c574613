#include "barbershop/common/listen.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>

#include <cerrno>
#include <cstdio>
#include <fstream>

namespace barbershop::common {

Status Listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "'" + host + "' is not an IP address");
  const asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  return Ok{};
}

std::chrono::milliseconds AcceptBackoff(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::no_descriptors ||
      ec == boost::system::error_code(ENFILE, boost::system::system_category())) {
    return std::chrono::milliseconds(100);
  }
  return std::chrono::milliseconds(0);
}

Status WritePortFile(const std::string& path, const NamedPorts& ports) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& [name, port] : ports) out << name << ' ' << port << '\n';
    out.flush();
    if (!out) return MakeError(ErrorCode::kUnavailable, "cannot write the port file " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return MakeError(ErrorCode::kUnavailable, "cannot write the port file " + path);
  }
  return Ok{};
}

}  // namespace barbershop::common
