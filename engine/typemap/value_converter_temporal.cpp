// Temporal converters: MySQL zero dates, DATETIME/TIMESTAMP to timestamptz, TIME to
// interval/time, YEAR(2); PostgreSQL date/timestamp range checks, timestamptz to UTC
// DATETIME, interval to TIME. Pure text arithmetic, no time-zone database.

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/calendar.h"
#include "typemap/converter_internal.h"

namespace ferry::typemap::detail {
namespace {

Converted value(std::string s) { return std::optional<std::string>(std::move(s)); }

bool isZeroDate(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  return s.substr(0, 4) == "0000" || s.substr(5, 2) == "00" || s.substr(8, 2) == "00";
}

bool digitsAt(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

int num(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

/// The zero-date replacement for a MySQL DATE (time = false) or DATETIME value.
Converted zeroDate(const ConversionContext& ctx, bool time, std::string_view suffix = {}) {
  if (ctx.zeroDateAs == ZeroDateAs::Null) return std::optional<std::string>{};
  return value(ctx.zeroDateSentinel + (time ? " 00:00:00" : "") + std::string(suffix));
}

std::string zoneSuffix(const std::string& zone) {
  if (zone.empty() || zone == "UTC" || zone == "utc" || zone == "+00:00" || zone == "Z") return "+00";
  if (zone[0] == '+' || zone[0] == '-') return zone;
  return " " + zone;  // PostgreSQL reads a full zone name after the time: '2024-01-01 10:00:00 Europe/Berlin'
}

/// Checks a PostgreSQL date (or the date part of a timestamp) fits MySQL's 1000..9999.
core::Status checkMySqlDateRange(std::string_view s) {
  if (s == "infinity" || s == "-infinity") return dataError("value " + std::string(s) + " has no MySQL DATE/DATETIME form");
  if (s.size() >= 3 && s.substr(s.size() - 3) == " BC") return dataError("BC date " + std::string(s) + " is before MySQL's year 1000");
  std::size_t dash = s.find('-');
  if (dash == std::string_view::npos || !digitsAt(s, 0, dash)) return dataError("value '" + std::string(s) + "' is not a date");
  if (dash > 4) return dataError("date " + std::string(s) + " is after MySQL's year 9999");
  if (num(s, 0, dash) < 1000) return dataError("date " + std::string(s) + " is before MySQL's year 1000");
  return {};
}

Converted timestamptzToUtc(std::string_view s) {
  FERRY_TRY(checkMySqlDateRange(s.substr(0, s.find(' '))));
  // YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]
  if (!digitsAt(s, 0, 4) || s.size() < 19 || s[10] != ' ' || !digitsAt(s, 11, 2) || !digitsAt(s, 14, 2) ||
      !digitsAt(s, 17, 2)) {
    return dataError("value '" + std::string(s) + "' is not a timestamp with time zone");
  }
  std::size_t pos = 19;
  std::string fraction;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = pos;
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) ++pos;
    fraction = std::string(s.substr(start, pos - start));
  }
  int offsetSeconds = 0;
  if (pos < s.size()) {
    const char sign = s[pos];
    if ((sign != '+' && sign != '-') || !digitsAt(s, pos + 1, 2)) return dataError("value '" + std::string(s) + "' has no UTC offset");
    int off = num(s, pos + 1, 2) * 3600;
    if (pos + 5 < s.size() + 1 && pos + 3 < s.size() && s[pos + 3] == ':' && digitsAt(s, pos + 4, 2)) {
      off += num(s, pos + 4, 2) * 60;
      if (pos + 6 < s.size() && s[pos + 6] == ':' && digitsAt(s, pos + 7, 2)) off += num(s, pos + 7, 2);
    }
    offsetSeconds = sign == '+' ? off : -off;
  }
  std::int64_t secs = core::daysFromCivil(num(s, 0, 4), static_cast<unsigned>(num(s, 5, 2)), static_cast<unsigned>(num(s, 8, 2))) * 86400 +
                      num(s, 11, 2) * 3600 + num(s, 14, 2) * 60 + num(s, 17, 2) - offsetSeconds;
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  std::int64_t rem = secs - days * 86400;
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  core::civilFromDays(days, y, m, d);
  if (y < 1000 || y > 9999) return dataError("timestamp " + std::string(s) + " is outside MySQL's years 1000..9999 in UTC");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(y), m, d, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return value(buf + fraction);
}

struct Duration {
  bool negative = false;
  std::int64_t hours = 0;
  int minutes = 0;
  int seconds = 0;
  std::string fraction;  ///< ".123456" or empty
};

/// [-]H+:MM:SS[.f]
bool parseClock(std::string_view s, Duration& d) {
  std::size_t pos = 0;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) d.negative = s[pos++] == '-';
  const auto colon = s.find(':', pos);
  if (colon == std::string_view::npos || colon == pos || !digitsAt(s, pos, colon - pos) || colon - pos > 12) return false;
  d.hours = std::strtoll(std::string(s.substr(pos, colon - pos)).c_str(), nullptr, 10);
  if (!digitsAt(s, colon + 1, 2) || colon + 3 >= s.size() || s[colon + 3] != ':' || !digitsAt(s, colon + 4, 2)) return false;
  d.minutes = num(s, colon + 1, 2);
  d.seconds = num(s, colon + 4, 2);
  const std::size_t end = colon + 6;
  if (end < s.size()) {
    if (s[end] != '.' || !digitsAt(s, end + 1, s.size() - end - 1) || s.size() - end - 1 > 6) return false;
    d.fraction = std::string(s.substr(end));
  }
  return d.minutes < 60 && d.seconds < 60;
}

std::string formatClock(const Duration& d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%02lld:%02d:%02d", d.negative ? "-" : "", static_cast<long long>(d.hours), d.minutes, d.seconds);
  return buf + d.fraction;
}

bool fractionIsZero(const std::string& f) { return f.find_first_not_of(".0") == std::string::npos; }

/// MySQL TIME's range: -838:59:59.000000 .. 838:59:59.000000.
bool withinMySqlTime(const Duration& d) {
  if (d.hours < 838) return true;
  return d.hours == 838 && d.minutes <= 59 && d.seconds <= 59 && (d.minutes < 59 || d.seconds < 59 || fractionIsZero(d.fraction));
}

/// PostgreSQL interval output (IntervalStyle postgres): '1 year 2 mons 3 days 04:05:06.5', '-838:59:59'.
Converted intervalToTime(std::string_view s) {
  std::int64_t days = 0;
  Duration clock;
  bool hasClock = false;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    std::size_t end = s.find(' ', pos);
    const std::string_view tok = s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (tok.find(':') != std::string_view::npos) {
      if (!parseClock(tok, clock)) return dataError("interval '" + std::string(s) + "' has an unreadable time part");
      hasClock = true;
      pos = end == std::string_view::npos ? s.size() : end;
      continue;
    }
    const std::size_t unitStart = end == std::string_view::npos ? s.size() : end + 1;
    std::size_t unitEnd = s.find(' ', unitStart);
    const std::string_view unit = s.substr(unitStart, unitEnd == std::string_view::npos ? std::string_view::npos : unitEnd - unitStart);
    char* numEnd = nullptr;
    const std::string n(tok);
    const long long v = std::strtoll(n.c_str(), &numEnd, 10);
    if (n.empty() || numEnd == nullptr || *numEnd != '\0') return dataError("interval '" + std::string(s) + "' is not in IntervalStyle postgres");
    if (unit == "day" || unit == "days") {
      days += v;
    } else if (v != 0) {
      return dataError("interval '" + std::string(s) + "' has months or years, which MySQL TIME cannot hold");
    }
    pos = unitEnd == std::string_view::npos ? s.size() : unitEnd;
  }
  // Seconds with sign: days and the clock may have different signs ('1 day -02:00:00').
  const std::int64_t clockSecs = (clock.hours * 3600 + clock.minutes * 60 + clock.seconds) * (clock.negative ? -1 : 1);
  std::int64_t total = days * 86400 + clockSecs;
  std::string fraction = hasClock ? clock.fraction : std::string();
  if (!fraction.empty() && !fractionIsZero(fraction) && days != 0 && (total < 0) != clock.negative) {
    return dataError("interval '" + std::string(s) + "' mixes signs with fractional seconds");
  }
  Duration out;
  out.negative = total < 0 || (total == 0 && clock.negative && !fractionIsZero(fraction));
  if (total < 0) total = -total;
  out.hours = total / 3600;
  out.minutes = static_cast<int>(total / 60 % 60);
  out.seconds = static_cast<int>(total % 60);
  out.fraction = fraction;
  if (!withinMySqlTime(out)) return dataError("interval '" + std::string(s) + "' is beyond MySQL TIME's ±838:59:59");
  return value(formatClock(out));
}

}  // namespace

