// Expected<T, E>: a value or an error, for results that bad input makes ordinary.
//
// GCC 12 ships no std::expected. This is the small subset logsift needs: construct from a value or
// from Unexpected{error}, test with has_value()/operator bool, read with value()/error(). Reading
// the wrong side is a programming error and aborts. The type is [[nodiscard]] so a result that
// carries an error cannot be dropped silently. Every logsift namespace sees the two names through
// the using-declarations at the bottom, so code writes `Expected<T, E>` unqualified.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

namespace logsift::base {

template <typename E>
struct Unexpected {
  E error;
};
template <typename E>
Unexpected(E) -> Unexpected<E>;

template <typename T, typename E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Expected(Unexpected<E> u) : state_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { check(true); return std::get<0>(state_); }
  const T& value() const& { check(true); return std::get<0>(state_); }
  T&& value() && { check(true); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& { check(false); return std::get<1>(state_); }
  E&& error() && { check(false); return std::get<1>(std::move(state_)); }

 private:
  void check(bool want_value) const {
    if (has_value() != want_value) {
      std::fputs(want_value ? "logsift: Expected::value() on an error\n"
                            : "logsift: Expected::error() on a value\n",
                 stderr);
      std::abort();
    }
  }
  std::variant<T, E> state_;
};

}  // namespace logsift::base

namespace logsift {
using base::Expected;
using base::Unexpected;
}  // namespace logsift
