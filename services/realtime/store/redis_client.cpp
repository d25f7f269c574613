#include "store/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <charconv>

namespace barbershop::realtime::store {

using common::ErrorCode;
using common::MakeError;

namespace {

RedisValue Convert(const redisReply* reply) {
  RedisValue value;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
      value.type = RedisValue::Type::kString;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      value.type = RedisValue::Type::kStatus;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      value.type = RedisValue::Type::kError;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      value.type = RedisValue::Type::kInteger;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RedisValue::Type::kArray;
      value.elements.reserve(reply->elements);
      for (std::size_t i = 0; i < reply->elements; ++i) value.elements.push_back(Convert(reply->element[i]));
      break;
    default:
      value.type = RedisValue::Type::kNil;
  }
  return value;
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

void AppendArgv(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data());
}

}  // namespace

common::Result<RedisAddress> ParseRedisUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "expected redis://HOST:PORT, got '" + url + "'");
  }
  std::string rest = url.substr(kScheme.size());
  RedisAddress address;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const auto db = rest.substr(slash + 1);
    if (!db.empty()) {
      const auto [ptr, ec] = std::from_chars(db.data(), db.data() + db.size(), address.db);
      if (ec != std::errc{} || ptr != db.data() + db.size()) {
        return MakeError(ErrorCode::kInvalidArgument, "bad database number in '" + url + "'");
      }
    }
    rest.resize(slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  const auto colon = rest.rfind(':');
  address.host = rest.substr(0, colon);
  if (colon != std::string::npos) {
    const auto port = rest.substr(colon + 1);
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (ec != std::errc{} || ptr != port.data() + port.size() || address.port <= 0 || address.port > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "bad port in '" + url + "'");
    }
  }
  if (address.host.empty()) return MakeError(ErrorCode::kInvalidArgument, "no host in '" + url + "'");
  return address;
}

RedisConnection::RedisConnection(RedisAddress address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout) {}

RedisConnection::~RedisConnection() { Drop(); }

void RedisConnection::Drop() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

common::Status RedisConnection::EnsureConnected() {
  if (context_ != nullptr) return common::Ok{};
  context_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, ToTimeval(timeout_));
  if (context_ == nullptr || context_->err != 0) {
    Drop();
    return MakeError(ErrorCode::kUnavailable, "Redis is unreachable");
  }
  redisSetTimeout(context_, ToTimeval(timeout_));
  redisEnableKeepAlive(context_);
  if (address_.db != 0) {
    auto selected = Command({"SELECT", std::to_string(address_.db)});
    if (!selected) return selected.error();
  }
  return common::Ok{};
}

common::Result<RedisValue> RedisConnection::Command(const std::vector<std::string>& args) {
  auto results = Pipeline({args});
  if (!results) return results.error();
  auto value = std::move(results->front());
  if (value.type == RedisValue::Type::kError) return MakeError(ErrorCode::kInternal, "Redis: " + value.text);
  return value;
}

common::Result<std::vector<RedisValue>> RedisConnection::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  // A connection that sat in the pool may have been closed by the server meanwhile (a
  // restart, a killed client).  The server then answers nothing at all: the commands did
  // not run, and they go once more on a new connection.  A timeout is not retried: they
  // may have run.
  const bool reused = context_ != nullptr;
  bool closed_unanswered = false;
  auto values = Send(commands, closed_unanswered);
  if (values || !reused || !closed_unanswered) return values;
  ++reconnects_;
  return Send(commands, closed_unanswered);
}

common::Result<std::vector<RedisValue>> RedisConnection::Send(const std::vector<std::vector<std::string>>& commands,
                                                              bool& closed_unanswered) {
  closed_unanswered = false;
  if (auto connected = EnsureConnected(); !connected) return connected.error();
  for (const auto& args : commands) AppendArgv(context_, args);
  std::vector<RedisValue> values;
  values.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      const bool closed =
          context_->err == REDIS_ERR_EOF || (context_->err == REDIS_ERR_IO && (errno == ECONNRESET || errno == EPIPE));
      closed_unanswered = closed && i == 0;
      Drop();
      return MakeError(ErrorCode::kUnavailable, "Redis connection lost");
    }
    auto* reply = static_cast<redisReply*>(raw);
    values.push_back(Convert(reply));
    freeReplyObject(reply);
  }
  return values;
}

class RedisPool::Lease {
 public:
  explicit Lease(RedisPool& pool) : pool_(pool) {
    std::unique_lock lock(pool_.mutex_);
    pool_.available_.wait(lock, [this] { return !pool_.idle_.empty(); });
    connection_ = std::move(pool_.idle_.back());
    pool_.idle_.pop_back();
  }
  ~Lease() {
    {
      std::lock_guard lock(pool_.mutex_);
      pool_.idle_.push_back(std::move(connection_));
    }
    pool_.available_.notify_one();
  }
  RedisConnection& operator*() { return *connection_; }
  RedisConnection* operator->() { return connection_.get(); }

 private:
  RedisPool& pool_;
  std::unique_ptr<RedisConnection> connection_;
};

RedisPool::RedisPool(const RedisAddress& address, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) idle_.push_back(std::make_unique<RedisConnection>(address));
}

common::Result<RedisValue> RedisPool::Command(const std::vector<std::string>& args) {
  Lease lease(*this);
  return lease->Command(args);
}

common::Result<std::vector<RedisValue>> RedisPool::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  Lease lease(*this);
  return lease->Pipeline(commands);
}

}  // namespace barbershop::realtime::store
