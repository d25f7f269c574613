#include "barbershop/common/tokens.hpp"

#include <gtest/gtest.h>

namespace barbershop::common {
namespace {

using namespace std::chrono_literals;

const std::string kKey(40, 'k');

TEST(TokenServiceTest, RefusesShortKey) {
  SystemClock clock;
  const auto service = TokenService::Create("short", 1h, clock);
  ASSERT_FALSE(service);
  EXPECT_NE(service.error().message.find("32 bytes"), std::string::npos);
}

TEST(TokenServiceTest, IssuedTokenVerifiesWithItsClaims) {
  FakeClock clock(TimePoint{1'800'000'000s});
  const auto service = TokenService::Create(kKey, 1h, clock).value();
  const auto token = service.Issue("user-1", "barber").value();
  const auto claims = service.Verify(token);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->subject, "user-1");
  EXPECT_EQ(claims->role, "barber");
  EXPECT_EQ(claims->expires_at, TimePoint{1'800'003'600s});
}

TEST(TokenServiceTest, ExpiredTokenIsRefused) {
  FakeClock clock(TimePoint{1'800'000'000s});
  const auto service = TokenService::Create(kKey, 1h, clock).value();
  const auto token = service.Issue("user-1", "customer").value();
  clock.Advance(1h);
  const auto claims = service.Verify(token);
  ASSERT_FALSE(claims);
  EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(claims.error().message.find("expired"), std::string::npos);
}

TEST(TokenServiceTest, RememberedTokenStillExpires) {
  FakeClock clock(TimePoint{1'800'000'000s});
  const auto service = TokenService::Create(kKey, 1h, clock).value();
  const auto token = service.Issue("user-1", "customer").value();
  ASSERT_TRUE(service.Verify(token));
  ASSERT_TRUE(service.Verify(token));  // the second check is answered from memory
  clock.Advance(1h);
  const auto claims = service.Verify(token);
  ASSERT_FALSE(claims);
  EXPECT_NE(claims.error().message.find("expired"), std::string::npos);
}

TEST(TokenServiceTest, RememberedTokenIsNotValidUnderAnotherKey) {
  SystemClock clock;
  const auto mine = TokenService::Create(kKey, 1h, clock).value();
  const auto theirs = TokenService::Create(std::string(40, 'x'), 1h, clock).value();
  const auto token = theirs.Issue("user-1", "admin").value();
  ASSERT_TRUE(theirs.Verify(token));
  EXPECT_FALSE(mine.Verify(token));
  EXPECT_FALSE(mine.Verify(token));
}

TEST(TokenServiceTest, ManyTokensStayCorrectPastTheMemoryBound) {
  SystemClock clock;
  const auto service = TokenService::Create(kKey, 1h, clock).value();
  for (int i = 0; i < 9000; ++i) {
    const auto subject = "user-" + std::to_string(i);
    const auto claims = service.Verify(service.Issue(subject, "customer").value());
    ASSERT_TRUE(claims) << i;
    ASSERT_EQ(claims->subject, subject);
  }
}

TEST(TokenServiceTest, TokenSignedWithAnotherKeyIsRefused) {
  SystemClock clock;
  const auto mine = TokenService::Create(kKey, 1h, clock).value();
  const auto theirs = TokenService::Create(std::string(40, 'x'), 1h, clock).value();
  const auto token = theirs.Issue("user-1", "admin").value();
  EXPECT_EQ(mine.Verify(token).error().code, ErrorCode::kUnauthenticated);
}

TEST(TokenServiceTest, TamperedOrMalformedTokensAreRefused) {
  SystemClock clock;
  const auto service = TokenService::Create(kKey, 1h, clock).value();
  auto token = service.Issue("user-1", "customer").value();
  // Flip the role inside the payload: the signature no longer matches.
  const auto first_dot = token.find('.');
  token[first_dot + 5] = token[first_dot + 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(service.Verify(token));
  for (const std::string& bad :
       {std::string(), std::string("abc"), std::string("a.b.c"), std::string(".."), std::string(5000, 'a')}) {
    EXPECT_EQ(service.Verify(bad).error().code, ErrorCode::kUnauthenticated) << bad;
  }
  // alg "none" with no signature.
  EXPECT_FALSE(
      service.Verify("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                     "eyJzdWIiOiJ1c2VyLTEiLCJyb2xlIjoiYWRtaW4iLCJpc3MiOiJiYXJiZXJzaG9wIiwiZXhwIjo0MDAwMDAwMDAwfQ."));
}

TEST(BearerTokenTest, ExtractsTheToken) {
  EXPECT_EQ(BearerToken("Bearer abc.def"), "abc.def");
  EXPECT_EQ(BearerToken("bearer   abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
}

TEST(TokenServiceTest, OnlyThreeBase64UrlSegmentsPass) {
  FakeClock clock(TimePoint{1'800'000'000s});
  const auto service = TokenService::Create(kKey, 1h, clock).value();
  const auto token = service.Issue("user-1", "customer").value();
  EXPECT_TRUE(HasTokenShape(token));
  // The library reads a token as a C string: whatever follows a NUL was never checked,
  // and a NUL or line break passed on in gRPC metadata aborts the process.
  for (const std::string& bad :
       {token + std::string(1, '\0'), token + std::string(1, '\0') + "x", token + "\r\n", " " + token, token + " ",
        token + "=", token + ".x", std::string("a.b"), std::string("..."), std::string("a..c"),
        "a.b.c" + std::string(2000, 'd'), std::string(300, 'a') + ".b.c"}) {
    EXPECT_FALSE(HasTokenShape(bad)) << bad.size();
    const auto claims = service.Verify(bad);
    ASSERT_FALSE(claims);
    EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated);
  }
  EXPECT_TRUE(service.Verify(token)) << "a refused variant must not spoil the real token";
}

}  // namespace
}  // namespace barbershop::common
