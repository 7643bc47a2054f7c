#pragma once
/// The records of a copy run's state file (see RunStateStore): the run, its
/// snapshot position, the tables and their key-range chunks, and the rejected
/// rows. Plain values; the store assigns ids and timestamps.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::state {

/// Wall-clock time. Stored as microseconds since the Unix epoch (UTC), so a
/// value comes back from the file at microsecond precision.
using TimePoint = std::chrono::system_clock::time_point;

enum class RunStatus { Planned, Copying, Copied, Failed, Abandoned };
enum class TableStatus { Pending, Copying, Copied, Indexed, Failed };
enum class ChunkStatus { Pending, Running, Done, Failed };
/// A DDL statement of the run: started (it may or may not have committed when
/// the run was killed) or done.
enum class DdlStatus { Started, Done };
/// The source engine whose snapshot position is recorded. MySQL and MariaDB
/// share the binlog fields but differ in GTID syntax, so both are kept.
enum class SnapshotEngine { PostgreSQL, MySQL, MariaDB };

/// Stable lower-case names, as stored in the file and shown in JSON output.
const char* runStatusName(RunStatus status);
const char* tableStatusName(TableStatus status);
const char* chunkStatusName(ChunkStatus status);
const char* snapshotEngineName(SnapshotEngine engine);
/// The inverse of the names above; std::nullopt for an unknown name.
std::optional<RunStatus> parseRunStatus(std::string_view name);
std::optional<TableStatus> parseTableStatus(std::string_view name);
std::optional<ChunkStatus> parseChunkStatus(std::string_view name);
std::optional<SnapshotEngine> parseSnapshotEngine(std::string_view name);

/// The run a state file belongs to: one run per file.
struct RunInfo {
  std::string runId;      ///< random hex; chosen by createRun when empty
  TimePoint createdAt{};  ///< set by createRun when left at the epoch
  std::string sourceUrl;  ///< connection URL; any password is removed before storing
  std::string targetUrl;  ///< likewise
  std::string projectJson = "{}";  ///< the project (plan::Project::toJson) as text
  std::string optionsJson = "{}";  ///< the copy options (jobs, rate, on-error, ...) as text
  RunStatus status = RunStatus::Planned;
};

/// The servers a run reads and writes, each as "<identity>/<database>"
/// (run::serverKey): what a state file is checked against, not the URLs' text.
struct RunServers {
  std::string source;
  std::string target;
};

/// The consistent point the copy reads at, which CDC will later stream from.
struct SnapshotInfo {
  SnapshotEngine engine = SnapshotEngine::PostgreSQL;
  // PostgreSQL: the logical replication slot created with an exported snapshot.
  std::string slotName;       ///< dropped when the user abandons the run
  std::string snapshotName;   ///< exported snapshot; dies with the slot's connection
  std::string consistentLsn;  ///< "16/B374D848": where the slot's stream starts
  // MySQL / MariaDB: the binlog coordinates of the consistent-snapshot transaction.
  std::string binlogFile;
  std::uint64_t binlogPosition = 0;
  std::string gtidPosition;  ///< GTID set (MySQL) or GTID position (MariaDB); may be empty
  TimePoint capturedAt{};
  /// How long FLUSH TABLES WITH READ LOCK was held; 0 when no lock was taken.
  std::int64_t globalReadLockMs = 0;
};

/// Rows and bytes moved; the counts of one chunk attempt or sums over chunks.
struct CopyCounts {
  std::int64_t rowsRead = 0;
  std::int64_t rowsWritten = 0;
  std::int64_t rowsRejected = 0;
  std::int64_t bytes = 0;
};

/// One table of the run.
struct TableState {
  std::int64_t id = 0;  ///< assigned by addTables
  std::string sourceSchema;
  std::string sourceTable;
  std::string targetSchema;
  std::string targetTable;
  std::int64_t estimatedRows = 0;
  std::string keyColumnsJson = "[]";  ///< JSON array of the key's column names; empty array: keyless
  TableStatus status = TableStatus::Pending;
  /// Sums over the table's chunks, filled by listTables (ignored by addTables):
  /// the chunks are where the counts are recorded, so they cannot disagree.
  CopyCounts totals;
  std::optional<TimePoint> startedAt;   ///< set when the status becomes copying
  std::optional<TimePoint> finishedAt;  ///< set when it becomes copied, indexed or failed
};

/// One key range [lower, upper) of a table, copied in one target transaction.
struct ChunkState {
  std::int64_t id = 0;  ///< assigned by addChunks
  std::int64_t tableId = 0;
  std::int64_t ordinal = 0;  ///< position within the table, from 0
  /// Bounds as JSON text: an array of key values in key-column order, `null`
  /// for an open end, or a JSON string for a PostgreSQL ctid ("\"(1200,0)\"").
  /// Stored verbatim: the planner owns their meaning.
  std::string lowerBoundJson = "null";
  std::string upperBoundJson = "null";
  ChunkStatus status = ChunkStatus::Pending;
  CopyCounts counts;       ///< of the last attempt; set by markChunkDone
  std::int64_t attempts = 0;  ///< incremented by markChunkRunning
  std::optional<TimePoint> startedAt;
  std::optional<TimePoint> finishedAt;
  std::string error;  ///< why the last attempt failed (markChunkFailed); empty otherwise
};

/// A row that could not be converted or that the target refused.
struct RejectRecord {
  /// A reject's value keeps at most this many bytes (cut on a UTF-8 character
  /// boundary): enough to recognise the value, bounded so that a run of
  /// rejected 1 GB blobs cannot fill the disk.
  static constexpr std::size_t kMaxValueBytes = 1024;

  std::int64_t tableId = 0;
  std::optional<std::int64_t> chunkId;  ///< the chunk being copied, when known
  std::string keyText;    ///< the row's key, e.g. "id=17" or "(3,41)"
  std::string column;     ///< the offending column; empty when the whole row was refused
  std::string valueText;  ///< the value as text, truncated to kMaxValueBytes
  bool valueTruncated = false;  ///< set by the store when valueText was cut
  std::string reason;     ///< the converter's or the server's message
};

/// Per-table sums over the chunks, for the end-of-run summary and progress.
struct TableTotals {
  std::int64_t tableId = 0;
  std::int64_t chunksTotal = 0;
  std::int64_t chunksDone = 0;
  std::int64_t chunksFailed = 0;
  CopyCounts counts;
};

/// The whole run at a glance, cheap enough to poll for progress.
struct RunSummary {
  std::int64_t tablesTotal = 0;
  std::int64_t tablesCopied = 0;  ///< copied or indexed
  std::int64_t tablesFailed = 0;
  std::int64_t estimatedRows = 0;  ///< sum of the tables' estimates
  std::int64_t chunksTotal = 0;
  std::int64_t chunksPending = 0;
  std::int64_t chunksRunning = 0;
  std::int64_t chunksDone = 0;
  std::int64_t chunksFailed = 0;
  CopyCounts counts;         ///< sums over all chunks
  std::int64_t rejects = 0;  ///< reject records
};

/// Removes the password from a connection URL ("mysql://u:pw@h/db" → "mysql://u@h/db").
std::string urlWithoutPassword(std::string_view url);

/// Cuts `value` to at most `maxBytes` bytes without splitting a UTF-8 character.
/// Returns true when it cut something.
bool truncateUtf8(std::string& value, std::size_t maxBytes);

}  // namespace ferry::state
