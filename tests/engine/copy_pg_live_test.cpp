// A PostgreSQL source written to during the copy: the target holds exactly the
// exported snapshot, and the slot's consistent point (where change capture will
// start) precedes the writes. MySQL targets: LOAD DATA LOCAL INFILE, and the
// fallback to INSERT when the server refuses it.

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "core/text.h"
#include "run/copy_run.h"
#include "state/run_state_store.h"
#include "support/test_support.h"

namespace ferry {
namespace {

/// "0/1A2B3C8" → a comparable number.
std::uint64_t lsn(const std::string& text) {
  const auto slash = text.find('/');
  return (std::stoull(text.substr(0, slash), nullptr, 16) << 32) | std::stoull(text.substr(slash + 1), nullptr, 16);
}

TEST(CopyPgLive, WritesDuringTheCopyStayOutOfTheSnapshot) {
  test::recreatePgDatabase("ferry_t_copy_pglive");
  test::psql("ferry_t_copy_pglive", "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL); "
                                    "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 60000) g; ANALYZE");
  test::recreatePgDatabase("ferry_t_copy_pglive_dst");
  run::CopyRequest req;
  req.source = test::pgSpec("ferry_t_copy_pglive");
  req.target = test::pgSpec("ferry_t_copy_pglive_dst");
  req.options.statePath = "/tmp/ferry-copy-test-pglive.state";
  std::remove(req.options.statePath.c_str());
  req.options.jobs = 2;
  req.options.limits.maxRows = 5000;
  req.options.maxRowsPerSecond = 15000;  // about 4 s of copying: the writes below land mid-copy
  run::CopyRun copy(req);
  std::optional<core::Result<run::CopySummary>> result;
  std::jthread runner([&] { result.emplace(copy.run({})); });
  for (int i = 0; i < 600 && !(copy.progress().phase == "copying" && copy.progress().rowsWritten > 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(copy.progress().phase, "copying");
  const std::string before = core::trim(test::psql("ferry_t_copy_pglive", "SELECT pg_current_wal_insert_lsn()"));
  test::psql("ferry_t_copy_pglive", "INSERT INTO t VALUES (1000001, 'new'); UPDATE t SET v = 'changed' WHERE id = 60000; "
                                    "DELETE FROM t WHERE id = 59999");
  runner.join();
  ASSERT_TRUE(result && result->ok()) << (result ? result->error().oneLine() : "no result");
  const auto& s = result->value();
  EXPECT_EQ(s.final.rowsWritten, 60000);
  auto pg = [&](const std::string& sql) { return core::trim(test::psql("ferry_t_copy_pglive_dst", sql)); };
  EXPECT_EQ(pg("SELECT count(*) FROM public.t"), "60000");
  EXPECT_EQ(pg("SELECT count(*) FROM public.t WHERE id = 1000001"), "0");
  EXPECT_EQ(pg("SELECT v FROM public.t WHERE id = 60000"), "v60000");
  EXPECT_EQ(pg("SELECT v FROM public.t WHERE id = 59999"), "v59999");
  // "slot ferry_… at 0/1A2B3C8": the consistent point is at or before the writes.
  const auto at = s.final.snapshot.rfind(" at ");
  ASSERT_NE(at, std::string::npos) << s.final.snapshot;
  EXPECT_LE(lsn(s.final.snapshot.substr(at + 4)), lsn(before)) << s.final.snapshot << " vs writes at " << before;
  // The slot was dropped (no --keep-slot): nothing holds WAL on the source.
  EXPECT_EQ(core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE database = 'ferry_t_copy_pglive'")), "0");
}

std::int64_t comLoad() {
  return std::stoll(core::split(core::trim(test::mariadb("", "SHOW GLOBAL STATUS LIKE 'Com_load'")), '\t').at(1));
}

/// Restores local_infile whatever the test does.
struct LocalInfileOff {
  LocalInfileOff() { test::mariadb("", "SET GLOBAL local_infile = OFF"); }
  ~LocalInfileOff() { test::mariadb("", "SET GLOBAL local_infile = ON"); }
  LocalInfileOff(const LocalInfileOff&) = delete;
  LocalInfileOff& operator=(const LocalInfileOff&) = delete;
};

TEST(CopyMySqlTarget, LoadsThroughLoadDataAndFallsBackToInsertWhenRefused) {
  test::recreatePgDatabase("ferry_t_copy_load");
  test::psql("ferry_t_copy_load", "CREATE TABLE t (id int PRIMARY KEY, v text, b bytea); "
                                  "INSERT INTO t SELECT g, 'v' || g || E'\\t\\\\ é', sha256(g::text::bytea) "
                                  "FROM generate_series(1, 5000) g; ANALYZE");
  const std::string cmd = std::string(FERRY_BINARY) + " copy --source '" + test::pgUrl("ferry_t_copy_load") +
                          "' --target '" + test::mysqlUrl() + "' --project /tmp/ferry-copy-load.ferry.json --chunk-rows 1000";
  test::runCommand("echo '{\"ferry_project\": 1, \"schema_map\": {\"public\": \"ferry_t_copy_load\"}}' > /tmp/ferry-copy-load.ferry.json");
  auto check = [&](const std::string& label) {
    EXPECT_EQ(core::trim(test::mariadb("ferry_t_copy_load", "SET SESSION group_concat_max_len = 1000000; "
                                                            "SELECT COUNT(*), SUM(LENGTH(v)), MD5(GROUP_CONCAT(MD5(v), MD5(b) "
                                                            "ORDER BY id SEPARATOR '')) FROM t")),
              core::trim(test::psql("ferry_t_copy_load", "SELECT count(*) || E'\\t' || sum(octet_length(v)) || E'\\t' || "
                                                         "md5(string_agg(md5(v) || md5(b), '' ORDER BY id)) FROM t")))
        << label;
  };
  // The server allows LOCAL INFILE (the sandbox's setting): every chunk is one LOAD DATA.
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_copy_load");
  const std::int64_t before = comLoad();
  std::string out;
  std::remove("/tmp/ferry-copy-load-1.state");
  ASSERT_EQ(test::runCommand(cmd + " --state /tmp/ferry-copy-load-1.state", &out), 0) << out;
  EXPECT_EQ(comLoad() - before, 5);
  EXPECT_EQ(out.find("refuses LOAD DATA"), std::string::npos) << out;
  check("LOAD DATA");
  // Refused by the server: detected, said once, and the copy loads with INSERT.
  {
    LocalInfileOff off;
    test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_copy_load");
    std::remove("/tmp/ferry-copy-load-2.state");
    ASSERT_EQ(test::runCommand(cmd + " --state /tmp/ferry-copy-load-2.state", &out), 0) << out;
  }
  std::size_t said = 0;
  for (std::size_t at = out.find("refuses LOAD DATA LOCAL INFILE"); at != std::string::npos;
       at = out.find("refuses LOAD DATA LOCAL INFILE", at + 1)) {
    ++said;
  }
  EXPECT_EQ(said, 1u) << out;
  check("INSERT after the refusal");
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_copy_load");
}

TEST(CopyResume, ATableRecordedWithoutItsChunksIsPlannedOnResume) {
  // The state a run killed between recording a table and recording its chunks leaves.
  test::recreatePgDatabase("ferry_t_copy_gap_src");
  test::psql("ferry_t_copy_gap_src", "CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL); "
                                     "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 3000) g; ANALYZE");
  test::recreatePgDatabase("ferry_t_copy_gap_dst");
  // No table on the target and none in the state's DDL journal: the resumed run creates it.
  const std::string path = "/tmp/ferry-copy-test-gap.state";
  std::remove(path.c_str());
  {
    auto st = state::RunStateStore::open(path, state::OpenMode::Create);
    ASSERT_TRUE(st.ok()) << st.error().oneLine();
    state::RunInfo info;
    info.sourceUrl = test::pgSpec("ferry_t_copy_gap_src").toUrlWithoutPassword();
    info.targetUrl = test::pgSpec("ferry_t_copy_gap_dst").toUrlWithoutPassword();
    ASSERT_TRUE((*st)->createRun(info).ok());
    state::TableState ts;
    ts.sourceSchema = "public";
    ts.sourceTable = "big";
    ts.targetSchema = "public";
    ts.targetTable = "big";
    ts.keyColumnsJson = "[\"id\"]";
    ASSERT_TRUE((*st)->addTables({ts}).ok());
  }
  run::CopyRequest req;
  req.source = test::pgSpec("ferry_t_copy_gap_src");
  req.target = test::pgSpec("ferry_t_copy_gap_dst");
  req.options.statePath = path;
  req.options.resume = true;
  req.options.jobs = 2;
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->final.rowsWritten, 3000);
  EXPECT_EQ(core::trim(test::psql("ferry_t_copy_gap_dst", "SELECT count(*) || '|' || md5(string_agg(v, ',' ORDER BY id)) FROM big")),
            core::trim(test::psql("ferry_t_copy_gap_src", "SELECT count(*) || '|' || md5(string_agg(v, ',' ORDER BY id)) FROM big")));
}

}  // namespace
}  // namespace ferry
