// Shared helpers of the type mapper: findings, quoting, default-expression parsing,
// identifier shortening, index findings, the user-type lookup and conversion names.

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/mapper_internal.h"

namespace ferry::typemap {
namespace detail {

void addFinding(ColumnMapping& m, std::string code, Severity severity, std::string message, std::string action) {
  for (const auto& f : m.findings) {
    if (f.code == code) return;  // one finding per code and column
  }
  m.findings.push_back({std::move(code), severity, std::move(message), std::move(action)});
}

void addOption(ColumnMapping& m, const char* key) {
  for (const auto& o : m.options) {
    if (o == key) return;
  }
  m.options.emplace_back(key);
}

std::string who(const model::Table& t, const model::Column& c) { return t.name + "." + c.name; }

// The target's quoting rules live in ddl/ (one definition for the generators
// and the mapper): MySQL scripts run with NO_BACKSLASH_ESCAPES, so a literal
// only doubles its quotes.
std::string quoteIdent(model::Engine target, std::string_view name) { return ddl::quoteIdent(target, name); }

std::string quoteLiteral(model::Engine, std::string_view value) { return ddl::quoteLiteral(value); }

std::string quoteQualified(model::Engine target, std::string_view schema, std::string_view name) {
  return ddl::qualified(target, schema, name);
}

bool isMySqlIntegerBase(const std::string& b) {
  return b == "tinyint" || b == "smallint" || b == "mediumint" || b == "int" || b == "integer" || b == "bigint";
}

bool isZeroDateText(std::string_view s) {
  // A zero or partial date has a 00 year, month or day: '0000-00-00', '2024-00-15', '2024-05-00'.
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  return s.substr(0, 4) == "0000" || s.substr(5, 2) == "00" || s.substr(8, 2) == "00";
}

namespace {

bool isNumberText(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digits = false;
  bool dot = false;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (std::isdigit(static_cast<unsigned char>(ch)) != 0) {
      digits = true;
    } else if (ch == '.' && !dot) {
      dot = true;
    } else if ((ch == 'e' || ch == 'E') && digits && i + 1 < s.size()) {
      return isNumberText(s.substr(i + 1)) && s.substr(i + 1).find('.') == std::string_view::npos;
    } else {
      return false;
    }
  }
  return digits;
}

/// Reads a '…' literal starting at s[0]; doubled quotes and (MySQL) backslash escapes.
std::optional<std::string> unquote(std::string_view s, bool backslashes) {
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') {
      if (i + 2 < s.size() && s[i + 1] == '\'') {
        out += '\'';
        ++i;
        continue;
      }
      return std::nullopt;  // a quote in the middle: not one literal ('a' || 'b')
    }
    if (backslashes && s[i] == '\\' && i + 2 < s.size()) {
      ++i;
      switch (s[i]) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        default: out += s[i]; break;
      }
      continue;
    }
    out += s[i];
  }
  return out;
}

/// CURRENT_TIMESTAMP, current_timestamp(), CURRENT_TIMESTAMP(6), now(), localtimestamp…
/// A CURRENT_TIMESTAMP-like default and its fractional precision (-1: none given).
/// A plain struct rather than optional<optional<int>>: GCC 12 at -O2 reports the
/// nested optional as maybe-uninitialized.
struct CurrentTimestampDefault {
  int precision = -1;
};

std::optional<CurrentTimestampDefault> currentTimestamp(std::string_view text) {
  const std::string s = core::toLower(core::trim(text));
  for (const char* name : {"current_timestamp", "now", "localtimestamp", "localtime", "statement_timestamp",
                           "transaction_timestamp"}) {
    const std::string n = name;
    if (s == n || s == n + "()") return CurrentTimestampDefault{};
    if (core::startsWith(s, n + "(") && core::endsWith(s, ")")) {
      const std::string digits = s.substr(n.size() + 1, s.size() - n.size() - 2);
      if (!digits.empty() && digits.size() <= 1 && std::isdigit(static_cast<unsigned char>(digits[0])) != 0) {
        if (n == "localtime") return std::nullopt;
        return CurrentTimestampDefault{digits[0] - '0'};
      }
    }
  }
  return std::nullopt;
}

