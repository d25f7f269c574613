#pragma once

#include <string>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::core::events {

struct OutgoingEvent {
  std::string event_id;
  std::string routing_key;
  std::string payload;
};

/// Sends events to the message broker.  Used by one thread at a time.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  /// Publishes the batch in order as persistent messages and returns only once the
  /// broker confirmed every one; kUnavailable when it did not, kFailedPrecondition when
  /// it confirmed but routed some to no queue (nothing may be assumed sent then: the
  /// caller retries the whole batch).
  virtual common::Status PublishConfirmed(const std::vector<OutgoingEvent>& batch) = 0;
};

}  // namespace barbershop::core::events
