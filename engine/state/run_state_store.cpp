#include "state/run_state_store.h"

#include <sqlite3.h>

#include <filesystem>
#include <random>

#include "state/run_state_store_impl.h"
#include "state/state_sql.h"

namespace ferry::state {
namespace {

using detail::fromMicros;
using detail::toMicros;

constexpr const char* kForeignFileHint =
    "Pass the .ferry-state file of a copy run, or start a new run without --resume.";

std::string randomRunId() {
  // 16 random bytes: unique across runs without coordination, and short enough
  // for a PostgreSQL slot name ("ferry_" + 32 hex digits < 63 characters).
  std::random_device device;
  std::string id;
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t word = device();
    for (int shift = 28; shift >= 0; shift -= 4) id.push_back("0123456789abcdef"[(word >> shift) & 0xF]);
  }
  return id;
}

core::Status checkFormat(detail::SqliteDb& db) {
  // The first read of the file: a file that is not SQLite fails here.
  auto has = db.prepare(sql::kHasVersionTable);
  core::Result<bool> row = has.ok() ? has->step() : core::Result<bool>(has.error());
  if (!row.ok()) {
    if (row.error().kind() != core::ErrorKind::Data) return std::move(row).error();
    return db.fileError(core::ErrorKind::Data,
                        "is not a Ferry run-state file (not an SQLite database)", kForeignFileHint);
  }
  if (!*row || has->int64(0) == 0) {
    return db.fileError(core::ErrorKind::Data,
                        "is not a Ferry run-state file (no schema_version table)", kForeignFileHint);
  }
  FERRY_STATE_PREPARE(version, db, sql::kSelectVersion);
  auto versionRow = version.step();
  if (!versionRow.ok()) return std::move(versionRow).error();
  if (!*versionRow || version.text(0) != sql::kApplication || version.int64(1) < 1) {
    return db.fileError(core::ErrorKind::Data,
                        "is not a Ferry run-state file (unknown schema_version)", kForeignFileHint);
  }
  if (version.int64(1) > RunStateStore::kSchemaVersion) {
    return db.fileError(core::ErrorKind::Data,
                        "was written by a newer Ferry (state format " +
                            std::to_string(version.int64(1)) + "; this build reads up to " +
                            std::to_string(RunStateStore::kSchemaVersion) + ")",
                        "Resume with that newer Ferry, or start a new run with a new state file.");
  }
  return {};
}

core::Status createSchema(detail::SqliteDb& db) {
  auto tx = detail::Transaction::begin(db);
  if (!tx.ok()) return std::move(tx).error();
  FERRY_TRY(db.exec(sql::kCreateSchema, "creating the schema"));
  {
    FERRY_STATE_PREPARE(insert, db, sql::kInsertVersion);
    FERRY_TRY(insert.bind(1, std::string_view(sql::kApplication))
                  .bind(2, std::int64_t{RunStateStore::kSchemaVersion})
                  .run());
  }
  return (*tx)->commit();
}

core::Result<RunStatus> runStatusFrom(const detail::SqliteDb& db, const std::string& name) {
  if (auto s = parseRunStatus(name)) return *s;
  return db.fileError(core::ErrorKind::Data, "unknown run status '" + name + "'");
}

}  // namespace

RunStateStore::RunStateStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RunStateStore::~RunStateStore() = default;

const std::string& RunStateStore::path() const { return m_impl->db->path(); }

core::Result<std::unique_ptr<RunStateStore>> RunStateStore::open(const std::string& path,
                                                                 OpenMode mode) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (mode == OpenMode::Resume && !exists) {
    return core::Error(core::ErrorKind::NotFound,
                       "run-state file '" + path + "' does not exist",
                       "Run without --resume to start a new run; it creates the state file.");
  }
  if (mode == OpenMode::Create && exists) {
    return core::Error(core::ErrorKind::Io, "run-state file '" + path + "' already exists",
                       "Continue that run with --resume, or delete the file (or pass another "
                       "--state FILE) to start fresh.");
  }
  // NOMUTEX: the store's own mutex serializes every use of the connection.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == OpenMode::Create) flags |= SQLITE_OPEN_CREATE;
  auto db = detail::SqliteDb::open(path, flags);
  if (!db.ok()) return std::move(db).error();
  detail::SqliteDb& conn = **db;
  if (mode == OpenMode::Resume) FERRY_TRY(checkFormat(conn));
  FERRY_TRY(conn.exec(sql::kPragmas, "setting the journal mode"));
  if (mode == OpenMode::Create) FERRY_TRY(createSchema(conn));
  FERRY_TRY(conn.exec(sql::kCreateSourceTables, "adding the source_tables table"));
  bool journalKept = true;
  if (mode == OpenMode::Resume) {
    FERRY_STATE_PREPARE(has, conn, sql::kHasDdlSteps);
    auto row = has.step();
    if (!row.ok()) return std::move(row).error();
    journalKept = *row && has.int64(0) > 0;
  }
  FERRY_TRY(conn.exec(sql::kCreateDdlSteps, "adding the ddl_steps table"));
  FERRY_TRY(conn.exec(sql::kCreateRunServers, "adding the run_servers table"));
  FERRY_TRY(conn.exec(sql::kCreateRunSettings, "adding the run_settings table"));
  auto impl = std::make_unique<Impl>();
  impl->ddlJournalKept = journalKept;
  impl->db = std::move(db).value();
  return std::unique_ptr<RunStateStore>(new RunStateStore(std::move(impl)));
}

