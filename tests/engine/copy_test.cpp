// The copy phase against the sandbox servers: whole databases copied and
// compared with independent queries on both sides, kill -9 and --resume, rejects.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "run/copy_run.h"
#include "state/run_state_store.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kPgTarget = "ferry_t_copy";

std::string tempState(const std::string& name) {
  const std::string path = "/tmp/ferry-copy-test-" + name + ".state";
  std::remove(path.c_str());
  std::remove((path + ".rejects.jsonl").c_str());
  return path;
}

run::CopyRequest request(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target,
                         const std::string& state) {
  run::CopyRequest req;
  req.source = source;
  req.target = target;
  req.options.statePath = state;
  req.options.jobs = 2;
  return req;
}

std::int64_t count(bool pg, const std::string& db, const std::string& table) {
  const std::string out = pg ? test::psql(db, "SELECT count(*) FROM " + table) : test::mariadb(db, "SELECT COUNT(*) FROM " + table);
  return std::stoll(core::trim(out));
}

/// Runs `req` until two chunks of its first table are in, then calls `then`
/// from a watcher thread (by default: stops the run); returns the run's result.
core::Result<run::CopySummary> runUntilTwoChunks(const run::CopyRequest& req, const std::function<void()>& then = {}) {
  std::stop_source stopper;
  run::CopyRun copy(req);
  std::jthread watcher([&](std::stop_token done) {
    for (int i = 0; i < 3000 && !done.stop_requested(); ++i) {
      const auto p = copy.progress();
      if (!p.tables.empty() && p.tables[0].chunksDone >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (then) {
      then();
    } else {
      stopper.request_stop();
    }
  });
  return copy.run(stopper.get_token());
}

class Copy : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!test::sakilaDir().empty()) {
      test::runMariadbFile("", test::sakilaDir() + "/sakila-schema.sql");
      test::runMariadbFile("", test::sakilaDir() + "/sakila-data.sql");
    }
  }
};

TEST_F(Copy, SakilaToPostgresEveryRowAndValue) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  test::recreatePgDatabase(kPgTarget);
  run::CopyRun copy(request(test::mysqlSpec("sakila"), test::pgSpec(kPgTarget), tempState("sakila")));
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  ASSERT_EQ(r->final.tables.size(), 16u);
  for (const auto& t : r->final.tables) {
    const std::int64_t source = count(false, "sakila", t.table);
    EXPECT_EQ(t.rowsWritten, source) << t.table;
    EXPECT_EQ(count(true, kPgTarget, "sakila." + t.table), source) << t.table;
  }
  // Independent value checks per type family on both sides.
  auto pg = [&](const std::string& sql) { return core::trim(test::psql(kPgTarget, sql)); };
  auto my = [&](const std::string& sql) { return core::trim(test::mariadb("sakila", sql)); };
  EXPECT_EQ(pg("SELECT sum(amount)::text || '|' || count(DISTINCT payment_date) FROM sakila.payment"),
            my("SELECT CONCAT(SUM(amount), '|', COUNT(DISTINCT payment_date)) FROM payment"));
  EXPECT_EQ(pg("SELECT md5(string_agg(title || description, ',' ORDER BY film_id)) FROM sakila.film"),
            my("SET SESSION group_concat_max_len = 10000000; SELECT MD5(GROUP_CONCAT(CONCAT(title, description) "
               "ORDER BY film_id SEPARATOR ',')) FROM film"));
  EXPECT_EQ(pg("SELECT md5(picture) FROM sakila.staff WHERE staff_id = 1"), my("SELECT MD5(picture) FROM staff WHERE staff_id = 1"));
  EXPECT_EQ(pg("SELECT array_to_string(special_features, ',') || '|' || rating FROM sakila.film WHERE film_id = 1"),
            my("SELECT CONCAT(special_features, '|', rating) FROM film WHERE film_id = 1"));
  EXPECT_EQ(pg("SELECT count(*) FROM sakila.customer WHERE active"), my("SELECT COUNT(*) FROM customer WHERE active = 1"));
  // Post-data ran: keys and the 22 foreign keys exist, identities continue after the data.
  EXPECT_EQ(pg("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
               "WHERE n.nspname = 'sakila' AND c.contype = 'f'"),
            "22");
  EXPECT_EQ(pg("SELECT nextval(pg_get_serial_sequence('sakila.rental', 'rental_id')) > max(rental_id) FROM sakila.rental"), "t");
  // One snapshot: a binlog position was recorded.
  EXPECT_NE(r->final.snapshot.find("mariadb-bin."), std::string::npos) << r->final.snapshot;
}

