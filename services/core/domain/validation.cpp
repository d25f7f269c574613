#include "validation.hpp"

#include <algorithm>
#include <cctype>

#include "barbershop/common/text.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;
using common::Ok;

common::Status ValidateUsername(std::string_view username) {
  const bool allowed = std::all_of(username.begin(), username.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  if (username.size() < 3 || username.size() > 32 || !allowed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "username must be 3 to 32 characters of lower-case letters, digits, '_', '.' or '-'");
  }
  return Ok{};
}

common::Result<std::string> NormalizeEmail(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  const auto bad = MakeError(ErrorCode::kInvalidArgument, "email must look like name@example.com");
  if (email.empty() || email.size() > 254) return bad;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) return bad;
  const auto local = email.substr(0, at);
  const auto domain = email.substr(at + 1);
  if (local.size() > 64) return bad;
  const auto dot = domain.rfind('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size() ||
      domain.find("..") != std::string_view::npos || domain.front() == '-' || local.front() == '.' ||
      local.back() == '.' || local.find("..") != std::string_view::npos) {
    return bad;
  }
  for (const char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '(' || c == ')' || c == '<' || c == '>' || c == ',' || c == ';' || c == ':' ||
        c == '\\' || c == '"' || c == '[' || c == ']') {
      return bad;
    }
  }
  for (const char c : domain) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return bad;
  }
  std::string normalized(email);
  std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return normalized;
}

common::Result<std::string> NormalizePhone(std::string_view phone) {
  std::string kept;
  for (const char c : phone) {
    if (c != ' ' && c != '-') kept.push_back(c);
  }
  const auto digits = std::string_view(kept).substr(kept.empty() ? 0 : 1);
  const bool all_digits = std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (kept.empty() || kept.front() != '+' || digits.size() < 7 || digits.size() > 15 || !all_digits) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "phone must be '+' and the country code, then the number: 7 to 15 digits in all, "
                     "like +44 20 7946 0958");
  }
  return kept;
}

common::Status ValidatePassword(std::string_view password) {
  if (password.size() < 8 || password.size() > 128) {
    return MakeError(ErrorCode::kInvalidArgument, "password must be 8 to 128 characters");
  }
  if (!common::IsValidUtf8(password)) return MakeError(ErrorCode::kInvalidArgument, "password must be valid UTF-8");
  return Ok{};
}

common::Status ValidateId(std::string_view id, std::string_view field) {
  static constexpr std::size_t kDashes[] = {8, 13, 18, 23};
  bool ok = id.size() == 36;
  for (std::size_t i = 0; ok && i < id.size(); ++i) {
    const bool dash = std::find(std::begin(kDashes), std::end(kDashes), i) != std::end(kDashes);
    ok = dash ? id[i] == '-' : std::isxdigit(static_cast<unsigned char>(id[i])) != 0;
  }
  if (!ok) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(field) +
                                                      " must be an id like "
                                                      "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01");
  }
  return Ok{};
}

common::Status ValidateIdempotencyKey(std::string_view key) {
  const bool visible = std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (key.empty() || key.size() > 128 || !visible) {
    return MakeError(ErrorCode::kInvalidArgument, "idempotency-key must be 1 to 128 visible ASCII characters");
  }
  return Ok{};
}

bool IsPrintable(std::string_view text) {
  return common::IsValidUtf8(text) && std::none_of(text.begin(), text.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

bool IsDisplayName(std::string_view name) {
  const bool blank = std::all_of(name.begin(), name.end(), [](char c) { return c == ' '; });
  return name.size() <= 64 && !blank && IsPrintable(name);
}

common::Status ValidateBarberName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument, "barber_name must be 1 to 64 characters");
  }
  return Ok{};
}

}  // namespace barbershop::core::domain
