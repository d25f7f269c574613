#include "hub/frame_edges.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace barbershop::realtime::hub {
namespace {

// A masked frame from a client: FIN and `opcode`, `payload` bytes of zeros.
std::vector<std::uint8_t> ClientFrame(std::uint8_t opcode, std::size_t payload, bool fin = true) {
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>((fin ? 0x80 : 0x00) | opcode)};
  if (payload < 126) {
    frame.push_back(static_cast<std::uint8_t>(0x80 | payload));
  } else if (payload <= 0xFFFF) {
    frame.insert(frame.end(), {0xFE, static_cast<std::uint8_t>(payload >> 8), static_cast<std::uint8_t>(payload)});
  } else {
    frame.push_back(0xFF);
    for (int i = 0; i < 8; ++i) frame.push_back(static_cast<std::uint8_t>(std::uint64_t{payload} >> (56 - 8 * i)));
  }
  frame.insert(frame.end(), {1, 2, 3, 4});  // the mask
  frame.resize(frame.size() + payload);
  return frame;
}

// Feeds `bytes` the way the socket reads them: never more than Wanted(); returns the
// sizes of the reads.
std::vector<std::size_t> Feed(FrameEdges& edges, const std::vector<std::uint8_t>& bytes) {
  std::vector<std::size_t> reads;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto size = std::min<std::size_t>(edges.Wanted(), bytes.size() - at);
    edges.Took(bytes.data() + at, size);
    reads.push_back(size);
    at += size;
  }
  return reads;
}

TEST(FrameEdgesTest, ReadsAHeaderThenItsPayloadAndNeverPastTheFrame) {
  FrameEdges edges;
  EXPECT_TRUE(edges.AtMessageEdge());
  EXPECT_EQ(Feed(edges, ClientFrame(0x1, 20)), (std::vector<std::size_t>{2, 4, 20}));
  EXPECT_TRUE(edges.AtMessageEdge());
  EXPECT_EQ(edges.frames(), 1u);
  EXPECT_EQ(Feed(edges, ClientFrame(0x1, 300)), (std::vector<std::size_t>{2, 6, 300}));
  EXPECT_EQ(Feed(edges, ClientFrame(0x2, 70000)), (std::vector<std::size_t>{2, 12, 70000}));
  EXPECT_EQ(edges.frames(), 3u);
  EXPECT_EQ(edges.Wanted(), 2u);
}

TEST(FrameEdgesTest, AFrameWithoutPayloadEndsWithItsHeader) {
  FrameEdges edges;
  EXPECT_EQ(Feed(edges, ClientFrame(0xA, 0)), (std::vector<std::size_t>{2, 4}));  // a pong
  EXPECT_TRUE(edges.AtMessageEdge());
  EXPECT_EQ(edges.frames(), 1u);
}

TEST(FrameEdgesTest, IsNotAtAnEdgeInsideAFrameOrAFragmentedMessage) {
  FrameEdges edges;
  const auto frame = ClientFrame(0x1, 10);
  edges.Took(frame.data(), 1);
  EXPECT_FALSE(edges.AtMessageEdge());
  EXPECT_EQ(edges.Wanted(), 1u);
  edges.Took(frame.data() + 1, 5);
  EXPECT_FALSE(edges.AtMessageEdge());
  EXPECT_EQ(edges.Wanted(), 10u);
  edges.Took(frame.data() + 6, 3);
  EXPECT_EQ(edges.Wanted(), 7u);

  FrameEdges fragments;
  Feed(fragments, ClientFrame(0x1, 5, /*fin=*/false));
  EXPECT_FALSE(fragments.AtMessageEdge());
  EXPECT_TRUE(fragments.InFragmentedMessage());
  Feed(fragments, ClientFrame(0x9, 0));  // a ping between the fragments
  EXPECT_FALSE(fragments.AtMessageEdge());
  EXPECT_TRUE(fragments.InFragmentedMessage());
  Feed(fragments, ClientFrame(0x0, 5));  // the last fragment
  EXPECT_TRUE(fragments.AtMessageEdge());
  EXPECT_FALSE(fragments.InFragmentedMessage());
  EXPECT_EQ(fragments.frames(), 3u);

  // A message may begin with an empty fragment: it is under way all the same.
  FrameEdges empty_first;
  Feed(empty_first, ClientFrame(0x1, 0, /*fin=*/false));
  EXPECT_TRUE(empty_first.InFragmentedMessage());
  Feed(empty_first, ClientFrame(0x9, 0));
  EXPECT_TRUE(empty_first.InFragmentedMessage());
}

TEST(FrameEdgesTest, ServerHeadersTakeTheShortestLength) {
  std::array<std::uint8_t, 10> header{};
  ASSERT_EQ(ServerFrameHeader(Opcode::kText, 125, header), 2u);
  EXPECT_EQ(header[0], 0x81);
  EXPECT_EQ(header[1], 125);
  ASSERT_EQ(ServerFrameHeader(Opcode::kText, 126, header), 4u);
  EXPECT_EQ(header[1], 126);
  EXPECT_EQ(header[2], 0);
  EXPECT_EQ(header[3], 126);
  ASSERT_EQ(ServerFrameHeader(Opcode::kText, 65536, header), 10u);
  EXPECT_EQ(header[1], 127);
  EXPECT_EQ(header[7], 1);
  EXPECT_EQ(header[8], 0);
  ASSERT_EQ(ServerFrameHeader(Opcode::kPing, 0, header), 2u);
  EXPECT_EQ(header[0], 0x89);
  EXPECT_EQ(header[1], 0);
}

}  // namespace
}  // namespace barbershop::realtime::hub
