#pragma once
// Internal helpers of the verification orchestrator (run/verify_run.cpp):
// worker connections, counts and column statistics, chunk planning, sampling.

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "connect/connection_spec.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "verify/chunk_compare.h"
#include "verify/verify_result.h"

namespace ferry::run {

struct VerifyWorker {
  std::unique_ptr<connect::PgConnection> pgSource, pgTarget;
  std::unique_ptr<connect::MySqlConnection> mySource, myTarget;

  verify::SideConnection sourceSide() const { return {pgSource.get(), mySource.get()}; }
  verify::SideConnection targetSide() const { return {pgTarget.get(), myTarget.get()}; }
  verify::CompareContext context(verify::HashMode mode, copy::FlowControl* flow, std::stop_token stop) const;
};

/// Opens a worker's two connections with the sessions verification reads in:
/// PostgreSQL intervals in the "postgres" style the converters read, MySQL
/// literals without backslash escapes (chunk predicates with text keys).
core::Status openWorker(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target, VerifyWorker& w);

struct TableCounts {
  std::int64_t sourceRows = 0;
  std::int64_t targetRows = 0;
  std::vector<std::string> statistics;  ///< differing column statistics (with `withStatistics`)
};

/// Exact row counts on both sides; with `withStatistics` also per-column null
/// counts and, for ordered types, minimum and maximum — compared canonically.
core::Result<TableCounts> countTable(const verify::VerifyJob& job, VerifyWorker& w, bool withStatistics);

/// Key ranges for comparing: integer ranges from the key's minimum and maximum,
/// sampled boundaries for other keys, the whole table for keyless or small ones.
core::Result<std::vector<plan::Chunk>> planVerifyChunks(const verify::VerifyJob& job, std::int64_t rows,
                                                        VerifyWorker& w, const plan::ChunkLimits& limits);

/// A deterministic share of the chunks (by a hash of table and ordinal), at least one.
std::vector<plan::Chunk> sampleChunks(const std::string& table, const std::vector<plan::Chunk>& chunks, double percent);

class StreamHold;

/// Where a live verification compares: the source position, and how long the
/// sync was held for it: in total, and the part of it it applied nothing (until
/// the source snapshot was taken, and at the position while the target
/// snapshots opened; in between it applied up to the position).
struct LiveSnapshot {
  std::string position;
  double holdMs = 0;
  double pausedMs = 0;
};

/// Puts every worker's two connections into snapshots of the same moment while a
/// sync runs: holds it, imports a temporary slot's exported source snapshot (its
/// consistent point is the position), runs the sync to that position, opens the
/// target snapshots, releases it (also on failure). PostgreSQL sources.
core::Result<LiveSnapshot> snapshotAtOnePosition(const connect::ConnectionSpec& source,
                                                 std::vector<VerifyWorker>& workers, StreamHold& hold,
                                                 std::stop_token stop);

/// Ends the snapshots snapshotAtOnePosition opened (their transactions hold
/// share locks that would block DDL on either server).
void endSnapshots(std::vector<VerifyWorker>& workers);

/// Matches differences across chunks and decides the table's status.
void finishTable(const verify::VerifyJob& job, verify::TableVerification& t, std::size_t maxDifferences);

}  // namespace ferry::run