core::Result<RunInfo> RunStateStore::createRun(RunInfo run) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  {
    FERRY_STATE_PREPARE(count, db, sql::kCountRuns);
    auto row = count.step();
    if (!row.ok()) return std::move(row).error();
    if (count.int64(0) != 0) {
      return db.fileError(core::ErrorKind::Data, "already holds a run",
                          "Resume it, or start a new run with a new state file.");
    }
  }
  if (run.runId.empty()) run.runId = randomRunId();
  if (run.createdAt == TimePoint{}) run.createdAt = std::chrono::system_clock::now();
  run.createdAt = fromMicros(toMicros(run.createdAt));  // what the file keeps
  run.sourceUrl = urlWithoutPassword(run.sourceUrl);
  run.targetUrl = urlWithoutPassword(run.targetUrl);
  FERRY_STATE_PREPARE(insert, db, sql::kInsertRun);
  FERRY_TRY(insert.bind(1, run.runId)
                .bind(2, toMicros(run.createdAt))
                .bind(3, run.sourceUrl)
                .bind(4, run.targetUrl)
                .bind(5, run.projectJson)
                .bind(6, run.optionsJson)
                .bind(7, std::string_view(runStatusName(run.status)))
                .run());
  return run;
}

core::Result<RunInfo> RunStateStore::loadRun() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectRun);
  auto row = select.step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) {
    return db.fileError(core::ErrorKind::Data, "holds no run",
                        "Start a new run; the file was created but never planned.");
  }
  RunInfo run;
  run.runId = select.text(0);
  run.createdAt = fromMicros(select.int64(1));
  run.sourceUrl = select.text(2);
  run.targetUrl = select.text(3);
  run.projectJson = select.text(4);
  run.optionsJson = select.text(5);
  auto status = runStatusFrom(db, select.text(6));
  if (!status.ok()) return std::move(status).error();
  run.status = *status;
  return run;
}

core::Status RunStateStore::setRunStatus(RunStatus status) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(update, db, sql::kUpdateRunStatus);
  FERRY_TRY(update.bind(1, std::string_view(runStatusName(status))).run());
  if (db.changes() == 0) return db.fileError(core::ErrorKind::Data, "holds no run");
  return {};
}

core::Status RunStateStore::saveSnapshot(const SnapshotInfo& s) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(upsert, db, sql::kUpsertSnapshot);
  return upsert.bind(1, std::string_view(snapshotEngineName(s.engine)))
      .bind(2, s.slotName)
      .bind(3, s.snapshotName)
      .bind(4, s.consistentLsn)
      .bind(5, s.binlogFile)
      .bind(6, static_cast<std::int64_t>(s.binlogPosition))
      .bind(7, s.gtidPosition)
      .bind(8, toMicros(s.capturedAt))
      .bind(9, s.globalReadLockMs)
      .run();
}

core::Result<std::optional<SnapshotInfo>> RunStateStore::loadSnapshot() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectSnapshot);
  auto row = select.step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<SnapshotInfo>();
  SnapshotInfo s;
  const std::string engine = select.text(0);
  auto parsed = parseSnapshotEngine(engine);
  if (!parsed) return db.fileError(core::ErrorKind::Data, "unknown snapshot engine '" + engine + "'");
  s.engine = *parsed;
  s.slotName = select.text(1);
  s.snapshotName = select.text(2);
  s.consistentLsn = select.text(3);
  s.binlogFile = select.text(4);
  s.binlogPosition = static_cast<std::uint64_t>(select.int64(5));
  s.gtidPosition = select.text(6);
  s.capturedAt = fromMicros(select.int64(7));
  s.globalReadLockMs = select.int64(8);
  return std::optional<SnapshotInfo>(std::move(s));
}

core::Status RunStateStore::saveServers(const RunServers& servers) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(upsert, db, sql::kUpsertRunServers);
  return upsert.bind(1, servers.source).bind(2, servers.target).run();
}

core::Result<std::optional<RunServers>> RunStateStore::loadServers() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectRunServers);
  auto row = select.step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<RunServers>();
  return std::optional<RunServers>(RunServers{select.text(0), select.text(1)});
}

core::Status RunStateStore::saveSetting(const std::string& key, const std::string& value) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(upsert, db, sql::kUpsertRunSetting);
  return upsert.bind(1, key).bind(2, value).run();
}

core::Result<std::optional<std::string>> RunStateStore::loadSetting(const std::string& key) const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectRunSetting);
  select.bind(1, key);
  auto row = select.step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select.text(0));
}

