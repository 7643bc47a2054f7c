// The data scan's SQL builders. Each predicate mirrors the value converter that
// would fail or change the value (engine/typemap/value_converter*.cpp), so "N rows"
// means "N rows the copy would reject or alter".

#include "assess/data_scan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::assess {

namespace {

using model::Engine;

bool isPg(Engine e) { return e == Engine::PostgreSQL; }

/// MariaDB's json_valid accepts documents nested this deep and refuses one level more
/// (measured on 10.11: 31 nested arrays/objects pass, 32 fail).
constexpr int kMariaDbJsonMaxDepth = 31;

std::string ident(Engine e, std::string_view name) { return ddl::quoteIdent(e, name); }

struct CodeRule {
  const char* code;
  Engine source;  ///< MySQL stands for the MySQL family
  ScanMethod method;
};

// Every lossy code the type mapper emits (grep Severity::Lossy in engine/typemap).
constexpr CodeRule kRules[] = {
    {"MY2PG_TINYINT1_BOOLEAN", Engine::MySQL, ScanMethod::Server},
    {"MY2PG_UNSIGNED_OVERFLOW", Engine::MySQL, ScanMethod::Server},
    {"MY2PG_UNSIGNED_IDENTITY_BIGINT", Engine::MySQL, ScanMethod::Server},  // review until rows are found
    {"MY2PG_ZERO_DATE", Engine::MySQL, ScanMethod::Server},
    {"MY2PG_TIME_RANGE", Engine::MySQL, ScanMethod::Server},
    {"MY2PG_ENUM_EMPTY_VALUE", Engine::MySQL, ScanMethod::Server},
    {"MY2PG_JSON_DUPLICATE_KEYS", Engine::MySQL, ScanMethod::Client},
    {"MY2MY_TIMESTAMP_RANGE", Engine::MySQL, ScanMethod::Server},
    {"MY_ENUM_MEMBER_UNREADABLE", Engine::MySQL, ScanMethod::Server},
    {"PG2MY_FLOAT_SPECIAL", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_NUMERIC_NAN", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_NUMERIC_UNCONSTRAINED", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_NUMERIC_PRECISION", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_TEXT_VARCHAR", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_DATE_RANGE", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_INTERVAL_RANGE", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_VARBIT_LENGTH", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_JSON_NUMBER_PRECISION", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_JSON_DUPLICATE_KEYS", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_ARRAY_NUMBERS", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_UUID_VARIANT", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_JSON_DEPTH", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2MY_ENUM_TRAILING_SPACE", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2PG_NUMERIC_INFINITY", Engine::PostgreSQL, ScanMethod::Server},
    {"PG2PG_SQL_ASCII", Engine::PostgreSQL, ScanMethod::Server},
};

/// "DECIMAL(65,30)" → {65, 30}; "VARCHAR(255)" → {255, -1}.
std::pair<int, int> typeArgs(const std::string& type) {
  const auto open = type.find('(');
  if (open == std::string::npos) return {-1, -1};
  int a = -1;
  int b = -1;
  if (std::sscanf(type.c_str() + open + 1, "%d,%d", &a, &b) < 1) return {-1, -1};
  return {a, b};
}

/// 10^n as a numeric literal.
std::string powerOfTen(int n) { return "1" + std::string(static_cast<std::size_t>(std::max(n, 0)), '0'); }

/// True when the PostgreSQL number text `t` (a text expression) would not keep its
/// value in MySQL JSON: MySQL keeps integers in int64/uint64 and every other number
/// as a double, so a number is safe when it is such an integer or survives a round
/// trip through float8 (float8out prints the shortest exact form since PostgreSQL 12).
std::string jsonNumberChanges(const std::string& t) {
  const std::string n = "(" + t + ")::numeric";
  return "CASE WHEN " + t + " ~ '^-?[0-9]+$' AND " + n +
         " BETWEEN -9223372036854775808 AND 18446744073709551615 THEN false"
         // Outside double's range (or a denormal) float8 input fails: such numbers change for sure.
         " WHEN abs(" + n + ") > 1.7976931348623157e308 OR (" + n + " <> 0 AND abs(" + n + ") < 2.2250738585072014e-308)"
         " THEN true ELSE " + n + " <> (" + n + "::float8)::text::numeric END";
}

/// PostgreSQL: the column's value as text; the session's DateStyle is ISO and its
/// TimeZone UTC (connect/pg), the forms the converters read.
std::string pgText(const std::string& c) { return c + "::text"; }

std::optional<std::string> pgPredicate(const ScanContext& ctx, const model::Column& col, const ColumnAssessment& a,
                                       std::string_view code) {
  const std::string c = ident(Engine::PostgreSQL, col.name);
  const bool numericInfinity = ctx.sourceVersion.atLeast(14);  // numeric accepts ±Infinity since 14
  if (code == "PG2MY_FLOAT_SPECIAL") return pgText(c) + " IN ('NaN', 'Infinity', '-Infinity')";
  if (code == "PG2MY_NUMERIC_NAN") {
    // A numeric with a typmod holds no Infinity; only NaN is possible.
    return pgText(c) + " = 'NaN'";
  }
  if (code == "PG2MY_NUMERIC_UNCONSTRAINED" || code == "PG2MY_NUMERIC_PRECISION") {
    const auto [p, s] = typeArgs(a.mapping.targetType);
    if (p < 0 || s < 0) return std::nullopt;
    // abs(NaN) and abs(±Infinity) compare above every number, so they count as too wide;
    // min_scale() ignores trailing zeros, as the converter does.
    return "abs(" + c + "::numeric) >= " + powerOfTen(p - s) + " OR min_scale(" + c + "::numeric) > " + std::to_string(s);
  }
  if (code == "PG2MY_TEXT_VARCHAR") {
    const auto [n, unused] = typeArgs(a.mapping.targetType);
    (void)unused;
    if (n < 0) return std::nullopt;
    return "char_length(" + pgText(c) + ") > " + std::to_string(n);
  }
  if (code == "PG2MY_DATE_RANGE") {
    // Mirrors checkMySqlDateRange(): a 4-digit year from 1000, no infinity, no BC.
    return pgText(c) + " !~ '^[1-9][0-9]{3}-' OR " + pgText(c) + " LIKE '% BC'";
  }
  if (code == "PG2MY_INTERVAL_RANGE") {
    // TIME holds ±838:59:59 = 3020399 s and no months or years.
    return "extract(year FROM " + c + ") <> 0 OR extract(month FROM " + c + ") <> 0 OR abs(extract(epoch FROM " + c +
           ")) > 3020399";
  }
  if (code == "PG2MY_VARBIT_LENGTH") {
    const auto n = col.type.length.value_or(0);
    if (n > 0 && n <= 64) return "length(" + c + ") <> " + std::to_string(n);  // BIT(n) reads back n bits
    if (n > 64) return "length(" + c + ") <> " + std::to_string(8 * ((n + 7) / 8));  // VARBINARY(⌈n/8⌉)
    return "length(" + c + ") % 8 <> 0 OR length(" + c + ") = 0";  // LONGBLOB: whole bytes, at least one
  }
  if (code == "PG2MY_JSON_NUMBER_PRECISION") {
    return "EXISTS (SELECT 1 FROM jsonb_path_query(" + c +
           "::jsonb, 'strict $.** ? (@.type() == \"number\")') AS ferry_n(v) WHERE " +
           jsonNumberChanges("ferry_n.v::text") + ")";
  }
  if (code == "PG2MY_JSON_DUPLICATE_KEYS") {
    // Walks every object of the document; one with fewer distinct keys than keys repeats one.
    return "EXISTS (WITH RECURSIVE ferry_walk(v) AS (SELECT " + c + "::json UNION ALL SELECT e.value FROM ferry_walk, "
           "LATERAL (SELECT value FROM json_each(CASE WHEN json_typeof(ferry_walk.v) = 'object' THEN ferry_walk.v END) "
           "UNION ALL SELECT value FROM json_array_elements(CASE WHEN json_typeof(ferry_walk.v) = 'array' THEN ferry_walk.v END)) e) "
           "SELECT 1 FROM ferry_walk WHERE json_typeof(v) = 'object' AND "
           "(SELECT count(*) FROM json_object_keys(v)) <> (SELECT count(DISTINCT k) FROM json_object_keys(v) AS k))";
  }
  if (code == "PG2MY_ARRAY_NUMBERS") {
    const std::string& b = col.type.base;
    const bool isNumeric = b == "numeric" || b == "decimal";
    std::string specials = isNumeric && !numericInfinity ? "('NaN')" : "('NaN', 'Infinity', '-Infinity')";
    std::string p = "EXISTS (SELECT 1 FROM unnest(" + c + ") AS ferry_e(v) WHERE ferry_e.v::text IN " + specials;
    if (isNumeric && ctx.targetEngine == Engine::MySQL) {
      // MySQL JSON keeps the elements as doubles; real/double elements are doubles already.
      p += " OR (ferry_e.v::text NOT IN ('NaN', 'Infinity', '-Infinity') AND " + jsonNumberChanges("ferry_e.v::text") + ")";
    }
    return p + ")";
  }
  if (code == "PG2MY_UUID_VARIANT") {
    // MariaDB's UUID parser (10.7+, measured on 10.11 over every byte pair) refuses byte 6
    // (version digit) >= 0x80 together with byte 8 (variant digit) in 0x01..0x80; its test
    // `b6 & -b8 & 0x80` on signed chars accepts byte 8 = 0x00 and refuses 0x80.
    const std::string b = "uuid_send(" + c + "::uuid)";
    return "get_byte(" + b + ", 6) >= 128 AND get_byte(" + b + ", 8) BETWEEN 1 AND 128";
  }
  if (code == "PG2MY_JSON_DEPTH") {
    // MariaDB's json_valid accepts 31 nested arrays/objects and refuses 32 (measured on
    // 10.11). A container at level 31 below the root is the 32nd one. strict: lax mode
    // would unwrap arrays and miscount the levels.
    return std::string("jsonb_path_exists(") + c + "::jsonb, 'strict $.**{" + std::to_string(kMariaDbJsonMaxDepth) +
           "} ? (@.type() == \"object\" || @.type() == \"array\")')";
  }
  if (code == "PG2MY_ENUM_TRAILING_SPACE") return pgText(c) + " LIKE '% '";  // the label the target strips
  if (code == "PG2PG_NUMERIC_INFINITY") return pgText(c) + " IN ('Infinity', '-Infinity')";
  if (code == "PG2PG_SQL_ASCII") {
    // Any byte from 0x80: an upper bound of the invalid UTF-8 (valid multibyte text counts too).
    return "encode(convert_to(" + pgText(c) + ", 'SQL_ASCII'), 'hex') ~ '^(..)*[89a-f]'";
  }
  return std::nullopt;
}

std::optional<std::string> mySqlPredicate(const model::Column& col, std::string_view code) {
  const std::string c = ident(Engine::MySQL, col.name);
  if (code == "MY2PG_TINYINT1_BOOLEAN") return c + " NOT IN (0, 1)";
  if (code == "MY2PG_UNSIGNED_OVERFLOW" || code == "MY2PG_UNSIGNED_IDENTITY_BIGINT") return c + " > 9223372036854775807";
  if (code == "MY2PG_ZERO_DATE") {
    // The text form, as the converter sees it: year 0000, month 00 or day 00.
    const std::string t = "CAST(" + c + " AS CHAR)";
    return "LEFT(" + t + ", 4) = '0000' OR SUBSTRING(" + t + ", 6, 2) = '00' OR SUBSTRING(" + t + ", 9, 2) = '00'";
  }
  if (code == "MY2PG_TIME_RANGE") return c + " < '00:00:00' OR " + c + " > '24:00:00'";
  if (code == "MY2PG_ENUM_EMPTY_VALUE") return c + " + 0 = 0";  // the '' error value has index 0
  if (code == "MY2MY_TIMESTAMP_RANGE") return c + " > '2038-01-19 03:14:07.999999'";  // the session is UTC
  if (code == "MY_ENUM_MEMBER_UNREADABLE") {
    // Values holding a 4-byte UTF-8 character (the catalog shows those as '?'): a lead
    // byte F0..F4 at a character boundary of the utf8mb4 bytes. HEX() avoids collations.
    return "HEX(CONVERT(" + c + " USING utf8mb4)) REGEXP '^(..)*F[0-4]'";
  }
  return std::nullopt;
}

bool isBinaryType(const model::Column* col) {
  if (col == nullptr) return false;
  const std::string& b = col->type.base;
  return b == "binary" || b == "varbinary" || b == "tinyblob" || b == "blob" || b == "mediumblob" || b == "longblob" ||
         col->type.charset == "binary";
}

/// The rendered example key, "id=17" / "a=1,b=x", as a SQL expression.
std::string keyExpression(Engine e, const model::Table& table, const std::vector<std::string>& keys) {
  std::vector<std::string> parts;
  if (isPg(e)) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      parts.push_back(ddl::quoteLiteral((i ? "," : "") + keys[i] + "=") + " || " + ident(e, keys[i]) + "::text");
    }
    return core::join(parts, " || ");
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    parts.push_back(ddl::quoteLiteral((i ? "," : "") + keys[i] + "=" + (isBinaryType(table.column(keys[i])) ? "0x" : "")));
    parts.push_back(isBinaryType(table.column(keys[i])) ? "HEX(" + ident(e, keys[i]) + ")" : ident(e, keys[i]));
  }
  return "CONCAT(" + core::join(parts, ", ") + ")";
}

