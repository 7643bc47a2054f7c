// Integration: the streaming and snapshot building blocks of the copy phase against
// the sandbox servers — PostgreSQL COPY out/in, exported snapshots on a logical slot,
// MySQL/MariaDB streamed results and consistent snapshots with binlog coordinates.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "connect/pg/pg_replication.h"
#include "core/text.h"
#include "support/test_support.h"

namespace ferry {
namespace {

using connect::MySqlConnection;
using connect::PgConnection;
using core::ErrorKind;

const std::string kPgSource = "ferry_t_stream";
const std::string kPgTarget = "ferry_t_stream_b";
const std::string kMyDb = "ferry_t_stream";
constexpr int kItemRows = 50000;  // enough for many CopyData messages, quick to load

const char* kItemsDdl =
    "CREATE TABLE public.items (id bigint PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0), "
    "price numeric(12,2), label text, at timestamptz, data bytea, tags text[], doc jsonb)";

std::string trimmed(const std::string& s) { return core::trim(s); }

/// Resident set size of this process in bytes (0 when /proc is not there).
std::uint64_t residentBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

class StreamEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    // A slot left by a crashed earlier run would hold WAL and block DROP DATABASE.
    test::psql("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                           "WHERE database = '" + kPgSource + "' AND NOT active");
    test::recreatePgDatabase(kPgSource);
    test::recreatePgDatabase(kPgTarget);
    test::psql(kPgSource, kItemsDdl);
    test::psql(kPgTarget, kItemsDdl);
    test::psql(kPgSource,
               "INSERT INTO public.items SELECT g, g % 1000, (g * 1.37)::numeric(12,2), "
               "CASE WHEN g % 10 = 0 THEN NULL ELSE 'label ' || g || ' ünïcödé ' || repeat('z', g % 50) END, "
               "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', decode(md5(g::text), 'hex'), "
               "ARRAY['a' || g, NULL], jsonb_build_object('g', g, 'odd', g % 2 = 1) "
               "FROM generate_series(1, " + std::to_string(kItemRows) + ") g");
    test::psql(kPgSource, "CREATE TABLE public.ticks (id serial PRIMARY KEY, note text)");
    test::psql(kPgSource, "INSERT INTO public.ticks (note) VALUES ('before')");
    test::recreateMySqlDatabase(kMyDb);
    test::mariadb(kMyDb,
                  "CREATE TABLE bin (id int PRIMARY KEY, v varbinary(16), t text NULL) ENGINE=InnoDB;"
                  "INSERT INTO bin VALUES (1, X'610062', 'x'), (2, X'', NULL), (3, X'000000', '\\0');"
                  "CREATE TABLE ticks (id int AUTO_INCREMENT PRIMARY KEY, note varchar(20)) ENGINE=InnoDB;"
                  "INSERT INTO ticks (note) VALUES ('before');");
  }
};

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new StreamEnvironment);

std::unique_ptr<PgConnection> pg(const std::string& db) {
  auto c = PgConnection::open(test::pgSpec(db));
  EXPECT_TRUE(c.ok()) << c.error().oneLine();
  return c.ok() ? std::move(c).value() : nullptr;
}

std::unique_ptr<MySqlConnection> my() {
  auto c = MySqlConnection::open(test::mysqlSpec(kMyDb));
  EXPECT_TRUE(c.ok()) << c.error().oneLine();
  return c.ok() ? std::move(c).value() : nullptr;
}

std::string itemsDigest(const std::string& db) {
  return trimmed(test::psql(db, "SELECT count(*) || ' ' || md5(string_agg(t::text, '|' ORDER BY id)) "
                                "FROM public.items t"));
}

// ---------------------------------------------------------------- PostgreSQL COPY

