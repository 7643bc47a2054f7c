// Strict, type-aware equality of a source value and what came back from the target.

#include "roundtrip_support.h"

#include "core/calendar.h"

namespace ferry::rt {

// ---------------------------------------------------------------------------
// Type-aware, strict equality.
// ---------------------------------------------------------------------------


bool isMySqlInt(const std::string& b) {
  return b == "tinyint" || b == "smallint" || b == "mediumint" || b == "int" || b == "integer" || b == "bigint" || b == "year";
}

Kind kindOf(Engine srcEngine, const model::DataType& t) {
  const std::string b = lower(t.base);
  if (t.arrayDims > 0) return Kind::Text;
  if (isPg(srcEngine)) {
    if (b == "smallint" || b == "integer" || b == "bigint" || b == "oid") return Kind::Int;
    if (b == "boolean") return Kind::Bool;
    if (b == "numeric" || b == "decimal") return Kind::Decimal;
    if (b == "real") return Kind::Float4;
    if (b == "double precision") return Kind::Float8;
    if (b == "date" || core::startsWith(b, "timestamp")) return Kind::Timestamp;
    if (b == "time without time zone" || b == "time") return Kind::Duration;
    if (b == "bit" || b == "bit varying" || b == "varbit") return Kind::Bits;
    if (b == "bytea") return Kind::Bytes;
    if (b == "jsonb") return Kind::JsonB;
    if (b == "uuid") return Kind::Uuid;
    return Kind::Text;
  }
  if (isMySqlInt(b)) return Kind::Int;
  if (b == "decimal" || b == "numeric") return Kind::Decimal;
  if (b == "float") return Kind::Float4;
  if (b == "double" || b == "real") return Kind::Float8;
  if (b == "date" || b == "datetime" || b == "timestamp") return Kind::Timestamp;
  if (b == "time") return Kind::Duration;
  if (b == "bit") return Kind::Bits;
  if (b == "binary" || b == "varbinary" || core::endsWith(b, "blob") || b == "geometry" || b == "point" ||
      b == "linestring" || b == "polygon" || core::startsWith(b, "multi") || b == "geometrycollection") {
    return Kind::Bytes;
  }
  if (b == "uuid") return Kind::Uuid;
  if (b == "inet4" || b == "inet6") return Kind::Inet;
  return Kind::Text;
}

/// True when a MySQL/MariaDB column of this declared type is written as a hex literal.
bool isMySqlBinaryTarget(const std::string& targetType) {
  const std::string t = lower(targetType);
  for (const char* p : {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "geometry", "point",
                        "linestring", "polygon", "multi", "geomcollection"}) {
    if (core::startsWith(t, p)) return true;
  }
  return false;
}

std::string normInt(std::string s) {
  bool neg = false;
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  while (i + 1 < s.size() && s[i] == '0') ++i;
  std::string digits = s.substr(i);
  if (digits == "0") neg = false;
  return (neg ? "-" : "") + digits;
}

std::optional<std::string> normBool(const std::string& s) {
  if (s == "t" || s == "true" || s == "1") return std::string("1");
  if (s == "f" || s == "false" || s == "0") return std::string("0");
  return std::nullopt;
}

/// Strips trailing fractional zeros (and a bare point): "1.500" → "1.5", "2.00" → "2".
std::string stripScaleZeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// The scale of "numeric(p,s)" / "DECIMAL(p,s)"; nullopt when not given.
std::optional<int> declaredScale(const std::string& type) {
  const auto comma = type.find(',');
  const auto close = type.find(')');
  if (comma == std::string::npos || close == std::string::npos || close < comma) return std::nullopt;
  return std::atoi(type.substr(comma + 1, close - comma - 1).c_str());
}

bool parseDouble(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

bool parseFloat(const std::string& s, float& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtof(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

template <typename T>
bool sameIeee(T a, T b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// A parsed date / timestamp: an instant as (days, microseconds of the day) in UTC
/// when an offset is present, or local otherwise; ±infinity kept as text.
struct Instant {
  std::string special;
  std::int64_t days = 0;
  std::int64_t micros = 0;
  bool operator==(const Instant& o) const { return special == o.special && days == o.days && micros == o.micros; }
};

std::optional<std::int64_t> parseFraction(const std::string& s, std::size_t& pos) {
  std::int64_t us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) {
      if (n >= 6) return std::nullopt;  // finer than a microsecond: not a value either engine stores
      us = us * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    for (; n < 6; ++n) us *= 10;
  }
  return us;
}

std::optional<Instant> parseInstant(std::string s) {
  Instant r;
  if (s == "infinity" || s == "-infinity") {
    r.special = s;
    return r;
  }
  bool bc = false;
  if (core::endsWith(s, " BC")) {
    bc = true;
    s = s.substr(0, s.size() - 3);
  }
  std::size_t pos = 0;
  std::int64_t y = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) y = y * 10 + (s[pos++] - '0');
  if (pos + 6 > s.size() || s[pos] != '-' || s[pos + 3] != '-') return std::nullopt;
  const int mo = std::atoi(s.substr(pos + 1, 2).c_str());
  const int d = std::atoi(s.substr(pos + 4, 2).c_str());
  pos += 6;
  if (bc) y = 1 - y;
  r.days = core::daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (pos < s.size() && s[pos] == ' ') {
    ++pos;
    if (pos + 8 > s.size() || s[pos + 2] != ':' || s[pos + 5] != ':') return std::nullopt;
    const std::int64_t hh = std::atoi(s.substr(pos, 2).c_str());
    const std::int64_t mi = std::atoi(s.substr(pos + 3, 2).c_str());
    const std::int64_t ss = std::atoi(s.substr(pos + 6, 2).c_str());
    pos += 8;
    auto us = parseFraction(s, pos);
    if (!us) return std::nullopt;
    r.micros = ((hh * 60 + mi) * 60 + ss) * 1000000 + *us;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos] == '-' ? -1 : 1;
      const std::string off = s.substr(pos + 1);
      std::int64_t secs = std::atoi(off.substr(0, 2).c_str()) * 3600;
      if (off.size() >= 5) secs += std::atoi(off.substr(3, 2).c_str()) * 60;
      if (off.size() >= 8) secs += std::atoi(off.substr(6, 2).c_str());
      r.micros -= sign * secs * 1000000;
      pos = s.size();
    }
    while (r.micros < 0) {
      r.micros += 86400LL * 1000000;
      --r.days;
    }
    while (r.micros >= 86400LL * 1000000) {
      r.micros -= 86400LL * 1000000;
      ++r.days;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return r;
}

/// [-]H+:MM:SS[.ffffff] → signed microseconds.
std::optional<std::int64_t> parseDuration(const std::string& s) {
  std::size_t pos = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) ++pos;
  const auto c1 = s.find(':', pos);
  if (c1 == std::string::npos || c1 + 6 > s.size() || s[c1 + 3] != ':') return std::nullopt;
  const std::int64_t h = std::atoll(s.substr(pos, c1 - pos).c_str());
  const std::int64_t m = std::atoi(s.substr(c1 + 1, 2).c_str());
  const std::int64_t sec = std::atoi(s.substr(c1 + 4, 2).c_str());
  pos = c1 + 6;
  auto us = parseFraction(s, pos);
  if (!us || pos != s.size()) return std::nullopt;
  const std::int64_t v = ((h * 60 + m) * 60 + sec) * 1000000 + *us;
  return neg ? -v : v;
}

std::string bytesToBits(const std::string& bytes, std::int64_t n) {
  std::string bits;
  for (unsigned char ch : bytes) {
    for (int i = 7; i >= 0; --i) bits += ((ch >> i) & 1U) != 0 ? '1' : '0';
  }
  const auto want = static_cast<std::size_t>(n);
  if (bits.size() > want) {
    if (bits.find('1') < bits.size() - want) return "<" + std::to_string(bits.size()) + " bits: " + bits + ">";
    bits = bits.substr(bits.size() - want);
  } else if (bits.size() < want) {
    bits.insert(0, want - bits.size(), '0');
  }
  return bits;
}

std::optional<std::string> pgByteaToBytes(const std::string& s) {
  if (!core::startsWith(s, "\\x") || s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 2; i < s.size(); i += 2) out += static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}

std::string hexOf(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char ch : bytes) {
    out += kHex[ch >> 4];
    out += kHex[ch & 0xF];
  }
  return out;
}

/// A canonical JSON text for jsonb equality: object keys sorted (the last of a
/// duplicate wins, as in jsonb), strings decoded and re-escaped, numbers and
/// literals kept exactly as written. Nothing else is normalised.
class JsonCanon {
public:
  explicit JsonCanon(const std::string& s) : m_s(s) {}
  std::optional<std::string> run() {
    std::string out;
    ws();
    if (!value(out)) return std::nullopt;
    ws();
    if (m_p != m_s.size()) return std::nullopt;
    return out;
  }

private:
  void ws() {
    while (m_p < m_s.size() && (m_s[m_p] == ' ' || m_s[m_p] == '\t' || m_s[m_p] == '\n' || m_s[m_p] == '\r')) ++m_p;
  }
  bool value(std::string& out) {
    if (m_p >= m_s.size()) return false;
    const char c = m_s[m_p];
    if (c == '{') {
      ++m_p;
      std::map<std::string, std::string> members;
      ws();
      if (m_p < m_s.size() && m_s[m_p] == '}') {
        ++m_p;
      } else {
        for (;;) {
          ws();
          std::string key;
          if (!string(key)) return false;
          ws();
          if (m_p >= m_s.size() || m_s[m_p] != ':') return false;
          ++m_p;
          ws();
          std::string v;
          if (!value(v)) return false;
          members[key] = v;
          ws();
          if (m_p < m_s.size() && m_s[m_p] == ',') {
            ++m_p;
            continue;
          }
          if (m_p < m_s.size() && m_s[m_p] == '}') {
            ++m_p;
            break;
          }
          return false;
        }
      }
      out += '{';
      bool first = true;
      for (const auto& [k, v] : members) {
        if (!first) out += ',';
        first = false;
        out += k + ":" + v;
      }
      out += '}';
      return true;
    }
    if (c == '[') {
      ++m_p;
      out += '[';
      ws();
      if (m_p < m_s.size() && m_s[m_p] == ']') {
        ++m_p;
        out += ']';
        return true;
      }
      for (bool first = true;; first = false) {
        if (!first) out += ',';
        ws();
        if (!value(out)) return false;
        ws();
        if (m_p < m_s.size() && m_s[m_p] == ',') {
          ++m_p;
          continue;
        }
        if (m_p < m_s.size() && m_s[m_p] == ']') {
          ++m_p;
          out += ']';
          return true;
        }
        return false;
      }
    }
    if (c == '"') return string(out);
    const std::size_t start = m_p;
    while (m_p < m_s.size() && std::strchr(",]} \t\r\n", m_s[m_p]) == nullptr) ++m_p;
    if (m_p == start) return false;
    out += m_s.substr(start, m_p - start);
    return true;
  }
  static void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool hex4(std::uint32_t& v) {
    if (m_p + 4 > m_s.size()) return false;
    v = static_cast<std::uint32_t>(std::stoul(m_s.substr(m_p, 4), nullptr, 16));
    m_p += 4;
    return true;
  }
  /// Decodes a JSON string and writes it back with only '"', '\\' and controls escaped.
  bool string(std::string& out) {
    if (m_p >= m_s.size() || m_s[m_p] != '"') return false;
    ++m_p;
    std::string raw;
    while (m_p < m_s.size() && m_s[m_p] != '"') {
      if (m_s[m_p] != '\\') {
        raw += m_s[m_p++];
        continue;
      }
      ++m_p;
      if (m_p >= m_s.size()) return false;
      const char e = m_s[m_p++];
      switch (e) {
        case 'n': raw += '\n'; break;
        case 't': raw += '\t'; break;
        case 'r': raw += '\r'; break;
        case 'b': raw += '\b'; break;
        case 'f': raw += '\f'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && m_p + 6 <= m_s.size() && m_s[m_p] == '\\' && m_s[m_p + 1] == 'u') {
            m_p += 2;
            std::uint32_t lo = 0;
            if (!hex4(lo)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(raw, cp);
          break;
        }
        default: raw += e;
      }
    }
    if (m_p >= m_s.size()) return false;
    ++m_p;
    out += '"';
    for (unsigned char ch : raw) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", ch);
        out += buf;
      } else {
        out += static_cast<char>(ch);
      }
    }
    out += '"';
    return true;
  }
  const std::string& m_s;
  std::size_t m_p = 0;
};

