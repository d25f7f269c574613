#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "barbershop/common/result.hpp"

struct redisContext;

namespace barbershop::realtime::store {

/// One reply from Redis, copied out of hiredis.
struct RedisValue {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string text;  ///< kString, kStatus, kError
  long long integer = 0;
  std::vector<RedisValue> elements;
};

/// Where a Redis server is: parsed from "redis://host:port[/db]".
struct RedisAddress {
  std::string host;
  int port = 6379;
  int db = 0;
};
common::Result<RedisAddress> ParseRedisUrl(const std::string& url);

/// One blocking hiredis connection that reconnects on the next command after a failure.
/// Not thread-safe: one user at a time (RedisPool hands them out).
class RedisConnection {
 public:
  explicit RedisConnection(RedisAddress address, std::chrono::milliseconds timeout = std::chrono::seconds(2));
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  /// Runs one command; kUnavailable when Redis cannot be reached, kInternal for an error
  /// reply.
  common::Result<RedisValue> Command(const std::vector<std::string>& args);
  /// Sends several commands in one round trip; one result per command.
  common::Result<std::vector<RedisValue>> Pipeline(const std::vector<std::vector<std::string>>& commands);

 private:
  common::Status EnsureConnected();
  void Drop();

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

/// A fixed set of connections for blocking commands from many threads.  Thread-safe.
class RedisPool {
 public:
  RedisPool(const RedisAddress& address, std::size_t size);

  common::Result<RedisValue> Command(const std::vector<std::string>& args);
  common::Result<std::vector<RedisValue>> Pipeline(const std::vector<std::vector<std::string>>& commands);

 private:
  class Lease;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
};

}  // namespace barbershop::realtime::store
