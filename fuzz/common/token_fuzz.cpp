// Tokens as clients send them: an authorization header value and the JSON Web Token in
// it, checked against one public key (key id "fuzz") and a clock that stands still.  The
// first byte picks what the rest is:
//   0: an authorization header value;
//   1: a token as text;
//   2: a header and a payload (JSON, cut where the first newline is) that the fuzz
//      target signs with the private key (ES256, whatever the header says), so that the
//      checks after the signature see them.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "barbershop/common/tokens.hpp"
#include "check.hpp"

namespace {

using barbershop::fuzz::NoThrow;
using barbershop::fuzz::Require;
namespace common = barbershop::common;

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

/// The fuzz target's key pair, made once per run.
EVP_PKEY* Key() {
  static EVP_PKEY* const key = EVP_EC_gen("P-256");
  return key;
}

std::string PublicPem() {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, Key());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

/// header.payload signed with ES256 as JOSE writes it: r and s, 32 bytes each.
std::string Signed(std::string_view header, std::string_view payload) {
  std::string token = Base64Url(header) + "." + Base64Url(payload);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  unsigned char der[128];
  std::size_t der_size = sizeof der;
  EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, Key());
  EVP_DigestSign(context, der, &der_size, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  EVP_MD_CTX_free(context);
  const unsigned char* in = der;
  ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der_size));
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(signature), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(signature), raw + 32, 32);
  ECDSA_SIG_free(signature);
  return token + "." + Base64Url(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

void Check(const common::TokenVerifier& tokens, const std::string& token) {
  const auto claims = tokens.Verify(token);
  if (!claims) {
    Require(claims.error().code == common::ErrorCode::kUnauthenticated, "a refused token is unauthenticated");
    return;
  }
  Require(!claims->subject.empty(), "a valid token names its bearer");
  Require(claims->expires_at + common::kTokenLeeway > kClock.Now(), "a valid token has not expired");
  const auto again = tokens.Verify(token);  // answered from memory
  Require(again && again->subject == claims->subject && again->role == claims->role &&
              again->expires_at == claims->expires_at,
          "a remembered token says what it said the first time");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // A new verifier for every input: what one input leaves in the memory of checked
  // tokens must not decide what another does.
  static const std::string public_pem = PublicPem();
  const auto tokens = *common::TokenVerifier::Create({{"fuzz", public_pem}}, kClock);
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
