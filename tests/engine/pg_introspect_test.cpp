// PostgreSQL introspection against the sandbox server: the fixture
// tests/fixtures/pg_types.sql read back and compared with what the server reports.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "introspect/introspector.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kDb = "ferry_t_pg_introspect";

class PgIntrospect : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreatePgDatabase(kDb);
    test::runPsqlFile(kDb, test::fixturePath("pg_types.sql"));
    auto conn = connect::PgConnection::open(test::pgSpec(kDb));
    ASSERT_TRUE(conn.ok()) << conn.error().oneLine();
    introspect::IntrospectOptions o;
    auto cat = introspect::introspectPostgres(**conn, o);
    ASSERT_TRUE(cat.ok()) << cat.error().oneLine();
    s_catalog = new model::Catalog(std::move(*cat));
  }
  static void TearDownTestSuite() {
    delete s_catalog;
    s_catalog = nullptr;
  }
  static const model::Table& table(const std::string& schema, const std::string& name) {
    const model::Table* t = s_catalog->table(schema, name);
    if (!t) throw std::runtime_error("no table " + schema + "." + name);
    return *t;
  }
  static const model::Column& column(const std::string& schema, const std::string& t, const std::string& c) {
    const model::Column* col = table(schema, t).column(c);
    if (!col) throw std::runtime_error("no column " + c);
    return *col;
  }
  static model::Catalog* s_catalog;
};

model::Catalog* PgIntrospect::s_catalog = nullptr;

TEST_F(PgIntrospect, SchemasAreTheUserSchemas) {
  ASSERT_NE(s_catalog, nullptr);
  EXPECT_EQ(s_catalog->engine, model::Engine::PostgreSQL);
  EXPECT_EQ(s_catalog->database, kDb);
  EXPECT_GE(s_catalog->serverVersion.major, 13);
  std::vector<std::string> names;
  for (const auto& s : s_catalog->schemas) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Mixed Case", "public", "shop"}));
}

TEST_F(PgIntrospect, EveryColumnTypeMatchesFormatType) {
  ASSERT_NE(s_catalog, nullptr);
  // The server's own spelling of every column, independent of our query.
  const std::string out = test::psql(kDb,
      "SELECT table_schema || '|' || table_name || '|' || column_name || '|' || "
      "format_type(a.atttypid, a.atttypmod) || '|' || CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END "
      "FROM information_schema.columns c JOIN pg_attribute a "
      "ON a.attrelid = (quote_ident(table_schema) || '.' || quote_ident(table_name))::regclass "
      "AND a.attname = c.column_name WHERE table_schema IN ('shop', 'Mixed Case') "
      "AND table_name IN (SELECT relname FROM pg_class WHERE relkind IN ('r','p')) "
      "ORDER BY 1");
  size_t compared = 0;
  for (const auto& line : core::split(out, '\n')) {
    if (line.empty()) continue;
    auto f = core::split(line, '|');
    ASSERT_EQ(f.size(), 5u) << line;
    // information_schema spells types with search_path = public; we read with
    // pg_catalog only, so user types come schema-qualified: compare the type name part.
    const model::Column* col = s_catalog->table(f[0], f[1]) ? s_catalog->table(f[0], f[1])->column(f[2]) : nullptr;
    ASSERT_NE(col, nullptr) << line;
    const std::string ours = col->type.declared;
    EXPECT_TRUE(ours == f[3] || core::endsWith(ours, "." + f[3]) || core::endsWith(ours, "." + f[3].substr(0, f[3].size())))
        << f[1] << "." << f[2] << ": ours " << ours << " server " << f[3];
    EXPECT_EQ(col->nullable, f[4] == "YES") << f[2];
    ++compared;
  }
  EXPECT_GT(compared, 70u);
}

