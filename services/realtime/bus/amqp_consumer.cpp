#include "bus/amqp_consumer.hpp"

#include "barbershop/common/amqp_connection.hpp"
#include "barbershop/common/contained.hpp"

#include <amqp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

namespace barbershop::realtime::bus {
namespace {

constexpr amqp_channel_t kChannel = common::kAmqpChannel;
// Seconds between heartbeats: the consumer reads all the time, so it can keep them.
constexpr int kHeartbeatSeconds = 30;

bool Ok(const amqp_rpc_reply_t& reply, const char* what) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    spdlog::warn("RabbitMQ: {} failed: {}", what, amqp_error_string2(reply.library_error));
  } else {
    spdlog::warn("RabbitMQ: {} refused by the broker", what);
  }
  return false;
}

amqp_bytes_t Bytes(const std::string& text) { return amqp_bytes_t{text.size(), const_cast<char*>(text.data())}; }

}  // namespace

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
  stop_.Stop();
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
      spdlog::warn(
          "RabbitMQ cancelled the consumer of {} (queue deleted or its node lost); not ready until it is "
          "declared again",
          settings_.topology.queue);
    } else if (state_ != ConsumerState::kQueueLost) {
      state_ = ConsumerState::kConnecting;
    }
    stop_.WaitFor(wait);
    wait = std::min(wait * 2, kLongestWait);
  }
  state_ = ConsumerState::kConnecting;
}

