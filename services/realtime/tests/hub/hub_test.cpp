#include "hub/hub.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "recording_hub.hpp"

namespace barbershop::realtime::hub {
namespace {

TEST(HubTest, SubscribesWhileAnySocketListensAndSharesOneBuffer) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  auto a = std::make_shared<RecordingListener>();
  auto b = std::make_shared<RecordingListener>();
  hub.Join("user:1", a);
  hub.Join("user:1", b);
  EXPECT_EQ(subscriber.calls, std::vector<std::string>{"+user:1"});
  EXPECT_EQ(a->ready, 0);
  hub.OnSubscribed("user:1");
  EXPECT_EQ(a->ready, 1);
  EXPECT_EQ(b->ready, 1);

  auto message = std::make_shared<const std::string>("{}");
  hub.Deliver("user:1", message);
  hub.Deliver("user:2", message);
  ASSERT_EQ(a->messages.size(), 1u);
  EXPECT_EQ(a->messages[0].get(), message.get());
  EXPECT_EQ(b->messages[0].get(), message.get());

  hub.Leave("user:1", a.get());
  EXPECT_EQ(subscriber.calls.size(), 1u);
  hub.Leave("user:1", b.get());
  EXPECT_EQ(subscriber.calls.back(), "-user:1");
  EXPECT_EQ(hub.channel_count(), 0u);
}

TEST(HubTest, JoinAfterSubscriptionIsReadyAtOnce) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  auto a = std::make_shared<RecordingListener>();
  auto b = std::make_shared<RecordingListener>();
  hub.Join("chat:1", a);
  hub.OnSubscribed("chat:1");
  hub.Join("chat:1", b);
  EXPECT_EQ(b->ready, 1);
}

TEST(HubTest, LostSubscriptionsAreListedAndWaitAgain) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  auto a = std::make_shared<RecordingListener>();
  hub.Join("user:1", a);
  hub.OnSubscribed("user:1");
  EXPECT_EQ(hub.OnSubscriptionsLost(), std::vector<std::string>{"user:1"});
  auto b = std::make_shared<RecordingListener>();
  hub.Join("user:1", b);
  EXPECT_EQ(b->ready, 0);
  hub.OnSubscribed("user:1");
  EXPECT_EQ(b->ready, 1);
  EXPECT_EQ(a->ready, 2) << "a listener from before the loss must catch up";
}

TEST(HubTest, GoneListenersAreSkipped) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  auto a = std::make_shared<RecordingListener>();
  hub.Join("user:1", a);
  a.reset();
  hub.Deliver("user:1", std::make_shared<const std::string>("{}"));  // no crash
  EXPECT_EQ(hub.listener_count(), 1u);
}

TEST(HubTest, MessagesPublishedWhileTheirDeliveryWaitsGoTogetherInOrder) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  // A fan-out that runs nothing until told: the io threads are busy.
  std::vector<std::pair<std::string, std::function<void()>>> jobs;
  hub.SetFanOut([&](const std::string& channel, std::function<void()> deliver) {
    jobs.emplace_back(channel, std::move(deliver));
  });
  auto a = std::make_shared<RecordingListener>();
  auto b = std::make_shared<RecordingListener>();
  hub.Join("user:1", a);
  hub.Join("user:2", b);
  hub.OnSubscribed("user:1");
  hub.OnSubscribed("user:2");
  const auto text = [](const RecordingListener& listener) {
    std::vector<std::string> out;
    for (const auto& message : listener.messages) out.push_back(*message);
    return out;
  };

  hub.Deliver("user:1", std::make_shared<const std::string>("1"));
  hub.Deliver("user:2", std::make_shared<const std::string>("x"));
  hub.Deliver("user:1", std::make_shared<const std::string>("2"));
  hub.Deliver("user:1", std::make_shared<const std::string>("3"));
  ASSERT_EQ(jobs.size(), 2u) << "one delivery per channel while it waits";
  EXPECT_TRUE(a->messages.empty());
  for (auto& [channel, deliver] : jobs) deliver();
  jobs.clear();
  EXPECT_EQ(a->batches, std::vector<std::size_t>{3});
  EXPECT_EQ(text(*a), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(text(*b), std::vector<std::string>{"x"});

  // Once delivered, the next message waits on a delivery of its own.
  hub.Deliver("user:1", std::make_shared<const std::string>("4"));
  ASSERT_EQ(jobs.size(), 1u);
  jobs.front().second();
  jobs.clear();
  EXPECT_EQ(a->batches, (std::vector<std::size_t>{3, 1}));

  // A channel whose last listener leaves before its delivery runs drops what waited;
  // joined again, it starts afresh.
  hub.Deliver("user:2", std::make_shared<const std::string>("lost"));
  hub.Leave("user:2", b.get());
  auto c = std::make_shared<RecordingListener>();
  hub.Join("user:2", c);
  hub.OnSubscribed("user:2");
  hub.Deliver("user:2", std::make_shared<const std::string>("y"));
  ASSERT_EQ(jobs.size(), 2u);
  for (auto& [channel, deliver] : jobs) deliver();
  EXPECT_EQ(text(*b), std::vector<std::string>{"x"});
  EXPECT_EQ(text(*c), std::vector<std::string>{"y"});
  jobs.clear();

  // The fan-out goes (the server is torn down) with a delivery still queued, which never
  // runs: the next message delivers what waited, in order, on the caller's thread.
  hub.Deliver("user:2", std::make_shared<const std::string>("z1"));
  ASSERT_EQ(jobs.size(), 1u);
  hub.SetFanOut({});
  jobs.clear();
  hub.Deliver("user:2", std::make_shared<const std::string>("z2"));
  EXPECT_EQ(text(*c), (std::vector<std::string>{"y", "z1", "z2"}));
}

