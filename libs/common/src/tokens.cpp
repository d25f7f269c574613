#include "barbershop/common/tokens.hpp"

#include <jwt.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <optional>

namespace barbershop::common {
namespace {

constexpr const char* kIssuer = "barbershop";

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

Error Unauthenticated(const char* why) { return MakeError(ErrorCode::kUnauthenticated, why); }

bool IsBase64UrlSegment(std::string_view segment, std::size_t max_bytes) {
  if (segment.empty() || segment.size() > max_bytes) return false;
  for (const char c : segment) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<TokenService> TokenService::Create(std::string key, std::chrono::seconds lifetime, const Clock& clock) {
  if (key.size() < 32) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the token signing key must be at least 32 bytes (set BARBERSHOP_JWT_SECRET)");
  }
  if (lifetime <= std::chrono::seconds{0}) {
    return MakeError(ErrorCode::kInvalidArgument, "the token lifetime must be positive");
  }
  return TokenService(std::move(key), lifetime, clock);
}

Result<std::string> TokenService::Issue(const std::string& subject, const std::string& role) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return MakeError(ErrorCode::kInternal, "cannot create a token");
  JwtPtr jwt(raw);
  const auto now = clock_->Now().time_since_epoch().count();
  const auto exp = now + lifetime_.count();
  if (jwt_add_grant(jwt.get(), "sub", subject.c_str()) != 0 || jwt_add_grant(jwt.get(), "role", role.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "iss", kIssuer) != 0 || jwt_add_grant_int(jwt.get(), "iat", now) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", exp) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key_.data()),
                  static_cast<int>(key_.size())) != 0) {
    return MakeError(ErrorCode::kInternal, "cannot create a token");
  }
  std::unique_ptr<char, FreeDeleter> text(jwt_encode_str(jwt.get()));
  if (!text) return MakeError(ErrorCode::kInternal, "cannot create a token");
  return std::string(text.get());
}

bool HasTokenShape(std::string_view token) {
  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return false;
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return false;
  return IsBase64UrlSegment(token.substr(0, first_dot), kMaxTokenHeaderBytes) &&
         IsBase64UrlSegment(token.substr(first_dot + 1, second_dot - first_dot - 1), kMaxTokenPayloadBytes) &&
         IsBase64UrlSegment(token.substr(second_dot + 1), kMaxTokenSignatureBytes);
}

Result<Claims> TokenService::Verify(const std::string& token) const {
  if (token.empty()) return Unauthenticated("a token is required: log in and send 'authorization: Bearer <token>'");
  // Nothing but the three segments goes further: not to the JWT library, not into the
  // metadata of a call that passes the token on.
  if (!HasTokenShape(token)) return Unauthenticated("the token is not valid");
  std::optional<Claims> known;
  {
    const std::lock_guard lock(verified_->mutex);
    const auto it = verified_->claims.find(token);
    if (it != verified_->claims.end()) known = it->second;
  }
  if (!known) {
    auto decoded = Decode(token);
    if (!decoded) return decoded.error();
    known = std::move(*decoded);
    const std::lock_guard lock(verified_->mutex);
    if (verified_->claims.size() >= VerifiedTokens::kMaxEntries) verified_->claims.clear();
    verified_->claims.emplace(token, *known);
  }
  if (clock_->Now() >= known->expires_at) return Unauthenticated("the token has expired: log in again");
  return std::move(*known);
}

Result<Claims> TokenService::Decode(const std::string& token) const {
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key_.data()),
                 static_cast<int>(key_.size())) != 0 ||
      raw == nullptr) {
    return Unauthenticated("the token is not valid");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return Unauthenticated("the token is not valid");
  const char* iss = jwt_get_grant(jwt.get(), "iss");
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  const char* role = jwt_get_grant(jwt.get(), "role");
  errno = 0;
  const long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || sub == nullptr || role == nullptr || iss == nullptr || std::string_view(iss) != kIssuer ||
      *sub == '\0') {
    return Unauthenticated("the token is not valid");
  }
  return Claims{sub, role, TimePoint{std::chrono::seconds{exp}}};
}

std::string BearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "bearer ";
  if (authorization.size() <= kPrefix.size()) return {};
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kPrefix[i]) return {};
  }
  auto token = authorization.substr(kPrefix.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
  return std::string(token);
}

}  // namespace barbershop::common
