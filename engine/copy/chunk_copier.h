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

/// A value this large goes alone, its values bound as parameters and sent in
/// pieces, never in LOAD DATA, a COPY batch or a statement's text: the copy's
/// rows into MySQL/MariaDB (a prepared INSERT) and the stream's changes
/// (cdc::RowOp::goesAlone).
inline constexpr std::size_t kHugeValueBytes = 8u << 20;

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

/// The target table that holds the chunk marks: "ferry_state"."chunk_marks"
/// when the user may create that schema (MySQL/MariaDB: database), otherwise
/// "<target schema>"."ferry_chunk_marks" inside the database the copy writes to,
/// which is all a user with rights on that database alone can write.
constexpr const char* kMarksSchema = "ferry_state";
constexpr const char* kMarksTable = "chunk_marks";
constexpr const char* kInlineMarksTable = "ferry_chunk_marks";

struct MarksTable {
  std::string schema = kMarksSchema;
  std::string table = kMarksTable;
  bool operator==(const MarksTable&) const = default;
};

/// Creates the marks table on the target when missing: in ferry_state, or, when
/// the user may not create it, in `fallbackSchema`. Returns where it is.
core::Result<MarksTable> ensureMarksTable(connect::PgConnection* pg, connect::MySqlConnection* my,
                                          const std::string& fallbackSchema);
/// Creates the marks table at `where` when missing (a resumed run's recorded place).
core::Status ensureMarksTableAt(connect::PgConnection* pg, connect::MySqlConnection* my, const MarksTable& where);
/// A finished run's marks are not needed any more: deletes them, and drops the
/// table (and an empty ferry_state) when no other run has marks there.
core::Status dropRunMarks(connect::PgConnection* pg, connect::MySqlConnection* my, const MarksTable& where,
                          const std::string& runId);

struct CopierContext {
  connect::PgConnection* pgSource = nullptr;
  connect::MySqlConnection* mySource = nullptr;
  connect::PgConnection* pgTarget = nullptr;
  connect::MySqlConnection* myTarget = nullptr;
  FlowControl* flow = nullptr;
  std::stop_token stop;
  OnError onError = OnError::Stop;
  std::string runId;
  MarksTable marks;  ///< where the chunk marks go
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
