#pragma once
/// Proleptic Gregorian dates as day numbers (H. Hinnant's algorithms), for
/// moving timestamps between time zones without the C library's time zone state.

#include <cstdint>

namespace ferry::core {

/// Days since 1970-01-01 of year `y`, month `m` (1..12), day `d` (1..31).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d);
/// The date of a day number (the inverse of daysFromCivil).
void civilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

}  // namespace ferry::core
