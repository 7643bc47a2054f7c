// The cutover (issue #13) against the sandbox's servers and PgBouncer: the
// application writes as its own role (ferry_app) through PgBouncer or to the
// server, never as Ferry's. Every acknowledged write must be on the side that
// is primary afterwards; an aborted cutover leaves the source primary and its
// clients writing; a cutover killed at any step is finished or undone by
// --recover so that exactly one side is primary.

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "cutover_test_support.h"
#include "state/run_state_store.h"

namespace ferry {
namespace {

using cuttest::AppWriter;

constexpr const char* kSource = "ferry_t_cut_src";
constexpr const char* kTarget = "ferry_t_cut_dst";
constexpr const char* kAlias = "ferry_t_cut_app";

class PgCutover : public ::testing::Test {
public:
  void SetUp() override {
    prepare();
  }
  void TearDown() override {
    (void)cuttest::adminQuery(std::string("RESUME ") + kAlias);
    std::ofstream(cuttest::includeFile(), std::ios::trunc) << "";
    (void)cuttest::adminQuery("RELOAD");
  }

  /// A fresh run: source with items and the application's grants on both sides,
  /// copied keeping the slot, verified; PgBouncer's alias on the source.
  void prepare() {
    m_state = test::freshStatePath("ferry-cutover-test");
    test::recreatePgDatabase(kSource);
    test::recreatePgDatabase(kTarget);
    const std::string app = cuttest::appUser();
    test::psql(kSource, "CREATE TABLE items (id bigserial PRIMARY KEY, v int NOT NULL, note text); "
                        "INSERT INTO items (v) SELECT g FROM generate_series(1, 5000) g; "
                        "GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + app + "; GRANT USAGE ON SEQUENCE items_id_seq TO " + app);
    cuttest::copyAndVerify(test::pgSpec(kSource), test::pgSpec(kTarget), m_state);
    test::psql(kTarget, "GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + app + "; GRANT USAGE ON SEQUENCE items_id_seq TO " + app);
    cuttest::pointAlias(kAlias, kSource);
  }

  connect::ConnectionSpec app() const { return cuttest::bouncer(kAlias, cuttest::appUser(), cuttest::appPassword()); }
  /// The application's role straight to the source, around PgBouncer.
  connect::ConnectionSpec appAroundPgBouncer() const {
    auto direct = test::pgSpec(kSource);
    direct.user = cuttest::appUser();
    direct.password = cuttest::appPassword();
    return direct;
  }

  run::CutoverRequest request() const {
    run::CutoverRequest req;
    req.source = test::pgSpec(kSource);
    req.target = test::pgSpec(kTarget);
    auto& o = req.options;
    o.statePath = m_state;
    o.fence.kind = cutover::FenceKind::PgBouncer;
    o.fence.pgbouncerAdmin = cuttest::bouncerAdmin();
    o.fence.pgbouncerDb = kAlias;
    o.fence.pgbouncerInclude = cuttest::includeFile();
    o.noReverse = true;
    o.stableSeconds = 1;
    o.gateWaitSeconds = 30;
    // Budgets roomy enough for a loaded CI machine: these tests are about
    // what is on which side, not how long the pause took (bench/cutover).
    o.maxPauseMs = 10000;
    o.changedCheckMs = 5000;
    o.canary = app();
    return req;
  }

  /// A write through PgBouncer finishes (the database is not left paused).
  void expectWritable() const {
    AppWriter probe(app());
    probe.waitForMore(3);
    probe.stop();
    EXPECT_GE(probe.acked().size(), 3u) << "PgBouncer did not let the application write: " << probe.lastError();
  }

  std::string m_state;
};

TEST_F(PgCutover, ThroughPgBouncerEveryAcknowledgedWriteIsOnTheTarget) {
  AppWriter writer(app());
  writer.waitForMore(50);
  run::CutoverRun cutover(request());
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  writer.waitForMore(100);  // the application goes on, on the target now
  writer.stop();

  // Clients waited at the fence; none failed.
  EXPECT_EQ(writer.errors(), 0) << writer.lastError();
  const auto onTarget = cuttest::idsOn(test::pgSpec(kTarget), "public.items");
  EXPECT_EQ(cuttest::missing(writer.acked(), onTarget), "");
  ASSERT_TRUE(report->canary.has_value());
  EXPECT_GT(report->canary->acknowledged, 10);
  EXPECT_EQ(report->canary->lost, 0);
  EXPECT_EQ(report->canary->failed, 0);
  // Inside the pause the rows the stream changed were compared: the application's inserts.
  ASSERT_TRUE(report->changedRows.has_value());
  EXPECT_GE(report->changedRows->checked, 50) << report->changedRows->note;
  EXPECT_EQ(report->changedRows->differenceCount, 0);
  // PgBouncer points the application at the target; the source's slot is gone.
  EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + kTarget), std::string::npos) << cuttest::includeText();
  EXPECT_EQ(core::trim(test::psql(kSource, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")), "0");
  // The drain reached the fence position, and the steps inside the pause are timed.
  EXPECT_EQ(report->drainedTo, report->fencePosition);
  std::set<std::string> names;
  for (const auto& s : report->steps) names.insert(s.name);
  for (const char* step : {"gates", "sequences-ahead", "check-prepare", "fence", "fence-position", "drain", "check-changed",
                           "sequences", "switch", "after-switch"}) {
    EXPECT_TRUE(names.contains(step)) << step;
  }
  // The target's sequence is past everything the source gave out.
  const auto srcMax = std::stoll(core::trim(test::psql(kSource, "SELECT max(id) FROM items")));
  ASSERT_FALSE(report->sequences.empty());
  EXPECT_GT(report->sequences.front().next, srcMax);
  // A run is cut over once.
  run::CutoverRun again(request());
  auto second = again.run({});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message().find("already cut over"), std::string::npos) << second.error().oneLine();
}

TEST_F(PgCutover, AnOldTransactionAbortsItAndTheSourceStaysPrimary) {
  // A transaction through PgBouncer that wrote and does not end.
  connect::PgOpenOptions plain;
  plain.noSessionSettings = true;
  auto held = connect::PgConnection::open(app(), plain);
  ASSERT_TRUE(held.ok()) << held.error().oneLine();
  ASSERT_TRUE((*held)->exec("BEGIN; INSERT INTO public.items (v) VALUES (1)").ok());
  auto req = request();
  req.options.maxTxnAgeSeconds = 1;
  req.options.gateWaitSeconds = 4;
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  EXPECT_EQ(report->result, "aborted");
  EXPECT_EQ(report->abortedBy, "txn-age") << report->message;
  EXPECT_NE(report->message.find("writing for"), std::string::npos) << report->message;
  ASSERT_TRUE((*held)->exec("COMMIT").ok());
  EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + kSource), std::string::npos);
  expectWritable();
  // Aborted is not in progress: the next cutover goes through.
  run::CutoverRun next(request());
  auto done = next.run({});
  ASSERT_TRUE(done.ok()) << done.error().oneLine();
  EXPECT_EQ(done->result, "switched") << done->message;
}

TEST_F(PgCutover, ASessionAroundPgBouncerAbortsItBeforeThePause) {
  // The application also writes straight to the source: PAUSE could not stop it.
  auto around = connect::PgConnection::open(appAroundPgBouncer());
  ASSERT_TRUE(around.ok()) << around.error().oneLine();
  auto me = (*around)->query("SELECT pg_backend_pid()::text AS p");
  ASSERT_TRUE(me.ok()) << me.error().oneLine();
  const std::string pid = me->row(0).str("p");
  AppWriter writer(app());  // and through PgBouncer, opening server connections meanwhile
  writer.waitForMore(20);
  run::CutoverRun cutover(request());
  auto report = cutover.run({});
  writer.stop();
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  EXPECT_EQ(report->result, "aborted");
  EXPECT_EQ(report->abortedBy, "fence") << report->message;
  EXPECT_NE(report->message.find("1 session(s) reach the source around PgBouncer"), std::string::npos) << report->message;
  EXPECT_NE(report->message.find("(pid " + pid + ")"), std::string::npos) << report->message;
  EXPECT_EQ(writer.errors(), 0) << writer.lastError();
  EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + kSource), std::string::npos);
  EXPECT_EQ(cuttest::pausedFlag(kAlias), "0");
}

