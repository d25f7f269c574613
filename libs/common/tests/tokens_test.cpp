#include "barbershop/common/tokens.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include "barbershop/testing/token_keys.hpp"

namespace barbershop::common {
namespace {

using namespace std::chrono_literals;
using ::barbershop::testing::KeyPair;
using ::barbershop::testing::NewEcKeyPair;
using ::barbershop::testing::SignPayloadText;
using ::barbershop::testing::SignRawToken;
using ::barbershop::testing::TokenPayload;

constexpr TimePoint kNow{1'800'000'000s};

// Made once: key generation is the slow part of a test.
const KeyPair& KeyA() {
  static const KeyPair pair = NewEcKeyPair();
  return pair;
}
const KeyPair& KeyB() {
  static const KeyPair pair = NewEcKeyPair();
  return pair;
}

class TokensTest : public ::testing::Test {
 protected:
  TokenSigner Signer(const KeyPair& pair, const std::string& kid, std::chrono::seconds lifetime = 1h) {
    return TokenSigner::Create(pair.private_pem, kid, lifetime, clock_).value();
  }
  TokenVerifier Verifier(const std::map<std::string, std::string>& keys) {
    return TokenVerifier::Create(keys, clock_).value();
  }
  /// A token signed with key A under `kid` whose claims `change` adjusts.
  std::string Raw(const std::function<void(nlohmann::json&)>& change, const std::string& kid = "a") {
    auto payload = TokenPayload("user-1", "admin", clock_.Now());
    change(payload);
    return SignRawToken("ES256", KeyA().private_pem, kid, payload);
  }
  static void ExpectRefused(const Result<Claims>& claims, const std::string& why) {
    ASSERT_FALSE(claims) << why;
    EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated) << why;
  }

  FakeClock clock_{kNow};
  TokenVerifier verifier_ = Verifier({{"a", KeyA().public_pem}});
  TokenSigner signer_ = Signer(KeyA(), "a");
};

TEST_F(TokensTest, IssuedTokenVerifiesWithItsClaims) {
  const auto issued = signer_.IssueToken("user-1", "barber", "session-1").value();
  EXPECT_EQ(issued.expires_at, kNow + 1h);
  const auto claims = verifier_.Verify(issued.token);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "user-1");
  EXPECT_EQ(claims->role, "barber");
  EXPECT_EQ(claims->expires_at, kNow + 1h);
  EXPECT_EQ(claims->session_id, "session-1");
  // The header names the algorithm and the key; the signature is JOSE's 64 bytes.
  EXPECT_EQ(issued.token.substr(issued.token.rfind('.') + 1).size(), 86u);
  EXPECT_TRUE(verifier_.Verify(SignRawToken("ES256", KeyA().private_pem, "a", TokenPayload("u", "customer", kNow))));
}

TEST_F(TokensTest, TokensOfEveryKnownKeyVerify) {
  // Rotation: both public keys are known while tokens of either key are out there.
  const auto both = Verifier({{"a", KeyA().public_pem}, {"b", KeyB().public_pem}});
  EXPECT_TRUE(both.Verify(signer_.Issue("user-1", "customer", "session-1").value()));
  EXPECT_TRUE(both.Verify(Signer(KeyB(), "b").Issue("user-2", "customer", "session-1").value()));
  EXPECT_TRUE(CheckSignerAgainstVerifier(Signer(KeyB(), "b"), both));
}

TEST_F(TokensTest, AKeyIdOfAnotherKeyIsRefused) {
  const auto both = Verifier({{"a", KeyA().public_pem}, {"b", KeyB().public_pem}});
  // Signed with key B but naming key A, and the other way round.
  ExpectRefused(both.Verify(Signer(KeyB(), "a").Issue("user-1", "admin", "session-1").value()),
                "B's token under kid a");
  ExpectRefused(both.Verify(Signer(KeyA(), "b").Issue("user-1", "admin", "session-1").value()),
                "A's token under kid b");
  const auto status = CheckSignerAgainstVerifier(Signer(KeyB(), "a"), both);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("does not match"), std::string::npos) << status.error().message;
}

