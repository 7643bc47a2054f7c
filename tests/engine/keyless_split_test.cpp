// Keyless MySQL/MariaDB tables are no longer one stream (issue "Field report",
// finding 6): a table without a primary or unique key is cut into ranges of an
// indexed column, its NULLs a chunk of their own, so every row arrives exactly
// once — also across a stop and --resume — and a table with no index says in the
// assessment why it stays one stream.

#include <gtest/gtest.h>

#include <thread>

#include "core/text.h"
#include "run/assessment_run.h"
#include "run/copy_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kSource = "ferry_t_keyless";
constexpr const char* kTarget = "ferry_t_keyless";

std::string statePath(const std::string& name) { return test::freshStatePath("ferry-keyless-test-" + name); }

run::CopyRequest request(const std::string& state) {
  run::CopyRequest req;
  req.source = test::mysqlSpec(kSource);
  req.target = test::pgSpec(kTarget);
  req.options.statePath = state;
  req.options.jobs = 2;
  req.options.limits.maxRows = 2000;  // 30,000 rows: about 15 ranges
  return req;
}

/// Every row with its multiplicity, whatever order or collation the server
/// sorts by: the row count and the sum of a hash of each row's text.
std::string pgRows(const std::string& table) {
  return core::trim(test::psql(
      kTarget, "SELECT count(*) || ' ' || sum(('x' || substr(md5(coalesce(ts::text, 'N') || '/' || coalesce(level::text, "
               "'N') || '/' || msg), 1, 8))::bit(32)::bigint) FROM ferry_t_keyless." + table));
}

std::string myRows(const std::string& table) {
  return core::trim(test::mariadb(
      kSource, "SELECT CONCAT(COUNT(*), ' ', SUM(CONV(SUBSTR(MD5(CONCAT(COALESCE(DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s'), "
               "'N'), '/', COALESCE(level, 'N'), '/', msg)), 1, 8), 16, 10))) FROM " + table));
}

class KeylessSplit : public ::testing::Test {
protected:
  void SetUp() override {
    test::recreateMySqlDatabase(kSource);
    // A log table: no key, an index on a nullable integer with many repeats,
    // NULLs, duplicate rows; and one with only a string index; and one with none.
    test::mariadb(kSource,
                  "CREATE TABLE app_log (ts DATETIME NULL, level INT NULL, msg VARCHAR(100) NOT NULL, KEY by_level (level)); "
                  "INSERT INTO app_log SELECT '2024-01-01' + INTERVAL (seq % 5000) MINUTE, "
                  "IF(seq % 17 = 0, NULL, seq % 977), CONCAT('event ', seq % 9000) FROM seq_1_to_30000; "
                  "INSERT INTO app_log SELECT ts, level, msg FROM app_log LIMIT 500; "  // exact duplicate rows
                  "CREATE TABLE by_text (ts DATETIME NULL, level INT NULL, msg VARCHAR(100) NOT NULL, KEY (msg)); "
                  "INSERT INTO by_text SELECT ts, level, msg FROM app_log; "
                  "CREATE TABLE no_index (ts DATETIME NULL, level INT NULL, msg VARCHAR(100) NOT NULL); "
                  "INSERT INTO no_index SELECT ts, level, msg FROM app_log LIMIT 3000; "
                  "ANALYZE TABLE app_log, by_text, no_index");
    test::recreatePgDatabase(kTarget);
  }
};

TEST_F(KeylessSplit, AnIndexedColumnCutsTheTableAndEveryRowArrivesOnce) {
  auto r = run::CopyRun(request(statePath("split"))).run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  std::map<std::string, int> chunks;
  for (const auto& t : r->final.tables) chunks[t.table] = t.chunksTotal;
  EXPECT_GT(chunks["app_log"], 5);  // was 1: one stream
  EXPECT_GT(chunks["by_text"], 5);
  EXPECT_EQ(chunks["no_index"], 1);
  for (const char* t : {"app_log", "by_text", "no_index"}) EXPECT_EQ(pgRows(t), myRows(t)) << t;
  // The assessment says how each keyless table is copied.
  run::AssessRequest areq;
  areq.source = test::mysqlSpec(kSource);
  areq.targetEngine = model::Engine::PostgreSQL;
  auto a = run::runAssessment(areq);
  ASSERT_TRUE(a.ok());
  std::map<std::string, std::string> said;
  for (const auto& o : a->objects) {
    if (o.finding.code == "TABLE_NO_KEY") said[o.table] = o.finding.message;
  }
  EXPECT_NE(said["app_log"].find("ranges of its indexed column level (the NULLs as a range of their own)"), std::string::npos)
      << said["app_log"];
  EXPECT_NE(said["no_index"].find("one stream"), std::string::npos) << said["no_index"];
}

TEST_F(KeylessSplit, AStoppedCopyResumesWithoutLosingOrRepeatingARow) {
  const std::string state = statePath("resume");
  auto req = request(state);
  req.options.maxRowsPerSecond = 20000;  // stopped within the first second
  {
    std::stop_source stopper;
    run::CopyRun copy(req);
    std::jthread watcher([&](std::stop_token done) {
      for (int i = 0; i < 3000 && !done.stop_requested(); ++i) {
        int chunksDone = 0;
        for (const auto& t : copy.progress().tables) chunksDone += t.chunksDone;
        if (chunksDone >= 3) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      stopper.request_stop();
    });
    ASSERT_FALSE(copy.run(stopper.get_token()).ok());
  }
  req.options.resume = true;
  req.options.maxRowsPerSecond = 0;
  auto r = run::CopyRun(req).run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  for (const char* t : {"app_log", "by_text", "no_index"}) EXPECT_EQ(pgRows(t), myRows(t)) << t;
}

TEST_F(KeylessSplit, AResumeRefusesRangesOfAColumnTheTableIsNoLongerCutBy) {
  const std::string state = statePath("changed");
  auto req = request(state);
  req.options.tablePatterns = {"ferry_t_keyless.app_log"};
  req.options.maxRowsPerSecond = 20000;
  {
    std::stop_source stopper;
    run::CopyRun copy(req);
    std::jthread watcher([&](std::stop_token done) {
      for (int i = 0; i < 3000 && !done.stop_requested(); ++i) {
        if (!copy.progress().tables.empty() && copy.progress().tables[0].chunksDone >= 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      stopper.request_stop();
    });
    ASSERT_FALSE(copy.run(stopper.get_token()).ok());
  }
  // An index on a NOT NULL integer now wins over `level`: the recorded ranges no longer fit.
  test::mariadb(kSource, "ALTER TABLE app_log ADD COLUMN seq INT NOT NULL DEFAULT 0, ADD KEY (seq)");
  req.options.resume = true;
  auto r = run::CopyRun(req).run({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().oneLine().find("was cut into chunks by [\"level\"]"), std::string::npos) << r.error().oneLine();
}

}  // namespace
}  // namespace ferry