TEST(HubTest, ALateConfirmationOfAnUndoneSubscribeDoesNotMakeANewSocketReady) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  auto first = std::make_shared<RecordingListener>();
  hub.Join("user:1", first);
  hub.Leave("user:1", first.get());  // before the subscribe was confirmed
  auto second = std::make_shared<RecordingListener>();
  hub.Join("user:1", second);
  EXPECT_EQ(subscriber.calls, (std::vector<std::string>{"+user:1", "-user:1", "+user:1"}))
      << "the subscriber must see the changes in the order they were made";
  hub.OnSubscribed("user:1");  // the first subscribe's: the unsubscribe follows it
  EXPECT_EQ(second->ready, 0);
  hub.OnSubscribed("user:1");  // the second's: subscribed for good
  EXPECT_EQ(second->ready, 1);
  hub.OnSubscribed("user:1");  // a stray one changes nothing
  EXPECT_EQ(second->ready, 1);
}

TEST(HubTest, AKeptChannelIsSubscribedForLifeAndAgainAfterALoss) {
  FakeSubscriber subscriber;
  Hub hub(subscriber);
  std::vector<std::string> heard;
  int subscribed = 0;
  hub.Keep(
      "sessions:ended", [&](const std::string& message) { heard.push_back(message); }, [&] { ++subscribed; });
  EXPECT_EQ(subscriber.calls, std::vector<std::string>{"+sessions:ended"});
  hub.OnSubscribed("sessions:ended");
  EXPECT_EQ(subscribed, 1);
  hub.Deliver("sessions:ended", std::make_shared<const std::string>("s-1"));
  EXPECT_EQ(heard, std::vector<std::string>{"s-1"});
  EXPECT_EQ(hub.channel_count(), 0u) << "not a channel of sockets";

  // Sockets coming and going elsewhere never unsubscribe it.
  auto socket = std::make_shared<RecordingListener>();
  hub.Join("user:1", socket);
  hub.Leave("user:1", socket.get());
  EXPECT_EQ(subscriber.calls, (std::vector<std::string>{"+sessions:ended", "+user:1", "-user:1"}));

  // The connection is lost: subscribed anew, and told again once confirmed.
  const auto again = hub.OnSubscriptionsLost();
  EXPECT_NE(std::find(again.begin(), again.end(), "sessions:ended"), again.end());
  hub.OnSubscribed("sessions:ended");
  EXPECT_EQ(subscribed, 2);
  hub.Deliver("sessions:ended", std::make_shared<const std::string>("s-2"));
  EXPECT_EQ(heard, (std::vector<std::string>{"s-1", "s-2"}));
}

TEST(HubTest, JoinAndLeaveRacingOnOneChannelKeepTheSubscriberInStep) {
  // Many threads join and leave one channel; whatever the interleaving, the subscriber's
  // calls alternate and end subscribed exactly while a listener is left.
  class CheckingSubscriber final : public ChannelSubscriber {
   public:
    void Subscribe(const std::string&) override {
      EXPECT_FALSE(subscribed);
      subscribed = true;
    }
    void Unsubscribe(const std::string&) override {
      EXPECT_TRUE(subscribed);
      subscribed = false;
    }
    bool subscribed = false;
  } subscriber;
  Hub hub(subscriber);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto listener = std::make_shared<RecordingListener>();
        hub.Join("user:1", listener);
        hub.Leave("user:1", listener.get());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(subscriber.subscribed);
  EXPECT_EQ(hub.channel_count(), 0u);
}

}  // namespace
}  // namespace barbershop::realtime::hub
