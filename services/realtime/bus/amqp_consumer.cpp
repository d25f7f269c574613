#include "bus/amqp_consumer.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <spdlog/spdlog.h>

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

AmqpConsumer::AmqpConsumer(AmqpSettings settings, Handler handler)
    : settings_(std::move(settings)), handler_(std::move(handler)) {}

AmqpConsumer::~AmqpConsumer() { Stop(); }

void AmqpConsumer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AmqpConsumer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void AmqpConsumer::Run() {
  while (!stop_) {
    RunConnection();
    connected_ = false;
    SleepUnless(stop_, std::chrono::milliseconds(500));
  }
}

bool AmqpConsumer::RunConnection() {
  std::vector<char> url(settings_.url.begin(), settings_.url.end());
  url.push_back('\0');
  amqp_connection_info info;
  if (amqp_parse_url(url.data(), &info) != AMQP_STATUS_OK) return false;
  // "amqp://host:port/" names the empty vhost by the letter of the spec; everyone means "/".
  std::string default_vhost = "/";
  if (info.vhost == nullptr || info.vhost[0] == '\0') info.vhost = default_vhost.data();

  Connection connection;
  amqp_socket_t* socket = amqp_tcp_socket_new(connection.state);
  timeval connect_timeout{3, 0};
  if (socket == nullptr || amqp_socket_open_noblock(socket, info.host, info.port, &connect_timeout) != AMQP_STATUS_OK) {
    spdlog::warn("RabbitMQ at {}:{} is unreachable", info.host, info.port);
    return false;
  }
  if (!Ok(amqp_login(connection.state, info.vhost, 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, info.user, info.password),
          "login")) {
    return false;
  }
  amqp_channel_open(connection.state, kChannel);
  if (!Ok(amqp_get_rpc_reply(connection.state), "channel.open")) return false;
  connection.open = true;

  const auto declare = [&](const char* what) { return Ok(amqp_get_rpc_reply(connection.state), what); };
  amqp_exchange_declare(connection.state, kChannel, Bytes(settings_.exchange), amqp_cstring_bytes("topic"), 0, 1, 0, 0,
                        amqp_empty_table);
  if (!declare("exchange.declare")) return false;
  amqp_exchange_declare(connection.state, kChannel, Bytes(settings_.dead_letters), amqp_cstring_bytes("fanout"), 0, 1,
                        0, 0, amqp_empty_table);
  if (!declare("exchange.declare (dead letters)")) return false;
  amqp_queue_declare(connection.state, kChannel, Bytes(settings_.dead_letters), 0, 1, 0, 0, amqp_empty_table);
  if (!declare("queue.declare (dead letters)")) return false;
  amqp_queue_bind(connection.state, kChannel, Bytes(settings_.dead_letters), Bytes(settings_.dead_letters),
                  amqp_cstring_bytes("#"), amqp_empty_table);
  if (!declare("queue.bind (dead letters)")) return false;
  // One copy consumes at a time (the others stand by and take over when it goes away),
  // so that each user's messages are stored in the order the core published them.
  amqp_table_entry_t single_active;
  single_active.key = amqp_cstring_bytes("x-single-active-consumer");
  single_active.value.kind = AMQP_FIELD_KIND_BOOLEAN;
  single_active.value.value.boolean = 1;
  amqp_queue_declare(connection.state, kChannel, Bytes(settings_.queue), 0, 1, 0, 0, amqp_table_t{1, &single_active});
  if (!declare("queue.declare")) return false;
  amqp_queue_bind(connection.state, kChannel, Bytes(settings_.queue), Bytes(settings_.exchange), Bytes(settings_.binding),
                  amqp_empty_table);
  if (!declare("queue.bind")) return false;
  amqp_basic_qos(connection.state, kChannel, 0, static_cast<std::uint16_t>(settings_.prefetch), 0);
  if (!declare("basic.qos")) return false;
  amqp_basic_consume(connection.state, kChannel, Bytes(settings_.queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  if (!declare("basic.consume")) return false;
  connected_ = true;
  spdlog::info("consuming {} from RabbitMQ at {}:{}", settings_.queue, info.host, info.port);

  while (!stop_) {
    amqp_maybe_release_buffers(connection.state);
    amqp_envelope_t envelope;
    timeval wait{0, 200 * 1000};
    const auto reply = amqp_consume_message(connection.state, &envelope, &wait, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) continue;
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        amqp_frame_t frame;
        if (amqp_simple_wait_frame(connection.state, &frame) == AMQP_STATUS_OK && frame.frame_type == AMQP_FRAME_METHOD &&
            (frame.payload.method.id == AMQP_BASIC_ACK_METHOD || frame.payload.method.id == AMQP_BASIC_RETURN_METHOD)) {
          continue;
        }
      }
      spdlog::warn("RabbitMQ consumer connection lost; reconnecting");
      connection.open = false;
      return false;
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
      return false;  // stopping: the delivery goes back to the queue
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
        return false;
      }
    }
    const int acked = amqp_basic_ack(connection.state, kChannel, envelope.delivery_tag, 0);
    amqp_destroy_envelope(&envelope);
    if (acked != AMQP_STATUS_OK) {
      connection.open = false;
      return false;
    }
  }
  return true;
}

}  // namespace barbershop::realtime::bus