/// Strips balanced outer parentheses and trailing ::type casts outside quotes.
std::string stripPgCasts(std::string s) {
  for (;;) {
    s = core::trim(s);
    if (s.size() >= 2 && s.front() == '(') {
      int depth = 0;
      bool quoted = false;
      std::size_t close = std::string::npos;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\'') quoted = !quoted;
        if (quoted) continue;
        if (s[i] == '(') ++depth;
        if (s[i] == ')' && --depth == 0) {
          close = i;
          break;
        }
      }
      if (close == s.size() - 1) {
        s = s.substr(1, s.size() - 2);
        continue;
      }
    }
    int depth = 0;
    bool quoted = false;
    std::size_t cast = std::string::npos;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] == '\'') quoted = !quoted;
      if (quoted) continue;
      if (s[i] == '(') ++depth;
      if (s[i] == ')') --depth;
      if (depth == 0 && s[i] == ':' && s[i + 1] == ':') {
        cast = i;
        break;
      }
    }
    if (cast == std::string::npos) return s;
    s = s.substr(0, cast);
  }
}

}  // namespace

SourceDefault parseMySqlDefault(model::Engine source, const model::Column& c) {
  SourceDefault d;
  if (!c.defaultExpr) return d;
  const std::string raw = *c.defaultExpr;
  const std::string lower = core::toLower(core::trim(raw));
  if (auto ct = currentTimestamp(raw)) {
    d.kind = SourceDefault::Kind::CurrentTimestamp;
    if (ct->precision >= 0) d.precision = ct->precision;
    return d;
  }
  if (lower == "curdate()" || lower == "current_date" || lower == "current_date()") {
    d.kind = SourceDefault::Kind::CurrentDate;
    return d;
  }
  if (lower == "uuid()") {
    d.kind = SourceDefault::Kind::Uuid;
    return d;
  }
  if (lower == "null") {
    d.kind = SourceDefault::Kind::Null;
    return d;
  }
  if (core::startsWith(lower, "b'") && core::endsWith(lower, "'")) {
    d.kind = SourceDefault::Kind::Bit;
    d.text = raw.substr(2, raw.size() - 3);
    return d;
  }
  if (source == model::Engine::MariaDB) {
    // MariaDB 10.2.7+ quotes string literals and shows expressions as written.
    if (auto s = unquote(core::trim(raw), true)) {
      d.kind = SourceDefault::Kind::String;
      d.text = *s;
    } else if (isNumberText(lower)) {
      d.kind = SourceDefault::Kind::Number;
      d.text = core::trim(raw);
    } else {
      d.kind = SourceDefault::Kind::Expression;
      d.text = raw;
    }
    return d;
  }
  // MySQL shows literals unquoted; numbers for numeric types, the text for the rest.
  // TEXT, BLOB, JSON and spatial columns cannot have literal defaults in MySQL, so what
  // they show is an expression (8.0.13+). Elsewhere an expression default reads like a
  // string: information_schema marks it only in EXTRA (DEFAULT_GENERATED).
  const std::string& b = c.type.base;
  if (core::endsWith(b, "text") || core::endsWith(b, "blob") || b == "json" || b == "geometry" || b == "point" ||
      b == "linestring" || b == "polygon") {
    d.kind = SourceDefault::Kind::Expression;
    d.text = raw;
    return d;
  }
  const bool numeric = isMySqlIntegerBase(b) || b == "decimal" || b == "float" || b == "double" || b == "year";
  if (numeric) {
    d.kind = isNumberText(lower) ? SourceDefault::Kind::Number : SourceDefault::Kind::Expression;
    d.text = core::trim(raw);
    return d;
  }
  d.kind = SourceDefault::Kind::String;
  d.text = raw;
  return d;
}