TEST_F(PgIntrospect, TypeFacetsAreParsed) {
  ASSERT_NE(s_catalog, nullptr);
  const auto& numeric = column("shop", "all_types", "c_numeric").type;
  EXPECT_EQ(numeric.base, "numeric");
  EXPECT_EQ(numeric.precision, 12);
  EXPECT_EQ(numeric.scale, 4);
  const auto& varchar = column("shop", "all_types", "c_varchar").type;
  EXPECT_EQ(varchar.base, "character varying");
  EXPECT_EQ(varchar.length, 255);
  EXPECT_EQ(varchar.collation, "C");
  const auto& tstz = column("shop", "all_types", "c_timestamptz").type;
  EXPECT_EQ(tstz.base, "timestamp with time zone");
  EXPECT_EQ(tstz.precision, 3);
  const auto& matrix = column("shop", "all_types", "c_text_matrix").type;
  EXPECT_EQ(matrix.base, "text");
  EXPECT_EQ(matrix.arrayDims, 2);
  const auto& moods = column("shop", "all_types", "c_mood_array").type;
  EXPECT_TRUE(moods.userDefined);
  EXPECT_EQ(moods.base, "mood");
  EXPECT_EQ(moods.typeSchema, "shop");
  EXPECT_EQ(moods.arrayDims, 1);
  EXPECT_EQ(column("shop", "all_types", "c_bit").type.length, 8);
  EXPECT_EQ(column("shop", "all_types", "c_interval_ds").type.precision, 2);
  EXPECT_FALSE(column("shop", "all_types", "c_jsonb").type.userDefined);
}

TEST_F(PgIntrospect, DefaultsIdentityAndGenerated) {
  ASSERT_NE(s_catalog, nullptr);
  EXPECT_EQ(column("shop", "all_types", "id").identity, model::Identity::Always);
  EXPECT_EQ(column("shop", "customers", "customer_id").identity, model::Identity::ByDefault);
  EXPECT_EQ(column("shop", "all_types", "c_integer").defaultExpr, "42");
  EXPECT_FALSE(column("shop", "all_types", "c_integer").nullable);
  EXPECT_EQ(column("shop", "all_types", "c_text").defaultExpr, "'it''s'::text");
  EXPECT_EQ(column("shop", "all_types", "c_text").comment, "free text");
  EXPECT_EQ(column("shop", "all_types", "c_serial").defaultExpr, "nextval('shop.all_types_c_serial_seq'::regclass)");
  const auto& gen = column("shop", "all_types", "c_generated");
  EXPECT_EQ(gen.generated, model::Generated::Stored);
  EXPECT_EQ(gen.generatedExpr, "(c_numeric * (2)::numeric)");
  EXPECT_FALSE(gen.defaultExpr.has_value());
  EXPECT_EQ(table("shop", "all_types").comment, "one column per type");
}

TEST_F(PgIntrospect, PartitionsAndPersistence) {
  ASSERT_NE(s_catalog, nullptr);
  const auto& orders = table("shop", "orders");
  EXPECT_EQ(orders.kind, model::TableKind::PartitionedTable);
  EXPECT_EQ(orders.partitionKey, "RANGE (ordered_at)");
  const auto& p = table("shop", "orders_2025");
  EXPECT_EQ(p.kind, model::TableKind::Partition);
  EXPECT_EQ(p.parentTable, "shop.orders");
  EXPECT_EQ(p.partitionBound, "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00')");
  EXPECT_EQ(table("shop", "sessions").persistence, model::Persistence::Unlogged);
  EXPECT_EQ(table("shop", "customers").estimatedRows, 50);
}

