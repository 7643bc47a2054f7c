#include "cdc/binlog_rows.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/calendar.h"
#include "core/text.h"

namespace ferry::cdc::binlog {

using core::Error;
using core::ErrorKind;

namespace {

constexpr std::uint8_t kDecimalOld = 0, kTiny = 1, kShort = 2, kLong = 3, kFloat = 4, kDouble = 5, kNull = 6,
                       kTimestamp = 7, kLongLong = 8, kInt24 = 9, kDate = 10, kTime = 11, kDatetime = 12, kYear = 13,
                       kNewDate = 14, kVarchar = 15, kBit = 16, kTimestamp2 = 17, kDatetime2 = 18, kTime2 = 19,
                       kBlobCompressed = 140, kVarcharCompressed = 141, kJson = 245, kNewDecimal = 246, kEnum = 247,
                       kSet = 248, kBlob = 252, kVarString = 253, kString = 254, kGeometry = 255;

std::uint64_t le(std::string_view d, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(d[i])) << (8 * i);
  return v;
}
std::uint64_t be(std::string_view d, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(d[i]);
  return v;
}

std::string pad(std::uint64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

/// ".123" for fsp 3 of 123456 µs; "" for fsp 0.
std::string fraction(std::uint64_t micros, unsigned fsp) {
  if (fsp == 0) return {};
  return "." + pad(micros, 6).substr(0, fsp);
}

/// The fractional seconds of TIMESTAMP2/DATETIME2 (unsigned), in µs.
std::uint64_t readFraction(std::string_view d, unsigned fsp) {
  switch ((fsp + 1) / 2) {
    case 1: return be(d, 1) * 10000;
    case 2: return be(d, 2) * 100;
    case 3: return be(d, 3);
    default: return 0;
  }
}

std::string dateTime(std::uint64_t year, std::uint64_t month, std::uint64_t day, std::uint64_t hour,
                     std::uint64_t minute, std::uint64_t second) {
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(hour, 2) + ":" + pad(minute, 2) + ":" +
         pad(second, 2);
}

/// Seconds since 1970 (UTC) as "YYYY-MM-DD hh:mm:ss" (the copy's session is +00:00).
std::string utc(std::uint64_t seconds) {
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  core::civilFromDays(static_cast<std::int64_t>(seconds / 86400), y, m, d);
  const std::uint64_t rem = seconds % 86400;
  return dateTime(static_cast<std::uint64_t>(y), m, d, rem / 3600, rem / 60 % 60, rem % 60);
}

/// NEWDECIMAL's binary form (strings/decimal.c bin2decimal).
core::Result<std::string> decimal(std::string_view d, unsigned precision, unsigned scale, std::size_t& used) {
  static constexpr int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  if (precision == 0 || scale > precision || precision > 65) {
    return Error(ErrorKind::Data, "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ") in a TABLE_MAP");
  }
  const unsigned intg = precision - scale;
  const unsigned intg0 = intg / 9, intg0x = intg % 9, frac0 = scale / 9, frac0x = scale % 9;
  const std::size_t size = intg0 * 4 + static_cast<std::size_t>(kDig2Bytes[intg0x]) + frac0 * 4 +
                           static_cast<std::size_t>(kDig2Bytes[frac0x]);
  if (d.size() < size) return Error(ErrorKind::Data, "a DECIMAL value cut short");
  std::string b(d.substr(0, size));
  const bool negative = !(static_cast<unsigned char>(b[0]) & 0x80);
  b[0] = static_cast<char>(static_cast<unsigned char>(b[0]) ^ 0x80);
  if (negative) {
    for (auto& c : b) c = static_cast<char>(~static_cast<unsigned char>(c));
  }
  std::size_t pos = 0;
  const auto group = [&](std::size_t bytes) {
    const auto v = be(std::string_view(b).substr(pos, bytes), bytes);
    pos += bytes;
    return v;
  };
  std::string whole;
  if (intg0x) whole = std::to_string(group(static_cast<std::size_t>(kDig2Bytes[intg0x])));
  for (unsigned i = 0; i < intg0; ++i) whole += pad(group(4), 9);
  const auto first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);
  std::string frac;
  for (unsigned i = 0; i < frac0; ++i) frac += pad(group(4), 9);
  if (frac0x) frac += pad(group(static_cast<std::size_t>(kDig2Bytes[frac0x])), static_cast<int>(frac0x));
  used = size;
  const bool zero = whole == "0" && frac.find_first_not_of('0') == std::string::npos;
  return (negative && !zero ? "-" : "") + whole + (scale ? "." + frac : "");
}

/// TIME2's packed value (sql-common/my_time.c my_time_packed_from_binary).
std::string time2(std::string_view d, unsigned fsp) {
  std::int64_t packed = 0;
  switch ((fsp + 1) / 2) {
    case 0: packed = (static_cast<std::int64_t>(be(d, 3)) - 0x800000) * (1LL << 24); break;
    case 1: {
      std::int64_t intpart = static_cast<std::int64_t>(be(d, 3)) - 0x800000;
      std::int64_t frac = static_cast<unsigned char>(d[3]);
      if (intpart < 0 && frac) {
        ++intpart;
        frac -= 0x100;
      }
      packed = intpart * (1LL << 24) + frac * 10000;
      break;
    }
    case 2: {
      std::int64_t intpart = static_cast<std::int64_t>(be(d, 3)) - 0x800000;
      std::int64_t frac = static_cast<std::int64_t>(be(d.substr(3), 2));
      if (intpart < 0 && frac) {
        ++intpart;
        frac -= 0x10000;
      }
      packed = intpart * (1LL << 24) + frac * 100;
      break;
    }
    default: packed = static_cast<std::int64_t>(be(d, 6)) - 0x800000000000LL; break;
  }
  const bool negative = packed < 0;
  const std::uint64_t a = static_cast<std::uint64_t>(negative ? -packed : packed);
  const std::uint64_t hms = a >> 24;
  const std::uint64_t micros = a % (1ULL << 24);
  return std::string(negative ? "-" : "") + pad((hms >> 12) % (1 << 10), 2) + ":" + pad((hms >> 6) % 64, 2) + ":" +
         pad(hms % 64, 2) + fraction(micros, fsp);
}

std::string formatted(std::string value, TextForm form) {
  switch (form) {
    case TextForm::Plain: return value;
    case TextForm::Uuid: {
      if (value.size() != 16) return value;
      const std::string h = core::hex(value);
      return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
    }
    case TextForm::Inet6: {
      if (value.size() != 16) return value;
      char buf[INET6_ADDRSTRLEN] = {};
      inet_ntop(AF_INET6, value.data(), buf, sizeof buf);
      return buf;
    }
    case TextForm::Inet4: {
      if (value.size() != 4) return value;
      char buf[INET_ADDRSTRLEN] = {};
      inet_ntop(AF_INET, value.data(), buf, sizeof buf);
      return buf;
    }
  }
  return value;
}

/// MySQL's latin1 (cp1252, with 0x81 0x8D 0x8F 0x90 0x9D as the C1 controls) to UTF-8.
std::string latin1ToUtf8(std::string_view in) {
  static constexpr char16_t kHigh[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                         0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    const char16_t u = c >= 0x80 && c < 0xA0 ? kHigh[c - 0x80] : c;
    if (u < 0x80) {
      out += static_cast<char>(u);
    } else if (u < 0x800) {
      out += static_cast<char>(0xC0 | (u >> 6));
      out += static_cast<char>(0x80 | (u & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (u >> 12));
      out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  return out;
}

/// Text bytes in `charset` as the copy reads them (utf8mb4).
core::Result<std::string> toUtf8(std::string value, const std::string& charset, const std::string& column) {
  if (charset.empty() || charset == "utf8mb4" || charset == "utf8mb3" || charset == "utf8" || charset == "ascii" ||
      charset == "binary") {
    return value;
  }
  if (charset == "latin1") return latin1ToUtf8(value);
  return Error(ErrorKind::Unsupported, "column " + column + " is in character set " + charset,
               "The stream converts latin1 and reads utf8mb4/utf8mb3/ascii as they are; convert the column "
               "(ALTER TABLE … CONVERT TO CHARACTER SET utf8mb4) or leave the table out of the stream.");
}

/// DOUBLE(M,D) as the server prints it: the shortest digits that read back as
/// the value, padded with zeros to D decimals — or, when those need more than
/// D decimals, the value rounded to D ("12345678901234.123000", not the exact
/// "…123047").
std::string fixedDouble(double v, int decimals) {
  const std::string shortest = serverDouble(v);
  if (shortest.find('e') == std::string::npos) {
    const auto dot = shortest.find('.');
    const std::size_t have = dot == std::string::npos ? 0 : shortest.size() - dot - 1;
    if (have <= static_cast<std::size_t>(decimals)) {
      std::string out = shortest;
      if (decimals > 0 && dot == std::string::npos) out += '.';
      return out + std::string(static_cast<std::size_t>(decimals) - have, '0');
    }
  }
  std::array<char, 400> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return std::string(buf.data());
}

}  // namespace

std::string serverDouble(double v) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);
  (void)ec;
  const std::string s(buf.data(), end);  // "-1.2345e+06": shortest digits
  const auto e = s.find('e');
  const bool negative = s[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  const int exp = std::stoi(s.substr(e + 1));
  std::string out = negative ? "-" : "";
  if (digits == "0") return "0";
  if (exp < -4 || exp >= 15) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    return out + "e" + std::to_string(exp);
  }
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const auto whole = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= whole) return out + digits + std::string(whole - digits.size(), '0');
  return out + digits.substr(0, whole) + "." + digits.substr(whole);
}

