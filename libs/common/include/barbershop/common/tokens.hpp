#pragma once

#include <chrono>
#include <cstddef>
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
};

/// Signs and checks HS256 JSON Web Tokens (libjwt).  Thread-safe.
///
/// A client sends the same token with every call, so tokens whose signature checked out
/// are remembered (a bounded set, keyed by the whole token text, signature included);
/// expiry is still checked against the clock on every call.
class TokenService {
 public:
  /// Fails unless the key has at least 32 bytes.
  static Result<TokenService> Create(std::string key, std::chrono::seconds lifetime, const Clock& clock);

  Result<std::string> Issue(const std::string& subject, const std::string& role) const;
  /// kUnauthenticated when the token is not of a token's shape (HasTokenShape), is
  /// signed with another key or algorithm, or expired.
  Result<Claims> Verify(const std::string& token) const;

  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  /// Tokens whose signature and claims were valid; cleared when it reaches its bound.
  struct VerifiedTokens {
    static constexpr std::size_t kMaxEntries = 8192;
    std::mutex mutex;
    std::unordered_map<std::string, Claims> claims;
  };

  TokenService(std::string key, std::chrono::seconds lifetime, const Clock& clock)
      : key_(std::move(key)), lifetime_(lifetime), clock_(&clock), verified_(std::make_shared<VerifiedTokens>()) {}
  Result<Claims> Decode(const std::string& token) const;

  std::string key_;
  std::chrono::seconds lifetime_;
  const Clock* clock_;
  std::shared_ptr<VerifiedTokens> verified_;
};

/// Bounds of a token's three base64url segments, in bytes.
inline constexpr std::size_t kMaxTokenHeaderBytes = 256;
inline constexpr std::size_t kMaxTokenPayloadBytes = 1024;
inline constexpr std::size_t kMaxTokenSignatureBytes = 512;

/// Whether `token` is three base64url segments (header.payload.signature) within those
/// bounds, and nothing else: no padding, spaces, control characters or NUL.  Checked
/// before a token is used in any way.
bool HasTokenShape(std::string_view token);

/// The token in an "authorization: Bearer <token>" value, or empty.
std::string BearerToken(std::string_view authorization);

}  // namespace barbershop::common
