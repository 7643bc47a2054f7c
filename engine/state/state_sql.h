#pragma once
// Every SQL statement of the run-state file, in one place. Internal to
// engine/state. Timestamps are INTEGER microseconds since the Unix epoch (UTC);
// statuses are the lower-case names of run_state.h.

namespace ferry::state::sql {

/// Marks the file as ours; checked before anything else on resume.
inline constexpr const char* kApplication = "ferry-run-state";

inline constexpr const char* kCreateSchema = R"sql(
CREATE TABLE schema_version (
  application TEXT NOT NULL,
  version     INTEGER NOT NULL
);
CREATE TABLE run (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  run_id       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  source_url   TEXT NOT NULL,
  target_url   TEXT NOT NULL,
  project_json TEXT NOT NULL,
  options_json TEXT NOT NULL,
  status       TEXT NOT NULL
    CHECK (status IN ('planned', 'copying', 'copied', 'failed', 'abandoned'))
);
CREATE TABLE snapshot (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  engine              TEXT NOT NULL,
  slot_name           TEXT NOT NULL,
  snapshot_name       TEXT NOT NULL,
  consistent_lsn      TEXT NOT NULL,
  binlog_file         TEXT NOT NULL,
  binlog_position     INTEGER NOT NULL,
  gtid_position       TEXT NOT NULL,
  captured_at         INTEGER NOT NULL,
  global_read_lock_ms INTEGER NOT NULL
);
CREATE TABLE copy_tables (
  id             INTEGER PRIMARY KEY,
  source_schema  TEXT NOT NULL,
  source_table   TEXT NOT NULL,
  target_schema  TEXT NOT NULL,
  target_table   TEXT NOT NULL,
  estimated_rows INTEGER NOT NULL,
  key_columns    TEXT NOT NULL,
  status         TEXT NOT NULL
    CHECK (status IN ('pending', 'copying', 'copied', 'indexed', 'failed')),
  started_at     INTEGER,
  finished_at    INTEGER,
  UNIQUE (source_schema, source_table)
);
CREATE TABLE chunks (
  id            INTEGER PRIMARY KEY,
  table_id      INTEGER NOT NULL REFERENCES copy_tables (id),
  ordinal       INTEGER NOT NULL,
  lower_bound   TEXT NOT NULL,
  upper_bound   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  rows_read     INTEGER NOT NULL,
  rows_written  INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER,
  error         TEXT NOT NULL,
  UNIQUE (table_id, ordinal)
);
CREATE INDEX chunks_by_status ON chunks (status);
CREATE TABLE rejects (
  id              INTEGER PRIMARY KEY,
  table_id        INTEGER NOT NULL REFERENCES copy_tables (id),
  chunk_id        INTEGER REFERENCES chunks (id),
  key_text        TEXT NOT NULL,
  column_name     TEXT NOT NULL,
  value_text      TEXT NOT NULL,
  value_truncated INTEGER NOT NULL,
  reason          TEXT NOT NULL
);
CREATE INDEX rejects_by_table ON rejects (table_id);
)sql";

/// Added after version 1 shipped: created on every open (IF NOT EXISTS), so a
/// version-1 file gains it. Per table, what the source looked like when the
/// chunks were planned: the heap's filenode for ctid chunks (a rewrite such as
/// VACUUM FULL or CLUSTER gives the table a new one and moves its rows), and
/// PostgreSQL's count of inserted + updated + deleted rows (a resumed run tells
/// from it whether the source changed since).
inline constexpr const char* kCreateSourceTables = R"sql(
CREATE TABLE IF NOT EXISTS source_tables (
  table_id INTEGER PRIMARY KEY REFERENCES copy_tables (id),
  filenode INTEGER,
  changes  INTEGER
)
)sql";
inline constexpr const char* kUpsertSourceFilenode =
    "INSERT INTO source_tables (table_id, filenode) VALUES (?1, ?2)"
    " ON CONFLICT (table_id) DO UPDATE SET filenode = excluded.filenode";
inline constexpr const char* kSelectSourceFilenode = "SELECT filenode FROM source_tables WHERE table_id = ?1";
inline constexpr const char* kUpsertSourceChanges =
    "INSERT INTO source_tables (table_id, changes) VALUES (?1, ?2)"
    " ON CONFLICT (table_id) DO UPDATE SET changes = excluded.changes";
inline constexpr const char* kSelectSourceChanges =
    "SELECT table_id, changes FROM source_tables WHERE changes IS NOT NULL";

/// Also added after version 1 (IF NOT EXISTS on every open): each DDL statement
/// of the run as it starts and as it ends, so that a resumed run skips what the
/// interrupted run finished and accepts "already exists" only for what it had
/// started (an object someone else made meanwhile is not taken for ours).
inline constexpr const char* kCreateDdlSteps = R"sql(
CREATE TABLE IF NOT EXISTS ddl_steps (
  statement TEXT PRIMARY KEY,
  status    TEXT NOT NULL CHECK (status IN ('started', 'done'))
)
)sql";
inline constexpr const char* kHasDdlSteps =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ddl_steps'";
inline constexpr const char* kUpsertDdlStep =
    "INSERT INTO ddl_steps (statement, status) VALUES (?1, ?2)"
    " ON CONFLICT (statement) DO UPDATE SET status = excluded.status";