TEST_F(TokensTest, AnUnknownOrMissingKeyIdIsRefused) {
  ExpectRefused(verifier_.Verify(Signer(KeyA(), "elsewhere").Issue("user-1", "admin", "session-1").value()),
                "unknown kid");
  ExpectRefused(verifier_.Verify(Raw([](auto&) {}, "")), "no kid");
  const auto status = CheckSignerAgainstVerifier(Signer(KeyA(), "elsewhere"), verifier_);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("has no public key"), std::string::npos) << status.error().message;
}

TEST_F(TokensTest, OtherAlgorithmsAreRefused) {
  const auto payload = TokenPayload("user-1", "admin", kNow);
  ExpectRefused(verifier_.Verify(SignRawToken("HS256", std::string(48, 's'), "a", payload)), "HS256 with a secret");
  // Algorithm confusion: the public key, which everyone may know, as the HMAC secret.
  ExpectRefused(verifier_.Verify(SignRawToken("HS256", KeyA().public_pem, "a", payload)), "HS256 with the public key");
  ExpectRefused(verifier_.Verify(SignRawToken("none", "", "a", payload)), "alg none");
  ExpectRefused(
      verifier_.Verify("eyJhbGciOiJub25lIiwidHlwIjoiSldUIiwia2lkIjoiYSJ9."
                       "eyJzdWIiOiJ1c2VyLTEiLCJyb2xlIjoiYWRtaW4iLCJpc3MiOiJiYXJiZXJzaG9wIiwiZXhwIjo0MDAwMDAwMDAwfQ.x"),
      "alg none, written by hand");
}

TEST_F(TokensTest, ExpiryIsCheckedWithALeeway) {
  const auto token = signer_.Issue("user-1", "customer", "session-1").value();
  clock_.Advance(1h + kTokenLeeway - 1s);
  EXPECT_TRUE(verifier_.Verify(token)) << "within the leeway after exp";
  clock_.Advance(1s);
  const auto claims = verifier_.Verify(token);
  ExpectRefused(claims, "expired");
  EXPECT_NE(claims.error().message.find("expired"), std::string::npos);
  // Decoded afresh, the same holds.
  ExpectRefused(Verifier({{"a", KeyA().public_pem}}).Verify(token), "expired, not remembered");
}

TEST_F(TokensTest, TokensFromTheFutureAreRefusedBeyondTheLeeway) {
  const long now = kNow.time_since_epoch().count();
  const long leeway = kTokenLeeway.count();
  EXPECT_TRUE(verifier_.Verify(Raw([&](auto& p) { p["nbf"] = now + leeway; })));
  EXPECT_TRUE(verifier_.Verify(Raw([&](auto& p) { p["iat"] = now + leeway; })));
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["nbf"] = now + leeway + 1; })), "nbf in the future");
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["iat"] = now + leeway + 1; })), "iat in the future");
}

TEST_F(TokensTest, EveryClaimMustBeThereAndRight) {
  EXPECT_TRUE(verifier_.Verify(Raw([](auto&) {})));
  ExpectRefused(verifier_.Verify(Raw([](auto& p) { p["iss"] = "someone-else"; })), "wrong iss");
  ExpectRefused(verifier_.Verify(Raw([](auto& p) { p["aud"] = "another-service"; })), "wrong aud");
  ExpectRefused(verifier_.Verify(Raw([](auto& p) { p["sub"] = ""; })), "empty sub");
  ExpectRefused(verifier_.Verify(Raw([](auto& p) { p["sid"] = ""; })), "empty sid");
  for (const char* claim : {"sub", "role", "sid", "iss", "aud", "exp", "nbf", "iat"}) {
    ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p.erase(claim); })), std::string("without ") + claim);
  }
  ExpectRefused(verifier_.Verify(Raw([](auto& p) { p["exp"] = "tomorrow"; })), "exp not a number");
}

TEST_F(TokensTest, RememberedTokenStillExpires) {
  const auto token = signer_.Issue("user-1", "customer", "session-1").value();
  ASSERT_TRUE(verifier_.Verify(token));
  ASSERT_TRUE(verifier_.Verify(token));  // the second check is answered from memory
  clock_.Advance(1h + kTokenLeeway);
  const auto claims = verifier_.Verify(token);
  ExpectRefused(claims, "expired");
  EXPECT_NE(claims.error().message.find("expired"), std::string::npos);
}

