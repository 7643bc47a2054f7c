#pragma once
// Internal helpers of the copy orchestrator (run/copy_run.cpp): target
// connections and scripts, the snapshot, chunk planning (post-data: run/post_data.h).

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "connect/pg/pg_replication.h"
#include "copy/table_job.h"
#include "plan/chunk_planner.h"
#include "run/copy_run.h"
#include "state/run_state_store.h"

namespace ferry::run {

struct TargetConnection {
  std::unique_ptr<connect::PgConnection> pg;
  std::unique_ptr<connect::MySqlConnection> my;
};

struct WorkerConnections {
  std::unique_ptr<connect::PgConnection> pgSource;
  std::unique_ptr<connect::MySqlConnection> mySource;
  TargetConnection target;
};

struct TableRuntime {
  copy::TableJob job;
  std::int64_t stateId = 0;
  std::atomic<std::int64_t> rowsRead{0}, rowsWritten{0}, rowsRejected{0}, bytes{0};
  std::atomic<int> chunksDone{0};
  std::atomic<int> chunksTotal{0};  ///< set while planning; progress() reads it meanwhile (TSan)
  std::atomic<bool> failed{false};
  std::atomic<bool> began{false};
  std::atomic<std::int64_t> startedNs{0};  ///< steady-clock time of this run's first chunk
  std::atomic<double> seconds{0};

  // Post-data of this table (run/post_data.h), run by the copy workers once
  // its last chunk is in: builds in parallel, then attaches, then ANALYZE.
  enum class PostStage { None, Indexing, Indexed };
  std::vector<std::string> builds;
  std::vector<std::string> attaches;
  std::atomic<int> buildsLeft{0};
  std::atomic<PostStage> postStage{PostStage::None};
  std::atomic<bool> keysAttached{false};  ///< its keys exist (only its ANALYZE may be left)
};

struct PendingChunk {
  TableRuntime* table;
  std::int64_t chunkId;
  plan::Chunk chunk;
};

core::Result<TargetConnection> openTarget(const connect::ConnectionSpec& spec);
/// Session settings for loading: asynchronous commit (PostgreSQL; a chunk's mark
/// commits with its rows, so a lost commit is simply copied again), no FK or
/// unique re-checks and literal quoting without backslashes (MySQL).
core::Status prepareTargetSession(TargetConnection& t);
/// A DDL script's statements (split outside quotes and comments).
std::vector<std::string> splitStatements(const std::string& script);

/// Drops every inactive replication slot whose name starts with `prefix`,
/// waiting up to `waitMs` for slots still held by a dying connection; returns
/// the names dropped.
/// Drops every slot named with `prefix` but `keep` (a resumed run's stream slot).
std::vector<std::string> dropRunSlots(const connect::ConnectionSpec& source, const std::string& prefix, int waitMs,
                                      const std::string& keep = {});
/// Every slot of a run is named with this prefix.
std::string runSlotPrefix(const std::string& runId);

/// Keeps a PostgreSQL exported snapshot alive while workers import it.
struct SnapshotHolder {
  std::unique_ptr<connect::ExportedSnapshot> exported;
  std::string slotName;
  /// A resumed copy the stream follows: the first snapshot's slot, which release() never drops.
  std::string streamSlot;
  /// Ends the export; drops the slot unless `keep` (the change-capture phase
  /// will need it; a forgotten slot holds WAL on the source forever).
  void release(const connect::ConnectionSpec& source, bool keep);
};

/// Opens every worker's source connection inside one snapshot and returns its position.
/// `publish`: with --keep-slot, the source tables the stream will follow; their
/// publication is created before the slot (pgoutput reads it through the
/// historic catalog of each decoded transaction, so a publication made after the
/// slot would not cover the transactions before it).
core::Result<state::SnapshotInfo> takeSnapshot(const CopyRequest& req, const std::string& runId,
                                               std::vector<WorkerConnections>& workers, SnapshotHolder& holder,
                                               const std::vector<std::pair<std::string, std::string>>& publish = {},
                                               const std::string& streamSlot = {});
/// Where a run keeps its chunk marks (the stream's position table goes beside
/// them): recorded in the run state; nullopt for a run that recorded none.
core::Result<std::optional<copy::MarksTable>> loadMarksTable(const state::RunStateStore& store);
core::Status saveMarksTable(state::RunStateStore& store, const copy::MarksTable& marks);

/// The publication of a run's change stream: "ferry_<run id>".
std::string runPublicationName(const std::string& runId);
/// Creates (or re-creates) the run's publication for `tables` on a PostgreSQL
/// source, after checking that each has a replica identity: once a table
/// without one is in a publication of updates and deletes, the application's own
/// UPDATE and DELETE on it fail — so such a table is refused here, before.
core::Status createRunPublication(const connect::ConnectionSpec& source, const std::string& name,
                                  const std::vector<std::pair<std::string, std::string>>& tables,
                                  const std::set<std::string>& insertsOnly = {});
/// The second publication of a run, of the --publish-inserts-only tables.
std::string insertsOnlyPublication(const std::string& name);
/// The run's publications as the stream names them (comma-separated).
std::string runPublications(const std::string& name, bool withInsertsOnly, bool withAll);
/// Drops the run's publication when it exists.
/// A publication the DBA made (--publication): it exists, publishes inserts,
/// updates and deletes, and holds every one of `tables`; else a Config error
/// naming what is missing.
core::Status checkUserPublication(const connect::ConnectionSpec& source, const std::string& name,
                                  const std::vector<std::pair<std::string, std::string>>& tables);
core::Status dropRunPublication(const connect::ConnectionSpec& source, const std::string& name);
std::string describeSnapshot(const state::SnapshotInfo& s);

/// Fresh run: plans every table's chunks and records them. Resume: reads them
/// back, marks the chunks whose mark the target already holds as done, and
/// queues the rest. `wholeTables` (a resumed copy the stream follows): a table
/// whose chunks were copied only in part is emptied on the target and copied
/// again whole, so that every table is copied under one snapshot.
core::Status planChunks(state::RunStateStore& st, WorkerConnections& planner,
                        std::vector<std::unique_ptr<TableRuntime>>& tables, const CopyOptions& options,
                        std::deque<PendingChunk>& queue, TargetConnection& target, const std::string& runId,
                        const copy::MarksTable& marks, bool wholeTables = false);

/// After planning: what the source looked like at the snapshot, and on a
/// resumed run whether it changed since the interrupted run's snapshot (`old`),
/// said in the log. PostgreSQL: pg_stat_user_tables' inserted + updated +
/// deleted rows per table (the statistics lag by up to a few seconds); MySQL:
/// the binlog position, which any write on the server moves. A change means
/// rows of chunks copied from the old snapshot may be stale on the target.
core::Status checkSourceSinceSnapshot(state::RunStateStore& st, WorkerConnections& w,
                                      const std::vector<std::unique_ptr<TableRuntime>>& tables,
                                      const std::optional<state::SnapshotInfo>& old, const state::SnapshotInfo& now);

}  // namespace ferry::run
