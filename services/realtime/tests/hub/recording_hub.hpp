#pragma once

// A hub's collaborators for tests: a subscriber that records what it is asked and a
// listener that records what it hears.

#include <memory>
#include <string>
#include <vector>

#include "hub/hub.hpp"

namespace barbershop::realtime::hub {

/// Records subscribes ("+channel") and unsubscribes ("-channel") in order.
class FakeSubscriber final : public ChannelSubscriber {
 public:
  void Subscribe(const std::string& channel) override { calls.push_back("+" + channel); }
  void Unsubscribe(const std::string& channel) override { calls.push_back("-" + channel); }
  std::vector<std::string> calls;
};

/// Counts OnReady and keeps every message, on the caller's thread.
class RecordingListener final : public Listener {
 public:
  void OnReady() override { ++ready; }
  void OnMessage(std::shared_ptr<const std::string> message) override { messages.push_back(std::move(message)); }
  void OnMessages(const Batch& batch) override {
    batches.push_back(batch->size());
    Listener::OnMessages(batch);
  }
  int ready = 0;
  std::vector<std::shared_ptr<const std::string>> messages;
  std::vector<std::size_t> batches;  // the size of each batch heard
};

}  // namespace barbershop::realtime::hub