TEST(PgCopy, BinaryOutStraightIntoAnotherDatabase) {
  test::psql(kPgTarget, "TRUNCATE public.items");
  auto src = pg(kPgSource);
  auto dst = pg(kPgTarget);
  ASSERT_TRUE(src && dst);
  auto in = dst->beginCopyIn("COPY public.items FROM STDIN (FORMAT binary)");
  ASSERT_TRUE(in.ok()) << in.error().oneLine();
  std::uint64_t messages = 0;
  auto out = src->copyOut("COPY (SELECT * FROM public.items) TO STDOUT (FORMAT binary)",
                          [&](std::string_view bytes) {
                            ++messages;
                            return in->write(bytes);
                          });
  ASSERT_TRUE(out.ok()) << out.error().oneLine();
  EXPECT_EQ(out->rows, static_cast<std::uint64_t>(kItemRows));
  EXPECT_GE(messages, static_cast<std::uint64_t>(kItemRows));  // the server sends a message per row
  auto done = in->finish();
  ASSERT_TRUE(done.ok()) << done.error().oneLine();
  EXPECT_EQ(done->rows, static_cast<std::uint64_t>(kItemRows));
  EXPECT_EQ(done->bytes, out->bytes);
  EXPECT_FALSE(in->active());

  const std::string want = itemsDigest(kPgSource);
  EXPECT_EQ(want.substr(0, want.find(' ')), std::to_string(kItemRows));
  EXPECT_EQ(itemsDigest(kPgTarget), want);
}

TEST(PgCopy, TextOut) {
  auto src = pg(kPgSource);
  ASSERT_TRUE(src);
  std::string text;
  auto out = src->copyOut(
      "COPY (SELECT id, label, data FROM public.items WHERE id IN (9, 10) ORDER BY id) TO STDOUT (FORMAT text)",
      [&](std::string_view bytes) -> core::Status {
        text.append(bytes);
        return {};
      });
  ASSERT_TRUE(out.ok()) << out.error().oneLine();
  EXPECT_EQ(out->rows, 2u);
  EXPECT_EQ(out->bytes, text.size());
  EXPECT_EQ(text,
            "9\tlabel 9 ünïcödé zzzzzzzzz\t\\\\x45c48cce2e2d7fbdea1afc51c7c6ad26\n"
            "10\t\\N\t\\\\xd3d9446802a44259755d38e6d163e820\n");
}

TEST(PgCopy, CopyInConstraintViolationGivesSqlState) {
  auto dst = pg(kPgTarget);
  ASSERT_TRUE(dst);
  ASSERT_TRUE(dst->exec("CREATE TEMP TABLE strict_t (id int PRIMARY KEY, qty int CHECK (qty >= 0))").ok());

  auto in = dst->beginCopyIn("COPY strict_t FROM STDIN (FORMAT text)");
  ASSERT_TRUE(in.ok()) << in.error().oneLine();
  ASSERT_TRUE(in->write("1\t5\n2\t").ok());  // a row split across writes is fine
  ASSERT_TRUE(in->write("-1\n").ok());
  auto done = in->finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().sqlState(), "23514") << done.error().oneLine();
  EXPECT_EQ(done.error().kind(), ErrorKind::Data);

  auto dup = dst->beginCopyIn("COPY strict_t FROM STDIN");
  ASSERT_TRUE(dup.ok());
  ASSERT_TRUE(dup->write("1\t1\n1\t2\n").ok());
  auto dupDone = dup->finish();
  ASSERT_FALSE(dupDone.ok());
  EXPECT_EQ(dupDone.error().sqlState(), "23505");

  // The connection is idle and usable after a refused COPY; nothing was loaded.
  auto n = dst->query("SELECT count(*) AS n FROM strict_t");
  ASSERT_TRUE(n.ok()) << n.error().oneLine();
  EXPECT_EQ(n->row(0).i64("n"), 0);
}

