#pragma once
// Key-range chunks of a table with a key, measured on the source: integer
// ranges from the key's minimum and maximum, or keyset boundaries sampled
// every rowsPerChunk() rows. Shared by the copy and the verifier, so both
// split a table the same way.

#include <functional>
#include <string>
#include <vector>

#include "connect/query_result.h"
#include "copy/table_job.h"
#include "core/result.h"
#include "plan/chunk_planner.h"

namespace ferry::run {

using SourceQuery = std::function<core::Result<connect::QueryResult>(const std::string& sql)>;

/// `job` must have a key. A table within one chunk's rows is one whole chunk.
/// `stats` are the source's estimates; a table without a row estimate but with
/// more than an eighth of a chunk's bytes is counted first.
core::Result<std::vector<plan::Chunk>> planKeyRanges(const copy::TableJob& job, const plan::TableStats& stats,
                                                     const plan::ChunkLimits& limits, const SourceQuery& query);

}  // namespace ferry::run