TEST_F(PgCutover, TheCommandFenceEndsTheWriteTransactionsStillOpen) {
  // A transaction that wrote before the fence command (which stops nothing
  // here) and commits afterwards would land after the fence position: lost on
  // the target. Ferry ends it inside the fence, so it is never acknowledged.
  auto held = connect::PgConnection::open(appAroundPgBouncer());
  ASSERT_TRUE(held.ok()) << held.error().oneLine();
  ASSERT_TRUE((*held)->exec("BEGIN; INSERT INTO public.items (v) VALUES (-42)").ok());
  auto req = request();
  req.options.fence.kind = cutover::FenceKind::Command;
  req.options.fence.fenceCommand = "true";
  req.options.fence.unfenceCommand = "true";
  req.options.canary.reset();  // the application is not repointed here: a canary would write on the old side
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  EXPECT_FALSE((*held)->exec("COMMIT").ok()) << "the open write transaction survived the fence";
  EXPECT_EQ(core::trim(test::psql(kSource, "SELECT count(*) FROM items WHERE v = -42")), "0");
  EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT count(*) FROM items WHERE v = -42")), "0");
}

TEST_F(PgCutover, ASpentBudgetAbortsAndResumesTheWaitingClients) {
  AppWriter writer(app());
  writer.waitForMore(50);
  auto req = request();
  req.options.maxPauseMs = 1;
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  EXPECT_EQ(report->result, "aborted");
  EXPECT_TRUE(report->abortedBy == "budget" || report->abortedBy == "fence") << report->abortedBy << ": " << report->message;
  writer.waitForMore(50);  // still writing, on the source
  writer.stop();
  EXPECT_EQ(writer.errors(), 0) << writer.lastError();
  EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + kSource), std::string::npos);
  EXPECT_EQ(cuttest::missing(writer.acked(), cuttest::idsOn(test::pgSpec(kSource), "public.items")), "");
  ASSERT_TRUE(report->canary.has_value());
  EXPECT_EQ(report->canary->lost, 0);
  EXPECT_EQ(cuttest::pausedFlag(kAlias), "0");
  expectWritable();
}

