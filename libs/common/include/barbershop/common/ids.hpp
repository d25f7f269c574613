#pragma once

#include <string>

namespace barbershop::common {

/// A random (version 4) UUID in canonical text form.  Thread-safe.
std::string NewUuid();

}  // namespace barbershop::common
