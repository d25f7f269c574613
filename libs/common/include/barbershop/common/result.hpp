#pragma once

#include <string>
#include <utility>
#include <variant>

namespace barbershop::common {

/// What went wrong, in terms every protocol adapter can map (gRPC, HTTP, WebSocket).
enum class ErrorCode {
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,  ///< a limit was reached: wait, or do less
  kUnavailable,
  kInternal,
};

/// Stable lower-case name of a code, e.g. "invalid_argument".
const char* ErrorCodeName(ErrorCode code);

/// An expected failure: a code and a message that is safe to show a user.
struct Error {
  ErrorCode code;
  std::string message;
};

/// A value or an error (an Error unless another type is named), shaped like
/// std::expected<T, E>.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { return std::get<1>(state_); }
  /// The value, or `fallback` when there is an error (as std::expected::value_or).
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> state_;
};

/// Result of an operation that returns nothing on success.
struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace barbershop::common
