// The run-state file: every field round-trips through a reopen, resume turns
// running chunks back to pending, concurrent workers lose no update, rejects
// are kept (and cut at 1 KB), and foreign, newer or missing files are refused.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <atomic>
#include <map>
#include <thread>

#include "state/run_state_store.h"

namespace ferry {
namespace {

using state::ChunkState;
using state::ChunkStatus;
using state::DdlStatus;
using state::OpenMode;
using state::RunStateStore;
using state::TableState;
using state::TableStatus;
using std::chrono::microseconds;

class StateTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_path = (std::filesystem::temp_directory_path() /
              ("ferry-state-test-" + std::to_string(getpid()) + "-" + info->name() + ".ferry-state"))
                 .string();
    removeFiles();
  }
  void TearDown() override { removeFiles(); }
  void removeFiles() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(m_path + suffix);
  }

  std::unique_ptr<RunStateStore> open(OpenMode mode) const {
    auto store = RunStateStore::open(m_path, mode);
    EXPECT_TRUE(store.ok()) << store.error().oneLine();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  /// A file with one run, `tables` tables and `chunksPerTable` chunks each.
  std::unique_ptr<RunStateStore> planned(int tables, int chunksPerTable) const {
    auto store = open(OpenMode::Create);
    EXPECT_TRUE(store->createRun({}).ok());
    std::vector<TableState> ts(static_cast<size_t>(tables));
    for (int i = 0; i < tables; ++i) {
      ts[static_cast<size_t>(i)].sourceSchema = "s";
      ts[static_cast<size_t>(i)].sourceTable = "t" + std::to_string(i);
    }
    auto ids = store->addTables(ts);
    EXPECT_TRUE(ids.ok());
    std::vector<ChunkState> cs;
    cs.reserve(static_cast<size_t>(tables * chunksPerTable));
    for (std::int64_t tableId : *ids) {
      for (int k = 0; k < chunksPerTable; ++k) {
        ChunkState c;
        c.tableId = tableId;
        c.ordinal = k;
        c.lowerBoundJson = "[" + std::to_string(k * 1000) + "]";
        c.upperBoundJson = "[" + std::to_string((k + 1) * 1000) + "]";
        cs.push_back(std::move(c));
      }
    }
    auto chunkIds = store->addChunks(cs);
    EXPECT_TRUE(chunkIds.ok()) << chunkIds.error().oneLine();
    return store;
  }

  std::string m_path;
};

state::TimePoint at(std::int64_t micros) { return state::TimePoint(microseconds(micros)); }