AmqpConsumer::Ended AmqpConsumer::RunConnection() {
  // With heartbeats, to notice a broker gone silent; and told when the broker cancels
  // the consumer, instead of waiting on a queue that no longer exists.
  auto amqp = common::AmqpConnection::Open(
      settings_.url, common::AmqpOpenOptions{std::chrono::milliseconds(3000), kHeartbeatSeconds, true});
  if (!amqp) {
    spdlog::warn("RabbitMQ: {}", amqp.error());
    return Ended::kFailed;
  }
  const auto connection = amqp.state();
  const auto declare = [&](const char* what) { return Ok(amqp_get_rpc_reply(connection), what); };
  amqp_exchange_declare(connection, kChannel, Bytes(settings_.dead_letters), amqp_cstring_bytes("fanout"), 0, 1, 0, 0,
                        amqp_empty_table);
  if (!declare("exchange.declare (dead letters)")) return Ended::kFailed;
  amqp_queue_declare(connection, kChannel, Bytes(settings_.dead_letters), 0, 1, 0, 0, amqp_empty_table);
  if (!declare("queue.declare (dead letters)")) return Ended::kFailed;
  amqp_queue_bind(connection, kChannel, Bytes(settings_.dead_letters), Bytes(settings_.dead_letters),
                  amqp_cstring_bytes("#"), amqp_empty_table);
  if (!declare("queue.bind (dead letters)")) return Ended::kFailed;
  if (const auto failed = common::DeclareEventTopology(connection, kChannel, settings_.topology); !failed.empty()) {
    spdlog::warn("RabbitMQ: {}", failed);
    return Ended::kFailed;
  }
  if (declared_before_) redeclarations_.Inc();
  declared_before_ = true;
  amqp_basic_qos(connection, kChannel, 0, static_cast<std::uint16_t>(settings_.prefetch), 0);
  if (!declare("basic.qos")) return Ended::kFailed;
  amqp_basic_consume(connection, kChannel, Bytes(settings_.topology.queue), amqp_empty_bytes, 0, 0, 0,
                     amqp_empty_table);
  if (!declare("basic.consume")) return Ended::kFailed;
  state_ = ConsumerState::kConsuming;
  spdlog::info("consuming {} from RabbitMQ", settings_.topology.queue);

  // Deliveries are acknowledged together (`multiple`) once none is waiting in what was
  // read from the socket, or every kBatch: one frame for a burst instead of one each.  A
  // delivery handled and not yet acknowledged when the connection is lost comes again,
  // and its store step knows it by its event id.
  std::uint64_t unacked = 0;  // the last delivery handled, when not yet acknowledged
  std::size_t unacked_count = 0;
  const auto acknowledge = [&] {
    if (unacked == 0) return true;
    const bool sent = amqp_basic_ack(connection, kChannel, unacked, 1) == AMQP_STATUS_OK;
    unacked = 0;
    unacked_count = 0;
    if (!sent) amqp.Drop();
    return sent;
  };
  const auto more_read = [&] { return amqp_data_in_buffer(connection) != 0 || amqp_frames_enqueued(connection) != 0; };
  std::vector<amqp_envelope_t> envelopes;
  const auto release = [&] {
    for (auto& envelope : envelopes) amqp_destroy_envelope(&envelope);
    envelopes.clear();
  };
  while (!stop_) {
    amqp_maybe_release_buffers(connection);
    amqp_envelope_t envelope;
    timeval wait{0, suseconds_t{200} * 1000};
    const auto reply = amqp_consume_message(connection, &envelope, &wait, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
      if (!acknowledge()) return Ended::kFailed;
      continue;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        // A frame other than a delivery: the answer to a dead letter's publish, or the
        // broker cancelling this consumer.
        amqp_frame_t frame;
        if (amqp_simple_wait_frame(connection, &frame) == AMQP_STATUS_OK && frame.frame_type == AMQP_FRAME_METHOD) {
          if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD || frame.payload.method.id == AMQP_BASIC_RETURN_METHOD) {
            continue;
          }
          if (frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD) return Ended::kCancelled;
        }
      }
      spdlog::warn("RabbitMQ consumer connection lost; reconnecting");
      amqp.Drop();
      return Ended::kFailed;
    }
    envelopes.push_back(envelope);
    // The deliveries already read join it; anything else (a frame other than a delivery,
    // a partial frame) waits for the next turn of the loop.
    while (envelopes.size() < kBatch && more_read()) {
      timeval now{0, 0};
      if (amqp_consume_message(connection, &envelope, &now, 0).reply_type != AMQP_RESPONSE_NORMAL) break;
      envelopes.push_back(envelope);
    }
    std::vector<Delivery> deliveries;
    for (const auto& e : envelopes) {
      deliveries.push_back({{static_cast<const char*>(e.routing_key.bytes), e.routing_key.len},
                            {static_cast<const char*>(e.message.body.bytes), e.message.body.len}});
    }
    auto results = handler_(deliveries);
    for (std::size_t k = 0; k < envelopes.size(); ++k) {
      Handled handled = k < results.size() ? std::move(results[k]) : Handled{Handled::Outcome::kRetry, {}, {}};
      while (handled.outcome == Handled::Outcome::kRetry && !stop_) {
        // What went before is done: it must not come again while this one waits.
        if (!acknowledge()) {
          release();
          return Ended::kFailed;
        }
        stop_.WaitFor(std::chrono::milliseconds(300));
        handled = handler_({deliveries[k]}).front();
      }
      if (handled.outcome == Handled::Outcome::kRetry) {
        release();
        acknowledge();
        return Ended::kStopped;  // the delivery, and those after it, go back to the queue
      }
      if (handled.outcome == Handled::Outcome::kDeadLetter && !DeadLetter(connection, envelopes[k], handled)) {
        release();
        amqp.Drop();
        return Ended::kFailed;
      }
      unacked = envelopes[k].delivery_tag;
      ++unacked_count;
    }
    release();
    if ((!more_read() || unacked_count >= kBatch) && !acknowledge()) return Ended::kFailed;
  }
  acknowledge();
  return Ended::kStopped;
}

bool AmqpConsumer::DeadLetter(amqp_connection_state_t connection, const amqp_envelope_t& envelope,
                              const Handled& handled) {
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
  return amqp_basic_publish(connection, kChannel, Bytes(settings_.dead_letters), envelope.routing_key, 0, 0, &props,
                            envelope.message.body) == AMQP_STATUS_OK;
}

}  // namespace barbershop::realtime::bus
