#include "hub/replay_planner.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "barbershop/common/text.hpp"
#include "hub/protocol.hpp"

namespace barbershop::realtime::hub {

namespace {

// A stored notification replayed after `since` shows its current read status.
std::string WithReadStatus(const StoredMessage& message, const std::set<std::string>& read) {
  if (read.count(message.id) == 0) return WithLeadingId(message.id, message.body);
  auto parsed = nlohmann::json::parse(message.body, nullptr, false);
  if (parsed.is_discarded() || parsed.value("type", "") != "notification") {
    return WithLeadingId(message.id, message.body);
  }
  parsed["status"] = "read";
  return WithLeadingId(message.id, common::ToJsonText(parsed));
}

StreamId Later(StreamId current, const std::string& id) {
  return std::max(current, StreamId::Parse(id).value_or(current));
}

}  // namespace

bool SinceLost(const StreamState& state, StreamId since) {
  const auto last = StreamId::Parse(state.last_id).value_or(StreamId{});
  const auto first = StreamId::Parse(state.first_id);
  const bool trimmed = state.entries_added > state.length;
  // With entries: `since` is older than the first and some were trimmed.  Empty or
  // missing: `since` is older than what was last added, or nothing was ever added (a
  // stream that was deleted, or a `since` from elsewhere).
  return (first && since < *first && trimmed) || (!first && since > StreamId{} && since < last) ||
         (state.entries_added == 0 && since > StreamId{});
}

common::Result<Replay> ReplayPlanner::Join(const JoinRequest& request) const {
  auto state = store_.State(request.stream);
  if (!state) return state.error();
  const auto state_last = StreamId::Parse(state->last_id).value_or(StreamId{});
  Replay replay;
  if (!request.since.empty()) {
    const auto since = StreamId::Parse(request.since).value_or(StreamId{});
    const bool lost = SinceLost(*state, since);
    replay.frames.push_back(Welcome(request.channel, lost ? state->last_id : request.since));
    if (lost) {
      replay.frames.push_back(ResyncRequired(request.since, state->first_id));
      replay.last_id = state_last;
    } else {
      replay.last_id = since;
      if (auto read = AppendAfter(request, replay); !read) return read.error();
    }
  } else {
    replay.frames.push_back(Welcome(request.channel, state->last_id));
    replay.last_id = state_last;
    if (request.kind == StreamKind::kChat) {
      auto history = store_.ReadBefore(request.stream, request.before, limits_.history_limit);
      if (!history) return history.error();
      // A message sent since the state was read is in the history too, and also comes
      // live: the history moves the last id on, so that the live copy is dropped.
      for (const auto& message : *history) {
        replay.frames.push_back(WithLeadingId(message.id, message.body));
        replay.last_id = Later(replay.last_id, message.id);
      }
    }
  }
  if (request.kind == StreamKind::kChat) {
    for (const auto& user : request.presence_of) {
      // Presence is a courtesy: a socket joins without it when it cannot be read.
      if (auto online = store_.IsOnline(user); online) replay.frames.push_back(Presence(user, *online));
    }
  }
  return replay;
}

common::Status ReplayPlanner::AppendAfter(const JoinRequest& request, Replay& replay) const {
  std::set<std::string> read;
  if (request.kind != StreamKind::kChat) {
    auto loaded = store_.ReadNotifications(request.user_id);
    if (!loaded) return loaded.error();
    read = std::move(*loaded);
  }
  std::string cursor = request.since;
  while (replay.frames.size() < limits_.replay_limit) {
    auto batch = store_.ReadAfter(request.stream, cursor, limits_.batch);
    if (!batch) return batch.error();
    for (const auto& message : *batch) {
      replay.frames.push_back(WithReadStatus(message, read));
      replay.last_id = Later(replay.last_id, message.id);
    }
    if (batch->size() < limits_.batch) break;
    cursor = batch->back().id;
  }
  return common::Ok{};
}

CatchUp ReplayPlanner::CatchUpAfter(const std::string& stream, StreamId since) const {
  CatchUp result;
  result.replay.last_id = since;
  const auto since_text = since.ToString();
  // What was published meanwhile cannot be read now, or is partly gone (a long outage
  // trimmed the stream past the last id sent): the client is told to refetch, rather
  // than left with a silent gap.
  const auto cannot_read = [&](const common::Error& error) {
    result.read = error;
    result.replay.frames.push_back(ResyncRequired(since_text, ""));
    return result;
  };
  auto state = store_.State(stream);
  if (!state) return cannot_read(state.error());
  if (SinceLost(*state, since)) {
    result.replay.frames.push_back(ResyncRequired(since_text, state->first_id));
    result.replay.last_id = std::max(since, StreamId::Parse(state->last_id).value_or(since));
    return result;
  }
  auto batch = store_.ReadAfter(stream, since_text, limits_.replay_limit);
  if (!batch) return cannot_read(batch.error());
  for (const auto& message : *batch) {
    result.replay.frames.push_back(WithLeadingId(message.id, message.body));
    result.replay.last_id = Later(result.replay.last_id, message.id);
  }
  return result;
}

}  // namespace barbershop::realtime::hub
