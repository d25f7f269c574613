#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "barbershop/common/http_server.hpp"
#include "barbershop/common/trusted_proxies.hpp"
#include "json_routes.hpp"

namespace barbershop::core::api {

/// The JSON API (/v1/): each request becomes its UserService call, made over a channel to
/// the core's own gRPC server, so that the very handlers that serve gRPC serve it, with
/// their checks, limits and metrics.  Requests and answers are the proto messages in
/// protobuf's JSON mapping, with the proto's field names; a failed call answers the HTTP
/// status of its gRPC code (HttpStatusOf) with {"code": "ALREADY_EXISTS", "message": ...}.
/// The token travels in `Authorization: Bearer`.  Thread-safe.
class JsonApi {
 public:
  /// Bodies up to this size are read; a larger one is refused with 413.
  static constexpr std::size_t kBodyLimit = std::size_t{64} * 1024;

  /// `channel` reaches the core's own gRPC server; `proxies` are trusted to name the
  /// client in X-Forwarded-For, as they are for gRPC.  Throws std::logic_error when a
  /// route names a method or a path field the proto does not have.
  JsonApi(std::shared_ptr<grpc::ChannelInterface> channel, const common::TrustedProxies& proxies);

  /// Answers one request through `respond`, now or once its call is done.
  void Handle(const common::HttpRequest& request, common::HttpResponder respond) const;

  /// Answers GET /calendar/<token>.ics: the GetCalendarFeed call's feed as text/calendar,
  /// or its error as plain text (calendar applications show no JSON).
  void HandleCalendar(const common::HttpRequest& request, common::HttpResponder respond) const;

  /// An error answer: `status` and {"code": code, "message": message}.
  static common::HttpReply Error(unsigned status, std::string_view code, std::string_view message);

 private:
  struct Method {
    const google::protobuf::MethodDescriptor* descriptor;
    std::string path;  ///< "/UserService/Login"
  };
  using Stub = grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message>;

  /// The request message for `route` from the request's path fields, query and body; an
  /// error answer when they do not make one.
  std::unique_ptr<google::protobuf::Message> Build(const common::HttpRequest& request, const RouteMatch& match,
                                                   const Method& method, std::string_view query,
                                                   common::HttpReply* error) const;

  /// What an HTTP answer becomes of a call's status and response.
  using Answerer = std::function<common::HttpReply(const grpc::Status&, const google::protobuf::Message&)>;
  /// Makes `method`'s call with `message` on behalf of `request`'s client (with these
  /// headers' values as metadata, when given), then answers what `answer` makes of it.
  void Send(const common::HttpRequest& request, const Method& method,
            std::unique_ptr<google::protobuf::Message> message, const std::string& authorization,
            const std::string& idempotency_key, Answerer answer, common::HttpResponder respond) const;

  std::map<std::string_view, Method, std::less<>> methods_;  ///< by name
  mutable Stub stub_;
  const common::TrustedProxies& proxies_;
};

}  // namespace barbershop::core::api