TEST_F(PgIntrospect, ConstraintsAndForeignKeys) {
  ASSERT_NE(s_catalog, nullptr);
  const auto& orders = table("shop", "orders");
  ASSERT_TRUE(orders.primaryKey.has_value());
  EXPECT_EQ(orders.primaryKey->columns, (std::vector<std::string>{"order_id", "ordered_at"}));
  ASSERT_EQ(orders.foreignKeys.size(), 1u);
  const auto& fk = orders.foreignKeys[0];
  EXPECT_EQ(fk.name, "orders_customer_fk");
  EXPECT_EQ(fk.refSchema, "shop");
  EXPECT_EQ(fk.refTable, "customers");
  EXPECT_EQ(fk.refColumns, (std::vector<std::string>{"customer_id"}));
  EXPECT_EQ(fk.onDelete, "CASCADE");
  EXPECT_EQ(fk.onUpdate, "RESTRICT");
  EXPECT_TRUE(fk.deferrable);
  EXPECT_TRUE(fk.initiallyDeferred);
  ASSERT_EQ(orders.checks.size(), 1u);
  EXPECT_EQ(orders.checks[0].expression, "(total >= (0)::numeric)");
  const auto& customers = table("shop", "customers");
  ASSERT_EQ(customers.uniques.size(), 1u);
  EXPECT_EQ(customers.uniques[0].columns, (std::vector<std::string>{"email"}));
  EXPECT_EQ(table("shop", "sessions").foreignKeys.at(0).onDelete, "SET NULL");
  // The server's own count of foreign keys in the two schemas (partition clones excluded).
  const std::string n = test::psql(kDb,
      "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
      "WHERE c.contype = 'f' AND c.conparentid = 0 AND n.nspname IN ('shop', 'Mixed Case')");
  size_t ours = 0;
  for (const auto& s : s_catalog->schemas)
    for (const auto& t : s.tables) ours += t.foreignKeys.size();
  EXPECT_EQ(std::to_string(ours), core::trim(n));
}

TEST_F(PgIntrospect, Indexes) {
  ASSERT_NE(s_catalog, nullptr);
  const auto& sessions = table("shop", "sessions");
  std::map<std::string, const model::Index*> byName;
  for (const auto& i : sessions.indexes) byName[i.name] = &i;
  ASSERT_EQ(byName.size(), 3u);
  const auto* gin = byName.at("sessions_data_gin");
  EXPECT_EQ(gin->method, "gin");
  EXPECT_EQ(gin->keys.at(0).column, "data");
  EXPECT_EQ(gin->keys.at(0).opclass, "jsonb_path_ops");
  const auto* lower = byName.at("sessions_token_lower");
  EXPECT_FALSE(lower->keys.at(0).column.has_value());
  EXPECT_EQ(lower->keys.at(0).expression, "lower(token)");
  EXPECT_TRUE(lower->keys.at(0).descending);
  EXPECT_EQ(lower->predicate, "token IS NOT NULL");
  const auto* uq = byName.at("sessions_token_uq");
  EXPECT_TRUE(uq->unique);
  EXPECT_EQ(uq->include, (std::vector<std::string>{"customer_id"}));
  const auto& customers = table("shop", "customers");
  auto pk = std::find_if(customers.indexes.begin(), customers.indexes.end(), [](const model::Index& i) { return i.primary; });
  ASSERT_NE(pk, customers.indexes.end());
  EXPECT_TRUE(pk->constraintBacked);
}

