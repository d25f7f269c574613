#include "hub/limits.hpp"

#include <algorithm>

namespace barbershop::realtime::hub {

bool TokenBucket::Take(Clock::time_point now) {
  if (rate_ <= 0) return true;
  const auto elapsed = std::chrono::duration<float>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + std::max(0.0F, elapsed) * rate_);
  if (tokens_ < 1.0F) return false;
  tokens_ -= 1.0F;
  return true;
}

SocketCounter::Verdict SocketCounter::TryAdd(const std::string& user, const std::string& address) {
  const std::lock_guard lock(mutex_);
  // Anonymous sockets (no user) count against their address only.
  std::size_t no_user = 0;
  auto& of_user = user.empty() ? no_user : users_[user];
  auto& of_address = addresses_[address];
  Verdict verdict = Verdict::kAdmitted;
  if (!user.empty() && per_user_ > 0 && of_user >= per_user_) {
    verdict = Verdict::kUserFull;
  } else if (per_address_ > 0 && of_address >= per_address_) {
    verdict = Verdict::kAddressFull;
  }
  if (verdict == Verdict::kAdmitted) {
    ++of_user;
    ++of_address;
    return verdict;
  }
  // Leave no empty entry behind a refusal.
  if (of_user == 0 && !user.empty()) users_.erase(user);
  if (of_address == 0) addresses_.erase(address);
  return verdict;
}

void SocketCounter::Remove(const std::string& user, const std::string& address) {
  const std::lock_guard lock(mutex_);
  if (!user.empty()) Decrement(users_, user);
  Decrement(addresses_, address);
}

bool SocketCounter::AddressFull(const std::string& address) const {
  if (per_address_ == 0) return false;
  const std::lock_guard lock(mutex_);
  const auto it = addresses_.find(address);
  return it != addresses_.end() && it->second >= per_address_;
}

std::size_t SocketCounter::OfUser(const std::string& user) const {
  const std::lock_guard lock(mutex_);
  const auto it = users_.find(user);
  return it == users_.end() ? 0 : it->second;
}

void SocketCounter::Decrement(std::map<std::string, std::size_t>& counts, const std::string& key) {
  const auto it = counts.find(key);
  if (it == counts.end()) return;
  if (--it->second == 0) counts.erase(it);
}

}  // namespace barbershop::realtime::hub
