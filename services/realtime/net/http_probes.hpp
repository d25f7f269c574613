#pragma once

#include <boost/beast/http/verb.hpp>

#include <string_view>

#include "barbershop/common/http_server.hpp"
#include "net/server_context.hpp"

namespace barbershop::realtime::net {

/// Whether answering `target` blocks (/readyz asks Redis and RabbitMQ): such a request
/// is answered on the blocking pool.
bool ProbeBlocks(boost::beast::http::verb method, std::string_view target);

/// The answer to a plain HTTP request (no upgrade): /healthz, /readyz, /metrics, else
/// 404, or 405 for anything but GET.  `target` is the path without its query.  Blocks
/// when ProbeBlocks says so.  Thread-safe.
common::HttpReply ProbeReply(const ServerContext& context, boost::beast::http::verb method, std::string_view target);

}  // namespace barbershop::realtime::net
