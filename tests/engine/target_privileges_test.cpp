// Ferry's own tables need no more privilege than the copy (issue "Field report",
// finding 7): an account with rights on the target database alone can copy;
// the chunk marks then live inside that database, the pre-flight says so, and
// every run drops its marks when it ends.

#include <gtest/gtest.h>

#include <optional>

#include <thread>

#include "core/text.h"
#include "run/copy_run.h"
#include "run/session.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kSource = "ferry_t_priv_src";
constexpr const char* kScoped = "ferry_t_scoped";
constexpr const char* kOwner = "ferry_t_owner";
constexpr const char* kOwnerPassword = "owner-pw-3141";

std::string statePath(const std::string& name) { return test::freshStatePath("ferry-priv-test-" + name); }

run::CopyRequest request(const connect::ConnectionSpec& target, const std::string& state) {
  run::CopyRequest req;
  req.source = test::mysqlSpec(kSource);
  req.target = target;
  req.options.statePath = state;
  req.options.jobs = 2;
  req.options.limits.maxRows = 500;  // several chunks
  req.options.maxRowsPerSecond = 20000;  // slow enough to stop halfway
  return req;
}

/// Runs until some chunks are in, then stops the run (it stays resumable).
void runHalfway(const run::CopyRequest& req) {
  std::stop_source stopper;
  run::CopyRun copy(req);
  std::jthread watcher([&](std::stop_token done) {
    for (int i = 0; i < 3000 && !done.stop_requested(); ++i) {
      const auto p = copy.progress();
      int chunks = 0;
      for (const auto& t : p.tables) chunks += t.chunksDone;
      if (chunks >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stopper.request_stop();
  });
  auto r = copy.run(stopper.get_token());
  EXPECT_FALSE(r.ok()) << "the copy finished before it could be stopped; lower maxRowsPerSecond";
}

class TargetPrivileges : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreateMySqlDatabase(kSource);
    test::mariadb(kSource, "CREATE TABLE orders (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40)); "
                           "INSERT INTO orders (note) SELECT CONCAT('order ', seq) FROM seq_1_to_6000");
  }
};

TEST_F(TargetPrivileges, AMariaDbAccountWithRightsOnTheTargetDatabaseAloneCopies) {
  test::recreateMySqlDatabase(kScoped);
  test::mariadb("", std::string("DROP USER IF EXISTS '") + kOwner + "'@'%', '" + kOwner + "'@'localhost'; " +
                        "CREATE USER '" + kOwner + "'@'%' IDENTIFIED BY '" + kOwnerPassword + "'; " +
                        "CREATE USER '" + kOwner + "'@'localhost' IDENTIFIED BY '" + kOwnerPassword + "'; " +
                        "GRANT ALL ON " + kScoped + ".* TO '" + kOwner + "'@'%'; " +
                        "GRANT ALL ON " + kScoped + ".* TO '" + kOwner + "'@'localhost'; " +
                        "DROP DATABASE IF EXISTS ferry_state");
  auto target = test::mysqlSpec(kScoped);
  target.user = kOwner;
  target.password = kOwnerPassword;
  // The pre-flight passes and says where the marks go.
  auto report = run::runPreflight(nullptr, &target);
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  bool saidWhere = false;
  for (const auto& c : report->checks) {
    if (c.id == "target.create_tables") {
      EXPECT_EQ(c.status, preflight::CheckStatus::Pass) << c.detail;
    }
    if (c.id == "target.chunk_marks") {
      saidWhere = true;
      EXPECT_NE(c.detail.find("`ferry_t_scoped`.`ferry_chunk_marks`"), std::string::npos) << c.detail;
    }
  }
  EXPECT_TRUE(saidWhere);
  // A trigger in the target would fire again on every row the stream applies.
  test::mariadb(kScoped, "CREATE TABLE t (id int PRIMARY KEY); CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.id = NEW.id");
  auto withTrigger = run::runPreflight(nullptr, &target);
  ASSERT_TRUE(withTrigger.ok()) << withTrigger.error().oneLine();
  const bool flushesAtCommit = core::trim(test::mariadb("", "SELECT @@innodb_flush_log_at_trx_commit")) == "1";
  int streamChecks = 0;
  for (const auto& c : withTrigger->checks) {
    if (c.id == "target.target_triggers") {
      ++streamChecks;
      EXPECT_EQ(c.status, preflight::CheckStatus::Warn) << c.detail;
      EXPECT_NE(c.detail.find("1 trigger"), std::string::npos) << c.detail;
    }
    if (c.id == "target.flush_at_commit") {
      ++streamChecks;
      EXPECT_EQ(c.status, flushesAtCommit ? preflight::CheckStatus::Pass : preflight::CheckStatus::Warn) << c.detail;
    }
  }
  EXPECT_EQ(streamChecks, 2);
  test::mariadb(kScoped, "DROP TABLE t");
  // Stopped halfway: the marks are inside the target database, ferry_state was not made.
  const std::string state = statePath("mariadb");
  runHalfway(request(target, state));
  EXPECT_EQ(core::trim(test::mariadb(kScoped, "SELECT COUNT(*) > 0 FROM ferry_chunk_marks")), "1");
  EXPECT_EQ(core::trim(test::mariadb("", "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ferry_state'")),
            "0");
  // Resumed to the end: every row once, and the marks table is gone.
  auto req = request(target, state);
  req.options.resume = true;
  req.options.maxRowsPerSecond = 0;
  run::CopyRun resumed(req);
  auto r = resumed.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(core::trim(test::mariadb(kScoped, "SELECT CONCAT(COUNT(*), ' ', COUNT(DISTINCT id)) FROM orders")), "6000 6000");
  EXPECT_EQ(core::trim(test::mariadb(kScoped, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                                              "'ferry_t_scoped' AND TABLE_NAME = 'ferry_chunk_marks'")),
            "0");
  test::mariadb("", std::string("DROP USER IF EXISTS '") + kOwner + "'@'%', '" + kOwner + "'@'localhost'");
}