TEST_F(Copy, PostgresToMariaDbAndKeylessTables) {
  test::recreatePgDatabase("ferry_t_copy_src");
  test::psql("ferry_t_copy_src",
             "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], "
             "seen timestamptz, flag boolean, data jsonb); "
             "INSERT INTO items SELECT g, 'item ' || g || ' ''q'' \\ é😀', g / 7.0, ARRAY['a', 'b' || g], "
             "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', g % 2 = 0, "
             "jsonb_build_object('k', g) FROM generate_series(1, 5000) g; "
             "CREATE TABLE nokey (a int, b text); INSERT INTO nokey SELECT g, repeat('x', g % 50) FROM generate_series(1, 3000) g; "
             "ANALYZE");
  test::mariadb("", "DROP DATABASE IF EXISTS public");
  auto req = request(test::pgSpec("ferry_t_copy_src"), test::mysqlSpec(), tempState("pg2my"));
  req.options.limits.maxRows = 700;  // several chunks per table
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(count(false, "public", "items"), 5000);
  EXPECT_EQ(count(false, "public", "nokey"), 3000);
  // The mariadb client's batch output escapes the backslash itself.
  EXPECT_EQ(core::trim(test::mariadb("public", "SELECT name, price, tags, seen, flag FROM items WHERE id = 7")),
            "item 7 'q' \\\\ é😀\t1.00\t[\"a\",\"b7\"]\t2024-01-01 00:07:00.000000\t0");
  EXPECT_EQ(core::trim(test::mariadb("public", "SELECT SUM(a), SUM(LENGTH(b)) FROM nokey")),
            core::trim(test::psql("ferry_t_copy_src", "SELECT sum(a)::text || '\t' || sum(length(b)) FROM nokey")));
  test::mariadb("", "DROP DATABASE IF EXISTS public");
}

TEST_F(Copy, KilledRunResumesWithEveryRowExactlyOnce) {
  test::recreatePgDatabase("ferry_t_copy_src2");
  test::psql("ferry_t_copy_src2", "CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL); "
                                   "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 120000) g; ANALYZE");
  test::recreatePgDatabase("ferry_t_copy_dst2");
  const std::string state = tempState("kill");
  const std::string cmd = std::string(FERRY_BINARY) + " copy --source '" + test::pgUrl("ferry_t_copy_src2") + "' --target '" +
                          test::pgUrl("ferry_t_copy_dst2") + "' --state " + state + " --jobs 2 --chunk-rows 1000";
  for (int round = 0; round < 3; ++round) {
    // Throttled so that the kill lands mid-copy; each round kills at a different moment.
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const std::string full = cmd + (round == 0 ? "" : " --resume") + " --max-rate 20000 >/dev/null 2>&1";
      execl("/bin/sh", "sh", "-c", ("exec " + full).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // The kill lands once the copy writes (a slow build — ASan — takes seconds to
    // get there), each round at a different moment after that.
    for (int i = 0; i < 600; ++i) {
      if (core::trim(test::psql("ferry_t_copy_dst2", "SELECT to_regclass('public.big') IS NOT NULL")) == "t") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 300 * round));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::int64_t partial = count(true, "ferry_t_copy_dst2", "public.big");
    EXPECT_LT(partial, 120000) << "round " << round << " finished before the kill; lower --max-rate";
    // Nothing is ever duplicated: every committed chunk has exactly its rows.
    EXPECT_EQ(core::trim(test::psql("ferry_t_copy_dst2", "SELECT count(*) - count(DISTINCT id) FROM public.big")), "0");
  }
  std::string out;
  ASSERT_EQ(test::runCommand(cmd + " --resume", &out), 0) << out;
  EXPECT_EQ(core::trim(test::psql("ferry_t_copy_dst2", "SELECT count(*) || '|' || count(DISTINCT id) || '|' || "
                                                       "md5(string_agg(v, ',' ORDER BY id)) FROM public.big")),
            core::trim(test::psql("ferry_t_copy_src2", "SELECT count(*) || '|' || count(DISTINCT id) || '|' || "
                                                       "md5(string_agg(v, ',' ORDER BY id)) FROM public.big")));
  // No replication slot is left behind by the killed runs (on this source: another
  // run's kept slot, a stream test's or a bench's, is not this test's business).
  EXPECT_EQ(core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'ferry_%' "
                                              "AND database = 'ferry_t_copy_src2'")),
            "0");
}

