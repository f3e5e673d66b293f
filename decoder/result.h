// Result<T>: the error channel of decoder/, validator and linker: a value or an error carrying the byte
// offset where it was found. Policy: first error wins (callers return as soon as one appears), and no
// C++ exceptions cross these layers.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace wi {

struct Error {
  size_t offset = 0;  // byte offset in the module file; SIZE_MAX when it has none
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error take_error() { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Success is one null pointer: the decoder, the validator and the translator return a Result<void>
// per instruction, and an Error held in place (a std::string) was built and destroyed on every one
// of them.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::make_unique<Error>(std::move(e))) {}
  bool ok() const { return !err_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *err_; }
  Error take_error() { return std::move(*err_); }

 private:
  std::unique_ptr<Error> err_;
};

inline Error make_error(size_t offset, std::string msg) { return Error{offset, std::move(msg)}; }

}  // namespace wi

// Propagate the first error.
#define WI_TRY(expr)                                   \
  do {                                                 \
    auto wi_try_r_ = (expr);                           \
    if (!wi_try_r_.ok()) return wi_try_r_.take_error(); \
  } while (0)

#define WI_CONCAT_(a, b) a##b
#define WI_CONCAT(a, b) WI_CONCAT_(a, b)
#define WI_TRY_ASSIGN(lhs, expr) WI_TRY_ASSIGN_(WI_CONCAT(wi_r_, __LINE__), lhs, expr)
#define WI_TRY_ASSIGN_(tmp, lhs, expr)         \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.take_error();      \
  lhs = std::move(tmp.value())
