#include "barbershop/common/ids.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace barbershop::common {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

bool Canonical(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && std::string("0123456789abcdef").find(id[i]) == std::string::npos) return false;
  }
  return true;
}

// The milliseconds a version 7 id carries in its first 48 bits.
long long MillisecondsOf(const std::string& id) { return std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16); }

TEST(IdsTest, ARandomIdIsVersionFourOfTheRfcVariant) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = NewUuid();
    ASSERT_TRUE(Canonical(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, ATimeOrderedIdIsVersionSevenAndCarriesItsMillisecond) {
  const auto before = system_clock::now();
  const auto id = NewTimeOrderedUuid();
  const auto after = system_clock::now();
  ASSERT_TRUE(Canonical(id)) << id;
  EXPECT_EQ(id[14], '7') << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  const auto ms = [](system_clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
  };
  EXPECT_GE(MillisecondsOf(id), ms(before)) << id;
  EXPECT_LE(MillisecondsOf(id), ms(after)) << id;
}

TEST(IdsTest, TimeOrderedIdsSortAsTheirTimesAndDifferWithinAMillisecond) {
  // 2026-12-05 and 2100-01-01: the text sorts as the time, across a change of every
  // leading digit.
  const system_clock::time_point times[] = {system_clock::time_point(milliseconds(1'796'428'800'000)),
                                            system_clock::time_point(milliseconds(1'796'428'800'001)),
                                            system_clock::time_point(milliseconds(1'796'428'801'000)),
                                            system_clock::time_point(milliseconds(4'102'444'800'000))};
  std::vector<std::string> ids;
  for (const auto t : times) {
    ids.push_back(NewTimeOrderedUuid(t));
    EXPECT_EQ(MillisecondsOf(ids.back()), std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count())
        << ids.back();
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(ids[0].substr(0, 13), "01a24380-2000") << "2026-12-05T00:00:00Z is 0x01a243802000 ms";
  std::set<std::string> same_millisecond;
  for (int i = 0; i < 1000; ++i) same_millisecond.insert(NewTimeOrderedUuid(times[0]));
  EXPECT_EQ(same_millisecond.size(), 1000u);
}

}  // namespace
}  // namespace barbershop::common
