// Result<T>: the value of a fallible call or the reason it failed.
//
// Shaped like C++23 std::expected so it can be replaced by it later. Every
// call that crosses a module boundary and can fail for a reason the caller
// must handle returns a Result; exceptions are kept for bugs and start-up
// failures. The set of error kinds is closed: the HTTP layer maps each kind
// to exactly one problem type (see core/problem.cpp).
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace trivium {

enum class ErrorKind {
  BadRequest,            // the request cannot be understood (malformed JSON, bad syntax)
  Invalid,               // understood, but a field violates a rule (see Error::fields)
  Unauthenticated,       // no valid credentials where they are required
  Forbidden,             // credentials are valid but the policy says no
  NotFound,              // no such object, or the caller may not know it exists
  Conflict,              // the state of the object forbids the change (duplicate, finished, ...)
  PreconditionFailed,    // an If-Match / sequence precondition did not hold
  PayloadTooLarge,       // the body is larger than the route accepts
  UnsupportedMediaType,  // wrong Content-Type for the route
  RateLimited,           // too many attempts; Error::retry_after_s says when to retry
  Unavailable,           // a dependency (store, mail) is down; retry later
  Internal,              // a bug: logged with the request id
};

// One problem with one input field; `field` is a JSON pointer-like path
// ("email", "roles/2"), `code` a stable machine-readable reason.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string detail;
  std::vector<FieldError> fields;
  int retry_after_s = 0;
};

// The "unexpected" wrapper, so `return fail(...)` converts into any Result<T>.
struct Failure {
  Error error;
};

inline Failure fail(ErrorKind kind, std::string detail = {}) {
  return Failure{Error{kind, std::move(detail), {}, 0}};
}
inline Failure fail(Error e) { return Failure{std::move(e)}; }
inline Failure invalid(std::string field, std::string code, std::string message) {
  Error e{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
  e.fields.push_back({std::move(field), std::move(code), std::move(message)});
  return Failure{std::move(e)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result(const T& v) : data_(std::in_place_index<0>, v) {}
  Result(T&& v) : data_(std::in_place_index<0>, std::move(v)) {}
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, Result> &&
                                        !std::is_same_v<std::decay_t<U>, Failure> &&
                                        !std::is_same_v<std::decay_t<U>, T>>>
  Result(U&& v) : data_(std::in_place_index<0>, T(std::forward<U>(v))) {}
  Result(Failure f) : data_(std::in_place_index<1>, std::move(f.error)) {}

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(data_); }
  const T& value() const& { assert(has_value()); return std::get<0>(data_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!has_value()); return std::get<1>(data_); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(data_)); }
  // Re-wraps the error for a caller returning a Result of another type.
  Failure failure() const { return Failure{error()}; }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : error_(std::move(f.error)), failed_(true) {}
  bool has_value() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const Error& error() const& { assert(failed_); return error_; }
  Error&& error() && { assert(failed_); return std::move(error_); }
  Failure failure() const { return Failure{error_}; }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> ok() { return {}; }

}  // namespace trivium

// Propagates a failed Result out of the current function (like Rust's `?`).
#define TRV_TRY(expr)                                  \
  do {                                                 \
    auto trv_try_r_ = (expr);                          \
    if (!trv_try_r_) return trv_try_r_.failure();      \
  } while (0)

#define TRV_CONCAT_INNER_(a, b) a##b
#define TRV_CONCAT_(a, b) TRV_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of a Result, or returns its failure.
#define TRV_ASSIGN(lhs, expr) TRV_ASSIGN_IMPL_(TRV_CONCAT_(trv_assign_r_, __LINE__), lhs, expr)
#define TRV_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                     \
  if (!tmp) return tmp.failure();        \
  lhs = std::move(tmp).value()
