// Golden files: the DDL generated for Sakila (MariaDB → PostgreSQL, MariaDB →
// MariaDB) and for the PostgreSQL fixture (→ MariaDB, → PostgreSQL) must equal the
// reviewed files in tests/golden/. After a deliberate change, regenerate them with
// scripts/update-golden and review the diff.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "assess/assessment.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "ddl/ddl_generator.h"
#include "introspect/introspector.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kPgFixtureDb = "ferry_t_golden_src";

std::string goldenPath(const std::string& name) { return std::string(FERRY_SOURCE_DIR) + "/tests/golden/" + name; }

void compareWithGolden(const std::string& name, const std::string& actual) {
  const std::string path = goldenPath(name);
  if (std::getenv("FERRY_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::trunc) << actual;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path << " is missing: run scripts/update-golden";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string expected = ss.str();
  if (expected == actual) return;
  // Point at the first differing line, which is what a reviewer needs.
  std::istringstream e(expected), a(actual);
  std::string el, al;
  int line = 1;
  while (true) {
    const bool he = static_cast<bool>(std::getline(e, el));
    const bool ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) break;
    if (el != al || he != ha) {
      FAIL() << name << " differs at line " << line << ":\n  expected: " << (he ? el : "<end>")
             << "\n  actual:   " << (ha ? al : "<end>") << "\nRun scripts/update-golden if the change is intended.";
    }
    ++line;
  }
}

model::Catalog catalogOf(bool pg, const std::string& db, const std::vector<std::string>& schemas) {
  introspect::IntrospectOptions o;
  o.schemas = schemas;
  if (pg) {
    auto conn = connect::PgConnection::open(test::pgSpec(db));
    EXPECT_TRUE(conn.ok());
    auto c = introspect::introspectPostgres(**conn, o);
    EXPECT_TRUE(c.ok()) << (c ? "" : c.error().oneLine());
    return c ? *c : model::Catalog{};
  }
  auto conn = connect::MySqlConnection::open(test::mysqlSpec());
  EXPECT_TRUE(conn.ok());
  auto c = introspect::introspectMySql(**conn, o);
  EXPECT_TRUE(c.ok()) << (c ? "" : c.error().oneLine());
  return c ? *c : model::Catalog{};
}

void checkPair(const model::Catalog& source, model::Engine target, const std::string& prefix) {
  auto a = assess::assess(source, {target, {}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  const auto script = ddl::generate(a->target);
  compareWithGolden(prefix + "_pre_data.sql", script.preData);
  compareWithGolden(prefix + "_post_data.sql", script.postData);
  compareWithGolden(prefix + "_assessment.txt", assess::toText(*a));
}

class Golden : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!test::sakilaDir().empty()) {
      test::runMariadbFile("", test::sakilaDir() + "/sakila-schema.sql");
      test::runMariadbFile("", test::sakilaDir() + "/sakila-data.sql");
    }
    test::recreatePgDatabase(kPgFixtureDb);
    test::runPsqlFile(kPgFixtureDb, test::fixturePath("pg_types.sql"));
  }
};

TEST_F(Golden, SakilaToPostgres) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  checkPair(catalogOf(false, "", {"sakila"}), model::Engine::PostgreSQL, "sakila_to_postgresql");
}

TEST_F(Golden, SakilaToMariaDb) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  checkPair(catalogOf(false, "", {"sakila"}), model::Engine::MariaDB, "sakila_to_mariadb");
}

TEST_F(Golden, PostgresFixtureToMariaDb) {
  checkPair(catalogOf(true, kPgFixtureDb, {"shop", "Mixed Case"}), model::Engine::MariaDB, "pg_fixture_to_mariadb");
}

TEST_F(Golden, PostgresFixtureToPostgres) {
  checkPair(catalogOf(true, kPgFixtureDb, {"shop", "Mixed Case"}), model::Engine::PostgreSQL, "pg_fixture_to_postgresql");
}

}  // namespace
}  // namespace ferry
