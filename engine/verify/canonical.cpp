#include "verify/canonical.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/text.h"
#include "typemap/spatial.h"

namespace ferry::verify {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

void unparsable(std::string_view in, std::string& out) {
  out = "?";
  out.append(in);
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void canonicalInteger(std::string_view s, std::string& out) {
  s = trimmed(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return unparsable(s, out);
  for (char c : s) {
    if (!isDigit(c)) return unparsable(s, out);
  }
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  out.clear();
  if (neg && s != "0") out += '-';
  out.append(s);
}

bool isSpecial(std::string_view s, std::string& out) {
  const std::string l = core::toLower(s);
  if (l == "nan") {
    out = "NaN";
  } else if (l == "infinity" || l == "inf" || l == "+infinity" || l == "+inf") {
    out = "Infinity";
  } else if (l == "-infinity" || l == "-inf") {
    out = "-Infinity";
  } else {
    return false;
  }
  return true;
}

void canonicalNumeric(std::string_view in, std::string& out) {
  std::string_view s = trimmed(in);
  if (isSpecial(s, out)) return;
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  std::string_view ip = s.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (ip.empty() && fp.empty()) return unparsable(in, out);
  for (char c : ip) {
    if (!isDigit(c)) return unparsable(in, out);
  }
  for (char c : fp) {
    if (!isDigit(c)) return unparsable(in, out);
  }
  while (ip.size() > 1 && ip.front() == '0') ip.remove_prefix(1);
  while (!fp.empty() && fp.back() == '0') fp.remove_suffix(1);
  if (ip.empty()) ip = "0";
  out.clear();
  if (neg && !(ip == "0" && fp.empty())) out += '-';
  out.append(ip);
  if (!fp.empty()) {
    out += '.';
    out.append(fp);
  }
}

void canonicalFloat(std::string_view in, std::string& out, bool single) {
  std::string_view s = trimmed(in);
  if (isSpecial(s, out)) return;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return unparsable(in, out);
  if (d == 0) d = 0;  // -0 equals 0
  char buf[64];
  std::to_chars_result r;
  if (single) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(d));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, d);
  }
  out.assign(buf, r.ptr);
}

void canonicalBool(std::string_view in, std::string& out) {
  const std::string l = core::toLower(trimmed(in));
  if (l == "t" || l == "true" || l == "1" || l == "y" || l == "yes" || l == "on") {
    out = "true";
  } else if (l == "f" || l == "false" || l == "0" || l == "n" || l == "no" || l == "off") {
    out = "false";
  } else {
    unparsable(in, out);
  }
}

/// Appends ".ffffff" from a fraction's digits (padded or cut to six).
void appendMicros(std::string& out, std::string_view frac) {
  out += '.';
  out.append(frac.substr(0, 6));
  if (frac.size() < 6) out.append(6 - frac.size(), '0');
}

struct Clock {
  bool negative = false;
  std::int64_t hours = 0;
  int minutes = 0, seconds = 0;
  std::string_view fraction;
};

/// [-]H+:MM:SS[.f]
bool parseClock(std::string_view s, Clock& c) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    c.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const size_t c1 = s.find(':');
  if (c1 == std::string_view::npos || c1 == 0 || s.size() < c1 + 6 || s[c1 + 3] != ':') return false;
  for (size_t i = 0; i < c1; ++i) {
    if (!isDigit(s[i])) return false;
  }
  for (size_t i : {c1 + 1, c1 + 2, c1 + 4, c1 + 5}) {
    if (!isDigit(s[i])) return false;
  }
  c.hours = std::stoll(std::string(s.substr(0, c1)));
  c.minutes = (s[c1 + 1] - '0') * 10 + (s[c1 + 2] - '0');
  c.seconds = (s[c1 + 4] - '0') * 10 + (s[c1 + 5] - '0');
  std::string_view rest = s.substr(c1 + 6);
  if (!rest.empty()) {
    if (rest.front() != '.') return false;
    rest.remove_prefix(1);
    for (char ch : rest) {
      if (!isDigit(ch)) return false;
    }
    c.fraction = rest;
  }
  return true;
}

void canonicalTime(std::string_view in, std::string& out) {
  Clock c;
  if (!parseClock(trimmed(in), c)) return unparsable(in, out);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%02lld:%02d:%02d", c.negative ? "-" : "", static_cast<long long>(c.hours), c.minutes,
                c.seconds);
  out = buf;
  appendMicros(out, c.fraction);
  if (c.negative && out == "-00:00:00.000000") out.erase(0, 1);
}