/// MySQL: the sample filter of a keyed table (empty when not sampled).
std::string mySqlSampleFilter(const TableScan& scan) {
  if (!scan.sampled || scan.keyColumns.empty()) return {};
  std::vector<std::string> keys;
  for (const auto& k : scan.keyColumns) keys.push_back(ident(Engine::MySQL, k));
  return "MOD(CRC32(CONCAT_WS(CHAR(31), " + core::join(keys, ", ") + ")), " + std::to_string(scan.sampleModulus) + ") = 0";
}

std::string formatPercent(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", pct);
  return buf;
}

}  // namespace

bool countedByScan(const typemap::Finding& f) {
  // A key that only an explicit write could have pushed past bigint is a review
  // finding; the scan says whether one did.
  return f.severity == typemap::Severity::Lossy || f.code == "MY2PG_UNSIGNED_IDENTITY_BIGINT";
}

ScanMethod scanMethod(Engine sourceEngine, std::string_view code) {
  const Engine family = isPg(sourceEngine) ? Engine::PostgreSQL : Engine::MySQL;
  for (const auto& r : kRules) {
    if (r.code == code && r.source == family) return r.method;
  }
  return ScanMethod::None;
}

std::optional<std::string> lossPredicate(const ScanContext& ctx, const model::Column& column,
                                         const ColumnAssessment& assessed, std::string_view code) {
  if (scanMethod(ctx.sourceEngine, code) != ScanMethod::Server) return std::nullopt;
  return isPg(ctx.sourceEngine) ? pgPredicate(ctx, column, assessed, code) : mySqlPredicate(column, code);
}

