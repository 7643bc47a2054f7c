// RunStateStore: chunks, rejects, totals and the summary (the calls the copy
// workers and the progress poller make while a run is going).

#include "state/run_state_store.h"

#include "state/run_state_store_impl.h"
#include "state/state_sql.h"

namespace ferry::state {
namespace {

using detail::fromMicros;
using detail::toMicros;

std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return toMicros(*t);
}

std::optional<TimePoint> timePoint(const std::optional<std::int64_t>& micros) {
  if (!micros) return std::nullopt;
  return fromMicros(*micros);
}

std::int64_t nowMicros() { return toMicros(std::chrono::system_clock::now()); }

core::Status readChunk(const detail::SqliteDb& db, const detail::Statement& row, ChunkState& c) {
  c.id = row.int64(0);
  c.tableId = row.int64(1);
  c.ordinal = row.int64(2);
  c.lowerBoundJson = row.text(3);
  c.upperBoundJson = row.text(4);
  const std::string status = row.text(5);
  auto parsed = parseChunkStatus(status);
  if (!parsed) return db.fileError(core::ErrorKind::Data, "unknown chunk status '" + status + "'");
  c.status = *parsed;
  c.counts = {row.int64(6), row.int64(7), row.int64(8), row.int64(9)};
  c.attempts = row.int64(10);
  c.startedAt = timePoint(row.optionalInt64(11));
  c.finishedAt = timePoint(row.optionalInt64(12));
  c.error = row.text(13);
  return {};
}

core::Error noChunk(const detail::SqliteDb& db, std::int64_t chunkId) {
  return db.fileError(core::ErrorKind::Data, "has no chunk with id " + std::to_string(chunkId));
}

}  // namespace

core::Result<std::vector<std::int64_t>> RunStateStore::addChunks(
    const std::vector<ChunkState>& chunks) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  auto tx = detail::Transaction::begin(db);
  if (!tx.ok()) return std::move(tx).error();
  std::vector<std::int64_t> ids;
  ids.reserve(chunks.size());
  for (const ChunkState& c : chunks) {
    FERRY_STATE_PREPARE(insert, db, sql::kInsertChunk);
    auto st = insert.bind(1, c.tableId)
                  .bind(2, c.ordinal)
                  .bind(3, c.lowerBoundJson)
                  .bind(4, c.upperBoundJson)
                  .bind(5, std::string_view(chunkStatusName(c.status)))
                  .bind(6, c.counts.rowsRead)
                  .bind(7, c.counts.rowsWritten)
                  .bind(8, c.counts.rowsRejected)
                  .bind(9, c.counts.bytes)
                  .bind(10, c.attempts)
                  .bind(11, micros(c.startedAt))
                  .bind(12, micros(c.finishedAt))
                  .bind(13, c.error)
                  .run();
    if (!st.ok()) {
      return std::move(st).error().context("adding chunk " + std::to_string(c.ordinal) +
                                           " of table " + std::to_string(c.tableId));
    }
    ids.push_back(db.lastInsertId());
  }
  FERRY_TRY((*tx)->commit());
  return ids;
}

core::Result<std::vector<ChunkState>> RunStateStore::listChunks(const ChunkFilter& filter) const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  // One statement per filter shape, so each can use its index.
  const char* text = sql::kSelectChunks;
  if (filter.tableId && filter.status) {
    text = sql::kSelectChunksOfTableWithStatus;
  } else if (filter.tableId) {
    text = sql::kSelectChunksOfTable;
  } else if (filter.status) {
    text = sql::kSelectChunksWithStatus;
  }
  FERRY_STATE_PREPARE(select, db, text);
  int index = 1;
  if (filter.tableId) select.bind(index++, *filter.tableId);
  if (filter.status) select.bind(index, std::string_view(chunkStatusName(*filter.status)));
  std::vector<ChunkState> chunks;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    ChunkState c;
    FERRY_TRY(readChunk(db, select, c));
    chunks.push_back(std::move(c));
  }
  return chunks;
}

core::Status RunStateStore::markChunkRunning(std::int64_t chunkId) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  {
    FERRY_STATE_PREPARE(update, db, sql::kMarkChunkRunning);
    FERRY_TRY(update.bind(1, nowMicros()).bind(2, chunkId).run());
  }
  if (db.changes() == 1) return {};
  FERRY_STATE_PREPARE(select, db, sql::kSelectChunkStatus);
  auto row = select.bind(1, chunkId).step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return noChunk(db, chunkId);
  return db.fileError(core::ErrorKind::Data, "chunk " + std::to_string(chunkId) + " is " +
                                                 select.text(0) + ", not pending or failed");
}