TEST_F(Copy, RejectsGoToTheRejectFileWithSkipAndStopTheRunOtherwise) {
  test::recreateMySqlDatabase("ferry_t_copy_rej");
  test::mariadb("ferry_t_copy_rej", "SET SESSION sql_mode = ''; CREATE TABLE t (id int PRIMARY KEY, d datetime NOT NULL); "
                                    "INSERT INTO t VALUES (1, '2024-01-01 10:00:00'), (2, '0000-00-00 00:00:00'), "
                                    "(3, '2024-03-01 00:00:00')");
  test::recreatePgDatabase("ferry_t_copy_rej");
  auto stopReq = request(test::mysqlSpec("ferry_t_copy_rej"), test::pgSpec("ferry_t_copy_rej"), tempState("rej-stop"));
  run::CopyRun stopped(stopReq);
  auto failed = stopped.run({});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().oneLine().find("--resume"), std::string::npos) << failed.error().oneLine();

  test::recreatePgDatabase("ferry_t_copy_rej");
  auto skipReq = request(test::mysqlSpec("ferry_t_copy_rej"), test::pgSpec("ferry_t_copy_rej"), tempState("rej-skip"));
  skipReq.options.onError = copy::OnError::Skip;
  run::CopyRun skipping(skipReq);
  auto r = skipping.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->final.rowsWritten, 2);
  EXPECT_EQ(r->final.rowsRejected, 1);
  ASSERT_FALSE(r->rejectPath.empty());
  std::ifstream in(r->rejectPath);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["table"], "ferry_t_copy_rej.t");
  EXPECT_EQ(j["key"], "id=2");
  EXPECT_FALSE(j["reason"].get<std::string>().empty());
  EXPECT_EQ(core::trim(test::psql("ferry_t_copy_rej", "SELECT string_agg(id::text, ',' ORDER BY id) FROM ferry_t_copy_rej.t")), "1,3");
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

