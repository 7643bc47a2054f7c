// Type mapping from PostgreSQL sources, same-engine pairs, names and indexes.

#include "typemap_test_support.h"

namespace ferry::typemap_test {
namespace {

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

TEST(Identifiers, WhatMySqlNamesCannotHoldIsReplacedWithAFinding) {
  // An emoji (4-byte UTF-8) becomes '_', the hash of the whole name keeps
  // names apart that differ only there; PostgreSQL keeps the name.
  const std::string smile = "\xF0\x9F\x98\x80 smile";
  auto a = typemap::mapIdentifier(smile, Engine::MariaDB);
  EXPECT_EQ(a.name.substr(0, 7), "_ smile");
  EXPECT_EQ(a.name.size(), 7U + 9U);
  ASSERT_TRUE(a.finding.has_value());
  EXPECT_EQ(a.finding->code, "NAME_NOT_REPRESENTABLE");
  EXPECT_NE(typemap::mapIdentifier("\xF0\x9F\x8E\x89 smile", Engine::MariaDB).name, a.name);  // another emoji
  EXPECT_FALSE(typemap::mapIdentifier(smile, Engine::PostgreSQL).finding.has_value());
  // A trailing space: MySQL names cannot end with one.
  auto t = typemap::mapIdentifier("total ", Engine::MySQL);
  EXPECT_EQ(t.name.substr(0, 6), "total_");
  EXPECT_EQ(t.name.find(' '), std::string::npos);
  EXPECT_EQ(t.finding->code, "NAME_NOT_REPRESENTABLE");
  // Replaced and too long: still within 64 characters.
  std::string many;
  for (int i = 0; i < 70; ++i) many += "\xF0\x9F\x98\x80";
  EXPECT_EQ(typemap::mapIdentifier(many, Engine::MySQL).name.size(), 64U);
  // Characters of the Basic Multilingual Plane stay.
  EXPECT_FALSE(typemap::mapIdentifier("\xE6\x97\xA5\xE6\x9C\xAC \xD7\xA9\xD7\x9C", Engine::MySQL).finding.has_value());
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
}  // namespace ferry::typemap_test