core::Result<std::string> decodeValue(const MapColumn& c, std::string_view d, std::size_t& used, const ValueText& text) {
  const auto need = [&](std::size_t n) -> core::Status {
    if (d.size() < n) {
      return Error(ErrorKind::Data, "a row image ends inside a value of column " + c.name + " (type " +
                                        std::to_string(c.type) + ": " + std::to_string(n) + " bytes wanted, " +
                                        std::to_string(d.size()) + " left)");
    }
    used = n;
    return {};
  };
  const auto badMeta = [&]() -> Error {
    return Error(ErrorKind::Data, "column " + c.name + " (binlog type " + std::to_string(c.type) +
                                      ") has TABLE_MAP metadata " + std::to_string(c.meta) + " that no server writes");
  };
  const auto finite = [&](double v) -> core::Result<std::string> {
    if (!std::isfinite(v)) return Error(ErrorKind::Data, "column " + c.name + " holds a NaN or an infinity");
    return std::string();
  };
  const auto integer = [&](std::size_t n) -> core::Result<std::string> {
    FERRY_TRY(need(n));
    const std::uint64_t v = le(d, n);
    if (c.isUnsigned) return std::to_string(v);
    const unsigned bits = static_cast<unsigned>(n * 8);
    const std::int64_t s = bits == 64 ? static_cast<std::int64_t>(v)
                                      : static_cast<std::int64_t>(v << (64 - bits)) >> (64 - bits);
    return std::to_string(s);
  };
  // A length prefix of `n` bytes, then that many bytes.
  const auto prefixed = [&](std::size_t n) -> core::Result<std::string> {
    if (n < 1 || n > 4) return badMeta();
    FERRY_TRY(need(n));
    const std::size_t len = le(d, n);
    FERRY_TRY(need(n + len));
    return std::string(d.substr(n, len));
  };
  switch (c.type) {
    case kTiny: return integer(1);
    case kShort: return integer(2);
    case kInt24: return integer(3);
    case kLong: return integer(4);
    case kLongLong: return integer(8);
    case kFloat: {
      FERRY_TRY(need(4));
      const auto bits = static_cast<std::uint32_t>(le(d, 4));
      float f = 0;
      std::memcpy(&f, &bits, 4);
      if (auto ok = finite(f); !ok) return ok;
      return serverDouble(static_cast<double>(f));  // the copy reads CAST(f AS DOUBLE)
    }
    case kDouble: {
      FERRY_TRY(need(8));
      const auto bits = le(d, 8);
      double v = 0;
      std::memcpy(&v, &bits, 8);
      if (auto ok = finite(v); !ok) return ok;
      if (text.fixedDecimals >= 0) return fixedDouble(v, std::min(text.fixedDecimals, 30));
      return serverDouble(v);
    }
    case kNewDecimal: return decimal(d, c.meta >> 8, c.meta & 0xFF, used);
    case kYear: {
      FERRY_TRY(need(1));
      const auto v = le(d, 1);
      return v == 0 ? std::string("0000") : std::to_string(1900 + v);
    }
    case kDate:
    case kNewDate: {
      FERRY_TRY(need(3));
      const auto v = le(d, 3);
      return pad(v >> 9, 4) + "-" + pad((v >> 5) & 15, 2) + "-" + pad(v & 31, 2);
    }
    case kTime: {
      FERRY_TRY(need(3));
      std::int64_t v = static_cast<std::int64_t>(le(d, 3) << 40) >> 40;
      const bool negative = v < 0;
      const auto a = static_cast<std::uint64_t>(negative ? -v : v);
      return std::string(negative ? "-" : "") + pad(a / 10000, 2) + ":" + pad(a / 100 % 100, 2) + ":" + pad(a % 100, 2);
    }
    case kDatetime: {
      FERRY_TRY(need(8));
      const auto v = le(d, 8);
      const auto date = v / 1000000, time = v % 1000000;
      return dateTime(date / 10000, date / 100 % 100, date % 100, time / 10000, time / 100 % 100, time % 100);
    }
    case kTimestamp: {
      FERRY_TRY(need(4));
      const auto v = le(d, 4);
      return v == 0 ? std::string("0000-00-00 00:00:00") : utc(v);
    }
    case kTimestamp2: {
      const unsigned fsp = c.meta;
      if (fsp > 6) return badMeta();
      FERRY_TRY(need(4 + (fsp + 1) / 2));
      const auto seconds = be(d, 4);
      const auto micros = readFraction(d.substr(4), fsp);
      return (seconds == 0 ? std::string("0000-00-00 00:00:00") : utc(seconds)) + fraction(micros, fsp);
    }
    case kDatetime2: {
      const unsigned fsp = c.meta;
      if (fsp > 6) return badMeta();
      FERRY_TRY(need(5 + (fsp + 1) / 2));
      const auto v = be(d, 5) - 0x8000000000ULL;
      const auto ymd = v >> 17, ym = ymd >> 5, hms = v & 0x1FFFF;
      return dateTime(ym / 13, ym % 13, ymd & 31, hms >> 12, (hms >> 6) & 63, hms & 63) +
             fraction(readFraction(d.substr(5), fsp), fsp);
    }
    case kTime2: {
      const unsigned fsp = c.meta;
      if (fsp > 6) return badMeta();
      FERRY_TRY(need(3 + (fsp + 1) / 2));
      return time2(d, fsp);
    }
    case kVarchar:
    case kVarString: {
      auto v = prefixed(c.maxLength < 256 ? 1 : 2);
      if (!v || c.binary) return v;
      return toUtf8(std::move(*v), text.charset, c.name);
    }
    case kBit: {
      const std::size_t bytes = (c.meta >> 8) + ((c.meta & 0xFF) ? 1 : 0);
      FERRY_TRY(need(bytes));
      return std::string(d.substr(0, bytes));  // the copy reads CAST(b AS BINARY): the same bytes
    }
    case kString: {
      auto v = prefixed(c.maxLength > 255 ? 2 : 1);
      if (!v) return v;
      // BINARY(n) drops its trailing zero bytes in the binlog; the server returns all n.
      if (c.binary && v->size() < c.maxLength) v->append(c.maxLength - v->size(), '\0');
      if (!c.binary) return toUtf8(std::move(*v), text.charset, c.name);
      return formatted(std::move(*v), text.form);
    }
    case kEnum: {
      if (c.maxLength < 1 || c.maxLength > 2) return badMeta();
      FERRY_TRY(need(c.maxLength));
      const auto index = le(d, c.maxLength);
      if (index == 0) return std::string();
      if (index <= c.labels.size()) return toUtf8(c.labels[index - 1], text.charset, c.name);
      if (index > c.labels.size()) {
        return Error(ErrorKind::Data, "ENUM column " + c.name + " holds member " + std::to_string(index) + " of " +
                                          std::to_string(c.labels.size()),
                     "The stream needs binlog_row_metadata = FULL (the ENUM's members are in it).");
      }
      return c.labels[index - 1];
    }
    case kSet: {
      if (c.maxLength < 1 || c.maxLength > 8) return badMeta();
      FERRY_TRY(need(c.maxLength));
      const auto bits = le(d, c.maxLength);
      std::string out;
      for (std::size_t k = 0; k < 64; ++k) {
        if (!((bits >> k) & 1)) continue;
        if (k >= c.labels.size()) {
          return Error(ErrorKind::Data, "SET column " + c.name + " holds member " + std::to_string(k + 1) + " of " +
                                            std::to_string(c.labels.size()),
                       "The stream needs binlog_row_metadata = FULL (the SET's members are in it).");
        }
        if (!out.empty()) out += ',';
        out += c.labels[k];
      }
      return toUtf8(std::move(out), text.charset, c.name);
    }
    case kBlob: {
      auto v = prefixed(c.meta);
      if (!v || c.binary) return v;
      return toUtf8(std::move(*v), text.charset, c.name);
    }
    case kGeometry: return prefixed(c.meta);
    case kNull: used = 0; return std::string();
    case kJson:
      return Error(ErrorKind::Unsupported, "column " + c.name + " is MySQL's binary JSON",
                   "MySQL sources are not streamed yet; MariaDB's JSON is text and streams.");
    case kBlobCompressed:
    case kVarcharCompressed:
      return Error(ErrorKind::Unsupported, "column " + c.name + " uses MariaDB column compression (COMPRESSED)",
                   "Ferry does not decode compressed columns in the binlog yet: leave the table out of the stream.");
    case kDecimalOld:
    default:
      return Error(ErrorKind::Unsupported, "column " + c.name + " has binlog type " + std::to_string(c.type) +
                                               ", which Ferry does not decode");
  }
}

