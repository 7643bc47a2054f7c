// MySQL/MariaDB integer keys on both target engines (issue "Field report",
// finding 1): every integer type signed and unsigned, with and without
// AUTO_INCREMENT, as a key and not, at its limits; BIGINT UNSIGNED AUTO_INCREMENT
// keys with foreign keys to them (Laravel's default). The DDL applies, the copy
// verifies identical, a row inserted on the target afterwards gets the next key,
// and a value the target type cannot hold is reported, never changed.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "run/assessment_run.h"
#include "run/copy_run.h"
#include "run/verify_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kSource = "ferry_t_ints";
constexpr const char* kPgTarget = "ferry_t_ints";
constexpr const char* kMyTarget = "ferry_t_ints_copy";

std::string statePath(const std::string& name) { return test::freshStatePath("ferry-ints-test-" + name); }

core::Result<run::CopySummary> copy(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target,
                                    const std::string& name, copy::OnError onError = copy::OnError::Stop) {
  run::CopyRequest req;
  req.source = source;
  req.target = target;
  req.options.statePath = statePath(name);
  req.options.jobs = 2;
  req.options.onError = onError;
  run::CopyRun run(req);
  return run.run({});
}

verify::VerifyReport verifyAll(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target) {
  run::VerifyRequest req;
  req.source = source;
  req.target = target;
  req.options.jobs = 2;
  run::VerifyRun run(req);
  auto report = run.run({});
  EXPECT_TRUE(report.ok()) << (report ? "" : report.error().oneLine());
  return report ? *report : verify::VerifyReport{};
}

std::string differencesOf(const verify::VerifyReport& r) {
  std::string out;
  for (const auto& t : r.tables) {
    if (!t.differences.empty() || !t.error.empty()) out += t.table + " (" + std::to_string(t.differences.size()) + " " + t.error + ") ";
  }
  return out;
}

std::string pg(const std::string& sql) { return core::trim(test::psql(kPgTarget, sql)); }
std::string my(const std::string& db, const std::string& sql) { return core::trim(test::mariadb(db, sql)); }

class IntegerKeys : public ::testing::Test {
protected:
  void SetUp() override {
    test::recreateMySqlDatabase(kSource);
    test::runMariadbFile(kSource, test::fixturePath("mysql_integer_keys.sql"));
  }
};

TEST_F(IntegerKeys, MapToTypesPostgresAcceptsWithFindingsThatSayWhy) {
  run::AssessRequest req;
  req.source = test::mysqlSpec(kSource);
  req.targetEngine = model::Engine::PostgreSQL;
  auto a = run::runAssessment(req);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  auto col = [&](const std::string& table, const std::string& column) {
    auto* c = a->findColumn(kSource, table, column);
    EXPECT_NE(c, nullptr) << table << "." << column;
    return c ? *c : assess::ColumnAssessment{};
  };
  // The key and the columns referencing it are bigint: numeric(20,0) cannot be an
  // identity, and a foreign key needs the key's type.
  EXPECT_EQ(col("users", "id").mapping.targetType, "bigint");
  EXPECT_EQ(col("users", "id").mapping.identity, model::Identity::ByDefault);
  EXPECT_TRUE(col("users", "id").mapping.hasCode("MY2PG_UNSIGNED_IDENTITY_BIGINT"));
  EXPECT_EQ(col("users", "id").mapping.severity, typemap::Severity::Review);
  EXPECT_EQ(col("posts", "user_id").mapping.targetType, "bigint");
  EXPECT_EQ(col("posts", "user_id").mapping.identity, model::Identity::None);
  EXPECT_EQ(col("posts", "editor_id").mapping.targetType, "bigint");
  // A BIGINT UNSIGNED key holding 18446744073709551615 (its AUTO_INCREMENT counter
  // says so) is lossy as bigint; a key without AUTO_INCREMENT keeps numeric.
  EXPECT_EQ(col("ai_bigint_u", "id").mapping.severity, typemap::Severity::Review);
  EXPECT_EQ(col("ai_bigint_u", "v").mapping.targetType, "numeric(20,0)");
  EXPECT_EQ(col("keyed_bigint_u", "id").mapping.targetType, "numeric(20,0)");
  // TINYINT(1) in a key, or referencing one, is smallint (boolean keys would collide).
  EXPECT_EQ(col("flags", "id").mapping.targetType, "smallint");
  EXPECT_EQ(col("flag_refs", "flag").mapping.targetType, "smallint");
  EXPECT_EQ(col("users", "is_admin").mapping.targetType, "boolean");
  // An AUTO_INCREMENT DOUBLE gets a sequence of its own.
  EXPECT_TRUE(col("ai_double", "id").mapping.sequenceDefault);
  // The option: numeric(20,0) fed by a sequence, and the referencing columns follow.
  req.project.mappingOptions = {{"unsigned_bigint_identity_as", "numeric_sequence"}};
  auto n = run::runAssessment(req);
  ASSERT_TRUE(n.ok()) << n.error().oneLine();
  EXPECT_EQ(n->findColumn(kSource, "users", "id")->mapping.targetType, "numeric(20,0)");
  EXPECT_TRUE(n->findColumn(kSource, "users", "id")->mapping.sequenceDefault);
  EXPECT_EQ(n->findColumn(kSource, "posts", "user_id")->mapping.targetType, "numeric(20,0)");
  EXPECT_FALSE(n->findColumn(kSource, "posts", "user_id")->mapping.sequenceDefault);
}

