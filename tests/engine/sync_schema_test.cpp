// Schema changes during the stream, on both target engines: new columns and
// type changes met when a sync starts and while it runs, under --ddl stop and
// auto-additive, the DBA's decision (proposed or edited), and TRUNCATE.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "core/text.h"
#include "run/sync_run.h"
#include "support/test_support.h"
#include "sync_fixture.h"

namespace ferry {
namespace {

using namespace synctest;

/// Schema changes during the stream: a new nullable column stops the sync with
/// the proposed ALTER TABLE (exit 4), --ddl auto-additive adds it and goes on; a
/// NOT NULL one is only proposed, and once the DBA ran it the sync goes on;
/// --truncate stop stops before a TRUNCATE, apply applies it.
void schemaChanges(const connect::ConnectionSpec& target, const std::string& name) {
  const bool pg = target.engine == model::Engine::PostgreSQL;
  auto onTarget = [&](const std::string& sql) {
    return pg ? core::trim(test::psql(kPgTarget, sql)) : core::trim(test::mariadb(kMyTarget, sql));
  };
  const std::string t = pg ? "public." : "";
  const std::string state = statePath(name);
  auto copied = copyKeepingSlot(target, state);
  ASSERT_TRUE(copied.ok()) << copied.error().oneLine();
  auto sync = [&](run::DdlPolicy ddl, run::TruncatePolicy truncate, run::SyncRun::StopReason* reason) {
    return syncUntilCaughtUp(target, state, [&](run::SyncOptions& o) {
      o.ddl = ddl;
      o.truncate = truncate;
    }, reason);
  };
  src("INSERT INTO parent (id, name) VALUES (8000, 'before'); ALTER TABLE parent ADD COLUMN extra text; "
      "INSERT INTO parent (id, name, extra) VALUES (8001, 'after', 'e1'); UPDATE parent SET extra = 'e2' WHERE id = 1");
  run::SyncRun::StopReason reason{};
  auto stopped = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Apply, &reason);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(reason, run::SyncRun::StopReason::SchemaChange);
  EXPECT_NE(stopped.error().hint().find("ADD COLUMN"), std::string::npos) << stopped.error().oneLine();
  EXPECT_NE(stopped.error().message().find("extra"), std::string::npos) << stopped.error().oneLine();
  EXPECT_EQ(onTarget("SELECT count(*) FROM " + t + "parent WHERE id = 8000"), "0") << "stopped before the change";
  auto added = sync(run::DdlPolicy::AutoAdditive, run::TruncatePolicy::Apply, &reason);
  ASSERT_TRUE(added.ok()) << added.error().oneLine();
  EXPECT_EQ(onTarget("SELECT extra FROM " + t + "parent WHERE id = 8001"), "e1");
  EXPECT_EQ(onTarget("SELECT extra FROM " + t + "parent WHERE id = 1"), "e2");
  EXPECT_EQ(onTarget("SELECT count(*) FROM " + t + "parent WHERE id = 8000"), "1");
  EXPECT_EQ(differencesOf(target), "");

  // NOT NULL: proposed, not applied; the DBA runs it, the sync goes on.
  src("ALTER TABLE child ADD COLUMN must int NOT NULL DEFAULT 7; INSERT INTO child (id, parent_id, note, must) VALUES (95000, 1, 'n', 9)");
  auto proposed = sync(run::DdlPolicy::AutoAdditive, run::TruncatePolicy::Apply, &reason);
  ASSERT_FALSE(proposed.ok());
  EXPECT_EQ(reason, run::SyncRun::StopReason::SchemaChange);
  EXPECT_NE(proposed.error().message().find("must"), std::string::npos) << proposed.error().oneLine();
  const auto source = test::pgSpec(kSource);
  auto status = run::runStatus(state, &source, &target);
  ASSERT_TRUE(status.ok());
  const std::string statement = status->value("ddl_proposed", "");
  ASSERT_NE(statement.find("NOT NULL"), std::string::npos) << statement;
  auto pending = run::pendingSchemaChange(state);
  ASSERT_TRUE(pending.ok() && *pending);
  EXPECT_EQ((*pending)->proposed, statement);
  EXPECT_NE((*pending)->change.find("public.child.must"), std::string::npos) << (*pending)->change;
  // The decision "apply the proposal", from the command line; it streams on.
  const std::string targetUrl = pg ? test::pgUrl(kPgTarget) : test::mysqlUrl(kMyTarget);
  const std::string syncCmd = std::string(FERRY_BINARY) + " sync --until caught-up --heartbeat-ms 50 --state " + state +
                              " --source '" + test::pgUrl(kSource) + "' --target '" + targetUrl + "'";
  std::string out;
  ASSERT_EQ(test::runCommand(syncCmd + " --apply-ddl", &out), 0) << out;
  EXPECT_NE(out.find("applied on the target: ALTER TABLE"), std::string::npos) << out;
  pending = run::pendingSchemaChange(state);
  ASSERT_TRUE(pending.ok());
  EXPECT_FALSE(*pending) << "decided";
  EXPECT_EQ(test::runCommand(syncCmd + " --apply-ddl", &out), 2) << out;
  EXPECT_NE(out.find("no schema change is waiting"), std::string::npos) << out;
  EXPECT_EQ(onTarget("SELECT must FROM " + t + "child WHERE id = 95000"), "9");
  EXPECT_EQ(onTarget("SELECT must FROM " + t + "child WHERE id = 2"), "7") << "the default filled the rows there";
  EXPECT_EQ(differencesOf(target), "");