SourceDefault parsePgDefault(std::string_view expr) {
  SourceDefault d;
  const std::string raw(core::trim(expr));
  const std::string lower = core::toLower(raw);
  if (core::startsWith(lower, "nextval(")) {
    d.kind = SourceDefault::Kind::Sequence;
    const auto open = raw.find('\'');
    const auto close = raw.find('\'', open + 1);
    d.text = open != std::string::npos && close != std::string::npos ? raw.substr(open + 1, close - open - 1) : raw;
    return d;
  }
  if (lower == "gen_random_uuid()" || lower == "uuid_generate_v4()" || lower == "uuid_generate_v1()") {
    d.kind = SourceDefault::Kind::Uuid;
    d.text = raw;
    return d;
  }
  if (auto ct = currentTimestamp(raw)) {
    d.kind = SourceDefault::Kind::CurrentTimestamp;
    if (ct->precision >= 0) d.precision = ct->precision;
    return d;
  }
  const std::string bare = stripPgCasts(raw);
  const std::string bareLower = core::toLower(bare);
  if (bareLower == "current_date") {
    d.kind = SourceDefault::Kind::CurrentDate;
  } else if (bareLower == "current_time" || bareLower == "localtime") {
    d.kind = SourceDefault::Kind::CurrentTime;
  } else if (bareLower == "null") {
    d.kind = SourceDefault::Kind::Null;
  } else if (bareLower == "true" || bareLower == "false") {
    d.kind = SourceDefault::Kind::Boolean;
    d.text = bareLower;
  } else if (isNumberText(bare)) {
    d.kind = SourceDefault::Kind::Number;
    d.text = bare;
  } else if (auto s = unquote(bare, false)) {
    if (isNumberText(*s) && raw.find("::") != std::string::npos &&
        (core::containsNoCase(raw, "::integer") || core::containsNoCase(raw, "::numeric") ||
         core::containsNoCase(raw, "::bigint") || core::containsNoCase(raw, "::smallint") ||
         core::containsNoCase(raw, "::double") || core::containsNoCase(raw, "::real"))) {
      d.kind = SourceDefault::Kind::Number;
    } else if (core::containsNoCase(raw, "::bit")) {
      d.kind = SourceDefault::Kind::Bit;
    } else if (core::containsNoCase(raw, "::boolean")) {
      d.kind = SourceDefault::Kind::Boolean;
      d.text = (*s == "t" || *s == "true") ? "true" : "false";
      return d;
    } else {
      d.kind = SourceDefault::Kind::String;
    }
    d.text = *s;
  } else {
    d.kind = SourceDefault::Kind::Expression;
    d.text = raw;
  }
  return d;
}

model::DataType parsePgTypeText(const std::string& declared) {
  model::DataType t;
  t.declared = declared;
  std::string text = core::trim(declared);
  while (core::endsWith(text, "[]")) {
    text.resize(text.size() - 2);
    ++t.arrayDims;
  }
  const auto open = text.find('(');
  std::string base = text;
  std::vector<int> args;
  if (open != std::string::npos) {
    const auto close = text.find(')', open);
    if (close != std::string::npos) {
      for (const auto& part : core::split(text.substr(open + 1, close - open - 1), ',')) {
        const std::string p = core::trim(part);
        if (p.empty() || p.find_first_not_of("-0123456789") != std::string::npos) {
          args.clear();
          break;
        }
        args.push_back(std::stoi(p));
      }
      base = core::trim(text.substr(0, open)) + (close + 1 < text.size() ? " " + core::trim(text.substr(close + 1)) : "");
    }
  }
  t.base = core::trim(base);
  if (!args.empty()) {
    if (t.base == "numeric") {
      t.precision = args[0];
      if (args.size() > 1) t.scale = args[1];
    } else if (t.base == "character varying" || t.base == "character" || t.base == "bit" || t.base == "bit varying") {
      t.length = args[0];
    } else {
      t.precision = args[0];
    }
  }
  return t;
}

}  // namespace detail

