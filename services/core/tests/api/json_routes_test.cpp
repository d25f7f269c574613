#include "api/json_routes.hpp"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "api/json_api.hpp"
#include "api/status_mapping.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::api {
namespace {

TEST(JsonRoutesTest, EveryUserServiceMethodHasARouteAndEveryRouteIsValid) {
  std::set<std::string> routed;
  for (const auto& route : JsonRoutes()) routed.emplace(route.rpc);
  const auto* service = SignUpRequest::descriptor()->file()->FindServiceByName(UserService::service_full_name());
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_EQ(routed.count(service->method(i)->name()), 1u) << service->method(i)->name() << " has no JSON route";
  }
  // The constructor checks each route's method and path fields against the proto.
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  common::TrustedProxies proxies;
  EXPECT_NO_THROW(JsonApi api(channel, proxies));
  // No two routes share a method and a path.
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const auto& route : JsonRoutes()) EXPECT_TRUE(seen.emplace(route.method, route.path).second) << route.path;
}

TEST(JsonRoutesTest, PathsMatchTheirRouteAndDecodeTheirFields) {
  auto match = MatchRoute("POST", "/v1/appointments/abc-123/cancel");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->rpc, "CancelAppointment");
  ASSERT_EQ(match.fields.size(), 1u);
  EXPECT_EQ(match.fields[0], std::make_pair(std::string("appointment_id"), std::string("abc-123")));

  match = MatchRoute("DELETE", "/v1/barbers/Ana%20Maria/services/Beard%20trim");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->rpc, "RemoveService");
  EXPECT_EQ(match.fields[0].second, "Ana Maria");
  EXPECT_EQ(match.fields[1].second, "Beard trim");

  EXPECT_EQ(MatchRoute("GET", "/v1/barbers").route->rpc, "ListBarbers");
  EXPECT_EQ(MatchRoute("POST", "/v1/barbers").route->rpc, "SaveBarber");
}

TEST(JsonRoutesTest, AnUnknownPathMatchesNothingAndAKnownOneNamesItsMethods) {
  for (const char* path :
       {"/v1/", "/v1/appointment", "/v1/appointments/x/y/z", "/v2/barbers", "", "/v1/appointments//cancel",
        "/v1/appointments/%zz/cancel", "/v1/appointments/a%2Fb/cancel", "/v1/appointments/x/cancel/"}) {
    const auto match = MatchRoute("POST", path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_TRUE(match.allow.empty()) << path;
  }
  const auto match = MatchRoute("PUT", "/v1/appointments");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, "POST, GET");
  EXPECT_EQ(MatchRoute("GET", "/v1/appointments/x/cancel").allow, "POST");
}

TEST(JsonRoutesTest, GrpcCodesBecomeTheirHttpStatuses) {
  using grpc::StatusCode;
  const std::pair<StatusCode, unsigned> table[] = {
      {StatusCode::OK, 200},
      {StatusCode::INVALID_ARGUMENT, 400},
      {StatusCode::OUT_OF_RANGE, 400},
      {StatusCode::UNAUTHENTICATED, 401},
      {StatusCode::PERMISSION_DENIED, 403},
      {StatusCode::NOT_FOUND, 404},
      {StatusCode::ALREADY_EXISTS, 409},
      {StatusCode::ABORTED, 409},
      {StatusCode::FAILED_PRECONDITION, 412},
      {StatusCode::RESOURCE_EXHAUSTED, 429},
      {StatusCode::CANCELLED, 499},
      {StatusCode::INTERNAL, 500},
      {StatusCode::UNKNOWN, 500},
      {StatusCode::DATA_LOSS, 500},
      {StatusCode::UNIMPLEMENTED, 501},
      {StatusCode::UNAVAILABLE, 503},
      {StatusCode::DEADLINE_EXCEEDED, 504},
  };
  for (const auto& [code, status] : table) EXPECT_EQ(HttpStatusOf(code), status) << static_cast<int>(code);
}

TEST(JsonRoutesTest, AnErrorBodyIsJsonWithItsCodeAndMessage) {
  const auto reply = JsonApi::Error(409, "ALREADY_EXISTS", "taken: \"10:00\"\n");
  EXPECT_EQ(reply.status, 409u);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_EQ(reply.body, "{\"code\":\"ALREADY_EXISTS\",\"message\":\"taken: \\\"10:00\\\"\\n\"}\n");
  // Bytes that are not UTF-8 cannot break the JSON.
  EXPECT_EQ(JsonApi::Error(400, "INVALID_ARGUMENT", "bad \xff").body.find('\xff'), std::string::npos);
}

}  // namespace
}  // namespace barbershop::core::api