TEST_F(StateTest, EveryFieldRoundTripsThroughAReopen) {
  std::string runId;
  std::int64_t tableA = 0;
  std::int64_t tableB = 0;
  {
    auto store = open(OpenMode::Create);
    ASSERT_TRUE(store);
    state::RunInfo run;
    run.sourceUrl = "mysql://app:S3cr3t@src:3306/shop?ssl-mode=REQUIRED";
    run.targetUrl = "postgresql://app:p@ss@dst/shop";
    run.projectJson = R"({"name":"Shop"})";
    run.optionsJson = R"({"jobs":4})";
    run.status = state::RunStatus::Copying;
    auto created = store->createRun(run);
    ASSERT_TRUE(created.ok()) << created.error().oneLine();
    runId = created->runId;
    EXPECT_EQ(runId.size(), 32u);
    EXPECT_EQ(runId.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_FALSE(store->createRun(run).ok());  // one run per file

    state::SnapshotInfo snap;
    snap.engine = state::SnapshotEngine::PostgreSQL;
    snap.slotName = "ferry_" + runId;
    snap.snapshotName = "00000003-00000002-1";
    snap.consistentLsn = "16/B374D848";
    snap.capturedAt = at(1700000000123456);
    ASSERT_TRUE(store->saveSnapshot(snap).ok());

    TableState a;
    a.sourceSchema = "shop";
    a.sourceTable = "orders";
    a.targetSchema = "public";
    a.targetTable = "orders_new";
    a.estimatedRows = 3000000;
    a.keyColumnsJson = R"(["id"])";
    TableState b = a;
    b.sourceTable = "log";
    b.targetTable = "log";
    b.keyColumnsJson = "[]";
    auto ids = store->addTables({a, b});
    ASSERT_TRUE(ids.ok()) << ids.error().oneLine();
    ASSERT_EQ(ids->size(), 2u);
    tableA = (*ids)[0];
    tableB = (*ids)[1];
    EXPECT_FALSE(store->addTables({a}).ok());  // a source table is added once

    ChunkState c0;
    c0.tableId = tableA;
    c0.ordinal = 0;
    c0.upperBoundJson = "[1000]";
    ChunkState c1 = c0;
    c1.ordinal = 1;
    c1.lowerBoundJson = "[1000]";
    c1.upperBoundJson = "null";
    ChunkState c2;
    c2.tableId = tableB;
    c2.lowerBoundJson = R"j("(0,0)")j";
    c2.upperBoundJson = R"j("(1200,0)")j";
    auto chunkIds = store->addChunks({c0, c1, c2});
    ASSERT_TRUE(chunkIds.ok()) << chunkIds.error().oneLine();
    ASSERT_TRUE(store->markChunkRunning((*chunkIds)[0]).ok());
    ASSERT_TRUE(store->markChunkDone((*chunkIds)[0], {1000, 998, 2, 65536}).ok());
    ASSERT_TRUE(store->markChunkRunning((*chunkIds)[2]).ok());
    ASSERT_TRUE(store->markChunkFailed((*chunkIds)[2], "connection lost").ok());
    ASSERT_TRUE(store->setTableStatus(tableA, TableStatus::Copying).ok());
    ASSERT_TRUE(store->setTableStatus(tableB, TableStatus::Failed).ok());
  }
  auto store = open(OpenMode::Resume);
  ASSERT_TRUE(store);
  auto run = store->loadRun();
  ASSERT_TRUE(run.ok()) << run.error().oneLine();
  EXPECT_EQ(run->runId, runId);
  EXPECT_EQ(run->sourceUrl, "mysql://app@src:3306/shop?ssl-mode=REQUIRED");
  EXPECT_EQ(run->targetUrl, "postgresql://app@dst/shop");
  EXPECT_EQ(run->projectJson, R"({"name":"Shop"})");
  EXPECT_EQ(run->optionsJson, R"({"jobs":4})");
  EXPECT_EQ(run->status, state::RunStatus::Copying);
  EXPECT_GT(run->createdAt, at(1700000000000000));
  ASSERT_TRUE(store->setRunStatus(state::RunStatus::Abandoned).ok());
  EXPECT_EQ(store->loadRun()->status, state::RunStatus::Abandoned);

  auto snap = store->loadSnapshot();
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->has_value());
  EXPECT_EQ((*snap)->engine, state::SnapshotEngine::PostgreSQL);
  EXPECT_EQ((*snap)->slotName, "ferry_" + runId);
  EXPECT_EQ((*snap)->snapshotName, "00000003-00000002-1");
  EXPECT_EQ((*snap)->consistentLsn, "16/B374D848");
  EXPECT_EQ((*snap)->capturedAt, at(1700000000123456));
  EXPECT_EQ((*snap)->globalReadLockMs, 0);

  // A MySQL snapshot replaces it.
  state::SnapshotInfo my;
  my.engine = state::SnapshotEngine::MariaDB;
  my.binlogFile = "mariadb-bin.000042";
  my.binlogPosition = 4294967299ULL;  // past 32 bits
  my.gtidPosition = "0-1-1234";
  my.capturedAt = at(1700000001000000);
  my.globalReadLockMs = 17;
  ASSERT_TRUE(store->saveSnapshot(my).ok());
  snap = store->loadSnapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value());
  EXPECT_EQ((*snap)->engine, state::SnapshotEngine::MariaDB);
  EXPECT_EQ((*snap)->slotName, "");
  EXPECT_EQ((*snap)->binlogFile, "mariadb-bin.000042");
  EXPECT_EQ((*snap)->binlogPosition, 4294967299ULL);
  EXPECT_EQ((*snap)->gtidPosition, "0-1-1234");
  EXPECT_EQ((*snap)->capturedAt, at(1700000001000000));
  EXPECT_EQ((*snap)->globalReadLockMs, 17);

  auto tables = store->listTables();
  ASSERT_TRUE(tables.ok()) << tables.error().oneLine();
  ASSERT_EQ(tables->size(), 2u);
  const TableState& a = (*tables)[0];
  EXPECT_EQ(a.id, tableA);
  EXPECT_EQ(a.sourceSchema, "shop");
  EXPECT_EQ(a.sourceTable, "orders");
  EXPECT_EQ(a.targetSchema, "public");
  EXPECT_EQ(a.targetTable, "orders_new");
  EXPECT_EQ(a.estimatedRows, 3000000);
  EXPECT_EQ(a.keyColumnsJson, R"(["id"])");
  EXPECT_EQ(a.status, TableStatus::Copying);
  EXPECT_TRUE(a.startedAt.has_value());
  EXPECT_FALSE(a.finishedAt.has_value());
  EXPECT_EQ(a.totals.rowsRead, 1000);
  EXPECT_EQ(a.totals.rowsWritten, 998);
  EXPECT_EQ(a.totals.rowsRejected, 2);
  EXPECT_EQ(a.totals.bytes, 65536);
  const TableState& b = (*tables)[1];
  EXPECT_EQ(b.id, tableB);
  EXPECT_EQ(b.keyColumnsJson, "[]");
  EXPECT_EQ(b.status, TableStatus::Failed);
  EXPECT_TRUE(b.finishedAt.has_value());
  EXPECT_EQ(b.totals.rowsRead, 0);

  auto chunks = store->listChunks();
  ASSERT_TRUE(chunks.ok()) << chunks.error().oneLine();
  ASSERT_EQ(chunks->size(), 3u);
  const ChunkState& c0 = (*chunks)[0];
  EXPECT_EQ(c0.tableId, tableA);
  EXPECT_EQ(c0.ordinal, 0);
  EXPECT_EQ(c0.lowerBoundJson, "null");
  EXPECT_EQ(c0.upperBoundJson, "[1000]");
  EXPECT_EQ(c0.status, ChunkStatus::Done);
  EXPECT_EQ(c0.counts.rowsRead, 1000);
  EXPECT_EQ(c0.counts.rowsWritten, 998);
  EXPECT_EQ(c0.counts.rowsRejected, 2);
  EXPECT_EQ(c0.counts.bytes, 65536);
  EXPECT_EQ(c0.attempts, 1);
  ASSERT_TRUE(c0.startedAt && c0.finishedAt);
  EXPECT_LE(*c0.startedAt, *c0.finishedAt);
  EXPECT_EQ(c0.error, "");
  const ChunkState& c1 = (*chunks)[1];
  EXPECT_EQ(c1.ordinal, 1);
  EXPECT_EQ(c1.lowerBoundJson, "[1000]");
  EXPECT_EQ(c1.upperBoundJson, "null");
  EXPECT_EQ(c1.status, ChunkStatus::Pending);
  EXPECT_EQ(c1.attempts, 0);
  EXPECT_FALSE(c1.startedAt.has_value());
  const ChunkState& c2 = (*chunks)[2];
  EXPECT_EQ(c2.tableId, tableB);
  EXPECT_EQ(c2.lowerBoundJson, R"j("(0,0)")j");
  EXPECT_EQ(c2.upperBoundJson, R"j("(1200,0)")j");
  EXPECT_EQ(c2.status, ChunkStatus::Failed);
  EXPECT_EQ(c2.error, "connection lost");
  EXPECT_EQ(c2.attempts, 1);

  auto ofA = store->listChunks({tableA, std::nullopt});
  ASSERT_TRUE(ofA.ok());
  EXPECT_EQ(ofA->size(), 2u);
  auto failed = store->listChunks({std::nullopt, ChunkStatus::Failed});
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, c2.id);
  auto pendingOfA = store->listChunks({tableA, ChunkStatus::Pending});
  ASSERT_TRUE(pendingOfA.ok());
  ASSERT_EQ(pendingOfA->size(), 1u);
  EXPECT_EQ((*pendingOfA)[0].id, c1.id);

  auto totals = store->tableTotals();
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[0].tableId, tableA);
  EXPECT_EQ((*totals)[0].chunksTotal, 2);
  EXPECT_EQ((*totals)[0].chunksDone, 1);
  EXPECT_EQ((*totals)[0].counts.rowsWritten, 998);
  EXPECT_EQ((*totals)[1].chunksFailed, 1);

  auto sum = store->summary();
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->tablesTotal, 2);
  EXPECT_EQ(sum->tablesFailed, 1);
  EXPECT_EQ(sum->estimatedRows, 6000000);
  EXPECT_EQ(sum->chunksTotal, 3);
  EXPECT_EQ(sum->chunksDone, 1);
  EXPECT_EQ(sum->chunksPending, 1);
  EXPECT_EQ(sum->chunksFailed, 1);
  EXPECT_EQ(sum->counts.bytes, 65536);
}

