// convertValue(): numbers, booleans, strings, bytes, bits, sets, arrays. Temporal
// converters live in value_converter_temporal.cpp.

#include "typemap/value_converter.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "typemap/converter_internal.h"
#include "typemap/spatial.h"

namespace ferry::typemap {
namespace detail {

core::Error dataError(std::string message) { return core::Error(core::ErrorKind::Data, std::move(message)); }

namespace {

Converted value(std::string s) { return std::optional<std::string>(std::move(s)); }

/// Shortens a value for an error message (values may be megabytes).
std::string shown(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
}

bool isInteger(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

bool isSpecialFloat(std::string_view s) {
  return s == "NaN" || s == "Infinity" || s == "-Infinity" || s == "inf" || s == "-inf" || s == "nan";
}

Converted tinyintToBool(std::string_view s) {
  if (!isInteger(s)) return dataError("value '" + shown(s) + "' is not an integer");
  const std::string_view digits = (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  return value(digits.find_first_not_of('0') == std::string_view::npos ? "f" : "t");
}

Converted unsignedBigint(std::string_view s) {
  if (!isInteger(s) || s[0] == '-') return dataError("value '" + shown(s) + "' is not an unsigned integer");
  std::string_view digits = s[0] == '+' ? s.substr(1) : s;
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  constexpr std::string_view kMax = "9223372036854775807";
  if (digits.size() > kMax.size() || (digits.size() == kMax.size() && digits > kMax)) {
    return dataError("value " + std::string(digits) + " exceeds bigint (max 9223372036854775807)");
  }
  return value(std::string(digits));
}

Converted bitToBitString(std::string_view bytes, std::int64_t n) {
  std::string bits;
  bits.reserve(bytes.size() * 8);
  for (unsigned char ch : bytes) {
    for (int i = 7; i >= 0; --i) bits += ((ch >> i) & 1U) != 0 ? '1' : '0';
  }
  if (n <= 0) return value(bits);
  const auto want = static_cast<std::size_t>(n);
  if (bits.size() < want) return value(std::string(want - bits.size(), '0') + bits);
  const std::size_t extra = bits.size() - want;
  if (bits.find('1') < extra) return dataError("BIT value has more than " + std::to_string(n) + " significant bits");
  return value(bits.substr(extra));
}

void appendArrayElement(std::string& out, std::string_view e) {
  out += '"';
  for (char ch : e) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

Converted setToTextArray(std::string_view s) {
  if (s.empty()) return value("{}");
  std::string out = "{";
  std::size_t start = 0;
  for (;;) {
    const auto comma = s.find(',', start);
    if (start > 0) out += ',';
    appendArrayElement(out, s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return value(out + "}");
}

Converted fromSpatial(core::Result<std::string> r) {
  if (!r) return std::move(r).error();
  return value(std::move(*r));
}

Converted bytesToBytea(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + s.size() * 2);
  for (unsigned char ch : s) {
    out += kHex[ch >> 4];
    out += kHex[ch & 0xF];
  }
  return value(std::move(out));  // a 256 MB BLOB is 512 MB of hex: never copied
}


Converted byteaToBytes(std::string_view s) {
  std::string out;
  if (s.size() >= 2 && s[0] == '\\' && s[1] == 'x') {  // bytea_output = hex (default since 9.0)
    if (s.size() % 2 != 0) return dataError("bytea hex value has an odd number of digits");
    for (std::size_t i = 2; i < s.size(); i += 2) {
      const int hi = core::hexDigit(s[i]);
      const int lo = core::hexDigit(s[i + 1]);
      if (hi < 0 || lo < 0) return dataError("bytea value has a non-hex digit");
      out += static_cast<char>(hi * 16 + lo);
    }
    return value(out);
  }
  for (std::size_t i = 0; i < s.size(); ++i) {  // bytea_output = escape
    if (s[i] != '\\') {
      out += s[i];
    } else if (i + 1 < s.size() && s[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else {
      int v = 0;
      for (std::size_t k = 1; k <= 3; ++k) {
        if (i + k >= s.size() || s[i + k] < '0' || s[i + k] > '7') return dataError("bad escape in bytea value");
        v = v * 8 + (s[i + k] - '0');
      }
      out += static_cast<char>(v);
      i += 3;
    }
  }
  return value(out);
}

Converted bitToMySqlBit(std::string_view bits, std::int64_t n) {
  for (char ch : bits) {
    if (ch != '0' && ch != '1') return dataError("value '" + shown(bits) + "' is not a bit string");
  }
  const std::size_t width = std::max<std::size_t>(bits.size(), n > 0 ? static_cast<std::size_t>(n) : 0);
  const std::size_t bytes = std::max<std::size_t>(1, (width + 7) / 8);
  std::string padded = std::string(bytes * 8 - bits.size(), '0') + std::string(bits);
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < padded.size(); ++i) {
    if (padded[i] == '1') out[i / 8] = static_cast<char>(static_cast<unsigned char>(out[i / 8]) | (0x80U >> (i % 8)));
  }
  return value(out);
}

Converted numericToDecimal(std::string_view s, const ConversionContext& ctx) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
    return dataError("value " + std::string(s) + " has no MySQL DECIMAL form");
  }
  if (!ctx.precision) return value(std::string(s));
  std::string_view body = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
  const auto dot = body.find('.');
  std::string_view ip = body.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view{} : body.substr(dot + 1);
  while (!ip.empty() && ip[0] == '0') ip.remove_prefix(1);
  while (!fp.empty() && fp.back() == '0') fp.remove_suffix(1);
  const int scale = ctx.scale.value_or(0);
  const int intDigits = *ctx.precision - scale;
  if (static_cast<int>(ip.size()) > intDigits) {
    return dataError("value " + shown(s) + " has " + std::to_string(ip.size()) + " integer digits; DECIMAL(" +
                     std::to_string(*ctx.precision) + "," + std::to_string(scale) + ") holds " + std::to_string(intDigits));
  }
  if (static_cast<int>(fp.size()) > scale) {
    return dataError("value " + shown(s) + " has " + std::to_string(fp.size()) + " fractional digits; DECIMAL(" +
                     std::to_string(*ctx.precision) + "," + std::to_string(scale) + ") keeps " + std::to_string(scale));
  }
  return value(std::string(s));
}

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[ch >> 4];
          out += kHex[ch & 0xF];
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
}

/// Parses PostgreSQL array output ('{1,NULL,"a b",{2,3}}') into JSON.
class ArrayToJson {
public:
  ArrayToJson(std::string_view s, JsonElement kind) : m_s(s), m_kind(kind) {}

  Converted run() {
    if (!m_s.empty() && m_s[0] == '[') return dataError("array has lower bounds other than 1 (" + shown(m_s) + ")");
    std::string out;
    if (auto st = parseArray(out); !st.ok()) return std::move(st).error();
    if (m_pos != m_s.size()) return dataError("unexpected text after the array");
    return value(out);
  }

private:
  core::Status parseArray(std::string& out) {
    if (m_pos >= m_s.size() || m_s[m_pos] != '{') return dataError("array value does not start with '{'");
    ++m_pos;
    out += '[';
    bool first = true;
    while (m_pos < m_s.size() && m_s[m_pos] != '}') {
      if (!first) {
        if (m_s[m_pos] != ',') return dataError("expected ',' in array value");
        ++m_pos;
        out += ',';
      }
      first = false;
      if (m_pos < m_s.size() && m_s[m_pos] == '{') {
        FERRY_TRY(parseArray(out));
      } else {
        FERRY_TRY(parseElement(out));
      }
    }
    if (m_pos >= m_s.size()) return dataError("array value is not closed");
    ++m_pos;
    out += ']';
    return {};
  }

  core::Status parseElement(std::string& out) {
    std::string text;
    bool quoted = false;
    if (m_s[m_pos] == '"') {
      quoted = true;
      ++m_pos;
      while (m_pos < m_s.size() && m_s[m_pos] != '"') {
        if (m_s[m_pos] == '\\' && m_pos + 1 < m_s.size()) ++m_pos;
        text += m_s[m_pos++];
      }
      if (m_pos >= m_s.size()) return dataError("unterminated quoted array element");
      ++m_pos;
    } else {
      while (m_pos < m_s.size() && m_s[m_pos] != ',' && m_s[m_pos] != '}') text += m_s[m_pos++];
    }
    if (!quoted && (text == "NULL" || text == "null")) {
      out += "null";
    } else if (m_kind == JsonElement::Number) {
      if (isSpecialFloat(text)) return dataError("array element " + text + " has no JSON form");
      out += text;
    } else if (m_kind == JsonElement::Boolean) {
      out += (text == "t" || text == "true") ? "true" : "false";
    } else {
      appendJsonString(out, text);
    }
    return {};
  }

  std::string_view m_s;
  JsonElement m_kind;
  std::size_t m_pos = 0;
};

bool hasJsonNul(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '\\') continue;
    if (s[i + 1] == 'u' && s.substr(i + 2, 4) == "0000") return true;
    ++i;  // skip the escaped character (\\, \", \u…)
  }
  return false;
}

Converted moneyToDecimal(std::string_view s) {
  bool negative = s.find('-') != std::string_view::npos || (!s.empty() && s[0] == '(');
  std::string digits;
  for (char ch : s) {
    if (std::isdigit(static_cast<unsigned char>(ch)) != 0 || ch == '.') digits += ch;
  }
  if (digits.empty()) return dataError("money value '" + shown(s) + "' has no digits");
  return value((negative ? "-" : "") + digits);
}

}  // namespace
}  // namespace detail

core::Result<std::optional<std::string>> convertValue(ConversionId id, std::optional<std::string_view> sourceText,
                                                      const ConversionContext& ctx) {
  using namespace detail;
  if (!sourceText) return std::optional<std::string>{};
  const std::string_view s = *sourceText;
  switch (id) {
    case ConversionId::Identity:
      return value(std::string(s));
    case ConversionId::Unsupported:
      return dataError("the column's type has no automatic mapping");
    case ConversionId::MySqlTinyintToBool:
      return tinyintToBool(s);
    case ConversionId::MySqlUnsignedBigintChecked:
      return unsignedBigint(s);
    case ConversionId::MySqlBitToBitString:
      return bitToBitString(s, ctx.bitLength);
    case ConversionId::MySqlSetToTextArray:
      return setToTextArray(s);
    case ConversionId::MySqlEnumChecked:
      if (s.empty()) {
        for (const auto& m : ctx.members) {
          if (m.empty()) return value({});
        }
        return dataError("value '' is MySQL's invalid-ENUM marker, not a member");
      }
      return value(std::string(s));
    case ConversionId::MySqlTextToPgText:
      if (s.find('\0') != std::string_view::npos) return dataError("value contains a 0x00 byte, which PostgreSQL text cannot hold");
      return value(std::string(s));
    case ConversionId::MySqlBytesToBytea:
      return bytesToBytea(s);
    case ConversionId::MySqlJsonToJsonb:
      if (hasJsonNul(s)) return dataError("JSON value contains \\u0000, which jsonb cannot hold");
      return value(std::string(s));
    case ConversionId::MySqlGeometryToEwkb:
      return fromSpatial(spatial::mysqlToEwkbHex(s));
    case ConversionId::MySqlGeometryToPgPoint:
      return fromSpatial(spatial::mysqlToPgPoint(s));
    case ConversionId::MySqlGeometryToPgPath:
      return fromSpatial(spatial::mysqlToPgPath(s));
    case ConversionId::MySqlGeometryToPgPolygon:
      return fromSpatial(spatial::mysqlToPgPolygon(s));
    case ConversionId::MySqlGeometryToWkbBytea: {
      auto wkb = spatial::mysqlToWkb(s);
      if (!wkb) return std::move(wkb).error();
      return bytesToBytea(*wkb);
    }
    case ConversionId::MySqlGeometryToEwkt:
      return fromSpatial(spatial::mysqlToText(s));
    case ConversionId::PgGeometryToMySql:
      return fromSpatial(spatial::ewkbHexToMysql(s));
    case ConversionId::PgBoolToTinyint:
      if (s == "t" || s == "true") return value("1");
      if (s == "f" || s == "false") return value("0");
      return dataError("value '" + shown(s) + "' is not a boolean");
    case ConversionId::PgNumericToDecimal:
      return numericToDecimal(s, ctx);
    case ConversionId::PgFloatToDouble:
      if (isSpecialFloat(s)) return dataError("value " + std::string(s) + " has no MySQL FLOAT/DOUBLE form");
      return value(std::string(s));
    case ConversionId::PgByteaToBytes:
      return byteaToBytes(s);
    case ConversionId::PgBitToMySqlBit:
      return bitToMySqlBit(s, ctx.bitLength);
    case ConversionId::PgArrayToJson:
      return ArrayToJson(s, ctx.arrayElement).run();
    case ConversionId::PgMoneyToDecimal:
      return moneyToDecimal(s);
    case ConversionId::MySqlDate:
    case ConversionId::MySqlDatetime:
    case ConversionId::MySqlDatetimeToTimestamptz:
    case ConversionId::MySqlTimestampToTimestamptz:
    case ConversionId::MySqlTimeToInterval:
    case ConversionId::MySqlTimeToTime:
    case ConversionId::MySqlYear2ToYear:
    case ConversionId::PgDateToDate:
    case ConversionId::PgTimestampToDatetime:
    case ConversionId::PgTimestamptzToUtcDatetime:
    case ConversionId::PgIntervalToTime:
      return convertTemporal(id, s, ctx);
  }
  return dataError("unknown conversion");
}

}  // namespace ferry::typemap