std::optional<TableScan> buildTableScan(const ScanContext& ctx, const model::Table& table,
                                        const std::vector<const ColumnAssessment*>& columns, const ScanOptions& options) {
  const Engine e = ctx.sourceEngine;
  TableScan scan;
  scan.schema = table.schema;
  scan.table = table.name;
  if (auto key = table.rowIdentity()) scan.keyColumns = *key;

  std::vector<std::string> selects{"count(*) AS ferry_rows"};
  for (const ColumnAssessment* a : columns) {
    const model::Column* col = table.column(a->column);
    if (col == nullptr || !a->scannable()) continue;
    ScanColumn server;
    ScanColumn client;
    std::vector<std::string> predicates;
    for (const auto& f : a->mapping.findings) {
      if (!countedByScan(f)) continue;
      const ScanMethod m = scanMethod(e, f.code);
      if (m == ScanMethod::Client) {
        client.codes.push_back(f.code);
      } else if (auto p = lossPredicate(ctx, *col, *a, f.code)) {
        predicates.push_back("(" + *p + ")");
        server.codes.push_back(f.code);
      }
    }
    if (!client.codes.empty()) {
      client.column = col->name;
      scan.clientColumns.push_back(std::move(client));
    }
    if (predicates.empty()) continue;
    const std::string i = std::to_string(scan.serverColumns.size());
    server.column = col->name;
    server.countAlias = "n" + i;
    server.examplesAlias = "ex" + i;
    const std::string p = core::join(predicates, " OR ");
    const std::string key = scan.keyColumns.empty() ? std::string() : keyExpression(e, table, scan.keyColumns);
    if (isPg(e)) {
      selects.push_back("count(*) FILTER (WHERE " + p + ") AS " + server.countAlias);
      // array_agg keeps every matching key before the slice; sampling bounds it (kDefaultSampleThreshold).
      selects.push_back(key.empty() ? "NULL::text[] AS " + server.examplesAlias
                                    : "(array_agg(" + key + ") FILTER (WHERE " + p + "))[1:" +
                                          std::to_string(kMaxExampleKeys) + "] AS " + server.examplesAlias);
    } else {
      selects.push_back("COALESCE(SUM(CASE WHEN " + p + " THEN 1 ELSE 0 END), 0) AS " + server.countAlias);
      // MariaDB 10.3.3+ stops at 5 keys; MySQL has no LIMIT here and is capped by group_concat_max_len.
      const bool limit = e == Engine::MariaDB && ctx.sourceVersion.atLeast(10, 3, 3);
      selects.push_back(key.empty() ? "NULL AS " + server.examplesAlias
                                    : "GROUP_CONCAT(CASE WHEN " + p + " THEN " + key + " END SEPARATOR X'1E'" +
                                          (limit ? " LIMIT " + std::to_string(kMaxExampleKeys) : std::string()) +
                                          ") AS " + server.examplesAlias);
    }
    scan.serverColumns.push_back(std::move(server));
  }
  if (scan.serverColumns.empty() && scan.clientColumns.empty()) return std::nullopt;

  const std::int64_t threshold = std::max<std::int64_t>(options.sampleThreshold, 1);
  scan.sampled = table.estimatedRows > threshold;
  if (scan.sampled) {
    scan.samplePercent = std::max(100.0 * static_cast<double>(threshold) / static_cast<double>(table.estimatedRows), 0.000001);
    scan.sampleModulus = (table.estimatedRows + threshold - 1) / threshold;
    scan.sampleLimit = threshold;
  }
  if (scan.serverColumns.empty()) return scan;

  std::string from = ddl::qualified(e, table.schema, table.name);
  std::string where;
  if (scan.sampled) {
    if (isPg(e)) {
      // SYSTEM reads whole pages (cheap); a fixed seed makes the sample repeatable.
      from += " TABLESAMPLE SYSTEM (" + formatPercent(scan.samplePercent) + ") REPEATABLE (42)";
    } else if (!scan.keyColumns.empty()) {
      where = " WHERE " + mySqlSampleFilter(scan);  // a key hash spreads the sample over the whole table
    } else {
      from = "(SELECT * FROM " + from + " LIMIT " + std::to_string(scan.sampleLimit) + ") AS ferry_sample";
    }
  }
  scan.sql = "SELECT " + core::join(selects, ", ") + " FROM " + from + where;
  return scan;
}

