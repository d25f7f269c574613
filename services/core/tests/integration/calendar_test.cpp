// Calendar links: ResetCalendarLink makes one, GET /calendar/<token>.ics on the core's
// HTTP port serves its feed, read back here by Python's icalendar parser and checked field
// by field; a reset link, a deactivated account and a malformed path find nothing.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "barbershop/common/shop_time.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using ::barbershop::testing::HttpAnswer;
using ::barbershop::testing::HttpCall;
using grpc::StatusCode;
using nlohmann::json;

/// What Python's icalendar parser reads in `feed` (ical_fields.py), or null when it
/// refuses it.
json Parsed(const std::string& feed) {
  const auto file = std::filesystem::temp_directory_path() / ("feed_" + Unique() + ".ics");
  std::ofstream(file, std::ios::binary) << feed;
  const std::string command = std::string(BARBERSHOP_PYTHON) + " " + BARBERSHOP_SOURCE_DIR +
                              "/services/core/tests/integration/ical_fields.py < " + file.string();
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return nullptr;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = pclose(pipe);
  std::filesystem::remove(file);
  if (status != 0) return nullptr;
  return json::parse(out, nullptr, false);
}

/// Epoch seconds of a date_time as the API writes it ("2026-12-08T10:00:00+02:00").
long long Epoch(const std::string& date_time) {
  static const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  return shop.Parse(date_time).value().time_since_epoch().count();
}

const json* EventWithUid(const json& calendar, const std::string& uid) {
  for (const auto& event : calendar["events"]) {
    if (event["uid"] == uid) return &event;
  }
  return nullptr;
}

class CalendarTest : public ::testing::Test {
 protected:
  CalendarTest()
      : stub_(TestCore::Get().NewStub()),
        port_(static_cast<std::uint16_t>(TestCore::Get().http_port())),
        barber_(NewBarber(*stub_)),
        client_(NewCustomer(*stub_)) {}

  /// A new calendar link for `who`: its path.
  std::string NewLink(const TestUser& who) {
    CalendarLinkResponse link;
    const auto status = stub_->ResetCalendarLink(Authed(who.token).get(), ResetCalendarLinkRequest{}, &link);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(link.path(), "/calendar/" + link.token() + ".ics");
    return link.path();
  }
  HttpAnswer Get(const std::string& path) { return HttpCall(port_, "GET", path); }

  AppointmentResponse Book(const std::string& at) { return BookAs(*stub_, client_, barber_, at); }

  std::unique_ptr<UserService::Stub> stub_;
  std::uint16_t port_;
  TestUser barber_;
  TestUser client_;
};