TEST(PgCopy, AbortAndDestructionRollBack) {
  auto dst = pg(kPgTarget);
  ASSERT_TRUE(dst);
  ASSERT_TRUE(dst->exec("CREATE TEMP TABLE abort_t (id int)").ok());
  {
    auto in = dst->beginCopyIn("COPY abort_t FROM STDIN");
    ASSERT_TRUE(in.ok());
    ASSERT_TRUE(in->write("1\n2\n").ok());
    auto st = in->abort("test gives up");
    EXPECT_TRUE(st.ok()) << st.error().oneLine();
    EXPECT_FALSE(in->active());
  }
  {
    auto in = dst->beginCopyIn("COPY abort_t FROM STDIN");
    ASSERT_TRUE(in.ok());
    ASSERT_TRUE(in->write("3\n").ok());
  }  // destroyed unfinished: aborts
  auto n = dst->query("SELECT count(*) AS n FROM abort_t");
  ASSERT_TRUE(n.ok()) << n.error().oneLine();
  EXPECT_EQ(n->row(0).i64("n"), 0);
}

TEST(PgCopy, WrongDirectionIsRefusedAndConnectionStaysUsable) {
  auto c = pg(kPgSource);
  ASSERT_TRUE(c);
  auto in = c->beginCopyIn("COPY (SELECT 1) TO STDOUT");
  EXPECT_FALSE(in.ok());
  auto out = c->copyOut("COPY public.ticks FROM STDIN", [](std::string_view) -> core::Status { return {}; });
  EXPECT_FALSE(out.ok());
  auto bad = c->copyOut("COPY (SELECT * FROM no_such_table) TO STDOUT", [](std::string_view) -> core::Status {
    return {};
  });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().sqlState(), "42P01");
  EXPECT_TRUE(c->query("SELECT 1").ok());
}

TEST(PgCopy, SinkErrorStopsTheCopy) {
  auto c = pg(kPgSource);
  ASSERT_TRUE(c);
  int calls = 0;
  auto out = c->copyOut("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT",
                        [&](std::string_view) -> core::Status {
                          if (++calls == 10) return core::Error(ErrorKind::Io, "the writer failed");
                          return {};
                        });
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind(), ErrorKind::Io);
  EXPECT_EQ(calls, 10);
  auto after = c->query("SELECT 2 AS v");
  ASSERT_TRUE(after.ok()) << after.error().oneLine();
  EXPECT_EQ(after->row(0).i64("v"), 2);
}

TEST(PgCopy, TerminatedBackendIsConnectionLost) {
  auto c = pg(kPgSource);
  auto killer = pg(kPgSource);
  ASSERT_TRUE(c && killer);
  auto pid = c->query("SELECT pg_backend_pid() AS p");
  ASSERT_TRUE(pid.ok());
  bool killed = false;
  auto out = c->copyOut("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT",
                        [&](std::string_view) -> core::Status {
                          if (!killed) {
                            killed = true;
                            auto k = killer->query("SELECT pg_terminate_backend($1::int)", {pid->row(0).str("p")});
                            EXPECT_TRUE(k.ok());
                          }
                          return {};
                        });
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind(), ErrorKind::ConnectionLost) << out.error().oneLine();
  EXPECT_TRUE(out.error().breaksConnection());
}

// ------------------------------------------------------ PostgreSQL exported snapshot

