// Assessment end to end against the sandbox: catalogs read from real servers,
// mapped, rendered as DDL, and the DDL applied to an empty database of the
// target engine — it must apply cleanly. Plus the project's overrides.

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "assess/assessment.h"
#include "assess/schema_diff.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "introspect/introspector.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kPgSourceDb = "ferry_t_assess_src";
constexpr const char* kPgTargetDb = "ferry_t_assess_dst";

model::Catalog readMySql(const std::string& schema) {
  auto conn = connect::MySqlConnection::open(test::mysqlSpec());
  EXPECT_TRUE(conn.ok()) << (conn ? "" : conn.error().oneLine());
  introspect::IntrospectOptions o;
  o.schemas = {schema};
  auto cat = introspect::introspectMySql(**conn, o);
  EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
  return cat ? *cat : model::Catalog{};
}

model::Catalog readPg(const std::string& db, const std::vector<std::string>& schemas) {
  auto conn = connect::PgConnection::open(test::pgSpec(db));
  EXPECT_TRUE(conn.ok()) << (conn ? "" : conn.error().oneLine());
  introspect::IntrospectOptions o;
  o.schemas = schemas;
  auto cat = introspect::introspectPostgres(**conn, o);
  EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
  return cat ? *cat : model::Catalog{};
}

std::string writeTemp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/ferry-test-" + name;
  std::ofstream(path) << text;
  return path;
}

class Assess : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    const std::string sakila = test::sakilaDir();
    if (!sakila.empty()) {
      test::runMariadbFile("", sakila + "/sakila-schema.sql");
      test::runMariadbFile("", sakila + "/sakila-data.sql");
    }
    test::recreatePgDatabase(kPgSourceDb);
    test::runPsqlFile(kPgSourceDb, test::fixturePath("pg_types.sql"));
  }
};

TEST_F(Assess, SakilaToPostgresDdlAppliesCleanly) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  const auto catalog = readMySql("sakila");
  auto a = assess::assess(catalog, {model::Engine::PostgreSQL, {}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  // Every column of the source is assessed, none silently dropped.
  size_t sourceColumns = 0;
  for (const auto& t : catalog.schemas.at(0).tables) sourceColumns += t.columns.size();
  EXPECT_EQ(a->columns.size(), sourceColumns);
  const auto script = ddl::generate(a->target);
  test::recreatePgDatabase(kPgTargetDb);
  test::runPsqlFile(kPgTargetDb, writeTemp("sakila-pre.sql", script.preData));
  test::runPsqlFile(kPgTargetDb, writeTemp("sakila-post.sql", script.postData));
  EXPECT_EQ(core::trim(test::psql(kPgTargetDb, "SELECT count(*) FROM pg_tables WHERE schemaname = 'sakila'")), "16");
  EXPECT_EQ(core::trim(test::psql(kPgTargetDb,
                                  "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                                  "WHERE n.nspname = 'sakila' AND c.contype = 'f' AND c.convalidated")),
            "22");
  EXPECT_EQ(core::trim(test::psql(kPgTargetDb, "SELECT enum_range(NULL::sakila.film_rating)::text")),
            "{G,PG,PG-13,R,NC-17}");
  // Views, triggers and routines are carried as manual-conversion blocks, each a finding.
  size_t manual = 0;
  for (const auto& o : a->objects) {
    if (o.finding.code == "VIEW_MANUAL" || o.finding.code == "TRIGGER_MANUAL" || o.finding.code == "ROUTINE_MANUAL") {
      ++manual;
    }
  }
  EXPECT_EQ(manual, 7u + 6u + 6u);
  EXPECT_NE(script.postData.find("-- needs manual conversion: view sakila.actor_info"), std::string::npos);
}

TEST_F(Assess, PostgresFixtureToMariaDbDdlAppliesCleanly) {
  const auto catalog = readPg(kPgSourceDb, {"shop", "Mixed Case"});
  auto a = assess::assess(catalog, {model::Engine::MariaDB, {}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  test::mariadb("", "DROP DATABASE IF EXISTS shop; DROP DATABASE IF EXISTS `Mixed Case`");
  const auto script = ddl::generate(a->target);
  test::runMariadbFile("", writeTemp("pgfix-pre.sql", script.preData));
  test::runMariadbFile("", writeTemp("pgfix-post.sql", script.postData));
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND TABLE_TYPE = 'BASE TABLE'")),
            "4");
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                                         "'shop' AND TABLE_NAME = 'all_types' AND COLUMN_NAME = 'c_mood'")),
            "enum('sad','ok','happy','it''s complicated')");
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS WHERE "
                                         "TABLE_SCHEMA = 'shop' AND CONSTRAINT_TYPE = 'FOREIGN KEY'")),
            "2");
  // The unique index on a text column cannot exist on MariaDB: reported, not dropped silently.
  bool textKey = false;
  for (const auto& o : a->objects) textKey |= o.finding.code == "INDEX_TEXT_KEY" && o.name == "sessions_token_uq";
  EXPECT_TRUE(textKey);
  test::mariadb("", "DROP DATABASE IF EXISTS shop; DROP DATABASE IF EXISTS `Mixed Case`");
}