TEST_F(PgIntrospect, TypesSequencesViewsTriggersRoutines) {
  ASSERT_NE(s_catalog, nullptr);
  const model::Schema* shop = s_catalog->schema("shop");
  ASSERT_NE(shop, nullptr);
  std::map<std::string, const model::UserType*> types;
  for (const auto& t : shop->types) types[t.name] = &t;
  ASSERT_TRUE(types.count("mood"));
  EXPECT_EQ(types["mood"]->labels, (std::vector<std::string>{"sad", "ok", "happy", "it's complicated"}));
  ASSERT_TRUE(types.count("positive_int"));
  EXPECT_EQ(types["positive_int"]->kind, model::UserTypeKind::Domain);
  EXPECT_EQ(types["positive_int"]->baseType, "integer");
  EXPECT_TRUE(types["positive_int"]->notNull);
  EXPECT_EQ(types["positive_int"]->defaultExpr, "1");
  ASSERT_EQ(types["positive_int"]->checks.size(), 1u);
  EXPECT_EQ(types["positive_int"]->checks[0].expression, "CHECK ((VALUE > 0))");
  EXPECT_EQ(types["money_pair"]->attributes, (std::vector<std::string>{"amount numeric(12,2)", "currency character(3)"}));
  EXPECT_EQ(types["float_range"]->kind, model::UserTypeKind::Range);

  auto seq = std::find_if(shop->sequences.begin(), shop->sequences.end(),
                          [](const model::Sequence& s) { return s.name == "invoice_no"; });
  ASSERT_NE(seq, shop->sequences.end());
  EXPECT_EQ(seq->dataType, "integer");
  EXPECT_EQ(seq->start, 1000);
  EXPECT_EQ(seq->increment, 5);
  EXPECT_EQ(seq->maxValue, 999999);
  EXPECT_EQ(seq->cache, 10);
  // With CACHE 10 the server logs a value ahead of the last one handed out;
  // the catalog reports what the server itself reports.
  EXPECT_EQ(std::to_string(seq->lastValue.value_or(-1)), core::trim(test::psql(kDb, "SELECT last_value FROM shop.invoice_no")));
  EXPECT_GE(seq->lastValue.value_or(0), 1005);
  auto serialSeq = std::find_if(shop->sequences.begin(), shop->sequences.end(),
                                [](const model::Sequence& s) { return s.name == "all_types_c_serial_seq"; });
  ASSERT_NE(serialSeq, shop->sequences.end());
  EXPECT_EQ(serialSeq->ownedBy, "all_types.c_serial");
  EXPECT_FALSE(serialSeq->lastValue.has_value());

  ASSERT_EQ(shop->views.size(), 2u);
  EXPECT_EQ(shop->views[0].name, "big_orders");
  EXPECT_EQ(shop->views[0].checkOption, "local");
  EXPECT_TRUE(shop->views[1].materialized);
  EXPECT_NE(shop->views[0].definition.find("total > 100"), std::string::npos);

  const auto& trg = table("shop", "customers").triggers;
  ASSERT_EQ(trg.size(), 1u);
  EXPECT_EQ(trg[0].timing, "BEFORE");
  EXPECT_EQ(trg[0].events, (std::vector<std::string>{"INSERT", "UPDATE"}));
  EXPECT_EQ(trg[0].level, "ROW");
  EXPECT_NE(trg[0].definition.find("EXECUTE FUNCTION shop.touch()"), std::string::npos);

  std::map<std::string, const model::Routine*> routines;
  for (const auto& r : shop->routines) routines[r.name] = &r;
  ASSERT_EQ(routines.size(), 3u);
  EXPECT_EQ(routines["add"]->arguments, "a integer, b integer DEFAULT 1");
  EXPECT_EQ(routines["add"]->returnType, "integer");
  EXPECT_TRUE(routines["add"]->deterministic);
  EXPECT_EQ(routines["archive"]->kind, model::RoutineKind::Procedure);
  EXPECT_EQ(routines["touch"]->language, "plpgsql");
  EXPECT_NE(routines["touch"]->definition.find("CREATE OR REPLACE FUNCTION shop.touch()"), std::string::npos);
}

TEST_F(PgIntrospect, QuotedMixedCaseNames) {
  ASSERT_NE(s_catalog, nullptr);
  const auto& t = table("Mixed Case", "Order Lines");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[0].name, "LineId");
  EXPECT_EQ(t.columns[3].name, "has\"quote");
  ASSERT_TRUE(t.primaryKey.has_value());
  EXPECT_EQ(t.primaryKey->columns, (std::vector<std::string>{"LineId"}));
}

TEST_F(PgIntrospect, SchemaFilterAndMissingSchema) {
  auto conn = connect::PgConnection::open(test::pgSpec(kDb));
  ASSERT_TRUE(conn.ok()) << conn.error().oneLine();
  introspect::IntrospectOptions o;
  o.schemas = {"Mixed Case"};
  auto cat = introspect::introspectPostgres(**conn, o);
  ASSERT_TRUE(cat.ok()) << cat.error().oneLine();
  ASSERT_EQ(cat->schemas.size(), 1u);
  EXPECT_EQ(cat->schemas[0].tables.size(), 1u);
  o.schemas = {"nope"};
  auto missing = introspect::introspectPostgres(**conn, o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind(), core::ErrorKind::NotFound);
  EXPECT_NE(missing.error().message().find("'nope'"), std::string::npos);
}

}  // namespace
}  // namespace ferry