std::string buildJsonPageQuery(const TableScan& scan, const model::Table& table, const std::string& column,
                               const std::vector<std::string>& afterKey, std::int64_t offset, int pageSize) {
  const Engine e = Engine::MySQL;
  std::vector<std::string> selects;
  std::vector<std::string> keys;
  std::vector<std::string> after;
  for (std::size_t i = 0; i < scan.keyColumns.size(); ++i) {
    const std::string k = ident(e, scan.keyColumns[i]);
    const bool binary = isBinaryType(table.column(scan.keyColumns[i]));
    selects.push_back((binary ? "HEX(" + k + ")" : k) + " AS k" + std::to_string(i));
    keys.push_back(k);
    if (i < afterKey.size()) {
      after.push_back(binary ? "UNHEX(" + ddl::quoteLiteral(afterKey[i]) + ")" : ddl::quoteLiteral(afterKey[i]));
    }
  }
  std::string sql = "SELECT ";
  if (!keys.empty()) sql += keyExpression(e, table, scan.keyColumns) + " AS ferry_key, " + core::join(selects, ", ") + ", ";
  sql += ident(e, column) + " AS doc FROM " + ddl::qualified(e, table.schema, table.name);
  if (keys.empty()) {
    return sql + " LIMIT " + std::to_string(pageSize) + " OFFSET " + std::to_string(offset);
  }
  std::vector<std::string> conditions;
  if (const std::string f = mySqlSampleFilter(scan); !f.empty()) conditions.push_back(f);
  if (!afterKey.empty() && after.size() == keys.size()) {
    conditions.push_back("(" + core::join(keys, ", ") + ") > (" + core::join(after, ", ") + ")");
  }
  if (!conditions.empty()) sql += " WHERE " + core::join(conditions, " AND ");
  return sql + " ORDER BY " + core::join(keys, ", ") + " LIMIT " + std::to_string(pageSize);
}

namespace {

/// SAX handler: a stack of the keys seen in each open object.
class DuplicateKeyFinder : public nlohmann::json_sax<nlohmann::json> {
public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    m_objects.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (!m_objects.back().insert(k).second) {
      found = true;
      return false;  // stop: one repeat is enough
    }
    return true;
  }
  bool end_object() override {
    m_objects.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    invalid = true;
    return false;
  }

  bool found = false;
  bool invalid = false;

private:
  std::vector<std::set<std::string>> m_objects;
};

}  // namespace

bool jsonHasDuplicateKeys(std::string_view document) {
  DuplicateKeyFinder finder;
  const bool ok = nlohmann::json::sax_parse(document.begin(), document.end(), &finder);
  return finder.found || finder.invalid || !ok;
}

}  // namespace ferry::assess
