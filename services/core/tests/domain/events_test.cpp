#include "domain/events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace barbershop::core::domain {
namespace {

class EventsTest : public ::testing::Test {
 protected:
  EventsTest() : shop_(common::ShopTime::ForZone("Europe/Chisinau").value()) {
    appointment_ = {"a-1",
                    "b-1",
                    "Ana",
                    "c-1",
                    "ion",
                    shop_.Parse("2026-12-07T15:00").value(),
                    shop_.Parse("2026-12-07T15:30").value(),
                    AppointmentStatus::kConfirmed,
                    "",
                    0};
  }
  nlohmann::json Payload(const EventDetails& details) {
    const auto event = MakeOutboxEvent(details, shop_, shop_.Parse("2026-12-01T10:00").value());
    auto json = nlohmann::json::parse(event.payload_json);
    EXPECT_EQ(json["event_id"], event.event_id);
    EXPECT_EQ(event.routing_key, json["type"]);
    return json;
  }
  common::ShopTime shop_;
  Appointment appointment_;
};

TEST_F(EventsTest, PayloadCarriesTheAppointmentAndTheActor) {
  const auto json =
      Payload({EventType::kConfirmed, appointment_, Caller{"b-1", Role::kBarber}, nullptr, false, std::nullopt});
  EXPECT_EQ(json["type"], "appointment.confirmed");
  EXPECT_EQ(json["occurred_at"], "2026-12-01T10:00:00+02:00");
  EXPECT_EQ(json["appointment"]["id"], "a-1");
  EXPECT_EQ(json["appointment"]["barber_name"], "Ana");
  EXPECT_EQ(json["appointment"]["client_id"], "c-1");
  EXPECT_EQ(json["appointment"]["start"], "2026-12-07T15:00:00+02:00");
  EXPECT_EQ(json["appointment"]["end"], "2026-12-07T15:30:00+02:00");
  EXPECT_EQ(json["appointment"]["status"], "confirmed");
  EXPECT_EQ(json["actor"]["role"], "barber");
  EXPECT_FALSE(json.contains("previous"));
  EXPECT_FALSE(json.contains("last_minute"));
  EXPECT_FALSE(json["appointment"].contains("service"));  // booked without one
}

TEST_F(EventsTest, ABookedServiceAndItsPriceTravelWithTheAppointment) {
  Appointment with_service = appointment_;
  with_service.service_name = "Haircut and beard";
  with_service.price_cents = 3500;
  const auto json =
      Payload({EventType::kCreated, with_service, Caller{"c-1", Role::kCustomer}, nullptr, false, std::nullopt});
  EXPECT_EQ(json["appointment"]["service"], "Haircut and beard");
  EXPECT_EQ(json["appointment"]["price_cents"], 3500);
}

TEST_F(EventsTest, MovesNameThePreviousTimeAndLastMinuteChangesSaySo) {
  Appointment before = appointment_;
  before.starts_at -= std::chrono::hours(1);
  before.ends_at -= std::chrono::hours(1);
  const auto json =
      Payload({EventType::kModified, appointment_, Caller{"b-1", Role::kBarber}, &before, true, std::nullopt});
  EXPECT_EQ(json["previous"]["start"], "2026-12-07T14:00:00+02:00");
  EXPECT_EQ(json["last_minute"], true);
}

TEST_F(EventsTest, RemindersComeFromTheSystem) {
  const auto json = Payload({EventType::kReminder, appointment_, std::nullopt, nullptr, false, 60});
  EXPECT_EQ(json["type"], "appointment.reminder");
  EXPECT_EQ(json["actor"]["role"], "system");
  EXPECT_EQ(json["reminder"]["minutes_before"], 60);
}

TEST_F(EventsTest, EveryEventHasItsOwnId) {
  const EventDetails details{EventType::kCreated, appointment_, Caller{"c-1", Role::kCustomer}, nullptr, false,
                             std::nullopt};
  EXPECT_NE(MakeOutboxEvent(details, shop_, {}).event_id, MakeOutboxEvent(details, shop_, {}).event_id);
}

TEST_F(EventsTest, AScheduleChangeNamesTheBarberWhatChangedAndForTimeOffItsRange) {
  const TimeRange off{shop_.Parse("2026-12-07T12:00").value(), shop_.Parse("2026-12-07T14:00").value()};
  const auto now = shop_.Parse("2026-12-01T10:00").value();
  const auto added = MakeScheduleChangedEvent({ScheduleChange::kTimeOffAdded, "b-1", "Ana", off}, shop_, now);
  EXPECT_EQ(added.routing_key, "barber.schedule_changed");
  EXPECT_EQ(nlohmann::json::parse(added.payload_json), (nlohmann::json{{"event_id", added.event_id},
                                                                       {"type", "barber.schedule_changed"},
                                                                       {"occurred_at", "2026-12-01T10:00:00+02:00"},
                                                                       {"barber", {{"id", "b-1"}, {"name", "Ana"}}},
                                                                       {"change", "time_off_added"},
                                                                       {"from", "2026-12-07T12:00:00+02:00"},
                                                                       {"to", "2026-12-07T14:00:00+02:00"}}));
  const auto removed = MakeScheduleChangedEvent({ScheduleChange::kTimeOffRemoved, "b-1", "Ana", off}, shop_, now);
  EXPECT_EQ(nlohmann::json::parse(removed.payload_json)["change"], "time_off_removed");
  EXPECT_NE(removed.event_id, added.event_id);
  for (const auto& [change, name] : {std::pair{ScheduleChange::kHoursChanged, "hours_changed"},
                                     std::pair{ScheduleChange::kServicesChanged, "services_changed"}}) {
    const auto event = MakeScheduleChangedEvent({change, "b-1", "Ana"}, shop_, now);
    const auto json = nlohmann::json::parse(event.payload_json);
    EXPECT_EQ(json["change"], name);
    EXPECT_EQ(json["barber"]["name"], "Ana");
    EXPECT_FALSE(json.contains("from")) << name;
    EXPECT_FALSE(json.contains("to")) << name;
  }
}

}  // namespace
}  // namespace barbershop::core::domain
