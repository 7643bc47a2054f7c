// A PostgreSQL source written to during the copy: the target holds exactly the
// exported snapshot, and the slot's consistent point (where change capture will
// start) precedes the writes.

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "core/text.h"
#include "run/copy_run.h"
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

}  // namespace
}  // namespace ferry
