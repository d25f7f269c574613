// Bytes from a client as the awake socket's reads take them (net/gated_socket.hpp): each
// read at most what hub::FrameEdges wants.  Where frames end, and whether a message edge
// is reached, must not depend on how the reads cut the bytes; it never wants zero bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "hub/frame_edges.hpp"

namespace {

using barbershop::fuzz::Require;
namespace hub = barbershop::realtime::hub;

struct Edge {
  std::size_t at;
  bool message_edge;
  bool operator==(const Edge&) const = default;
};

// Reads `bytes` in pieces of at most `cut(i)` bytes (and at most what is wanted); where
// each frame ended.
template <typename Cut>
std::vector<Edge> Edges(const std::uint8_t* bytes, std::size_t size, Cut cut) {
  hub::FrameEdges edges;
  std::vector<Edge> found;
  std::size_t at = 0;
  for (std::size_t read = 0; at < size; ++read) {
    const auto wanted = edges.Wanted();
    Require(wanted > 0, "a read always wants a byte");
    const auto take = std::min<std::uint64_t>({wanted, size - at, std::max<std::size_t>(1, cut(read))});
    const auto frames = edges.frames();
    edges.Took(bytes + at, static_cast<std::size_t>(take));
    at += static_cast<std::size_t>(take);
    Require(edges.frames() - frames <= 1, "a read never takes more than one frame's end");
    if (edges.frames() != frames) found.push_back({at, edges.AtMessageEdge()});
  }
  return found;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t piece = data[0];  // the reads of the second pass
  const auto whole = Edges(data + 1, size - 1, [](std::size_t) { return std::size_t{1} << 20; });
  const auto bytewise = Edges(data + 1, size - 1, [](std::size_t) { return std::size_t{1}; });
  const auto cut = Edges(data + 1, size - 1, [piece](std::size_t read) { return (piece * (read + 1)) % 97; });
  Require(whole == bytewise, "frames end at the same bytes read one at a time");
  Require(whole == cut, "frames end at the same bytes read in uneven pieces");
  return 0;
}
