#include "hub/login_sessions.hpp"

#include <algorithm>

namespace barbershop::realtime::hub {

using common::ErrorCode;
using common::MakeError;

LoginSessions::LoginSessions() : index_(std::make_shared<Index>()) {}

LoginSessions::Watch::~Watch() {
  std::lock_guard lock(index_->mutex);
  const auto it = index_->watches.find(*session_id_);
  if (it == index_->watches.end()) return;
  auto& list = it->second;
  const auto at = std::find(list.begin(), list.end(), this);
  if (at == list.end()) return;
  *at = list.back();
  list.pop_back();
  --index_->count;
  if (list.empty()) index_->watches.erase(it);
}

std::shared_ptr<LoginSessions::Watch> LoginSessions::Add(const std::string& session_id) {
  std::lock_guard lock(index_->mutex);
  auto [it, inserted] = index_->watches.try_emplace(session_id);
  auto watch = std::make_shared<Watch>(Watch::Passkey{}, index_, it->first);
  it->second.push_back(watch.get());
  ++index_->count;
  return watch;
}

bool LoginSessions::Attach(Watch& watch, const std::shared_ptr<SessionEndListener>& listener) {
  std::lock_guard lock(index_->mutex);
  if (watch.ended_) return false;
  watch.listener_ = listener;
  return true;
}

std::size_t LoginSessions::End(const std::string& session_id) {
  std::vector<std::shared_ptr<SessionEndListener>> told;
  {
    std::lock_guard lock(index_->mutex);
    const auto it = index_->watches.find(session_id);
    if (it == index_->watches.end()) return 0;
    for (auto* watch : it->second) {
      watch->ended_ = true;
      if (auto listener = watch->listener_.lock()) told.push_back(std::move(listener));
    }
  }
  // Outside the lock: a socket let go here may be destroyed with `told`, and its watch
  // takes the lock to leave.
  for (const auto& listener : told) listener->OnSessionEnded();
  return told.size();
}

std::vector<std::string> LoginSessions::Open() const {
  std::lock_guard lock(index_->mutex);
  std::vector<std::string> ids;
  ids.reserve(index_->watches.size());
  for (const auto& [id, watches] : index_->watches) ids.push_back(id);
  return ids;
}

std::size_t LoginSessions::watch_count() const {
  std::lock_guard lock(index_->mutex);
  return index_->count;
}

common::Status CheckSessionOpen(EndedSessionStore& store, const std::string& session_id) {
  auto ended = store.IsSessionEnded(session_id);
  if (!ended) return MakeError(ErrorCode::kUnavailable, "cannot check the login session now; try again");
  if (*ended) return MakeError(ErrorCode::kUnauthenticated, "the login session of this token has ended");
  return common::Ok{};
}

common::Result<std::size_t> CatchUpEndedSessions(LoginSessions& index, EndedSessionStore& store) {
  const auto open = index.Open();
  if (open.empty()) return std::size_t{0};
  auto ended = store.EndedAmong(open);
  if (!ended) return ended.error();
  for (const auto& session_id : *ended) index.End(session_id);
  return ended->size();
}

}  // namespace barbershop::realtime::hub