TEST_F(Copy, WritesDuringTheCopyStayOutOfTheSnapshot) {
  test::recreateMySqlDatabase("ferry_t_copy_live");
  test::mariadb("ferry_t_copy_live", "CREATE TABLE t (id int PRIMARY KEY, v varchar(40) NOT NULL); "
                                     "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_60000; ANALYZE TABLE t");
  test::recreatePgDatabase("ferry_t_copy_live");
  auto req = request(test::mysqlSpec("ferry_t_copy_live"), test::pgSpec("ferry_t_copy_live"), tempState("live"));
  req.options.limits.maxRows = 5000;
  req.options.maxRowsPerSecond = 15000;  // about 4 s of copying: the writes below land mid-copy
  run::CopyRun copy(req);
  std::optional<core::Result<run::CopySummary>> result;
  std::jthread runner([&] { result.emplace(copy.run({})); });
  for (int i = 0; i < 600 && !(copy.progress().phase == "copying" && copy.progress().rowsWritten > 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(copy.progress().phase, "copying");
  // The application keeps writing: none of this may reach the target.
  test::mariadb("ferry_t_copy_live", "INSERT INTO t VALUES (1000001, 'new'); UPDATE t SET v = 'changed' WHERE id = 60000; "
                                     "DELETE FROM t WHERE id = 59999");
  const std::string after = core::trim(test::mariadb("", "SHOW MASTER STATUS"));
  runner.join();
  ASSERT_TRUE(result && result->ok()) << (result ? result->error().oneLine() : "no result");
  const auto& s = result->value();
  EXPECT_EQ(s.final.rowsWritten, 60000);
  // The throttle held: 60,000 rows at 15,000 rows/s cannot take less than ~4 s
  // (a lower bound only, so a slow machine never fails it).
  EXPECT_GE(s.final.elapsedSeconds, 3.0);
  auto pg = [&](const std::string& sql) { return core::trim(test::psql("ferry_t_copy_live", sql)); };
  EXPECT_EQ(pg("SELECT count(*) FROM ferry_t_copy_live.t"), "60000");
  EXPECT_EQ(pg("SELECT count(*) FROM ferry_t_copy_live.t WHERE id = 1000001"), "0");
  EXPECT_EQ(pg("SELECT v FROM ferry_t_copy_live.t WHERE id = 60000"), "v60000");
  EXPECT_EQ(pg("SELECT v FROM ferry_t_copy_live.t WHERE id = 59999"), "v59999");
  // The recorded position is before those writes: same binlog file, smaller offset.
  const auto colon = s.final.snapshot.find(':');
  ASSERT_NE(colon, std::string::npos) << s.final.snapshot;
  const std::string file = s.final.snapshot.substr(0, colon);
  const std::int64_t pos = std::stoll(s.final.snapshot.substr(colon + 1));
  const auto fields = core::split(after, '\t');
  ASSERT_GE(fields.size(), 2u) << after;
  EXPECT_EQ(fields[0], file);
  EXPECT_LT(pos, std::stoll(fields[1])) << "snapshot " << s.final.snapshot << ", after the writes " << after;
}


/// Indexes and constraints of a schema, in one comparable text.
std::string schemaObjects(const std::string& db) {
  return core::trim(test::psql(
      db, "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'; "
          "SELECT string_agg(conname || ' ' || contype::text || ' ' || convalidated || ' ' || pg_get_constraintdef(oid), "
          "E'\\n' ORDER BY conname) FROM pg_constraint WHERE connamespace = 'public'::regnamespace"));
}

TEST_F(Copy, KeylessPostgresTableIsCopiedInCtidRangesExactlyOnce) {
  test::recreatePgDatabase("ferry_t_copy_ctid");
  // Identical rows (only their number tells them apart) and holes left by a delete.
  test::psql("ferry_t_copy_ctid", "CREATE TABLE heap (a int, b text); "
                                  "INSERT INTO heap SELECT g % 997, repeat('y', g % 40) FROM generate_series(1, 60000) g; "
                                  "INSERT INTO heap SELECT a, b FROM heap WHERE a < 10; "
                                  "DELETE FROM heap WHERE a BETWEEN 100 AND 140");
  test::psql("ferry_t_copy_ctid", "VACUUM ANALYZE heap");
  test::recreatePgDatabase("ferry_t_copy_ctid_dst");
  auto req = request(test::pgSpec("ferry_t_copy_ctid"), test::pgSpec("ferry_t_copy_ctid_dst"), tempState("ctid"));
  req.options.limits.maxRows = 5000;
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  ASSERT_EQ(r->final.tables.size(), 1u);
  EXPECT_GE(r->final.tables[0].chunksTotal, 10);  // ~58,000 rows in chunks of ~5,000
  EXPECT_EQ(r->final.tables[0].status, "indexed");
  const std::string multiset = "SELECT count(*) || '|' || md5(string_agg(a || ':' || b, ',' ORDER BY a, b)) FROM heap";
  EXPECT_EQ(core::trim(test::psql("ferry_t_copy_ctid_dst", multiset)), core::trim(test::psql("ferry_t_copy_ctid", multiset)));
}

TEST_F(Copy, ResumedCtidRangesGoOnUnlessTheSourceTableWasRewritten) {
  const std::string src = "ferry_t_copy_ctid_rw";
  const std::string dst = "ferry_t_copy_ctid_rw_dst";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE heap (a int, b text); "
                  "INSERT INTO heap SELECT g % 997, repeat('z', g % 30) FROM generate_series(1, 40000) g; "
                  "DELETE FROM heap WHERE a < 300");
  test::psql(src, "VACUUM ANALYZE heap");
  const std::string multiset = "SELECT count(*) || '|' || md5(string_agg(a || ':' || b, ',' ORDER BY a, b)) FROM heap";
  // Stops the copy once two of its ~6 ranges are in.
  auto stopped = [&](const std::string& state) {
    test::recreatePgDatabase(dst);
    auto req = request(test::pgSpec(src), test::pgSpec(dst), state);
    req.options.limits.maxRows = 5000;
    req.options.maxRowsPerSecond = 8000;
    auto r = runUntilTwoChunks(req);
    EXPECT_FALSE(r.ok()) << "the copy ended before it was stopped";
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind(), core::ErrorKind::Cancelled) << r.error().oneLine();
    }
    req.options.resume = true;
    req.options.maxRowsPerSecond = 0;
    return req;
  };
  {
    auto req = stopped(tempState("ctid-resume"));
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
    EXPECT_EQ(core::trim(test::psql(dst, multiset)), core::trim(test::psql(src, multiset)));
  }
  {
    auto req = stopped(tempState("ctid-rewritten"));
    test::psql(src, "VACUUM FULL heap");  // every row moves
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().oneLine().find("was rewritten on the source"), std::string::npos) << r.error().oneLine();
    EXPECT_NE(r.error().hint().find("without --resume"), std::string::npos) << r.error().hint();
    // Refused while planning, after its snapshot was taken: its slot is gone too.
    EXPECT_EQ(core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE database = '" + src + "'")),
              "0");
  }
}

