// Live verification at one position (issue "Change capture, part 1", item 7):
// `ferry verify --state` while `ferry sync` runs under a writer that changes
// every table all the time. Both sides are read as of one source position (a
// temporary slot's snapshot on the source; the sync held at exactly that
// position while the target's snapshots open), so the report is identical with
// no re-check round, says the position, and the sync goes on afterwards.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "run/copy_run.h"
#include "run/stream_hold.h"
#include "run/sync_control.h"
#include "run/verify_run.h"
#include "state/run_state_store.h"
#include "support/test_support.h"
#include "sync_test_support.h"

namespace ferry {
namespace {

constexpr const char* kSource = "ferry_t_lv_src";
constexpr const char* kTarget = "ferry_t_lv_dst";

std::string statePath(const std::string& name) { return test::freshStatePath("ferry-live-verify-test-" + name); }

std::string src(const std::string& sql) { return core::trim(test::psql(kSource, sql)); }

/// The sync's progress as it saved it in the run state.
nlohmann::json syncProgress(const std::string& state) {
  auto store = state::RunStateStore::open(state, state::OpenMode::Resume);
  if (!store) return {};
  auto text = (*store)->loadSetting("sync_progress");
  if (!text || !*text) return {};
  return nlohmann::json::parse(**text, nullptr, false);
}

std::string targetCounter(const connect::ConnectionSpec& target) { return test::counterOn(target, kTarget); }

class LiveVerify : public ::testing::Test {
public:
  void SetUp() override {
    test::recreatePgDatabase(kSource);
    test::psql(kSource, R"SQL(
      CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL);
      INSERT INTO counter VALUES (1, 0);
      CREATE TABLE item (id int PRIMARY KEY, v bigint NOT NULL, label text, at timestamptz);
      INSERT INTO item SELECT g, 0, 'i' || g, '2026-01-01'::timestamptz + g * interval '1 minute'
                       FROM generate_series(1, 20000) g;
      CREATE TABLE event (id bigserial PRIMARY KEY, item_id int, what text);
    )SQL");
  }
  void TearDown() override {
    test::psql("postgres", std::string("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                       "WHERE database = '") + kSource + "' AND NOT active");
  }

  void verifyWhileSyncing(const connect::ConnectionSpec& target, const std::string& targetUrl, const std::string& name) {
    const std::string state = statePath(name);
    run::CopyRequest creq;
    creq.source = test::pgSpec(kSource);
    creq.target = target;
    creq.options.statePath = state;
    creq.options.jobs = 2;
    creq.options.keepSlot = true;
    auto copied = run::CopyRun(creq).run({});
    ASSERT_TRUE(copied.ok()) << copied.error().oneLine();

    // No sync yet: nothing to hold (a plain verification).
    auto none = run::holdRunningSync(state, std::chrono::seconds(30), std::chrono::seconds(60));
    ASSERT_TRUE(none.ok()) << none.error().oneLine();
    EXPECT_EQ(*none, nullptr);

    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const std::string cmd = std::string(FERRY_BINARY) + " sync --state " + state + " --source '" +
                              test::pgUrl(kSource) + "' --target '" + targetUrl + "' --heartbeat-ms 50";
      execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    struct Reap {
      pid_t pid;
      ~Reap() {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    } reap{pid};

    // Every transaction changes all three tables: read at different moments, the
    // two sides would never agree.
    test::CounterWriter writer(kSource, [](std::int64_t i) {
      const std::string item = std::to_string(1 + (i * 7919) % 20000);
      return "BEGIN; UPDATE public.counter SET n = n + 1 WHERE id = 1; UPDATE public.item SET v = v + 1, at = now() "
             "WHERE id = " + item + "; INSERT INTO public.event (item_id, what) VALUES (" + item + ", 'w" +
             std::to_string(i) + "'); COMMIT";
    });
    writer.waitFor(50);
    for (int i = 0; i < 300 && targetCounter(target).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (int i = 0; i < 300 && std::stoll("0" + targetCounter(target)) < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_GE(std::stoll("0" + targetCounter(target)), 20) << "the sync applies the writer's transactions";

    // run-to without a hold first is refused: the open group could pass the position.
    auto refused = run::sendSyncCommand(state, {0, "run-to", 1000, "0/1"}, 10'000);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message().find("not held"), std::string::npos) << refused.error().oneLine();

    // The engine: two verifications at one position each, under the writer.
    for (int round = 0; round < 2; ++round) {
      auto hold = run::holdRunningSync(state, std::chrono::seconds(30), std::chrono::seconds(120));
      ASSERT_TRUE(hold.ok()) << hold.error().oneLine();
      ASSERT_NE(*hold, nullptr) << "the sync runs";
      run::VerifyRequest vreq;
      vreq.source = test::pgSpec(kSource);
      vreq.target = target;
      vreq.options.jobs = 2;
      vreq.options.limits.maxRows = 2500;  // several chunks, read one after another
      hold->reset();  // the verification holds the sync itself, through the run state
      vreq.options.live.syncStatePath = state;
      const auto before = writer.acknowledged();
      run::VerifyRun vr(vreq);
      auto report = vr.run({});
      ASSERT_TRUE(report.ok()) << report.error().oneLine();
      std::string diffs;
      for (const auto& t : report->tables) {
        if (t.status != verify::TableStatus::Ok) {
          diffs += t.label() + " " + std::to_string(t.differences.size()) + " differences " + t.error + "; ";
        }
      }
      EXPECT_TRUE(report->identical()) << diffs;
      EXPECT_FALSE(report->asOfPosition.empty());
      EXPECT_GT(report->syncHeldMs, 0);
      EXPECT_GT(report->syncPausedMs, 0);
      EXPECT_LE(report->syncPausedMs, report->syncHeldMs);
      for (const auto& t : report->tables) EXPECT_EQ(t.chunksRechecked, 0) << t.label();
      std::printf("[ info ] round %d: identical as of %s, sync held %.0f ms (paused %.0f ms), %lld writer "
                  "transactions meanwhile\n",
                  round, report->asOfPosition.c_str(), report->syncHeldMs, report->syncPausedMs,
                  static_cast<long long>(writer.acknowledged() - before));
      // The snapshots ended with the run (the run object lives on, for drill-down
      // and repair): their share locks would make the application's DDL wait.
      test::psql(kSource, "BEGIN; SET LOCAL lock_timeout = '5s'; LOCK TABLE public.item IN ACCESS EXCLUSIVE MODE; "
                          "COMMIT");
      if (target.engine == model::Engine::PostgreSQL) {
        test::psql(kTarget, "BEGIN; SET LOCAL lock_timeout = '5s'; LOCK TABLE public.item IN ACCESS EXCLUSIVE MODE; "
                            "COMMIT");
      } else {
        EXPECT_EQ(core::trim(test::mariadb(kTarget, "SELECT COUNT(*) FROM information_schema.innodb_trx "
                                                    "WHERE trx_mysql_thread_id <> CONNECTION_ID() "
                                                    "AND trx_is_read_only = 1")),
                  "0")
            << "no read-only snapshot transaction is left open on the target";
      }
      // Released: the sync goes on past the position.
      const auto progress = syncProgress(state);
      EXPECT_EQ(progress.value("hold", std::string("?")), "") << progress.dump();
    }
    const auto counterAfter = std::stoll("0" + targetCounter(target));
    for (int i = 0; i < 100 && std::stoll("0" + targetCounter(target)) <= counterAfter; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GT(std::stoll("0" + targetCounter(target)), counterAfter) << "the sync applies again after the hold";

    // The CLI: the URLs and the running sync from --state.
    std::string out;
    const int code = test::runCommand(std::string(FERRY_BINARY) + " verify --json --chunk-rows 5000 --state " + state +
                                          " --source '" + test::pgUrl(kSource) + "' --target '" + targetUrl + "'",
                                      &out);
    EXPECT_EQ(code, 0) << out;
    const auto brace = out.find('{');
    ASSERT_NE(brace, std::string::npos) << out;
    const auto j = nlohmann::json::parse(out.substr(brace), nullptr, false);
    ASSERT_TRUE(j.is_object()) << out;
    EXPECT_TRUE(j.value("identical", false)) << out;
    EXPECT_FALSE(j["as_of"].value("source_position", std::string()).empty()) << out;

    // A hold whose holder went away ends with its lease: the sync goes on by itself.
    auto held = run::sendSyncCommand(state, {0, "hold", 400, ""}, 10'000);
    ASSERT_TRUE(held.ok()) << held.error().oneLine();
    std::string seen;
    for (int i = 0; i < 100; ++i) {
      seen = syncProgress(state).value("hold", std::string());
      if (seen.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(seen, "") << "the lease of 400 ms ended the hold";

    writer.stop();
    ASSERT_EQ(test::runCommand(std::string(FERRY_BINARY) + " ctl --state " + state + " stop", &out), 0) << out;
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    // The holds lost nothing and applied nothing twice: caught up, the counter matches.
    ASSERT_EQ(test::runCommand(std::string(FERRY_BINARY) + " sync --until caught-up --state " + state + " --source '" +
                                   test::pgUrl(kSource) + "' --target '" + targetUrl + "'",
                               &out),
              0)
        << out;
    EXPECT_EQ(src("SELECT n FROM counter"), std::to_string(writer.acknowledged()));
    EXPECT_EQ(targetCounter(target), std::to_string(writer.acknowledged()));
  }
};

TEST_F(LiveVerify, AtOnePositionWhileSyncingToPostgres) {
  test::recreatePgDatabase(kTarget);
  verifyWhileSyncing(test::pgSpec(kTarget), test::pgUrl(kTarget), "pg");
}

TEST_F(LiveVerify, AtOnePositionWhileSyncingToMariaDb) {
  test::recreateMySqlDatabase(kTarget);
  verifyWhileSyncing(test::mysqlSpec(kTarget), test::mysqlUrl(kTarget), "my");
}

}  // namespace
}  // namespace ferry
