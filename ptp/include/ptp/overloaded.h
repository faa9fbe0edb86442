// Overloaded: one visitor out of several lambdas, for std::visit over the core's variants. With
// one lambda per alternative taking it by const reference, an alternative nobody handles is a
// compile error rather than a silent no-op.
#pragma once

namespace ptp {

template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

}  // namespace ptp