TEST_F(TokensTest, RememberedTokenIsNotValidUnderAnotherKey) {
  const auto theirs = Verifier({{"a", KeyB().public_pem}});
  const auto token = Signer(KeyB(), "a").Issue("user-1", "admin", "session-1").value();
  ASSERT_TRUE(theirs.Verify(token));
  ExpectRefused(verifier_.Verify(token), "another key");
  ExpectRefused(verifier_.Verify(token), "another key, twice");
}

TEST_F(TokensTest, ManyTokensStayCorrectPastTheMemoryBound) {
  const auto small = TokenVerifier::Create({{"a", KeyA().public_pem}}, clock_, 16).value();
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i)
    tokens.push_back(signer_.Issue("user-" + std::to_string(i), "customer", "session-1").value());
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const auto claims = small.Verify(tokens[i]);
      ASSERT_TRUE(claims) << i;
      ASSERT_EQ(claims->subject, "user-" + std::to_string(i));
    }
  }
  clock_.Advance(1h + kTokenLeeway);
  for (const auto& token : tokens) ExpectRefused(small.Verify(token), "expired, remembered or not");
}

TEST_F(TokensTest, TamperedOrMalformedTokensAreRefused) {
  const auto token = signer_.Issue("user-1", "customer", "session-1").value();
  // Change the payload: the signature no longer matches.
  const auto first_dot = token.find('.');
  for (const std::size_t at : {first_dot + 5, first_dot + 20, token.rfind('.') - 3}) {
    auto tampered = token;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    ExpectRefused(verifier_.Verify(tampered), "tampered at " + std::to_string(at));
  }
  // A header that is not JSON, or not an object.
  ExpectRefused(verifier_.Verify("bm90LWpzb24" + token.substr(first_dot)), "header not JSON");
  ExpectRefused(verifier_.Verify("WzFd" + token.substr(first_dot)), "header an array");
  for (const std::string& bad :
       {std::string(), std::string("abc"), std::string("a.b.c"), std::string(".."), std::string(5000, 'a')}) {
    ExpectRefused(verifier_.Verify(bad), bad);
  }
  EXPECT_TRUE(verifier_.Verify(token)) << "a refused variant must not spoil the real token";
}

TEST_F(TokensTest, TheSignatureIsTheSixtyFourBytesOfR_AndS) {
  const auto token = signer_.Issue("user-1", "customer", "session-1").value();
  const auto signed_text = token.substr(0, token.rfind('.') + 1);
  const auto signature = token.substr(token.rfind('.') + 1);
  ASSERT_EQ(signature.size(), 86u) << "64 bytes in unpadded base64url";
  ExpectRefused(verifier_.Verify(signed_text + signature.substr(0, 82)), "61 bytes");
  ExpectRefused(verifier_.Verify(signed_text + signature + "AAAA"), "67 bytes");
  ExpectRefused(verifier_.Verify(signed_text + std::string(86, 'A')), "r and s zero");
  ExpectRefused(verifier_.Verify(signed_text + signature.substr(43) + signature.substr(0, 43)), "halves swapped");
  // The last of 86 characters carries two bits of the signature and four spare ones, which
  // must be zero: the same 64 bytes spelled with a spare bit set are not the signature
  // the signer wrote.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto last = alphabet.find(signature.back());
  ASSERT_EQ(last % 16, 0u) << "the signer leaves the spare bits zero";
  ExpectRefused(verifier_.Verify(signed_text + signature.substr(0, 85) + alphabet[last + 1]), "a spare bit set");
  EXPECT_TRUE(verifier_.Verify(token));
}

TEST_F(TokensTest, TimesAreWholeSecondsAndNamesAreStrings) {
  const long now = kNow.time_since_epoch().count();
  EXPECT_TRUE(verifier_.Verify(Raw([&](auto& p) { p["exp"] = now + 60; })));
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["exp"] = static_cast<double>(now + 60); })), "exp a fraction");
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["nbf"] = static_cast<double>(now); })), "nbf a fraction");
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["sub"] = 42; })), "sub a number");
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["aud"] = nlohmann::json::array({kTokenAudience}); })),
                "aud a list");
}

