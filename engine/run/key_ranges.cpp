#include "run/key_ranges.h"

#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::run {

core::Result<std::vector<plan::Chunk>> planKeyRanges(const copy::TableJob& job, const plan::TableStats& known,
                                                     const plan::ChunkLimits& limits, const SourceQuery& query) {
  const model::Engine e = job.sourceEngine;
  const std::string table = ddl::qualified(e, job.sourceSchema, job.sourceTable);
  plan::TableStats stats = known;
  if (!job.keyColumns.empty() && stats.rows <= 0 && stats.bytes > limits.maxBytes / 8) {
    // No row estimate (a PostgreSQL table never analysed has reltuples -1) but
    // megabytes of data: without a count the whole table would be one chunk,
    // one stream however large it is.
    auto n = query("SELECT COUNT(*) AS n FROM " + table);
    if (!n) return std::move(n).error().context("counting the rows of " + job.label());
    stats.rows = n->row(0).i64("n");
  }
  const std::int64_t perChunk = plan::rowsPerChunk(stats, limits);
  const auto& columns = job.chunkColumns();
  if (columns.empty() || stats.rows <= perChunk) return plan::planWhole(stats);
  // A keyless table cut by a split column: its NULLs are a chunk of their own
  // (no range holds them), so every row is in exactly one chunk.
  auto withNulls = [&](std::vector<plan::Chunk> chunks) {
    if (!job.keyColumns.empty() || !job.splitNullable) return chunks;
    plan::Chunk nulls;
    nulls.kind = plan::ChunkKind::KeyNull;
    nulls.ordinal = static_cast<int>(chunks.size());
    chunks.push_back(nulls);
    return chunks;
  };
  if (job.keyColumns.empty() ? job.splitInteger : job.integerKey) {
    const std::string k = ddl::quoteIdent(e, columns.front());
    // The key's ends come from its index at once; the row count stays the
    // estimate (an exact COUNT(*) scanned the whole table, 0.2-0.5 s per 3 M rows,
    // only to size the ranges a little better).
    auto r = query("SELECT MIN(" + k + ") AS lo, MAX(" + k + ") AS hi FROM " + table);
    if (!r) return std::move(r).error().context("planning " + job.label());
    if (r->row(0).isNull("lo")) return plan::planWhole(stats);
    return withNulls(plan::planIntegerRanges(r->row(0).i64("lo"), r->row(0).i64("hi"), stats, limits));
  }
  // Keyset boundaries: every perChunk-th key in key order, in one pass.
  std::vector<std::string> keys;
  for (const auto& k : columns) keys.push_back(ddl::quoteIdent(e, k));
  const std::string keyList = core::join(keys, ", ");
  const std::string sql = "SELECT " + keyList + " FROM (SELECT " + keyList + ", ROW_NUMBER() OVER (ORDER BY " + keyList +
                          ") AS ferry_rn FROM " + table + ") ferry_s WHERE MOD(ferry_rn, " + std::to_string(perChunk) +
                          ") = 0 ORDER BY ferry_rn";
  auto r = query(sql);
  if (!r) return std::move(r).error().context("planning " + job.label());
  std::vector<plan::KeyBound> bounds;
  for (std::size_t i = 0; i < r->size(); ++i) {
    // NULLs sort first and belong to the NULL chunk; a split column repeats
    // values, and equal boundaries would make empty ranges.
    if (job.keyColumns.empty() && !r->at(i, 0)) continue;
    plan::KeyBound b;
    for (std::size_t c = 0; c < keys.size(); ++c) b.values.push_back(r->at(i, c).value_or(""));
    if (!bounds.empty() && bounds.back() == b) continue;
    bounds.push_back(std::move(b));
  }
  return withNulls(plan::planFromBoundaries(bounds, stats));
}

}  // namespace ferry::run