TEST_F(Copy, ResumeSaysWhetherTheSourceChangedSinceTheInterruptedSnapshot) {
  const std::string src = "ferry_t_copy_since";
  const std::string dst = "ferry_t_copy_since_dst";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE t (id int PRIMARY KEY, v text); "
                  "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 20000) g; "
                  "ANALYZE t");  // the row estimate the chunks are planned from
  // Stops the copy once two of its ten chunks are in, then resumes it; `between`
  // runs on the source in the meantime, given the state file. Returns the resumed run's log.
  auto stopAndResume = [&](const std::string& name, const std::function<void(const std::string&)>& between) {
    test::recreatePgDatabase(dst);
    auto req = request(test::pgSpec(src), test::pgSpec(dst), tempState(name));
    req.options.limits.maxRows = 2000;
    req.options.maxRowsPerSecond = 6000;
    EXPECT_FALSE(runUntilTwoChunks(req).ok()) << "the copy ended before it was stopped";
    if (between) between(req.options.statePath);  // psql's backend flushes its statistics as it exits
    std::vector<std::string> lines;
    std::mutex m;
    core::setLogSink([&](core::LogLevel level, std::string_view line) {
      std::lock_guard lock(m);
      lines.push_back((level == core::LogLevel::Warning ? "W " : "I ") + std::string(line));
    });
    req.options.resume = true;
    req.options.maxRowsPerSecond = 0;
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    core::setLogSink({});
    EXPECT_TRUE(r.ok()) << r.error().oneLine();
    return core::join(lines, "\n");
  };
  const std::string quiet = stopAndResume("since-quiet", {});
  EXPECT_NE(quiet.find("I resume: the source tables' statistics show no change"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("W resume:"), std::string::npos) << quiet;

  // The row updated lies in a chunk the stopped run finished (which two chunks finished
  // first depends on the workers' timing).
  std::int64_t staleId = 0;
  const std::string changed = stopAndResume("since-changed", [&](const std::string& statePath) {
    auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
    ASSERT_TRUE(store.ok()) << store.error().oneLine();
    auto done = (*store)->listChunks({.tableId = {}, .status = state::ChunkStatus::Done});
    ASSERT_TRUE(done.ok() && !done->empty());
    const auto lower = nlohmann::json::parse(done->front().lowerBoundJson);
    staleId = lower.is_null() ? 1 : lower.at(0).get<std::int64_t>() + 1;
    test::psql(src, "UPDATE t SET v = 'changed' WHERE id = " + std::to_string(staleId));
  });
  EXPECT_NE(changed.find("W resume: 1 source table(s) changed since the interrupted run's snapshot (public.t)"),
            std::string::npos)
      << changed;
  EXPECT_NE(changed.find("ferry verify"), std::string::npos) << changed;
  // The row was in a chunk copied before the update: stale, as the warning says.
  EXPECT_EQ(core::trim(test::psql(dst, "SELECT v FROM t WHERE id = " + std::to_string(staleId))),
            "v" + std::to_string(staleId));
  EXPECT_EQ(count(true, dst, "t"), 20000);

  // A MariaDB source: any write moves the binlog position the snapshot recorded.
  test::recreateMySqlDatabase("ferry_t_copy_since_my");
  test::mariadb("ferry_t_copy_since_my", "CREATE TABLE t (id int PRIMARY KEY, v varchar(20)); "
                                         "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_20000; "
                                         "ANALYZE TABLE t");  // the row estimate the chunks are planned from
  test::recreatePgDatabase(dst);
  auto req = request(test::mysqlSpec("ferry_t_copy_since_my"), test::pgSpec(dst), tempState("since-my"));
  req.options.limits.maxRows = 2000;
  req.options.maxRowsPerSecond = 6000;
  EXPECT_FALSE(runUntilTwoChunks(req).ok()) << "the copy ended before it was stopped";
  test::mariadb("ferry_t_copy_since_my", "UPDATE t SET v = 'changed' WHERE id = 5");
  std::vector<std::string> lines;
  std::mutex m;
  core::setLogSink([&](core::LogLevel level, std::string_view line) {
    std::lock_guard lock(m);
    if (level == core::LogLevel::Warning) lines.emplace_back(line);
  });
  req.options.resume = true;
  req.options.maxRowsPerSecond = 0;
  run::CopyRun resumed(req);
  auto r = resumed.run({});
  core::setLogSink({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  const std::string warnings = core::join(lines, "\n");
  EXPECT_NE(warnings.find("resume: the source server wrote to its binlog since the interrupted run's snapshot"),
            std::string::npos)
      << warnings;
  EXPECT_EQ(count(true, dst, "ferry_t_copy_since_my.t"), 20000);
}

TEST_F(Copy, ATableNeverAnalysedIsStillSplitIntoChunks) {
  const std::string src = "ferry_t_copy_noanalyze";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE t (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = off); "
                  "INSERT INTO t SELECT g, repeat('x', 40) FROM generate_series(1, 300000) g");
  ASSERT_EQ(core::trim(test::psql(src, "SELECT reltuples < 0 FROM pg_class WHERE relname = 't'")), "t");
  test::recreatePgDatabase("ferry_t_copy_noanalyze_dst");
  auto req = request(test::pgSpec(src), test::pgSpec("ferry_t_copy_noanalyze_dst"), tempState("noanalyze"));
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  ASSERT_EQ(r->final.tables.size(), 1u);
  EXPECT_EQ(r->final.tables[0].chunksTotal, 3);  // 300,000 rows by 100,000, counted
  EXPECT_EQ(count(true, "ferry_t_copy_noanalyze_dst", "t"), 300000);
}

TEST_F(Copy, ConnectionsKilledMidCopyFailTheRunAndResumeLosesNothing) {
  const std::string src = "ferry_t_copy_gone";
  const std::string dst = "ferry_t_copy_gone_dst";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL); "
                  "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 30000) g; ANALYZE t");
  const std::string rows = "SELECT count(*) || '|' || md5(string_agg(v, ',' ORDER BY id)) FROM t";
  // The target's sessions go away (as when its server restarts), then the source's.
  for (const std::string& victim : {dst, src}) {
    test::recreatePgDatabase(dst);
    auto req = request(test::pgSpec(src), test::pgSpec(dst), tempState("gone-" + victim));
    req.options.limits.maxRows = 2000;
    req.options.maxRowsPerSecond = 6000;
    {
      auto r = runUntilTwoChunks(req, [&] {
        test::psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + victim +
                                   "' AND pid <> pg_backend_pid()");
      });
      ASSERT_FALSE(r.ok()) << victim << ": the copy ended before its connections were killed";
      EXPECT_EQ(r.error().kind(), core::ErrorKind::ConnectionLost) << victim << ": " << r.error().oneLine();
      EXPECT_NE(r.error().hint().find("--resume"), std::string::npos) << r.error().hint();
    }
    const std::int64_t partial = count(true, dst, "t");
    EXPECT_LT(partial, 30000) << victim;
    req.options.resume = true;
    req.options.maxRowsPerSecond = 0;
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_TRUE(r.ok()) << victim << ": " << r.error().oneLine();
    EXPECT_EQ(core::trim(test::psql(dst, rows)), core::trim(test::psql(src, rows))) << victim;
  }
  EXPECT_EQ(core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE database = '" + src + "'")),
            "0");
}

