#include "rabbit_publisher.hpp"

#include <amqp.h>
#include <spdlog/spdlog.h>

#include <set>
#include <string>

namespace barbershop::core::events {
namespace {

constexpr amqp_channel_t kChannel = common::kAmqpChannel;

common::Error Unavailable(const std::string& why) {
  return common::MakeError(common::ErrorCode::kUnavailable, "message broker: " + why);
}

bool ReplyOk(amqp_connection_state_t connection) {
  return amqp_get_rpc_reply(connection).reply_type == AMQP_RESPONSE_NORMAL;
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

RabbitPublisher::RabbitPublisher(std::string url, common::EventTopology topology,
                                 std::chrono::milliseconds confirm_timeout)
    : url_(std::move(url)), topology_(std::move(topology)), confirm_timeout_(confirm_timeout) {}

RabbitPublisher::~RabbitPublisher() { Disconnect(); }

void RabbitPublisher::Disconnect() {
  amqp_.Drop();
  connection_ = nullptr;
}

common::Status RabbitPublisher::Connect() {
  amqp_ = common::AmqpConnection::Open(url_, common::AmqpOpenOptions{std::chrono::milliseconds(2000)});
  if (!amqp_) return Unavailable(amqp_.error());
  connection_ = amqp_.state();
  // The queue too, not only the exchange: on a fresh or rebuilt broker the real-time
  // service may not have declared it yet, and an event routed to no queue is gone.
  if (auto failed = common::DeclareEventTopology(connection_, kChannel, topology_); !failed.empty()) {
    Disconnect();
    return Unavailable(failed);
  }
  amqp_confirm_select(connection_, kChannel);
  if (!ReplyOk(connection_)) {
    Disconnect();
    return Unavailable("publisher confirms refused");
  }
  next_tag_ = 1;
  spdlog::info("connected to the message broker");
  return common::Ok{};
}

common::Status RabbitPublisher::PublishConfirmed(const std::vector<OutgoingEvent>& batch) {
  if (batch.empty()) return common::Ok{};
  if (connection_ == nullptr) {
    if (auto ok = Connect(); !ok) return ok;
  }
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  const std::uint64_t first_tag = next_tag_;
  for (const auto& event : batch) {
    props.message_id = amqp_cstring_bytes(event.event_id.c_str());
    const amqp_bytes_t body{event.payload.size(), const_cast<char*>(event.payload.data())};
    // mandatory: the broker returns a message it can route to no queue (basic.return)
    // instead of confirming it as if delivered.
    if (amqp_basic_publish(connection_, kChannel, amqp_cstring_bytes(topology_.exchange.c_str()),
                           amqp_cstring_bytes(event.routing_key.c_str()), 1, 0, &props, body) != AMQP_STATUS_OK) {
      Disconnect();
      return Unavailable("publish failed");
    }
    ++next_tag_;
  }
  auto confirmed = WaitForConfirms(first_tag, next_tag_ - 1);
  if (!confirmed) Disconnect();
  return confirmed;
}

common::Status RabbitPublisher::WaitForConfirms(std::uint64_t first_tag, std::uint64_t last_tag) {
  // The broker may confirm one tag at a time or, with `multiple`, every tag up to one.
  // A message it could route to no queue comes back first (basic.return, then its header
  // and body), and is confirmed after that like any other.
  std::set<std::uint64_t> pending;
  std::set<std::string> returned;  // event ids
  for (auto tag = first_tag; tag <= last_tag; ++tag) pending.insert(tag);
  const auto deadline = std::chrono::steady_clock::now() + confirm_timeout_;
  while (!pending.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Unavailable("no confirmation in time");
    timeval timeout = ToTimeval(left);
    amqp_frame_t frame;
    amqp_maybe_release_buffers(connection_);
    const int status = amqp_simple_wait_frame_noblock(connection_, &frame, &timeout);
    if (status == AMQP_STATUS_TIMEOUT) return Unavailable("no confirmation in time");
    if (status != AMQP_STATUS_OK) return Unavailable("connection lost");
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        if (ack->multiple) {
          pending.erase(pending.begin(), pending.upper_bound(ack->delivery_tag));
        } else {
          pending.erase(ack->delivery_tag);
        }
        break;
      }
      case AMQP_BASIC_NACK_METHOD:
        return Unavailable("the broker refused a message");
      case AMQP_BASIC_RETURN_METHOD: {
        amqp_message_t message;
        if (amqp_read_message(connection_, frame.channel, &message, 0).reply_type != AMQP_RESPONSE_NORMAL) {
          return Unavailable("connection lost reading a returned message");
        }
        const auto& id = message.properties.message_id;
        returned.emplace((message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0
                             ? std::string(static_cast<const char*>(id.bytes), id.len)
                             : std::string("?"));
        amqp_destroy_message(&message);
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        return Unavailable("the broker closed the connection");
      default:
        break;
    }
  }
  if (!returned.empty()) {
    // Most likely the queue was deleted, or the broker rebuilt empty: reconnecting
    // declares it again before the retry.
    Disconnect();
    return common::MakeError(common::ErrorCode::kFailedPrecondition,
                             "message broker: " + std::to_string(returned.size()) +
                                 " events routed to no queue (first " + *returned.begin() + "); declaring " +
                                 topology_.queue + " again");
  }
  return common::Ok{};
}

}  // namespace barbershop::core::events