inline constexpr const char* kSelectDdlSteps = "SELECT statement, status FROM ddl_steps";
inline constexpr const char* kDeleteDdlStep = "DELETE FROM ddl_steps WHERE statement = ?1";

/// Also added after version 1 (IF NOT EXISTS on every open): the servers the
/// run reads and writes, by identity and database (run::serverKey), so that the
/// file is refused with another source or target whatever URL names them. A file
/// written before it has no row: the first resume records them.
inline constexpr const char* kCreateRunServers = R"sql(
CREATE TABLE IF NOT EXISTS run_servers (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  source TEXT NOT NULL,
  target TEXT NOT NULL
)
)sql";
inline constexpr const char* kUpsertRunServers =
    "INSERT INTO run_servers (id, source, target) VALUES (1, ?1, ?2)"
    " ON CONFLICT (id) DO UPDATE SET source = excluded.source, target = excluded.target";
inline constexpr const char* kSelectRunServers = "SELECT source, target FROM run_servers WHERE id = 1";

/// Also added after version 1 (IF NOT EXISTS on every open): settings a run
/// decides once and a resume must reuse (where the chunk marks live on the target).
inline constexpr const char* kCreateRunSettings = R"sql(
CREATE TABLE IF NOT EXISTS run_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
)
)sql";
inline constexpr const char* kUpsertRunSetting =
    "INSERT INTO run_settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
inline constexpr const char* kSelectRunSetting = "SELECT value FROM run_settings WHERE key = ?1";

inline constexpr const char* kInsertVersion =
    "INSERT INTO schema_version (application, version) VALUES (?1, ?2)";
inline constexpr const char* kHasVersionTable =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
inline constexpr const char* kSelectVersion = "SELECT application, version FROM schema_version";

// WAL: workers' commits append to the log instead of rewriting pages, and a
// reader (the progress poller) never blocks a writer. synchronous=NORMAL: in WAL
// mode a power loss may drop the last commits but never corrupts the file;
// that is acceptable because the target holds the authoritative chunk marks
// (committed with the chunk's rows) and this file only mirrors them, so a lost
// "done" here means at most one chunk checked against the target on resume.
inline constexpr const char* kPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

inline constexpr const char* kBegin = "BEGIN IMMEDIATE";
inline constexpr const char* kCommit = "COMMIT";
inline constexpr const char* kRollback = "ROLLBACK";

inline constexpr const char* kInsertRun =
    "INSERT INTO run (id, run_id, created_at, source_url, target_url, project_json, options_json,"
    " status) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr const char* kSelectRun =
    "SELECT run_id, created_at, source_url, target_url, project_json, options_json, status"
    " FROM run WHERE id = 1";
inline constexpr const char* kCountRuns = "SELECT count(*) FROM run";
inline constexpr const char* kUpdateRunStatus = "UPDATE run SET status = ?1 WHERE id = 1";

inline constexpr const char* kUpsertSnapshot =
    "INSERT OR REPLACE INTO snapshot (id, engine, slot_name, snapshot_name, consistent_lsn,"
    " binlog_file, binlog_position, gtid_position, captured_at, global_read_lock_ms)"
    " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr const char* kSelectSnapshot =
    "SELECT engine, slot_name, snapshot_name, consistent_lsn, binlog_file, binlog_position,"
    " gtid_position, captured_at, global_read_lock_ms FROM snapshot WHERE id = 1";

inline constexpr const char* kInsertTable =
    "INSERT INTO copy_tables (source_schema, source_table, target_schema, target_table,"
    " estimated_rows, key_columns, status, started_at, finished_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr const char* kSelectTables =
    "SELECT t.id, t.source_schema, t.source_table, t.target_schema, t.target_table,"
    " t.estimated_rows, t.key_columns, t.status, t.started_at, t.finished_at,"
    " coalesce(c.rows_read, 0), coalesce(c.rows_written, 0), coalesce(c.rows_rejected, 0),"
    " coalesce(c.bytes, 0)"
    " FROM copy_tables t LEFT JOIN (SELECT table_id, sum(rows_read) AS rows_read,"
    " sum(rows_written) AS rows_written, sum(rows_rejected) AS rows_rejected,"
    " sum(bytes) AS bytes FROM chunks GROUP BY table_id) c ON c.table_id = t.id"
    " ORDER BY t.id";
// ?2: now when entering copying (kept if already set), ?3: now when finishing.
inline constexpr const char* kUpdateTableStatus =
    "UPDATE copy_tables SET status = ?1, started_at = coalesce(started_at, ?2),"
    " finished_at = ?3 WHERE id = ?4";

