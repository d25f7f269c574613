#include "hub/routes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace barbershop::realtime::hub {
namespace {

using common::Claims;
using common::ErrorCode;

TEST(RoutesTest, ParsesTheSeedsThreePaths) {
  auto barber = ParseRoute("/websocket/barber/b-1/appointments");
  ASSERT_TRUE(barber);
  EXPECT_EQ(barber->kind, StreamKind::kBarberAppointments);
  EXPECT_EQ(barber->id, "b-1");
  EXPECT_EQ(ChannelFor(*barber), "user:b-1");

  auto client = ParseRoute("/websocket/client/c-2/appointments?since=17-3&token=a%2Eb.c");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->kind, StreamKind::kClientAppointments);
  EXPECT_EQ(client->since, "17-3");
  EXPECT_EQ(client->token, "a.b.c");

  auto chat = ParseRoute("/websocket/appointment/a-9/chat?before=12-0");
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->kind, StreamKind::kChat);
  EXPECT_EQ(chat->before, "12-0");
  EXPECT_EQ(ChannelFor(*chat), "chat:a-9");
}

TEST(RoutesTest, RefusesOtherPathsAndBadQueries) {
  for (const char* path :
       {"/", "/websocket", "/websocket/barber/x", "/websocket/barber/x/chat", "/websocket/appointment/x/appointments",
        "/websocket/barber//appointments", "/websocket/barber/a b/appointments",
        "/websocket/barber/x/appointments/more", "/websocket/admin/x/appointments"}) {
    auto route = ParseRoute(path);
    ASSERT_FALSE(route) << path;
    EXPECT_EQ(route.error().code, ErrorCode::kNotFound) << path;
  }
  for (const char* target : {"/websocket/client/c/appointments?since=abc", "/websocket/client/c/appointments?token=%zz",
                             "/websocket/client/c/appointments?before=1-0", "/websocket/appointment/a/chat?before=x"}) {
    auto route = ParseRoute(target);
    ASSERT_FALSE(route) << target;
    EXPECT_EQ(route.error().code, ErrorCode::kInvalidArgument) << target;
  }
}

TEST(RoutesTest, ABarbersAvailabilityNeedsADayAndNoToken) {
  auto route = ParseRoute("/websocket/barber/B-1/availability?date=2026-12-04&service=Beard+trim&token=x.y.z");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->kind, StreamKind::kBarberAvailability);
  EXPECT_EQ(route->id, "b-1");
  EXPECT_EQ(route->date, "2026-12-04");
  EXPECT_EQ(route->service, "Beard trim");
  EXPECT_TRUE(route->token.empty()) << "not needed, not kept";
  EXPECT_TRUE(IsPublic(*route));
  EXPECT_EQ(ChannelFor(*route), "availability:b-1");
  EXPECT_TRUE(Authorize(*route, Claims{}, nullptr));
  EXPECT_TRUE(ParseRoute("/websocket/barber/b-1/availability?date=2028-02-29"));
  EXPECT_FALSE(IsPublic(*ParseRoute("/websocket/barber/b-1/appointments")));
  const std::string too_long_service(65, 's');  // a service's name is at most 64 bytes
  for (const std::string& target : std::vector<std::string>{
           "/websocket/barber/b-1/availability", "/websocket/barber/b-1/availability?date=2026-12-4",
           "/websocket/barber/b-1/availability?date=2026-13-01", "/websocket/barber/b-1/availability?date=2027-02-29",
           "/websocket/barber/b-1/availability?date=2026-12-04T10:00",
           "/websocket/barber/b-1/availability?date=2026-12-04&since=1-0",
           "/websocket/barber/b-1/availability?date=2026-12-04&before=1-0",
           "/websocket/barber/b-1/availability?date=2026-12-04&service=%FF",
           "/websocket/barber/b-1/availability?date=2026-12-04&service=" + too_long_service}) {
    auto refused = ParseRoute(target);
    ASSERT_FALSE(refused) << target;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << target;
  }
  EXPECT_EQ(ParseRoute("/websocket/client/c-1/availability?date=2026-12-04").error().code, ErrorCode::kNotFound);
}