/// Drops the slot when the test ends, whatever happened: a leftover slot holds WAL forever.
struct SlotGuard {
  std::string name;
  ~SlotGuard() {
    // The walsender of a just-closed export may hold the slot a moment longer.
    for (int i = 0; i < 40; ++i) {  // 40 × 50 ms: far beyond a normal backend exit
      test::psql("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                             "WHERE slot_name = '" + name + "' AND NOT active");
      if (core::trim(test::psql("postgres", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" +
                                                name + "'")) == "0") {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "replication slot " << name << " is left over: drop it by hand";
  }
};

TEST(PgSnapshot, SlotCommandFollowsServerVersion) {
  model::ServerVersion v14;
  v14.major = 14;
  model::ServerVersion v15;
  v15.major = 15;
  EXPECT_EQ(connect::createSlotCommand("s1", "pgoutput", v14), "CREATE_REPLICATION_SLOT s1 LOGICAL pgoutput EXPORT_SNAPSHOT");
  EXPECT_EQ(connect::createSlotCommand("s1", "pgoutput", v15),
            "CREATE_REPLICATION_SLOT s1 LOGICAL pgoutput (SNAPSHOT 'export')");
  EXPECT_EQ(connect::createSlotCommand("v1", "pgoutput", v15, true),
            "CREATE_REPLICATION_SLOT v1 TEMPORARY LOGICAL pgoutput (SNAPSHOT 'export')");
  EXPECT_FALSE(connect::validateSlotName("Bad-Name").ok());
  EXPECT_FALSE(connect::validateSlotName(std::string(64, 'a')).ok());
  EXPECT_TRUE(connect::validateSlotName("ferry_run_42").ok());
  auto lsn = connect::parseLsn("16/B374D848");
  ASSERT_TRUE(lsn.ok());
  EXPECT_EQ(*lsn, (std::uint64_t{0x16} << 32) | 0xB374D848u);
  EXPECT_EQ(connect::formatLsn(*lsn), "16/B374D848");
  EXPECT_FALSE(connect::parseLsn("16B374D848").ok());
  EXPECT_FALSE(connect::parseLsn("x/1").ok());
}

TEST(PgSnapshot, WorkersSeeTheExportedSnapshotOnly) {
  SlotGuard guard{"ferry_t_stream_" + std::to_string(::getpid())};
  connect::ExportedSnapshotOptions options;
  options.slotName = guard.name;
  auto snap = connect::ExportedSnapshot::create(test::pgSpec(kPgSource), options);
  ASSERT_TRUE(snap.ok()) << snap.error().oneLine();
  const auto& slot = (*snap)->slot();
  EXPECT_EQ(slot.slotName, guard.name);
  EXPECT_EQ(slot.outputPlugin, "pgoutput");
  EXPECT_FALSE(slot.snapshotName.empty());
  auto lsn = connect::parseLsn(slot.consistentPoint);
  ASSERT_TRUE(lsn.ok()) << slot.consistentPoint;
  EXPECT_EQ(*lsn, slot.consistentLsn);
  EXPECT_GT(*lsn, 0u);

  auto other = pg(kPgSource);
  ASSERT_TRUE(other);
  auto inSlots = other->query("SELECT slot_type, plugin, database FROM pg_replication_slots WHERE slot_name = $1",
                              {guard.name});
  ASSERT_TRUE(inSlots.ok()) << inSlots.error().oneLine();
  ASSERT_EQ(inSlots->size(), 1u);
  EXPECT_EQ(inSlots->row(0).str("slot_type"), "logical");
  EXPECT_EQ(inSlots->row(0).str("database"), kPgSource);

  ASSERT_TRUE(other->exec("INSERT INTO public.ticks (note) VALUES ('after the snapshot')").ok());

  auto worker = pg(kPgSource);
  ASSERT_TRUE(worker);
  auto imported = worker->importSnapshot(slot.snapshotName);
  ASSERT_TRUE(imported.ok()) << imported.error().oneLine();
  auto seen = worker->query("SELECT count(*) AS n FROM public.ticks WHERE note = 'after the snapshot'");
  ASSERT_TRUE(seen.ok()) << seen.error().oneLine();
  EXPECT_EQ(seen->row(0).i64("n"), 0);
  auto before = worker->query("SELECT count(*) AS n FROM public.ticks WHERE note = 'before'");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->row(0).i64("n"), 1);
  ASSERT_TRUE(worker->exec("COMMIT").ok());
  auto fresh = worker->query("SELECT count(*) AS n FROM public.ticks WHERE note = 'after the snapshot'");
  ASSERT_TRUE(fresh.ok());
  EXPECT_GE(fresh->row(0).i64("n"), 1);

  // Ending the export makes the snapshot unusable; the slot stays until dropped.
  const int walsender = (*snap)->backendPid();
  EXPECT_GT(walsender, 0);
  (*snap)->release();
  EXPECT_FALSE((*snap)->exporting());
  // The server ends the walsender asynchronously after the connection closes.
  for (int i = 0; i < 100; ++i) {  // 100 × 50 ms: far beyond a normal backend exit
    auto alive = other->query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int",
                              {std::to_string(walsender)});
    ASSERT_TRUE(alive.ok());
    if (alive->row(0).i64("n") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto late = worker->importSnapshot(slot.snapshotName);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().sqlState(), "22023") << late.error().oneLine();
  EXPECT_TRUE(worker->query("SELECT 1").ok());  // rolled back, usable

  ASSERT_TRUE(connect::dropReplicationSlot(*other, guard.name).ok());
  auto gone = other->query("SELECT count(*) AS n FROM pg_replication_slots WHERE slot_name = $1", {guard.name});
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->row(0).i64("n"), 0);
  auto again = connect::dropReplicationSlot(*other, guard.name);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind(), ErrorKind::NotFound) << again.error().oneLine();
}