struct DateTime {
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  int hour = 0, minute = 0, second = 0;
  std::string_view fraction;
  bool hasOffset = false;
  int offsetSeconds = 0;  ///< east of UTC
};

/// YYYY-MM-DD[ T]HH:MM:SS[.f][Z|±HH[:MM[:SS]]]
bool parseDateTime(std::string_view s, DateTime& t) {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!isDigit(s[i])) return false;
  }
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (s[at + i] - '0');
    return v;
  };
  t.year = num(0, 4);
  t.month = static_cast<unsigned>(num(5, 2));
  t.day = static_cast<unsigned>(num(8, 2));
  t.hour = num(11, 2);
  t.minute = num(14, 2);
  t.second = num(17, 2);
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && isDigit(s[i])) ++i;
    t.fraction = s.substr(start, i - start);
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z' && i + 1 == s.size()) {
    t.hasOffset = true;
    return true;
  }
  if (s[i] != '+' && s[i] != '-') return false;
  const int sign = s[i] == '-' ? -1 : 1;
  std::string_view off = s.substr(i + 1);
  int parts[3] = {0, 0, 0};
  int n = 0;
  while (!off.empty() && n < 3) {
    if (off.size() < 2 || !isDigit(off[0]) || !isDigit(off[1])) return false;
    parts[n++] = (off[0] - '0') * 10 + (off[1] - '0');
    off.remove_prefix(2);
    if (!off.empty()) {
      if (off.front() != ':') return false;
      off.remove_prefix(1);
    }
  }
  if (!off.empty()) return false;
  t.hasOffset = true;
  t.offsetSeconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

void append2(std::string& out, int v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

void appendDateTime(std::string& out, std::int64_t y, unsigned m, unsigned d, int hh, int mm, int ss) {
  if (y >= 0 && y <= 9999) {
    append2(out, static_cast<int>(y / 100));
    append2(out, static_cast<int>(y % 100));
  } else {
    out += std::to_string(y);
  }
  out += '-';
  append2(out, static_cast<int>(m));
  out += '-';
  append2(out, static_cast<int>(d));
  out += 'T';
  append2(out, hh);
  out += ':';
  append2(out, mm);
  out += ':';
  append2(out, ss);
}

bool specialTemporal(std::string_view s, std::string& out) {
  if (s == "infinity" || s == "-infinity") {
    out.assign(s);
    return true;
  }
  return false;
}

void canonicalTimestamp(std::string_view in, std::string& out, bool withZone) {
  std::string_view s = trimmed(in);
  if (specialTemporal(s, out)) return;
  std::string_view era;
  if (core::endsWith(s, " BC")) {
    era = " BC";
    s.remove_suffix(3);
  }
  DateTime t;
  if (!parseDateTime(s, t)) return unparsable(in, out);
  out.clear();
  if (!withZone || t.offsetSeconds == 0 || !era.empty()) {
    appendDateTime(out, t.year, t.month, t.day, t.hour, t.minute, t.second);
  } else {
    std::int64_t secs = core::daysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
                        t.offsetSeconds;
    std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    std::int64_t rem = secs - days * 86400;
    std::int64_t y;
    unsigned m, d;
    core::civilFromDays(days, y, m, d);
    appendDateTime(out, y, m, d, static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                   static_cast<int>(rem % 60));
  }
  appendMicros(out, t.fraction);
  if (withZone) out += 'Z';
  out.append(era);
}

/// PostgreSQL "postgres" interval style: [N year[s]] [N mon[s]] [N day[s]] [±HH:MM:SS[.f]]
void canonicalInterval(std::string_view in, std::string& out) {
  std::int64_t months = 0, days = 0, micros = 0;
  const auto words = core::split(trimmed(in), ' ');
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.empty()) continue;
    if (w.find(':') != std::string::npos) {
      Clock c;
      if (!parseClock(w, c)) return unparsable(in, out);
      std::string frac(c.fraction.substr(0, 6));
      frac.resize(6, '0');
      std::int64_t us = ((c.hours * 60 + c.minutes) * 60 + c.seconds) * 1000000 + std::stoll(frac);
      micros += c.negative ? -us : us;
      continue;
    }
    if (i + 1 >= words.size()) return unparsable(in, out);
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), n);
    if (ec != std::errc() || p != w.data() + w.size()) return unparsable(in, out);
    const std::string unit = words[++i];
    if (core::startsWith(unit, "year")) {
      months += n * 12;
    } else if (core::startsWith(unit, "mon")) {
      months += n;
    } else if (core::startsWith(unit, "day")) {
      days += n;
    } else {
      return unparsable(in, out);
    }
  }
  out = "P" + std::to_string(months) + "M" + std::to_string(days) + "DT" + std::to_string(micros) + "U";
}