core::Result<std::vector<std::int64_t>> RunStateStore::addTables(
    const std::vector<TableState>& tables) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  auto tx = detail::Transaction::begin(db);
  if (!tx.ok()) return std::move(tx).error();
  std::vector<std::int64_t> ids;
  ids.reserve(tables.size());
  for (const TableState& t : tables) {
    FERRY_STATE_PREPARE(insert, db, sql::kInsertTable);
    auto st = insert.bind(1, t.sourceSchema)
                  .bind(2, t.sourceTable)
                  .bind(3, t.targetSchema)
                  .bind(4, t.targetTable)
                  .bind(5, t.estimatedRows)
                  .bind(6, t.keyColumnsJson)
                  .bind(7, std::string_view(tableStatusName(t.status)))
                  .bind(8, t.startedAt ? std::optional(toMicros(*t.startedAt)) : std::nullopt)
                  .bind(9, t.finishedAt ? std::optional(toMicros(*t.finishedAt)) : std::nullopt)
                  .run();
    if (!st.ok()) {
      return std::move(st).error().context("adding table " + t.sourceSchema + "." + t.sourceTable);
    }
    ids.push_back(db.lastInsertId());
  }
  FERRY_TRY((*tx)->commit());
  return ids;
}

core::Result<std::vector<TableState>> RunStateStore::listTables() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectTables);
  std::vector<TableState> tables;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    TableState t;
    t.id = select.int64(0);
    t.sourceSchema = select.text(1);
    t.sourceTable = select.text(2);
    t.targetSchema = select.text(3);
    t.targetTable = select.text(4);
    t.estimatedRows = select.int64(5);
    t.keyColumnsJson = select.text(6);
    const std::string status = select.text(7);
    auto parsed = parseTableStatus(status);
    if (!parsed) return db.fileError(core::ErrorKind::Data, "unknown table status '" + status + "'");
    t.status = *parsed;
    if (auto v = select.optionalInt64(8)) t.startedAt = fromMicros(*v);
    if (auto v = select.optionalInt64(9)) t.finishedAt = fromMicros(*v);
    t.totals = {select.int64(10), select.int64(11), select.int64(12), select.int64(13)};
    tables.push_back(std::move(t));
  }
  return tables;
}

core::Status RunStateStore::setTableStatus(std::int64_t tableId, TableStatus status) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  const std::int64_t now = toMicros(std::chrono::system_clock::now());
  const bool finishing = status == TableStatus::Copied || status == TableStatus::Indexed ||
                         status == TableStatus::Failed;
  FERRY_STATE_PREPARE(update, db, sql::kUpdateTableStatus);
  FERRY_TRY(update.bind(1, std::string_view(tableStatusName(status)))
                .bind(2, status == TableStatus::Copying ? std::optional(now) : std::nullopt)
                .bind(3, finishing ? std::optional(now) : std::nullopt)
                .bind(4, tableId)
                .run());
  if (db.changes() == 0) {
    return db.fileError(core::ErrorKind::Data, "has no table with id " + std::to_string(tableId));
  }
  return {};
}

core::Status RunStateStore::setSourceFilenode(std::int64_t tableId, std::int64_t filenode) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(upsert, db, sql::kUpsertSourceFilenode);
  return upsert.bind(1, tableId).bind(2, filenode).run();
}

core::Result<std::optional<std::int64_t>> RunStateStore::sourceFilenode(std::int64_t tableId) const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectSourceFilenode);
  select.bind(1, tableId);
  auto row = select.step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::int64_t>{};
  return select.optionalInt64(0);
}

core::Status RunStateStore::setSourceChanges(const std::map<std::int64_t, std::int64_t>& changesByTable) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  auto tx = detail::Transaction::begin(db);
  if (!tx.ok()) return std::move(tx).error();
  for (const auto& [tableId, changes] : changesByTable) {
    FERRY_STATE_PREPARE(upsert, db, sql::kUpsertSourceChanges);
    FERRY_TRY(upsert.bind(1, tableId).bind(2, changes).run());
  }
  return (*tx)->commit();
}

core::Result<std::map<std::int64_t, std::int64_t>> RunStateStore::sourceChanges() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectSourceChanges);
  std::map<std::int64_t, std::int64_t> out;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    out[select.int64(0)] = select.int64(1);
  }
  return out;
}

core::Status RunStateStore::markDdl(const std::string& statement, DdlStatus status) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(upsert, db, sql::kUpsertDdlStep);
  return upsert.bind(1, std::string_view(statement))
      .bind(2, std::string_view(status == DdlStatus::Done ? "done" : "started"))
      .run();
}

core::Status RunStateStore::forgetDdl(const std::string& statement) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(del, db, sql::kDeleteDdlStep);
  return del.bind(1, std::string_view(statement)).run();
}

core::Result<std::map<std::string, DdlStatus>> RunStateStore::ddlSteps() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kSelectDdlSteps);
  std::map<std::string, DdlStatus> out;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    out[select.text(0)] = select.text(1) == "done" ? DdlStatus::Done : DdlStatus::Started;
  }
  return out;
}

bool RunStateStore::ddlJournalKept() const { return m_impl->ddlJournalKept; }

}  // namespace ferry::state
