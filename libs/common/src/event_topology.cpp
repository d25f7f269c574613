#include "barbershop/common/event_topology.hpp"

#include <amqp.h>

namespace barbershop::common {
namespace {

amqp_bytes_t Bytes(const std::string& text) { return amqp_bytes_t{text.size(), const_cast<char*>(text.data())}; }

std::string Failure(amqp_connection_state_t connection, const std::string& what) {
  const auto reply = amqp_get_rpc_reply(connection);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return {};
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    return what + " failed: " + amqp_error_string2(reply.library_error);
  }
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
    return what + " refused by the broker: " +
           std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len);
  }
  return what + " refused by the broker";
}

}  // namespace

std::string DeclareEventTopology(amqp_connection_state_t connection, std::uint16_t channel,
                                 const EventTopology& topology) {
  amqp_exchange_declare(connection, channel, Bytes(topology.exchange), amqp_cstring_bytes("topic"), 0, 1, 0, 0,
                        amqp_empty_table);
  if (auto failed = Failure(connection, "exchange.declare " + topology.exchange); !failed.empty()) return failed;
  // One copy of the real-time service consumes at a time (the others stand by and take
  // over when it goes away), so that each user's messages are stored in the order the
  // core published them.
  amqp_table_entry_t single_active;
  single_active.key = amqp_cstring_bytes("x-single-active-consumer");
  single_active.value.kind = AMQP_FIELD_KIND_BOOLEAN;
  single_active.value.value.boolean = 1;
  amqp_queue_declare(connection, channel, Bytes(topology.queue), 0, 1, 0, 0, amqp_table_t{1, &single_active});
  if (auto failed = Failure(connection, "queue.declare " + topology.queue); !failed.empty()) return failed;
  for (const auto& binding : topology.bindings) {
    amqp_queue_bind(connection, channel, Bytes(topology.queue), Bytes(topology.exchange), Bytes(binding),
                    amqp_empty_table);
    if (auto failed = Failure(connection, "queue.bind " + topology.queue + " " + binding); !failed.empty()) {
      return failed;
    }
  }
  return {};
}

}  // namespace barbershop::common