void hexOf(std::string_view bytes, std::string& out) {
  static const char* digits = "0123456789abcdef";
  out.clear();
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
}

void canonicalBytea(std::string_view in, std::string& out) {
  if (!core::startsWith(in, "\\x")) return unparsable(in, out);
  out = core::toLower(in.substr(2));
}

void canonicalJson(std::string_view in, std::string& out) {
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return unparsable(in, out);
  out = j.dump();  // objects are std::map: keys sorted; no spaces
}

/// One level of a PostgreSQL array literal: elements re-emitted quoted.
bool canonicalArray(std::string_view s, size_t& i, std::string& out) {
  if (i >= s.size() || s[i] != '{') return false;
  ++i;
  out += '{';
  bool first = true;
  while (i < s.size()) {
    if (s[i] == '}') {
      ++i;
      out += '}';
      return true;
    }
    if (!first) {
      if (s[i] != ',') return false;
      ++i;
    }
    if (!first) out += ',';
    first = false;
    if (i < s.size() && s[i] == '{') {
      if (!canonicalArray(s, i, out)) return false;
      continue;
    }
    std::string elem;
    bool quoted = false;
    if (i < s.size() && s[i] == '"') {
      quoted = true;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        elem += s[i++];
      }
      if (i >= s.size()) return false;
      ++i;
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '}') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        elem += s[i++];
      }
      elem = core::trim(elem);
    }
    if (!quoted && core::toUpper(elem) == "NULL") {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : elem) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return false;
}

}  // namespace

const char* valueClassName(ValueClass c) {
  switch (c) {
    case ValueClass::Text: return "text";
    case ValueClass::PaddedChar: return "char";
    case ValueClass::Integer: return "integer";
    case ValueClass::Numeric: return "numeric";
    case ValueClass::Float4: return "float4";
    case ValueClass::Float8: return "float8";
    case ValueClass::Bool: return "bool";
    case ValueClass::Date: return "date";
    case ValueClass::Timestamp: return "timestamp";
    case ValueClass::TimestampTz: return "timestamptz";
    case ValueClass::Time: return "time";
    case ValueClass::Interval: return "interval";
    case ValueClass::Bytes: return "bytes";
    case ValueClass::ByteaHex: return "bytea";
    case ValueClass::Json: return "json";
    case ValueClass::Uuid: return "uuid";
    case ValueClass::PgArray: return "array";
    case ValueClass::GeometryEwkbHex: return "geometry";
    case ValueClass::GeometryMySql: return "geometry";
    case ValueClass::PgGeometric: return "geometric";
  }
  return "text";
}

