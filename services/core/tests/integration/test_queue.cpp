#include "test_queue.hpp"

#include <amqp.h>

#include <thread>

#include "barbershop/common/event_topology.hpp"

namespace barbershop::core::testing {

TestQueue::TestQueue(std::string amqp_url, std::string name) : url_(std::move(amqp_url)), name_(std::move(name)) {
  Connect();
}

TestQueue::TestQueue(std::string amqp_url, RealtimeQueue)
    : url_(std::move(amqp_url)), name_(common::EventTopology{}.queue), realtime_(true) {
  Connect();
}

TestQueue::~TestQueue() { Disconnect(); }

void TestQueue::Disconnect() { connection_.Drop(); }

bool TestQueue::Connect() {
  common::AmqpOpenOptions options;
  options.connect_timeout = std::chrono::seconds(2);
  connection_ = common::AmqpConnection::Open(url_, options);
  if (!connection_) return false;
  auto* const connection = connection_.state();
  const auto channel = common::kAmqpChannel;
  if (realtime_) {
    if (!common::DeclareEventTopology(connection, channel, common::EventTopology{}).empty()) {
      Disconnect();
      return false;
    }
    amqp_basic_consume(connection, channel, amqp_cstring_bytes(name_.c_str()), amqp_empty_bytes, 0, 1, 0,
                       amqp_empty_table);
    if (amqp_get_rpc_reply(connection).reply_type != AMQP_RESPONSE_NORMAL) {
      Disconnect();
      return false;
    }
    return true;
  }
  amqp_exchange_declare(connection, channel, amqp_cstring_bytes("barbershop.events"), amqp_cstring_bytes("topic"), 0, 1,
                        0, 0, amqp_empty_table);
  const bool durable = !name_.empty();
  auto* declared = amqp_queue_declare(connection, channel, amqp_cstring_bytes(name_.c_str()), 0, durable ? 1 : 0,
                                      durable ? 0 : 1, durable ? 0 : 1, amqp_empty_table);
  if (declared == nullptr) {
    Disconnect();
    return false;
  }
  const amqp_bytes_t queue = amqp_bytes_malloc_dup(declared->queue);
  amqp_queue_bind(connection, channel, queue, amqp_cstring_bytes("barbershop.events"),
                  amqp_cstring_bytes("appointment.#"), amqp_empty_table);
  amqp_basic_consume(connection, channel, queue, amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
  amqp_bytes_free(queue);
  if (amqp_get_rpc_reply(connection).reply_type != AMQP_RESPONSE_NORMAL) {
    Disconnect();
    return false;
  }
  return true;
}

std::optional<ReceivedEvent> TestQueue::Next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!connection_ && !Connect()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    timeval tv{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
    amqp_maybe_release_buffers(connection_.state());
    amqp_envelope_t envelope;
    const auto reply = amqp_consume_message(connection_.state(), &envelope, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
      ReceivedEvent event{
          std::string(static_cast<char*>(envelope.routing_key.bytes), envelope.routing_key.len),
          nlohmann::json::parse(std::string(static_cast<char*>(envelope.message.body.bytes), envelope.message.body.len),
                                nullptr, false)};
      amqp_destroy_envelope(&envelope);
      return event;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
      return std::nullopt;
    }
    Disconnect();  // the broker went away: reconnect on the next round
  }
  return std::nullopt;
}

}  // namespace barbershop::core::testing
