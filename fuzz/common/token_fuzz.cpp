// Tokens as clients send them: an authorization header value and the JSON Web Token in
// it, checked against a fixed key and a clock that stands still.  The first byte picks
// what the rest is:
//   0: an authorization header value;
//   1: a token as text;
//   2: a header and a payload (JSON, cut where the first newline is) that the fuzz
//      target signs with the key, so that the checks after the signature see them.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "barbershop/common/tokens.hpp"
#include "check.hpp"

namespace {

using barbershop::fuzz::NoThrow;
using barbershop::fuzz::Require;
namespace common = barbershop::common;

const std::string kKey(40, 'k');
const common::FakeClock kClock(common::TimePoint{std::chrono::seconds{1'800'000'000}});

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3F];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3F];
  return out;
}

std::string Signed(std::string_view header, std::string_view payload) {
  std::string token = Base64Url(header) + "." + Base64Url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()), reinterpret_cast<const unsigned char*>(token.data()),
       token.size(), mac, &mac_size);
  return token + "." + Base64Url(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
}

void Check(const common::TokenService& tokens, const std::string& token) {
  const auto claims = tokens.Verify(token);
  if (!claims) {
    Require(claims.error().code == common::ErrorCode::kUnauthenticated, "a refused token is unauthenticated");
    return;
  }
  Require(!claims->subject.empty(), "a valid token names its bearer");
  Require(claims->expires_at > kClock.Now(), "a valid token has not expired");
  const auto again = tokens.Verify(token);  // answered from memory
  Require(again && again->subject == claims->subject && again->role == claims->role &&
              again->expires_at == claims->expires_at,
          "a remembered token says what it said the first time");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // A new service for every input: what one input leaves in the memory of checked
  // tokens must not decide what another does.
  const auto tokens = *common::TokenService::Create(kKey, std::chrono::hours{1}, kClock);
  NoThrow("checking a token", [&] {
    switch (data[0] % 3) {
      case 0: {
        const auto token = common::BearerToken(rest);
        Require(token.empty() || (token.size() < rest.size() && token.front() != ' '), "the token is inside the value");
        if (!token.empty()) Check(tokens, token);
        break;
      }
      case 1:
        Check(tokens, std::string(rest));
        break;
      default: {
        const auto cut = rest.find('\n');
        const auto header = rest.substr(0, cut);
        const auto payload = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
        Check(tokens, Signed(header, payload));
        break;
      }
    }
  });
  return 0;
}
