// The read-only fence (issue #13): MariaDB → PostgreSQL with the server set
// read-only and a switch command (the application changes driver: its deploy,
// played here by the writer reading a flag file), and PostgreSQL's revoke of the
// application's write privileges, undone exactly by an abort.

#include <gtest/gtest.h>

#include <filesystem>

#include "cutover_test_support.h"

namespace ferry {
namespace {

using cuttest::AppWriter;

constexpr const char* kMySource = "ferry_t_cutro_src";
constexpr const char* kPgTarget = "ferry_t_cutro_dst";
constexpr const char* kPgSource = "ferry_t_cutro_pgsrc";
constexpr const char* kMyTarget = "ferry_t_cutro_mydst";

std::string readOnlyNow() { return core::trim(test::mariadb("", "SELECT @@global.read_only")); }

/// `side` as the application reaches it: its own role.
connect::ConnectionSpec appOn(connect::ConnectionSpec side) {
  side.user = cuttest::appUser();
  side.password = cuttest::appPassword();
  return side;
}

/// A MariaDB source of `rows` items the application may write, copied into an
/// empty PostgreSQL target (keeping the binlog position) and verified; the
/// application's grants on both sides.
void prepareMariaDbRun(const std::string& state, int rows) {
  const std::string app = cuttest::appUser();
  test::recreateMySqlDatabase(kMySource);
  test::recreatePgDatabase(kPgTarget);
  test::mariadb(kMySource, "CREATE TABLE items (id bigint AUTO_INCREMENT PRIMARY KEY, v int NOT NULL, note varchar(50)); "
                           "INSERT INTO items (v) SELECT seq FROM seq_1_to_" + std::to_string(rows));
  for (const char* host : {"%", "127.0.0.1", "localhost"}) {
    test::mariadb("", std::string("GRANT SELECT, INSERT, UPDATE, DELETE ON ") + kMySource + ".* TO '" + app + "'@'" + host + "'");
  }
  cuttest::copyAndVerify(test::mysqlSpec(kMySource), test::pgSpec(kPgTarget), state);
  test::psql(kPgTarget, std::string("GRANT USAGE ON SCHEMA ") + kMySource + " TO " + app +
                            "; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + kMySource + " TO " + app +
                            "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + kMySource + " TO " + app);
}

/// A read-only cutover of `source` with a switch command: the application's
/// deploy, played by a thread, moves `writer` to `next` (its table `table`)
/// once the command raises its flag. The canary writes as the application.
core::Result<run::CutoverReport> cutOverWithDeploy(const connect::ConnectionSpec& source,
                                                   const connect::ConnectionSpec& target, const std::string& state,
                                                   AppWriter& writer, const connect::ConnectionSpec& next,
                                                   const std::string& table) {
  const std::string flag = state + ".switched";
  std::filesystem::remove(flag);
  std::atomic<bool> watching{true};
  std::jthread deploy([&] {
    while (watching && !std::filesystem::exists(flag)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (std::filesystem::exists(flag)) writer.switchTo(next, table);
  });
  run::CutoverRequest req;
  req.source = source;
  req.target = target;
  auto& o = req.options;
  o.statePath = state;
  o.fence.kind = cutover::FenceKind::ReadOnly;
  o.fence.switchCommand = "touch " + flag + " && test -n \"$FERRY_NEW_URL\"";
  o.noReverse = true;
  o.stableSeconds = 1;
  o.gateWaitSeconds = 30;
  o.maxPauseMs = 10000;  // roomy for a loaded machine: the pause's length is bench/cutover's
  o.changedCheckMs = 5000;
  o.canary = appOn(source);
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  watching = false;
  deploy.join();
  return report;
}

class ReadOnlyCutover : public ::testing::Test {
public:
  void TearDown() override { (void)test::mariadb("", "SET GLOBAL read_only = OFF"); }
};

TEST_F(ReadOnlyCutover, MariaDbToPostgresWithASwitchCommand) {
  const std::string state = test::freshStatePath("ferry-cutover-ro-test");
  prepareMariaDbRun(state, 3000);
  const auto onMariaDb = appOn(test::mysqlSpec(kMySource));
  const auto onPg = appOn(test::pgSpec(kPgTarget));
  // The application: MariaDB until the switch command raises its flag, then its own
  // connections to PostgreSQL (items in the schema the copy made).
  AppWriter writer(onMariaDb);
  writer.waitForMore(30);
  auto next = onPg;
  next.database = kPgTarget;
  auto report = cutOverWithDeploy(test::mysqlSpec(kMySource), test::pgSpec(kPgTarget), state, writer, next,
                                  std::string(kMySource) + ".items");
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  writer.stop();

  // The old source stays fenced: only Ferry (and the way back) may write there.
  EXPECT_EQ(readOnlyNow(), "1");
  ASSERT_TRUE(report->canary.has_value());
  EXPECT_EQ(report->canary->lost, 0);
  EXPECT_GT(report->canary->acknowledged, 10);
  // Writes refused by the fence were never acknowledged; every acknowledged one is on the target.
  const auto onTarget = cuttest::idsOn(test::pgSpec(kPgTarget), std::string(kMySource) + ".items");
  EXPECT_EQ(cuttest::missing(writer.acked(), onTarget), "");
  EXPECT_FALSE(report->sequences.empty());
  // MariaDB's binlog position, as the stream names it.
  EXPECT_NE(report->fencePosition.find("mariadb-bin."), std::string::npos) << report->fencePosition;
}

TEST_F(ReadOnlyCutover, PostgresToMariaDbWithASwitchCommand) {
  const std::string state = test::freshStatePath("ferry-cutover-ro-pgmy-test");
  const std::string app = cuttest::appUser();
  test::recreatePgDatabase(kPgSource);
  test::recreateMySqlDatabase(kMyTarget);
  test::psql(kPgSource, "CREATE TABLE items (id bigserial PRIMARY KEY, v int NOT NULL, note text); "
                        "INSERT INTO items (v) SELECT g FROM generate_series(1, 3000) g; "
                        "GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + app + "; GRANT USAGE ON SEQUENCE items_id_seq TO " + app);
  cuttest::copyAndVerify(test::pgSpec(kPgSource), test::mysqlSpec(kMyTarget), state);
  for (const char* host : {"%", "127.0.0.1", "localhost"}) {
    test::mariadb("", std::string("GRANT SELECT, INSERT, UPDATE, DELETE ON ") + kMyTarget + ".* TO '" + app + "'@'" + host + "'");
  }
  const auto onPg = appOn(test::pgSpec(kPgSource));
  const auto onMariaDb = appOn(test::mysqlSpec(kMyTarget));
  AppWriter writer(onPg);
  writer.waitForMore(30);
  auto report = cutOverWithDeploy(test::pgSpec(kPgSource), test::mysqlSpec(kMyTarget), state, writer, onMariaDb, "items");
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  writer.waitForMore(30);  // the application goes on, on MariaDB now
  writer.stop();

  ASSERT_TRUE(report->canary.has_value());
  EXPECT_EQ(report->canary->lost, 0);
  EXPECT_GT(report->canary->acknowledged, 10);
  // Every write acknowledged on either side is on MariaDB; none collided with the source's ids.
  const auto onTarget = cuttest::idsOn(test::mysqlSpec(kMyTarget), "items");
  EXPECT_EQ(cuttest::missing(writer.acked(), onTarget), "");
  EXPECT_EQ(onTarget.size(), 3000 + writer.acked().size());
  ASSERT_TRUE(report->changedRows.has_value());
  EXPECT_EQ(report->changedRows->differenceCount, 0);
  EXPECT_GT(report->changedRows->checked, 0);
  // The old source refuses the application's writes.
  auto c = connect::PgConnection::open(onPg);
  ASSERT_TRUE(c.ok()) << c.error().oneLine();
  auto refused = (*c)->exec("INSERT INTO public.items (v) VALUES (1)");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), core::ErrorKind::Privilege) << refused.error().oneLine();
}

/// PostgreSQL: the write privileges of the application's role on the run's
/// tables, with their grant options.
std::string writeGrants() {
  return core::trim(test::psql(kPgSource,
                               "SELECT string_agg(a.privilege_type || ':' || coalesce(r.rolname, 'PUBLIC') || ':' || a.is_grantable, ',' "
                               "ORDER BY 1) FROM pg_class c, aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
                               "WHERE c.relname = 'items' AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') "
                               "AND r.rolname IS DISTINCT FROM current_user"));
}

TEST_F(ReadOnlyCutover, PostgresRevokeIsUndoneExactlyByAnAbortAndHoldsAfterTheSwitch) {
  const std::string state = test::freshStatePath("ferry-cutover-ro-pg-test");
  const std::string app = cuttest::appUser();
  test::recreatePgDatabase(kPgSource);
  test::recreatePgDatabase(kPgTarget);
  test::psql(kPgSource, "CREATE TABLE items (id bigserial PRIMARY KEY, v int NOT NULL); INSERT INTO items (v) SELECT g FROM generate_series(1, 2000) g; "
                        "GRANT SELECT, INSERT ON items TO " + app + " WITH GRANT OPTION; GRANT UPDATE (v) ON items TO " + app +
                        "; GRANT DELETE ON items TO PUBLIC; GRANT USAGE ON SEQUENCE items_id_seq TO " + app);
  cuttest::copyAndVerify(test::pgSpec(kPgSource), test::pgSpec(kPgTarget), state);
  test::psql(kPgTarget, "GRANT SELECT, INSERT ON items TO " + app + "; GRANT UPDATE (v) ON items TO " + app +
                            "; GRANT USAGE ON SEQUENCE items_id_seq TO " + app);
  const std::string before = writeGrants();
  ASSERT_NE(before.find("INSERT:" + app + ":true"), std::string::npos) << before;
  const std::string columnGrants = core::trim(test::psql(kPgSource, "SELECT attacl::text FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'v'"));

  auto onSource = test::pgSpec(kPgSource);
  onSource.user = app;
  onSource.password = cuttest::appPassword();
  run::CutoverRequest req;
  req.source = test::pgSpec(kPgSource);
  req.target = test::pgSpec(kPgTarget);
  req.options.statePath = state;
  req.options.fence.kind = cutover::FenceKind::ReadOnly;
  req.options.noReverse = true;
  req.options.stableSeconds = 1;
  req.options.gateWaitSeconds = 30;
  req.options.maxPauseMs = 1;  // spent at once: the fence is lifted again
  {
    AppWriter writer(onSource);
    writer.waitForMore(20);
    run::CutoverRun aborted(req);
    auto report = aborted.run({});
    ASSERT_TRUE(report.ok()) << report.error().oneLine();
    EXPECT_EQ(report->result, "aborted");
    writer.waitForMore(20);  // writing again once the privileges are back
    writer.stop();
    EXPECT_EQ(cuttest::missing(writer.acked(), cuttest::idsOn(test::pgSpec(kPgSource), "public.items")), "");
  }
  EXPECT_EQ(writeGrants(), before);
  EXPECT_EQ(core::trim(test::psql(kPgSource, "SELECT attacl::text FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'v'")),
            columnGrants);

  req.options.maxPauseMs = 10000;
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  // After the switch the source refuses the application's writes.
  auto c = connect::PgConnection::open(onSource);
  ASSERT_TRUE(c.ok()) << c.error().oneLine();
  auto refused = (*c)->exec("INSERT INTO public.items (v) VALUES (1)");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), core::ErrorKind::Privilege) << refused.error().oneLine();
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

TEST_F(ReadOnlyCutover, MariaDbRollbackBringsBackEveryNewSideWriteWithoutALoop) {
  const std::string state = test::freshStatePath("ferry-cutover-rb-test");
  std::filesystem::remove(test::freshStatePath("ferry-cutover-rb-test.reverse"));
  prepareMariaDbRun(state, 2000);
  auto onMariaDb = appOn(test::mysqlSpec(kMySource));
  const auto onPg = appOn(test::pgSpec(kPgTarget));

  run::CutoverRequest req;
  req.source = test::mysqlSpec(kMySource);
  req.target = test::pgSpec(kPgTarget);
  req.options.statePath = state;
  req.options.fence.kind = cutover::FenceKind::ReadOnly;
  req.options.stableSeconds = 1;
  req.options.gateWaitSeconds = 30;
  req.options.maxPauseMs = 10000;
  req.options.canary = onMariaDb;
  run::CutoverRun cutover(req);
  auto there = cutover.run({});
  ASSERT_TRUE(there.ok()) << there.error().oneLine();
  ASSERT_EQ(there->result, "switched") << there->message;
  ASSERT_FALSE(there->reverseState.empty());

  // The application on the new side, before and during the rollback (fenced: refused, never acknowledged).
  AppWriter writer(onPg, std::string(kMySource) + ".items");
  writer.waitForMore(60);
  req.options.canary = onPg;
  auto back = run::rollbackCutover(req, {});
  ASSERT_TRUE(back.ok()) << back.error().oneLine();
  ASSERT_EQ(back->result, "rolled-back") << back->message;
  writer.stop();
  ASSERT_GT(writer.acked().size(), 50u);
  // Every write the new side acknowledged is on the old side, which writes again.
  EXPECT_EQ(cuttest::missing(writer.acked(), cuttest::idsOn(test::mysqlSpec(kMySource), "items")), "");
  EXPECT_EQ(readOnlyNow(), "0");
  ASSERT_TRUE(back->canary.has_value());
  EXPECT_EQ(back->canary->lost, 0);
  // The application back on MariaDB; the forward stream picks up from its stored
  // position and leaves out what Ferry itself wrote back (a loop would meet those
  // rows on the target again: a divergence that stops the sync).
  {
    AppWriter again(onMariaDb);
    again.waitForMore(30);
    again.stop();
  }
  auto synced = cuttest::syncUntilCaughtUp(test::mysqlSpec(kMySource), test::pgSpec(kPgTarget), state);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  EXPECT_EQ(synced->final.divergences, 0);
  EXPECT_EQ(cuttest::idsOn(test::mysqlSpec(kMySource), "items"),
            cuttest::idsOn(test::pgSpec(kPgTarget), std::string(kMySource) + ".items"));
}

}  // namespace
}  // namespace ferry
