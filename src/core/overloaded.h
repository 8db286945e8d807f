// One visitor from several lambdas, for std::visit over a variant: a variant alternative none of
// them takes fails to compile, so a new alternative (a new measurement type) is not skipped
// silently.
#pragma once

namespace sitescreen {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace sitescreen
