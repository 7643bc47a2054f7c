// Type mapping rules per engine pair: target type text, severity and finding codes
// for representative columns, built by hand as the introspectors fill them.

#include "typemap_test_support.h"

namespace ferry::typemap_test {
namespace {


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

TEST(OptionInfo, ListsEveryOptionOnceWithItsDefault) {
  const auto defaults = typemap::MappingOptions{}.toJson();
  ASSERT_EQ(typemap::optionInfos().size(), defaults.size());
  for (const auto& info : typemap::optionInfos()) {
    SCOPED_TRACE(info.key);
    ASSERT_TRUE(defaults.contains(info.key));
    EXPECT_EQ(typemap::findOptionInfo(info.key), &info);
    EXPECT_FALSE(info.description.empty());
    EXPECT_FALSE(info.subject.empty());
    const auto& d = defaults.at(info.key);
    EXPECT_EQ(info.defaultValue, d.is_string() ? d.get<std::string>() : d.dump());
    switch (info.kind) {
      case typemap::OptionKind::Choice:
      case typemap::OptionKind::Boolean: {
        ASSERT_GE(info.values.size(), 2U);
        EXPECT_EQ(info.values.front(), info.defaultValue);
        // Every listed value is accepted, and each other than the default changes the options.
        for (const auto& v : info.values) {
          const nlohmann::json value = info.kind == typemap::OptionKind::Boolean ? nlohmann::json(v == "true") : nlohmann::json(v);
          EXPECT_TRUE(typemap::checkOption(info.key, value).ok()) << v;
          auto parsed = typemap::MappingOptions::fromJson(nlohmann::json{{info.key, value}});
          ASSERT_TRUE(parsed.ok());
          EXPECT_EQ(*parsed == typemap::MappingOptions{}, v == info.defaultValue) << v;
        }
        EXPECT_FALSE(typemap::checkOption(info.key, "no-such-value").ok());
        break;
      }
      case typemap::OptionKind::Integer:
        EXPECT_LT(info.minimum, info.maximum);
        EXPECT_TRUE(typemap::checkOption(info.key, info.minimum).ok());
        EXPECT_TRUE(typemap::checkOption(info.key, info.maximum).ok());
        EXPECT_FALSE(typemap::checkOption(info.key, info.minimum - 1).ok());
        EXPECT_FALSE(typemap::checkOption(info.key, info.maximum + 1).ok());
        break;
      case typemap::OptionKind::Text:
        EXPECT_TRUE(typemap::checkOption(info.key, info.defaultValue).ok());
        EXPECT_FALSE(typemap::checkOption(info.key, "").ok());
        break;
    }
    if (!info.dependsOnKey.empty()) {
      const auto* on = typemap::findOptionInfo(info.dependsOnKey);
      ASSERT_NE(on, nullptr);
      EXPECT_NE(std::find(on->values.begin(), on->values.end(), info.dependsOnValue), on->values.end());
    }
  }
  EXPECT_EQ(typemap::findOptionInfo("no_such_option"), nullptr);
  EXPECT_FALSE(typemap::checkOption("no_such_option", "x").ok());
}

TEST(OptionInfo, EnginePairs) {
  using model::Engine;
  const auto* tinyint = typemap::findOptionInfo("tinyint1_as");
  const auto* pgText = typemap::findOptionInfo("pg_text_as");
  ASSERT_TRUE(tinyint && pgText);
  EXPECT_TRUE(tinyint->appliesTo(Engine::MariaDB, Engine::PostgreSQL));
  EXPECT_TRUE(tinyint->appliesTo(Engine::MySQL, Engine::PostgreSQL));
  EXPECT_FALSE(tinyint->appliesTo(Engine::PostgreSQL, Engine::MariaDB));
  EXPECT_FALSE(tinyint->appliesTo(Engine::MariaDB, Engine::MySQL));
  EXPECT_TRUE(pgText->appliesTo(Engine::PostgreSQL, Engine::MariaDB));
  EXPECT_FALSE(pgText->appliesTo(Engine::PostgreSQL, Engine::PostgreSQL));
  EXPECT_FALSE(pgText->appliesTo(Engine::MySQL, Engine::PostgreSQL));
}

TEST(OptionInfo, CheckOptionNamesTheKeyAndRejectsWhatCannotBeAZone) {
  auto date = typemap::checkOption("zero_date_sentinel", "2024-13-45");
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(date.error().kind(), core::ErrorKind::Usage);
  EXPECT_NE(date.error().message().find("zero_date_sentinel"), std::string::npos);
  EXPECT_TRUE(typemap::checkOption("zero_date_sentinel", "1970-01-01").ok());
  for (const char* zone : {"UTC", "+02:00", "-05", "+0530", "Europe/Berlin", "America/Argentina/Buenos_Aires",
                           "EST5EDT", "Etc/GMT+3"}) {
    EXPECT_TRUE(typemap::checkOption("datetime_zone", zone).ok()) << zone;
  }
  for (const char* zone : {"Europe Berlin", "+25:00", "+02:75", "+2", "Europe//Berlin", "/Berlin", "Europe/", "2024",
                           "UTC;drop"}) {
    auto r = typemap::checkOption("datetime_zone", zone);
    EXPECT_FALSE(r.ok()) << zone;
    if (!r.ok()) {
      EXPECT_NE(r.error().message().find("datetime_zone"), std::string::npos);
    }
  }
  // The project file reader itself stays as lenient as before: any non-empty text.
  EXPECT_TRUE(typemap::MappingOptions::fromJson(nlohmann::json{{"datetime_zone", "Europe Berlin"}}).ok());
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
  EXPECT_EQ(map(mysqlToPg(), my("x", "frobnicate", "frobnicate")).codes(), Codes{"MAP_UNKNOWN_TYPE"});
}

TEST(MySqlToPg, SpatialTypesByPostgisAvailabilityAndOption) {
  auto pointCol = my("loc", "point", "point");
  pointCol.type.srid = 4326;
  // No target server asked: PostGIS is assumed, and the finding says it is needed.
  auto g = map(mysqlToPg(), pointCol);
  EXPECT_EQ(g.targetType, "\"public\".geometry(Point,4326)");
  EXPECT_EQ(g.codes(), Codes{"MY2PG_POSTGIS_NEEDED"});
  EXPECT_EQ(g.conversion, ConversionId::MySqlGeometryToEwkb);
  EXPECT_EQ(g.extension, "postgis");
  auto ctx = mysqlToPg();
  ctx.postgis = typemap::PostgisState::Installed;
  ctx.postgisSchema = "gis";
  g = map(ctx, pointCol);
  EXPECT_EQ(g.targetType, "\"gis\".geometry(Point,4326)");
  EXPECT_EQ(g.severity, Severity::Exact);
  EXPECT_EQ(map(ctx, my("g", "geometry", "geometry")).targetType, "\"gis\".geometry");
  EXPECT_EQ(map(ctx, my("c", "geomcollection", "geomcollection")).targetType, "\"gis\".geometry(GeometryCollection)");
  // Without PostGIS: PostgreSQL's own types where they hold the values, WKB otherwise.
  ctx.postgis = typemap::PostgisState::Unavailable;
  ctx.postgisWhy = "PostGIS is not installed on the target server";
  g = map(ctx, pointCol);
  EXPECT_EQ(g.targetType, "point");
  EXPECT_EQ(sorted(g.codes()), sorted({"MY2PG_SPATIAL_NATIVE", "MY2PG_SPATIAL_SRID_DROPPED"}));
  EXPECT_EQ(g.severity, Severity::Lossy);  // the SRID 4326 of every value is dropped
  EXPECT_EQ(map(ctx, my("l", "linestring", "linestring")).targetType, "path");
  EXPECT_TRUE(map(ctx, my("a", "polygon", "polygon")).hasCode("MY2PG_SPATIAL_POLYGON_HOLES"));
  EXPECT_EQ(map(ctx, my("m", "multipolygon", "multipolygon")).targetType, "bytea");
  ctx.options.spatialAs = typemap::SpatialAs::Wkt;
  EXPECT_EQ(map(ctx, pointCol).targetType, "text");
  EXPECT_EQ(map(ctx, pointCol).conversion, ConversionId::MySqlGeometryToEwkt);
  ctx.options.spatialAs = typemap::SpatialAs::Postgis;
  g = map(ctx, pointCol);
  EXPECT_EQ(g.severity, Severity::Unsupported);
  EXPECT_EQ(g.codes(), Codes{"MY2PG_POSTGIS_UNAVAILABLE"});
  EXPECT_NE(g.findings.front().message.find("not installed on the target server"), std::string::npos);
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


}  // namespace
}  // namespace ferry::typemap_test