core::Status RunStateStore::markChunkDone(std::int64_t chunkId, const CopyCounts& counts) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(update, db, sql::kMarkChunkDone);
  FERRY_TRY(update.bind(1, counts.rowsRead)
                .bind(2, counts.rowsWritten)
                .bind(3, counts.rowsRejected)
                .bind(4, counts.bytes)
                .bind(5, nowMicros())
                .bind(6, chunkId)
                .run());
  if (db.changes() == 0) return noChunk(db, chunkId);
  return {};
}

core::Status RunStateStore::markChunkFailed(std::int64_t chunkId, const std::string& error) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(update, db, sql::kMarkChunkFailed);
  FERRY_TRY(update.bind(1, error).bind(2, nowMicros()).bind(3, chunkId).run());
  if (db.changes() == 0) return noChunk(db, chunkId);
  return {};
}

core::Status RunStateStore::resetTableChunks(std::int64_t tableId) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(update, db, sql::kResetTableChunks);
  return update.bind(1, tableId).run();
}

core::Result<std::int64_t> RunStateStore::resetRunningChunks() {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(update, db, sql::kResetRunningChunks);
  FERRY_TRY(update.run());
  return db.changes();
}

core::Status RunStateStore::addReject(const RejectRecord& reject) {
  return addRejects(std::vector<RejectRecord>{reject});
}

core::Status RunStateStore::addRejects(const std::vector<RejectRecord>& rejects) {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  auto tx = detail::Transaction::begin(db);
  if (!tx.ok()) return std::move(tx).error();
  for (const RejectRecord& r : rejects) {
    std::string value = r.valueText;
    const bool truncated = truncateUtf8(value, RejectRecord::kMaxValueBytes) || r.valueTruncated;
    FERRY_STATE_PREPARE(insert, db, sql::kInsertReject);
    auto st = insert.bind(1, r.tableId)
                  .bind(2, r.chunkId)
                  .bind(3, r.keyText)
                  .bind(4, r.column)
                  .bind(5, value)
                  .bind(6, std::int64_t{truncated ? 1 : 0})
                  .bind(7, r.reason)
                  .run();
    if (!st.ok()) return std::move(st).error().context("adding a reject of table " + std::to_string(r.tableId));
  }
  return (*tx)->commit();
}

core::Result<std::vector<RejectRecord>> RunStateStore::listRejects(
    std::optional<std::int64_t> tableId) const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, tableId ? sql::kSelectRejectsOfTable : sql::kSelectRejects);
  if (tableId) select.bind(1, *tableId);
  std::vector<RejectRecord> rejects;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    RejectRecord r;
    r.tableId = select.int64(0);
    r.chunkId = select.optionalInt64(1);
    r.keyText = select.text(2);
    r.column = select.text(3);
    r.valueText = select.text(4);
    r.valueTruncated = select.int64(5) != 0;
    r.reason = select.text(6);
    rejects.push_back(std::move(r));
  }
  return rejects;
}

core::Result<std::map<std::int64_t, std::int64_t>> RunStateStore::rejectCounts() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kRejectCounts);
  std::map<std::int64_t, std::int64_t> counts;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    counts[select.int64(0)] = select.int64(1);
  }
  return counts;
}

core::Result<std::vector<TableTotals>> RunStateStore::tableTotals() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  FERRY_STATE_PREPARE(select, db, sql::kTableTotals);
  std::vector<TableTotals> totals;
  while (true) {
    auto row = select.step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    TableTotals t;
    t.tableId = select.int64(0);
    t.chunksTotal = select.int64(1);
    t.chunksDone = select.int64(2);
    t.chunksFailed = select.int64(3);
    t.counts = {select.int64(4), select.int64(5), select.int64(6), select.int64(7)};
    totals.push_back(t);
  }
  return totals;
}

core::Result<RunSummary> RunStateStore::summary() const {
  std::lock_guard lock(m_impl->mutex);
  detail::SqliteDb& db = *m_impl->db;
  RunSummary s;
  {
    FERRY_STATE_PREPARE(tables, db, sql::kSummaryTables);
    auto row = tables.step();
    if (!row.ok()) return std::move(row).error();
    s.tablesTotal = tables.int64(0);
    s.tablesCopied = tables.int64(1);
    s.tablesFailed = tables.int64(2);
    s.estimatedRows = tables.int64(3);
  }
  {
    FERRY_STATE_PREPARE(chunks, db, sql::kSummaryChunks);
    auto row = chunks.step();
    if (!row.ok()) return std::move(row).error();
    s.chunksTotal = chunks.int64(0);
    s.chunksPending = chunks.int64(1);
    s.chunksRunning = chunks.int64(2);
    s.chunksDone = chunks.int64(3);
    s.chunksFailed = chunks.int64(4);
    s.counts = {chunks.int64(5), chunks.int64(6), chunks.int64(7), chunks.int64(8)};
  }
  FERRY_STATE_PREPARE(rejects, db, sql::kSummaryRejects);
  auto row = rejects.step();
  if (!row.ok()) return std::move(row).error();
  s.rejects = rejects.int64(0);
  return s;
}

}  // namespace ferry::state