ValueClass classify(model::Engine targetEngine, std::string_view targetType) {
  std::string t = core::toLower(core::trim(targetType));
  // PostGIS types may be schema-qualified ("gis".geometry(Point,4326)).
  if (targetEngine == model::Engine::PostgreSQL && !core::endsWith(t, "]") &&
      (t.find("geometry") != std::string::npos || t.find("geography") != std::string::npos)) {
    return ValueClass::GeometryEwkbHex;
  }
  if (t.empty() || t.front() == '"' || t.front() == '`') return ValueClass::Text;  // user type (enum, domain)
  if (targetEngine == model::Engine::PostgreSQL && core::endsWith(t, "]")) return ValueClass::PgArray;
  const bool unsignedType = t.find(" unsigned") != std::string::npos;
  (void)unsignedType;
  const size_t paren = t.find('(');
  const std::string base = core::trim(paren == std::string::npos ? t : t.substr(0, paren));
  const bool withZone = t.find("with time zone") != std::string::npos;
  auto is = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) {
      if (base == n || core::startsWith(base, std::string(n) + " ")) return true;
    }
    return false;
  };
  if (is({"smallint", "integer", "int", "bigint", "int2", "int4", "int8", "tinyint", "mediumint", "year", "serial",
          "bigserial", "smallserial"})) {
    return ValueClass::Integer;
  }
  if (is({"numeric", "decimal"})) return ValueClass::Numeric;
  if (is({"real", "float4"})) {
    return targetEngine == model::Engine::PostgreSQL ? ValueClass::Float4 : ValueClass::Float8;  // MySQL REAL = DOUBLE
  }
  if (is({"float"})) {
    // MySQL FLOAT(p) with p > 24 is a DOUBLE.
    if (paren != std::string::npos) {
      const int p = std::atoi(t.c_str() + paren + 1);
      if (p > 24) return ValueClass::Float8;
    }
    return ValueClass::Float4;
  }
  if (is({"double precision", "double", "float8"})) return ValueClass::Float8;
  if (is({"boolean", "bool"})) return ValueClass::Bool;
  if (is({"date"})) return ValueClass::Date;
  if (is({"timestamptz"})) return ValueClass::TimestampTz;
  if (is({"timestamp"})) {
    return withZone && targetEngine == model::Engine::PostgreSQL ? ValueClass::TimestampTz : ValueClass::Timestamp;
  }
  if (is({"datetime"})) return ValueClass::Timestamp;
  if (is({"time"})) return withZone ? ValueClass::Text : ValueClass::Time;
  if (is({"interval"})) return ValueClass::Interval;
  if (is({"bytea"})) return ValueClass::ByteaHex;
  if (targetEngine == model::Engine::PostgreSQL && is({"point", "path", "polygon", "lseg", "box", "circle", "line"})) {
    return ValueClass::PgGeometric;
  }
  if (targetEngine != model::Engine::PostgreSQL &&
      is({"point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection",
          "geometry"})) {
    return ValueClass::GeometryMySql;
  }
  if (is({"blob", "tinyblob", "mediumblob", "longblob", "binary", "varbinary", "bit"})) {
    return targetEngine == model::Engine::PostgreSQL ? ValueClass::Text : ValueClass::Bytes;
  }
  if (is({"json", "jsonb"})) return ValueClass::Json;
  if (is({"uuid"})) return ValueClass::Uuid;
  if (is({"character", "char", "bpchar"}) && t.find("varying") == std::string::npos) return ValueClass::PaddedChar;
  return ValueClass::Text;
}

void canonicalize(ValueClass c, std::string_view in, std::string& out) {
  switch (c) {
    case ValueClass::Text:
      out.assign(in);
      return;
    case ValueClass::PaddedChar: {
      while (!in.empty() && in.back() == ' ') in.remove_suffix(1);
      out.assign(in);
      return;
    }
    case ValueClass::Integer: return canonicalInteger(in, out);
    case ValueClass::Numeric: return canonicalNumeric(in, out);
    case ValueClass::Float4: return canonicalFloat(in, out, true);
    case ValueClass::Float8: return canonicalFloat(in, out, false);
    case ValueClass::Bool: return canonicalBool(in, out);
    case ValueClass::Date: out.assign(trimmed(in)); return;
    case ValueClass::Timestamp: return canonicalTimestamp(in, out, false);
    case ValueClass::TimestampTz: return canonicalTimestamp(in, out, true);
    case ValueClass::Time: return canonicalTime(in, out);
    case ValueClass::Interval: return canonicalInterval(in, out);
    case ValueClass::Bytes: return hexOf(in, out);
    case ValueClass::ByteaHex: return canonicalBytea(in, out);
    case ValueClass::Json: return canonicalJson(in, out);
    case ValueClass::Uuid: out = core::toLower(trimmed(in)); return;
    case ValueClass::GeometryEwkbHex:
    case ValueClass::GeometryMySql: {
      auto text = c == ValueClass::GeometryMySql ? typemap::spatial::mysqlToText(in) : typemap::spatial::ewkbHexToText(in);
      if (text) {
        out = std::move(*text);
      } else {
        unparsable(in, out);
      }
      return;
    }
    case ValueClass::PgGeometric: out = typemap::spatial::normalizeNumbers(in); return;
    case ValueClass::PgArray: {
      out.clear();
      size_t i = 0;
      const std::string_view s = trimmed(in);
      if (!canonicalArray(s, i, out) || i != s.size()) unparsable(in, out);
      return;
    }
  }
  out.assign(in);
}

std::string canonical(ValueClass c, std::string_view in) {
  std::string out;
  canonicalize(c, in, out);
  return out;
}

