#pragma once
/// The copy phase: one consistent snapshot of the source, tables split into
/// chunks, N workers each with their own source and target connection, every
/// chunk committed on the target together with its "done" mark, the run state
/// kept in SQLite so a killed run resumes where it stopped.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "connect/connection_spec.h"
#include "copy/chunk_copier.h"
#include "copy/flow_control.h"
#include "core/result.h"
#include "plan/chunk_planner.h"
#include "plan/project.h"
#include "run/session.h"

namespace ferry::run {

struct CopyOptions {
  int jobs = 0;                            ///< workers; 0 = the number of cores
  std::vector<std::string> tablePatterns;  ///< globs over "schema.table"; empty = all
  /// The SQLite run-state file; empty: the project's (projectPath + ".state"),
  /// else one named after the source and target servers (run/state_path.h).
  std::string statePath;
  std::string projectPath;                 ///< the project file, when there is one
  bool resume = false;
  std::int64_t maxRowsPerSecond = 0;       ///< 0 = unlimited
  copy::OnError onError = copy::OnError::Stop;
  bool dataOnly = false;                   ///< the target's tables exist: no DDL
  std::string rejectPath;                  ///< JSON lines; default: statePath + ".rejects.jsonl"
  bool keepSlot = false;                   ///< keep the PostgreSQL slot for the change-capture phase
  /// With keepSlot: stream through this publication, which the DBA created (it
  /// must publish every copied table's inserts, updates and deletes), instead of
  /// one Ferry creates (that takes ownership of every table). Never dropped by Ferry.
  std::string publication;
  /// With keepSlot: tables ("schema.table") published for their inserts only — an
  /// append-only table without a replica identity, whose UPDATE and DELETE would
  /// otherwise fail for the application once it is in a publication of them.
  std::vector<std::string> insertsOnly;
  plan::ChunkLimits limits;
};

struct CopyRequest {
  connect::ConnectionSpec source;
  connect::ConnectionSpec target;
  plan::Project project;
  CopyOptions options;
};

struct TableProgress {
  std::string schema;
  std::string table;
  std::int64_t estimatedRows = 0;
  std::int64_t rowsRead = 0;
  std::int64_t rowsWritten = 0;
  std::int64_t rowsRejected = 0;
  std::int64_t bytes = 0;
  int chunksDone = 0;
  int chunksTotal = 0;
  double seconds = 0;
  /// pending, copying, copied (every chunk in), indexing (its own indexes,
  /// constraints and ANALYZE are running), indexed (those are done; foreign keys
  /// and sequence values follow once every table is), failed
  std::string status;
  /// Every row is in: copied, indexing or indexed.
  bool dataCopied() const { return status == "copied" || status == "indexing" || status == "indexed"; }
};

/// One immutable picture of the run, polled by the CLI and the GUI.
struct CopyProgress {
  std::string phase;  ///< "connecting", "schema", "snapshot", "planning", "copying", "indexing", "done", "failed"
  std::vector<TableProgress> tables;
  std::int64_t rowsWritten = 0;
  std::int64_t rowsRejected = 0;
  std::int64_t bytes = 0;
  double elapsedSeconds = 0;
  std::string snapshot;  ///< "slot ferry_… at 0/1A2B3C8" or "mariadb-bin.000003:1234 (GTID 0-1-99)"
  std::string statePath;  ///< the run-state file, once known
};

struct CopySummary {
  CopyProgress final;
  std::string statePath;
  std::string rejectPath;
  double lockMilliseconds = 0;  ///< MySQL sources with several workers: global read lock held
};

class CopyRun {
public:
  explicit CopyRun(CopyRequest request);
  ~CopyRun();
  CopyRun(const CopyRun&) = delete;
  CopyRun& operator=(const CopyRun&) = delete;

  /// Runs to the end (or until `stop`); thread-safe progress() meanwhile.
  core::Result<CopySummary> run(std::stop_token stop);
  CopyProgress progress() const;
  copy::FlowControl& flow() { return m_flow; }

  struct Impl;

private:
  CopyRequest m_request;
  copy::FlowControl m_flow;
  std::unique_ptr<Impl> m_impl;
};

/// Gives up the run recorded in `statePath` (see resolveStatePath for the
/// default one): drops every replication slot it
/// made on a PostgreSQL `source` (a kept or forgotten slot makes the source
/// keep its WAL) and marks the run abandoned, so it cannot be resumed. The
/// target is left as it is. Returns the slots dropped.
core::Result<std::vector<std::string>> abandonCopyRun(const connect::ConnectionSpec& source,
                                                      const std::string& statePath);

}  // namespace ferry::run