TEST(RoutesTest, OnlyTheOwnerOpensAStream) {
  const auto barber_route = *ParseRoute("/websocket/barber/b-1/appointments");
  const auto client_route = *ParseRoute("/websocket/client/c-1/appointments");
  EXPECT_TRUE(Authorize(barber_route, Claims{"b-1", "barber", {}, "s-1"}, nullptr));
  EXPECT_FALSE(Authorize(barber_route, Claims{"b-2", "barber", {}, "s-1"}, nullptr));
  EXPECT_FALSE(Authorize(barber_route, Claims{"b-1", "customer", {}, "s-1"}, nullptr));
  EXPECT_FALSE(Authorize(barber_route, Claims{"x", "admin", {}, "s-1"}, nullptr));
  EXPECT_TRUE(Authorize(client_route, Claims{"c-1", "customer", {}, "s-1"}, nullptr));
  EXPECT_FALSE(Authorize(client_route, Claims{"c-2", "customer", {}, "s-1"}, nullptr));
  EXPECT_EQ(Authorize(client_route, Claims{"c-2", "customer", {}, "s-1"}, nullptr).error().code,
            ErrorCode::kPermissionDenied);
}

TEST(RoutesTest, OnlyThePartiesOrAnAdminOpenAChat) {
  const auto chat = *ParseRoute("/websocket/appointment/a-1/chat");
  const Parties parties{"b-1", "c-1"};
  EXPECT_TRUE(Authorize(chat, Claims{"b-1", "barber", {}, "s-1"}, &parties));
  EXPECT_TRUE(Authorize(chat, Claims{"c-1", "customer", {}, "s-1"}, &parties));
  EXPECT_TRUE(Authorize(chat, Claims{"adm", "admin", {}, "s-1"}, &parties));
  EXPECT_FALSE(Authorize(chat, Claims{"b-2", "barber", {}, "s-1"}, &parties));
  EXPECT_FALSE(Authorize(chat, Claims{"c-2", "customer", {}, "s-1"}, &parties));
  EXPECT_FALSE(Authorize(chat, Claims{"c-1", "customer", {}, "s-1"}, nullptr));
}

TEST(RoutesTest, MapsErrorsToHttpStatuses) {
  const std::pair<ErrorCode, unsigned> table[] = {
      {ErrorCode::kInvalidArgument, 400},   {ErrorCode::kUnauthenticated, 401}, {ErrorCode::kPermissionDenied, 403},
      {ErrorCode::kNotFound, 404},          {ErrorCode::kAlreadyExists, 409},   {ErrorCode::kFailedPrecondition, 412},
      {ErrorCode::kResourceExhausted, 429}, {ErrorCode::kUnavailable, 503},     {ErrorCode::kInternal, 500}};
  for (const auto& [code, status] : table) EXPECT_EQ(HttpStatusFor(code), status);
}

TEST(RoutesTest, IdsComeOutInLowerCase) {
  const auto upper = ParseRoute("/websocket/appointment/3F2B9C1E-8D4A-4B6F-9E2D-1A7C5B3E9F01/chat");
  const auto lower = ParseRoute("/websocket/appointment/3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01/chat");
  ASSERT_TRUE(upper);
  ASSERT_TRUE(lower);
  EXPECT_EQ(upper->id, lower->id);
  EXPECT_EQ(ChannelFor(*upper), ChannelFor(*lower));
  EXPECT_EQ(ParseRoute("/websocket/client/ABC/appointments")->id, "abc");
}

TEST(RoutesTest, ChatStaysOpenAWeekAfterTheAppointmentEnds) {
  const common::TimePoint ends{std::chrono::seconds{1'800'000'000}};
  const Parties parties{"b", "c", ends};
  EXPECT_TRUE(ChatOpen(parties, ends - std::chrono::hours(48)));
  EXPECT_TRUE(ChatOpen(parties, ends + kChatOpenAfterEnd));
  const auto closed = ChatOpen(parties, ends + kChatOpenAfterEnd + std::chrono::seconds(1));
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, common::ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(ChatOpen(Parties{"b", "c", {}}, ends)) << "an unknown end closes nothing";
}

}  // namespace
}  // namespace barbershop::realtime::hub