TEST(PgSnapshot, DuplicateSlotNameIsRefused) {
  SlotGuard guard{"ferry_t_stream_dup_" + std::to_string(::getpid())};
  connect::ExportedSnapshotOptions options;
  options.slotName = guard.name;
  auto first = connect::ExportedSnapshot::create(test::pgSpec(kPgSource), options);
  ASSERT_TRUE(first.ok()) << first.error().oneLine();
  auto second = connect::ExportedSnapshot::create(test::pgSpec(kPgSource), options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().sqlState(), "42710") << second.error().oneLine();
  (*first)->release();
}

// ------------------------------------------------------------- MySQL streaming

TEST(MySqlStream, MillionRowsWithFlatMemory) {
  auto c = my();
  ASSERT_TRUE(c);
  std::vector<std::string> columns;
  connect::MySqlStreamOptions options;
  options.onColumns = [&](const std::vector<std::string>& names) -> core::Status {
    columns = names;
    return {};
  };
  const std::uint64_t before = residentBytes();
  std::uint64_t peak = before;
  std::uint64_t sum = 0;
  bool shapeOk = true;
  auto stats = c->stream("SELECT seq AS id, CONCAT('row-', seq) AS label, REPEAT('x', 100) AS pad "
                         "FROM seq_1_to_1000000",
                         [&](const connect::MySqlRow& row) -> core::Status {
                           shapeOk = shapeOk && row.size() == 3 && row[0] && row[2] && row[2]->size() == 100;
                           const std::uint64_t id = std::stoull(std::string(*row[0]));
                           sum += id;
                           if (id % 50000 == 0) peak = std::max(peak, residentBytes());
                           return {};
                         },
                         options);
  ASSERT_TRUE(stats.ok()) << stats.error().oneLine();
  EXPECT_EQ(stats->rows, 1000000u);
  EXPECT_EQ(sum, 500000500000u);
  EXPECT_TRUE(shapeOk);
  EXPECT_EQ(columns, (std::vector<std::string>{"id", "label", "pad"}));
  EXPECT_GT(stats->bytes, 100000000u);
  const std::uint64_t growth = std::max(peak, residentBytes()) - before;
  std::cout << "[ info ] RSS before " << before / 1024 << " kB, growth while streaming 1,000,000 rows "
            << growth / 1024 << " kB\n";
  EXPECT_LT(growth, 50u * 1024 * 1024);
  // The session is ready for the next statement, and net_write_timeout was raised.
  auto t = c->query("SELECT @@SESSION.net_write_timeout AS t");
  ASSERT_TRUE(t.ok()) << t.error().oneLine();
  EXPECT_EQ(t->row(0).i64("t"), 3600);
}