namespace {

/// FNV-1a, 64 bits, fed piece by piece: the same bytes give the same hash
/// however they arrive.
struct Fnv {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void byte(unsigned char c) { h = (h ^ c) * 0x100000001b3ULL; }
  void bytes(std::string_view s) {
    for (unsigned char c : s) byte(c);
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(v >> (8 * i)));
  }
};

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Hashes a JSON document from nlohmann's SAX events. A scalar hashes its
/// canonical text (as json::dump() prints it); an array its elements' hashes
/// in order; an object its members' (key, hash) in key order, the last of
/// duplicate keys winning — the order and rule of the parsed-and-dumped form
/// this replaces. Memory: the open objects' member hashes, not the document.
class JsonDigest final : public nlohmann::json_sax<nlohmann::json> {
public:
  bool null() override { return scalar('n', "null"); }
  bool boolean(bool v) override { return scalar('b', v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override { return scalar('#', nlohmann::json(v).dump()); }
  bool number_unsigned(number_unsigned_t v) override { return scalar('#', nlohmann::json(v).dump()); }
  bool number_float(number_float_t v, const string_t&) override { return scalar('#', nlohmann::json(v).dump()); }
  bool string(string_t& v) override {
    Fnv f;
    f.byte('s');
    f.bytes(v);
    return add(f.h);
  }
  bool binary(binary_t&) override { return false; }  // not in JSON text
  bool start_object(std::size_t) override {
    m_stack.push_back(Frame{true, {}, {}, {}});
    return true;
  }
  bool key(string_t& k) override {
    m_stack.back().key = k;
    return true;
  }
  bool end_object() override {
    Fnv f;
    f.byte('{');
    for (const auto& [k, v] : m_stack.back().members) {
      f.u64(k.size());
      f.bytes(k);
      f.u64(v);
    }
    f.byte('}');
    m_stack.pop_back();
    return add(f.h);
  }
  bool start_array(std::size_t) override {
    Frame a{false, {}, {}, {}};
    a.array.byte('[');
    m_stack.push_back(std::move(a));
    return true;
  }
  bool end_array() override {
    Fnv f = m_stack.back().array;
    f.byte(']');
    m_stack.pop_back();
    return add(f.h);
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

  std::optional<std::uint64_t> result() const { return m_stack.empty() ? m_result : std::nullopt; }

private:
  struct Frame {
    bool object;
    std::map<std::string, std::uint64_t> members;
    std::string key;
    Fnv array;
  };
  bool scalar(char tag, std::string_view text) {
    Fnv f;
    f.byte(static_cast<unsigned char>(tag));
    f.bytes(text);
    return add(f.h);
  }
  bool add(std::uint64_t h) {
    if (m_stack.empty()) {
      m_result = h;
    } else if (m_stack.back().object) {
      m_stack.back().members[m_stack.back().key] = h;
    } else {
      m_stack.back().array.u64(h);
    }
    return true;
  }
  std::vector<Frame> m_stack;
  std::optional<std::uint64_t> m_result;
};

}  // namespace

std::uint64_t hashCanonical(ValueClass c, std::string_view in, std::string& scratch) {
  switch (c) {
    case ValueClass::Text: return hashValue(in);  // canonical as it is: no copy
    case ValueClass::Bytes: {
      Fnv f;
      f.byte('B');
      f.bytes(in);
      return f.h;
    }
    case ValueClass::ByteaHex: {
      if (!core::startsWith(in, "\\x") || in.size() % 2 != 0) break;
      Fnv f;
      f.byte('B');
      bool ok = true;
      for (std::size_t i = 2; i + 1 < in.size() && ok; i += 2) {
        const int hi = nibble(in[i]);
        const int lo = nibble(in[i + 1]);
        ok = hi >= 0 && lo >= 0;
        f.byte(static_cast<unsigned char>((hi << 4) | lo));
      }
      if (ok) return f.h;
      break;
    }
    case ValueClass::Json: {
      JsonDigest d;
      if (nlohmann::json::sax_parse(in.begin(), in.end(), &d)) {
        if (auto h = d.result()) return *h;
      }
      unparsable(in, scratch);
      return hashValue(scratch);
    }
    default: break;
  }
  canonicalize(c, in, scratch);
  return hashValue(scratch);
}

std::uint64_t hashValue(std::optional<std::string_view> v) {
  if (!v) return 0x9e3779b97f4a7c15ULL;  // NULL: a constant no text hashes to in practice
  // libstdc++'s std::hash on bytes is a 64-bit Murmur-style hash: fast and well mixed.
  return std::hash<std::string_view>{}(*v) ^ (v->size() * 0x100000001b3ULL);
}

}  // namespace ferry::verify