// Times are 64-bit counts of seconds: the largest passes without overflowing when the
// leeway is applied, one past it is refused, and the smallest has long expired.
TEST_F(TokensTest, TimesAtTheEndsOfA64BitCountNeitherOverflowNorPass) {
  constexpr std::int64_t kLargest = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kSmallest = std::numeric_limits<std::int64_t>::min();
  const auto far = verifier_.Verify(Raw([&](auto& p) { p["exp"] = kLargest; }));
  ASSERT_TRUE(far) << "an expiry at the end of a 64-bit count has not passed";
  EXPECT_EQ(far->expires_at.time_since_epoch().count(), kLargest);
  auto past = TokenPayload("user-1", "admin", clock_.Now());
  past.erase("exp");
  const std::string past_text = past.dump().insert(1, R"("exp":9223372036854775808,)");
  const std::string largest_text = past.dump().insert(1, R"("exp":9223372036854775807,)");
  EXPECT_TRUE(verifier_.Verify(SignPayloadText(KeyA().private_pem, "a", largest_text))) << "signed as written";
  // Refused as not valid, not read as a negative count that has expired.
  const auto past_claims = verifier_.Verify(SignPayloadText(KeyA().private_pem, "a", past_text));
  ExpectRefused(past_claims, "exp past a 64-bit count");
  EXPECT_EQ(past_claims.error().message, "the token is not valid");
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["exp"] = kSmallest; })), "exp at the start of a 64-bit count");
  EXPECT_TRUE(verifier_.Verify(Raw([&](auto& p) { p["nbf"] = kSmallest; })));
  ExpectRefused(verifier_.Verify(Raw([&](auto& p) { p["nbf"] = kLargest; })), "nbf at the end of a 64-bit count");
}

TEST_F(TokensTest, OnlyThreeBase64UrlSegmentsPass) {
  const auto token = signer_.Issue("user-1", "customer", "session-1").value();
  EXPECT_TRUE(HasTokenShape(token));
  // The library reads a token as a C string: whatever follows a NUL was never checked,
  // and a NUL or line break passed on in gRPC metadata aborts the process.
  for (const std::string& bad :
       {token + std::string(1, '\0'), token + std::string(1, '\0') + "x", token + "\r\n", " " + token, token + " ",
        token + "=", token + ".x", std::string("a.b"), std::string("..."), std::string("a..c"),
        "a.b.c" + std::string(2000, 'd'), std::string(300, 'a') + ".b.c"}) {
    EXPECT_FALSE(HasTokenShape(bad)) << bad.size();
    ExpectRefused(verifier_.Verify(bad), "bad shape");
  }
  EXPECT_TRUE(verifier_.Verify(token));
}

TEST_F(TokensTest, SignerRefusesWhatIsNotAP256PrivateKey) {
  for (const auto& [pem, kid, why] : {std::tuple{KeyA().public_pem, std::string("a"), "a public key"},
                                      std::tuple{std::string("not a key"), std::string("a"), "no PEM"},
                                      std::tuple{KeyA().private_pem, std::string(""), "an empty kid"},
                                      std::tuple{KeyA().private_pem, std::string("a/b"), "a kid with a slash"}}) {
    EXPECT_FALSE(TokenSigner::Create(pem, kid, 1h, clock_)) << why;
  }
  EXPECT_FALSE(TokenSigner::Create(KeyA().private_pem, "a", 0s, clock_));
  EXPECT_FALSE(TokenVerifier::Create({}, clock_));
  EXPECT_FALSE(TokenVerifier::Create({{"a", KeyA().private_pem}}, clock_));
}