TEST_F(StateTest, ResumeTurnsRunningChunksBackToPendingAndKeepsDone) {
  {
    auto store = planned(1, 4);
    auto chunks = store->listChunks();
    ASSERT_TRUE(chunks.ok());
    ASSERT_TRUE(store->markChunkRunning((*chunks)[0].id).ok());
    ASSERT_TRUE(store->markChunkDone((*chunks)[0].id, {10, 10, 0, 100}).ok());
    ASSERT_TRUE(store->markChunkRunning((*chunks)[1].id).ok());
    ASSERT_TRUE(store->markChunkRunning((*chunks)[2].id).ok());
    // The process dies here: chunks 1 and 2 stay "running" in the file.
  }
  auto store = open(OpenMode::Resume);
  ASSERT_TRUE(store);
  auto reset = store->resetRunningChunks();
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(*reset, 2);
  auto chunks = store->listChunks();
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 4u);
  EXPECT_EQ((*chunks)[0].status, ChunkStatus::Done);
  EXPECT_EQ((*chunks)[0].counts.rowsRead, 10);
  EXPECT_EQ((*chunks)[1].status, ChunkStatus::Pending);
  EXPECT_EQ((*chunks)[1].attempts, 1);
  EXPECT_EQ((*chunks)[2].status, ChunkStatus::Pending);
  EXPECT_EQ((*chunks)[3].status, ChunkStatus::Pending);
  EXPECT_EQ(*store->resetRunningChunks(), 0);

  // A done chunk cannot be started again; an unknown one is reported.
  auto again = store->markChunkRunning((*chunks)[0].id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind(), core::ErrorKind::Data);
  EXPECT_NE(again.error().message().find(m_path), std::string::npos);
  auto unknown = store->markChunkDone(999999, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind(), core::ErrorKind::Data);
  // A retried chunk counts its attempts.
  ASSERT_TRUE(store->markChunkRunning((*chunks)[1].id).ok());
  EXPECT_EQ((*store->listChunks({std::nullopt, ChunkStatus::Running}))[0].attempts, 2);
}

