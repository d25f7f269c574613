#include "hub/events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <variant>

#include "sample_event.hpp"

namespace barbershop::realtime::hub {
namespace {

using nlohmann::json;

json Event(const std::string& type) { return testing::SampleAppointmentEvent(type); }

class EventsTest : public ::testing::Test {
 protected:
  common::ShopTime shop_time_ = *common::ShopTime::ForZone("Europe/Chisinau");

  std::vector<Delivery> Deliver(const json& event) {
    auto parsed = ParseEvent(event.dump(), shop_time_);
    EXPECT_TRUE(std::holds_alternative<AppointmentEvent>(parsed));
    return BuildDeliveries(std::get<AppointmentEvent>(parsed), shop_time_);
  }
};

TEST_F(EventsTest, ConfirmationReachesBarberAndClientInTheSeedsShape) {
  const auto deliveries = Deliver(Event("appointment.confirmed"));
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].user_id, "b-1");
  EXPECT_EQ(deliveries[1].user_id, "c-1");
  const auto client = json::parse(deliveries[1].body);
  EXPECT_EQ(client["type"], "appointment_confirmation");
  EXPECT_EQ(client["appointment_id"], "a-1");
  EXPECT_EQ(client["barber_id"], "b-1");
  EXPECT_EQ(client["client_id"], "c-1");
  EXPECT_EQ(client["status"], "confirmed");
  EXPECT_EQ(client["appointment_date_time"], "2024-09-25T15:00:00+03:00");
  EXPECT_EQ(client["message"], "Your appointment is confirmed for 2024-09-25 at 15:00.");
  EXPECT_FALSE(client.contains("id"));  // the stream entry id is added when stored
  EXPECT_NE(json::parse(deliveries[0].body)["message"], client["message"]);
}

TEST_F(EventsTest, TheBarberSeesWhichServiceWasBooked) {
  auto event = Event("appointment.created");
  event["appointment"]["service"] = "Haircut and beard";
  const auto deliveries = Deliver(event);
  ASSERT_EQ(deliveries.size(), 2u);
  const auto barber = json::parse(deliveries[0].body);
  EXPECT_EQ(barber["service"], "Haircut and beard");
  EXPECT_EQ(barber["message"], "New booking: Dan on 2024-09-25 at 15:00, Haircut and beard.");
  EXPECT_EQ(json::parse(deliveries[1].body)["service"], "Haircut and beard");
  // Without a service, no field.
  EXPECT_FALSE(json::parse(Deliver(Event("appointment.created"))[0].body).contains("service"));
}

TEST_F(EventsTest, EachEventTypeHasItsMessageType) {
  const std::pair<const char*, const char*> table[] = {{"appointment.created", "appointment_created"},
                                                       {"appointment.confirmed", "appointment_confirmation"},
                                                       {"appointment.modified", "appointment_modified"},
                                                       {"appointment.canceled", "appointment_cancellation"},
                                                       {"appointment.completed", "appointment_completed"},
                                                       {"appointment.no_show", "appointment_no_show"},
                                                       {"appointment.reminder", "notification"}};
  for (const auto& [type, message_type] : table) {
    const auto deliveries = Deliver(Event(type));
    ASSERT_EQ(deliveries.size(), 2u) << type;
    EXPECT_EQ(json::parse(deliveries[1].body)["type"], message_type) << type;
  }
  EXPECT_EQ(json::parse(Deliver(Event("appointment.canceled"))[1].body)["message"],
            "Your appointment has been canceled.");
}

TEST_F(EventsTest, ReminderIsAnUnreadNotification) {
  auto event = Event("appointment.reminder");
  event["reminder"] = {{"minutes_before", 1440}};
  event["actor"] = {{"user_id", ""}, {"role", "system"}};
  const auto client = json::parse(Deliver(event)[1].body);
  EXPECT_EQ(client["type"], "notification");
  EXPECT_EQ(client["status"], "unread");
  EXPECT_EQ(client["message"], "Reminder: Your appointment is tomorrow at 15:00");
  EXPECT_EQ(client["minutes_before"], 1440);
}

TEST_F(EventsTest, LastMinuteChangeAddsAnUrgentNotificationForTheOtherParty) {
  auto event = Event("appointment.modified");
  event["last_minute"] = true;
  event["previous"] = {{"start", "2024-09-25T14:00:00+03:00"}, {"end", "2024-09-25T14:30:00+03:00"}};
  const auto deliveries = Deliver(event);
  ASSERT_EQ(deliveries.size(), 3u);  // barber (the actor): status only; client: status + urgent
  EXPECT_EQ(deliveries[2].user_id, "c-1");
  const auto urgent = json::parse(deliveries[2].body);
  EXPECT_EQ(urgent["type"], "notification");
  EXPECT_EQ(urgent["urgent"], true);
  EXPECT_EQ(urgent["status"], "unread");
  EXPECT_EQ(json::parse(deliveries[1].body)["previous_date_time"], "2024-09-25T14:00:00+03:00");
}

TEST_F(EventsTest, PoisonEventsSayWhy) {
  const auto reason = [&](const std::string& body) {
    auto parsed = ParseEvent(body, shop_time_);
    EXPECT_TRUE(std::holds_alternative<PoisonReason>(parsed)) << body;
    return std::holds_alternative<PoisonReason>(parsed) ? std::get<PoisonReason>(parsed).code : std::string();
  };
  EXPECT_EQ(reason("{not json"), "bad_json");
  EXPECT_EQ(reason("[]"), "bad_json");
  EXPECT_EQ(reason(Event("appointment.exploded").dump()), "unknown_type");
  auto no_id = Event("appointment.created");
  no_id.erase("event_id");
  EXPECT_EQ(reason(no_id.dump()), "missing_field");
  auto no_client = Event("appointment.created");
  no_client["appointment"].erase("client_id");
  EXPECT_EQ(reason(no_client.dump()), "missing_field");
  auto bad_time = Event("appointment.created");
  bad_time["appointment"]["start"] = "yesterday";
  EXPECT_EQ(reason(bad_time.dump()), "bad_time");
}

