#include "net/http_probes.hpp"

namespace barbershop::realtime::net {

namespace http = boost::beast::http;

namespace {

constexpr const char* kText = "text/plain; charset=utf-8";

}  // namespace

bool ProbeBlocks(http::verb method, std::string_view target) {
  return method == http::verb::get && target == "/readyz";
}

common::HttpReply ProbeReply(const ServerContext& context, http::verb method, std::string_view target) {
  if (method != http::verb::get) return {405, kText, "method not allowed\n"};
  if (target == "/healthz") return {200, kText, "ok\n"};
  if (target == "/metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", context.deps.metrics.registry.Render()};
  }
  if (target == "/readyz") {
    if (context.stopping) return {503, kText, "shutting down\n"};
    return context.deps.readiness();
  }
  return {404, kText, "not found\n"};
}

}  // namespace barbershop::realtime::net