TEST_F(CalendarTest, TheFeedHoldsEachAppointmentWithItsUidSequenceStatusAndShopTime) {
  // Kept: booked, then confirmed (one change).  Dropped: booked, moved, canceled (two).
  const auto kept = Book(Slot(3, 10, 0));
  AppointmentResponse changed;
  ConfirmAppointmentRequest confirm;
  confirm.set_appointment_id(kept.appointment_id());
  ASSERT_TRUE(stub_->ConfirmAppointment(Authed(barber_.token).get(), confirm, &changed).ok());
  const auto dropped = Book(Slot(3, 12, 0));
  ModifyAppointmentRequest move;
  move.set_appointment_id(dropped.appointment_id());
  move.set_date_time(Slot(3, 14, 30));
  AppointmentResponse moved;
  ASSERT_TRUE(stub_->ModifyAppointment(Authed(client_.token).get(), move, &moved).ok());
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(dropped.appointment_id());
  ASSERT_TRUE(stub_->CancelAppointment(Authed(client_.token).get(), cancel, &changed).ok());

  const auto answer = Get(NewLink(client_));
  ASSERT_EQ(answer.status, 200u) << answer.body;
  EXPECT_EQ(answer.headers.at("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(answer.body.find("\r\n"), std::string::npos);
  const auto calendar = Parsed(answer.body);
  ASSERT_TRUE(calendar.is_object()) << answer.body;
  EXPECT_EQ(calendar["version"], "2.0");
  EXPECT_EQ(calendar["name"], "Barbershop: " + client_.username);

  // The shop's zone, with both of its offsets around the appointments.
  ASSERT_EQ(calendar["timezones"].size(), 1u);
  const auto& zone = calendar["timezones"][0];
  EXPECT_EQ(zone["tzid"], "Europe/Chisinau");
  bool summer = false;
  bool winter = false;
  for (const auto& o : zone["observances"]) {
    summer = summer || (o["kind"] == "DAYLIGHT" && o["from"] == "+0200" && o["to"] == "+0300");
    winter = winter || (o["kind"] == "STANDARD" && o["from"] == "+0300" && o["to"] == "+0200");
  }
  EXPECT_TRUE(summer && winter) << zone.dump();

  ASSERT_EQ(calendar["events"].size(), 2u) << answer.body;
  const auto* first = EventWithUid(calendar, kept.appointment_id() + "@barbershop");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ((*first)["sequence"], 1);
  EXPECT_EQ((*first)["status"], "CONFIRMED");
  EXPECT_EQ((*first)["summary"], "Appointment with " + barber_.username);
  EXPECT_EQ((*first)["start_tzid"], "Europe/Chisinau");
  EXPECT_EQ((*first)["start"], Epoch(kept.appointment().date_time()));
  EXPECT_EQ((*first)["end"], Epoch(kept.appointment().end_time()));
  EXPECT_NE((*first)["description"].get<std::string>().find("Status: confirmed"), std::string::npos);

  const auto* second = EventWithUid(calendar, dropped.appointment_id() + "@barbershop");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ((*second)["sequence"], 2);
  EXPECT_EQ((*second)["status"], "CANCELLED");
  EXPECT_EQ((*second)["start"], Epoch(moved.appointment().date_time()));
  EXPECT_GE((*second)["dtstamp"], (*first)["dtstamp"]);

  // The barber's own feed names the client; a new booking shows on the next read.
  const auto later = Book(Slot(4, 9, 0));
  const auto barber_view = Parsed(Get(NewLink(barber_)).body);
  ASSERT_TRUE(barber_view.is_object());
  ASSERT_EQ(barber_view["events"].size(), 3u);
  const auto* booked = EventWithUid(barber_view, later.appointment_id() + "@barbershop");
  ASSERT_NE(booked, nullptr);
  EXPECT_EQ((*booked)["sequence"], 0);
  EXPECT_EQ((*booked)["status"], "TENTATIVE");
  EXPECT_EQ((*booked)["summary"], "Appointment: " + client_.username);
}

TEST_F(CalendarTest, AResetLinkADeactivatedAccountAndAMalformedPathFindNothing) {
  Book(Slot(5, 11, 0));
  const auto old_link = NewLink(client_);
  ASSERT_EQ(Get(old_link).status, 200u);
  const auto new_link = NewLink(client_);
  ASSERT_NE(new_link, old_link);
  const auto refused = Get(old_link);
  EXPECT_EQ(refused.status, 404u);
  EXPECT_NE(refused.body.find("reset"), std::string::npos) << refused.body;
  EXPECT_EQ(Get(new_link).status, 200u);

  // Over gRPC too, with the token alone.
  GetCalendarFeedRequest request;
  request.set_token(old_link.substr(10, old_link.size() - 14));
  CalendarFeedResponse feed;
  grpc::ClientContext context;
  EXPECT_EQ(stub_->GetCalendarFeed(&context, request, &feed).error_code(), StatusCode::NOT_FOUND);

  EXPECT_EQ(Get("/calendar/not-a-token.ics").status, 404u);
  EXPECT_EQ(Get("/calendar/").status, 404u);
  EXPECT_EQ(Get(new_link.substr(0, new_link.size() - 4)).status, 404u);
  EXPECT_EQ(HttpCall(port_, "POST", new_link).status, 405u);

  // Without a token no link is made.
  CalendarLinkResponse link;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->ResetCalendarLink(&anonymous, ResetCalendarLinkRequest{}, &link).error_code(),
            StatusCode::UNAUTHENTICATED);

  // A deactivated account's link stops working, and works again on reactivation.
  const auto admin = NewAdmin(*stub_);
  SetAccountActiveRequest off;
  off.set_user_id(client_.id);
  off.set_active(false);
  AccountResponse done;
  ASSERT_TRUE(stub_->SetAccountActive(Authed(admin.token).get(), off, &done).ok());
  EXPECT_EQ(Get(new_link).status, 404u);
  off.set_active(true);
  ASSERT_TRUE(stub_->SetAccountActive(Authed(admin.token).get(), off, &done).ok());
  EXPECT_EQ(Get(new_link).status, 200u);
}

}  // namespace
}  // namespace barbershop::core::testing