TEST(BearerTokenTest, ExtractsTheToken) {
  EXPECT_EQ(BearerToken("Bearer abc.def"), "abc.def");
  EXPECT_EQ(BearerToken("bearer   abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
}

TEST(KeyIdTest, NamesAFile) {
  EXPECT_TRUE(IsValidKeyId("dev-20261202"));
  EXPECT_TRUE(IsValidKeyId("core_2026.12"));
  for (const char* bad : {"", ".hidden", "a/b", "a b", "ключ"}) EXPECT_FALSE(IsValidKeyId(bad)) << bad;
  EXPECT_FALSE(IsValidKeyId(std::string(65, 'k')));
}

/// A folder of its own under the test's temporary folder, removed at the end.
class KeyFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("barbershop-keys-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "public");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::filesystem::path& file, const std::string& text) { std::ofstream(dir_ / file) << text; }
  static void ExpectErrorMentions(const Error& error, const std::string& words) {
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
    EXPECT_NE(error.message.find(words), std::string::npos) << error.message;
  }

  std::filesystem::path dir_;
  FakeClock clock_{kNow};
};

TEST_F(KeyFilesTest, ReadsAFolderOfPublicKeysByKeyId) {
  Write("public/dev-1.pem", KeyA().public_pem);
  Write("public/dev-2.pem", KeyB().public_pem);
  Write("public/README", "not a key, not read");
  std::filesystem::create_directories(dir_ / "public" / "..data");
  const auto keys = ReadPublicKeyDirectory(dir_ / "public");
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->at("dev-1"), KeyA().public_pem);
  Write("signing.pem", KeyB().private_pem);
  const auto pem = ReadP256KeyFile(dir_ / "signing.pem", true);
  ASSERT_TRUE(pem) << pem.error().message;
  const auto signer = TokenSigner::Create(*pem, "dev-2", 1h, clock_).value();
  const auto verifier = TokenVerifier::FromDirectory(dir_ / "public", clock_).value();
  EXPECT_TRUE(CheckSignerAgainstVerifier(signer, verifier));
}

TEST_F(KeyFilesTest, SaysWhatIsWrongWithAKeyFile) {
  ExpectErrorMentions(ReadP256KeyFile(dir_ / "missing.pem", true).error(), "does not exist");
  const auto p384 = NewEcKeyPair("P-384");
  Write("p384.pem", p384.public_pem);
  ExpectErrorMentions(ReadP256KeyFile(dir_ / "p384.pem", false).error(), "not an EC P-256 key");
  Write("p384-private.pem", p384.private_pem);
  ExpectErrorMentions(ReadP256KeyFile(dir_ / "p384-private.pem", true).error(), "not an EC P-256 key");
  Write("private.pem", KeyA().private_pem);
  ExpectErrorMentions(ReadP256KeyFile(dir_ / "private.pem", false).error(), "private key where a public key");
  Write("public.pem", KeyA().public_pem);
  ExpectErrorMentions(ReadP256KeyFile(dir_ / "public.pem", true).error(), "not a PEM private key");
  Write("garbage.pem", "garbage");
  ExpectErrorMentions(ReadP256KeyFile(dir_ / "garbage.pem", false).error(), "not a PEM public key");
}

TEST_F(KeyFilesTest, SaysWhatIsWrongWithAPublicKeyFolder) {
  ExpectErrorMentions(ReadPublicKeyDirectory(dir_ / "missing").error(), "does not exist");
  ExpectErrorMentions(ReadPublicKeyDirectory(dir_ / "public").error(), "holds no public key");
  Write("public/dev-1.pem", KeyA().private_pem);
  ExpectErrorMentions(ReadPublicKeyDirectory(dir_ / "public").error(), "private key where a public key");
  Write("public/dev-1.pem", KeyA().public_pem);
  Write("public/a key.pem", KeyB().public_pem);
  ExpectErrorMentions(ReadPublicKeyDirectory(dir_ / "public").error(), "not a key id");
}

TEST(RefreshTokenTest, IsRandomAndOnlyItsHashIsKept) {
  const auto a = NewRefreshToken();
  const auto b = NewRefreshToken();
  EXPECT_NE(a.text, b.text);
  EXPECT_TRUE(HasRefreshTokenShape(a.text));
  EXPECT_EQ(a.hash, RefreshTokenHash(a.text));
  EXPECT_NE(a.hash, b.hash);
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_EQ(a.hash.find(a.text), std::string::npos);
  // SHA-256 of "abc", as FIPS 180-2 gives it.
  EXPECT_EQ(RefreshTokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RefreshTokenTest, ShapeIsFortyThreeBase64UrlCharacters) {
  EXPECT_FALSE(HasRefreshTokenShape(""));
  EXPECT_FALSE(HasRefreshTokenShape(std::string(42, 'a')));
  EXPECT_FALSE(HasRefreshTokenShape(std::string(44, 'a')));
  EXPECT_TRUE(HasRefreshTokenShape(std::string(43, '-')));
  EXPECT_FALSE(HasRefreshTokenShape(std::string(42, 'a') + "="));
  EXPECT_FALSE(HasRefreshTokenShape(std::string(42, 'a') + "+"));
}

}  // namespace
}  // namespace barbershop::common
