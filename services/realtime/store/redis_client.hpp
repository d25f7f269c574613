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
  /// Sends several commands in one round trip; one result per command.  When the server
  /// had closed this connection before it answered anything, reconnects and sends them
  /// once more.
  common::Result<std::vector<RedisValue>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  /// How many times a command went again on a new connection.
  std::uint64_t reconnects() const { return reconnects_; }

 private:
  common::Result<std::vector<RedisValue>> Send(const std::vector<std::vector<std::string>>& commands,
                                               bool& closed_unanswered);
  common::Status EnsureConnected();
  void Drop();

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  std::uint64_t reconnects_ = 0;
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
