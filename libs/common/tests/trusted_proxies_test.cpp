#include "barbershop/common/trusted_proxies.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace barbershop::common {
namespace {

TrustedProxies Trusting(const std::string& list) {
  auto proxies = TrustedProxies::Parse(list);
  EXPECT_TRUE(proxies) << list << ": " << proxies.error().message;
  return proxies ? *proxies : TrustedProxies{};
}

TEST(IpAddressTest, ParsesAddressesAndNothingElse) {
  const std::pair<std::string, std::string> good[] = {
      {"10.1.2.3", "10.1.2.3"},        {"::1", "::1"},         {"2001:DB8::1", "2001:db8::1"},
      {"::ffff:10.1.2.3", "10.1.2.3"}, {"0.0.0.0", "0.0.0.0"}, {"fe80::1:2", "fe80::1:2"},
  };
  for (const auto& [text, spelt] : good) {
    const auto address = IpAddress::Parse(text);
    ASSERT_TRUE(address) << text;
    EXPECT_EQ(address->ToString(), spelt) << text;
  }
  for (const std::string& bad :
       std::vector<std::string>{"", " 10.1.2.3", "10.1.2.3 ", "10.1.2", "10.1.2.3.4", "256.1.2.3", "10.1.2.3:80",
                                "[::1]", "[::1]:80", "localhost", "unknown", "_hidden", "::1%eth0", "1::2::3",
                                std::string(100, '1'), std::string("10.1.2.3\0", 9)}) {
    EXPECT_FALSE(IpAddress::Parse(bad)) << bad;
  }
}

TEST(TrustedProxiesTest, ParsesListsOfAddressesAndBlocks) {
  EXPECT_TRUE(Trusting("").empty());
  EXPECT_TRUE(Trusting(" , ").empty());
  EXPECT_EQ(Trusting("").ToString(), "none");
  EXPECT_EQ(Trusting("127.0.0.1").ToString(), "127.0.0.1/32");
  EXPECT_EQ(Trusting("127.0.0.1, 10.0.0.0/8 ::1,fd00::/8").ToString(), "127.0.0.1/32, 10.0.0.0/8, ::1/128, fd00::/8");
  EXPECT_EQ(Trusting("10.1.2.3/8").ToString(), "10.0.0.0/8");  // bits past the prefix ignored
  EXPECT_EQ(Trusting("0.0.0.0/0").ToString(), "0.0.0.0/0");
}

TEST(TrustedProxiesTest, RefusesWhatIsNotAnAddressOrBlockNamingIt) {
  for (const char* bad : {"localhost", "127.0.0.1;", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/8x",
                          "10.0.0.0/08/8", "10.0.0.0/99999999999999999999", "/8", "1.2.3.4:80", "127.0.0.1,nope"}) {
    const auto parsed = TrustedProxies::Parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("trusted proxies: '"), std::string::npos) << parsed.error().message;
  }
  const auto parsed = TrustedProxies::Parse("127.0.0.1, 10.0.0.0/33");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("'10.0.0.0/33'"), std::string::npos) << parsed.error().message;
}

TEST(TrustedProxiesTest, MatchesBlocksAcrossIpv4AndMappedIpv6) {
  const auto proxies = Trusting("10.0.0.0/8, 192.168.1.128/25, fd00::/8");
  const std::pair<std::string, bool> cases[] = {
      {"10.0.0.1", true},      {"10.255.255.255", true}, {"11.0.0.1", false},       {"192.168.1.128", true},
      {"192.168.1.255", true}, {"192.168.1.127", false}, {"::ffff:10.9.9.9", true}, {"fd12::1", true},
      {"fe00::1", false},      {"::a00:1", false},  // the IPv4-compatible form is not IPv4
  };
  for (const auto& [text, trusted] : cases) EXPECT_EQ(proxies.Trusts(*IpAddress::Parse(text)), trusted) << text;
  EXPECT_TRUE(Trusting("0.0.0.0/0").Trusts(*IpAddress::Parse("203.0.113.9")));
  EXPECT_FALSE(Trusting("0.0.0.0/0").Trusts(*IpAddress::Parse("2001:db8::1")));
  EXPECT_TRUE(Trusting("::/0").Trusts(*IpAddress::Parse("2001:db8::1")));
}