TEST_F(Copy, ResumeDoesNotAdoptAnIndexSomethingElseMadeMeanwhile) {
  const std::string src = "ferry_t_copy_adopt";
  const std::string dst = "ferry_t_copy_adopt_dst";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE t (id int PRIMARY KEY, qty int NOT NULL); CREATE INDEX t_qty ON t (qty); "
                  "INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 20000) g; ANALYZE t");
  test::recreatePgDatabase(dst);
  auto req = request(test::pgSpec(src), test::pgSpec(dst), tempState("adopt"));
  req.options.limits.maxRows = 2000;
  req.options.maxRowsPerSecond = 6000;
  ASSERT_FALSE(runUntilTwoChunks(req).ok()) << "the copy ended before it was stopped";
  // Between the stop and the resume, someone makes an index of the name ferry will use, on another column.
  test::psql(dst, "CREATE INDEX t_qty ON t (id)");
  req.options.resume = true;
  req.options.maxRowsPerSecond = 0;
  {
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_FALSE(r.ok()) << "the resumed run took someone else's t_qty for its own";
    EXPECT_NE(r.error().oneLine().find("\"t_qty\" already exists"), std::string::npos) << r.error().oneLine();
    EXPECT_NE(r.error().hint().find("had not started this statement"), std::string::npos) << r.error().hint();
  }
  {
    // Its failed attempt does not count as "started" either.
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_FALSE(r.ok()) << "the second resume took someone else's t_qty for its own";
    EXPECT_NE(r.error().oneLine().find("\"t_qty\" already exists"), std::string::npos) << r.error().oneLine();
  }
  test::psql(dst, "DROP INDEX t_qty");
  run::CopyRun again(req);
  auto r = again.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(schemaObjects(dst), schemaObjects(src));
  EXPECT_EQ(count(true, dst, "t"), 20000);
}

TEST_F(Copy, AbandonDropsTheKeptSlotAndTheRunCannotBeResumed) {
  const std::string src = "ferry_t_copy_src7";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)");
  test::recreatePgDatabase("ferry_t_copy_dst7");
  const std::string state = tempState("abandon");
  auto req = request(test::pgSpec(src), test::pgSpec("ferry_t_copy_dst7"), state);
  req.options.keepSlot = true;
  {
    run::CopyRun copy(req);
    auto r = copy.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
  }
  const std::string slots = "SELECT count(*) FROM pg_replication_slots WHERE database = '" + src + "'";
  ASSERT_EQ(core::trim(test::psql("postgres", slots)), "1");  // kept for change capture

  std::string out;
  ASSERT_EQ(test::runCommand(std::string(FERRY_BINARY) + " copy --abandon --json --source '" + test::pgUrl(src) +
                                 "' --state " + state, &out), 0) << out;
  const auto j = nlohmann::json::parse(out.substr(out.find('{')));
  ASSERT_EQ(j["slots_dropped"].size(), 1u) << out;
  EXPECT_EQ(j["slots_dropped"][0].get<std::string>().rfind("ferry_", 0), 0u) << out;
  EXPECT_EQ(core::trim(test::psql("postgres", slots)), "0");

  req.options.resume = true;
  run::CopyRun again(req);
  auto r = again.run({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().oneLine().find("was abandoned"), std::string::npos) << r.error().oneLine();
}

