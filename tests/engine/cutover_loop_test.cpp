// Both directions at once (issue #13, loop prevention): the forward stream
// (A → B) and the way back (B → A) run together while the application writes
// on both sides. Ferry's apply sessions are tagged (a replication origin per
// run), and each decoder leaves Ferry's own transactions out: every write must
// be applied exactly once on the other side — a loop would send it back, where
// it would meet its own row (a divergence that stops the stream) or count twice.

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "cutover_test_support.h"
#include "run/cutover_support.h"
#include "state/run_state_store.h"

namespace ferry {
namespace {

using cuttest::AppWriter;

constexpr const char* kA = "ferry_t_loop_a";
constexpr const char* kB = "ferry_t_loop_b";

std::int64_t count(const char* db, const std::string& where) {
  return std::stoll(core::trim(test::psql(db, "SELECT count(*) FROM items WHERE " + where)));
}

TEST(BothDirections, EachWriteIsAppliedOncePerSideWithoutALoop) {
  const std::string state = test::freshStatePath("ferry-loop-test");
  std::filesystem::remove(run::reverseStatePath(state));
  test::recreatePgDatabase(kA);
  test::recreatePgDatabase(kB);
  const std::string app = cuttest::appUser();
  const std::string grants = "GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + app +
                             "; GRANT USAGE ON SEQUENCE items_id_seq TO " + app;
  test::psql(kA, "CREATE TABLE items (id bigserial PRIMARY KEY, v int NOT NULL, note text); "
                 "INSERT INTO items (v) SELECT g FROM generate_series(1, 1000) g; " + grants);
  cuttest::copyAndVerify(test::pgSpec(kA), test::pgSpec(kB), state);
  // B's new rows take ids far from A's, as the cutover's sequences-ahead would.
  test::psql(kB, grants + "; SELECT setval('items_id_seq', 10000000)");

  // The way back, as a cutover prepares it before its fence.
  run::CutoverRequest creq;
  creq.source = test::pgSpec(kA);
  creq.target = test::pgSpec(kB);
  creq.options.statePath = state;
  std::string migrationId;
  {
    auto st = state::RunStateStore::open(state, state::OpenMode::Resume);
    ASSERT_TRUE(st.ok()) << st.error().oneLine();
    auto tables = (*st)->listTables();
    ASSERT_TRUE(tables.ok());
    auto info = (*st)->loadRun();
    ASSERT_TRUE(info.ok());
    migrationId = info->runId;
    auto back = run::prepareReverse(creq, migrationId, *tables);
    ASSERT_TRUE(back.ok()) << back.error().oneLine();
  }

  // Origins that killed syncs left behind hold every replication state slot
  // (max_replication_slots = 32 in the sandbox): the apply sessions must free
  // them to tag their changes, or stop — never stream untagged.
  test::psql(kA, "DO $$ BEGIN FOR g IN 1..100 LOOP BEGIN "
                 "PERFORM pg_replication_origin_create('ferry_stale' || g); PERFORM pg_replication_origin_advance('ferry_stale' || g, '0/1'); "
                 "EXCEPTION WHEN configuration_limit_exceeded THEN EXIT; END; END LOOP; END $$");
  ASSERT_NE(core::trim(test::psql(kA, "SELECT count(*) FROM pg_replication_origin WHERE roname LIKE 'ferry\\_stale%'")), "0");

  auto syncOn = [](const char* from, const char* to, const std::string& path) {
    run::SyncRequest r;
    r.source = test::pgSpec(from);
    r.target = test::pgSpec(to);
    r.options.statePath = path;
    r.options.heartbeatMs = 200;
    r.options.controlChannel = false;
    return r;
  };
  run::SyncRun forward(syncOn(kA, kB, state));
  run::SyncRun reverse(syncOn(kB, kA, run::reverseStatePath(state)));
  std::optional<core::Error> forwardError, reverseError;
  std::jthread f([&](std::stop_token stop) {
    if (auto r = forward.run(stop); !r) forwardError = r.error();
  });
  std::jthread b([&](std::stop_token stop) {
    if (auto r = reverse.run(stop); !r) reverseError = r.error();
  });

  // The application on both sides at once: inserts, and updates of disjoint rows.
  auto onA = test::pgSpec(kA), onB = test::pgSpec(kB);
  onA.user = onB.user = app;
  onA.password = onB.password = cuttest::appPassword();
  {
    AppWriter writesA(onA), writesB(onB);
    for (int round = 0; round < 20; ++round) {
      test::psql(kA, "UPDATE items SET v = v + 1, note = 'a" + std::to_string(round) + "' WHERE id BETWEEN 1 AND 50");
      test::psql(kB, "UPDATE items SET v = v + 1, note = 'b" + std::to_string(round) + "' WHERE id BETWEEN 51 AND 100");
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    writesA.stop();
    writesB.stop();
    ASSERT_GT(writesA.acked().size(), 100u);
    ASSERT_GT(writesB.acked().size(), 100u);
  }
  // Both sides alike once both streams caught up (or a stream stopped: a divergence).
  const std::string all = "SELECT count(*) || ':' || sum(v) || ':' || md5(string_agg(id || '/' || coalesce(note, ''), ',' ORDER BY id)) FROM items";
  std::string a, bb;
  for (int i = 0; i < 300; ++i) {
    a = core::trim(test::psql(kA, all));
    bb = core::trim(test::psql(kB, all));
    if (a == bb || forwardError || reverseError) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // A few more heartbeats: an echo, had there been one, would have arrived by now.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  f.request_stop();
  b.request_stop();
  f.join();
  b.join();
  ASSERT_FALSE(forwardError) << forwardError->oneLine();
  ASSERT_FALSE(reverseError) << reverseError->oneLine();
  EXPECT_EQ(a, bb);
  EXPECT_EQ(core::trim(test::psql(kA, all)), core::trim(test::psql(kB, all)));

  // Exactly once: each stream applied the other side's own changes and nothing more.
  const auto fwd = forward.progress(), rev = reverse.progress();
  EXPECT_EQ(fwd.divergences, 0);
  EXPECT_EQ(rev.divergences, 0);
  const std::int64_t insertedOnA = count(kA, "id > 1000 AND id < 10000000");
  const std::int64_t insertedOnB = count(kB, "id >= 10000000");
  EXPECT_EQ(fwd.rowsApplied, insertedOnA + 20 * 50) << "forward: rows applied other than A's own writes";
  EXPECT_EQ(rev.rowsApplied, insertedOnB + 20 * 50) << "reverse: rows applied other than B's own writes";
  std::printf("[ info ] forward applied %lld rows, reverse %lld; A inserted %lld, B %lld\n",
              static_cast<long long>(fwd.rowsApplied), static_cast<long long>(rev.rowsApplied),
              static_cast<long long>(insertedOnA), static_cast<long long>(insertedOnB));

  EXPECT_EQ(core::trim(test::psql(kA, "SELECT count(*) FROM pg_replication_origin WHERE roname LIKE 'ferry\\_stale%'")), "0");

  // The way back's slot and publication go, as ferry finish drops them.
  EXPECT_TRUE(run::dropReverse(test::pgSpec(kB), run::reverseStatePath(state)).ok());
}

}  // namespace
}  // namespace ferry