// ---- public helpers -------------------------------------------------------------

bool ColumnMapping::hasCode(std::string_view code) const {
  for (const auto& f : findings) {
    if (f.code == code) return true;
  }
  return false;
}

std::vector<std::string> ColumnMapping::codes() const {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.code);
  return out;
}

UserTypeLookup UserTypeLookup::fromCatalog(const model::Catalog& catalog) {
  UserTypeLookup l;
  for (const auto& s : catalog.schemas) {
    for (const auto& t : s.types) l.add(t);
  }
  return l;
}

void UserTypeLookup::add(model::UserType type) {
  auto key = std::make_pair(type.schema, type.name);
  m_types[std::move(key)] = std::move(type);
}

const model::UserType* UserTypeLookup::find(const std::string& schema, const std::string& name) const {
  const auto it = m_types.find({schema, name});
  return it == m_types.end() ? nullptr : &it->second;
}

bool isMariaDbJsonColumn(const model::Table& table, const model::Column& column) {
  if (column.type.base != "longtext") return false;
  const std::string needle = "json_valid(`" + core::toLower(column.name) + "`)";
  for (const auto& ck : table.checks) {
    if (core::containsNoCase(ck.expression, needle)) return true;
  }
  return false;
}

namespace {

/// FNV-1a, 32 bits: stable across platforms and releases (the shortened name is
/// persisted in the target), and 8 hex digits leave most of the name readable.
std::uint32_t fnv1a(std::string_view s) {
  std::uint32_t h = 2166136261U;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 16777619U;
  }
  return h;
}

bool isContinuation(unsigned char ch) { return (ch & 0xC0U) == 0x80U; }

std::size_t codePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char ch : s) {
    if (!isContinuation(ch)) ++n;
  }
  return n;
}

/// The first `keep` units (bytes for PostgreSQL, characters for MySQL) of
/// `name`, cut on a UTF-8 boundary.
std::string_view prefixOf(std::string_view name, std::size_t keep, bool bytes) {
  std::size_t end = 0;
  std::size_t units = 0;
  while (end < name.size()) {
    std::size_t next = end + 1;
    while (next < name.size() && isContinuation(static_cast<unsigned char>(name[next]))) ++next;
    const std::size_t add = bytes ? next - end : 1;
    if (units + add > keep) break;
    units += add;
    end = next;
  }
  return name.substr(0, end);
}

