#include "bus/amqp_consumer.hpp"

#include "barbershop/common/contained.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

namespace barbershop::realtime::bus {
namespace {

constexpr amqp_channel_t kChannel = 1;

bool Ok(const amqp_rpc_reply_t& reply, const char* what) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    spdlog::warn("RabbitMQ: {} failed: {}", what, amqp_error_string2(reply.library_error));
  } else {
    spdlog::warn("RabbitMQ: {} refused by the broker", what);
  }
  return false;
}

struct Connection {
  amqp_connection_state_t state = amqp_new_connection();
  bool open = false;
  ~Connection() {
    if (open) {
      amqp_channel_close(state, kChannel, AMQP_REPLY_SUCCESS);
      amqp_connection_close(state, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(state);
  }
};

amqp_bytes_t Bytes(const std::string& text) { return amqp_bytes_t{text.size(), const_cast<char*>(text.data())}; }

void SleepUnless(const std::atomic<bool>& stop, std::chrono::milliseconds total) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace

std::string CheckAmqpUrl(const std::string& url) {
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info;
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    return "expected amqp://USER:PASSWORD@HOST:PORT/VHOST, got a malformed URL";
  }
  return {};
}

AmqpConsumer::AmqpConsumer(AmqpSettings settings, Handler handler, common::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      handler_(std::move(handler)),
      cancellations_(metrics.GetCounter("realtime_amqp_consumer_cancellations_total",
                                        "Times the broker cancelled this copy's consumer (queue deleted, node lost)")),
      redeclarations_(metrics.GetCounter("realtime_amqp_queue_redeclarations_total",
                                         "Times this copy declared the events queue again, after its first time")) {}

AmqpConsumer::~AmqpConsumer() { Stop(); }

void AmqpConsumer::Start() {
  thread_ = std::thread([this] { common::RunRestarting("the events consumer", nullptr, [this] { Run(); }); });
}

void AmqpConsumer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void AmqpConsumer::Run() {
  constexpr std::chrono::milliseconds kFirstWait{1000};
  constexpr std::chrono::milliseconds kLongestWait{8000};
  auto wait = kFirstWait;
  while (!stop_) {
    const Ended ended = RunConnection();
    if (ended == Ended::kStopped) break;
    // A connection that got as far as consuming starts the backoff afresh.
    if (state_ == ConsumerState::kConsuming) wait = kFirstWait;
    if (ended == Ended::kCancelled) {
      cancellations_.Inc();
      state_ = ConsumerState::kQueueLost;
      spdlog::warn("RabbitMQ cancelled the consumer of {} (queue deleted or its node lost); not ready until it is "
                   "declared again",
                   settings_.topology.queue);
    } else if (state_ != ConsumerState::kQueueLost) {
      state_ = ConsumerState::kConnecting;
    }
    SleepUnless(stop_, wait);
    wait = std::min(wait * 2, kLongestWait);
  }
  state_ = ConsumerState::kConnecting;
}

AmqpConsumer::Ended AmqpConsumer::RunConnection() {
  std::vector<char> url(settings_.url.begin(), settings_.url.end());
  url.push_back('\0');
  amqp_connection_info info;
  if (amqp_parse_url(url.data(), &info) != AMQP_STATUS_OK) return Ended::kFailed;
  // "amqp://host:port/" names the empty vhost by the letter of the spec; everyone means "/".
  std::string default_vhost = "/";
  if (info.vhost == nullptr || info.vhost[0] == '\0') info.vhost = default_vhost.data();

  Connection connection;
  amqp_socket_t* socket = amqp_tcp_socket_new(connection.state);
  timeval connect_timeout{3, 0};
  if (socket == nullptr || amqp_socket_open_noblock(socket, info.host, info.port, &connect_timeout) != AMQP_STATUS_OK) {
    spdlog::warn("RabbitMQ at {}:{} is unreachable", info.host, info.port);
    return Ended::kFailed;
  }
  // Without this capability the broker cancels a consumer silently when its queue goes
  // away, and the copy would wait on a queue that no longer exists.
  amqp_table_entry_t cancel_notify;
  cancel_notify.key = amqp_cstring_bytes("consumer_cancel_notify");
  cancel_notify.value.kind = AMQP_FIELD_KIND_BOOLEAN;
  cancel_notify.value.value.boolean = 1;
  amqp_table_entry_t capabilities;
  capabilities.key = amqp_cstring_bytes("capabilities");
  capabilities.value.kind = AMQP_FIELD_KIND_TABLE;
  capabilities.value.value.table = amqp_table_t{1, &cancel_notify};
  const amqp_table_t client_properties{1, &capabilities};
  if (!Ok(amqp_login_with_properties(connection.state, info.vhost, 0, 131072, 30, &client_properties,
                                     AMQP_SASL_METHOD_PLAIN, info.user, info.password),
          "login")) {
    return Ended::kFailed;
  }
  amqp_channel_open(connection.state, kChannel);
  if (!Ok(amqp_get_rpc_reply(connection.state), "channel.open")) return Ended::kFailed;
  connection.open = true;

  const auto declare = [&](const char* what) { return Ok(amqp_get_rpc_reply(connection.state), what); };
  amqp_exchange_declare(connection.state, kChannel, Bytes(settings_.dead_letters), amqp_cstring_bytes("fanout"), 0, 1,
                        0, 0, amqp_empty_table);
  if (!declare("exchange.declare (dead letters)")) return Ended::kFailed;
  amqp_queue_declare(connection.state, kChannel, Bytes(settings_.dead_letters), 0, 1, 0, 0, amqp_empty_table);
  if (!declare("queue.declare (dead letters)")) return Ended::kFailed;
  amqp_queue_bind(connection.state, kChannel, Bytes(settings_.dead_letters), Bytes(settings_.dead_letters),
                  amqp_cstring_bytes("#"), amqp_empty_table);
  if (!declare("queue.bind (dead letters)")) return Ended::kFailed;
  if (const auto failed = common::DeclareEventTopology(connection.state, kChannel, settings_.topology);
      !failed.empty()) {
    spdlog::warn("RabbitMQ: {}", failed);
    return Ended::kFailed;
  }
  if (declared_before_) redeclarations_.Inc();
  declared_before_ = true;
  amqp_basic_qos(connection.state, kChannel, 0, static_cast<std::uint16_t>(settings_.prefetch), 0);
  if (!declare("basic.qos")) return Ended::kFailed;
  amqp_basic_consume(connection.state, kChannel, Bytes(settings_.topology.queue), amqp_empty_bytes, 0, 0, 0,
                     amqp_empty_table);
  if (!declare("basic.consume")) return Ended::kFailed;
  state_ = ConsumerState::kConsuming;
  spdlog::info("consuming {} from RabbitMQ at {}:{}", settings_.topology.queue, info.host, info.port);

  while (!stop_) {
    amqp_maybe_release_buffers(connection.state);
    amqp_envelope_t envelope;
    timeval wait{0, 200 * 1000};
    const auto reply = amqp_consume_message(connection.state, &envelope, &wait, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) continue;
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        // A frame other than a delivery: the answer to a dead letter's publish, or the
        // broker cancelling this consumer.
        amqp_frame_t frame;
        if (amqp_simple_wait_frame(connection.state, &frame) == AMQP_STATUS_OK && frame.frame_type == AMQP_FRAME_METHOD) {
          if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD || frame.payload.method.id == AMQP_BASIC_RETURN_METHOD) {
            continue;
          }
          if (frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD) return Ended::kCancelled;
        }
      }
      spdlog::warn("RabbitMQ consumer connection lost; reconnecting");
      connection.open = false;
      return Ended::kFailed;
    }
    const std::string_view routing_key(static_cast<const char*>(envelope.routing_key.bytes), envelope.routing_key.len);
    const std::string_view body(static_cast<const char*>(envelope.message.body.bytes), envelope.message.body.len);
    Handled handled;
    while (true) {
      handled = handler_(routing_key, body);
      if (handled.outcome != Handled::Outcome::kRetry || stop_) break;
      SleepUnless(stop_, std::chrono::milliseconds(300));
    }
    if (handled.outcome == Handled::Outcome::kRetry) {
      amqp_destroy_envelope(&envelope);
      return Ended::kStopped;  // the delivery goes back to the queue
    }
    if (handled.outcome == Handled::Outcome::kDeadLetter) {
      amqp_table_entry_t headers[2];
      headers[0].key = amqp_cstring_bytes("x-reason");
      headers[0].value.kind = AMQP_FIELD_KIND_UTF8;
      headers[0].value.value.bytes = Bytes(handled.reason);
      headers[1].key = amqp_cstring_bytes("x-detail");
      headers[1].value.kind = AMQP_FIELD_KIND_UTF8;
      headers[1].value.value.bytes = Bytes(handled.detail);
      amqp_basic_properties_t props;
      props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_HEADERS_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
      props.delivery_mode = 2;
      props.content_type = envelope.message.properties._flags & AMQP_BASIC_CONTENT_TYPE_FLAG
                               ? envelope.message.properties.content_type
                               : amqp_cstring_bytes("application/octet-stream");
      props.headers = amqp_table_t{2, headers};
      if (amqp_basic_publish(connection.state, kChannel, Bytes(settings_.dead_letters), envelope.routing_key, 0, 0,
                             &props, envelope.message.body) != AMQP_STATUS_OK) {
        amqp_destroy_envelope(&envelope);
        connection.open = false;
        return Ended::kFailed;
      }
    }
    const int acked = amqp_basic_ack(connection.state, kChannel, envelope.delivery_tag, 0);
    amqp_destroy_envelope(&envelope);
    if (acked != AMQP_STATUS_OK) {
      connection.open = false;
      return Ended::kFailed;
    }
  }
  return Ended::kStopped;
}

}  // namespace barbershop::realtime::bus