TEST_F(PgCutover, AChangedRowThatDiffersAfterTheDrainAbortsIt) {
  // The target changes a row behind the stream's back as it applies it (a
  // trigger that fires even for replication sessions): the drain reaches the
  // fence, and only the check of the changed rows can see it.
  test::psql(kTarget, "CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
                      "IF NEW.v = -1 THEN NEW.note := 'tampered'; END IF; RETURN NEW; END$$; "
                      "CREATE TRIGGER tamper BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION tamper(); "
                      "ALTER TABLE items ENABLE ALWAYS TRIGGER tamper");
  test::psql(kSource, "UPDATE items SET v = -1 WHERE id = 7; UPDATE items SET v = v + 1 WHERE id BETWEEN 100 AND 199");
  run::CutoverRun cutover(request());
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  EXPECT_EQ(report->result, "aborted");
  EXPECT_EQ(report->abortedBy, "check-changed") << report->message;
  EXPECT_NE(report->message.find("id=7"), std::string::npos) << report->message;
  ASSERT_TRUE(report->changedRows.has_value());
  EXPECT_EQ(report->changedRows->differenceCount, 1);
  EXPECT_GE(report->changedRows->checked, 101);
  EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT note FROM items WHERE id = 7")), "tampered");
  // Aborted inside the fence: the source is primary and writable again.
  EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + kSource), std::string::npos);
  EXPECT_EQ(cuttest::pausedFlag(kAlias), "0");
  expectWritable();
}

