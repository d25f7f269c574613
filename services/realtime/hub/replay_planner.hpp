#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "barbershop/common/result.hpp"
#include "hub/message_store.hpp"
#include "hub/routes.hpp"
#include "hub/stream_id.hpp"

namespace barbershop::realtime::hub {

/// How much a socket is sent when it joins or catches up.
struct ReplayLimits {
  std::size_t history_limit = 100;  ///< chat messages sent on a join without `since`
  /// Messages gathered after `since` before reading stops; checked between reads, so a
  /// replay may end up to `batch` - 1 messages over it.
  std::size_t replay_limit = 10000;
  std::size_t batch = 500;  ///< messages per read of a replay after `since`
};

/// A socket's stream, as a replay reads it.
struct JoinRequest {
  StreamKind kind = StreamKind::kChat;
  std::string stream;   ///< the store's key of the stream
  std::string channel;  ///< its pub/sub channel (named in the welcome)
  std::string user_id;  ///< the socket's user: whose read notifications are replayed as read
  std::string since;    ///< the route's `since` (a valid id, or empty)
  std::string before;   ///< the route's `before` (a valid id, or empty)
  /// On a chat: the users whose presence follows the replay (barber, then client).
  std::vector<std::string> presence_of;
};

/// What a socket is sent before live messages, in order, and the newest stream id it
/// covers (a live message at or before it is a duplicate).
struct Replay {
  std::vector<std::string> frames;
  StreamId last_id;
};

/// A catch-up after the pub/sub connection came back: `replay`, and why the stream could
/// not be read when it could not (then `replay` is a resync_required alone).
struct CatchUp {
  Replay replay;
  common::Status read = common::Ok{};
};

/// Whether what came after `since` is partly gone from a stream in `state`: trimmed past
/// it, or the stream was deleted (or never written) since.  The client must refetch.
bool SinceLost(const StreamState& state, StreamId since);

/// Decides what a socket is sent from its stream when it joins and when it catches up,
/// and reads it.  Plain code over a MessageStore; its calls block as the store's do.
/// Thread-safe when the store is.
class ReplayPlanner {
 public:
  ReplayPlanner(MessageStore& store, ReplayLimits limits) : store_(store), limits_(limits) {}

  /// The welcome, then: with `since`, what came after it (notifications already read
  /// marked so) or a resync_required when that is gone; without, on a chat, its history
  /// (before `before`, at most history_limit).  A chat ends with both parties' presence.
  /// Fails when the store cannot be read.
  common::Result<Replay> Join(const JoinRequest& request) const;

  /// What was stored after `since` (at most replay_limit), or a resync_required when
  /// the stream cannot be read.
  CatchUp CatchUpAfter(const std::string& stream, StreamId since) const;

 private:
  common::Status AppendAfter(const JoinRequest& request, Replay& replay) const;

  MessageStore& store_;
  ReplayLimits limits_;
};

}  // namespace barbershop::realtime::hub
