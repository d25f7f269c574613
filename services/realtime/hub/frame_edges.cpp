#include "hub/frame_edges.hpp"

#include <algorithm>

namespace barbershop::realtime::hub {

namespace {

constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kMasked = 0x80;
constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;
constexpr std::uint8_t kFirstControlOpcode = 0x8;

}  // namespace

std::size_t FrameEdges::HeadNeeded() const {
  if (head_have_ < 2) return 2 - head_have_;
  const std::uint8_t length = head_[1] & 0x7F;
  const std::size_t extended = length == kLength64 ? 8 : length == kLength16 ? 2 : 0;
  const std::size_t mask = (head_[1] & kMasked) != 0 ? 4 : 0;
  return 2 + extended + mask - head_have_;
}

std::uint64_t FrameEdges::Wanted() const { return in_payload_ ? payload_left_ : HeadNeeded(); }

void FrameEdges::Took(const std::uint8_t* bytes, std::size_t size) {
  while (size > 0) {
    if (in_payload_) {
      const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(size, payload_left_));
      payload_left_ -= taken;
      bytes += taken;
      size -= taken;
      if (payload_left_ == 0) Finished();
      continue;
    }
    const auto taken = std::min(size, HeadNeeded());
    std::copy_n(bytes, taken, head_.begin() + head_have_);
    head_have_ = static_cast<std::uint8_t>(head_have_ + taken);
    bytes += taken;
    size -= taken;
    if (HeadNeeded() != 0) continue;
    const std::uint8_t length = head_[1] & 0x7F;
    if (length == kLength16) {
      payload_left_ = (std::uint64_t{head_[2]} << 8) | head_[3];
    } else if (length == kLength64) {
      payload_left_ = 0;
      for (std::size_t i = 0; i < 8; ++i) payload_left_ = (payload_left_ << 8) | head_[2 + i];
    } else {
      payload_left_ = length;
    }
    in_payload_ = true;
    if (payload_left_ == 0) Finished();
  }
}

void FrameEdges::Finished() {
  const std::uint8_t opcode = head_[0] & 0x0F;
  if (opcode < kFirstControlOpcode) fragmented_ = (head_[0] & kFin) == 0;
  in_payload_ = false;
  head_have_ = 0;
  ++frames_;
}

std::size_t ServerFrameHeader(Opcode opcode, std::uint64_t size, std::array<std::uint8_t, 10>& out) {
  out[0] = static_cast<std::uint8_t>(kFin | static_cast<std::uint8_t>(opcode));
  if (size < kLength16) {
    out[1] = static_cast<std::uint8_t>(size);
    return 2;
  }
  if (size <= 0xFFFF) {
    out[1] = kLength16;
    out[2] = static_cast<std::uint8_t>(size >> 8);
    out[3] = static_cast<std::uint8_t>(size);
    return 4;
  }
  out[1] = kLength64;
  for (std::size_t i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(size >> (56 - 8 * i));
  return 10;
}

}  // namespace barbershop::realtime::hub
