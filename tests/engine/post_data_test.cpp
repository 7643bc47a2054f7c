// The post-data script taken apart per table (run/post_data.h), on the golden
// scripts the DDL generators write.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ddl/quoting.h"
#include "run/post_data.h"

namespace ferry {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/tests/golden/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string pg(const std::string& schema, const std::string& table) {
  return ddl::qualified(model::Engine::PostgreSQL, schema, table);
}

run::PostDataScope pgScope() {
  run::PostDataScope scope;
  scope.allTables = {pg("Mixed Case", "Order Lines"), pg("shop", "all_types"), pg("shop", "customers"),
                     pg("shop", "orders"), pg("shop", "sessions")};
  scope.copiedTables = scope.allTables;
  return scope;
}

TEST(PostData, EveryPostgresStatementGoesToItsTableOrAfterAllTables) {
  const auto plan = run::planPostData(golden("pg_fixture_to_postgresql_post_data.sql"), pgScope());
  EXPECT_TRUE(plan.session.empty());
  ASSERT_EQ(plan.tables.size(), 5u);
  const auto& customers = plan.tables.at(pg("shop", "customers"));
  ASSERT_EQ(customers.builds.size(), 2u);
  EXPECT_EQ(customers.builds[0], "CREATE UNIQUE INDEX \"customers_pkey\" ON \"shop\".\"customers\" (\"customer_id\")");
  ASSERT_EQ(customers.attaches.size(), 3u);  // two keys attached, one check
  EXPECT_NE(customers.attaches[2].find("CHECK"), std::string::npos);
  const auto& lines = plan.tables.at(pg("Mixed Case", "Order Lines"));
  EXPECT_EQ(lines.builds.size(), 1u);
  EXPECT_EQ(lines.attaches.size(), 1u);
  EXPECT_EQ(plan.tables.at(pg("shop", "sessions")).builds.size(), 3u);  // gin, partial, INCLUDE
  EXPECT_EQ(plan.tables.at(pg("shop", "sessions")).attaches.size(), 0u);
  // orders is partitioned: its primary key is added whole (an attach), beside its check.
  EXPECT_EQ(plan.tables.at(pg("shop", "orders")).builds.size(), 1u);
  ASSERT_EQ(plan.tables.at(pg("shop", "orders")).attaches.size(), 2u);
  EXPECT_NE(plan.tables.at(pg("shop", "orders")).attaches[0].find("PRIMARY KEY (\"order_id\", \"ordered_at\")"),
            std::string::npos);
  ASSERT_EQ(plan.foreignKeys.size(), 2u);
  EXPECT_TRUE(plan.validates.empty());  // each follows its foreign key
  for (const auto& fk : plan.foreignKeys) EXPECT_EQ(fk.referenced, "\"shop\".\"customers\"");
  // A partitioned table's foreign key is added valid (PostgreSQL < 18 has no NOT VALID there).
  EXPECT_EQ(plan.foreignKeys[0].add.find("NOT VALID"), std::string::npos) << plan.foreignKeys[0].add;
  EXPECT_TRUE(plan.foreignKeys[0].validate.empty());
  EXPECT_NE(plan.foreignKeys[1].validate.find("VALIDATE CONSTRAINT"), std::string::npos) << plan.foreignKeys[1].add;
  // Two identities and three serials (their sequence owned by the column again,
  // then set past the copied maximum), and a standalone sequence.
  ASSERT_EQ(plan.finish.size(), 2u + 3u * 2u + 1u);
  EXPECT_FALSE(plan.serialFinish);  // setval runs on every connection at once
  EXPECT_TRUE(plan.otherBuilds.empty());
  EXPECT_TRUE(plan.otherAttaches.empty());
  EXPECT_TRUE(plan.skipped.empty());
}

TEST(PostData, ASubsetRunKeepsItsTablesAndForeignKeysWithBothEndsCopied) {
  auto scope = pgScope();
  scope.copiedTables = {pg("shop", "customers"), pg("shop", "orders")};
  const auto plan = run::planPostData(golden("pg_fixture_to_postgresql_post_data.sql"), scope);
  ASSERT_EQ(plan.tables.size(), 2u);
  EXPECT_TRUE(plan.tables.count(pg("shop", "orders")));
  ASSERT_EQ(plan.foreignKeys.size(), 1u);  // orders → customers; sessions → customers is left out
  EXPECT_NE(plan.foreignKeys[0].add.find("\"orders_customer_fk\""), std::string::npos);
  EXPECT_EQ(plan.foreignKeys[0].table, "\"shop\".\"orders\"");
  EXPECT_TRUE(plan.foreignKeys[0].validate.empty());  // orders is partitioned: added valid
  EXPECT_TRUE(plan.validates.empty());
  // customers' identity, orders' serial (owned and set), and the sequence (no table)
  ASSERT_EQ(plan.finish.size(), 1u + 2u + 1u);
  // 3 + 4 statements of the tables left out, a foreign key and its VALIDATE, and
  // all_types' identity and two serials.
  EXPECT_EQ(plan.skipped.size(), 2u + 2u + 3u + 2u + 1u + 2u * 2u);

  scope.copiedTables = {pg("shop", "orders")};
  const auto alone = run::planPostData(golden("pg_fixture_to_postgresql_post_data.sql"), scope);
  EXPECT_TRUE(alone.foreignKeys.empty());
  EXPECT_TRUE(alone.validates.empty());
  ASSERT_EQ(alone.finish.size(), 3u);  // orders' serial, owned and set; the standalone sequence
  EXPECT_NE(alone.finish[0].find("setval('\"shop\".\"invoice_no\"'"), std::string::npos);
  EXPECT_NE(alone.finish[1].find("OWNED BY \"shop\".\"orders\""), std::string::npos);
}

TEST(PostData, AForeignKeyFromASmallTableIsValidatedByIndexProbes) {
  auto scope = pgScope();
  scope.estimatedRows = {{pg("shop", "customers"), 3'000'000}, {pg("shop", "orders"), 100'000},
                         {pg("shop", "sessions"), 100'000}};
  const auto plan = run::planPostData(golden("pg_fixture_to_postgresql_post_data.sql"), scope);
  ASSERT_EQ(plan.foreignKeys.size(), 2u);
  // sessions (100 k) → customers (3 M): hash and merge joins off for that statement only.
  EXPECT_EQ(plan.foreignKeys[1].validate,
            "SET enable_hashjoin = off; SET enable_mergejoin = off; ALTER TABLE \"shop\".\"sessions\" VALIDATE "
            "CONSTRAINT \"sessions_customer_id_fkey\"; RESET enable_hashjoin; RESET enable_mergejoin");
  // sessions (2 M) → customers (3 M): not much smaller, the planner decides.
  scope.estimatedRows[pg("shop", "sessions")] = 2'000'000;
  const auto big = run::planPostData(golden("pg_fixture_to_postgresql_post_data.sql"), scope);
  EXPECT_EQ(big.foreignKeys[1].validate, "ALTER TABLE \"shop\".\"sessions\" VALIDATE CONSTRAINT \"sessions_customer_id_fkey\"");
}

TEST(PostData, UnknownStatementsRunAfterEveryTableInFullRunsOnly) {
  const std::string script =
      "CREATE INDEX \"x\" ON \"other\".\"t\" (\"a\");\n"
      "COMMENT ON TABLE \"shop\".\"orders\" IS 'a; b';\n"
      "CREATE INDEX \"o\" ON \"shop\".\"orders\" (\"a\");\n";
  auto scope = pgScope();
  auto plan = run::planPostData(script, scope);
  EXPECT_EQ(plan.otherBuilds.size(), 1u);
  EXPECT_EQ(plan.otherAttaches.size(), 1u);
  EXPECT_EQ(plan.tables.at(pg("shop", "orders")).builds.size(), 1u);
  scope.copiedTables = {pg("shop", "orders")};
  plan = run::planPostData(script, scope);
  EXPECT_TRUE(plan.otherBuilds.empty());
  EXPECT_TRUE(plan.otherAttaches.empty());
  EXPECT_EQ(plan.skipped.size(), 2u);
}

TEST(PostData, MariaDbTablesHaveOneAlterEach) {
  run::PostDataScope scope;
  scope.target = model::Engine::MariaDB;
  for (const char* t : {"actor", "address", "category", "city", "country", "customer", "film", "film_actor",
                        "film_category", "film_text", "inventory", "language", "payment", "rental", "staff", "store"}) {
    scope.allTables.insert(ddl::qualified(model::Engine::MariaDB, "sakila", t));
  }
  scope.copiedTables = scope.allTables;
  const auto plan = run::planPostData(golden("sakila_to_mariadb_post_data.sql"), scope);
  EXPECT_EQ(plan.session.size(), 2u);  // SET NAMES, sql_mode
  const auto& rental = plan.tables.at("`sakila`.`rental`");
  ASSERT_EQ(rental.builds.size(), 1u);
  EXPECT_NE(rental.builds[0].find("ADD CONSTRAINT `rental_date` UNIQUE"), std::string::npos);
  EXPECT_TRUE(rental.attaches.empty());
  EXPECT_EQ(plan.foreignKeys.size(), 22u);
  EXPECT_TRUE(plan.validates.empty());
  EXPECT_EQ(plan.finish.size(), 13u);  // AUTO_INCREMENT per table
  // …run one after another: store and staff reference each other, and two of
  // these ALTERs at once on them hung MariaDB 10.11 for good.
  EXPECT_TRUE(plan.serialFinish);
  EXPECT_TRUE(plan.otherBuilds.empty());
  EXPECT_TRUE(plan.otherAttaches.empty());

  scope.copiedTables = {"`sakila`.`film`", "`sakila`.`language`", "`sakila`.`actor`"};
  const auto subset = run::planPostData(golden("sakila_to_mariadb_post_data.sql"), scope);
  EXPECT_EQ(subset.tables.size(), 2u);  // language has no index
  EXPECT_EQ(subset.foreignKeys.size(), 2u);  // film → language, twice
  EXPECT_EQ(subset.finish.size(), 3u);
}

TEST(PreData, EachTableIsCreatedOnItsOwnAfterTheStatementsOfNoTable) {
  const auto plan = run::planPreData(golden("pg_fixture_to_postgresql_pre_data.sql"), pgScope());
  EXPECT_EQ(plan.session.size(), 2u);  // client_encoding, standard_conforming_strings
  // 2 schemas, 3 types, 2 domains, 4 sequences
  ASSERT_EQ(plan.global.size(), 11u);
  EXPECT_NE(plan.global[0].find("CREATE SCHEMA IF NOT EXISTS \"shop\""), std::string::npos);
  ASSERT_EQ(plan.tables.size(), 5u);
  EXPECT_EQ(plan.tables[0].first, pg("Mixed Case", "Order Lines"));
  EXPECT_EQ(plan.tables[1].first, pg("shop", "all_types"));
  ASSERT_EQ(plan.tables[1].second.size(), 3u);  // CREATE TABLE and its two COMMENT ONs
  EXPECT_EQ(plan.tables[1].second[1], "COMMENT ON TABLE \"shop\".\"all_types\" IS 'one column per type'");
  EXPECT_EQ(plan.tables[4].first, pg("shop", "sessions"));  // CREATE UNLOGGED TABLE
  EXPECT_EQ(plan.skipped, 0u);

  auto scope = pgScope();
  scope.copiedTables = {pg("shop", "orders")};
  const auto subset = run::planPreData(golden("pg_fixture_to_postgresql_pre_data.sql"), scope);
  EXPECT_EQ(subset.global.size(), 11u);
  ASSERT_EQ(subset.tables.size(), 1u);
  EXPECT_EQ(subset.tables[0].first, pg("shop", "orders"));
  EXPECT_EQ(subset.skipped, 4u + 2u);  // four other tables, all_types' comments
}

TEST(PreData, PartitionsAreCreatedWithTheirPartitionedTable) {
  run::PostDataScope scope;
  scope.target = model::Engine::PostgreSQL;
  scope.allTables = {pg("s", "t"), pg("s", "u")};
  scope.copiedTables = scope.allTables;
  const std::string script =
      "CREATE SCHEMA IF NOT EXISTS \"o\";\n"
      "CREATE TABLE \"s\".\"t\" (\n  \"a\" integer\n) PARTITION BY RANGE (a);\n"
      "CREATE TABLE \"s\".\"t_1\" PARTITION OF \"s\".\"t\" FOR VALUES FROM (1) TO (2) PARTITION BY LIST (b);\n"
      "CREATE TABLE \"s\".\"u\" (\n  \"a\" integer\n);\n"
      "CREATE TABLE \"s\".\"t_1_x\" PARTITION OF \"s\".\"t_1\" FOR VALUES IN (1);\n"
      "CREATE TABLE \"o\".\"t_2\" PARTITION OF \"s\".\"t\" DEFAULT;\n";
  const auto plan = run::planPreData(script, scope);
  ASSERT_EQ(plan.global.size(), 1u);  // the schema
  ASSERT_EQ(plan.tables.size(), 2u);
  EXPECT_EQ(plan.tables[0].first, pg("s", "t"));
  ASSERT_EQ(plan.tables[0].second.size(), 4u);  // the table, then its partitions in script order
  EXPECT_NE(plan.tables[0].second[2].find("\"t_1_x\" PARTITION OF \"s\".\"t_1\""), std::string::npos);
  EXPECT_NE(plan.tables[0].second[3].find("\"o\".\"t_2\""), std::string::npos);
  EXPECT_EQ(plan.tables[1].second.size(), 1u);

  scope.copiedTables = {pg("s", "u")};
  const auto subset = run::planPreData(script, scope);
  EXPECT_EQ(subset.skipped, 4u);  // t and its three partitions
}

TEST(PreData, MariaDbTablesAndTheDatabaseStatement) {
  run::PostDataScope scope;
  scope.target = model::Engine::MariaDB;
  scope.allTables = {"`sakila`.`actor`", "`sakila`.`film`"};
  scope.copiedTables = {"`sakila`.`film`"};
  const auto plan = run::planPreData(golden("sakila_to_mariadb_pre_data.sql"), scope);
  EXPECT_EQ(plan.session.size(), 2u);  // SET NAMES, sql_mode
  // CREATE DATABASE, and the 14 tables this project does not name
  ASSERT_EQ(plan.global.size(), 15u);
  EXPECT_NE(plan.global[0].find("CREATE DATABASE IF NOT EXISTS `sakila`"), std::string::npos);
  ASSERT_EQ(plan.tables.size(), 1u);
  EXPECT_EQ(plan.tables[0].first, "`sakila`.`film`");
  EXPECT_EQ(plan.skipped, 1u);  // actor
}

}  // namespace
}  // namespace ferry