TEST(MySqlStream, BinarySafeValuesAndNulls) {
  auto c = my();
  ASSERT_TRUE(c);
  std::vector<std::vector<std::optional<std::string>>> rows;
  auto stats = c->stream("SELECT id, v, t FROM bin ORDER BY id", [&](const connect::MySqlRow& row) -> core::Status {
    std::vector<std::optional<std::string>> copy;
    for (const auto& cell : row) copy.push_back(cell ? std::optional<std::string>(std::string(*cell)) : std::nullopt);
    rows.push_back(std::move(copy));
    return {};
  });
  ASSERT_TRUE(stats.ok()) << stats.error().oneLine();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], std::string("a\0b", 3));
  EXPECT_EQ(rows[1][1], std::string());
  EXPECT_FALSE(rows[1][2].has_value());
  EXPECT_EQ(rows[2][1], std::string(3, '\0'));
  EXPECT_EQ(rows[2][2], std::string(1, '\0'));
}

TEST(MySqlStream, ServerAbortMidStreamIsAnError) {
  auto c = my();
  ASSERT_TRUE(c);
  std::uint64_t seen = 0;
  // max_statement_time kills the query while rows are flowing: the stream must
  // not look like a complete, shorter result.
  auto stats = c->stream("SET STATEMENT max_statement_time = 0.5 FOR SELECT seq FROM seq_1_to_1000000000",
                         [&](const connect::MySqlRow&) -> core::Status {
                           ++seen;
                           return {};
                         });
  ASSERT_FALSE(stats.ok()) << "a killed stream ended quietly after " << stats->rows << " rows";
  std::cout << "[ info ] aborted after " << seen << " rows: " << stats.error().oneLine() << " (code "
            << stats.error().vendorCode() << ")\n";
  EXPECT_GT(seen, 0u);
  EXPECT_TRUE(c->query("SELECT 1").ok());
}

TEST(MySqlStream, CallbackErrorStopsAndConnectionStaysUsable) {
  auto c = my();
  ASSERT_TRUE(c);
  int calls = 0;
  auto stats = c->stream("SELECT seq FROM seq_1_to_100000", [&](const connect::MySqlRow&) -> core::Status {
    if (++calls == 5) return core::Error(ErrorKind::Io, "the writer failed");
    return {};
  });
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.error().kind(), ErrorKind::Io);
  EXPECT_EQ(calls, 5);
  auto after = c->query("SELECT 7 AS v");
  ASSERT_TRUE(after.ok()) << after.error().oneLine();
  EXPECT_EQ(after->row(0).i64("v"), 7);
}

// ------------------------------------------------------- MySQL consistent snapshot

struct MasterStatus {
  std::string file;
  std::uint64_t position = 0;
  bool operator==(const MasterStatus&) const = default;
};

MasterStatus masterStatus(MySqlConnection& c) {
  auto r = c.query("SHOW MASTER STATUS");
  EXPECT_TRUE(r.ok() && !r->empty());
  if (!r.ok() || r->empty()) return {};
  return {r->row(0).str("File"), static_cast<std::uint64_t>(r->row(0).i64("Position"))};
}

