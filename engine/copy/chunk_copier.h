#pragma once
/// Copies one chunk: reads its rows from the source inside the worker's
/// snapshot transaction, converts each value with the typemap converters, writes
/// them to the target, and records the chunk's "done" mark in the target in the
/// same transaction — so a chunk's rows and its mark commit together or not at
/// all, and a crash at any moment never leaves a half-copied chunk behind.

#include <atomic>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "copy/flow_control.h"
#include "copy/table_job.h"
#include "plan/chunk_planner.h"

namespace ferry::copy {

enum class OnError { Stop, Skip };

struct ChunkCounts {
  std::int64_t rowsRead = 0;
  std::int64_t rowsWritten = 0;
  std::int64_t rowsRejected = 0;
  std::int64_t bytes = 0;
};

/// A row that could not be converted or that the target refused.
struct Reject {
  std::string table;   ///< source schema.table
  std::string key;     ///< "id=17", "a=1,b=x", or "" when the table has no key
  std::string column;  ///< empty when the target refused the whole row
  std::string value;
  std::string reason;
};

/// The target table that holds the chunk marks ("ferry_state"."chunk_marks").
constexpr const char* kMarksSchema = "ferry_state";
constexpr const char* kMarksTable = "chunk_marks";

/// Creates the marks table on the target when missing.
core::Status ensureMarksTable(connect::PgConnection* pg, connect::MySqlConnection* my);

struct CopierContext {
  connect::PgConnection* pgSource = nullptr;
  connect::MySqlConnection* mySource = nullptr;
  connect::PgConnection* pgTarget = nullptr;
  connect::MySqlConnection* myTarget = nullptr;
  FlowControl* flow = nullptr;
  std::stop_token stop;
  OnError onError = OnError::Stop;
  std::string runId;
  std::function<void(const Reject&)> onReject;
  /// MySQL targets: load through LOAD DATA LOCAL INFILE while this is true (shared
  /// by the run's workers; the first refusal turns it off for all). nullptr: INSERT.
  std::atomic<bool>* mysqlLoadData = nullptr;
  /// Called as rows flow (rows, bytes since the last call), for live progress.
  std::function<void(std::int64_t, std::int64_t)> onProgress;
};

core::Result<ChunkCounts> copyChunk(const TableJob& job, std::int64_t chunkId, const plan::Chunk& chunk,
                                    CopierContext& ctx);

}  // namespace ferry::copy