TEST_F(IntegerKeys, CopyToPostgresVerifiesAndKeysContinueAfterTheCopiedMaximum) {
  test::recreatePgDatabase(kPgTarget);
  auto r = copy(test::mysqlSpec(kSource), test::pgSpec(kPgTarget), "pg");
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  const auto report = verifyAll(test::mysqlSpec(kSource), test::pgSpec(kPgTarget));
  EXPECT_TRUE(report.identical()) << differencesOf(report);
  EXPECT_EQ(report.tables.size(), 16u);
  // Limits arrived unchanged (verify compares canonical forms; this reads the text).
  EXPECT_EQ(pg("SELECT min(v)::text || ' ' || max(v)::text FROM ferry_t_ints.ai_bigint_u"), "0 18446744073709551615");
  EXPECT_EQ(pg("SELECT min(v)::text || ' ' || max(v)::text FROM ferry_t_ints.ai_bigint"),
            "-9223372036854775808 9223372036854775807");
  // Every AUTO_INCREMENT key continues after the copied maximum.
  const std::pair<const char*, const char*> inserts[] = {
      {"ai_tinyint", "DEFAULT VALUES"}, {"ai_tinyint_u", "DEFAULT VALUES"}, {"ai_smallint", "DEFAULT VALUES"},
      {"ai_smallint_u", "DEFAULT VALUES"}, {"ai_mediumint", "DEFAULT VALUES"}, {"ai_mediumint_u", "DEFAULT VALUES"},
      {"ai_int", "DEFAULT VALUES"}, {"ai_int_u", "DEFAULT VALUES"}, {"ai_bigint", "DEFAULT VALUES"},
      {"ai_bigint_u", "DEFAULT VALUES"}, {"users", "(name) VALUES ('dana')"},
      {"posts", "(user_id, title) VALUES (4, 'new')"}, {"flag_refs", "DEFAULT VALUES"}};
  for (const auto& [t, values] : inserts) {
    const std::string before = pg("SELECT max(id)::text FROM ferry_t_ints." + std::string(t));
    // The source's counter is max + 1 for these tables (INSERT … RETURNING prints "INSERT 0 1" after the value).
    const std::string next = pg("INSERT INTO ferry_t_ints." + std::string(t) + " " + values + " RETURNING id::text");
    EXPECT_EQ(core::trim(core::split(next, '\n').front()), std::to_string(std::stoll(before) + 1)) << t;
  }
  EXPECT_EQ(pg("SELECT data_type FROM information_schema.columns WHERE table_schema = 'ferry_t_ints' AND "
               "table_name = 'posts' AND column_name = 'user_id'"),
            "bigint");
  // The DOUBLE key's sequence belongs to the column and continues too.
  EXPECT_EQ(pg("SELECT pg_get_serial_sequence('ferry_t_ints.ai_double', 'id') IS NOT NULL"), "t");
  EXPECT_EQ(core::split(pg("INSERT INTO ferry_t_ints.ai_double (note) VALUES ('d') RETURNING id > 3"), '\n').front(), "t");
  // The foreign keys exist with the key's type, and unsigned stays enforced.
  EXPECT_EQ(pg("SELECT count(*) FROM pg_constraint WHERE conname IN ('posts_user_id_foreign', 'posts_editor_id_foreign')"),
            "2");
  EXPECT_NE(test::runCommand("psql -X -q '" + test::pgUrl(kPgTarget) +
                             "' -c 'INSERT INTO ferry_t_ints.users (id, name, is_admin) VALUES (-5, $$x$$, false)' 2>&1"),
            0);
}

