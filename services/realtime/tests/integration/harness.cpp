#include "harness.hpp"

#include <amqp.h>
#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <sstream>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <random>

#include "barbershop/common/amqp_connection.hpp"
#include "barbershop/common/clock.hpp"
#include "barbershop/common/ids.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::realtime::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::string NewId() { return common::NewUuid(); }

TestStack TestStack::FromEnvironment() {
  return TestStack{Env("BARBERSHOP_TEST_REDIS_URL"), Env("BARBERSHOP_TEST_AMQP_URL"),
                   Env("BARBERSHOP_TEST_CORE_ADDRESS"), ::barbershop::testing::TokenKeys::FromEnvironment(),
                   Env("BARBERSHOP_TEST_DATABASE_URL")};
}

RealtimeProcess::RealtimeProcess(const TestStack& stack, std::vector<std::string> extra_args)
    : stack_(stack), extra_args_(std::move(extra_args)) {}

bool RealtimeProcess::Start(std::chrono::seconds timeout) {
  static std::atomic<int> copies{0};
  const auto copy = std::to_string(getpid()) + "-" + std::to_string(copies++);
  // Two io threads, as a copy with cores of its own runs: the sockets' strands then cross
  // threads, where the sanitizers can see them.
  std::vector<std::string> args{REALTIME_BINARY, "--io-threads", "2"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  return Spawn(args,
               {"BARBERSHOP_WS_ADDRESS=127.0.0.1:0", "BARBERSHOP_REDIS_URL=" + stack_.redis_url,
                "BARBERSHOP_AMQP_URL=" + stack_.amqp_url, "BARBERSHOP_CORE_ADDRESS=" + stack_.core_address,
                stack_.keys.PublicKeysSetting(), "BARBERSHOP_INSTANCE_ID=test-" + copy, "BARBERSHOP_LOG_LEVEL=warn"},
               "ws", "barbershop-realtime-test", timeout);
}

CoreProcess::CoreProcess(const TestStack& stack, std::vector<std::string> settings)
    : stack_(stack), settings_(std::move(settings)) {}

bool CoreProcess::Start(std::chrono::seconds timeout) {
  auto settings = ::barbershop::testing::TestCoreSettings(stack_.keys);
  settings.push_back("BARBERSHOP_DATABASE_URL=" + stack_.database_url);
  settings.push_back("BARBERSHOP_AMQP_URL=" + stack_.amqp_url);
  for (const auto& setting : settings_) {
    const auto name = setting.substr(0, setting.find('=') + 1);
    std::erase_if(settings, [&](const std::string& s) { return s.rfind(name, 0) == 0; });
    settings.push_back(setting);
  }
  return Spawn({CORE_BINARY}, settings, "http", "barbershop-core-test", timeout);
}

namespace {

std::string Quoted(const std::string& text) { return "'" + text + "'"; }  // for names we made

}  // namespace

OwnDatabase::OwnDatabase(const std::string& stack_database_url)
    : admin_url_(stack_database_url), name_("rt_" + NewId().substr(0, 8)) {
  url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
  const std::string create = "psql -qtA " + Quoted(admin_url_) + " -c " + Quoted("CREATE DATABASE " + name_);
  created_ = !admin_url_.empty() && std::system(create.c_str()) == 0;
}

OwnDatabase::~OwnDatabase() {
  if (!created_) return;
  const std::string drop =
      "psql -qtA " + Quoted(admin_url_) + " -c " + Quoted("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  if (std::system(drop.c_str()) != 0) std::fprintf(stderr, "could not drop database %s\n", name_.c_str());
}

double MetricValue(const std::vector<std::uint16_t>& ports, const std::string& sample) {
  double sum = 0;
  for (const auto port : ports) {
    const auto body = HttpGet(port, "/metrics").second;
    for (std::size_t at = body.find(sample + " "); at != std::string::npos; at = body.find(sample + " ", at + 1)) {
      if (at == 0 || body[at - 1] == '\n') {
        sum += std::strtod(body.c_str() + at + sample.size() + 1, nullptr);
        break;
      }
    }
  }
  return sum;
}

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::thread thread;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<json> messages;
  bool closed = false;
  unsigned close_code = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< added to the upgrade request

  void DoRead() {
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      std::lock_guard lock(mutex);
      if (ec) {
        closed = true;
        close_code = ws.reason().code;
        changed.notify_all();
        return;
      }
      const auto text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      auto parsed = json::parse(text, nullptr, false);
      messages.push_back(parsed.is_discarded() ? json{{"_raw", text}} : parsed);
      changed.notify_all();
      DoRead();
    });
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

// Close() throws only when the I/O thread cannot be joined, which ends the test anyway.
WsClient::~WsClient() { Close(); }  // NOLINT(bugprone-exception-escape)

unsigned WsClient::Connect(std::uint16_t port, const std::string& target, const std::string& bearer, int receive_buffer,
                           bool read) {
  auto& socket = beast::get_lowest_layer(impl_->ws).socket();
  beast::error_code ec;
  socket.open(tcp::v4(), ec);
  if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return 0;
  socket.set_option(tcp::no_delay(true), ec);
  impl_->ws.set_option(
      websocket::stream_base::decorator([bearer, headers = impl_->headers](websocket::request_type& request) {
        if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
        for (const auto& [name, value] : headers) request.insert(name, value);
      }));
  impl_->ws.read_message_max(1 << 24);
  websocket::response_type response;
  impl_->ws.handshake(response, "127.0.0.1", target, ec);
  if (ec) return response.result_int();
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([this] { impl_->io.run(); });
  if (read) StartReading();
  return 101;
}

void WsClient::AddHeader(const std::string& name, const std::string& value) {
  impl_->headers.emplace_back(name, value);
}

void WsClient::StartReading() {
  asio::post(impl_->io, [this] { impl_->DoRead(); });
}

void WsClient::Send(const std::string& text, bool binary) {
  std::promise<void> done;
  asio::post(impl_->io, [this, &text, binary, &done] {
    impl_->ws.binary(binary);
    impl_->ws.async_write(asio::buffer(text), [&done](beast::error_code, std::size_t) { done.set_value(); });
  });
  done.get_future().wait_for(5s);
}

std::optional<json> WsClient::Next(std::chrono::milliseconds timeout) {
  return NextMatching([](const json&) { return true; }, timeout);
}

std::optional<json> WsClient::NextMatching(const std::function<bool(const json&)>& match,
                                           std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    while (!impl_->messages.empty()) {
      auto message = std::move(impl_->messages.front());
      impl_->messages.pop_front();
      if (match(message)) return message;
    }
    if (impl_->closed) return std::nullopt;
    if (impl_->changed.wait_until(lock, deadline) == std::cv_status::timeout && impl_->messages.empty()) {
      return std::nullopt;
    }
  }
}

