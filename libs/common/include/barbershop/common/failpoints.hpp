#pragma once

#include <initializer_list>
#include <string_view>

#include "barbershop/common/result.hpp"

// Fault injection for the tests, one facility for both services.  A failpoint is a named
// place in the code (BARBERSHOP_FAILPOINT) where a test can make the process die as a
// crash would, to show that nothing is lost or duplicated when it does.  Release builds
// (NDEBUG) compile every point out: the condition is `false` and its arguments are never
// evaluated, and arming any is refused.
//
// The points:
//   relay.before_publish   core: the outbox relay claimed a batch, before publishing it
//   booking.after_commit   core: a booking is committed, before the call is answered
//   events.before_store    real-time: an event arrived, before it is stored
//   events.before_ack      real-time: an event is stored and fanned out, before its ack

namespace barbershop::common {

/// Arms the failpoints `spec` names, replacing any armed before; empty disarms all.
/// `spec` is entries separated by commas: "name" fires the first time the point is
/// reached, "name=N" the Nth time, "name=N:key" the Nth time among hits that carry `key`.
/// An error names the entry that does not parse, or says that this build has no
/// failpoints.
Status ArmFailpoints(std::string_view spec);

/// Whether the failpoint `name` fires at this hit.  `id` names what the hit is about (an
/// event): hits with the id of the last hit counted count once, as a redelivery does.
/// `keys` are what an entry's key may match (an event's parties).  Thread-safe.
bool FailpointFires(std::string_view name, std::string_view id, std::initializer_list<std::string_view> keys);

/// Logs which failpoint fired and what at, flushes the log, and kills the process with
/// SIGKILL: no destructor, handler or flush runs, as in a crash.
[[noreturn]] void DieAtFailpoint(std::string_view name, std::string_view detail);

}  // namespace barbershop::common

#if defined(NDEBUG)
#define BARBERSHOP_FAILPOINT(name, id, ...) false
#else
#define BARBERSHOP_FAILPOINT(name, id, ...) (::barbershop::common::FailpointFires((name), (id), {__VA_ARGS__}))
#endif