TEST_F(IntegerKeys, CopyToMariaDbIntoTheTargetUrlsDatabaseVerifiesAndContinues) {
  test::recreateMySqlDatabase(kMyTarget);
  auto r = copy(test::mysqlSpec(kSource), test::mysqlSpec(kMyTarget), "my");
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  // The target URL's database, not the source's name.
  EXPECT_EQ(my(kMyTarget, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ferry_t_ints_copy'"), "16");
  const auto report = verifyAll(test::mysqlSpec(kSource), test::mysqlSpec(kMyTarget));
  EXPECT_TRUE(report.identical()) << differencesOf(report);
  EXPECT_EQ(my(kMyTarget, "SELECT CONCAT(MIN(v), ' ', MAX(v)) FROM ai_bigint_u"), "0 18446744073709551615");
  EXPECT_EQ(my(kMyTarget, "SELECT COLUMN_TYPE FROM information_schema.columns WHERE table_schema = 'ferry_t_ints_copy' "
                          "AND table_name = 'posts' AND column_name = 'user_id'"),
            "bigint(20) unsigned");
  const std::pair<const char*, const char*> inserts[] = {{"ai_int_u", "() VALUES ()"},
                                                         {"ai_bigint_u", "() VALUES ()"},
                                                         {"users", "(name) VALUES ('dana')"},
                                                         {"posts", "(user_id, title) VALUES (4, 'new')"}};
  for (const auto& [t, values] : inserts) {
    const std::string before = my(kMyTarget, "SELECT MAX(id) FROM " + std::string(t));
    my(kMyTarget, "INSERT INTO " + std::string(t) + " " + values);
    EXPECT_EQ(my(kMyTarget, "SELECT MAX(id) = " + before + " + 1 FROM " + std::string(t)), "1") << t;
  }
}

TEST_F(IntegerKeys, ValueAboveBigintIsReportedNeverChanged) {
  test::mariadb(kSource, "CREATE TABLE big_keys (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, note VARCHAR(10)); "
                         "INSERT INTO big_keys VALUES (1, 'a'), (2, 'b'), (18446744073709551615, 'max')");
  // The counter is now beyond bigint: the assessment says lossy, the scan counts it.
  run::AssessRequest areq;
  areq.source = test::mysqlSpec(kSource);
  areq.targetEngine = model::Engine::PostgreSQL;
  areq.scanData = true;
  auto a = run::runAssessment(areq);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  const auto* c = a->findColumn(kSource, "big_keys", "id");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->mapping.severity, typemap::Severity::Lossy);
  EXPECT_TRUE(c->mapping.hasCode("MY2PG_UNSIGNED_OVERFLOW"));
  ASSERT_TRUE(c->scan.has_value());
  EXPECT_EQ(c->scan->affectedRows, 1);
  // The copy stops on it, naming the row; with --on-error skip it is rejected.
  test::recreatePgDatabase(kPgTarget);
  auto stopped = copy(test::mysqlSpec(kSource), test::pgSpec(kPgTarget), "overflow");
  ASSERT_FALSE(stopped.ok());
  EXPECT_NE(stopped.error().oneLine().find("18446744073709551615"), std::string::npos) << stopped.error().oneLine();
  test::recreatePgDatabase(kPgTarget);
  auto skipped = copy(test::mysqlSpec(kSource), test::pgSpec(kPgTarget), "overflow-skip", copy::OnError::Skip);
  ASSERT_TRUE(skipped.ok()) << skipped.error().oneLine();
  EXPECT_EQ(skipped->final.rowsRejected, 1);
  EXPECT_EQ(pg("SELECT string_agg(id::text, ',' ORDER BY id) FROM ferry_t_ints.big_keys"), "1,2");
  std::ifstream rejects(skipped->rejectPath);
  std::string line;
  ASSERT_TRUE(std::getline(rejects, line)) << skipped->rejectPath;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("value"), "18446744073709551615");
  EXPECT_EQ(j.at("column"), "id");
}

