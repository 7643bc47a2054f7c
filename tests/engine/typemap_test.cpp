// Type mapping rules per engine pair: target type text, severity and finding codes
// for representative columns, built by hand as the introspectors fill them.

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "typemap/mapping_options.h"
#include "typemap/severity.h"
#include "typemap/type_mapper.h"

namespace ferry {
namespace {

using model::Engine;
using typemap::ColumnMapping;
using typemap::ConversionId;
using typemap::MappingContext;
using typemap::Severity;

model::ServerVersion version(int major, int minor, int patch = 0) {
  model::ServerVersion v;
  v.major = major;
  v.minor = minor;
  v.patch = patch;
  v.text = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  return v;
}

MappingContext context(Engine source, model::ServerVersion sv, Engine target, model::ServerVersion tv) {
  MappingContext c;
  c.sourceEngine = source;
  c.sourceVersion = std::move(sv);
  c.targetEngine = target;
  c.targetVersion = std::move(tv);
  return c;
}

MappingContext mysqlToPg() { return context(Engine::MySQL, version(8, 0, 36), Engine::PostgreSQL, version(16, 2)); }
MappingContext mariaToPg() { return context(Engine::MariaDB, version(10, 11, 6), Engine::PostgreSQL, version(15, 5)); }
MappingContext pgToMysql() { return context(Engine::PostgreSQL, version(15, 5), Engine::MySQL, version(8, 0, 36)); }
MappingContext pgToMaria() { return context(Engine::PostgreSQL, version(15, 5), Engine::MariaDB, version(10, 11, 6)); }
MappingContext pgToPg() { return context(Engine::PostgreSQL, version(15, 5), Engine::PostgreSQL, version(15, 5)); }

/// A MySQL column as the introspector fills it: base = DATA_TYPE, declared = COLUMN_TYPE.
model::Column my(const std::string& name, const std::string& base, const std::string& declared) {
  model::Column c;
  c.name = name;
  c.type.base = base;
  c.type.declared = declared;
  c.type.isUnsigned = declared.find("unsigned") != std::string::npos;
  if (base == "varchar" || base == "char" || base == "text" || base == "longtext" || base == "enum" || base == "set") {
    c.type.charset = "utf8mb4";
    c.type.collation = "utf8mb4_bin";
  }
  return c;
}

/// A PostgreSQL column: base = format_type name without facets.
model::Column pg(const std::string& name, const std::string& base, const std::string& declared) {
  model::Column c;
  c.name = name;
  c.type.base = base;
  c.type.declared = declared;
  return c;
}

model::Table table(const std::string& schema = "shop", const std::string& name = "orders") {
  model::Table t;
  t.schema = schema;
  t.name = name;
  return t;
}

ColumnMapping map(const MappingContext& ctx, const model::Column& c, const model::Table& t = table()) {
  return typemap::mapColumn(ctx, t, c);
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

using Codes = std::vector<std::string>;

// ---- severity & options -----------------------------------------------------------

TEST(Severity, NamesOrderAndParse) {
  EXPECT_STREQ(typemap::severityName(Severity::Exact), "exact");
  EXPECT_STREQ(typemap::severityName(Severity::Unsupported), "unsupported");
  EXPECT_EQ(typemap::parseSeverity("lossy"), Severity::Lossy);
  EXPECT_FALSE(typemap::parseSeverity("bad").has_value());
  EXPECT_LT(Severity::Exact, Severity::Widened);
  EXPECT_LT(Severity::Review, Severity::Lossy);
  EXPECT_EQ(typemap::worse(Severity::Review, Severity::Widened), Severity::Review);
}

TEST(MappingOptions, JsonRoundTripAndDefaults) {
  typemap::MappingOptions o;
  const auto j = o.toJson();
  EXPECT_EQ(j.at("tinyint1_as"), "boolean");
  EXPECT_EQ(j.at("zero_dates_as"), "null");
  EXPECT_EQ(j.at("zero_date_sentinel"), "0001-01-01");
  EXPECT_EQ(j.at("unsigned_bigint_as"), "numeric");
  EXPECT_EQ(j.at("datetime_zone"), "UTC");
  EXPECT_EQ(j.at("transcode_charsets"), true);
  o.tinyint1As = typemap::Tinyint1As::Smallint;
  o.setAs = typemap::SetAs::Text;
  o.pgTextVarcharLength = 1000;
  o.datetimeZone = "Europe/Berlin";
  auto back = typemap::MappingOptions::fromJson(o.toJson());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == o);
}

TEST(MappingOptions, UnknownKeysIgnoredBadValuesRejected) {
  auto r = typemap::MappingOptions::fromJson(nlohmann::json{{"future_key", 1}, {"json_as", "json"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->jsonAs, typemap::JsonAs::Json);
  auto bad = typemap::MappingOptions::fromJson(nlohmann::json{{"enum_as", "varchar"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind(), core::ErrorKind::Usage);
  EXPECT_NE(bad.error().message().find("enum_as"), std::string::npos);
  EXPECT_FALSE(typemap::MappingOptions::fromJson(nlohmann::json{{"zero_date_sentinel", "0000-00-00"}}).ok());
  EXPECT_FALSE(typemap::MappingOptions::fromJson(nlohmann::json{{"transcode_charsets", "yes"}}).ok());
  EXPECT_FALSE(typemap::MappingOptions::fromJson(nlohmann::json{{"pg_text_varchar_length", 20000}}).ok());
}

// ---- MySQL/MariaDB → PostgreSQL ----------------------------------------------------

TEST(MySqlToPg, Integers) {
  auto m = map(mysqlToPg(), my("id", "int", "int"));
  EXPECT_EQ(m.targetType, "integer");
  EXPECT_EQ(m.severity, Severity::Exact);
  EXPECT_TRUE(m.findings.empty());

  m = map(mysqlToPg(), my("n", "int", "int unsigned"));
  EXPECT_EQ(m.targetType, "bigint");
  EXPECT_EQ(m.severity, Severity::Widened);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_INT_WIDENED"});

  EXPECT_EQ(map(mysqlToPg(), my("n", "tinyint", "tinyint(4)")).targetType, "smallint");
  EXPECT_EQ(map(mysqlToPg(), my("n", "mediumint", "mediumint unsigned")).targetType, "integer");
  EXPECT_EQ(map(mysqlToPg(), my("n", "smallint", "smallint")).severity, Severity::Exact);
  EXPECT_EQ(map(mysqlToPg(), my("n", "bigint", "bigint")).targetType, "bigint");
}

TEST(MySqlToPg, UnsignedBigintBothModes) {
  auto m = map(mysqlToPg(), my("n", "bigint", "bigint unsigned"));
  EXPECT_EQ(m.targetType, "numeric(20,0)");
  EXPECT_EQ(m.severity, Severity::Widened);
  EXPECT_EQ(m.options, std::vector<std::string>{"unsigned_bigint_as"});

  auto ctx = mysqlToPg();
  ctx.options.unsignedBigintAs = typemap::UnsignedBigintAs::BigintWithCheck;
  m = map(ctx, my("n", "bigint", "bigint unsigned"));
  EXPECT_EQ(m.targetType, "bigint");
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_UNSIGNED_OVERFLOW"});
  EXPECT_EQ(m.checkExpression, "\"n\" >= 0");
  EXPECT_EQ(m.conversion, ConversionId::MySqlUnsignedBigintChecked);
}

TEST(MySqlToPg, Tinyint1BooleanOrSmallint) {
  auto c = my("active", "tinyint", "tinyint(1)");
  c.defaultExpr = "1";
  auto m = map(mysqlToPg(), c);
  EXPECT_EQ(m.targetType, "boolean");
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_TINYINT1_BOOLEAN"});
  EXPECT_EQ(m.conversion, ConversionId::MySqlTinyintToBool);
  EXPECT_EQ(m.defaultExpr, "'t'");
  EXPECT_EQ(m.options, std::vector<std::string>{"tinyint1_as"});

  auto ctx = mysqlToPg();
  ctx.options.tinyint1As = typemap::Tinyint1As::Smallint;
  m = map(ctx, c);
  EXPECT_EQ(m.targetType, "smallint");
  EXPECT_EQ(m.severity, Severity::Widened);
  EXPECT_EQ(m.defaultExpr, "1");
}

TEST(MySqlToPg, NumericFloatBit) {
  auto d = my("amount", "decimal", "decimal(65,30)");
  d.type.precision = 65;
  d.type.scale = 30;
  auto m = map(mysqlToPg(), d);
  EXPECT_EQ(m.targetType, "numeric(65,30)");
  EXPECT_EQ(m.severity, Severity::Exact);

  EXPECT_EQ(map(mysqlToPg(), my("x", "double", "double")).targetType, "double precision");
  EXPECT_EQ(map(mysqlToPg(), my("x", "double", "double")).severity, Severity::Exact);
  EXPECT_EQ(map(mysqlToPg(), my("x", "float", "float")).targetType, "real");
  auto f = my("x", "float", "float(7,2)");
  f.type.precision = 7;
  f.type.scale = 2;
  m = map(mysqlToPg(), f);
  EXPECT_EQ(m.severity, Severity::Review);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_FLOAT_MD"});

  auto b = my("flags", "bit", "bit(5)");
  b.type.length = 5;
  b.defaultExpr = "b'101'";
  m = map(mysqlToPg(), b);
  EXPECT_EQ(m.targetType, "bit(5)");
  EXPECT_EQ(m.severity, Severity::Exact);
  EXPECT_EQ(m.conversion, ConversionId::MySqlBitToBitString);
  EXPECT_EQ(m.conversionContext.bitLength, 5);
  EXPECT_EQ(m.defaultExpr, "B'00101'");
}

TEST(MySqlToPg, DatetimeTimestampZeroDates) {
  auto c = my("created", "datetime", "datetime(6)");
  c.type.precision = 6;
  auto m = map(mysqlToPg(), c);
  EXPECT_EQ(m.targetType, "timestamp(6) without time zone");
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_ZERO_DATE"});
  EXPECT_EQ(m.conversion, ConversionId::MySqlDatetime);
  EXPECT_EQ(sorted(m.options), sorted({"datetime_as", "zero_dates_as"}));

  auto ctx = mysqlToPg();
  ctx.options.datetimeAs = typemap::DatetimeAs::Timestamptz;
  ctx.options.datetimeZone = "Europe/Berlin";
  m = map(ctx, c);
  EXPECT_EQ(m.targetType, "timestamp(6) with time zone");
  EXPECT_EQ(sorted(m.codes()), sorted({"MY2PG_DATETIME_ZONE", "MY2PG_ZERO_DATE"}));
  EXPECT_EQ(m.conversion, ConversionId::MySqlDatetimeToTimestamptz);
  EXPECT_EQ(m.conversionContext.timeZone, "Europe/Berlin");

  auto ts = my("updated", "timestamp", "timestamp");
  ts.type.precision = 0;
  ts.defaultExpr = "CURRENT_TIMESTAMP";
  ts.onUpdate = "CURRENT_TIMESTAMP";
  m = map(mysqlToPg(), ts);
  EXPECT_EQ(m.targetType, "timestamp(0) with time zone");
  EXPECT_EQ(m.defaultExpr, "CURRENT_TIMESTAMP");
  EXPECT_EQ(sorted(m.codes()), sorted({"MY2PG_TIMESTAMP_ZONE", "MY2PG_ZERO_DATE", "MY2PG_ON_UPDATE"}));
  EXPECT_EQ(m.severity, Severity::Lossy);

  auto d = my("born", "date", "date");
  d.nullable = false;
  d.defaultExpr = "0000-00-00";
  m = map(mysqlToPg(), d);
  EXPECT_EQ(m.targetType, "date");
  EXPECT_FALSE(m.defaultExpr.has_value());
  EXPECT_TRUE(m.hasCode("MY2PG_ZERO_DATE_DEFAULT"));
  d.defaultExpr = "'0000-00-00'";  // MariaDB quotes it
  EXPECT_TRUE(map(mariaToPg(), d).hasCode("MY2PG_ZERO_DATE_DEFAULT"));
  d.defaultExpr = "0000-00-00";
  ctx = mysqlToPg();
  ctx.options.zeroDateAs = typemap::ZeroDateAs::Sentinel;
  m = map(ctx, d);
  EXPECT_EQ(m.defaultExpr, "'0001-01-01'");
  EXPECT_FALSE(m.hasCode("MY2PG_ZERO_DATE_DEFAULT"));
}

TEST(MySqlToPg, TimeAndYear) {
  auto t = my("dur", "time", "time(3)");
  t.type.precision = 3;
  auto m = map(mysqlToPg(), t);
  EXPECT_EQ(m.targetType, "interval(3)");
  EXPECT_EQ(m.severity, Severity::Review);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_TIME_AS_INTERVAL"});
  auto ctx = mysqlToPg();
  ctx.options.timeAs = typemap::TimeAs::Time;
  m = map(ctx, t);
  EXPECT_EQ(m.targetType, "time(3) without time zone");
  EXPECT_EQ(m.severity, Severity::Lossy);

  m = map(mysqlToPg(), my("y", "year", "year(4)"));
  EXPECT_EQ(m.targetType, "smallint");
  EXPECT_EQ(m.severity, Severity::Widened);
  m = map(mariaToPg(), my("y", "year", "year(2)"));
  EXPECT_EQ(m.conversion, ConversionId::MySqlYear2ToYear);
  EXPECT_EQ(m.severity, Severity::Review);
}

TEST(MySqlToPg, Strings) {
  auto v = my("name", "varchar", "varchar(255)");
  v.type.length = 255;
  auto m = map(mysqlToPg(), v);
  EXPECT_EQ(m.targetType, "character varying(255)");
  EXPECT_EQ(m.severity, Severity::Exact);
  EXPECT_EQ(m.conversion, ConversionId::MySqlTextToPgText);

  v.type.collation = "utf8mb4_0900_ai_ci";
  m = map(mysqlToPg(), v);
  EXPECT_EQ(m.severity, Severity::Review);
  EXPECT_EQ(m.codes(), Codes{"MY2PG_CASE_INSENSITIVE"});

  v.type.charset = "latin1";
  v.type.collation = "latin1_bin";
  m = map(mysqlToPg(), v);
  EXPECT_EQ(m.targetType, "character varying(255)");  // the server transcodes to UTF-8
  EXPECT_EQ(m.options, std::vector<std::string>{"transcode_charsets"});
  auto ctx = mysqlToPg();
  ctx.options.transcodeCharsets = false;
  m = map(ctx, v);
  EXPECT_EQ(m.targetType, "bytea");
  EXPECT_EQ(m.codes(), Codes{"MY2PG_CHARSET_BYTES"});

  auto c = my("code", "char", "char(10)");
  c.type.length = 10;
  m = map(mysqlToPg(), c);
  EXPECT_EQ(m.targetType, "character(10)");
  EXPECT_EQ(m.codes(), Codes{"MY2PG_CHAR_PADDING"});

  auto lt = my("body", "longtext", "longtext");
  m = map(mysqlToPg(), lt);
  EXPECT_EQ(m.targetType, "text");
  EXPECT_EQ(m.severity, Severity::Exact);

  auto s = my("note", "varchar", "varchar(20)");
  s.defaultExpr = "it's";  // MySQL shows string defaults unquoted
  EXPECT_EQ(map(mysqlToPg(), s).defaultExpr, "'it''s'");
  s.defaultExpr = "'it''s'";  // MariaDB quotes them
  EXPECT_EQ(map(mariaToPg(), s).defaultExpr, "'it''s'");
}

TEST(MySqlToPg, Binary) {
  auto b = my("hash", "binary", "binary(16)");
  b.type.length = 16;
  auto m = map(mysqlToPg(), b);
  EXPECT_EQ(m.targetType, "bytea");
  EXPECT_EQ(m.codes(), Codes{"MY2PG_BINARY_PADDING"});
  EXPECT_EQ(m.conversion, ConversionId::MySqlBytesToBytea);
  m = map(mysqlToPg(), my("img", "longblob", "longblob"));
  EXPECT_EQ(m.targetType, "bytea");
  EXPECT_EQ(m.severity, Severity::Exact);
}

TEST(MySqlToPg, EnumAndSet) {
  auto e = my("status", "enum", "enum('new','paid')");
  e.type.values = {"new", "paid"};
  e.defaultExpr = "new";
  auto m = map(mysqlToPg(), e);
  EXPECT_EQ(m.targetType, "\"shop\".\"orders_status\"");
  ASSERT_TRUE(m.createType.has_value());
  EXPECT_EQ(m.createType->kind, model::UserTypeKind::Enum);
  EXPECT_EQ(m.createType->labels, (std::vector<std::string>{"new", "paid"}));
  EXPECT_EQ(m.codes(), Codes{"MY2PG_ENUM_EMPTY_VALUE"});
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(m.defaultExpr, "'new'");

  e.type.values = {"", "new"};
  EXPECT_EQ(map(mysqlToPg(), e).severity, Severity::Exact);

  auto ctx = mysqlToPg();
  ctx.options.enumAs = typemap::EnumAs::TextWithCheck;
  m = map(ctx, e);
  EXPECT_EQ(m.targetType, "text");
  EXPECT_EQ(m.checkExpression, "\"status\" IN ('', 'new')");
  EXPECT_EQ(m.codes(), Codes{"MY2PG_ENUM_ORDER"});

  auto s = my("tags", "set", "set('a','b')");
  s.type.values = {"a", "b"};
  s.defaultExpr = "a,b";
  m = map(mysqlToPg(), s);
  EXPECT_EQ(m.targetType, "text[]");
  EXPECT_EQ(m.checkExpression, "\"tags\" <@ ARRAY['a','b']::text[]");
  EXPECT_EQ(m.defaultExpr, "'{\"a\",\"b\"}'");
  EXPECT_EQ(m.severity, Severity::Review);
}

TEST(MySqlToPg, JsonBothFlavours) {
  auto j = my("doc", "json", "json");
  auto m = map(mysqlToPg(), j);
  EXPECT_EQ(m.targetType, "jsonb");
  EXPECT_EQ(m.codes(), Codes{"MY2PG_JSONB_NORMALISED"});
  EXPECT_EQ(m.severity, Severity::Review);

  auto t = table();
  t.checks.push_back({"doc", "json_valid(`doc`)", true});
  auto lt = my("doc", "longtext", "longtext");
  m = map(mariaToPg(), lt, t);
  EXPECT_EQ(m.targetType, "jsonb");
  EXPECT_EQ(sorted(m.codes()), sorted({"MY2PG_JSONB_NORMALISED", "MY2PG_JSON_DUPLICATE_KEYS"}));
  EXPECT_EQ(m.severity, Severity::Lossy);

  auto ctx = mariaToPg();
  ctx.options.jsonAs = typemap::JsonAs::Json;
  m = map(ctx, lt, t);
  EXPECT_EQ(m.targetType, "json");
  EXPECT_EQ(m.severity, Severity::Exact);
}

TEST(MySqlToPg, MariaDbTypesSpatialUnknown) {
  EXPECT_EQ(map(mariaToPg(), my("u", "uuid", "uuid")).targetType, "uuid");
  EXPECT_EQ(map(mariaToPg(), my("u", "uuid", "uuid")).severity, Severity::Exact);
  EXPECT_EQ(map(mariaToPg(), my("ip", "inet6", "inet6")).targetType, "inet");
  EXPECT_EQ(map(mariaToPg(), my("ip", "inet4", "inet4")).severity, Severity::Exact);
  auto g = map(mysqlToPg(), my("loc", "point", "point"));
  EXPECT_EQ(g.severity, Severity::Unsupported);
  EXPECT_EQ(g.codes(), Codes{"MY2PG_SPATIAL"});
  EXPECT_EQ(g.conversion, ConversionId::Unsupported);
  EXPECT_EQ(map(mysqlToPg(), my("x", "frobnicate", "frobnicate")).codes(), Codes{"MAP_UNKNOWN_TYPE"});
}

TEST(MySqlToPg, AutoIncrementGeneratedAndUntranslatedDefault) {
  auto id = my("id", "int", "int unsigned");
  id.identity = model::Identity::AutoIncrement;
  auto m = map(mysqlToPg(), id);
  EXPECT_EQ(m.identity, model::Identity::ByDefault);
  EXPECT_FALSE(m.defaultExpr.has_value());

  auto g = my("total", "decimal", "decimal(10,2)");
  g.generated = model::Generated::Stored;
  g.generatedExpr = "`price` * `qty`";
  m = map(mysqlToPg(), g);
  EXPECT_EQ(m.generated, model::Generated::None);
  EXPECT_EQ(m.codes(), Codes{"GENERATED_COLUMN"});

  auto r = my("score", "double", "double");
  r.defaultExpr = "rand()";
  m = map(mariaToPg(), r);
  EXPECT_FALSE(m.defaultExpr.has_value());
  EXPECT_EQ(m.codes(), Codes{"DEFAULT_NOT_TRANSLATED"});
  auto u = my("ref", "char", "char(36)");
  u.type.length = 36;
  u.defaultExpr = "uuid()";
  m = map(mariaToPg(), u);
  EXPECT_EQ(m.defaultExpr, "gen_random_uuid()::text");
  EXPECT_TRUE(m.hasCode("DEFAULT_UUID_VERSION"));
}

// ---- PostgreSQL → MySQL/MariaDB ----------------------------------------------------

TEST(PgToMySql, IntegersTextAndCollation) {
  auto m = map(pgToMysql(), pg("id", "integer", "integer"));
  EXPECT_EQ(m.targetType, "INT");
  EXPECT_EQ(m.severity, Severity::Exact);

  m = map(pgToMysql(), pg("body", "text", "text"));
  EXPECT_EQ(m.targetType, "LONGTEXT");
  EXPECT_EQ(m.severity, Severity::Widened);
  EXPECT_EQ(m.targetCharset, "utf8mb4");
  EXPECT_EQ(m.targetCollation, "utf8mb4_0900_bin");
  EXPECT_EQ(map(pgToMaria(), pg("body", "text", "text")).targetCollation, "utf8mb4_nopad_bin");

  auto ctx = pgToMysql();
  ctx.options.pgTextAs = typemap::PgTextAs::Varchar;
  m = map(ctx, pg("body", "text", "text"));
  EXPECT_EQ(m.targetType, "VARCHAR(255)");
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(sorted(m.options), sorted({"pg_text_as", "pg_text_varchar_length"}));

  auto v = pg("name", "character varying", "character varying(100)");
  v.type.length = 100;
  v.defaultExpr = "'n/a'::character varying";
  m = map(pgToMysql(), v);
  EXPECT_EQ(m.targetType, "VARCHAR(100)");
  EXPECT_EQ(m.severity, Severity::Exact);
  EXPECT_EQ(m.defaultExpr, "'n/a'");
  v.type.length = 20000;
  m = map(pgToMysql(), v);
  EXPECT_EQ(m.targetType, "MEDIUMTEXT");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_VARCHAR_AS_TEXT"});
  EXPECT_EQ(m.defaultExpr, "('n/a')");  // MySQL 8.0.13+ needs an expression default on TEXT

  auto ch = pg("code", "character", "character(3)");
  ch.type.length = 3;
  EXPECT_EQ(map(pgToMysql(), ch).targetType, "CHAR(3)");
}

TEST(PgToMySql, Numerics) {
  auto m = map(pgToMysql(), pg("x", "numeric", "numeric"));
  EXPECT_EQ(m.targetType, "DECIMAL(65,30)");
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_TRUE(m.hasCode("PG2MY_NUMERIC_UNCONSTRAINED"));
  EXPECT_EQ(m.conversionContext.precision, 65);

  auto n = pg("price", "numeric", "numeric(10,2)");
  n.type.precision = 10;
  n.type.scale = 2;
  m = map(pgToMysql(), n);
  EXPECT_EQ(m.targetType, "DECIMAL(10,2)");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_NUMERIC_NAN"});

  n.type.precision = 80;
  n.type.scale = 40;
  m = map(pgToMysql(), n);
  EXPECT_EQ(m.targetType, "DECIMAL(65,30)");
  EXPECT_TRUE(m.hasCode("PG2MY_NUMERIC_PRECISION"));

  m = map(pgToMysql(), pg("r", "double precision", "double precision"));
  EXPECT_EQ(m.targetType, "DOUBLE");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_FLOAT_SPECIAL"});
  EXPECT_EQ(map(pgToMysql(), pg("r", "real", "real")).targetType, "FLOAT");
  m = map(pgToMysql(), pg("m", "money", "money"));
  EXPECT_EQ(m.targetType, "DECIMAL(19,2)");
  EXPECT_EQ(m.severity, Severity::Review);
}

TEST(PgToMySql, BooleanTemporal) {
  auto b = pg("ok", "boolean", "boolean");
  b.defaultExpr = "true";
  auto m = map(pgToMysql(), b);
  EXPECT_EQ(m.targetType, "TINYINT(1)");
  EXPECT_EQ(m.severity, Severity::Exact);
  EXPECT_EQ(m.defaultExpr, "1");

  auto ts = pg("at", "timestamp with time zone", "timestamp with time zone");
  ts.defaultExpr = "now()";
  m = map(pgToMysql(), ts);
  EXPECT_EQ(m.targetType, "DATETIME(6)");
  EXPECT_EQ(m.defaultExpr, "CURRENT_TIMESTAMP(6)");
  EXPECT_EQ(sorted(m.codes()), sorted({"PG2MY_TIMESTAMPTZ_UTC", "PG2MY_DATE_RANGE"}));
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(m.conversion, ConversionId::PgTimestamptzToUtcDatetime);

  auto t3 = pg("at", "timestamp without time zone", "timestamp(3) without time zone");
  t3.type.precision = 3;
  EXPECT_EQ(map(pgToMysql(), t3).targetType, "DATETIME(3)");
  EXPECT_EQ(map(pgToMysql(), pg("d", "date", "date")).codes(), Codes{"PG2MY_DATE_RANGE"});
  m = map(pgToMysql(), pg("t", "time without time zone", "time without time zone"));
  EXPECT_EQ(m.targetType, "TIME(6)");
  EXPECT_EQ(m.severity, Severity::Exact);

  m = map(pgToMysql(), pg("i", "interval", "interval"));
  EXPECT_EQ(m.targetType, "VARCHAR(100)");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_INTERVAL_TEXT"});
  auto ctx = pgToMysql();
  ctx.options.intervalAs = typemap::IntervalAs::Time;
  m = map(ctx, pg("i", "interval", "interval"));
  EXPECT_EQ(m.targetType, "TIME(6)");
  EXPECT_EQ(m.severity, Severity::Lossy);
  EXPECT_EQ(m.conversion, ConversionId::PgIntervalToTime);
}

TEST(PgToMySql, UuidInetBitsBytea) {
  auto m = map(pgToMysql(), pg("u", "uuid", "uuid"));
  EXPECT_EQ(m.targetType, "CHAR(36)");
  EXPECT_EQ(m.severity, Severity::Exact);
  EXPECT_EQ(map(pgToMaria(), pg("u", "uuid", "uuid")).targetType, "UUID");
  m = map(pgToMysql(), pg("ip", "inet", "inet"));
  EXPECT_EQ(m.targetType, "VARCHAR(43)");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_INET_TEXT"});

  auto bit = pg("b", "bit", "bit(8)");
  bit.type.length = 8;
  m = map(pgToMysql(), bit);
  EXPECT_EQ(m.targetType, "BIT(8)");
  EXPECT_EQ(m.severity, Severity::Exact);
  auto vb = pg("b", "bit varying", "bit varying(8)");
  vb.type.length = 8;
  m = map(pgToMysql(), vb);
  EXPECT_EQ(m.targetType, "BIT(8)");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_VARBIT_LENGTH"});
  bit.type.length = 100;
  m = map(pgToMysql(), bit);
  EXPECT_EQ(m.targetType, "VARBINARY(13)");
  EXPECT_EQ(m.severity, Severity::Review);

  m = map(pgToMysql(), pg("raw", "bytea", "bytea"));
  EXPECT_EQ(m.targetType, "LONGBLOB");
  EXPECT_EQ(m.severity, Severity::Widened);
  EXPECT_EQ(m.conversion, ConversionId::PgByteaToBytes);
}

TEST(PgToMySql, JsonArraysAndFallbacks) {
  auto m = map(pgToMysql(), pg("doc", "jsonb", "jsonb"));
  EXPECT_EQ(m.targetType, "JSON");
  EXPECT_EQ(sorted(m.codes()), sorted({"PG2MY_JSON_NORMALISED", "PG2MY_JSON_NUMBER_PRECISION"}));
  EXPECT_TRUE(map(pgToMysql(), pg("doc", "json", "json")).hasCode("PG2MY_JSON_DUPLICATE_KEYS"));
  m = map(pgToMaria(), pg("doc", "jsonb", "jsonb"));
  EXPECT_EQ(m.targetType, "JSON");
  // MariaDB's json_valid refuses documents nested deeper than 31 levels (round-trip test).
  EXPECT_EQ(m.codes(), Codes{"PG2MY_JSON_DEPTH"});
  EXPECT_EQ(m.severity, Severity::Lossy);

  auto a = pg("ids", "integer", "integer[]");
  a.type.arrayDims = 1;
  m = map(pgToMysql(), a);
  EXPECT_EQ(m.targetType, "JSON");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_ARRAY_JSON"});
  EXPECT_EQ(m.conversion, ConversionId::PgArrayToJson);
  EXPECT_EQ(m.conversionContext.arrayElement, typemap::JsonElement::Number);
  auto na = pg("xs", "numeric", "numeric[]");
  na.type.arrayDims = 1;
  EXPECT_EQ(map(pgToMysql(), na).severity, Severity::Lossy);

  auto r = pg("during", "tstzrange", "tstzrange");
  r.type.userDefined = true;
  r.type.typeSchema = "pg_catalog";
  m = map(pgToMysql(), r);
  EXPECT_EQ(m.targetType, "LONGTEXT");
  EXPECT_EQ(m.codes(), Codes{"PG2MY_TEXT_FALLBACK"});
  EXPECT_EQ(map(pgToMysql(), pg("v", "tsvector", "tsvector")).severity, Severity::Review);
  EXPECT_EQ(map(pgToMysql(), pg("o", "oid", "oid")).codes(), Codes{"PG2MY_OID_NUMBER"});
}

TEST(PgToMySql, UserTypes) {
  auto ctx = pgToMysql();
  model::UserType mood;
  mood.schema = "shop";
  mood.name = "mood";
  mood.kind = model::UserTypeKind::Enum;
  mood.labels = {"happy", "sad"};
  ctx.userTypes.add(mood);
  model::UserType price;
  price.schema = "shop";
  price.name = "price";
  price.kind = model::UserTypeKind::Domain;
  price.baseType = "numeric(10,2)";
  price.notNull = true;
  price.checks.push_back({"price_check", "CHECK ((VALUE > (0)::numeric))", true});
  ctx.userTypes.add(price);

  auto e = pg("m", "mood", "shop.mood");
  e.type.userDefined = true;
  e.type.typeSchema = "shop";
  auto m = map(ctx, e);
  EXPECT_EQ(m.targetType, "ENUM('happy','sad')");
  EXPECT_EQ(m.severity, Severity::Exact);

  auto d = pg("p", "price", "shop.price");
  d.type.userDefined = true;
  d.type.typeSchema = "shop";
  m = map(ctx, d);
  EXPECT_EQ(m.targetType, "DECIMAL(10,2)");
  EXPECT_FALSE(m.nullable);
  EXPECT_EQ(m.checkExpression, "((`p` > (0)::numeric))");
  EXPECT_TRUE(m.hasCode("PG2MY_DOMAIN_CHECK"));

  auto ci = pg("email", "citext", "public.citext");
  ci.type.userDefined = true;
  ci.type.typeSchema = "public";
  EXPECT_EQ(map(ctx, ci).codes(), Codes{"PG2MY_CITEXT"});
  auto h = pg("attrs", "hstore", "public.hstore");
  h.type.userDefined = true;
  h.type.typeSchema = "public";
  EXPECT_EQ(map(ctx, h).severity, Severity::Unsupported);
}

TEST(PgToMySql, SerialAndIdentity) {
  auto t = table();
  t.primaryKey = model::PrimaryKey{"orders_pkey", {"id"}};
  auto id = pg("id", "integer", "integer");
  id.defaultExpr = "nextval('shop.orders_id_seq'::regclass)";
  id.nullable = false;
  auto m = map(pgToMysql(), id, t);
  EXPECT_EQ(m.identity, model::Identity::AutoIncrement);
  EXPECT_FALSE(m.defaultExpr.has_value());
  EXPECT_EQ(m.severity, Severity::Exact);

  auto always = pg("id", "bigint", "bigint");
  always.identity = model::Identity::Always;
  m = map(pgToMysql(), always, t);
  EXPECT_EQ(m.identity, model::Identity::AutoIncrement);
  EXPECT_EQ(m.codes(), Codes{"PG2MY_IDENTITY_ALWAYS"});

  auto other = pg("seqno", "integer", "integer");
  other.defaultExpr = "nextval('shop.seqno_seq'::regclass)";
  m = map(pgToMysql(), other, t);
  EXPECT_EQ(m.identity, model::Identity::None);
  EXPECT_EQ(m.codes(), Codes{"PG2MY_SEQUENCE_NOT_KEY"});
}

// ---- PostgreSQL → PostgreSQL ---------------------------------------------------------

TEST(PgToPg, KeepsTypesAndCarriesDefaults) {
  auto a = pg("ids", "integer", "integer[]");
  a.type.arrayDims = 1;
  auto m = map(pgToPg(), a);
  EXPECT_EQ(m.targetType, "integer[]");
  EXPECT_EQ(m.severity, Severity::Exact);

  auto s = pg("id", "integer", "integer");
  s.defaultExpr = "nextval('orders_id_seq'::regclass)";
  EXPECT_EQ(map(pgToPg(), s).defaultExpr, s.defaultExpr);
  auto i = pg("id", "bigint", "bigint");
  i.identity = model::Identity::Always;
  EXPECT_EQ(map(pgToPg(), i).identity, model::Identity::Always);

  auto ctx = pgToPg();
  model::UserType mood;
  mood.schema = "shop";
  mood.name = "mood";
  mood.labels = {"happy"};
  ctx.userTypes.add(mood);
  auto e = pg("m", "mood", "shop.mood");
  e.type.userDefined = true;
  e.type.typeSchema = "shop";
  m = map(ctx, e);
  EXPECT_EQ(m.targetType, "\"shop\".\"mood\"");
  ASSERT_TRUE(m.createType.has_value());
  EXPECT_EQ(m.createType->labels, std::vector<std::string>{"happy"});
  EXPECT_EQ(m.severity, Severity::Exact);
}

TEST(PgToPg, VersionEncodingCollationExtension) {
  auto older = context(Engine::PostgreSQL, version(16, 1), Engine::PostgreSQL, version(12, 17));
  auto m = map(older, pg("x", "xid8", "xid8"));
  EXPECT_EQ(m.severity, Severity::Unsupported);
  EXPECT_EQ(m.codes(), Codes{"PG2PG_TYPE_TOO_NEW"});
  auto mr = pg("r", "int4multirange", "int4multirange");
  mr.type.userDefined = true;
  mr.type.typeSchema = "pg_catalog";
  EXPECT_EQ(map(older, mr).codes(), Codes{"PG2PG_TYPE_TOO_NEW"});
  EXPECT_EQ(map(older, pg("n", "numeric", "numeric")).codes(), Codes{"PG2PG_NUMERIC_INFINITY"});
  EXPECT_EQ(map(older, pg("j", "jsonb", "jsonb")).severity, Severity::Exact);

  auto ctx = pgToPg();
  ctx.sourceEncoding = "SQL_ASCII";
  EXPECT_EQ(map(ctx, pg("t", "text", "text")).codes(), Codes{"PG2PG_SQL_ASCII"});
  EXPECT_EQ(map(ctx, pg("n", "integer", "integer")).severity, Severity::Exact);

  auto c = pg("t", "text", "text");
  c.type.collation = "en_US";
  EXPECT_EQ(map(pgToPg(), c).codes(), Codes{"PG2PG_COLLATION"});
  auto ci = pg("email", "citext", "public.citext");
  ci.type.userDefined = true;
  ci.type.typeSchema = "public";
  EXPECT_EQ(map(pgToPg(), ci).codes(), Codes{"PG2PG_EXTENSION_TYPE"});
}

// ---- MySQL/MariaDB → MySQL/MariaDB -------------------------------------------------

TEST(MySqlToMySql, CharsetsAndCollations) {
  auto ctx = context(Engine::MySQL, version(5, 7, 44), Engine::MySQL, version(8, 0, 36));
  auto v = my("name", "varchar", "varchar(50)");
  v.type.charset = "utf8";
  v.type.collation = "utf8_general_ci";
  auto m = map(ctx, v);
  EXPECT_EQ(m.targetType, "varchar(50)");
  EXPECT_EQ(m.targetCharset, "utf8mb4");
  EXPECT_EQ(m.targetCollation, "utf8mb4_general_ci");
  EXPECT_EQ(m.severity, Severity::Widened);
  EXPECT_EQ(m.codes(), Codes{"MY2MY_UTF8MB3"});

  auto toMaria = context(Engine::MySQL, version(8, 0, 36), Engine::MariaDB, version(10, 11, 6));
  v.type.charset = "utf8mb4";
  v.type.collation = "utf8mb4_0900_ai_ci";
  m = map(toMaria, v);
  EXPECT_EQ(m.targetCollation, "utf8mb4_uca1400_ai_ci");
  EXPECT_EQ(m.codes(), Codes{"MY2MY_COLLATION_MAPPED"});
  m = map(toMaria, my("doc", "json", "json"));
  EXPECT_EQ(m.targetType, "JSON");
  EXPECT_EQ(m.codes(), Codes{"MY2MY_JSON_AS_TEXT"});
}

TEST(MySqlToMySql, MariaDbOnlyTypesToMySql) {
  auto ctx = context(Engine::MariaDB, version(10, 11, 6), Engine::MySQL, version(8, 0, 36));
  auto m = map(ctx, my("u", "uuid", "uuid"));
  EXPECT_EQ(m.targetType, "CHAR(36)");
  EXPECT_EQ(m.codes(), Codes{"MY2MY_UUID_TEXT"});
  EXPECT_EQ(map(ctx, my("ip", "inet6", "inet6")).targetType, "VARCHAR(39)");
  EXPECT_EQ(map(ctx, my("ip", "inet4", "inet4")).targetType, "VARCHAR(15)");
  auto t = table();
  t.checks.push_back({"doc", "json_valid(`doc`)", true});
  m = map(ctx, my("doc", "longtext", "longtext"), t);
  EXPECT_EQ(m.targetType, "longtext");
  EXPECT_EQ(m.codes(), Codes{"MY2MY_MARIADB_JSON"});
  m = map(ctx, my("y", "year", "year(2)"));
  EXPECT_EQ(m.targetType, "YEAR");
  EXPECT_EQ(m.conversion, ConversionId::MySqlYear2ToYear);
  EXPECT_EQ(map(ctx, my("n", "int", "int(11)")).targetType, "int");
  EXPECT_EQ(map(ctx, my("n", "int", "int(10) unsigned")).targetType, "int unsigned");
  EXPECT_EQ(map(ctx, my("f", "tinyint", "tinyint(1)")).targetType, "tinyint(1)");
  auto ts = my("at", "datetime", "datetime(6)");
  ts.defaultExpr = "current_timestamp(6)";
  ts.onUpdate = "current_timestamp(6)";
  m = map(ctx, ts);
  EXPECT_EQ(m.defaultExpr, "CURRENT_TIMESTAMP(6)");
  EXPECT_EQ(m.onUpdate, "current_timestamp(6)");
  EXPECT_EQ(m.codes(), Codes{"MY2MY_ZERO_DATE"});
  auto s = my("note", "varchar", "varchar(10)");
  s.defaultExpr = "'x'";
  EXPECT_EQ(map(ctx, s).defaultExpr, "'x'");
}

TEST(MySqlToMySql, DeprecatedFloatAndSameVersionExact) {
  auto ctx = context(Engine::MySQL, version(8, 0, 36), Engine::MySQL, version(8, 0, 36));
  auto f = my("x", "float", "float(7,2)");
  f.type.precision = 7;
  f.type.scale = 2;
  EXPECT_EQ(map(ctx, f).codes(), Codes{"MY2MY_FLOAT_MD"});
  auto e = my("status", "enum", "enum('a','b')");
  e.type.values = {"a", "b"};
  auto m = map(ctx, e);
  EXPECT_EQ(m.targetType, "enum('a','b')");
  EXPECT_EQ(m.severity, Severity::Exact);
}

// ---- names and indexes -------------------------------------------------------------

TEST(Identifiers, ShortenedDeterministicallyAndUtf8Safe) {
  auto shortName = typemap::mapIdentifier("orders", Engine::PostgreSQL);
  EXPECT_EQ(shortName.name, "orders");
  EXPECT_FALSE(shortName.finding.has_value());

  const std::string longName(70, 'a');
  auto a = typemap::mapIdentifier(longName, Engine::PostgreSQL);
  EXPECT_EQ(a.name.size(), 63U);
  EXPECT_EQ(a.name.substr(0, 54), std::string(54, 'a'));
  EXPECT_EQ(a.name[54], '_');
  ASSERT_TRUE(a.finding.has_value());
  EXPECT_EQ(a.finding->code, "NAME_TOO_LONG");
  EXPECT_EQ(typemap::mapIdentifier(longName, Engine::PostgreSQL).name, a.name);
  EXPECT_NE(typemap::mapIdentifier(longName + "b", Engine::PostgreSQL).name, a.name);
  EXPECT_EQ(typemap::mapIdentifier(longName, Engine::MySQL).name.size(), 64U);

  std::string accents;
  for (int i = 0; i < 40; ++i) accents += "\xC3\xA9";  // é: 80 bytes, 40 characters
  auto pgName = typemap::mapIdentifier(accents, Engine::PostgreSQL);
  EXPECT_LE(pgName.name.size(), 63U);
  EXPECT_EQ(pgName.name.substr(0, 54), accents.substr(0, 54));  // 27 whole characters
  EXPECT_FALSE(typemap::mapIdentifier(accents, Engine::MySQL).finding.has_value());

  auto t = table();
  auto col = my(longName, "int", "int");
  EXPECT_TRUE(map(mysqlToPg(), col, t).hasCode("NAME_TOO_LONG"));
}

TEST(Indexes, FindingsPerPair) {
  model::Index ft;
  ft.name = "ft_body";
  ft.method = "fulltext";
  ft.keys.push_back({std::string("body"), std::nullopt, std::nullopt, false, std::nullopt, std::nullopt});
  auto f = typemap::mapIndex(mysqlToPg(), table(), ft);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].code, "MY2PG_FULLTEXT_INDEX");
  EXPECT_EQ(f[0].severity, Severity::Unsupported);

  model::Index prefix;
  prefix.name = "ix_name";
  prefix.keys.push_back({std::string("name"), std::nullopt, 10, false, std::nullopt, std::nullopt});
  f = typemap::mapIndex(mysqlToPg(), table(), prefix);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].code, "MY2PG_PREFIX_INDEX");

  model::Index partial;
  partial.name = "ix_active";
  partial.method = "gin";
  partial.predicate = "(active)";
  partial.keys.push_back({std::string("tags"), std::nullopt, std::nullopt, false, std::nullopt, std::nullopt});
  f = typemap::mapIndex(pgToMysql(), table(), partial);
  std::vector<std::string> codes;
  for (const auto& x : f) codes.push_back(x.code);
  EXPECT_EQ(sorted(codes), sorted({"PG2MY_PARTIAL_INDEX", "PG2MY_INDEX_METHOD"}));
  EXPECT_TRUE(typemap::mapIndex(pgToPg(), table(), prefix).empty());
}

}  // namespace
}  // namespace ferry