json SessionEnded() {
  return json{{"event_id", "e-9"},
              {"type", "session.ended"},
              {"occurred_at", "2026-12-02T10:15:00+02:00"},
              {"session_id", "0b6c2d4e-8f1a-4c3b-9d2e-7a5f6b8c9d0e"},
              {"user_id", "c-1"},
              {"reason", "logout"}};
}

TEST_F(EventsTest, AnEndedLoginSessionIsParsed) {
  auto parsed = ParseEvent(SessionEnded().dump(), shop_time_);
  ASSERT_TRUE(std::holds_alternative<SessionEndedEvent>(parsed));
  const auto& ended = std::get<SessionEndedEvent>(parsed);
  EXPECT_EQ(ended.event_id, "e-9");
  EXPECT_EQ(ended.session_id, "0b6c2d4e-8f1a-4c3b-9d2e-7a5f6b8c9d0e");
  EXPECT_EQ(ended.user_id, "c-1");
  EXPECT_EQ(ended.reason, "logout");
  EXPECT_EQ(ended.occurred_at, "2026-12-02T10:15:00+02:00");
  // A reason this copy does not know yet still ends the session.
  auto later = SessionEnded();
  later["reason"] = "admin_revoked";
  EXPECT_TRUE(std::holds_alternative<SessionEndedEvent>(ParseEvent(later.dump(), shop_time_)));
}

TEST_F(EventsTest, AMalformedEndedSessionSaysWhy) {
  const auto reason = [&](const json& body) {
    auto parsed = ParseEvent(body.dump(), shop_time_);
    EXPECT_TRUE(std::holds_alternative<PoisonReason>(parsed)) << body.dump();
    return std::holds_alternative<PoisonReason>(parsed) ? std::get<PoisonReason>(parsed) : PoisonReason{};
  };
  for (const char* field : {"event_id", "session_id", "user_id", "reason"}) {
    auto missing = SessionEnded();
    missing.erase(field);
    EXPECT_EQ(reason(missing).code, "missing_field") << field;
    EXPECT_EQ(reason(missing).detail, field);
    auto empty = SessionEnded();
    empty[field] = "";
    EXPECT_EQ(reason(empty).code, "missing_field") << field;
    auto number = SessionEnded();
    number[field] = 42;
    EXPECT_EQ(reason(number).code, "missing_field") << field;
  }
  for (const std::string& odd : std::vector<std::string>{"a b", "rt:inbox:x", std::string(129, 'a'), "s\n", "*"}) {
    auto bad = SessionEnded();
    bad["session_id"] = odd;
    EXPECT_EQ(reason(bad).code, "bad_field") << odd;
  }
  auto longest = SessionEnded();
  longest["session_id"] = std::string(128, 'a');
  EXPECT_TRUE(std::holds_alternative<SessionEndedEvent>(ParseEvent(longest.dump(), shop_time_)));
}

TEST_F(EventsTest, AWaitlistOfferBecomesANotificationForItsCustomerAlone) {
  const json offer{{"event_id", "e-9"},
                   {"type", "barber.waitlist_offer"},
                   {"occurred_at", "2024-09-24T12:00:00+03:00"},
                   {"hold",
                    {{"id", "h-1"},
                     {"entry_id", "w-1"},
                     {"barber_id", "b-1"},
                     {"barber_name", "Ana"},
                     {"client_id", "c-1"},
                     {"start", "2024-09-25T15:00:00+03:00"},
                     {"end", "2024-09-25T15:30:00+03:00"},
                     {"expires_at", "2024-09-24T12:10:00+03:00"}}}};
  const auto parsed = ParseEvent(offer.dump(), shop_time_);
  ASSERT_TRUE(std::holds_alternative<WaitlistOfferEvent>(parsed));
  const auto delivery = OfferDelivery(std::get<WaitlistOfferEvent>(parsed), shop_time_);
  EXPECT_EQ(delivery.user_id, "c-1");
  const auto message = json::parse(delivery.body);
  EXPECT_EQ(message["type"], "notification");
  EXPECT_EQ(message["kind"], "waitlist_offer");
  EXPECT_EQ(message["status"], "unread");
  EXPECT_EQ(message["hold_id"], "h-1");
  EXPECT_EQ(message["appointment_date_time"], "2024-09-25T15:00:00+03:00");
  EXPECT_EQ(message["expires_at"], "2024-09-24T12:10:00+03:00");
  EXPECT_EQ(message["message"],
            "Ana has a time for you on 2024-09-25 at 15:00, held for you until 12:10: claim it or pass it on.");

  // Without its hold's times, or with a client id that cannot name a stream, it is poison.
  auto broken = offer;
  broken["hold"].erase("expires_at");
  EXPECT_TRUE(std::holds_alternative<PoisonReason>(ParseEvent(broken.dump(), shop_time_)));
  broken = offer;
  broken["hold"]["client_id"] = "c 1:*";
  EXPECT_TRUE(std::holds_alternative<PoisonReason>(ParseEvent(broken.dump(), shop_time_)));
}

}  // namespace
}  // namespace barbershop::realtime::hub