TEST_F(PgCutover, WithASyncElsewhereTheCheckCoversEveryKeySinceTheLiveVerification) {
  // A sync of its own (as ferry sync would run it), reached through the run state.
  run::SyncRequest sreq;
  sreq.source = test::pgSpec(kSource);
  sreq.target = test::pgSpec(kTarget);
  sreq.options.statePath = m_state;
  sreq.options.heartbeatMs = 100;
  run::SyncRun sync(sreq);
  std::jthread syncThread([&](std::stop_token stop) { (void)sync.run(stop); });
  test::psql(kSource, "UPDATE items SET v = v + 1 WHERE id <= 40");  // before the verification: not listed
  // The verification holds the sync only once it streams (and has applied that).
  const std::string sum40 = "SELECT sum(v) FROM items WHERE id <= 40";
  for (int i = 0; i < 300 && (sync.progress().phase != "streaming" ||
                              test::psql(kTarget, sum40) != test::psql(kSource, sum40)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(sync.progress().phase, "streaming");
  // Verified live: the sync is held at the verification's position, which it marks.
  run::VerifyRequest vreq;
  vreq.source = test::pgSpec(kSource);
  vreq.target = test::pgSpec(kTarget);
  vreq.options.jobs = 2;
  vreq.options.live.syncStatePath = m_state;
  run::VerifyRun verify(vreq);
  auto verified = verify.run({});
  ASSERT_TRUE(verified.ok()) << verified.error().oneLine();
  ASSERT_TRUE(verified->identical());
  ASSERT_FALSE(verified->asOfPosition.empty());
  test::psql(kSource, "UPDATE items SET v = v + 1 WHERE id BETWEEN 1001 AND 1030; DELETE FROM items WHERE id = 2000");
  auto req = request();
  req.options.canary.reset();  // its rows would be changed keys too
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  ASSERT_TRUE(report->changedRows.has_value());
  const auto& c = *report->changedRows;
  EXPECT_TRUE(c.complete) << c.note;
  EXPECT_EQ(c.since, verified->asOfPosition);
  // The 31 keys changed after it, none of the 40 before.
  EXPECT_EQ(c.checked, 31) << c.note;
  EXPECT_EQ(c.changed, 31);
  EXPECT_EQ(c.differenceCount, 0);
  syncThread.request_stop();
}

TEST_F(PgCutover, NoVerificationStopsItUnlessForced) {
  {
    auto store = state::RunStateStore::open(m_state, state::OpenMode::Resume);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->saveSetting("verify_last", "").ok());
  }
  run::CutoverRun refused(request());
  auto report = refused.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  EXPECT_EQ(report->result, "aborted");
  EXPECT_EQ(report->abortedBy, "verify");
  EXPECT_NE(report->message.find("never verified"), std::string::npos) << report->message;
  auto req = request();
  req.options.force = {"verify"};
  run::CutoverRun forced(req);
  auto done = forced.run({});
  ASSERT_TRUE(done.ok()) << done.error().oneLine();
  EXPECT_EQ(done->result, "switched") << done->message;
  bool sawForced = false;
  for (const auto& g : done->gates) sawForced = sawForced || (g.name == "verify" && g.forced);
  EXPECT_TRUE(sawForced);
}

TEST_F(PgCutover, KilledAtEveryStepRecoverLeavesExactlyOnePrimary) {
  const std::vector<std::string> steps = {"gates", "sequences-ahead", "fence", "fence-position", "drain",
                                          "check-changed", "sequences", "switch", "switch-made", "after-switch"};
  const auto src = test::pgSpec(kSource);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string& step = steps[i];
    SCOPED_TRACE("killed at " + step);
    if (i > 0) prepare();
    const std::string common =
        std::string("PGPASSWORD=") + *src.password + " " + FERRY_BINARY + " cutover --state " + m_state +
        " --fence pgbouncer --pgbouncer '" + cuttest::envOr("FERRY_TEST_PGBOUNCER_ADMIN_URL") + "' --pgbouncer-db " +
        kAlias + " --pgbouncer-include '" + cuttest::includeFile() + "' --no-reverse --stable-s 1 --max-pause-ms 10000";
    std::string out;
    const int killed = test::runCommand("FERRY_CUTOVER_FAIL_AT=" + step + " " + common, &out);
    ASSERT_NE(killed, 0) << out;
    ASSERT_NE(out.find("killed at step " + step), std::string::npos) << out;
    ASSERT_EQ(test::runCommand(common + " --recover --json", &out), 0) << out;
    const auto j = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out;
    const bool switched = step == "switch-made" || step == "after-switch";
    EXPECT_EQ(j.value("result", ""), switched ? "switched" : "aborted") << out;
    EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + (switched ? kTarget : kSource)), std::string::npos)
        << cuttest::includeText();
    // Whichever side is primary, the application can write to it through PgBouncer.
    EXPECT_EQ(cuttest::pausedFlag(kAlias), "0");
    expectWritable();
    if (switched) {
      EXPECT_EQ(core::trim(test::psql(kSource, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")), "0");
    }
  }
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

TEST_F(PgCutover, RehearsalCutsOverAndBackAndKeepsItsHistory) {
  AppWriter writer(app());
  writer.waitForMore(50);
  auto req = request();
  req.options.noReverse = false;
  auto r = run::rehearseCutover(req, {});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  ASSERT_EQ(r->result, "rehearsed") << r->cutover.message << (r->rollback ? " / " + r->rollback->message : "");
  writer.waitForMore(50);
  writer.stop();
  EXPECT_EQ(writer.errors(), 0) << writer.lastError();
  // Back on the source, which holds every acknowledged write — those the
  // application made on the target during the rehearsal too.
  EXPECT_NE(cuttest::includeText().find(std::string("dbname=") + kSource), std::string::npos) << cuttest::includeText();
  EXPECT_EQ(cuttest::missing(writer.acked(), cuttest::idsOn(test::pgSpec(kSource), "public.items")), "");
  ASSERT_TRUE(r->cutover.canary && r->rollback && r->rollback->canary);
  EXPECT_EQ(r->cutover.canary->lost, 0);
  EXPECT_EQ(r->rollback->canary->lost, 0);
  auto history = run::rehearsalHistory(m_state);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].value("result", ""), "rehearsed");
  // The forward stream starts again from the slot re-armed before the switch back:
  // the target catches up with everything the application wrote since, and
  // nothing Ferry wrote back comes round again.
  auto synced = cuttest::syncUntilCaughtUp(test::pgSpec(kSource), test::pgSpec(kTarget), m_state);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  EXPECT_EQ(cuttest::idsOn(test::pgSpec(kSource), "public.items"), cuttest::idsOn(test::pgSpec(kTarget), "public.items"));
}

TEST_F(PgCutover, FinishDropsTheWayBack) {
  auto req = request();
  req.options.noReverse = false;
  run::CutoverRun cutover(req);
  auto report = cutover.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_EQ(report->result, "switched") << report->message;
  EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'ferry_rev_%' AND database = current_database()")), "1");
  auto done = run::finishMigration(req);
  ASSERT_TRUE(done.ok()) << done.error().oneLine();
  EXPECT_EQ(done->value("result", ""), "finished");
  EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")), "0");
  EXPECT_FALSE(std::filesystem::exists(report->reverseState));
  // Finished: no rollback any more.
  auto back = run::rollbackCutover(req, {});
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message().find("not cut over"), std::string::npos) << back.error().oneLine();
}

}  // namespace
}  // namespace ferry
