#include <gtest/gtest.h>

#include <cctype>
#include <tuple>

#include "barbershop/common/shop_time.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

class ChairsTest : public ::testing::Test {
 protected:
  ChairsTest() : stub_(TestCore::Get().NewStub()), admin_(NewAdmin(*stub_)), user_(NewCustomer(*stub_)) {}

  // Saves `user_id`'s chair as `as`, with hours "weekday opens closes" each.
  grpc::Status Save(const TestUser& as, const std::string& user_id, const std::string& name,
                    const std::vector<std::tuple<int, std::string, std::string>>& hours, bool auto_confirm = false,
                    SaveBarberResponse* out = nullptr) {
    SaveBarberRequest request;
    request.set_user_id(user_id);
    request.set_name(name);
    request.set_auto_confirm(auto_confirm);
    for (const auto& [weekday, opens, closes] : hours) {
      auto* h = request.add_hours();
      h->set_weekday(weekday);
      h->set_opens(opens);
      h->set_closes(closes);
    }
    SaveBarberResponse ignored;
    return stub_->SaveBarber(Authed(as.token).get(), request, out ? out : &ignored);
  }
  // The barber called `name` as ListBarbers shows it: "weekday opens-closes" each.
  std::vector<std::string> HoursOf(const std::string& name) {
    ListBarbersResponse barbers;
    EXPECT_TRUE(stub_->ListBarbers(Authed(admin_.token).get(), {}, &barbers).ok());
    std::vector<std::string> out;
    for (const auto& b : barbers.barbers()) {
      if (b.name() != name) continue;
      for (const auto& h : b.hours()) out.push_back(std::to_string(h.weekday()) + " " + h.opens() + "-" + h.closes());
    }
    return out;
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser admin_;
  TestUser user_;
};

TEST_F(ChairsTest, AnAdminMakesACustomerABarberWhoThenRunsTheirOwnChair) {
  const std::string name = "Mira " + Unique();
  EXPECT_EQ(Save(user_, "", name, {{1, "10:00", "19:00"}}).error_code(), StatusCode::PERMISSION_DENIED);
  SaveBarberResponse saved;
  ASSERT_TRUE(Save(admin_, user_.id, name, {{1, "10:00", "14:00"}, {1, "15:00", "19:00"}}, true, &saved).ok());
  EXPECT_EQ(saved.barber().barber_id(), user_.id);
  EXPECT_TRUE(saved.barber().auto_confirm());
  EXPECT_EQ(HoursOf(name), (std::vector<std::string>{"1 10:00-14:00", "1 15:00-19:00"}));

  // Logged in again, the new barber changes their own hours; bookings follow them.
  user_.token = Login(*stub_, user_.email, user_.password);
  ASSERT_TRUE(Save(user_, "", name, {{6, "09:00", "13:00"}}, true).ok());
  EXPECT_EQ(HoursOf(name), std::vector<std::string>{"6 09:00-13:00"});
  const auto client = NewCustomer(*stub_);
  CreateAppointmentRequest request;
  request.set_barber_name(name);
  request.set_date_time(Slot(6, 10, 0));
  AppointmentResponse booked;
  ASSERT_TRUE(stub_->CreateAppointment(Authed(client.token).get(), request, &booked).ok());
  EXPECT_EQ(booked.appointment().status(), "confirmed");  // auto-confirm
  request.set_date_time(Slot(1, 10, 0));
  AppointmentResponse refused;
  EXPECT_EQ(stub_->CreateAppointment(Authed(client.token).get(), request, &refused).error_code(),
            StatusCode::FAILED_PRECONDITION);

  // A new name shows on the bookings already made.
  const std::string renamed = name + " B";
  ASSERT_TRUE(Save(user_, "", renamed, {{6, "09:00", "13:00"}}, true).ok());
  AppointmentsResponse list;
  ASSERT_TRUE(stub_->GetAppointments(Authed(client.token).get(), {}, &list).ok());
  ASSERT_EQ(list.appointments_size(), 1);
  EXPECT_EQ(list.appointments(0).barber_name(), renamed);
}

TEST_F(ChairsTest, OnlyTheBarberOrAnAdminSavesAChairAndBadInputChangesNothing) {
  const auto barber = NewBarber(*stub_);
  const auto rival = NewBarber(*stub_);
  const std::vector<std::tuple<int, std::string, std::string>> week{{2, "09:00", "17:00"}};
  EXPECT_EQ(Save(rival, barber.id, "Taken " + Unique(), week).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Save(user_, barber.id, "Taken " + Unique(), week).error_code(), StatusCode::PERMISSION_DENIED);

  const auto before = HoursOf(barber.username);
  ASSERT_EQ(before.size(), 6U);
  EXPECT_EQ(Save(barber, "", barber.username, {{2, "09:00", "13:00"}, {2, "12:00", "17:00"}}).error_code(),
            StatusCode::INVALID_ARGUMENT);  // overlapping
  EXPECT_EQ(Save(barber, "", barber.username, {{2, "09:00", "25:00"}}).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Save(barber, "", barber.username, {{8, "09:00", "17:00"}}).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Save(barber, "", barber.username, {{2, "17:00", "09:00"}}).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Save(barber, "", "", week).error_code(), StatusCode::INVALID_ARGUMENT);
  std::vector<std::tuple<int, std::string, std::string>> crumbs;
  for (int i = 0; i < 29; ++i) {
    crumbs.emplace_back(1, common::FormatClockMinutes(i * 10), common::FormatClockMinutes(i * 10 + 5));
  }
  EXPECT_EQ(Save(barber, "", barber.username, crumbs).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Save(barber, "", std::string(65, 'x'), week).error_code(), StatusCode::INVALID_ARGUMENT);
  // Another barber's name, in any case, is taken.
  auto upper = rival.username;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Save(barber, "", upper, week).error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(HoursOf(barber.username), before);

  EXPECT_EQ(Save(admin_, admin_.id, "Boss " + Unique(), week).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Save(admin_, "00000000-0000-4000-8000-000000000000", "Nobody " + Unique(), week).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(Save(admin_, "not-an-id", "Nobody " + Unique(), week).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Save(admin_, barber.id, barber.username, week).ok());
  EXPECT_EQ(HoursOf(barber.username), std::vector<std::string>{"2 09:00-17:00"});
}

TEST_F(ChairsTest, SavingAChairAnnouncesTheBarbersNewHoursAndARefusedSaveNothing) {
  const auto barber = NewBarber(*stub_);
  const std::vector<std::tuple<int, std::string, std::string>> week{{2, "09:00", "17:00"}};
  EXPECT_EQ(Save(barber, "", barber.username, {{2, "17:00", "09:00"}}).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Save(user_, barber.id, barber.username, week).error_code(), StatusCode::PERMISSION_DENIED);
  const auto rival = NewBarber(*stub_);
  EXPECT_EQ(Save(barber, "", rival.username, week).error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(ScheduleChanges(barber).empty());

  ASSERT_TRUE(Save(barber, "", barber.username, week).ok());
  auto events = ScheduleChanges(barber);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_TRUE(IsScheduleChange(events[0], barber, barber.username, "hours_changed"));

  // An admin's save under a new name announces the new name.
  const std::string renamed = barber.username + " B";
  ASSERT_TRUE(Save(admin_, barber.id, renamed, week, true).ok());
  events = ScheduleChanges(barber);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_TRUE(IsScheduleChange(events[1], barber, renamed, "hours_changed"));
  EXPECT_TRUE(ScheduleChanges(rival).empty());
}

}  // namespace
}  // namespace barbershop::core::testing
