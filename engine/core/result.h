#pragma once
/// Result<T>: a value or an Error. C++20 has no std::expected, so this is ours,
/// kept deliberately small: construct from T or Error, test, take.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.h"

namespace ferry::core {

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return m_data.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(m_data); }
  const T& value() const& { assert(ok()); return std::get<0>(m_data); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(m_data)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(m_data); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(m_data)); }

private:
  std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_failed(true) {}  // NOLINT

  bool ok() const { return !m_failed; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { assert(m_failed); return m_error; }
  Error&& error() && { assert(m_failed); return std::move(m_error); }

private:
  Error m_error;
  bool m_failed = false;
};

using Status = Result<void>;

}  // namespace ferry::core

/// Propagates the error of an expression returning Result<void>.
#define FERRY_TRY(expr)                                     \
  do {                                                      \
    auto ferry_try_result_ = (expr);                        \
    if (!ferry_try_result_.ok()) return std::move(ferry_try_result_).error(); \
  } while (false)
