#include "barbershop/common/amqp_connection.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <utility>
#include <vector>

namespace barbershop::common {

namespace {

std::string Failure(const char* what, const amqp_rpc_reply_t& reply) {
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    return std::string(what) + " failed: " + amqp_error_string2(reply.library_error);
  }
  return std::string(what) + " refused by the broker";
}

}  // namespace

std::string CheckAmqpUrl(const std::string& url) {
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    return "expected amqp://USER:PASSWORD@HOST:PORT/VHOST, got a malformed URL";
  }
  return {};
}

AmqpConnection AmqpConnection::Open(const std::string& url, const AmqpOpenOptions& options) {
  AmqpConnection connection;
  std::vector<char> buffer(url.begin(), url.end());  // amqp_parse_url writes into its argument
  buffer.push_back('\0');
  amqp_connection_info info{};
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    connection.error_ = "bad AMQP URL";
    return connection;
  }
  // "amqp://host:port/" names the empty vhost by the letter of the spec; everyone means "/".
  std::string default_vhost = "/";
  if (info.vhost == nullptr || info.vhost[0] == '\0') info.vhost = default_vhost.data();

  connection.state_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(connection.state_);
  timeval timeout{static_cast<time_t>(options.connect_timeout.count() / 1000),
                  static_cast<suseconds_t>((options.connect_timeout.count() % 1000) * 1000)};
  if (socket == nullptr || amqp_socket_open_noblock(socket, info.host, info.port, &timeout) != AMQP_STATUS_OK) {
    connection.error_ = "cannot connect to " + std::string(info.host) + ":" + std::to_string(info.port);
    connection.Drop();
    return connection;
  }
  amqp_table_entry_t cancel_notify;
  cancel_notify.key = amqp_cstring_bytes("consumer_cancel_notify");
  cancel_notify.value.kind = AMQP_FIELD_KIND_BOOLEAN;
  cancel_notify.value.value.boolean = 1;
  amqp_table_entry_t capabilities;
  capabilities.key = amqp_cstring_bytes("capabilities");
  capabilities.value.kind = AMQP_FIELD_KIND_TABLE;
  capabilities.value.value.table = amqp_table_t{1, &cancel_notify};
  const amqp_table_t properties = options.consumer_cancel_notify ? amqp_table_t{1, &capabilities} : amqp_empty_table;
  const auto login = amqp_login_with_properties(connection.state_, info.vhost, 0, 131072, options.heartbeat_seconds,
                                                &properties, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    connection.error_ = Failure("login", login);
    connection.Drop();
    return connection;
  }
  amqp_channel_open(connection.state_, kAmqpChannel);
  if (const auto opened = amqp_get_rpc_reply(connection.state_); opened.reply_type != AMQP_RESPONSE_NORMAL) {
    connection.error_ = Failure("channel.open", opened);
    connection.Drop();
    return connection;
  }
  connection.channel_open_ = true;
  return connection;
}

AmqpConnection::AmqpConnection(AmqpConnection&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)),
      channel_open_(std::exchange(other.channel_open_, false)),
      error_(std::move(other.error_)) {}

AmqpConnection& AmqpConnection::operator=(AmqpConnection&& other) noexcept {
  if (this != &other) {
    Close();
    state_ = std::exchange(other.state_, nullptr);
    channel_open_ = std::exchange(other.channel_open_, false);
    error_ = std::move(other.error_);
  }
  return *this;
}

AmqpConnection::~AmqpConnection() { Close(); }

void AmqpConnection::Close() {
  if (state_ == nullptr) return;
  if (channel_open_) {
    amqp_channel_close(state_, kAmqpChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(state_);
  state_ = nullptr;
  channel_open_ = false;
}

void AmqpConnection::Drop() {
  if (state_ == nullptr) return;
  amqp_destroy_connection(state_);  // closes the socket without a handshake
  state_ = nullptr;
  channel_open_ = false;
}

}  // namespace barbershop::common
