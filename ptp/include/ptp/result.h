// Result<T, E>: the value-or-error return type of ptpstack's core APIs (a small std::expected
// stand-in, since the project targets C++20). No exceptions cross the core's API.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace ptp {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
constexpr Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  // NOLINTNEXTLINE(google-explicit-constructor): implicit, like std::expected.
  constexpr Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  constexpr Result(Unexpected<E> error)
      : storage_(std::in_place_index<1>, std::move(error.error)) {}

  [[nodiscard]] constexpr bool has_value() const noexcept { return storage_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  // Precondition: has_value(). Checked by std::get in debug and release alike.
  [[nodiscard]] constexpr T& value() & { return *std::get_if<0>(&storage_); }
  [[nodiscard]] constexpr const T& value() const& { return *std::get_if<0>(&storage_); }
  [[nodiscard]] constexpr T&& value() && { return std::move(*std::get_if<0>(&storage_)); }
  // Precondition: !has_value().
  [[nodiscard]] constexpr const E& error() const { return *std::get_if<1>(&storage_); }

  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T* operator->() { return std::get_if<0>(&storage_); }
  constexpr const T* operator->() const { return std::get_if<0>(&storage_); }

  // Like std::expected: equal to a value when it holds an equal value.
  friend constexpr bool operator==(const Result& result, const T& value) {
    return result.has_value() && result.value() == value;
  }
  friend constexpr bool operator==(const Result& result, const Unexpected<E>& error) {
    return !result.has_value() && result.error() == error.error;
  }

 private:
  std::variant<T, E> storage_;
};

// Result<void, E>: success or an error.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  constexpr Result() = default;
  // NOLINTNEXTLINE(google-explicit-constructor)
  constexpr Result(Unexpected<E> error) : ok_(false), error_(std::move(error.error)) {}

  [[nodiscard]] constexpr bool has_value() const noexcept { return ok_; }
  constexpr explicit operator bool() const noexcept { return ok_; }
  [[nodiscard]] constexpr const E& error() const { return error_; }

 private:
  bool ok_ = true;
  E error_{};
};

}  // namespace ptp
