// The change stream (issue "Change capture, part 1") against the sandbox
// servers: a PostgreSQL source copied with its slot kept, then written to —
// inserts, updates (a key change, a 1 MB value an update leaves unchanged),
// deletes with an ON DELETE CASCADE, a key change with ON UPDATE CASCADE, a trigger, a keyless table with REPLICA
// IDENTITY FULL, a multi-table transaction — and `sync --until caught-up` makes
// the target identical, on both target engines; a second sync applies nothing
// twice; a row the target lost stops the stream and names it.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>
#include <thread>

#include "cdc/apply_target.h"
#include "cdc/pgoutput.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/copy_run.h"
#include "run/sync_run.h"
#include "run/verify_run.h"
#include "state/run_state_store.h"
#include "support/test_support.h"
#include "sync_fixture.h"
#include "sync_test_support.h"

namespace ferry {
namespace {

using namespace synctest;

TEST(PgOutput, DecodesRelationInsertAndUnchangedToast) {
  cdc::PgOutputDecoder d;
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  std::string rel = "R" + be32(42) + std::string("public\0t\0", 9) + "d" + std::string("\0\2", 2) + "\1" +
                    std::string("id\0", 3) + be32(23) + be32(0xFFFFFFFF) + "\0" + std::string("v\0", 2) + be32(25) +
                    be32(0xFFFFFFFF);
  auto r = d.decode(rel);
  ASSERT_TRUE(r.ok() && *r) << (r ? "" : r.error().oneLine());
  EXPECT_EQ((*r)->relation->label(), "public.t");
  EXPECT_TRUE((*r)->relation->columns[0].key);
  EXPECT_FALSE((*r)->relation->columns[1].key);
  std::string upd = "U" + be32(42) + "N" + std::string("\0\2", 2) + "t" + be32(1) + "7" + "u";
  auto u = d.decode(upd);
  ASSERT_TRUE(u.ok() && *u) << (u ? "" : u.error().oneLine());
  EXPECT_EQ((*u)->kind, cdc::ChangeEvent::Kind::Update);
  EXPECT_EQ((*u)->newTuple[0].text, "7");
  EXPECT_EQ((*u)->newTuple[1].kind, cdc::Field::Kind::Unchanged);
  EXPECT_FALSE(d.decode("U" + be32(43) + "N" + std::string("\0\0", 2)).ok()) << "an undescribed relation";
  EXPECT_FALSE(d.decode("I" + be32(42) + "N" + std::string("\0\2", 2) + "t" + be32(9) + "7").ok()) << "truncated";
}

TEST(PgOutput, DecodesALargeByteaToItsBytesButNotAKeyOrASmallOne) {
  cdc::PgOutputDecoder d;
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  // (k bytea key, b bytea, c bytea)
  std::string rel = "R" + be32(7) + std::string("public\0t\0", 9) + "d" + std::string("\0\3", 2);
  for (const char* col : {"k", "b", "c"}) {
    rel += std::string(col == std::string("k") ? "\1" : "\0", 1) + col + std::string("\0", 1) + be32(17) + be32(0xFFFFFFFF);
  }
  ASSERT_TRUE(d.decode(rel).ok());
  std::string bytes;
  for (std::size_t i = 0; i < cdc::kBytesInline + 3; ++i) bytes += static_cast<char>(i * 7 % 251);
  const std::string hex = "\\x" + core::hex(bytes);
  const auto field = [&](const std::string& v) { return "t" + be32(static_cast<std::uint32_t>(v.size())) + v; };
  auto ins = d.decode("I" + be32(7) + "N" + std::string("\0\3", 2) + field(hex) + field(hex) + field("\\x00ff"));
  ASSERT_TRUE(ins.ok() && *ins) << (ins ? "" : ins.error().oneLine());
  const auto& t = (*ins)->newTuple;
  EXPECT_EQ(t[0].kind, cdc::Field::Kind::Text) << "a key column keeps its text (where clauses, changed keys)";
  EXPECT_EQ(t[0].text, hex);
  EXPECT_EQ(t[1].kind, cdc::Field::Kind::Bytes);
  EXPECT_TRUE(t[1].text == bytes) << "the bytes, " << t[1].text.size() << " of " << bytes.size();
  EXPECT_EQ(t[2].kind, cdc::Field::Kind::Text);
  EXPECT_EQ(t[2].text, "\\x00ff");
  // Not hex after all: kept as text.
  auto odd = d.decode("I" + be32(7) + "N" + std::string("\0\3", 2) + field("1") + field("\\x" + std::string(2 * cdc::kBytesInline, 'g')) + field("\\x"));
  ASSERT_TRUE(odd.ok() && *odd);
  EXPECT_EQ((*odd)->newTuple[1].kind, cdc::Field::Kind::Text);
  EXPECT_EQ((*odd)->newTuple[1].text.size(), 2 + 2 * cdc::kBytesInline);
}

void streamAndCheck(const connect::ConnectionSpec& target, const std::string& name) {
  const std::string state = statePath(name);
  auto copied = copyKeepingSlot(target, state);
  ASSERT_TRUE(copied.ok()) << copied.error().oneLine();
  Sync::writeAfterSnapshot();
  auto synced = syncUntilCaughtUp(target, state);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  const auto& p = synced->final;
  EXPECT_EQ(p.phase, "caught-up");
  EXPECT_EQ(p.skippedTransactions, 0);
  // 500 + 1 + 1 + 1 + 1 (the key change moves 2 children too) + 21 deleted parents
  // with their 42 cascaded children + 3 + 1 + 1 + 300, and the trigger's audit rows.
  EXPECT_GE(p.inserts, 500 + 1 + 1) << p.transactionsApplied << " tx, " << p.rowsApplied << " rows";
  EXPECT_GE(p.deletes, 21 + 42 + 1);
  EXPECT_GE(p.updates, 279 + 2);  // ids 1-300 but the 21 deleted, and id 7 twice
  EXPECT_FALSE(p.firstStreamed.empty());
  EXPECT_EQ(differencesOf(target), "");

  // ferry status: the seam counts as saved, and the drift of the audit table's
  // sequence (the stream writes its ids; the target's own sequence — PostgreSQL —
  // or AUTO_INCREMENT — MariaDB, which follows explicit ids — is what it is).
  const auto source = test::pgSpec(kSource);
  auto status = run::runStatus(state, &source, &target);
  ASSERT_TRUE(status.ok()) << status.error().oneLine();
  EXPECT_EQ((*status)["sync"]["applied"].value("transactions", std::int64_t{-1}), p.transactionsApplied);
  EXPECT_EQ((*status)["sync"]["positions"].value("first_streamed", ""), p.firstStreamed);
  bool sawAudit = false;
  for (const auto& e : (*status)["sequences"]) {
    if (e.value("sequence", "") != "public.audit_id_seq") continue;
    sawAudit = true;
    EXPECT_EQ(e.value("source", ""), src("SELECT last_value FROM audit_id_seq")) << e.dump();
    ASSERT_TRUE(e.contains("drift")) << e.dump();
    EXPECT_EQ(e["drift"].get<std::int64_t>(),
              std::stoll(e.value("source", "0")) - std::stoll(e.value("target", "0"))) << e.dump();
    if (target.engine != model::Engine::PostgreSQL) {
      EXPECT_EQ(e["drift"].get<std::int64_t>(), 0) << e.dump();
    }
  }
  EXPECT_TRUE(sawAudit) << status->dump();

  // Exactly once: a second sync finds everything applied; new writes arrive once.
  src("UPDATE child SET note = 'second' WHERE id <= 10; INSERT INTO parent (id, name) VALUES (6000, 'late')");
  auto again = syncUntilCaughtUp(target, state);
  ASSERT_TRUE(again.ok()) << again.error().oneLine();
  // This run's own counts: the insert and its trigger's audit row, the 10 updates.
  EXPECT_EQ(again->final.inserts, 2) << again->final.transactionsReceived << " received, "
                                     << again->final.skippedTransactions << " skipped, applied up to "
                                     << again->final.appliedPosition << " from " << p.appliedPosition;
  EXPECT_EQ(again->final.updates, 10);
  EXPECT_EQ(again->final.deletes, 0);
  EXPECT_GT(again->final.transactionsApplied, p.transactionsApplied) << "the stored count carries over";
  EXPECT_EQ(differencesOf(target), "");

  const bool pg = target.engine == model::Engine::PostgreSQL;
  // The same statement on the target of either engine (PostgreSQL: schema public).
  const auto onTarget = [&](const std::string& pgSql, const std::string& mySql) {
    return core::trim(pg ? test::psql(kPgTarget, pgSql) : test::mariadb(kMyTarget, mySql));
  };
  // A sync that stops on a divergence whose message names `what`.
  const auto expectStopsOn = [&](const std::string& what) {
    run::SyncRun::StopReason reason{};
    auto stopped = syncUntilCaughtUp(target, state, run::OnConflict::Stop, &reason);
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(reason, run::SyncRun::StopReason::Divergence);
    EXPECT_NE(stopped.error().message().find(what), std::string::npos) << stopped.error().oneLine();
  };

  // A row the target lost: the stream stops, names it, and applies nothing of its group.
  onTarget("DELETE FROM public.child WHERE id = 20", "DELETE FROM child WHERE id = 20");
  src("UPDATE child SET note = 'diverges' WHERE id IN (19, 20)");
  expectStopsOn("public.child key id=20: UPDATE found no row");
  if (::testing::Test::HasFatalFailure()) return;
  const auto note19 = [&] {
    return onTarget("SELECT note FROM public.child WHERE id = 19", "SELECT note FROM child WHERE id = 19");
  };
  EXPECT_EQ(note19(), "c19") << "the diverging transaction was not applied in part";
  // --on-conflict log records it and goes on.
  auto logged = syncUntilCaughtUp(target, state, run::OnConflict::Log);
  ASSERT_TRUE(logged.ok()) << logged.error().oneLine();
  ASSERT_EQ(logged->divergences.size(), 1u);
  EXPECT_EQ(note19(), "diverges");

  // The same for a DELETE among others of its table (one batched statement on both targets).
  const auto children = [&] {
    return onTarget("SELECT count(*) FROM public.child WHERE id BETWEEN 26 AND 34",
                    "SELECT count(*) FROM child WHERE id BETWEEN 26 AND 34");
  };
  onTarget("DELETE FROM public.child WHERE id = 30", "DELETE FROM child WHERE id = 30");
  src("DELETE FROM child WHERE id BETWEEN 26 AND 34");
  expectStopsOn("public.child key id=30: DELETE found no row");
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(children(), "8") << "the diverging transaction was not applied in part";
  auto deleteLogged = syncUntilCaughtUp(target, state, run::OnConflict::Log);
  ASSERT_TRUE(deleteLogged.ok()) << deleteLogged.error().oneLine();
  ASSERT_EQ(deleteLogged->divergences.size(), 1u);
  EXPECT_NE(deleteLogged->divergences[0].find("public.child key id=30"), std::string::npos)
      << deleteLogged->divergences[0];
  EXPECT_EQ(deleteLogged->final.deletes, 8);
  EXPECT_EQ(children(), "0");

  // An INSERT meeting a row the target already has (inside a multi-row batch on
  // PostgreSQL, row by row on MariaDB): the key is named.
  onTarget("INSERT INTO public.parent (id, name) VALUES (7777, 'target only')",
           "INSERT INTO parent (id, name) VALUES (7777, 'target only')");
  src("INSERT INTO parent (id, name) SELECT g, 'x' FROM generate_series(7700, 7800) g");
  expectStopsOn("public.parent key id=7777: INSERT met an existing row");
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(onTarget("SELECT count(*) FROM public.parent WHERE id BETWEEN 7700 AND 7800",
                     "SELECT count(*) FROM parent WHERE id BETWEEN 7700 AND 7800"),
            "1")
      << "nothing of the diverging group applied";
  auto goneOn = syncUntilCaughtUp(target, state, run::OnConflict::Log);
  ASSERT_TRUE(goneOn.ok()) << goneOn.error().oneLine();
  EXPECT_EQ(goneOn->final.inserts, 100 + 101) << "the other 100 rows and the trigger's 101 audit rows";
  EXPECT_EQ(goneOn->final.rowsByTable["public.parent"], 100) << "the logged row is not counted for its table either";

  // The same in a run long enough to be loaded in bulk (COPY on PostgreSQL): the
  // load fails as a whole, the group is applied again row by row, and the row is named.
  onTarget("INSERT INTO public.child (id, parent_id, note) VALUES (21500, 1, 'target only')",
           "INSERT INTO child (id, parent_id, note) VALUES (21500, 1, 'target only')");
  src("INSERT INTO child (id, parent_id, note) SELECT g, 1, 'bulk' FROM generate_series(20000, 22999) g");
  expectStopsOn("public.child key id=21500: INSERT met an existing row");
  if (::testing::Test::HasFatalFailure()) return;
  const auto bulkRows = [&] {
    return onTarget("SELECT count(*) || ' ' || count(*) FILTER (WHERE note = 'bulk') FROM public.child WHERE id "
                    "BETWEEN 20000 AND 22999",
                    "SELECT concat(count(*), ' ', sum(note = 'bulk')) FROM child WHERE id BETWEEN 20000 AND 22999");
  };
  EXPECT_EQ(bulkRows(), "1 0") << "nothing of the diverging group applied";
  auto bulkLogged = syncUntilCaughtUp(target, state, run::OnConflict::Log);
  ASSERT_TRUE(bulkLogged.ok()) << bulkLogged.error().oneLine();
  ASSERT_EQ(bulkLogged->divergences.size(), 1u);
  EXPECT_NE(bulkLogged->divergences[0].find("public.child key id=21500"), std::string::npos) << bulkLogged->divergences[0];
  EXPECT_EQ(bulkLogged->final.inserts, 2999);
  EXPECT_EQ(bulkRows(), "3000 2999") << "the other rows arrived, the target's own row kept";
}

/// A writer on the source from before the copy until the end; SIGKILL of
/// `ferry sync` at `kills` random moments while it runs; then a sync to the end: identical, and the writer's counter — one
/// increment per acknowledged transaction — equal on both sides (nothing applied
/// twice, nothing lost).
void killedSyncsLoseNothing(const connect::ConnectionSpec& target, const std::string& targetUrl, const std::string& name,
                            int kills) {
  const std::string state = statePath(name);
  src("CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)");
  // One transaction: the counter, a new row, a changed row and a deleted one.
  test::CounterWriter writer(kSource, [](std::int64_t i) {
    return "BEGIN; UPDATE public.counter SET n = n + 1 WHERE id = 1; INSERT INTO public.child VALUES (" +
           std::to_string(100000 + i) + ", " + std::to_string(1 + i % 2000) + ", 'w'); UPDATE public.parent SET "
           "score = score + 1 WHERE id = " + std::to_string(1 + i % 2000) + "; DELETE FROM public.child WHERE id = " +
           std::to_string(1 + i % 4000) + "; COMMIT";
  });
  // The writer runs from before the copy: the snapshot/stream seam is crossed under load.
  writer.waitFor(20);
  auto copied = copyKeepingSlot(target, state);
  if (!copied.ok()) {
    writer.stop();
    FAIL() << copied.error().oneLine();
  }
  const auto duringCopy = writer.acknowledged();
  const std::string cmd = std::string(FERRY_BINARY) + " sync --state " + state + " --source '" +
                          test::pgUrl(kSource) + "' --target '" + targetUrl + "'";
  const int killedWhileStreaming = test::killAtRandomMoments(cmd, kills, 20261204);
  writer.stop();
  EXPECT_GE(killedWhileStreaming, kills / 2) << "most kills must land while the sync runs";
  auto synced = syncUntilCaughtUp(target, state);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  std::printf("[ info ] %d of %d kills while streaming, %lld writer transactions acknowledged; final sync applied %lld "
              "transactions, skipped %lld already applied\n",
              killedWhileStreaming, kills, static_cast<long long>(writer.acknowledged()),
              static_cast<long long>(synced->final.transactionsApplied),
              static_cast<long long>(synced->final.skippedTransactions));
  EXPECT_GT(writer.acknowledged(), 100);
  EXPECT_GT(duringCopy, 20) << "the writer ran while the copy read its snapshot";
  EXPECT_EQ(src("SELECT n FROM counter"), std::to_string(writer.acknowledged()));
  const std::string onTarget =
      test::counterOn(target, target.engine == model::Engine::PostgreSQL ? kPgTarget : kMyTarget);
  EXPECT_EQ(onTarget, std::to_string(writer.acknowledged())) << "each acknowledged increment applied exactly once";
  EXPECT_EQ(differencesOf(target), "");
}

TEST_F(Sync, KilledSyncsUnderAWriterLoseNothingAndApplyNothingTwicePostgres) {
  test::recreatePgDatabase(kPgTarget);
  killedSyncsLoseNothing(test::pgSpec(kPgTarget), test::pgUrl(kPgTarget), "kill-pg", 20);
}

TEST_F(Sync, KilledSyncsUnderAWriterLoseNothingAndApplyNothingTwiceMariaDb) {
  test::recreateMySqlDatabase(kMyTarget);
  killedSyncsLoseNothing(test::mysqlSpec(kMyTarget), test::mysqlUrl(kMyTarget), "kill-my", 20);
}

/// The target's durable position is asked for while a group's statements are in
/// flight (the sync confirms every 500 ms): the answer must not swallow their
/// results, or the next flush pairs results with the wrong changes — under
/// pgbench a correct UPDATE was reported as "found no row".
TEST_F(Sync, AskingTheTargetsDurablePositionMidGroupKeepsResultsPaired) {
  test::recreatePgDatabase(kPgTarget);
  test::psql(kPgTarget, "CREATE TABLE acc (id int PRIMARY KEY, v int NOT NULL); INSERT INTO acc SELECT g, 0 FROM generate_series(1, 10) g");
  auto target = cdc::openApplyTarget(test::pgSpec(kPgTarget), {});
  ASSERT_TRUE(target.ok()) << target.error().oneLine();
  auto& tgt = **target;
  ASSERT_TRUE(tgt.prepare(copy::MarksTable{}, "durable-test").ok());
  cdc::TargetTable acc{"public", "acc", {"id", "v"}, {false, false}, "public.acc"};
  auto update = [&](int id) {
    cdc::RowOp op;
    op.kind = cdc::RowOp::Kind::Update;
    op.table = &acc;
    op.setColumns = {1};
    op.setValues = {std::string("1")};
    op.whereColumns = {0};
    op.whereValues = {std::to_string(id)};
    op.keyText = "id=" + std::to_string(id);
    return op;
  };
  ASSERT_TRUE(tgt.begin().ok());
  for (int id = 1; id <= 3; ++id) ASSERT_TRUE(tgt.apply(update(id)).ok());
  auto durable = tgt.durable();
  ASSERT_TRUE(durable.ok()) << durable.error().oneLine();
  // Two more updates, then a statement of a new shape (its preparation answers
  // with no row count): results that slid onto the changes sent before would say
  // one of those found no row.
  for (int id = 4; id <= 5; ++id) ASSERT_TRUE(tgt.apply(update(id)).ok());
  cdc::RowOp del;
  del.kind = cdc::RowOp::Kind::Delete;
  del.table = &acc;
  del.whereColumns = {0};
  del.whereValues = {std::string("6")};
  del.keyText = "id=6";
  ASSERT_TRUE(tgt.apply(del).ok());
  auto found = tgt.flush();
  ASSERT_TRUE(found.ok()) << found.error().oneLine();
  EXPECT_TRUE(found->empty()) << (found->empty() ? "" : found->front().key + ": " + found->front().what);
  auto token = tgt.commit({"0/1", 1, 6});
  ASSERT_TRUE(token.ok()) << token.error().oneLine();
  EXPECT_EQ(core::trim(test::psql(kPgTarget, "SELECT sum(v) || ' ' || count(*) FROM acc")), "5 9");
  // Between groups it answers, and the commit becomes durable.
  std::uint64_t upTo = 0;
  for (int i = 0; i < 50 && upTo < *token; ++i) {
    auto d = tgt.durable();
    ASSERT_TRUE(d.ok()) << d.error().oneLine();
    upTo = *d;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(upTo, *token);
}

/// `ferry ctl` reaches a `ferry sync` running in another process through the
/// run state: pause (changes stay on the source), max-rate, resume (they
/// arrive), stop (the sync exits 0); and says so when no sync runs.
TEST_F(Sync, CtlPausesResumesThrottlesAndStopsARunningSync) {
  test::recreatePgDatabase(kPgTarget);
  const std::string state = statePath("ctl");
  auto copied = copyKeepingSlot(test::pgSpec(kPgTarget), state);
  ASSERT_TRUE(copied.ok()) << copied.error().oneLine();
  const std::string ctl = std::string(FERRY_BINARY) + " ctl --state " + state + " ";
  std::string out;
  EXPECT_EQ(test::runCommand(ctl + "pause", &out), 1) << out;
  EXPECT_NE(out.find("no sync is running"), std::string::npos) << out;

  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = std::string(FERRY_BINARY) + " sync --state " + state + " --source '" +
                            test::pgUrl(kSource) + "' --target '" + test::pgUrl(kPgTarget) + "' --heartbeat-ms 50";
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto targetRows = [] { return core::trim(test::psql(kPgTarget, "SELECT count(*) FROM public.parent")); };
  auto waitFor = [&](const std::string& want) {
    for (int i = 0; i < 300 && targetRows() != want; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return targetRows();
  };
  // The sync is up once it applies a first change.
  src("INSERT INTO parent (id, name) VALUES (3001, 'first')");
  ASSERT_EQ(waitFor("2001"), "2001");
  ASSERT_EQ(test::runCommand(ctl + "pause", &out), 0) << out;
  EXPECT_NE(out.find("paused"), std::string::npos) << out;
  src("INSERT INTO parent (id, name) SELECT g, 'while paused' FROM generate_series(3002, 3101) g");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(targetRows(), "2001") << "nothing is applied while paused";
  ASSERT_EQ(test::runCommand(std::string(FERRY_BINARY) + " status --json --state " + state, &out), 0) << out;
  EXPECT_NE(out.find("\"paused\": true"), std::string::npos) << out;
  ASSERT_EQ(test::runCommand(ctl + "--json set max-rate=500", &out), 0) << out;
  EXPECT_NE(out.find("\"max_rate\": 500"), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(ctl + "set max-rate=fast", &out), 2) << out;
  ASSERT_EQ(test::runCommand(ctl + "resume", &out), 0) << out;
  EXPECT_EQ(waitFor("2101"), "2101") << "the paused changes arrive after resume";
  ASSERT_EQ(test::runCommand(ctl + "stop", &out), 0) << out;
  int status = 0;
  for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (waitpid(pid, &status, WNOHANG) == 0 && !WIFEXITED(status)) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL() << "ferry ctl stop did not stop the sync";
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(differencesOf(test::pgSpec(kPgTarget)), "");
}

/// --publication: the DBA's own publication is checked (every copied table, every
/// operation), used by the stream, and left in place when the run is abandoned.
TEST_F(Sync, AUserPublicationIsCheckedUsedAndKept) {
  test::recreatePgDatabase(kPgTarget);
  src("DROP PUBLICATION IF EXISTS dba_pub; CREATE PUBLICATION dba_pub FOR TABLE parent, child, audit");
  const std::string state = statePath("userpub");
  run::CopyRequest req;
  req.source = test::pgSpec(kSource);
  req.target = test::pgSpec(kPgTarget);
  req.options.statePath = state;
  req.options.keepSlot = true;
  req.options.publication = "dba_pub";
  {
    run::CopyRun lacking(req);
    auto r = lacking.run({});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind(), core::ErrorKind::Config);
    EXPECT_NE(r.error().message().find("lacks 1 of the copied tables: public.keyless"), std::string::npos)
        << r.error().oneLine();
  }
  src("ALTER PUBLICATION dba_pub ADD TABLE keyless");
  test::recreatePgDatabase(kPgTarget);
  run::CopyRequest again = req;
  again.options.statePath = statePath("userpub");
  run::CopyRun copy(again);
  auto copied = copy.run({});
  ASSERT_TRUE(copied.ok()) << copied.error().oneLine();
  EXPECT_EQ(src("SELECT count(*) FROM pg_publication WHERE pubname LIKE 'ferry\\_%'"), "0") << "Ferry made none";
  src("INSERT INTO parent (id, name) VALUES (4242, 'through dba_pub'); UPDATE keyless SET b = 'w' WHERE a = 2");
  auto synced = syncUntilCaughtUp(test::pgSpec(kPgTarget), again.options.statePath);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  EXPECT_EQ(core::trim(test::psql(kPgTarget, "SELECT name FROM public.parent WHERE id = 4242")), "through dba_pub");
  EXPECT_EQ(differencesOf(test::pgSpec(kPgTarget)), "");
  auto abandoned = run::abandonCopyRun(test::pgSpec(kSource), again.options.statePath);
  ASSERT_TRUE(abandoned.ok()) << abandoned.error().oneLine();
  EXPECT_EQ(src("SELECT count(*) FROM pg_publication WHERE pubname = 'dba_pub'"), "1") << "not Ferry's to drop";
  src("DROP PUBLICATION dba_pub");
}

/// A copy SIGKILLed part way under a writer and resumed: the tables it had
/// copied in part are copied again whole under the new snapshot, the stream
/// starts at the first snapshot's slot and applies a change to each table only
/// from the position its copy was read at — nothing lost, nothing twice.
void resumedCopyStreams(const connect::ConnectionSpec& target, const std::string& targetUrl, const std::string& name) {
  const std::string state = statePath(name);
  src("CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)");
  test::CounterWriter writer(
      kSource,
      [](std::int64_t i) {
        return "BEGIN; UPDATE public.counter SET n = n + 1 WHERE id = 1; INSERT INTO public.child VALUES (" +
               std::to_string(200000 + i) + ", " + std::to_string(1 + i % 2000) + ", 'r'); UPDATE public.parent SET "
               "score = score + 1 WHERE id = " + std::to_string(1 + (i * 13) % 2000) +
               "; DELETE FROM public.child WHERE id = " + std::to_string(1 + (i * 7) % 4000) + "; COMMIT";
      },
      1);
  auto stopWriter = [&] { writer.stop(); };
  // The first copy: slow and small chunks, killed once a few chunks are in.
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = std::string(FERRY_BINARY) + " copy --keep-slot --jobs 1 --chunk-rows 200 --max-rate 1000 "
                            "--state " + state + " --source '" + test::pgUrl(kSource) + "' --target '" + targetUrl + "'";
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int done = 0;
  for (int i = 0; i < 300 && done < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto store = state::RunStateStore::open(state, state::OpenMode::Resume);
    if (!store) continue;
    auto chunks = (*store)->listChunks();
    if (!chunks) continue;
    done = static_cast<int>(std::count_if(chunks->begin(), chunks->end(),
                                          [](const state::ChunkState& c) { return c.status == state::ChunkStatus::Done; }));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (done < 3) {
    stopWriter();
    FAIL() << "the first copy did not get 3 chunks in";
  }
  // Resumed to the end, keeping the first slot.
  run::CopyRequest req;
  req.source = test::pgSpec(kSource);
  req.target = target;
  req.options.statePath = state;
  req.options.resume = true;
  req.options.keepSlot = true;
  req.options.jobs = 2;
  req.options.limits.maxRows = 200;
  run::CopyRun resumed(req);
  auto copied = resumed.run({});
  if (!copied.ok()) {
    stopWriter();
    FAIL() << copied.error().oneLine();
  }
  {
    auto store = state::RunStateStore::open(state, state::OpenMode::Resume);
    ASSERT_TRUE(store.ok());
    auto seam = (*store)->loadSetting("stream_seam");
    ASSERT_TRUE(seam.ok() && *seam);
    EXPECT_EQ(**seam, "per-table");
    auto positions = (*store)->loadSetting("stream_table_positions");
    ASSERT_TRUE(positions.ok() && *positions);
    EXPECT_NE((*positions)->find("public."), std::string::npos) << **positions;
  }
  // The stream under the writer, then once more after it stops.
  auto during = syncUntilCaughtUp(target, state);
  stopWriter();
  ASSERT_TRUE(during.ok()) << during.error().oneLine();
  auto synced = syncUntilCaughtUp(target, state);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  std::printf("[ info ] %d chunks before the kill; %lld writer transactions; first sync applied %lld rows, skipped %lld "
              "rows a later snapshot already held\n",
              done, static_cast<long long>(writer.acknowledged()), static_cast<long long>(during->final.rowsApplied),
              static_cast<long long>(during->final.skippedRows));
  EXPECT_GT(during->final.skippedRows, 0) << "changes to tables copied under the second snapshot were skipped";
  const std::string onTarget = target.engine == model::Engine::PostgreSQL
                                   ? core::trim(test::psql(kPgTarget, "SELECT n FROM public.counter"))
                                   : core::trim(test::mariadb(kMyTarget, "SELECT n FROM counter"));
  EXPECT_EQ(onTarget, std::to_string(writer.acknowledged()));
  EXPECT_EQ(differencesOf(target), "");
}

TEST_F(Sync, AResumedCopyIsStreamedFromEachTablesOwnSnapshotPostgres) {
  test::recreatePgDatabase(kPgTarget);
  resumedCopyStreams(test::pgSpec(kPgTarget), test::pgUrl(kPgTarget), "resumed-pg");
}

TEST_F(Sync, AResumedCopyIsStreamedFromEachTablesOwnSnapshotMariaDb) {
  test::recreateMySqlDatabase(kMyTarget);
  resumedCopyStreams(test::mysqlSpec(kMyTarget), test::mysqlUrl(kMyTarget), "resumed-my");
}


/// A table without a replica identity: refused by name before any publication
/// exists (the application's UPDATE on it keeps working), or published for its
/// inserts only when the DBA says it is append-only.
TEST_F(Sync, AnAppendOnlyTableWithoutIdentityIsPublishedForItsInsertsOnly) {
  test::recreatePgDatabase(kPgTarget);
  src("CREATE TABLE applog (at timestamptz NOT NULL DEFAULT now(), msg text); INSERT INTO applog (msg) VALUES ('a'), ('b')");
  const std::string state = statePath("insonly");
  run::CopyRequest req;
  req.source = test::pgSpec(kSource);
  req.target = test::pgSpec(kPgTarget);
  req.options.statePath = state;
  req.options.keepSlot = true;
  {
    run::CopyRun refused(req);
    auto r = refused.run({});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find("public.applog"), std::string::npos) << r.error().oneLine();
    EXPECT_NE(r.error().hint().find("--publish-inserts-only"), std::string::npos) << r.error().oneLine();
    EXPECT_EQ(src("SELECT count(*) FROM pg_publication"), "0");
  }
  test::recreatePgDatabase(kPgTarget);
  req.options.statePath = statePath("insonly");
  req.options.insertsOnly = {"public.applog"};
  run::CopyRun copy(req);
  auto copied = copy.run({});
  ASSERT_TRUE(copied.ok()) << copied.error().oneLine();
  // The application's UPDATE on it still works; its inserts are streamed.
  src("INSERT INTO applog (msg) VALUES ('c'); UPDATE applog SET msg = 'A' WHERE msg = 'a'; "
      "INSERT INTO parent (id, name) VALUES (8500, 'with applog')");
  auto synced = syncUntilCaughtUp(test::pgSpec(kPgTarget), req.options.statePath);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  EXPECT_EQ(core::trim(test::psql(kPgTarget, "SELECT string_agg(msg, ',' ORDER BY msg) FROM public.applog")), "a,b,c")
      << "the insert arrived; the update is not streamed for an inserts-only table";
  EXPECT_EQ(core::trim(test::psql(kPgTarget, "SELECT name FROM public.parent WHERE id = 8500")), "with applog");
  auto abandoned = run::abandonCopyRun(test::pgSpec(kSource), req.options.statePath);
  ASSERT_TRUE(abandoned.ok()) << abandoned.error().oneLine();
  EXPECT_EQ(src("SELECT count(*) FROM pg_publication"), "0") << "both of the run's publications dropped";
}

TEST_F(Sync, PostgresToPostgresCatchesUpExactlyOnce) {
  test::recreatePgDatabase(kPgTarget);
  streamAndCheck(test::pgSpec(kPgTarget), "pg");
}

TEST_F(Sync, PostgresToMariaDbCatchesUpExactlyOnce) {
  test::recreateMySqlDatabase(kMyTarget);
  streamAndCheck(test::mysqlSpec(kMyTarget), "my");
}

}  // namespace
}  // namespace ferry
