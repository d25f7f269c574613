#include "hub/hub.hpp"

namespace barbershop::realtime::hub {

// The subscriber is told of each change under the lock, so that it sees subscribes and
// unsubscribes in the order the hub made them: a last socket leaving and a new one
// joining at once must end subscribed.
void Hub::Join(const std::string& channel, const std::shared_ptr<Listener>& listener) {
  bool ready = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = channels_.try_emplace(channel);
    if (inserted) {
      ++subscribes_in_flight_[channel];
      subscriber_.Subscribe(channel);
    }
    if (it->second.listeners.emplace(listener.get(), listener).second) ++listeners_;
    ready = it->second.ready;
    if (!ready) it->second.waiting.push_back(listener);
  }
  if (ready) listener->OnReady();
}

void Hub::Leave(const std::string& channel, const Listener* listener) {
  std::lock_guard lock(mutex_);
  const auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  if (it->second.listeners.erase(listener) > 0) --listeners_;
  if (it->second.listeners.empty()) {
    channels_.erase(it);
    subscriber_.Unsubscribe(channel);
  }
}

void Hub::Keep(const std::string& channel, std::function<void(const std::string& message)> on_message,
               std::function<void()> on_subscribed) {
  std::lock_guard lock(mutex_);
  // Never unsubscribed: every confirmation is this subscription's, none is counted.
  kept_[channel] = std::make_shared<const KeptChannel>(KeptChannel{std::move(on_message), std::move(on_subscribed)});
  subscriber_.Subscribe(channel);
}

std::shared_ptr<const Hub::KeptChannel> Hub::Kept(const std::string& channel) const {
  std::lock_guard lock(mutex_);
  const auto it = kept_.find(channel);
  return it == kept_.end() ? nullptr : it->second;
}

void Hub::OnSubscribed(const std::string& channel) {
  // A kept channel's callbacks run without the lock: they may call back into the hub.
  if (const auto kept = Kept(channel)) {
    if (kept->on_subscribed) kept->on_subscribed();
    return;
  }
  std::vector<std::weak_ptr<Listener>> waiting;
  {
    std::lock_guard lock(mutex_);
    // A confirmation of an earlier subscribe, since undone by an unsubscribe still on its
    // way, is not this channel's: ready only with the confirmation of the latest.
    if (const auto in_flight = subscribes_in_flight_.find(channel); in_flight != subscribes_in_flight_.end()) {
      if (--in_flight->second > 0) return;
      subscribes_in_flight_.erase(in_flight);
    }
    const auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    it->second.ready = true;
    waiting.swap(it->second.waiting);
  }
  for (const auto& weak : waiting) {
    if (auto listener = weak.lock()) listener->OnReady();
  }
}

std::vector<std::string> Hub::OnSubscriptionsLost() {
  std::lock_guard lock(mutex_);
  // What was on its way went with the connection; each channel is subscribed once anew.
  subscribes_in_flight_.clear();
  std::vector<std::string> names;
  names.reserve(channels_.size());
  for (auto& [name, channel] : channels_) {
    // Every listener hears OnReady again once the channel is back, to catch up on what
    // was published while it was not subscribed.
    channel.ready = false;
    channel.waiting.clear();
    for (const auto& [raw, weak] : channel.listeners) channel.waiting.push_back(weak);
    subscribes_in_flight_[name] = 1;
    names.push_back(name);
  }
  for (const auto& [name, kept] : kept_) names.push_back(name);
  return names;
}

void Hub::SetFanOut(FanOut fan_out) {
  std::lock_guard lock(mutex_);
  fan_out_ = std::move(fan_out);
}

void Hub::Deliver(const std::string& channel, std::shared_ptr<const std::string> message) {
  FanOut fan_out;
  std::shared_ptr<const KeptChannel> kept;
  Listener::Message for_kept;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = channels_.find(channel); it != channels_.end()) {
      auto& pending = it->second.pending;
      pending.push_back(std::move(message));
      fan_out = fan_out_;
      // The channel's delivery is on its way: this one goes with it.  Without a fan-out
      // (the server gone), nothing is on its way: what waited goes now, with this one.
      if (pending.size() > 1 && fan_out) return;
    } else if (const auto keeping = kept_.find(channel); keeping != kept_.end()) {
      kept = keeping->second;
      for_kept = std::move(message);
    } else {
      return;
    }
  }
  if (kept) {
    if (kept->on_message) kept->on_message(*for_kept);
    return;
  }
  if (!fan_out) return DeliverPending(channel);
  fan_out(channel, [this, channel] { DeliverPending(channel); });
}

void Hub::DeliverPending(const std::string& channel) {
  auto batch = std::make_shared<std::vector<Listener::Message>>();
  std::vector<std::shared_ptr<Listener>> targets;
  {
    std::lock_guard lock(mutex_);
    const auto it = channels_.find(channel);
    if (it == channels_.end()) return;  // its last listener left: nobody to deliver to
    batch->swap(it->second.pending);
    if (batch->empty()) return;
    targets.reserve(it->second.listeners.size());
    for (const auto& [raw, weak] : it->second.listeners) {
      if (auto listener = weak.lock()) targets.push_back(std::move(listener));
    }
  }
  const Listener::Batch shared = std::move(batch);
  for (const auto& listener : targets) listener->OnMessages(shared);
}

std::size_t Hub::channel_count() const {
  std::lock_guard lock(mutex_);
  return channels_.size();
}

std::size_t Hub::listener_count() const {
  std::lock_guard lock(mutex_);
  return listeners_;
}

}  // namespace barbershop::realtime::hub
