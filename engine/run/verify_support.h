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

/// Matches differences across chunks and decides the table's status.
void finishTable(const verify::VerifyJob& job, verify::TableVerification& t, std::size_t maxDifferences);

}  // namespace ferry::run
