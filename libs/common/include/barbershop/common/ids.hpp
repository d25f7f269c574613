#pragma once

#include <chrono>
#include <string>

namespace barbershop::common {

/// A random (version 4) UUID in canonical text form.  Thread-safe.
std::string NewUuid();

/// A time-ordered (version 7, RFC 9562) UUID in canonical text form: the first 48 bits
/// are the Unix time in milliseconds, the other 74 random.  For the ids of rows written
/// by the thousand (appointments, events): each new one lands at the end of its indexes,
/// where the pages are already in memory, not on a random page of them.  An id made this
/// way tells when it was made, to the millisecond.  Thread-safe.
std::string NewTimeOrderedUuid();
/// The same, made at `now` (the system clock's time).
std::string NewTimeOrderedUuid(std::chrono::system_clock::time_point now);

}  // namespace barbershop::common