std::optional<unsigned> WsClient::WaitClosed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  if (!impl_->changed.wait_for(lock, timeout, [this] { return impl_->closed; })) return std::nullopt;
  return impl_->close_code;
}

void WsClient::Close() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
  });
  impl_->work.reset();
  impl_->thread.join();
}

void CollectDeliveries(WsClient& socket, const MessageKeys& expected, MessageCounts& seen,
                       std::chrono::milliseconds timeout, std::chrono::milliseconds quiet, std::string* last_id) {
  MessageKeys missing;
  for (const auto& key : expected) {
    if (seen.count(key) == 0) missing.insert(key);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto wait = missing.empty() ? quiet : left;
    if (wait <= 0ms) break;
    auto message = socket.Next(wait);
    if (!message) break;
    if (last_id != nullptr && message->contains("id")) *last_id = (*message)["id"];
    const MessageKey key{message->value("type", ""), message->value("appointment_id", "")};
    if (expected.count(key) == 0) continue;
    ++seen[key];
    missing.erase(key);
  }
}

std::string NotExactlyOnce(const MessageKeys& expected, const MessageCounts& seen) {
  std::string out;
  for (const auto& key : expected) {
    const auto it = seen.find(key);
    const int count = it == seen.end() ? 0 : it->second;
    if (count != 1) out += key.first + " " + key.second + " x" + std::to_string(count) + "; ";
  }
  return out;
}

