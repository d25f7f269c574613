#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace barbershop::realtime::hub {

/// A socket's end of the hub.  Methods are called from any thread (the Redis subscriber
/// thread, or the caller of Join); implementations hand the work to their own strand.
class Listener {
 public:
  virtual ~Listener() = default;
  /// The channel is subscribed: from now on no published message is missed.
  virtual void OnReady() = 0;
  using Message = std::shared_ptr<const std::string>;
  using Batch = std::shared_ptr<const std::vector<Message>>;

  /// One published message, serialised once and shared by every listener.
  virtual void OnMessage(Message message) = 0;
  /// Messages published on the channel, in the order published: one, or more when the
  /// delivery fell behind.  Shared by every listener.  By default, OnMessage for each.
  virtual void OnMessages(const Batch& batch) {
    for (const auto& message : *batch) OnMessage(message);
  }
};

/// Where the hub subscribes to channels (Redis pub/sub).  Calls return at once, without
/// calling back into the hub (it calls them holding its lock); the subscriber sends them
/// in the order called and reports each confirmed subscribe with Hub::OnSubscribed.
class ChannelSubscriber {
 public:
  virtual ~ChannelSubscriber() = default;
  virtual void Subscribe(const std::string& channel) = 0;
  virtual void Unsubscribe(const std::string& channel) = 0;
};

/// Which of this copy's sockets listen on which channel; subscribes this copy to a
/// channel while it has at least one socket on it, and fans each published message out
/// to those sockets.  Thread-safe.
class Hub {
 public:
  /// Runs the delivery of one published message to its listeners somewhere else (the
  /// server's io threads); deliveries for one channel must run in the order handed over.
  using FanOut = std::function<void(const std::string& channel, std::function<void()> deliver)>;

  explicit Hub(ChannelSubscriber& subscriber) : subscriber_(subscriber) {}

  /// Without one (or after it is reset), Deliver calls the listeners on its own thread.
  void SetFanOut(FanOut fan_out);

  /// Subscribes to `channel` for the hub's whole life, whatever its sockets do: each
  /// message published on it goes to `on_message` (on the subscriber's thread: hand long
  /// work elsewhere), and `on_subscribed` runs each time its subscription is confirmed,
  /// the first time and after every lost connection.  Not a channel sockets join.
  void Keep(const std::string& channel, std::function<void(const std::string& message)> on_message,
            std::function<void()> on_subscribed);

  /// Adds a listener; its OnReady runs once the channel is subscribed (at once if it is).
  void Join(const std::string& channel, const std::shared_ptr<Listener>& listener);
  void Leave(const std::string& channel, const Listener* listener);

  /// From the subscriber: the channel's subscription is confirmed.
  void OnSubscribed(const std::string& channel);
  /// From the subscriber: the connection was lost; every channel must be subscribed anew,
  /// and every listener hears OnReady again when its channel is.  Returns the channels.
  std::vector<std::string> OnSubscriptionsLost();
  /// From the subscriber: a message published on the channel.  With a fan-out, the
  /// messages that arrive while the channel's delivery waits for its turn go with it, in
  /// one batch: the hub's work per message shrinks as the load grows.  The hub must
  /// outlive the deliveries handed to the fan-out.
  void Deliver(const std::string& channel, std::shared_ptr<const std::string> message);

  std::size_t channel_count() const;
  std::size_t listener_count() const;

 private:
  struct Channel {
    bool ready = false;
    std::map<const Listener*, std::weak_ptr<Listener>> listeners;
    std::vector<std::weak_ptr<Listener>> waiting;  // joined before the subscription was confirmed
    std::vector<Listener::Message> pending;        // published, their delivery not run yet
  };

  struct KeptChannel {
    std::function<void(const std::string& message)> on_message;
    std::function<void()> on_subscribed;
  };

  std::shared_ptr<const KeptChannel> Kept(const std::string& channel) const;
  /// The channel's pending messages to the listeners it has now.
  void DeliverPending(const std::string& channel);

  ChannelSubscriber& subscriber_;
  mutable std::mutex mutex_;
  FanOut fan_out_;
  std::map<std::string, Channel> channels_;
  std::map<std::string, std::shared_ptr<const KeptChannel>> kept_;
  /// Subscribes sent and not yet confirmed, per channel; kept while a channel comes and
  /// goes, so that a late confirmation is matched to its subscribe.
  std::map<std::string, int> subscribes_in_flight_;
  std::size_t listeners_ = 0;
};

}  // namespace barbershop::realtime::hub
