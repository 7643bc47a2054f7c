#pragma once
/// Verification of a copy: exact row counts, then every table's chunks compared
/// on N workers (each with a source and a target connection), mismatching
/// chunks drilled down to their keys, and repair of exactly those rows.
///
/// Built for live data too: the change-capture phase will verify while writes
/// flow. A chunk that differs may simply not have been replicated yet, so
/// LiveOptions lets the caller have such a chunk compared again — after the
/// target has applied the source up to a given position — before it is reported.

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "connect/connection_spec.h"
#include "copy/flow_control.h"
#include "core/result.h"
#include "plan/chunk_planner.h"
#include "plan/project.h"
#include "verify/chunk_compare.h"
#include "verify/repair.h"
#include "verify/verify_result.h"

namespace ferry::run {

struct LiveOptions {
  /// A chunk with differences is compared again up to this many times; only
  /// the differences it still shows then are reported. 0: report at once
  /// (a quiesced copy).
  int recheckRounds = 0;
  std::chrono::milliseconds recheckDelay{0};
  /// The source position the target must have applied before a re-check
  /// ("0/1A2B3C8", "mariadb-bin.000003:1234"); handed to waitUntilApplied.
  std::string sourcePosition;
  /// Blocks until the target has applied the source up to `position` (the
  /// change-capture phase provides it); none: only recheckDelay is waited.
  std::function<core::Status(const std::string& position, std::stop_token stop)> waitUntilApplied;
  /// The run state of a sync that may be running: if one runs there, it is held
  /// (run/stream_hold.h) so that both sides are read in snapshots of the same
  /// source position — no re-check needed, the report says "as of source
  /// position X". None running: an ordinary verification.
  std::string syncStatePath;
};

struct VerifyOptions {
  int jobs = 0;                            ///< workers; 0 = the number of cores
  std::vector<std::string> tablePatterns;  ///< globs over "schema.table"; empty = all
  double samplePercent = 100;              ///< share of each table's chunks to compare (at least one)
  verify::HashMode hash = verify::HashMode::Auto;
  bool quick = false;                      ///< counts and column statistics only, no checksums
  std::int64_t maxRowsPerSecond = 0;       ///< the copy's throttle; 0 = unlimited
  std::size_t maxDifferencesPerTable = 1000;
  plan::ChunkLimits limits;
  LiveOptions live;
};

struct VerifyRequest {
  connect::ConnectionSpec source;
  connect::ConnectionSpec target;
  plan::Project project;
  VerifyOptions options;
};

struct VerifyProgress {
  std::string phase;  ///< "connecting", "counting", "planning", "checking", "done", "failed"
  std::vector<verify::TableVerification> tables;
  int chunksDone = 0;
  int chunksTotal = 0;
  std::int64_t rowsChecked = 0;
  std::int64_t differences = 0;
  double elapsedSeconds = 0;
};

struct TableRepair {
  std::string table;  ///< source schema.table
  std::string how;    ///< "rows", "rows and chunks", "whole table"
  verify::RepairCounts counts;
};

/// The last verification of a run, kept in its run state (setting
/// "verify_last") by every VerifyRun given the run's state: the cutover's
/// verification gate reads it.
struct VerificationRecord {
  bool identical = false;
  std::string level;  ///< "full" or "quick"
  double samplePercent = 100;
  std::string asOf;   ///< the source position both sides were read at ("": not live)
  std::int64_t finishedAtMs = 0;  ///< Unix time
  std::int64_t differences = 0;
  int tables = 0;
};
core::Result<std::optional<VerificationRecord>> lastVerification(const std::string& statePath);
/// Keeps `report` as the run's last verification; a failure only logs.
void recordVerification(const std::string& statePath, const verify::VerifyReport& report);

class VerifyRun {
public:
  explicit VerifyRun(VerifyRequest request);
  ~VerifyRun();
  VerifyRun(const VerifyRun&) = delete;
  VerifyRun& operator=(const VerifyRun&) = delete;

  /// Verifies every selected table; thread-safe progress() meanwhile. An error
  /// is returned only when verification could not run at all (connections,
  /// assessment); a table that fails is reported with status error.
  core::Result<verify::VerifyReport> run(std::stop_token stop);
  VerifyProgress progress() const;
  copy::FlowControl& flow() { return m_flow; }

  /// After run(): makes the differing rows of `report` equal to the source's
  /// (chunks with more differences than were listed, and keyless tables, are
  /// copied again whole). Verify again afterwards to prove it.
  core::Result<std::vector<TableRepair>> repair(const verify::VerifyReport& report, std::stop_token stop);

  /// After run(): both sides of one differing row, canonical, side by side.
  core::Result<verify::RowPair> rowPair(const std::string& table, const verify::Difference& difference);

  struct Impl;

private:
  VerifyRequest m_request;
  copy::FlowControl m_flow;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace ferry::run
