#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// What a token says about its bearer.
struct Claims {
  std::string subject;  ///< the user id
  std::string role;     ///< "customer", "barber" or "admin"
  TimePoint expires_at;
  std::string session_id;  ///< "sid": the login session the token belongs to
};

/// Who issues the tokens ("iss") and for whom ("aud"); a token naming anything else is
/// refused.
inline constexpr const char* kTokenIssuer = "barbershop-core";
inline constexpr const char* kTokenAudience = "barbershop";

/// How far a token's times may be off the verifier's clock: a token is still accepted
/// this long after its "exp", and this long before its "nbf" or "iat".
inline constexpr std::chrono::seconds kTokenLeeway{30};

/// Whether `key_id` can name a key: 1 to 64 letters, digits, '.', '_' or '-', not starting
/// with '.' (it is also a file name, `<kid>.pem`).
bool IsValidKeyId(std::string_view key_id);

/// The text of a PEM file holding an EC P-256 private key (`private_key`) or public key;
/// a clear kInvalidArgument naming the file when it is missing, unreadable, not a P-256
/// key, or a private key where a public one is expected.
Result<std::string> ReadP256KeyFile(const std::filesystem::path& file, bool private_key);

/// The public keys in `directory`: every `<kid>.pem` file there, by kid (the file name
/// without `.pem`).  Fails when the folder is missing, holds no such file, or one of them
/// is not a P-256 public key.
Result<std::map<std::string, std::string>> ReadPublicKeyDirectory(const std::filesystem::path& directory);

/// Issues ES256 JSON Web Tokens (libjwt) with the core's private key; the key id travels
/// in the header ("kid") so that a verifier picks the matching public key.  Thread-safe.
class TokenSigner {
 public:
  /// `private_pem`: an EC P-256 private key in PEM.  Fails on another key, an invalid key
  /// id or a lifetime that is not positive.
  static Result<TokenSigner> Create(std::string private_pem, std::string key_id, std::chrono::seconds lifetime,
                                    const Clock& clock);

  /// A token and the time it expires.
  struct Issued {
    std::string token;
    TimePoint expires_at;
  };
  /// A token for `subject` acting as `role` within the login session `session_id`.
  Result<Issued> IssueToken(const std::string& subject, const std::string& role, const std::string& session_id) const;
  Result<std::string> Issue(const std::string& subject, const std::string& role, const std::string& session_id) const;

  const std::string& key_id() const { return key_id_; }
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  TokenSigner(std::string private_pem, std::string key_id, std::chrono::seconds lifetime, const Clock& clock)
      : private_pem_(std::move(private_pem)), key_id_(std::move(key_id)), lifetime_(lifetime), clock_(&clock) {}

  std::string private_pem_;
  std::string key_id_;
  std::chrono::seconds lifetime_;
  const Clock* clock_;
};

/// Checks ES256 tokens against a set of public keys by key id.  Thread-safe.
///
/// Only ES256 with a known "kid" is checked at all: the header is read first, and any
/// other algorithm (HS256 with the public key as its secret, "none") is refused before
/// the signature is looked at.  Then the signature (OpenSSL, with the key parsed once
/// when the verifier was made), "iss", "aud", "exp", "nbf" and "iat" (none in the
/// future beyond kTokenLeeway), and a session id ("sid").
///
/// A client sends the same token with every call, so tokens whose signature checked out
/// are remembered (a bounded set, keyed by the whole token text, signature included);
/// expiry is still checked against the clock on every call.
class TokenVerifier {
 public:
  /// How many verified tokens are remembered before the memory starts over.
  static constexpr std::size_t kRememberedTokens = 8192;

  /// `public_pems`: EC P-256 public keys in PEM by key id; at least one.
  static Result<TokenVerifier> Create(const std::map<std::string, std::string>& public_pems, const Clock& clock,
                                      std::size_t remembered = kRememberedTokens);
  /// The keys of ReadPublicKeyDirectory(directory).
  static Result<TokenVerifier> FromDirectory(const std::filesystem::path& directory, const Clock& clock);

  /// kUnauthenticated when the token is not of a token's shape (HasTokenShape), names
  /// another algorithm or an unknown key, is signed with another key, is not for this
  /// issuer and audience, is not valid yet, or expired.
  Result<Claims> Verify(const std::string& token) const;

  bool HasKey(const std::string& key_id) const;

 private:
  /// Tokens whose signature and claims were valid; cleared when it reaches its bound.
  struct VerifiedTokens {
    explicit VerifiedTokens(std::size_t bound) : max_entries(bound) {}
    const std::size_t max_entries;
    std::mutex mutex;
    std::unordered_map<std::string, Claims> claims;
  };

  struct PublicKeys;

  TokenVerifier(std::shared_ptr<const PublicKeys> keys, const Clock& clock, std::size_t remembered)
      : keys_(std::move(keys)), clock_(&clock), verified_(std::make_shared<VerifiedTokens>(remembered)) {}
  /// Checks a token of HasTokenShape's shape.
  Result<Claims> Decode(std::string_view token) const;

  std::shared_ptr<const PublicKeys> keys_;
  const Clock* clock_;
  std::shared_ptr<VerifiedTokens> verified_;
};

/// Whether `verifier` accepts what `signer` issues: it has a public key under the
/// signer's key id, and that key checks a token signed now.  What the core runs at start.
Status CheckSignerAgainstVerifier(const TokenSigner& signer, const TokenVerifier& verifier);

/// Bounds of a token's three base64url segments, in bytes.
inline constexpr std::size_t kMaxTokenHeaderBytes = 256;
inline constexpr std::size_t kMaxTokenPayloadBytes = 1024;
inline constexpr std::size_t kMaxTokenSignatureBytes = 512;

/// Whether `token` is three base64url segments (header.payload.signature) within those
/// bounds, and nothing else: no padding, spaces, control characters or NUL.  Checked
/// before a token is used in any way.
bool HasTokenShape(std::string_view token);

/// A refresh token: 32 random bytes in base64url (43 characters).  Only its hash is
/// stored, so a copy of the database gives no one a working token.
struct RefreshToken {
  std::string text;  ///< handed to the client, once
  std::string hash;  ///< RefreshTokenHash(text), what the database keeps
};
inline constexpr std::size_t kRefreshTokenLength = 43;
/// A new refresh token from the system's random source (libsodium).
RefreshToken NewRefreshToken();
/// SHA-256 of the token, in lower-case hex.  A token is random and 256 bits long, so a
/// fast hash suffices: there is no password to guess behind it.
std::string RefreshTokenHash(std::string_view text);
/// Whether `text` is 43 base64url characters, as every refresh token is.
bool HasRefreshTokenShape(std::string_view text);

/// The token in an "authorization: Bearer <token>" value, or empty.
std::string BearerToken(std::string_view authorization);

}  // namespace barbershop::common
