#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace barbershop::realtime::hub {

/// Where the WebSocket frames coming in from a client end (RFC 6455, section 5.2), read
/// from their headers only.  A socket sets Beast's state aside between messages (see
/// net/gated_socket.hpp): to do that safely Beast must never have read past the frame it
/// is on, so each read asks this how many bytes it may take.  Payloads are neither
/// unmasked nor checked here: Beast does that.
class FrameEdges {
 public:
  /// How many bytes may be read without crossing the end of the current frame (of its
  /// header while the header is incomplete).  Never zero.
  std::uint64_t Wanted() const;
  /// Takes note of `size` bytes just read, at most Wanted().
  void Took(const std::uint8_t* bytes, std::size_t size);
  /// Between two frames, and not inside a message sent in fragments.
  bool AtMessageEdge() const { return !in_payload_ && head_have_ == 0 && !fragmented_; }
  /// Inside a message sent in fragments: its first frame came (empty or not), its last
  /// has not.
  bool InFragmentedMessage() const { return fragmented_; }
  /// Complete frames seen.
  std::uint32_t frames() const { return frames_; }

 private:
  std::size_t HeadNeeded() const;
  void Finished();

  std::array<std::uint8_t, 14> head_{};
  std::uint8_t head_have_ = 0;
  bool in_payload_ = false;
  bool fragmented_ = false;  // a data frame without FIN came; its continuation has not ended
  std::uint64_t payload_left_ = 0;
  std::uint32_t frames_ = 0;
};

enum class Opcode : std::uint8_t { kText = 0x1, kPing = 0x9 };

/// The header of an unfragmented, unmasked frame from the server of `size` payload bytes
/// into `out`; returns its length (2, 4 or 10).
std::size_t ServerFrameHeader(Opcode opcode, std::uint64_t size, std::array<std::uint8_t, 10>& out);

}  // namespace barbershop::realtime::hub