inline constexpr const char* kInsertChunk =
    "INSERT INTO chunks (table_id, ordinal, lower_bound, upper_bound, status, rows_read,"
    " rows_written, rows_rejected, bytes, attempts, started_at, finished_at, error)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
#define FERRY_STATE_CHUNK_COLUMNS                                                           \
  "SELECT id, table_id, ordinal, lower_bound, upper_bound, status, rows_read, rows_written," \
  " rows_rejected, bytes, attempts, started_at, finished_at, error FROM chunks"
inline constexpr const char* kSelectChunks = FERRY_STATE_CHUNK_COLUMNS " ORDER BY table_id, ordinal";
inline constexpr const char* kSelectChunksOfTable =
    FERRY_STATE_CHUNK_COLUMNS " WHERE table_id = ?1 ORDER BY ordinal";
inline constexpr const char* kSelectChunksWithStatus =
    FERRY_STATE_CHUNK_COLUMNS " WHERE status = ?1 ORDER BY table_id, ordinal";
inline constexpr const char* kSelectChunksOfTableWithStatus =
    FERRY_STATE_CHUNK_COLUMNS " WHERE table_id = ?1 AND status = ?2 ORDER BY ordinal";
#undef FERRY_STATE_CHUNK_COLUMNS
inline constexpr const char* kSelectChunkStatus = "SELECT status FROM chunks WHERE id = ?1";

inline constexpr const char* kMarkChunkRunning =
    "UPDATE chunks SET status = 'running', attempts = attempts + 1, started_at = ?1,"
    " finished_at = NULL, error = '', rows_read = 0, rows_written = 0, rows_rejected = 0,"
    " bytes = 0 WHERE id = ?2 AND status IN ('pending', 'failed')";
inline constexpr const char* kMarkChunkDone =
    "UPDATE chunks SET status = 'done', rows_read = ?1, rows_written = ?2, rows_rejected = ?3,"
    " bytes = ?4, finished_at = ?5, error = '' WHERE id = ?6";
inline constexpr const char* kMarkChunkFailed =
    "UPDATE chunks SET status = 'failed', error = ?1, finished_at = ?2 WHERE id = ?3";
inline constexpr const char* kResetTableChunks =
    "UPDATE chunks SET status = 'pending', rows_read = 0, rows_written = 0, rows_rejected = 0, bytes = 0,"
    " started_at = NULL, finished_at = NULL, error = '' WHERE table_id = ?1";
inline constexpr const char* kResetRunningChunks =
    "UPDATE chunks SET status = 'pending', started_at = NULL WHERE status = 'running'";

inline constexpr const char* kInsertReject =
    "INSERT INTO rejects (table_id, chunk_id, key_text, column_name, value_text, value_truncated,"
    " reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
#define FERRY_STATE_REJECT_COLUMNS                                                          \
  "SELECT table_id, chunk_id, key_text, column_name, value_text, value_truncated, reason" \
  " FROM rejects"
inline constexpr const char* kSelectRejects = FERRY_STATE_REJECT_COLUMNS " ORDER BY id";
inline constexpr const char* kSelectRejectsOfTable =
    FERRY_STATE_REJECT_COLUMNS " WHERE table_id = ?1 ORDER BY id";
#undef FERRY_STATE_REJECT_COLUMNS
inline constexpr const char* kRejectCounts =
    "SELECT table_id, count(*) FROM rejects GROUP BY table_id ORDER BY table_id";

inline constexpr const char* kTableTotals =
    "SELECT t.id, count(c.id), coalesce(sum(c.status = 'done'), 0),"
    " coalesce(sum(c.status = 'failed'), 0), coalesce(sum(c.rows_read), 0),"
    " coalesce(sum(c.rows_written), 0), coalesce(sum(c.rows_rejected), 0),"
    " coalesce(sum(c.bytes), 0)"
    " FROM copy_tables t LEFT JOIN chunks c ON c.table_id = t.id GROUP BY t.id ORDER BY t.id";
inline constexpr const char* kSummaryTables =
    "SELECT count(*), coalesce(sum(status IN ('copied', 'indexed')), 0),"
    " coalesce(sum(status = 'failed'), 0), coalesce(sum(estimated_rows), 0) FROM copy_tables";
inline constexpr const char* kSummaryChunks =
    "SELECT count(*), coalesce(sum(status = 'pending'), 0), coalesce(sum(status = 'running'), 0),"
    " coalesce(sum(status = 'done'), 0), coalesce(sum(status = 'failed'), 0),"
    " coalesce(sum(rows_read), 0), coalesce(sum(rows_written), 0),"
    " coalesce(sum(rows_rejected), 0), coalesce(sum(bytes), 0) FROM chunks";
inline constexpr const char* kSummaryRejects = "SELECT count(*) FROM rejects";

}  // namespace ferry::state::sql
