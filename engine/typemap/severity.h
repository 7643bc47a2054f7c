#pragma once
/// Severity of a type mapping, as DESIGN.md "Type mapping" defines it. The
/// enumerators are ordered by gravity so that `std::max` gives the worse one.

#include <optional>
#include <string_view>

namespace ferry::typemap {

enum class Severity {
  Exact,        ///< every value round-trips unchanged
  Widened,      ///< every value fits; the target type is larger
  Review,       ///< values fit but behaviour differs (collation, time zone, JSON key order, index limits)
  Lossy,        ///< some values change or fail (precision, range, zero dates, unsigned overflow)
  Unsupported,  ///< no automatic mapping: a person must decide
};

/// Stable lower-case name used in JSON, reports and docs: "exact" … "unsupported".
const char* severityName(Severity s);
/// Inverse of severityName(); nullopt for an unknown name.
std::optional<Severity> parseSeverity(std::string_view name);
/// The graver of two severities.
constexpr Severity worse(Severity a, Severity b) { return a < b ? b : a; }

}  // namespace ferry::typemap