TEST_F(Assess, OverridesAreAppliedAndMarked) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  const auto catalog = readMySql("sakila");
  plan::Project project;
  project.columnOverrides.push_back({"sakila", "customer", "active", "", {{"tinyint1_as", "smallint"}}});
  project.typeOverrides.push_back({"year*", "integer", nlohmann::json::object()});
  project.tableRules.push_back({"sakila.film_text", true, ""});
  project.tableRules.push_back({"sakila.staff", false, "employee"});
  auto a = assess::assess(catalog, {model::Engine::PostgreSQL, {}, {}}, project);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  auto* active = a->findColumn("sakila", "customer", "active");
  ASSERT_NE(active, nullptr);
  EXPECT_EQ(active->mapping.targetType, "smallint");
  EXPECT_EQ(active->overrideSource, "column");
  EXPECT_FALSE(active->mapping.hasCode("MY2PG_TINYINT1_BOOLEAN"));
  auto* year = a->findColumn("sakila", "film", "release_year");
  ASSERT_NE(year, nullptr);
  EXPECT_EQ(year->mapping.targetType, "integer");
  EXPECT_TRUE(year->mapping.hasCode("USER_OVERRIDE"));
  EXPECT_EQ(year->overrideSource, "type pattern 'year*'");
  EXPECT_EQ(a->findColumn("sakila", "film_text", "title"), nullptr);
  auto* staff = a->findColumn("sakila", "staff", "staff_id");
  ASSERT_NE(staff, nullptr);
  EXPECT_EQ(staff->targetTable, "employee");
  // A bad option value is refused with the key named.
  plan::Project bad;
  bad.mappingOptions = {{"tinyint1_as", "maybe"}};
  auto refused = assess::assess(catalog, {model::Engine::PostgreSQL, {}, {}}, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().oneLine().find("tinyint1_as"), std::string::npos) << refused.error().oneLine();
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

TEST_F(Assess, SchemaDiffFindsEachChangeAndReconcileFixesIt) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  const auto catalog = readMySql("sakila");
  auto a = assess::assess(catalog, {model::Engine::PostgreSQL, {}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  const auto script = ddl::generate(a->target);
  test::recreatePgDatabase(kPgTargetDb);
  test::runPsqlFile(kPgTargetDb, writeTemp("diff-pre.sql", script.preData));
  test::runPsqlFile(kPgTargetDb, writeTemp("diff-post.sql", script.postData));
  // A target built from the DDL matches: no false differences.
  auto clean = assess::diffSchemas(a->target, readPg(kPgTargetDb, {}));
  EXPECT_TRUE(clean.identical()) << assess::toText(clean);

  test::psql(kPgTargetDb,
             "ALTER TABLE sakila.actor DROP COLUMN last_name; "
             "ALTER TABLE sakila.film ALTER COLUMN title TYPE varchar(100); "
             "ALTER TABLE sakila.city ALTER COLUMN city DROP NOT NULL; "
             "ALTER TABLE sakila.language ALTER COLUMN last_update DROP DEFAULT; "
             "DROP TABLE sakila.film_text; CREATE TABLE sakila.extra (x int); DROP INDEX sakila.idx_title");
  auto diff = assess::diffSchemas(a->target, readPg(kPgTargetDb, {}));
  std::map<std::string, std::string> seen;  // "kind object schema.table.name" -> details
  for (const auto& e : diff.entries) {
    seen[std::string(assess::diffKindName(e.kind)) + " " + e.objectType + " " + e.table + "." + e.name] =
        core::join(e.details, "; ");
  }
  EXPECT_EQ(seen.count("added column actor.last_name"), 1u) << assess::toText(diff);
  EXPECT_EQ(seen["changed column film.title"], "type: character varying(100) → character varying(255)");
  EXPECT_EQ(seen["changed column city.city"], "nullable: yes → no");
  EXPECT_EQ(seen["changed column language.last_update"], "default: none → CURRENT_TIMESTAMP");
  EXPECT_EQ(seen.count("added table film_text.film_text"), 1u);
  EXPECT_EQ(seen.count("missing table extra.extra"), 1u);
  EXPECT_EQ(seen.count("added index film.idx_title"), 1u);
  EXPECT_EQ(seen.count("added index actor.idx_actor_last_name"), 1u);
  EXPECT_EQ(diff.entries.size(), 8u) << assess::toText(diff);

  test::runPsqlFile(kPgTargetDb, writeTemp("reconcile.sql", diff.reconcileScript(model::Engine::PostgreSQL)));
  auto after = assess::diffSchemas(a->target, readPg(kPgTargetDb, {}));
  ASSERT_EQ(after.entries.size(), 1u) << assess::toText(after);  // only the extra table, never dropped
  EXPECT_EQ(after.entries[0].kind, assess::DiffKind::Missing);
  EXPECT_EQ(after.entries[0].name, "extra");
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

TEST_F(Assess, SakilaToMariaDbDdlAppliesCleanly) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  auto a = assess::assess(readMySql("sakila"), {model::Engine::MariaDB, {}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  // Same server as the source: the test writes into a copy-named database.
  for (auto& t : a->target.tables) {
    t.schema = "ferry_t_sakila_copy";
    for (auto& f : t.foreignKeys) f.refSchema = "ferry_t_sakila_copy";
  }
  for (auto& r : a->target.restarts) r.schema = "ferry_t_sakila_copy";
  for (auto& b : a->target.manual) b.schema = "ferry_t_sakila_copy";
  a->target.schemas = {"ferry_t_sakila_copy"};
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_sakila_copy");
  const auto script = ddl::generate(a->target);
  test::runMariadbFile("", writeTemp("s2m-pre.sql", script.preData));
  test::runMariadbFile("", writeTemp("s2m-post.sql", script.postData));
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                                         "'ferry_t_sakila_copy'")),
            "16");
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                                         "CONSTRAINT_SCHEMA = 'ferry_t_sakila_copy'")),
            "22");
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                                         "'ferry_t_sakila_copy' AND TABLE_NAME = 'film' AND COLUMN_NAME = 'rating'")),
            "enum('G','PG','PG-13','R','NC-17')");
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_sakila_copy");
}

