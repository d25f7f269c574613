#include "bus/event_handler.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "../hub/sample_event.hpp"

namespace barbershop::realtime::bus {
namespace {

using nlohmann::json;
using Outcome = Handled::Outcome;

// Writes what it is given, in the order given, and refuses the calls it is told to.
class RecordingEventStore final : public store::EventStore {
 public:
  common::Result<std::vector<std::optional<std::vector<std::string>>>> StoreEvents(
      const std::vector<store::EventWrite>& events) override {
    if (refuse_stores > 0) {
      --refuse_stores;
      return common::MakeError(common::ErrorCode::kUnavailable, "Redis went away");
    }
    std::vector<std::optional<std::vector<std::string>>> ids;
    for (const auto& event : events) {
      written.push_back(event.dedup_key);
      ids.emplace_back(std::vector<std::string>(event.messages.size(), "1-1"));
    }
    return ids;
  }
  common::Result<bool> EndSession(const std::string& session_id, const std::string&, std::chrono::seconds) override {
    if (refuse_ends > 0) {
      --refuse_ends;
      return common::MakeError(common::ErrorCode::kUnavailable, "Redis went away");
    }
    written.push_back("ended:" + session_id);
    return true;
  }
  common::Status Publish(const std::string&, const std::string&) override { return common::Ok{}; }

  int refuse_stores = 0;
  int refuse_ends = 0;
  std::vector<std::string> written;  ///< rt:event:<id> of each event stored, ended:<session> of each ended
};

std::string AppointmentEvent(const std::string& event_id, const std::string& type) {
  return testing::SampleAppointmentEvent(type, event_id).dump();
}

std::string SessionEnded(const std::string& event_id) {
  return json{{"event_id", event_id},
              {"type", "session.ended"},
              {"session_id", "s-1"},
              {"user_id", "u-1"},
              {"reason", "logout"}}
      .dump();
}

class EventHandlerTest : public ::testing::Test {
 protected:
  // A booking, a login session ended, the booking's cancellation: two runs of stored
  // events with the ended session between them.
  std::vector<Handled> HandleBatch() {
    const std::vector<Delivery> deliveries{
        {"appointment.created", created_}, {"session.ended", ended_}, {"appointment.canceled", canceled_}};
    return handler_.Handle(deliveries);
  }
  static std::vector<Outcome> Outcomes(const std::vector<Handled>& handled) {
    std::vector<Outcome> out;
    for (const auto& one : handled) out.push_back(one.outcome);
    return out;
  }

  std::string created_ = AppointmentEvent("e-1", "appointment.created");
  std::string ended_ = SessionEnded("e-2");
  std::string canceled_ = AppointmentEvent("e-3", "appointment.canceled");
  RecordingEventStore store_;
  common::ShopTime shop_time_ = *common::ShopTime::ForZone("Europe/Chisinau");
  common::MetricsRegistry metrics_;
  EventHandler handler_{store_, shop_time_, metrics_, nullptr, std::chrono::seconds(60)};
};

TEST_F(EventHandlerTest, RunsOfEventsAndWhatComesBetweenThemAreWrittenInTheOrderPublished) {
  EXPECT_EQ(Outcomes(HandleBatch()), (std::vector<Outcome>{Outcome::kDone, Outcome::kDone, Outcome::kDone}));
  EXPECT_EQ(store_.written, (std::vector<std::string>{"rt:event:e-1", "ended:s-1", "rt:event:e-3"}));
}

TEST_F(EventHandlerTest, AfterAnEventThatCouldNotBeStoredNothingLaterIsTriedUntilItIs) {
  // The booking's run fails: the cancellation, in a later run, must not be stored before
  // it, and the consumer tries each again alone, in order.
  store_.refuse_stores = 1;
  EXPECT_EQ(Outcomes(HandleBatch()), (std::vector<Outcome>{Outcome::kRetry, Outcome::kRetry, Outcome::kRetry}));
  EXPECT_TRUE(store_.written.empty());
  for (const auto* body : {&created_, &ended_, &canceled_}) {
    EXPECT_EQ(handler_.Handle({{"", *body}}).front().outcome, Outcome::kDone);
  }
  EXPECT_EQ(store_.written, (std::vector<std::string>{"rt:event:e-1", "ended:s-1", "rt:event:e-3"}));
}

TEST_F(EventHandlerTest, AnEndedSessionThatCouldNotBeRecordedHoldsBackTheEventsAfterIt) {
  store_.refuse_ends = 1;
  EXPECT_EQ(Outcomes(HandleBatch()), (std::vector<Outcome>{Outcome::kDone, Outcome::kRetry, Outcome::kRetry}));
  EXPECT_EQ(store_.written, (std::vector<std::string>{"rt:event:e-1"}));
}

}  // namespace
}  // namespace barbershop::realtime::bus