std::optional<std::string> inetBytes(std::string s) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return "4:" + std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return "6:" + std::string(reinterpret_cast<char*>(buf), 16);
  return std::nullopt;
}



/// Compares one source value with what came back from the target: "" when equal,
/// otherwise why not.
std::string compareValues(const ColumnCase& cc, Engine srcEngine, Engine dstEngine, const std::string& a, const std::string& b) {
  const auto& m = cc.ca->mapping;
  switch (cc.kind) {
    case Kind::Text:
      return a == b ? "" : "text differs";
    case Kind::Int:
      if (lower(m.targetType) == "boolean") return "integer mapped to boolean";
      return normInt(a) == normInt(b) ? "" : "integers differ";
    case Kind::Bool: {
      auto x = normBool(a);
      auto y = normBool(b);
      return x && y && *x == *y ? "" : "booleans differ";
    }
    case Kind::Decimal: {
      if (a == b) return "";
      const auto ss = cc.src->type.scale;
      const auto ts = declaredScale(m.targetType);
      if (ss && ts && *ts > *ss && stripScaleZeros(a) == stripScaleZeros(b)) return "";
      return "decimals differ";
    }
    case Kind::Float4: {
      float x = 0;
      float y = 0;
      if (!parseFloat(a, x) || !parseFloat(b, y)) return "unparsable float";
      return sameIeee(x, y) ? "" : "IEEE single values differ";
    }
    case Kind::Float8: {
      double x = 0;
      double y = 0;
      if (!parseDouble(a, x) || !parseDouble(b, y)) return "unparsable double";
      return sameIeee(x, y) ? "" : "IEEE double values differ";
    }
    case Kind::Timestamp: {
      auto x = parseInstant(a);
      auto y = parseInstant(b);
      if (!x || !y) return a == b ? "" : "unparsable timestamps differ";
      return *x == *y ? "" : "timestamps differ (to the microsecond)";
    }
    case Kind::Duration: {
      auto x = parseDuration(a);
      auto y = parseDuration(b);
      if (!x || !y) return a == b ? "" : "unparsable times differ";
      return *x == *y ? "" : "times differ (to the microsecond)";
    }
    case Kind::Bits: {
      const std::int64_t n = m.conversionContext.bitLength > 0 ? m.conversionContext.bitLength
                                                                : static_cast<std::int64_t>(std::max(a.size(), b.size()));
      const std::string x = isPg(srcEngine) ? a : bytesToBits(a, n);
      const std::string y = isPg(dstEngine) ? b : bytesToBits(b, n);
      return x == y ? "" : "bit strings differ (" + x + " vs " + y + ")";
    }
    case Kind::Bytes: {
      auto x = isPg(srcEngine) ? pgByteaToBytes(a) : std::optional<std::string>(a);
      auto y = isPg(dstEngine) ? pgByteaToBytes(b) : std::optional<std::string>(b);
      return x && y && *x == *y ? "" : "bytes differ";
    }
    case Kind::JsonB: {
      auto x = JsonCanon(a).run();
      auto y = JsonCanon(b).run();
      if (!x || !y) return a == b ? "" : "unparsable JSON differs";
      return *x == *y ? "" : "JSON values differ";
    }
    case Kind::Uuid:
      return lower(a) == lower(b) ? "" : "UUIDs differ";
    case Kind::Inet: {
      auto x = inetBytes(a);
      auto y = inetBytes(b);
      return x && y && *x == *y ? "" : "addresses differ";
    }
  }
  return "unknown kind";
}

std::string shown(const std::string& v) {
  std::string out;
  const std::size_t limit = 120;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) {
    const auto ch = static_cast<unsigned char>(v[i]);
    if (ch < 0x20 || ch == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (v.size() > limit) out += "… (" + std::to_string(v.size()) + " bytes)";
  return "'" + out + "'";
}

std::string shownOpt(const std::optional<std::string>& v) { return v ? shown(*v) : "NULL"; }

/// Documented exceptions to the severities (docs/typemap.md "Known exceptions"): the
/// converter must fail loudly on them rather than move a changed value.
bool documentedException(typemap::ConversionId id, const std::string& value) {
  if (id == typemap::ConversionId::MySqlTextToPgText) return value.find('\0') != std::string::npos;
  return false;
}


}  // namespace ferry::rt
