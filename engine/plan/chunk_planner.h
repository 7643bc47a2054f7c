#pragma once
/// The chunk planner: splits a table into key ranges that workers copy (and
/// verification later checksums) independently. Pure: the caller measures the
/// table (row count, size, key range or sampled boundaries) and gets chunks.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"

namespace ferry::plan {

/// Bounds for one chunk. The defaults (100,000 rows or 64 MB, whichever comes
/// first) keep per-chunk costs — a transaction, a state write, a plan — under
/// ~1 % at a million rows a second, while a crash re-copies at most a fraction
/// of a second of one worker's work and progress moves several times a second.
struct ChunkLimits {
  std::int64_t maxRows = 100'000;
  std::int64_t maxBytes = 64LL * 1024 * 1024;
};

struct TableStats {
  std::int64_t rows = 0;   ///< estimated or counted rows
  std::int64_t bytes = 0;  ///< estimated table size
};

/// One end of a chunk: the key's values, as text, in key-column order.
struct KeyBound {
  std::vector<std::string> values;
  bool operator==(const KeyBound&) const = default;
};

enum class ChunkKind {
  KeyRange,   ///< lower <= key < upper (either end may be open)
  CtidRange,  ///< PostgreSQL physical pages [lowerPage, upperPage)
  Whole,      ///< the whole table in one stream (no usable key)
  KeyNull,    ///< the rows whose (nullable, non-key) split column is NULL
};

struct Chunk {
  int ordinal = 0;
  ChunkKind kind = ChunkKind::Whole;
  std::optional<KeyBound> lower;  ///< inclusive; nullopt = from the start
  std::optional<KeyBound> upper;  ///< exclusive; nullopt = to the end
  std::int64_t lowerPage = 0;     ///< CtidRange only
  std::int64_t upperPage = 0;     ///< CtidRange only (exclusive; 0 = to the end)
  std::int64_t estimatedRows = 0;
  /// A PostgreSQL partitioned table is copied partition by partition: the
  /// partition this chunk reads (its ranges are that partition's); empty = the table.
  std::string partitionSchema;
  std::string partitionTable;
};

/// Rows per chunk for a table of this shape under the limits (at least 1).
std::int64_t rowsPerChunk(const TableStats& stats, const ChunkLimits& limits);

/// Integer single-column key from min to max (inclusive): equal-width ranges.
/// The first chunk is open below and the last open above, so rows inserted
/// outside [min, max] while planning still belong to a chunk.
std::vector<Chunk> planIntegerRanges(std::int64_t min, std::int64_t max, const TableStats& stats,
                                     const ChunkLimits& limits);

/// Any key (composite, text, …): `boundaries` are sorted key values sampled
/// every rowsPerChunk() rows (keyset paging); chunk i covers [b[i-1], b[i]).
std::vector<Chunk> planFromBoundaries(const std::vector<KeyBound>& boundaries, const TableStats& stats);

/// PostgreSQL table without a key: ranges of heap pages (ctid) of `pages`
/// pages of `pageBytes` each. A chunk holds at most limits.maxBytes of pages and
/// about limits.maxRows rows (stats.rows spread evenly over the pages). The
/// first chunk starts at page 0 and the last is open above. Only valid inside
/// one snapshot: an UPDATE or VACUUM FULL moves rows to other pages.
std::vector<Chunk> planCtidRanges(std::int64_t pages, const TableStats& stats, const ChunkLimits& limits,
                                  std::int64_t pageBytes = 8192);

/// A table with no usable key on MySQL: one stream.
std::vector<Chunk> planWhole(const TableStats& stats);

/// The WHERE condition selecting a chunk's rows on `engine`, e.g.
/// `"id" >= 1 AND "id" < 100001` or `("a", "b") >= (1, 'x')`; "TRUE" for a
/// whole-table chunk. `numeric[i]` says whether key column i compares as a number
/// (unquoted literal) or as text. Text literals only double their quotes: MySQL
/// sessions that run these predicates set NO_BACKSLASH_ESCAPES.
std::string chunkPredicate(model::Engine engine, const std::vector<std::string>& keyColumns,
                           const std::vector<bool>& numeric, const Chunk& chunk);

}  // namespace ferry::plan
