#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/tokens.hpp"

namespace barbershop::testing {

/// The token keys of the stack that scripts/test.sh starts: the core's private key file,
/// its key id and the folder of public keys (<kid>.pem) both services read, from
/// BARBERSHOP_TEST_TOKEN_SIGNING_KEY, BARBERSHOP_TEST_TOKEN_SIGNING_KEY_ID and
/// BARBERSHOP_TEST_TOKEN_PUBLIC_KEYS; empty fields when a variable is missing.
struct TokenKeys {
  std::string signing_key_file;
  std::string key_id;
  std::string public_keys_dir;

  static TokenKeys FromEnvironment();
  bool complete() const { return !signing_key_file.empty() && !key_id.empty() && !public_keys_dir.empty(); }
  /// The settings ("NAME=value") that make a core sign and check with these keys.
  std::vector<std::string> CoreSettings() const;
  /// The setting ("NAME=value") that makes a real-time service check with these keys.
  std::string PublicKeysSetting() const;
  /// A signer with the stack's private key, as the core signs; aborts when the keys are
  /// not there (the tests run under make test).
  common::TokenSigner Signer(const common::Clock& clock, std::chrono::seconds lifetime = std::chrono::hours(1)) const;
  /// Tokens for `subject` and `role`, valid from `now` in every claim, that a service of
  /// the stack must refuse, each after what is wrong with it: signed with an HS256
  /// secret; HS256 with the stack's public key as the secret; "none"; a new P-256 key
  /// under a key id nobody knows; a new P-256 key under the stack's key id.
  std::vector<std::pair<std::string, std::string>> ForgedTokens(const std::string& subject, const std::string& role,
                                                                common::TimePoint now) const;
};

/// A fresh EC key pair in PEM (OpenSSL), made in memory: P-256 unless another curve is
/// named.
struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};
KeyPair NewEcKeyPair(const char* curve = "P-256");

/// A token signed by libjwt exactly as asked, for tests of what a verifier refuses:
/// `alg` is "none", "HS256" (with `key` as the secret) or "ES256" (with `key` a private
/// key in PEM); `kid` goes into the header unless empty; `payload` is the claims.
std::string SignRawToken(const std::string& alg, const std::string& key, const std::string& kid,
                         const nlohmann::json& payload);

/// An ES256 token whose payload is `payload` byte for byte (JSON a library would not
/// write, such as a number past 64 bits), signed with `private_pem` under `kid`.
std::string SignPayloadText(const std::string& private_pem, const std::string& kid, std::string_view payload);

/// Claims as the core writes them for `subject` and `role`, valid from `now` for an hour.
nlohmann::json TokenPayload(const std::string& subject, const std::string& role, common::TimePoint now);

}  // namespace barbershop::testing