TEST_F(StateTest, DdlStepsAndSourceFactsSurviveAReopen) {
  {
    auto store = planned(1, 1);
    EXPECT_TRUE(store->ddlJournalKept());
    ASSERT_TRUE(store->markDdl("CREATE TABLE a", DdlStatus::Started).ok());
    ASSERT_TRUE(store->markDdl("CREATE TABLE a", DdlStatus::Done).ok());
    ASSERT_TRUE(store->markDdl("CREATE INDEX i", DdlStatus::Started).ok());
    ASSERT_TRUE(store->markDdl("CREATE INDEX j", DdlStatus::Started).ok());
    ASSERT_TRUE(store->forgetDdl("CREATE INDEX j").ok());
    auto tables = store->listTables();
    ASSERT_TRUE(tables.ok());
    const std::int64_t id = tables->front().id;
    ASSERT_TRUE(store->setSourceFilenode(id, 16384).ok());
    ASSERT_TRUE(store->setSourceChanges({{id, 42}}).ok());
  }
  auto store = open(OpenMode::Resume);
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->ddlJournalKept());
  auto steps = store->ddlSteps();
  ASSERT_TRUE(steps.ok());
  ASSERT_EQ(steps->size(), 2u);
  EXPECT_EQ(steps->at("CREATE TABLE a"), DdlStatus::Done);
  EXPECT_EQ(steps->at("CREATE INDEX i"), DdlStatus::Started);
  const std::int64_t id = store->listTables()->front().id;
  EXPECT_EQ(store->sourceFilenode(id)->value_or(-1), 16384);
  EXPECT_EQ(store->sourceChanges()->at(id), 42);
  EXPECT_FALSE(store->sourceFilenode(id + 1)->has_value());
}

