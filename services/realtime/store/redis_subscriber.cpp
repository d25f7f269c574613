#include "store/redis_subscriber.hpp"

#include "barbershop/common/contained.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace barbershop::realtime::store {

RedisSubscriber::RedisSubscriber(RedisAddress address)
    : address_(std::move(address)), wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

RedisSubscriber::~RedisSubscriber() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void RedisSubscriber::Start(hub::Hub& hub) {
  hub_ = &hub;
  thread_ = std::thread([this] { common::RunRestarting("the Redis subscriber", nullptr, [this] { Run(); }); });
}

void RedisSubscriber::Stop() {
  stop_.Stop();
  Wake();
  if (thread_.joinable()) thread_.join();
}

void RedisSubscriber::Wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
}

void RedisSubscriber::Subscribe(const std::string& channel) {
  {
    std::lock_guard lock(mutex_);
    pending_.emplace_back(true, channel);
  }
  Wake();
}

void RedisSubscriber::Unsubscribe(const std::string& channel) {
  {
    std::lock_guard lock(mutex_);
    pending_.emplace_back(false, channel);
  }
  Wake();
}

void RedisSubscriber::Run() {
  redisContext* context = nullptr;
  const auto drop = [&] {
    if (context != nullptr) redisFree(context);
    context = nullptr;
    connected_ = false;
  };
  while (!stop_) {
    if (context == nullptr) {
      context = redisConnectWithTimeout(address_.host.c_str(), address_.port, timeval{2, 0});
      if (context == nullptr || context->err != 0) {
        drop();
        pollfd wake{wake_fd_, POLLIN, 0};
        poll(&wake, 1, 300);
        continue;
      }
      redisEnableKeepAlive(context);
      connected_ = true;
      // Everything the hub holds is subscribed anew; queued changes still follow in order.
      for (const auto& channel : hub_->OnSubscriptionsLost()) {
        redisAppendCommand(context, "SUBSCRIBE %b", channel.data(), channel.size());
      }
      spdlog::info("subscribed to Redis pub/sub at {}:{}", address_.host, address_.port);
    }
    std::deque<std::pair<bool, std::string>> changes;
    {
      std::lock_guard lock(mutex_);
      changes.swap(pending_);
    }
    for (const auto& [subscribe, channel] : changes) {
      redisAppendCommand(context, subscribe ? "SUBSCRIBE %b" : "UNSUBSCRIBE %b", channel.data(), channel.size());
    }
    int done = 0;
    while (!done) {
      if (redisBufferWrite(context, &done) != REDIS_OK) break;
    }
    if (context->err != 0) {
      spdlog::warn("Redis pub/sub connection lost; reconnecting");
      drop();
      continue;
    }

    pollfd fds[2] = {{context->fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, 500) < 0) continue;
    if (fds[1].revents & POLLIN) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto read_bytes = read(wake_fd_, &count, sizeof count);
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    if (redisBufferRead(context) != REDIS_OK) {
      spdlog::warn("Redis pub/sub connection lost; reconnecting");
      drop();
      continue;
    }
    void* raw = nullptr;
    while (redisGetReplyFromReader(context, &raw) == REDIS_OK && raw != nullptr) {
      auto* reply = static_cast<redisReply*>(raw);
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 3 && reply->element[0]->type == REDIS_REPLY_STRING &&
          reply->element[1]->type == REDIS_REPLY_STRING) {
        const std::string_view kind(reply->element[0]->str, reply->element[0]->len);
        std::string channel(reply->element[1]->str, reply->element[1]->len);
        if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
          hub_->Deliver(channel, std::make_shared<const std::string>(reply->element[2]->str, reply->element[2]->len));
        } else if (kind == "subscribe") {
          hub_->OnSubscribed(channel);
        }
      }
      freeReplyObject(reply);
      raw = nullptr;
    }
  }
  drop();
}

}  // namespace barbershop::realtime::store