TEST_F(Assess, PostgresFixtureToPostgresDdlAppliesCleanly) {
  const auto catalog = readPg(kPgSourceDb, {"shop", "Mixed Case"});
  auto a = assess::assess(catalog, {model::Engine::PostgreSQL, {}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  const auto script = ddl::generate(a->target);
  test::recreatePgDatabase(kPgTargetDb);
  test::runPsqlFile(kPgTargetDb, writeTemp("pg2pg-pre.sql", script.preData));
  test::runPsqlFile(kPgTargetDb, writeTemp("pg2pg-post.sql", script.postData));
  // Every user type and every table of the fixture exists on the target.
  EXPECT_EQ(core::trim(test::psql(kPgTargetDb, "SELECT string_agg(typname, ',' ORDER BY typname) FROM pg_type t JOIN "
                                               "pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'shop' "
                                               "AND t.typtype IN ('e','d','r','c') AND t.typrelid = 0 OR "
                                               "(n.nspname = 'shop' AND t.typtype = 'c' AND EXISTS (SELECT 1 FROM "
                                               "pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))")),
            "email,float_range,money_pair,mood,positive_int");
  EXPECT_EQ(core::trim(test::psql(kPgTargetDb, "SELECT last_value FROM shop.invoice_no")), "1050");
  // The diff of the mapped source against the target it produced is empty.
  auto diff = assess::diffSchemas(a->target, readPg(kPgTargetDb, {"shop", "Mixed Case"}));
  EXPECT_TRUE(diff.identical()) << assess::toText(diff);
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

// Where the schemas go (issue "Field report", finding 2): pure rules, no server.
TEST(SchemaPlacement, ASingleSchemaLandsInTheDatabaseTheTargetUrlNames) {
  const assess::TargetSpec mariadb{model::Engine::MariaDB, {}, "shop_v2"};
  auto p = assess::placeSchemas(model::Engine::MariaDB, mariadb, plan::Project{}, {"shop"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].targetSchema, "shop_v2");
  EXPECT_EQ(p[0].rule, "target database");
  // A PostgreSQL source's public schema likewise.
  p = assess::placeSchemas(model::Engine::PostgreSQL, mariadb, plan::Project{}, {"public"});
  EXPECT_EQ(p[0].targetSchema, "shop_v2");
  // A target URL without a database keeps the names; a PostgreSQL target keeps
  // the schema names inside the database it connects to.
  p = assess::placeSchemas(model::Engine::MariaDB, {model::Engine::MariaDB, {}, ""}, plan::Project{}, {"shop"});
  EXPECT_EQ(p[0].targetSchema, "shop");
  p = assess::placeSchemas(model::Engine::MariaDB, {model::Engine::PostgreSQL, {}, "app"}, plan::Project{}, {"shop"});
  EXPECT_EQ(p[0].targetSchema, "shop");
  EXPECT_EQ(p[0].rule, "same name");
}

TEST(SchemaPlacement, SeveralSchemasSendTheDefaultOneToTheTargetDatabaseAndTheSchemaMapWins) {
  const assess::TargetSpec mariadb{model::Engine::MariaDB, {}, "app"};
  plan::Project project;
  project.schemaMap["audit"] = "app_audit";
  auto p = assess::placeSchemas(model::Engine::PostgreSQL, mariadb, project, {"public", "sales", "audit"});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].targetSchema, "app");
  EXPECT_EQ(p[1].targetSchema, "sales");
  EXPECT_EQ(p[1].rule, "same name");
  EXPECT_EQ(p[2].targetSchema, "app_audit");
  EXPECT_EQ(p[2].rule, "schema_map");
  EXPECT_EQ(assess::describePlacements(p),
            "public → app (target database), sales → sales (same name), audit → app_audit (schema_map)");
}

}  // namespace
}  // namespace ferry