TEST_F(StateTest, FourThreadsMarkTenThousandChunksDone) {
  auto store = planned(10, 1000);
  auto chunks = store->listChunks();
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 10000u);
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (size_t w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (size_t i = w; i < chunks->size(); i += 4) {
        const std::int64_t n = static_cast<std::int64_t>(i) + 1;
        if (!store->markChunkRunning((*chunks)[i].id).ok()) ++failures;
        if (!store->markChunkDone((*chunks)[i].id, {n, n, n % 3 == 0 ? 1 : 0, 10 * n}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto sum = store->summary();
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->chunksTotal, 10000);
  EXPECT_EQ(sum->chunksDone, 10000);
  EXPECT_EQ(sum->chunksRunning, 0);
  EXPECT_EQ(sum->counts.rowsRead, 50005000);  // 1 + 2 + ... + 10000
  EXPECT_EQ(sum->counts.rowsWritten, 50005000);
  EXPECT_EQ(sum->counts.rowsRejected, 3333);
  EXPECT_EQ(sum->counts.bytes, 500050000);
  auto totals = store->tableTotals();
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 10u);
  std::int64_t rows = 0;
  for (const auto& t : *totals) {
    EXPECT_EQ(t.chunksDone, 1000);
    rows += t.counts.rowsRead;
  }
  EXPECT_EQ(rows, 50005000);
}

TEST_F(StateTest, PlansHundredThousandChunksInOneBatch) {
  auto store = planned(2000, 50);
  auto sum = store->summary();
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->tablesTotal, 2000);
  EXPECT_EQ(sum->chunksTotal, 100000);
  EXPECT_EQ(sum->chunksPending, 100000);
  auto last = store->listChunks({2000, std::nullopt});
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 50u);
  EXPECT_EQ(last->back().ordinal, 49);
  EXPECT_EQ(last->back().upperBoundJson, "[50000]");
}

TEST_F(StateTest, RejectsRoundTripAndAreCountedPerTable) {
  auto store = planned(2, 1);
  auto tables = store->listTables();
  auto chunks = store->listChunks();
  ASSERT_TRUE(tables.ok() && chunks.ok());
  const std::int64_t t1 = (*tables)[0].id;
  const std::int64_t t2 = (*tables)[1].id;
  state::RejectRecord r;
  r.tableId = t1;
  r.chunkId = (*chunks)[0].id;
  r.keyText = "id=17";
  r.column = "born";
  r.valueText = "0000-00-00";
  r.reason = "zero date has no PostgreSQL equivalent";
  ASSERT_TRUE(store->addReject(r).ok());
  state::RejectRecord big;
  big.tableId = t1;
  big.keyText = "id=18";
  big.valueText = std::string(1023, 'x') + "\xC3\xA9" + std::string(5000, 'y');  // é straddles 1 KB
  big.reason = "value too long";
  state::RejectRecord other = r;
  other.tableId = t2;
  other.chunkId.reset();
  ASSERT_TRUE(store->addRejects({big, other}).ok());
  store.reset();

  store = open(OpenMode::Resume);
  ASSERT_TRUE(store);
  auto rejects = store->listRejects();
  ASSERT_TRUE(rejects.ok()) << rejects.error().oneLine();
  ASSERT_EQ(rejects->size(), 3u);
  const auto& first = (*rejects)[0];
  EXPECT_EQ(first.tableId, t1);
  EXPECT_EQ(first.chunkId, (*chunks)[0].id);
  EXPECT_EQ(first.keyText, "id=17");
  EXPECT_EQ(first.column, "born");
  EXPECT_EQ(first.valueText, "0000-00-00");
  EXPECT_FALSE(first.valueTruncated);
  EXPECT_EQ(first.reason, "zero date has no PostgreSQL equivalent");
  const auto& second = (*rejects)[1];
  EXPECT_EQ(second.valueText, std::string(1023, 'x'));  // cut before the 2-byte character
  EXPECT_TRUE(second.valueTruncated);
  EXPECT_FALSE(second.chunkId.has_value());
  EXPECT_EQ(second.column, "");
  EXPECT_EQ((*rejects)[2].tableId, t2);
  EXPECT_FALSE((*rejects)[2].chunkId.has_value());

  auto ofT2 = store->listRejects(t2);
  ASSERT_TRUE(ofT2.ok());
  EXPECT_EQ(ofT2->size(), 1u);
  auto counts = store->rejectCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::map<std::int64_t, std::int64_t>{{t1, 2}, {t2, 1}}));
  EXPECT_EQ(store->summary()->rejects, 3);
}

