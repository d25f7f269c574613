#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "barbershop/common/stop_flag.hpp"
#include "hub/hub.hpp"
#include "store/redis_client.hpp"

namespace barbershop::realtime::store {

/// Redis pub/sub on a thread of its own: subscribes to the channels the hub asks for
/// and hands every published message to the hub.  After a lost connection it reconnects
/// and subscribes again to every channel the hub still has.  Subscribe/Unsubscribe are
/// thread-safe and return at once.
class RedisSubscriber final : public hub::ChannelSubscriber {
 public:
  explicit RedisSubscriber(RedisAddress address);
  ~RedisSubscriber() override;

  void Start(hub::Hub& hub);
  void Stop();

  void Subscribe(const std::string& channel) override;
  void Unsubscribe(const std::string& channel) override;

  bool connected() const { return connected_.load(); }

 private:
  void Run();
  void Wake();

  RedisAddress address_;
  hub::Hub* hub_ = nullptr;
  int wake_fd_ = -1;
  common::StopFlag stop_;
  std::atomic<bool> connected_{false};
  std::mutex mutex_;
  std::deque<std::pair<bool, std::string>> pending_;  // (subscribe?, channel)
  std::thread thread_;
};

}  // namespace barbershop::realtime::store
