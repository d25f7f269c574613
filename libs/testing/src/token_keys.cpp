#include "barbershop/testing/token_keys.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace barbershop::testing {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

std::string Base64Url(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return text;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

TokenKeys TokenKeys::FromEnvironment() {
  return TokenKeys{Env("BARBERSHOP_TEST_TOKEN_SIGNING_KEY"), Env("BARBERSHOP_TEST_TOKEN_SIGNING_KEY_ID"),
                   Env("BARBERSHOP_TEST_TOKEN_PUBLIC_KEYS")};
}

std::vector<std::string> TokenKeys::CoreSettings() const {
  return {"BARBERSHOP_TOKEN_SIGNING_KEY=" + signing_key_file, "BARBERSHOP_TOKEN_SIGNING_KEY_ID=" + key_id,
          PublicKeysSetting()};
}

std::string TokenKeys::PublicKeysSetting() const { return "BARBERSHOP_TOKEN_PUBLIC_KEYS=" + public_keys_dir; }

common::TokenSigner TokenKeys::Signer(const common::Clock& clock, std::chrono::seconds lifetime) const {
  auto pem = common::ReadP256KeyFile(signing_key_file, true);
  auto signer = pem ? common::TokenSigner::Create(*pem, key_id, lifetime, clock) : pem.error();
  if (!signer) {
    std::fprintf(stderr, "the test token keys (BARBERSHOP_TEST_TOKEN_*, set by make test): %s\n",
                 signer.error().message.c_str());
    std::abort();
  }
  return std::move(*signer);
}

std::vector<std::pair<std::string, std::string>> TokenKeys::ForgedTokens(const std::string& subject,
                                                                         const std::string& role,
                                                                         common::TimePoint now) const {
  const auto public_pem = common::ReadP256KeyFile(public_keys_dir + "/" + key_id + ".pem", false);
  if (!public_pem) throw std::runtime_error(public_pem.error().message);
  const auto payload = TokenPayload(subject, role, now);
  const auto stranger = NewEcKeyPair();
  return {
      {"HS256 with a secret", SignRawToken("HS256", std::string(48, 's'), key_id, payload)},
      {"HS256 with the public key as its secret", SignRawToken("HS256", *public_pem, key_id, payload)},
      {"alg none", SignRawToken("none", "", key_id, payload)},
      {"another key under an unknown key id",
       SignRawToken("ES256", stranger.private_pem, "unknown-" + key_id, payload)},
      {"another key under the known key id", SignRawToken("ES256", stranger.private_pem, key_id, payload)},
  };
}

KeyPair NewEcKeyPair(const char* curve) {
  const std::unique_ptr<EVP_PKEY, PkeyDeleter> key(EVP_EC_gen(curve));
  const std::unique_ptr<BIO, BioDeleter> private_bio(BIO_new(BIO_s_mem()));
  const std::unique_ptr<BIO, BioDeleter> public_bio(BIO_new(BIO_s_mem()));
  if (!key || !private_bio || !public_bio ||
      PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(public_bio.get(), key.get()) != 1) {
    throw std::runtime_error(std::string("cannot make a ") + curve + " key pair");
  }
  return KeyPair{BioText(private_bio.get()), BioText(public_bio.get())};
}

std::string SignRawToken(const std::string& alg, const std::string& key, const std::string& kid,
                         const nlohmann::json& payload) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  const std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  const jwt_alg_t algorithm = jwt_str_alg(alg.c_str());
  const auto* key_bytes = key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data());
  if (jwt_add_grants_json(jwt.get(), payload.dump().c_str()) != 0 ||
      (!kid.empty() && jwt_add_header(jwt.get(), "kid", kid.c_str()) != 0) ||
      jwt_set_alg(jwt.get(), algorithm, key_bytes, static_cast<int>(key.size())) != 0) {
    throw std::runtime_error("cannot build a " + alg + " token");
  }
  const std::unique_ptr<char, FreeDeleter> text(jwt_encode_str(jwt.get()));
  if (!text) throw std::runtime_error("cannot sign a " + alg + " token");
  return text.get();
}

std::string SignPayloadText(const std::string& private_pem, const std::string& kid, std::string_view payload) {
  const std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  const std::unique_ptr<EVP_PKEY, PkeyDeleter> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                                                       : nullptr);
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const std::string signed_text =
      Base64Url(nlohmann::json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid}}.dump()) + "." + Base64Url(payload);
  std::size_t der_size = 0;
  if (!key || !context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &der_size, reinterpret_cast<const unsigned char*>(signed_text.data()),
                     signed_text.size()) != 1) {
    throw std::runtime_error("cannot sign a token's text");
  }
  std::string der(der_size, '\0');
  auto* der_bytes = reinterpret_cast<unsigned char*>(der.data());
  if (EVP_DigestSign(context.get(), der_bytes, &der_size, reinterpret_cast<const unsigned char*>(signed_text.data()),
                     signed_text.size()) != 1) {
    throw std::runtime_error("cannot sign a token's text");
  }
  // A JWS carries r then s, 32 bytes each, where OpenSSL writes DER.
  const unsigned char* read = der_bytes;
  const std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> signature(
      d2i_ECDSA_SIG(nullptr, &read, static_cast<long>(der_size)), &ECDSA_SIG_free);
  std::string r_and_s(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(r_and_s.data());
  if (!signature || BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), out + 32, 32) != 32) {
    throw std::runtime_error("cannot read a token's signature");
  }
  return signed_text + "." + Base64Url(r_and_s);
}

nlohmann::json TokenPayload(const std::string& subject, const std::string& role, common::TimePoint now) {
  const long seconds = now.time_since_epoch().count();
  return {{"sub", subject}, {"role", role},   {"iss", common::kTokenIssuer}, {"aud", common::kTokenAudience},
          {"iat", seconds}, {"nbf", seconds}, {"exp", seconds + 3600},       {"sid", "session-1"}};
}

}  // namespace barbershop::testing