TEST_F(StateTest, ResumeOfAMissingFileIsNotFoundWithAHint) {
  auto store = RunStateStore::open(m_path, OpenMode::Resume);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind(), core::ErrorKind::NotFound);
  EXPECT_NE(store.error().message().find(m_path), std::string::npos);
  EXPECT_NE(store.error().hint().find("without --resume"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(m_path));  // nothing was created
}

TEST_F(StateTest, CreateRefusesAnExistingFile) {
  ASSERT_TRUE(open(OpenMode::Create));
  auto again = RunStateStore::open(m_path, OpenMode::Create);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind(), core::ErrorKind::Io);
  EXPECT_NE(again.error().message().find(m_path), std::string::npos);
  EXPECT_FALSE(again.error().hint().empty());
}

TEST_F(StateTest, RefusesAGarbageFile) {
  {
    std::ofstream out(m_path, std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just text " << i << '\n';
  }
  auto store = RunStateStore::open(m_path, OpenMode::Resume);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind(), core::ErrorKind::Data);
  EXPECT_NE(store.error().message().find(m_path), std::string::npos);
  EXPECT_NE(store.error().message().find("not a Ferry run-state file"), std::string::npos);
}

TEST_F(StateTest, RefusesAnSqliteFileThatIsNotOurs) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(m_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = RunStateStore::open(m_path, OpenMode::Resume);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind(), core::ErrorKind::Data);
  EXPECT_NE(store.error().message().find("not a Ferry run-state file"), std::string::npos);
}

TEST_F(StateTest, RefusesAFileFromANewerVersion) {
  ASSERT_TRUE(open(OpenMode::Create));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(m_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = RunStateStore::open(m_path, OpenMode::Resume);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind(), core::ErrorKind::Data);
  EXPECT_NE(store.error().message().find(m_path), std::string::npos);
  EXPECT_NE(store.error().message().find("newer Ferry (state format 99"), std::string::npos);
  EXPECT_FALSE(store.error().hint().empty());
}

TEST(StateHelpers, UrlWithoutPasswordAndUtf8Truncation) {
  EXPECT_EQ(state::urlWithoutPassword("mysql://u:pw@h:3306/db"), "mysql://u@h:3306/db");
  EXPECT_EQ(state::urlWithoutPassword("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(state::urlWithoutPassword("postgresql://h/db?user=a@b"), "postgresql://h/db?user=a@b");
  EXPECT_EQ(state::urlWithoutPassword("mysql://u:a@b@h/db"), "mysql://u@h/db");
  std::string s = "ab\xE2\x82\xAC";  // "ab€"
  EXPECT_TRUE(state::truncateUtf8(s, 4));
  EXPECT_EQ(s, "ab");
  EXPECT_FALSE(state::truncateUtf8(s, 4));
}

}  // namespace
}  // namespace ferry
