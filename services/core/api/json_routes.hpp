#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace barbershop::core::api {

/// One route of the JSON API: an HTTP method and path template answered by one
/// UserService method.  A "{field}" segment of the path fills the request's field of that
/// name; a GET's or DELETE's query parameters fill fields by name too, and other methods'
/// JSON bodies are the request message in protobuf's JSON mapping.
struct JsonRoute {
  std::string_view method;  ///< "GET", "POST", "PUT", "PATCH" or "DELETE"
  std::string_view path;    ///< e.g. "/v1/appointments/{appointment_id}/cancel"
  std::string_view rpc;     ///< the UserService method, e.g. "CancelAppointment"
  unsigned success = 200;   ///< the status of a successful answer (201 for what it creates)

  bool TakesBody() const { return method != "GET" && method != "DELETE"; }
};

/// Every route, in the order docs/api/openapi.yaml lists them.
const std::vector<JsonRoute>& JsonRoutes();

/// What a request's method and path come to.
struct RouteMatch {
  const JsonRoute* route = nullptr;                         ///< null: none answers
  std::vector<std::pair<std::string, std::string>> fields;  ///< from the path's "{field}" segments, decoded
  std::string allow;  ///< when the path exists under other methods only: them, "GET, POST"
};

/// The route for `method` on `path` (without its query string).  A segment's %XX escapes
/// are decoded; one that is malformed, or decodes to a slash or nothing, matches no route.
RouteMatch MatchRoute(std::string_view method, std::string_view path);

}  // namespace barbershop::core::api
