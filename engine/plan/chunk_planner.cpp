#include "plan/chunk_planner.h"

#include <algorithm>

#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::plan {

std::int64_t rowsPerChunk(const TableStats& stats, const ChunkLimits& limits) {
  std::int64_t rows = std::max<std::int64_t>(1, limits.maxRows);
  if (stats.rows > 0 && stats.bytes > 0) {
    const std::int64_t bytesPerRow = std::max<std::int64_t>(1, stats.bytes / stats.rows);
    rows = std::min(rows, std::max<std::int64_t>(1, limits.maxBytes / bytesPerRow));
  }
  return rows;
}

std::vector<Chunk> planIntegerRanges(std::int64_t min, std::int64_t max, const TableStats& stats,
                                     const ChunkLimits& limits) {
  if (max < min) return planWhole(stats);
  const std::int64_t perChunk = rowsPerChunk(stats, limits);
  const std::int64_t rows = std::max<std::int64_t>(stats.rows, 1);
  const std::int64_t count = std::max<std::int64_t>(1, (rows + perChunk - 1) / perChunk);
  // Width over the key range; computed in long double so that a span near the
  // whole int64 range does not overflow.
  const long double span = static_cast<long double>(max) - static_cast<long double>(min) + 1.0L;
  const long double width = std::max<long double>(1.0L, span / static_cast<long double>(count));
  std::vector<Chunk> out;
  for (std::int64_t i = 0; i < count; ++i) {
    Chunk c;
    c.ordinal = static_cast<int>(i);
    c.kind = ChunkKind::KeyRange;
    if (i > 0) c.lower = KeyBound{{std::to_string(static_cast<std::int64_t>(static_cast<long double>(min) + width * static_cast<long double>(i)))}};
    if (i + 1 < count) {
      c.upper = KeyBound{{std::to_string(static_cast<std::int64_t>(static_cast<long double>(min) + width * static_cast<long double>(i + 1)))}};
    }
    c.estimatedRows = rows / count;
    if (c.lower && c.upper && c.lower == c.upper) continue;  // narrower than one key value
    out.push_back(std::move(c));
  }
  for (size_t i = 0; i < out.size(); ++i) out[i].ordinal = static_cast<int>(i);
  return out;
}

std::vector<Chunk> planFromBoundaries(const std::vector<KeyBound>& boundaries, const TableStats& stats) {
  std::vector<Chunk> out;
  const std::int64_t count = static_cast<std::int64_t>(boundaries.size()) + 1;
  for (std::int64_t i = 0; i < count; ++i) {
    Chunk c;
    c.ordinal = static_cast<int>(i);
    c.kind = ChunkKind::KeyRange;
    if (i > 0) c.lower = boundaries[static_cast<size_t>(i - 1)];
    if (i + 1 < count) c.upper = boundaries[static_cast<size_t>(i)];
    c.estimatedRows = stats.rows / count;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Chunk> planCtidRanges(std::int64_t pages, const TableStats& stats, const ChunkLimits& limits,
                                  std::int64_t pageBytes) {
  if (pages <= 0) return planWhole(stats);
  const std::int64_t byBytes = std::max<std::int64_t>(1, limits.maxBytes / std::max<std::int64_t>(1, pageBytes));
  const std::int64_t rowsPerPage = stats.rows > 0 ? std::max<std::int64_t>(1, stats.rows / pages) : 1;
  const std::int64_t byRows = std::max<std::int64_t>(1, std::max<std::int64_t>(1, limits.maxRows) / rowsPerPage);
  const std::int64_t pagesPerChunk = std::min(byBytes, byRows);
  std::vector<Chunk> out;
  for (std::int64_t start = 0; start < pages; start += pagesPerChunk) {
    Chunk c;
    c.ordinal = static_cast<int>(out.size());
    c.kind = ChunkKind::CtidRange;
    c.lowerPage = start;
    c.upperPage = start + pagesPerChunk >= pages ? 0 : start + pagesPerChunk;
    c.estimatedRows = pagesPerChunk * rowsPerPage;
    out.push_back(c);
  }
  return out;
}

std::vector<Chunk> planWhole(const TableStats& stats) {
  Chunk c;
  c.kind = ChunkKind::Whole;
  c.estimatedRows = stats.rows;
  return {c};
}

namespace {

std::string literal(const std::string& value, bool numeric) { return numeric ? value : ddl::quoteLiteral(value); }

std::string tuple(model::Engine engine, const std::vector<std::string>& cols) {
  std::vector<std::string> q;
  for (const auto& c : cols) q.push_back(ddl::quoteIdent(engine, c));
  return cols.size() == 1 ? q[0] : "(" + core::join(q, ", ") + ")";
}

std::string values(const KeyBound& b, const std::vector<bool>& numeric) {
  std::vector<std::string> v;
  for (size_t i = 0; i < b.values.size(); ++i) v.push_back(literal(b.values[i], i < numeric.size() && numeric[i]));
  return v.size() == 1 ? v[0] : "(" + core::join(v, ", ") + ")";
}

}  // namespace

std::string chunkPredicate(model::Engine engine, const std::vector<std::string>& keyColumns,
                           const std::vector<bool>& numeric, const Chunk& chunk) {
  switch (chunk.kind) {
    case ChunkKind::Whole: return "TRUE";
    case ChunkKind::CtidRange: {
      std::string s = "ctid >= '(" + std::to_string(chunk.lowerPage) + ",0)'::tid";
      if (chunk.upperPage > 0) s += " AND ctid < '(" + std::to_string(chunk.upperPage) + ",0)'::tid";
      return s;
    }
    case ChunkKind::KeyNull: return tuple(engine, keyColumns) + " IS NULL";
    case ChunkKind::KeyRange: break;
  }
  std::vector<std::string> parts;
  const std::string key = tuple(engine, keyColumns);
  if (chunk.lower) parts.push_back(key + " >= " + values(*chunk.lower, numeric));
  if (chunk.upper) parts.push_back(key + " < " + values(*chunk.upper, numeric));
  return parts.empty() ? "TRUE" : core::join(parts, " AND ");
}

}  // namespace ferry::plan