Converted convertTemporal(ConversionId id, std::string_view s, const ConversionContext& ctx) {
  switch (id) {
    case ConversionId::MySqlDate:
      return isZeroDate(s) ? zeroDate(ctx, false) : value(std::string(s));
    case ConversionId::MySqlDatetime:
      return isZeroDate(s) ? zeroDate(ctx, true) : value(std::string(s));
    case ConversionId::MySqlDatetimeToTimestamptz:
      return isZeroDate(s) ? zeroDate(ctx, true, zoneSuffix(ctx.timeZone)) : value(std::string(s) + zoneSuffix(ctx.timeZone));
    case ConversionId::MySqlTimestampToTimestamptz:
      // The reader sets time_zone = '+00:00', so MySQL prints TIMESTAMP values in UTC.
      return isZeroDate(s) ? zeroDate(ctx, true, "+00") : value(std::string(s) + "+00");
    case ConversionId::MySqlTimeToInterval:
    case ConversionId::MySqlTimeToTime: {
      Duration d;
      if (!parseClock(s, d)) return dataError("value '" + std::string(s) + "' is not a MySQL TIME");
      if (!withinMySqlTime(d)) return dataError("value '" + std::string(s) + "' is beyond MySQL TIME's ±838:59:59");
      if (id == ConversionId::MySqlTimeToTime &&
          (d.negative || d.hours > 24 || (d.hours == 24 && (d.minutes != 0 || d.seconds != 0 || !fractionIsZero(d.fraction))))) {
        return dataError("TIME value " + std::string(s) + " is outside PostgreSQL time's 00:00:00..24:00:00");
      }
      return value(std::string(s));
    }
    case ConversionId::MySqlYear2ToYear: {
      if (s.size() == 4 && digitsAt(s, 0, 4)) return value(std::string(s));
      if (s.size() != 2 || !digitsAt(s, 0, 2)) return dataError("value '" + std::string(s) + "' is not a YEAR(2)");
      const int yy = num(s, 0, 2);
      return value(std::to_string(yy >= 70 ? 1900 + yy : 2000 + yy));
    }
    case ConversionId::PgDateToDate:
      FERRY_TRY(checkMySqlDateRange(s));
      return value(std::string(s));
    case ConversionId::PgTimestampToDatetime:
      FERRY_TRY(checkMySqlDateRange(s == "infinity" || s == "-infinity" || s.find(" BC") != std::string_view::npos
                                        ? s : s.substr(0, s.find(' '))));
      return value(std::string(s));
    case ConversionId::PgTimestamptzToUtcDatetime:
      if (s == "infinity" || s == "-infinity" || s.find(" BC") != std::string_view::npos) {
        FERRY_TRY(checkMySqlDateRange(s.find(" BC") != std::string_view::npos ? s.substr(s.size() - 13) : s));
      }
      return timestamptzToUtc(s);
    case ConversionId::PgIntervalToTime:
      return intervalToTime(s);
    default:
      return dataError("not a temporal conversion");
  }
}

}  // namespace ferry::typemap::detail
