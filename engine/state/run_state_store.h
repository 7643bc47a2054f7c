#pragma once
/// RunStateStore: the run-state file of a copy run, in SQLite, beside the
/// project (`<project>.ferry-state`) or where `--state FILE` says.
///
/// It records the plan (run, tables, chunks), the snapshot position CDC will
/// stream from, each chunk's status and counts, and the rejected rows, so that a
/// killed run can be resumed at the last finished chunk. On a PostgreSQL target
/// the authoritative "chunk done" marks live in the target, committed with the
/// chunk's rows (docs/copy.md); this file mirrors them after the commit.
///
/// Thread-safety: one store is shared by the copy workers. Every member
/// function takes an internal mutex, so calls from any thread are serialized;
/// a call never holds the lock while waiting on anything but SQLite itself.
///
/// Errors: every failure is a core::Error whose message names the file; kind
/// Io for the file system and SQLite I/O, Data for a file that is not a Ferry
/// state file, is from a newer Ferry, or contradicts the call (unknown chunk,
/// a second run), NotFound for resuming a file that does not exist.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "state/run_state.h"

namespace ferry::state {

enum class OpenMode {
  Create,  ///< make a new file; fails when the path already exists
  Resume,  ///< open an existing file; one from a newer Ferry is refused
};

/// Which chunks listChunks returns; unset members do not filter.
struct ChunkFilter {
  std::optional<std::int64_t> tableId;
  std::optional<ChunkStatus> status;
};

class RunStateStore {
public:
  /// The format this build writes; a file with a larger version is refused.
  static constexpr int kSchemaVersion = 1;

  /// Opens (Resume) or creates (Create) the state file at `path`.
  static core::Result<std::unique_ptr<RunStateStore>> open(const std::string& path, OpenMode mode);

  ~RunStateStore();
  RunStateStore(const RunStateStore&) = delete;
  RunStateStore& operator=(const RunStateStore&) = delete;

  const std::string& path() const;

  // ---- run -------------------------------------------------------------

  /// Records the run (one per file). Chooses the run id and creation time when
  /// left empty, strips passwords from the URLs, and returns what was stored.
  core::Result<RunInfo> createRun(RunInfo run);
  /// The run; a Data error when the file holds none yet.
  core::Result<RunInfo> loadRun() const;
  core::Status setRunStatus(RunStatus status);

  /// Records (or replaces) the servers the run reads and writes.
  core::Status saveServers(const RunServers& servers);
  /// The recorded servers; std::nullopt in a file written before they were kept.
  core::Result<std::optional<RunServers>> loadServers() const;

  /// A setting the run decided once and a resume must reuse (key → text).
  core::Status saveSetting(const std::string& key, const std::string& value);
  core::Result<std::optional<std::string>> loadSetting(const std::string& key) const;

  // ---- snapshot ----------------------------------------------------------

  /// Records (or replaces) the snapshot position of the run.
  core::Status saveSnapshot(const SnapshotInfo& snapshot);
  /// The recorded snapshot, or std::nullopt before one was taken.
  core::Result<std::optional<SnapshotInfo>> loadSnapshot() const;

  // ---- tables and chunks -------------------------------------------------

  /// Adds tables in one transaction; returns their ids in input order.
  /// A source table may be added once.
  core::Result<std::vector<std::int64_t>> addTables(const std::vector<TableState>& tables);
  /// Adds chunks in one transaction; returns their ids in input order. Status,
  /// counts and attempts are taken as given (normally pending and zero).
  core::Result<std::vector<std::int64_t>> addChunks(const std::vector<ChunkState>& chunks);
  /// All tables by id, with their totals summed over their chunks.
  core::Result<std::vector<TableState>> listTables() const;
  /// Sets a table's status; stamps startedAt on copying (first time only) and
  /// finishedAt on copied, indexed and failed.
  core::Status setTableStatus(std::int64_t tableId, TableStatus status);
  /// PostgreSQL tables chunked by ctid: the source heap's filenode when the
  /// chunks were planned (a resumed run refuses to go on if it changed).
  core::Status setSourceFilenode(std::int64_t tableId, std::int64_t filenode);
  core::Result<std::optional<std::int64_t>> sourceFilenode(std::int64_t tableId) const;
  /// PostgreSQL sources: rows inserted + updated + deleted per table id, as the
  /// statistics counted them when the snapshot was taken (replaced on resume).
  core::Status setSourceChanges(const std::map<std::int64_t, std::int64_t>& changesByTable);
  core::Result<std::map<std::int64_t, std::int64_t>> sourceChanges() const;
  /// DDL statements of the run (pre- and post-data) as they start and end.
  core::Status markDdl(const std::string& statement, DdlStatus status);
  /// A statement that failed without effect is not "started" any more.
  core::Status forgetDdl(const std::string& statement);
  core::Result<std::map<std::string, DdlStatus>> ddlSteps() const;
  /// False for a state file written before DDL statements were recorded: a
  /// resumed run then accepts any "already exists" answer, as it used to.
  bool ddlJournalKept() const;
  /// Chunks ordered by table id then ordinal.
  core::Result<std::vector<ChunkState>> listChunks(const ChunkFilter& filter = {}) const;

  /// pending or failed → running: counts attempts, clears counts and error,
  /// stamps startedAt. Any other current status is a Data error (a scheduler bug).
  core::Status markChunkRunning(std::int64_t chunkId);
  /// Any status → done with the counts of this attempt; stamps finishedAt.
  /// Accepted from any status because a resumed run may learn from the target
  /// that a chunk this file still shows as running had committed.
  core::Status markChunkDone(std::int64_t chunkId, const CopyCounts& counts);
  /// → failed with the reason; stamps finishedAt.
  core::Status markChunkFailed(std::int64_t chunkId, const std::string& error);
  /// For resume: every running chunk (its worker died with the process) goes
  /// back to pending. Done chunks stay done. Returns how many were reset.
  core::Result<std::int64_t> resetRunningChunks();
  /// Every chunk of the table pending again with its counts zeroed (a table to
  /// be copied anew, all under one snapshot).
  core::Status resetTableChunks(std::int64_t tableId);

  // ---- rejects and totals ------------------------------------------------

  /// Records a rejected row; its value is truncated to RejectRecord::kMaxValueBytes.
  core::Status addReject(const RejectRecord& reject);
  /// The same for several rows, in one transaction.
  core::Status addRejects(const std::vector<RejectRecord>& rejects);
  /// Rejects in the order they were added; all tables when tableId is unset.
  core::Result<std::vector<RejectRecord>> listRejects(std::optional<std::int64_t> tableId = {}) const;
  /// Number of reject records per table id (tables without rejects are absent).
  core::Result<std::map<std::int64_t, std::int64_t>> rejectCounts() const;
  /// Per table, by id: chunk counts and sums of the chunks' counts.
  core::Result<std::vector<TableTotals>> tableTotals() const;
  /// The run at a glance, for progress polling.
  core::Result<RunSummary> summary() const;

private:
  struct Impl;
  explicit RunStateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace ferry::state