TEST_F(Copy, KilledDuringPostDataResumesToEveryIndexAndConstraint) {
  const std::string src = "ferry_t_copy_src3";
  const std::string dst = "ferry_t_copy_dst3";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE parent (id int PRIMARY KEY, code text NOT NULL UNIQUE, qty int CHECK (qty >= 0)); "
                  "INSERT INTO parent SELECT g, md5(g::text), g % 500 FROM generate_series(1, 150000) g; "
                  "CREATE INDEX parent_qty ON parent (qty); CREATE INDEX parent_code_qty ON parent (code, qty); "
                  "CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), note text); "
                  "INSERT INTO child SELECT g, 1 + g % 150000, 'n' || g FROM generate_series(1, 60000) g; "
                  "CREATE INDEX child_parent ON child (parent_id); "
                  "CREATE TABLE log (a int, b text); INSERT INTO log SELECT g % 100, 'x' || (g % 7) FROM generate_series(1, 60000) g; "
                  "ANALYZE");
  test::recreatePgDatabase(dst);
  const std::string state = tempState("postdata");
  const std::string cmd = std::string(FERRY_BINARY) + " copy --source '" + test::pgUrl(src) + "' --target '" +
                          test::pgUrl(dst) + "' --state " + state + " --jobs 2 --chunk-rows 2000";
  // Throttled: parent (largest, copied first) is done after ~4 s, and its
  // indexes build while child and log take ~3 s more.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + " --max-rate 40000 >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto watch = connect::PgConnection::open(test::pgSpec(dst));
  ASSERT_TRUE(watch.ok()) << watch.error().oneLine();
  bool indexSeen = false;
  for (int i = 0; i < 6000 && !indexSeen; ++i) {  // up to 60 s
    auto n = (*watch)->query("SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'public'");
    indexSeen = n.ok() && n->row(0).i64("n") > 0;
    if (!indexSeen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int status = 0;
  const bool running = waitpid(pid, &status, WNOHANG) == 0;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(indexSeen) << "no index appeared on the target";
  ASSERT_TRUE(running) << "the copy ended before the first index was seen; lower --max-rate";
  // Killed during post-data: the foreign key (added once every table is copied) is not there yet.
  EXPECT_EQ(core::trim(test::psql(dst, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")), "0");

  std::string out;
  ASSERT_EQ(test::runCommand(cmd + " --resume", &out), 0) << out;
  // The index that was seen is either recorded as done (skipped) or only as
  // started (its commit came just before the kill): either way it is not built twice.
  EXPECT_TRUE(out.find("already present from the interrupted run") != std::string::npos ||
              out.find("done by the interrupted run") != std::string::npos)
      << out;
  for (const char* table : {"parent", "child"}) {
    const std::string sql = std::string("SELECT count(*) || '|' || md5(string_agg(t::text, ',' ORDER BY id)) FROM ") + table + " t";
    EXPECT_EQ(core::trim(test::psql(dst, sql)), core::trim(test::psql(src, sql))) << table;
  }
  const std::string logRows = "SELECT count(*) || '|' || md5(string_agg(a || b, ',' ORDER BY a, b)) FROM log";
  EXPECT_EQ(core::trim(test::psql(dst, logRows)), core::trim(test::psql(src, logRows)));
  EXPECT_EQ(schemaObjects(dst), schemaObjects(src));
  EXPECT_EQ(core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'ferry_%' "
                                              "AND database = '" + src + "'")),
            "0");
}

TEST_F(Copy, TablesSubsetRunsPostDataOfItsTablesOnly) {
  const std::string src = "ferry_t_copy_src4";
  const std::string dst = "ferry_t_copy_dst4";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE parent (id int PRIMARY KEY); INSERT INTO parent SELECT generate_series(1, 100); "
                  "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id)); "
                  "INSERT INTO child SELECT g, g FROM generate_series(1, 100) g; CREATE INDEX child_parent ON child (parent_id); "
                  "CREATE TABLE other (id int PRIMARY KEY, v int CHECK (v > 0), w int REFERENCES child (id)); "
                  "INSERT INTO other SELECT g, g, g FROM generate_series(1, 100) g; ANALYZE");
  test::recreatePgDatabase(dst);
  auto req = request(test::pgSpec(src), test::pgSpec(dst), tempState("subset"));
  req.options.tablePatterns = {"public.child", "public.other"};
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  ASSERT_EQ(r->final.tables.size(), 2u);
  for (const auto& t : r->final.tables) EXPECT_EQ(t.status, "indexed") << t.table;
  EXPECT_EQ(core::trim(test::psql(dst, "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                                       "WHERE schemaname = 'public'")),
            "child_parent,child_pkey,other_pkey");
  // other → child has both ends in this run; child → parent does not.
  EXPECT_EQ(core::trim(test::psql(dst, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint "
                                       "WHERE connamespace = 'public'::regnamespace")),
            "child_pkey,other_pkey,other_v_check,other_w_fkey");

  // A second subset into the same target creates only its own table.
  auto second = request(test::pgSpec(src), test::pgSpec(dst), tempState("subset2"));
  second.options.tablePatterns = {"public.parent"};
  run::CopyRun copy2(second);
  auto r2 = copy2.run({});
  ASSERT_TRUE(r2.ok()) << r2.error().oneLine();
  EXPECT_EQ(count(true, dst, "parent"), 100);
  EXPECT_EQ(count(true, dst, "child"), 100);
  EXPECT_EQ(count(true, dst, "other"), 100);
}

TEST_F(Copy, ATableTheTargetHasAlreadyStopsTheRunAndResumeCreatesTheRest) {
  const std::string src = "ferry_t_copy_src6";
  const std::string dst = "ferry_t_copy_dst6";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 30000) g; "
                  "CREATE TABLE mid (id int PRIMARY KEY, w int); INSERT INTO mid SELECT g, g FROM generate_series(1, 5000) g; "
                  "CREATE TABLE tiny (id int PRIMARY KEY); INSERT INTO tiny SELECT generate_series(1, 10); ANALYZE");
  test::recreatePgDatabase(dst);
  // Not made by ferry: a fresh run must not copy into it.
  test::psql(dst, "CREATE TABLE mid (something_else text); INSERT INTO mid VALUES ('keep me')");
  auto req = request(test::pgSpec(src), test::pgSpec(dst), tempState("predata"));
  req.options.limits.maxRows = 2000;
  {
    run::CopyRun copy(req);
    auto r = copy.run({});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().oneLine().find("\"public\".\"mid\""), std::string::npos) << r.error().oneLine();
    EXPECT_NE(r.error().oneLine().find("already exists"), std::string::npos) << r.error().oneLine();
    EXPECT_NE(r.error().hint().find("--data-only"), std::string::npos) << r.error().hint();
  }
  EXPECT_EQ(core::trim(test::psql(dst, "SELECT something_else FROM mid")), "keep me");
  // A failed run leaves no replication slot behind: its resume takes a new snapshot.
  EXPECT_EQ(core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE database = '" + src + "'")), "0");
  test::psql(dst, "DROP TABLE mid");
  req.options.resume = true;
  run::CopyRun resumed(req);
  auto r = resumed.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  for (const char* table : {"big", "mid", "tiny"}) {
    const std::string sql = std::string("SELECT count(*) || '|' || md5(string_agg(t::text, ',' ORDER BY id)) FROM ") + table + " t";
    EXPECT_EQ(core::trim(test::psql(dst, sql)), core::trim(test::psql(src, sql))) << table;
  }
  EXPECT_EQ(schemaObjects(dst), schemaObjects(src));
}

TEST_F(Copy, ResumingAFinishedRunFindsItsPostDataPresent) {
  // Every post-data statement runs again on a resumed run; on MariaDB (1061,
  // 1826) and PostgreSQL (42P07, 42710, 55000) what exists is accepted.
  test::recreatePgDatabase("ferry_t_copy_src5");
  test::psql("ferry_t_copy_src5", "CREATE TABLE a (id int PRIMARY KEY, code varchar(20) NOT NULL UNIQUE, v int CHECK (v >= 0)); "
                                  "INSERT INTO a SELECT g, 'c' || g, g FROM generate_series(1, 1000) g; CREATE INDEX a_v ON a (v); "
                                  "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id)); "
                                  "INSERT INTO b SELECT g, g FROM generate_series(1, 1000) g; ANALYZE");
  test::mariadb("", "DROP DATABASE IF EXISTS public");
  test::recreatePgDatabase("ferry_t_copy_dst5");
  for (bool toPg : {false, true}) {
    const auto target = toPg ? test::pgSpec("ferry_t_copy_dst5") : test::mysqlSpec();
    auto req = request(test::pgSpec("ferry_t_copy_src5"), target, tempState(toPg ? "again-pg" : "again-my"));
    run::CopyRun first(req);
    auto r = first.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
    const std::string objects = toPg ? schemaObjects("ferry_t_copy_dst5")
                                     : test::mariadb("public", "SHOW CREATE TABLE a; SHOW CREATE TABLE b");
    req.options.resume = true;
    run::CopyRun again(req);
    auto r2 = again.run({});
    ASSERT_TRUE(r2.ok()) << (toPg ? "PostgreSQL: " : "MariaDB: ") << r2.error().oneLine();
    EXPECT_EQ(toPg ? schemaObjects("ferry_t_copy_dst5") : test::mariadb("public", "SHOW CREATE TABLE a; SHOW CREATE TABLE b"),
              objects);
  }
  test::mariadb("", "DROP DATABASE IF EXISTS public");
}

}  // namespace
}  // namespace ferry