TEST(MySqlSnapshot, ConsistentSnapshotHidesLaterWritesAndKnowsItsPosition) {
  auto snap = my();
  auto other = my();
  ASSERT_TRUE(snap && other);
  // Other suites may write to the shared sandbox server: retry until no write
  // happened around the snapshot, so "the position before" is well defined.
  connect::BinlogPosition pos;
  MasterStatus before;
  bool quiet = false;
  for (int attempt = 0; attempt < 10 && !quiet; ++attempt) {
    before = masterStatus(*other);
    auto p = snap->startConsistentSnapshot();
    ASSERT_TRUE(p.ok()) << p.error().oneLine();
    pos = *p;
    quiet = masterStatus(*other) == before;
    if (!quiet) {
      ASSERT_TRUE(snap->exec("COMMIT").ok());
    }
  }
  ASSERT_TRUE(quiet) << "the server never stayed quiet for a moment";
  EXPECT_EQ(pos.file, before.file);
  EXPECT_EQ(pos.position, before.position);
  EXPECT_FALSE(pos.gtidPosition.empty());

  ASSERT_TRUE(other->exec("INSERT INTO ticks (note) VALUES ('after')").ok());
  auto inSnap = snap->query("SELECT COUNT(*) AS n FROM ticks WHERE note = 'after'");
  ASSERT_TRUE(inSnap.ok()) << inSnap.error().oneLine();
  EXPECT_EQ(inSnap->row(0).i64("n"), 0);
  auto outside = other->query("SELECT COUNT(*) AS n FROM ticks WHERE note = 'after'");
  ASSERT_TRUE(outside.ok());
  EXPECT_GE(outside->row(0).i64("n"), 1);
  EXPECT_NE(masterStatus(*other), before);
  ASSERT_TRUE(snap->exec("COMMIT").ok());
  auto afterCommit = snap->query("SELECT COUNT(*) AS n FROM ticks WHERE note = 'after'");
  ASSERT_TRUE(afterCommit.ok());
  EXPECT_GE(afterCommit->row(0).i64("n"), 1);
}

TEST(MySqlSnapshot, SharedSnapshotUnderBriefReadLock) {
  auto coordinator = my();
  auto w1 = my();
  auto w2 = my();
  auto other = my();
  ASSERT_TRUE(coordinator && w1 && w2 && other);
  std::vector<MySqlConnection*> workers{w1.get(), w2.get()};
  auto shared = connect::startSharedSnapshot(*coordinator, workers);
  ASSERT_TRUE(shared.ok()) << shared.error().oneLine();
  std::cout << "[ info ] read lock waited " << shared->lockWait.count() << " us, held "
            << shared->lockHeld.count() << " us\n";
  EXPECT_GT(shared->lockHeld.count(), 0);
  EXPECT_FALSE(shared->position.file.empty());
  EXPECT_FALSE(shared->position.gtidPosition.empty());
  if (coordinator->flavour() == model::Engine::MariaDB) {
    // Read under the lock; the same as the binlog's own answer for that file and position.
    auto g = other->query("SELECT BINLOG_GTID_POS('" + shared->position.file + "', " +
                          std::to_string(shared->position.position) + ") AS g");
    ASSERT_TRUE(g.ok()) << g.error().oneLine();
    EXPECT_EQ(shared->position.gtidPosition, g->row(0).str("g"));
  }

  ASSERT_TRUE(other->exec("INSERT INTO ticks (note) VALUES ('shared-after')").ok());
  for (MySqlConnection* w : workers) {
    // Each worker's own snapshot sits exactly at the shared position (taken under the lock).
    auto st = w->query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    ASSERT_TRUE(st.ok()) << st.error().oneLine();
    for (const auto& r : *st) {
      if (r.str("Variable_name") == "Binlog_snapshot_file") {
        EXPECT_EQ(r.str("Value"), shared->position.file);
      }
      if (r.str("Variable_name") == "Binlog_snapshot_position") {
        EXPECT_EQ(r.str("Value"), std::to_string(shared->position.position));
      }
    }
    auto n = w->query("SELECT COUNT(*) AS n FROM ticks WHERE note = 'shared-after'");
    ASSERT_TRUE(n.ok()) << n.error().oneLine();
    EXPECT_EQ(n->row(0).i64("n"), 0);
    ASSERT_TRUE(w->exec("COMMIT").ok());
  }
  // The lock is gone: the coordinator's session can write again.
  EXPECT_TRUE(coordinator->exec("INSERT INTO ticks (note) VALUES ('unlocked')").ok());
}

}  // namespace
}  // namespace ferry