TEST(TrustedProxiesTest, AnUntrustedPeerIsTheClientWhateverItSends) {
  const auto nobody = Trusting("");
  EXPECT_EQ(nobody.ClientAddress("127.0.0.1", "203.0.113.9"), "127.0.0.1");
  const auto proxies = Trusting("10.0.0.0/8");
  EXPECT_EQ(proxies.ClientAddress("198.51.100.1", "203.0.113.9"), "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("198.51.100.1", "10.0.0.1"), "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("::ffff:198.51.100.1", "203.0.113.9"), "198.51.100.1");
  // Not an IP peer (a Unix socket): kept as it is.
  EXPECT_EQ(proxies.ClientAddress("unix:/run/core.sock", "203.0.113.9"), "unix:/run/core.sock");
}

TEST(TrustedProxiesTest, ATrustedPeersClientIsTheRightMostUntrustedHop) {
  const auto proxies = Trusting("127.0.0.1, 10.0.0.0/8");
  const std::tuple<std::string, std::string, std::string> cases[] = {
      // peer, X-Forwarded-For, client
      {"127.0.0.1", "203.0.113.9", "203.0.113.9"},
      {"127.0.0.1", "203.0.113.9, 10.1.1.1", "203.0.113.9"},      // through a trusted load balancer
      {"127.0.0.1", "198.51.100.7, 203.0.113.9", "203.0.113.9"},  // the client's own claim is left of it
      {"127.0.0.1", "1.1.1.1,2.2.2.2,10.0.0.1,10.0.0.2", "2.2.2.2"},
      {"127.0.0.1", "  203.0.113.9  ,\t10.1.1.1 ", "203.0.113.9"},
      {"127.0.0.1", "2001:db8::7", "2001:db8::7"},
      {"127.0.0.1", "2001:DB8:0::7", "2001:db8::7"},    // one spelling per address
      {"127.0.0.1", "10.0.0.1, 10.0.0.2", "10.0.0.1"},  // every hop trusted: the left-most
      {"::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9"},
      {"127.0.0.1", "", "127.0.0.1"},  // no header
      {"127.0.0.1", "   ", "127.0.0.1"},
      // Garbled: nothing past the first hop that is not an address is believed.
      {"127.0.0.1", "unknown", "127.0.0.1"},
      {"127.0.0.1", "203.0.113.9:4711", "127.0.0.1"},
      {"127.0.0.1", "203.0.113.9, garbage, 10.0.0.1", "127.0.0.1"},
      {"127.0.0.1", "garbage, 203.0.113.9", "203.0.113.9"},  // left of the client: not looked at
      {"127.0.0.1", "203.0.113.9,,10.0.0.1", "127.0.0.1"},
      {"127.0.0.1", ",", "127.0.0.1"},
      {"127.0.0.1", ",10.0.0.1", "127.0.0.1"},
      {"127.0.0.1", "10.0.0.1,", "127.0.0.1"},
      {"127.0.0.1", std::string("203.0.113.9\0", 12), "127.0.0.1"},
  };
  for (const auto& [peer, forwarded, client] : cases) {
    EXPECT_EQ(proxies.ClientAddress(peer, forwarded), client) << peer << " / '" << forwarded << "'";
  }
}

TEST(TrustedProxiesTest, AHugeHeaderCostsOnlyTheHopsLookedAt) {
  const auto proxies = Trusting("10.0.0.0/8");
  std::string header = "203.0.113.9";
  for (int i = 0; i < 100000; ++i) header += ", 10.0.0.1";
  // Past the hops looked at, every one trusted: the last one looked at.
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", header), "10.0.0.1");
  std::string garbage(1 << 20, ',');
  EXPECT_EQ(proxies.ClientAddress("10.0.0.2", garbage), "10.0.0.2");
}

}  // namespace
}  // namespace barbershop::common