core::Result<std::vector<RowImages>> decodeRows(const RowsEvent& rows, const TableMap& map,
                                                const std::vector<ValueText>& texts) {
  const std::string table = map.schema + "." + map.table;
  if (map.columns.empty()) {
    // Each image would take no bytes, and the rows would never end (found by the fuzzer).
    return Error(ErrorKind::Data, "a TABLE_MAP of " + table + " with no columns");
  }
  if (rows.width != map.columns.size()) {
    return Error(ErrorKind::Data, "a row event of " + table + " has " + std::to_string(rows.width) +
                                      " columns; its TABLE_MAP " + std::to_string(map.columns.size()));
  }
  // SIGNEDNESS is logged only for a table with a numeric column.
  bool numeric = false;
  for (const auto& c : map.columns) numeric = numeric || isNumericType(c.type);
  if ((numeric && !map.hasSignedness) || !map.hasNames) {
    return Error(ErrorKind::Unsupported,
                 "the binlog's TABLE_MAP of " + table + " has no column " + (map.hasNames ? "signedness" : "names"),
                 "Set binlog_row_metadata = FULL on the source (SET GLOBAL binlog_row_metadata = FULL): the stream "
                 "decodes rows by the metadata the server logs with them.");
  }
  const auto whole = [&](const std::vector<bool>& present) -> core::Status {
    for (std::size_t i = 0; i < present.size(); ++i) {
      if (!present[i]) {
        return Error(ErrorKind::Unsupported, "a row image of " + table + " lacks column " +
                                                 (map.columns[i].name.empty() ? std::to_string(i) : map.columns[i].name),
                     "Set binlog_row_image = FULL on the source (the session that wrote it had another): the stream "
                     "needs whole rows.");
      }
    }
    return {};
  };
  FERRY_TRY(whole(rows.present));
  if (rows.kind == RowsEvent::Kind::Update) FERRY_TRY(whole(rows.presentAfter));
  std::string_view data(rows.rows);
  const auto image = [&]() -> core::Result<Tuple> {
    const std::size_t n = map.columns.size();
    const std::size_t nullBytes = (n + 7) / 8;
    if (data.size() < nullBytes) return Error(ErrorKind::Data, "a row image of " + table + " ends in its NULL bitmap");
    const auto nulls = data.substr(0, nullBytes);
    data.remove_prefix(nullBytes);
    Tuple t(n);
    for (std::size_t i = 0; i < n; ++i) {
      if ((static_cast<unsigned char>(nulls[i / 8]) >> (i % 8)) & 1) continue;  // Field::Kind::Null
      std::size_t used = 0;
      auto v = decodeValue(map.columns[i], data, used, i < texts.size() ? texts[i] : ValueText{});
      if (!v) return std::move(v).error().context(table);
      data.remove_prefix(used);
      t[i].kind = Field::Kind::Text;
      t[i].text = std::move(*v);
    }
    return t;
  };
  std::vector<RowImages> out;
  while (!data.empty()) {
    RowImages r;
    auto first = image();
    if (!first) return std::move(first).error();
    if (rows.kind == RowsEvent::Kind::Write) {
      r.after = std::move(*first);
    } else {
      r.before = std::move(*first);
    }
    if (rows.kind == RowsEvent::Kind::Update) {
      auto second = image();
      if (!second) return std::move(second).error();
      r.after = std::move(*second);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ferry::cdc::binlog