TEST_F(IntegerKeys, APostgresIntegerReferencingABigintKeyBecomesBigintOnMariaDb) {
  // PostgreSQL lets an integer column reference a bigint key; InnoDB refuses a
  // foreign key whose integer types differ (errno 150).
  const std::string src = "ferry_t_ints_pgsrc";
  test::recreatePgDatabase(src);
  // Also: two tables with a foreign key of the same name (PostgreSQL: per table; InnoDB: per database).
  test::psql(src, "CREATE TABLE parent (id bigint PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY, "
                  "parent_id int CONSTRAINT fk_parent REFERENCES parent (id), small_ref smallint REFERENCES parent (id)); "
                  "CREATE TABLE other_child (id int PRIMARY KEY, parent_id bigint CONSTRAINT fk_parent REFERENCES parent (id)); "
                  "INSERT INTO parent VALUES (1), (2); INSERT INTO child VALUES (10, 1, 2), (11, 2, NULL); "
                  "INSERT INTO other_child VALUES (1, 1)");
  test::recreateMySqlDatabase(kMyTarget);
  auto r = copy(test::pgSpec(src), test::mysqlSpec(kMyTarget), "pg-fk");
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(my(kMyTarget, "SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY COLUMN_NAME) FROM information_schema.COLUMNS WHERE "
                          "TABLE_SCHEMA = 'ferry_t_ints_copy' AND TABLE_NAME = 'child' AND COLUMN_NAME <> 'id'"),
            "bigint(20),bigint(20)");
  EXPECT_EQ(my(kMyTarget, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                          "CONSTRAINT_SCHEMA = 'ferry_t_ints_copy' AND TABLE_NAME = 'child'"),
            "2");
  EXPECT_EQ(my(kMyTarget, "SELECT GROUP_CONCAT(CONSTRAINT_NAME ORDER BY CONSTRAINT_NAME) FROM "
                          "information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'ferry_t_ints_copy' AND "
                          "CONSTRAINT_NAME LIKE '%fk_parent'"),
            "fk_parent,other_child_fk_parent");
  const auto report = verifyAll(test::pgSpec(src), test::mysqlSpec(kMyTarget));
  EXPECT_TRUE(report.identical()) << differencesOf(report);
}

TEST_F(IntegerKeys, ACopyOntoItsOwnSourceIsRefused) {
  auto r = copy(test::mysqlSpec(kSource), test::mysqlSpec(kSource), "self");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().oneLine().find("the target is the source"), std::string::npos) << r.error().oneLine();
  // The same server reached by another name is recognised by its identity, not the URL.
  auto other = test::mysqlSpec(kSource);
  const char* socket = std::getenv("FERRY_SANDBOX_MYSQL_SOCKET");
  if (socket == nullptr) GTEST_SKIP() << "FERRY_SANDBOX_MYSQL_SOCKET is not set (scripts/sandbox env)";
  other.host = "localhost";
  other.socket = socket;
  auto r2 = copy(test::mysqlSpec(kSource), other, "self2");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().oneLine().find("the target is the source"), std::string::npos) << r2.error().oneLine();
  EXPECT_EQ(my(kSource, "SELECT COUNT(*) FROM users"), "3");
}

}  // namespace
}  // namespace ferry