/// MySQL/MariaDB names hold only characters of the Basic Multilingual Plane
/// (no emoji: 4-byte UTF-8) and cannot end with a space: each such character
/// becomes '_', trailing spaces go. Returns the name unchanged when it fits.
std::string representableInMySql(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const auto ch = static_cast<unsigned char>(name[i]);
    std::size_t next = i + 1;
    while (next < name.size() && isContinuation(static_cast<unsigned char>(name[next]))) ++next;
    if (ch >= 0xF0U) {
      out += '_';
    } else {
      out.append(name.substr(i, next - i));
    }
    i = next;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

IdentifierMapping mapIdentifier(std::string_view name, model::Engine targetEngine) {
  IdentifierMapping r;
  r.name = std::string(name);
  const bool pg = targetEngine == model::Engine::PostgreSQL;
  const std::size_t limit = pg ? 63 : 64;
  char hash[16];
  std::snprintf(hash, sizeof hash, "_%08x", static_cast<unsigned>(fnv1a(name)));
  if (!pg) {
    const std::string cleaned = representableInMySql(name);
    if (cleaned != name) {
      // The hash of the whole source name keeps two names that differ only
      // in what was replaced apart.
      r.name = std::string(prefixOf(cleaned, limit - 9, false)) + hash;
      r.finding = Finding{"NAME_NOT_REPRESENTABLE", Severity::Review,
                          "'" + std::string(name) + "' has characters " + engineDisplayName(targetEngine) +
                              " names cannot hold (characters outside the Basic Multilingual Plane, such as emoji, "
                              "or a trailing space); it becomes '" + r.name + "'.",
                          "Accept the new name or rename the object on the source; update queries that name it."};
      return r;
    }
  }
  const std::size_t size = pg ? name.size() : codePoints(name);
  if (size <= limit) return r;
  r.name = std::string(prefixOf(name, limit - 9, pg)) + hash;  // "_" + 8 hex digits
  r.finding = Finding{"NAME_TOO_LONG", Severity::Review,
                      "'" + std::string(name) + "' is longer than " + engineDisplayName(targetEngine) + "'s limit of " +
                          std::to_string(limit) + (pg ? " bytes" : " characters") + "; it becomes '" + r.name + "'.",
                      "Accept the shortened name or rename the object; update queries that name it."};
  return r;
}

const char* conversionName(ConversionId id) {
  switch (id) {
    case ConversionId::Identity: return "identity";
    case ConversionId::Unsupported: return "unsupported";
    case ConversionId::MySqlTinyintToBool: return "mysql_tinyint_to_bool";
    case ConversionId::MySqlUnsignedBigintChecked: return "mysql_unsigned_bigint_checked";
    case ConversionId::MySqlDate: return "mysql_date";
    case ConversionId::MySqlDatetime: return "mysql_datetime";
    case ConversionId::MySqlDatetimeToTimestamptz: return "mysql_datetime_to_timestamptz";
    case ConversionId::MySqlTimestampToTimestamptz: return "mysql_timestamp_to_timestamptz";
    case ConversionId::MySqlTimeToInterval: return "mysql_time_to_interval";
    case ConversionId::MySqlTimeToTime: return "mysql_time_to_time";
    case ConversionId::MySqlYear2ToYear: return "mysql_year2_to_year";
    case ConversionId::MySqlBitToBitString: return "mysql_bit_to_bit_string";
    case ConversionId::MySqlSetToTextArray: return "mysql_set_to_text_array";
    case ConversionId::MySqlEnumChecked: return "mysql_enum_checked";
    case ConversionId::MySqlTextToPgText: return "mysql_text_to_pg_text";
    case ConversionId::MySqlBytesToBytea: return "mysql_bytes_to_bytea";
    case ConversionId::MySqlJsonToJsonb: return "mysql_json_to_jsonb";
    case ConversionId::MySqlGeometryToEwkb: return "mysql_geometry_to_ewkb";
    case ConversionId::MySqlGeometryToPgPoint: return "mysql_geometry_to_pg_point";
    case ConversionId::MySqlGeometryToPgPath: return "mysql_geometry_to_pg_path";
    case ConversionId::MySqlGeometryToPgPolygon: return "mysql_geometry_to_pg_polygon";
    case ConversionId::MySqlGeometryToWkbBytea: return "mysql_geometry_to_wkb_bytea";
    case ConversionId::MySqlGeometryToEwkt: return "mysql_geometry_to_ewkt";
    case ConversionId::PgGeometryToMySql: return "pg_geometry_to_mysql";
    case ConversionId::PgBoolToTinyint: return "pg_bool_to_tinyint";
    case ConversionId::PgNumericToDecimal: return "pg_numeric_to_decimal";
    case ConversionId::PgFloatToDouble: return "pg_float_to_double";
    case ConversionId::PgDateToDate: return "pg_date_to_date";
    case ConversionId::PgTimestampToDatetime: return "pg_timestamp_to_datetime";
    case ConversionId::PgTimestamptzToUtcDatetime: return "pg_timestamptz_to_utc_datetime";
    case ConversionId::PgIntervalToTime: return "pg_interval_to_time";
    case ConversionId::PgByteaToBytes: return "pg_bytea_to_bytes";
    case ConversionId::PgBitToMySqlBit: return "pg_bit_to_mysql_bit";
    case ConversionId::PgArrayToJson: return "pg_array_to_json";
    case ConversionId::PgMoneyToDecimal: return "pg_money_to_decimal";
  }
  return "unsupported";
}

}  // namespace ferry::typemap