  // The decision "apply an edited statement": a wider type than proposed. A
  // statement that fails applies nothing and the proposal stays.
  src("ALTER TABLE child ADD COLUMN memo varchar(20); INSERT INTO child (id, parent_id, memo) VALUES (95001, 1, 'memo')");
  auto memo = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Apply, &reason);
  ASSERT_FALSE(memo.ok());
  EXPECT_EQ(reason, run::SyncRun::StopReason::SchemaChange);
  auto bad = run::applySchemaDecision(state, target, "ALTER TABLE " + t + "child ADD COLUMN memo nosuchtype");
  EXPECT_FALSE(bad.ok());
  pending = run::pendingSchemaChange(state);
  ASSERT_TRUE(pending.ok() && *pending) << "a failed decision leaves the proposal";
  auto edited = run::applySchemaDecision(state, target, "ALTER TABLE " + t + "child ADD COLUMN memo varchar(200);");
  ASSERT_TRUE(edited.ok()) << edited.error().oneLine();
  ASSERT_EQ(edited->size(), 1u);
  auto afterEdit = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Apply, &reason);
  ASSERT_TRUE(afterEdit.ok()) << afterEdit.error().oneLine();
  EXPECT_EQ(onTarget("SELECT memo FROM " + t + "child WHERE id = 95001"), "memo");
  EXPECT_EQ(differencesOf(target), "");

  // A type widened on the source (varchar(20) → varchar(300)) beyond what the
  // target's varchar(200) holds: proposed, then applied by --ddl auto-additive.
  // (Until now the target's wider varchar(200) was left as the DBA made it.)
  src("ALTER TABLE child ALTER COLUMN memo TYPE varchar(300); "
      "INSERT INTO child (id, parent_id, memo) VALUES (95002, 1, repeat('m', 250))");
  auto widened = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Apply, &reason);
  ASSERT_FALSE(widened.ok());
  EXPECT_EQ(reason, run::SyncRun::StopReason::SchemaChange);
  EXPECT_NE(widened.error().message().find("public.child.memo (type"), std::string::npos) << widened.error().oneLine();
  EXPECT_EQ(onTarget("SELECT count(*) FROM " + t + "child WHERE id = 95002"), "0") << "stopped before the change";
  auto widenedOn = sync(run::DdlPolicy::AutoAdditive, run::TruncatePolicy::Apply, &reason);
  ASSERT_TRUE(widenedOn.ok()) << widenedOn.error().oneLine();
  EXPECT_EQ(onTarget("SELECT char_length(memo) FROM " + t + "child WHERE id = 95002"), "250");
  // A type change that is no widening (numeric(10,2) → numeric(10,4): two integer
  // digits fewer): proposed even under --ddl auto-additive; the DBA decides.
  src("ALTER TABLE parent ALTER COLUMN score TYPE numeric(10,4); UPDATE parent SET score = 1.2345 WHERE id = 3");
  auto rescaled = sync(run::DdlPolicy::AutoAdditive, run::TruncatePolicy::Apply, &reason);
  ASSERT_FALSE(rescaled.ok());
  EXPECT_EQ(reason, run::SyncRun::StopReason::SchemaChange);
  EXPECT_NE(rescaled.error().message().find("public.parent.score (type"), std::string::npos) << rescaled.error().oneLine();
  pending = run::pendingSchemaChange(state);
  ASSERT_TRUE(pending.ok() && *pending);
  EXPECT_NE((*pending)->proposed.find(pg ? "ALTER COLUMN \"score\" TYPE numeric(10,4)" : "MODIFY COLUMN `score`"),
            std::string::npos) << (*pending)->proposed;
  auto decided = run::applySchemaDecision(state, target, (*pending)->proposed);
  ASSERT_TRUE(decided.ok()) << decided.error().oneLine();
  auto rescaledOn = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Apply, &reason);
  ASSERT_TRUE(rescaledOn.ok()) << rescaledOn.error().oneLine();
  EXPECT_EQ(onTarget("SELECT score FROM " + t + "parent WHERE id = 3"), "1.2345");
  EXPECT_EQ(differencesOf(target), "");

  // TRUNCATE: stop, then apply.
  src("TRUNCATE keyless");
  auto truncStop = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Stop, &reason);
  ASSERT_FALSE(truncStop.ok());
  EXPECT_EQ(reason, run::SyncRun::StopReason::SchemaChange);
  EXPECT_NE(truncStop.error().message().find("TRUNCATE of public.keyless"), std::string::npos) << truncStop.error().oneLine();
  EXPECT_EQ(onTarget("SELECT count(*) FROM " + t + "keyless"), "3");
  auto truncApply = sync(run::DdlPolicy::Stop, run::TruncatePolicy::Apply, &reason);
  ASSERT_TRUE(truncApply.ok()) << truncApply.error().oneLine();
  EXPECT_EQ(onTarget("SELECT count(*) FROM " + t + "keyless"), "0");
  EXPECT_EQ(differencesOf(target), "");

  // Mid-stream: a running sync meets `change` in the stream, maps the source
  // again, changes the target (--ddl auto-additive) and goes on until parent row
  // `id` has `mid` = `want` on the target.
  run::SyncRequest req;
  req.source = test::pgSpec(kSource);
  req.target = target;
  req.options.statePath = state;
  req.options.heartbeatMs = 50;
  req.options.ddl = run::DdlPolicy::AutoAdditive;
  const auto runningSyncMeets = [&](const std::string& change, int id, const std::string& want) {
    run::SyncRun live(req);
    std::optional<core::Result<run::SyncSummary>> result;
    std::jthread runner([&](std::stop_token stop) { result.emplace(live.run(stop)); });
    for (int i = 0; i < 200 && live.progress().phase != "streaming"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    src(change);
    const std::string row = t + "parent WHERE id = " + std::to_string(id);
    std::string got;
    for (int i = 0; i < 300 && got != want && !result; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      got = onTarget("SELECT count(*) FROM " + row) == "1" ? onTarget("SELECT mid FROM " + row) : "";
    }
    runner.request_stop();
    runner.join();
    ASSERT_TRUE(result && result->ok()) << (result ? result->error().oneLine() : "no result");
    EXPECT_EQ(got, want) << change;
    EXPECT_EQ(differencesOf(target), "");
  };
  // A new column.
  runningSyncMeets("ALTER TABLE parent ADD COLUMN mid int; INSERT INTO parent (id, name, mid) VALUES (8100, 'mid', 42)",
                   8100, "42");
  if (::testing::Test::HasFatalFailure()) return;
  // A column widened (int → bigint) with a value only the new type holds.
  runningSyncMeets("ALTER TABLE parent ALTER COLUMN mid TYPE bigint; "
                   "INSERT INTO parent (id, name, mid) VALUES (8101, 'big', 5000000000)",
                   8101, "5000000000");
}

TEST_F(Sync, SchemaChangesStopOrApplyPostgres) {
  test::recreatePgDatabase(kPgTarget);
  schemaChanges(test::pgSpec(kPgTarget), "ddl-pg");
}

TEST_F(Sync, SchemaChangesStopOrApplyMariaDb) {
  test::recreateMySqlDatabase(kMyTarget);
  schemaChanges(test::mysqlSpec(kMyTarget), "ddl-my");
}

}  // namespace
}  // namespace ferry
