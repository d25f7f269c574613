#include "barbershop/common/ids.hpp"

#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace barbershop::common {
namespace {

using Bytes = unsigned char[16];

void RandomBytes(Bytes& b) {
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) throw std::runtime_error("libsodium could not be initialised");
  randombytes_buf(b, sizeof b);
}

// Sets the version (the high half of byte 6) and the RFC 9562 variant (10 in byte 8's
// top bits), and writes the canonical text.
std::string Format(Bytes& b, unsigned version) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace

std::string NewUuid() {
  Bytes b;
  RandomBytes(b);
  return Format(b, 4);
}

std::string NewTimeOrderedUuid() { return NewTimeOrderedUuid(std::chrono::system_clock::now()); }

std::string NewTimeOrderedUuid(std::chrono::system_clock::time_point now) {
  Bytes b;
  RandomBytes(b);
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  return Format(b, 7);
}

}  // namespace barbershop::common
