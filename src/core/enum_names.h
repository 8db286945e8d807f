// An enum's names as a table of (value, name) pairs, both ways: the names are the record's and
// the configuration files' (docs/output.md), so each enum has one table.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace sitescreen {

// The name of `e`; the table's first name for a value it does not hold.
template <class E, std::size_t N>
const char* enum_name(const std::pair<E, const char*> (&names)[N], E e) {
    for (const auto& [k, n] : names)
        if (k == e) return n;
    return names[0].second;
}

// The value named `s`; nullopt for a name the table does not hold.
template <class E, std::size_t N>
std::optional<E> enum_value(const std::pair<E, const char*> (&names)[N], const std::string& s) {
    for (const auto& [k, n] : names)
        if (s == n) return k;
    return std::nullopt;
}

}  // namespace sitescreen