struct EventPublisher::Impl {
  common::AmqpConnection connection;
  bool ok = false;
};

EventPublisher::EventPublisher(const std::string& amqp_url) : impl_(std::make_unique<Impl>()) {
  impl_->connection = common::AmqpConnection::Open(amqp_url, {});
  if (!impl_->connection) return;
  amqp_exchange_declare(impl_->connection.state(), common::kAmqpChannel, amqp_cstring_bytes("barbershop.events"),
                        amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
  impl_->ok = amqp_get_rpc_reply(impl_->connection.state()).reply_type == AMQP_RESPONSE_NORMAL;
}

EventPublisher::~EventPublisher() = default;

bool EventPublisher::Publish(const std::string& routing_key, const std::string& body, const std::string& message_id) {
  if (!impl_->ok) return false;
  amqp_basic_properties_t props;
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = 2;
  if (!message_id.empty()) {
    props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
    props.message_id = amqp_cstring_bytes(message_id.c_str());
  }
  return amqp_basic_publish(impl_->connection.state(), common::kAmqpChannel, amqp_cstring_bytes("barbershop.events"),
                            amqp_cstring_bytes(routing_key.c_str()), 0, 0, &props,
                            amqp_bytes_t{body.size(), const_cast<char*>(body.data())}) == AMQP_STATUS_OK;
}

std::string EventPublisher::FindDeadLetterReason(const std::string& queue, const std::string& needle, int max) {
  if (!impl_->ok) return {};
  amqp_channel_open(impl_->connection.state(), 2);
  if (amqp_get_rpc_reply(impl_->connection.state()).reply_type != AMQP_RESPONSE_NORMAL) return {};
  std::string reason;
  for (int i = 0; i < max && reason.empty(); ++i) {
    const auto reply = amqp_basic_get(impl_->connection.state(), 2, amqp_cstring_bytes(queue.c_str()), 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL || reply.reply.id != AMQP_BASIC_GET_OK_METHOD) break;
    amqp_message_t message;
    if (amqp_read_message(impl_->connection.state(), 2, &message, 0).reply_type != AMQP_RESPONSE_NORMAL) break;
    const std::string body(static_cast<const char*>(message.body.bytes), message.body.len);
    if (body.find(needle) != std::string::npos && (message.properties._flags & AMQP_BASIC_HEADERS_FLAG)) {
      const auto& headers = message.properties.headers;
      for (int h = 0; h < headers.num_entries; ++h) {
        const std::string key(static_cast<const char*>(headers.entries[h].key.bytes), headers.entries[h].key.len);
        if (key == "x-reason" && headers.entries[h].value.kind == AMQP_FIELD_KIND_UTF8) {
          reason.assign(static_cast<const char*>(headers.entries[h].value.value.bytes.bytes),
                        headers.entries[h].value.value.bytes.len);
        }
      }
    }
    amqp_destroy_message(&message);
  }
  amqp_channel_close(impl_->connection.state(), 2, AMQP_REPLY_SUCCESS);  // unacknowledged messages go back
  return reason;
}

std::optional<BookedAppointment> BookAppointment(const TestStack& stack) {
  auto stub = UserService::NewStub(grpc::CreateChannel(stack.core_address, grpc::InsecureChannelCredentials()));
  const auto deadline = [] {
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_seconds(10, GPR_TIMESPAN));
  };
  const std::string name = "rt" + NewId().substr(0, 12);
  {
    grpc::ClientContext context;
    context.set_deadline(deadline());
    SignUpRequest request;
    request.set_username(name);
    request.set_email(name + "@realtime.test");
    request.set_password("realtime-test-password");
    SignUpResponse response;
    if (!stub->SignUp(&context, request, &response).ok()) return std::nullopt;
  }
  BookedAppointment booked;
  {
    grpc::ClientContext context;
    context.set_deadline(deadline());
    LoginRequest request;
    request.set_email(name + "@realtime.test");
    request.set_password("realtime-test-password");
    LoginResponse response;
    if (!stub->Login(&context, request, &response).ok()) return std::nullopt;
    booked.client_token = response.token();
    booked.client_id = response.user_id();
  }
  // Only the demo barber Elena, on random slots: other tests race for exact slots of the
  // barbers they create, and book Ana and Ion at fixed times.
  const std::vector<std::string> barber_names{"Elena"};
  std::mt19937 random{std::random_device{}()};
  for (int attempt = 0; attempt < 40; ++attempt) {
    using namespace std::chrono;
    const auto day =
        floor<days>(common::SystemClock{}.Now()) + days(3 + random() % 350);  // the core books a year ahead
    if (weekday(day) == Sunday) continue;
    const year_month_day date(day);
    char when[32];
    std::snprintf(when, sizeof when, "%04d-%02u-%02uT%02u:%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<unsigned>(9 + random() % 8), static_cast<unsigned>((random() % 2) * 30));
    grpc::ClientContext context;
    context.set_deadline(deadline());
    context.AddMetadata("authorization", "Bearer " + booked.client_token);
    CreateAppointmentRequest request;
    request.set_user_id(booked.client_id);
    request.set_date_time(when);
    request.set_barber_name(barber_names[random() % barber_names.size()]);
    AppointmentResponse response;
    if (stub->CreateAppointment(&context, request, &response).ok()) {
      booked.id = response.appointment_id();
      booked.barber_id = response.appointment().barber_id();
      return booked;
    }
  }
  return std::nullopt;
}

json MakeEvent(const std::string& type, const std::string& barber_id, const std::string& client_id,
               const std::string& appointment_id, const std::string& event_id) {
  return json{{"event_id", event_id.empty() ? NewId() : event_id},
              {"type", type},
              {"occurred_at", "2026-11-26T10:00:00+02:00"},
              {"appointment",
               {{"id", appointment_id.empty() ? NewId() : appointment_id},
                {"barber_id", barber_id},
                {"barber_name", "Ana"},
                {"client_id", client_id},
                {"client_name", "Test Client"},
                {"start", "2026-11-27T15:00:00+02:00"},
                {"end", "2026-11-27T15:30:00+02:00"},
                {"status", "confirmed"}}},
              {"actor", {{"user_id", barber_id}, {"role", "barber"}}}};
}

PubSubOutage::PubSubOutage(const std::string& redis_url, long at_least) : redis_(*store::ParseRedisUrl(redis_url)) {
  Cut(at_least);
}

void PubSubOutage::Cut(long at_least) {
  const auto limit = Command({"CONFIG", "GET", "maxclients"});
  ASSERT_EQ(limit.elements.size(), 2u);
  std::istringstream pubsub(Command({"CLIENT", "LIST", "TYPE", "pubsub"}).text);
  long subscribers = 0;  // one line a connection
  for (std::string line; std::getline(pubsub, line);) subscribers += line.empty() ? 0 : 1;
  ASSERT_GE(subscribers, at_least) << "each copy has a pub/sub connection";
  const auto info = Command({"INFO", "clients"}).text;
  const auto at = info.find("connected_clients:");
  ASSERT_NE(at, std::string::npos);
  const long connected = std::stol(info.substr(at + 18));
  original_limit_ = limit.elements[1].text;
  Command({"CONFIG", "SET", "maxclients", std::to_string(connected - subscribers)});
  ASSERT_GE(Command({"CLIENT", "KILL", "TYPE", "pubsub"}).integer, subscribers);
}

store::RedisValue PubSubOutage::Command(const std::vector<std::string>& args) {
  auto reply = redis_.Command(args);
  EXPECT_TRUE(reply) << args[0] << " " << args[1] << ": " << reply.error().message;
  return reply ? *reply : store::RedisValue{};
}

void PubSubOutage::Restore() {
  if (original_limit_.empty()) return;
  (void)redis_.Command({"CONFIG", "SET", "maxclients", original_limit_});
  original_limit_.clear();
}

}  // namespace barbershop::realtime::testing