TEST_F(TargetPrivileges, APostgresRoleThatMayWriteOnlyInItsSchemaCopies) {
  test::recreatePgDatabase(kScoped);
  test::psql(kScoped, std::string("DROP ROLE IF EXISTS ") + kOwner + "; CREATE ROLE " + kOwner + " LOGIN PASSWORD '" +
                          kOwnerPassword + "'; CREATE SCHEMA " + kSource + " AUTHORIZATION " + kOwner +
                          "; DROP SCHEMA IF EXISTS ferry_state CASCADE");
  auto target = test::pgSpec(kScoped);
  target.user = kOwner;
  target.password = kOwnerPassword;
  auto report = run::runPreflight(nullptr, &target);
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  auto statusOf = [](const preflight::Report& r, const std::string& id) {
    for (const auto& c : r.checks) {
      if (c.id == id) return std::optional<preflight::CheckStatus>(c.status);
    }
    return std::optional<preflight::CheckStatus>();
  };
  for (const auto& c : report->checks) {
    if (c.id == "target.create_schema") {
      EXPECT_EQ(c.status, preflight::CheckStatus::Warn) << c.detail;
    }
    if (c.id == "target.chunk_marks") {
      EXPECT_NE(c.detail.find("ferry_chunk_marks"), std::string::npos) << c.detail;
    }
  }
  // The stream applies with session_replication_role = replica: a plain role may
  // not set it until granted (PostgreSQL 15).
  EXPECT_EQ(statusOf(*report, "target.replica_role"), preflight::CheckStatus::Warn);
  test::psql(kScoped, std::string("GRANT SET ON PARAMETER session_replication_role TO ") + kOwner);
  auto granted = run::runPreflight(nullptr, &target);
  ASSERT_TRUE(granted.ok()) << granted.error().oneLine();
  EXPECT_EQ(statusOf(*granted, "target.replica_role"), preflight::CheckStatus::Pass);
  test::psql(kScoped, std::string("REVOKE SET ON PARAMETER session_replication_role FROM ") + kOwner);
  const std::string state = statePath("pg");
  runHalfway(request(target, state));
  EXPECT_EQ(core::trim(test::psql(kScoped, "SELECT count(*) > 0 FROM ferry_t_priv_src.ferry_chunk_marks")), "t");
  auto req = request(target, state);
  req.options.resume = true;
  req.options.maxRowsPerSecond = 0;
  run::CopyRun resumed(req);
  auto r = resumed.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(core::trim(test::psql(kScoped, "SELECT count(*) || ' ' || count(DISTINCT id) FROM ferry_t_priv_src.orders")),
            "6000 6000");
  EXPECT_EQ(core::trim(test::psql(kScoped, "SELECT count(*) FROM pg_tables WHERE tablename = 'ferry_chunk_marks' OR "
                                           "schemaname = 'ferry_state'")),
            "0");
  EXPECT_EQ(core::trim(test::psql(kScoped, "SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry_state'")), "0");
  test::psql(kScoped, std::string("DROP SCHEMA ") + kSource + " CASCADE; DROP ROLE " + kOwner);
}

TEST_F(TargetPrivileges, AFinishedRunLeavesNoChunkMarksBehind) {
  test::recreatePgDatabase("ferry_t_marks_gone");
  auto req = request(test::pgSpec("ferry_t_marks_gone"), statePath("gone"));
  req.options.maxRowsPerSecond = 0;
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(core::trim(test::psql("ferry_t_marks_gone", "SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry_state'")),
            "0");
}

}  // namespace
}  // namespace ferry
