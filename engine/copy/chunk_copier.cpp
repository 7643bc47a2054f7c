#include "copy/chunk_copier.h"

#include <algorithm>

#include "copy/copy_text.h"
#include "copy/mysql_loader.h"
#include "core/log.h"
#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/value_converter.h"

namespace ferry::copy {

namespace {

// Rows per write to the target: big enough that a round trip or a COPY write
// costs little per row, small enough that a batch INSERT stays well under
// max_allowed_packet and progress moves smoothly.
constexpr std::size_t kBatchRows = 1000;
constexpr std::size_t kBatchBytes = 1 << 20;  // 1 MiB
constexpr std::size_t kCopyBufferBytes = 256 * 1024;

using ValueRow = std::vector<std::optional<std::string_view>>;

std::string keyText(const TableJob& job, const ValueRow& row) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < job.keyColumns.size(); ++i) {
    const int idx = job.keyIndexes[i];
    const auto& v = idx >= 0 && static_cast<size_t>(idx) < row.size() ? row[static_cast<size_t>(idx)] : std::nullopt;
    parts.push_back(job.keyColumns[i] + "=" + (v ? core::printableValue(*v) : "NULL"));
  }
  return core::join(parts, ",");
}

/// One converted row in the target's form: a COPY text line (PostgreSQL) or a
/// parenthesised VALUES tuple (MySQL).
void appendRow(std::string& out, const TableJob& job, const ValueRow& row, bool pg) {
  if (!pg) out += '(';
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += pg ? "\t" : ", ";
    const auto& value = row[i];
    if (pg) {
      appendPgCopyField(out, value);
    } else {
      appendMySqlLiteral(out, value, job.columns[i].targetBinary);
    }
  }
  out += pg ? "\n" : ")";
}

bool hasHugeValue(const ValueRow& row) {
  return std::any_of(row.begin(), row.end(), [](const auto& v) { return v && v->size() >= kHugeValueBytes; });
}

/// From this size a binary string into bytea is written as hex in pieces of this size.
constexpr std::size_t kHexInPieces = 1u << 20;

std::string targetColumns(const TableJob& job);

std::string preparedInsert(const TableJob& job) {
  std::vector<std::string> marks(job.columns.size(), "?");
  return "INSERT INTO " + job.qualifiedTarget() + " (" + targetColumns(job) + ") VALUES (" + core::join(marks, ", ") + ")";
}

std::string targetColumns(const TableJob& job) {
  std::vector<std::string> cols;
  for (const auto& c : job.columns) cols.push_back(ddl::quoteIdent(job.targetEngine, c.targetName));
  return core::join(cols, ", ");
}

/// Converts one source row; false when a value was rejected (and reported).
/// The converted row views the source row (identity columns, no copy) or the
/// converter's own storage, so it is valid until the next convert() and as long
/// as the source row is.
class RowConverter {
public:
  RowConverter(const TableJob& job, CopierContext& ctx) : m_job(job), m_ctx(ctx) {}

  core::Result<bool> convert(const ValueRow& in, ValueRow& out) {
    out.resize(in.size());
    m_owned.resize(in.size());
    m_bytes.assign(in.size(), false);
    for (size_t i = 0; i < in.size(); ++i) {
      const ColumnJob& col = m_job.columns[i];
      // A PostgreSQL source's bytea arrives as its bytes already (CopyTextRows::setByteaColumns).
      if (col.conversion == typemap::ConversionId::Identity ||
          (col.conversion == typemap::ConversionId::PgByteaToBytes && m_ctx.pgSource)) {
        out[i] = in[i];
        continue;
      }
      if (col.conversion == typemap::ConversionId::MySqlBytesToBytea && m_ctx.pgTarget && in[i] &&
          in[i]->size() >= kHexInPieces) {
        // Left as bytes: writePgRowInPieces() writes their hex straight to the COPY.
        out[i] = in[i];
        m_bytes[i] = true;
        continue;
      }
      auto v = typemap::convertValue(col.conversion, in[i], col.conversionContext);
      if (!v) {
        Reject r{m_job.label(), keyText(m_job, in), col.sourceName, in[i] ? core::printableValue(*in[i]) : "NULL",
                 v.error().message()};
        if (m_ctx.onError == OnError::Stop) {
          return core::Error(core::ErrorKind::Data,
                             m_job.label() + " row " + r.key + " column " + r.column + ": " + r.reason,
                             "Fix the value at the source, override the column's mapping, or run with --on-error skip "
                             "to write it to the reject file and go on.");
        }
        if (m_ctx.onReject) m_ctx.onReject(r);
        return false;
      }
      if (*v) {
        m_owned[i] = std::move(**v);
        out[i] = std::string_view(m_owned[i]);
      } else {
        out[i] = std::nullopt;
      }
    }
    return true;
  }

  /// Whether a value of the current row is a binary string left as its bytes
  /// for a bytea column (written by writePgRowInPieces(), never appendRow()).
  bool anyBytes() const { return std::find(m_bytes.begin(), m_bytes.end(), true) != m_bytes.end(); }
  const std::vector<bool>& bytes() const { return m_bytes; }

private:
  const TableJob& m_job;
  CopierContext& m_ctx;
  std::vector<std::string> m_owned;  ///< converted values of the current row
  std::vector<bool> m_bytes;  ///< per column of the current row
};

/// One row into a PostgreSQL COPY whose `bytes` fields (binary strings for
/// bytea columns) are written as bytea hex a piece at a time: a 256 MiB value
/// costs 2 MB here, not 512 MB of hex text and its escaped copy.
core::Status writePgRowInPieces(connect::PgCopyIn& in, const ValueRow& row, const std::vector<bool>& bytes) {
  std::string buf;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) buf += '\t';
    if (!row[i] || i >= bytes.size() || !bytes[i]) {
      appendPgCopyField(buf, row[i]);
      continue;
    }
    buf += "\\\\x";  // the field's \x, its backslash escaped
    const std::string_view v = *row[i];
    for (std::size_t at = 0; at < v.size(); at += kHexInPieces) {
      buf += core::hex(v.substr(at, kHexInPieces));
      FERRY_TRY(in.write(buf));
      buf.clear();
    }
  }
  buf += '\n';
  return in.write(buf);
}

core::Status exec(CopierContext& ctx, const std::string& sql) {
  return ctx.pgTarget ? ctx.pgTarget->exec(sql) : ctx.myTarget->exec(sql);
}

std::string markInsert(const TableJob& job, const MarksTable& marks, const std::string& runId, std::int64_t chunkId,
                       std::int64_t rows) {
  return "INSERT INTO " + ddl::qualified(job.targetEngine, marks.schema, marks.table) + " VALUES (" +
         ddl::quoteLiteral(runId) + ", " + std::to_string(chunkId) + ", " + std::to_string(rows) + ")";
}

/// Reads the chunk's rows from the source as text values.
core::Status readRows(const TableJob& job, const plan::Chunk& chunk, CopierContext& ctx,
                      const std::function<core::Status(const ValueRow&)>& onRow, std::int64_t& bytes) {
  const std::string predicate = plan::chunkPredicate(job.sourceEngine, job.chunkColumns(), job.chunkNumeric(), chunk);
  const std::string select = job.selectSql(predicate, chunk.partitionSchema, chunk.partitionTable);
  if (ctx.mySource) {
    auto r = ctx.mySource->stream(select, [&](const connect::MySqlRow& row) {
      for (const auto& v : row) bytes += v ? static_cast<std::int64_t>(v->size()) : 0;  // live, not at the end
      return onRow(row);
    });
    if (!r) return std::move(r).error();
    return {};
  }
  CopyTextRows rows;
  std::vector<bool> bytea;
  for (const auto& c : job.columns) bytea.push_back(c.conversion == typemap::ConversionId::PgByteaToBytes);
  rows.setByteaColumns(std::move(bytea));
  auto r = ctx.pgSource->copyOut("COPY (" + select + ") TO STDOUT", [&](std::string_view data) -> core::Status {
    bytes += static_cast<std::int64_t>(data.size());
    return rows.feed(data, onRow);
  });
  if (!r) return std::move(r).error();
  return {};
}

core::Result<ChunkCounts> copyBinary(const TableJob& job, const plan::Chunk& chunk, CopierContext& ctx) {
  ChunkCounts counts;
  const std::string predicate = plan::chunkPredicate(job.sourceEngine, job.chunkColumns(), job.chunkNumeric(), chunk);
  auto in = ctx.pgTarget->beginCopyIn("COPY " + job.qualifiedTarget() +
                                      " (" + targetColumns(job) + ") FROM STDIN (FORMAT binary)");
  if (!in) return std::move(in).error();
  auto out = ctx.pgSource->copyOut("COPY (" + job.selectSql(predicate, chunk.partitionSchema, chunk.partitionTable) +
                                       ") TO STDOUT (FORMAT binary)",
                                   [&](std::string_view data) { return in->write(data); });
  if (!out) {
    (void)in->abort("source failed");
    return std::move(out).error();
  }
  auto fin = in->finish();
  if (!fin) return std::move(fin).error();
  counts.rowsRead = static_cast<std::int64_t>(out->rows);
  counts.rowsWritten = static_cast<std::int64_t>(fin->rows);
  counts.bytes = static_cast<std::int64_t>(out->bytes);
  if (ctx.onProgress) ctx.onProgress(counts.rowsWritten, counts.bytes);
  if (ctx.flow && !ctx.flow->admit(counts.rowsWritten, ctx.stop)) {
    return core::Error(core::ErrorKind::Cancelled, "copy stopped");
  }
  return counts;
}

/// Text path. `rowMode` writes each row on its own (after a batch failed) so the
/// rows the target refuses are isolated and rejected one by one.
core::Result<ChunkCounts> copyText(const TableJob& job, const plan::Chunk& chunk, CopierContext& ctx, bool rowMode) {
  ChunkCounts counts;
  RowConverter converter(job, ctx);
  ValueRow converted;
  const bool pg = ctx.pgTarget != nullptr;
  const std::string table = job.qualifiedTarget();
  const std::string copySql = "COPY " + table + " (" + targetColumns(job) + ") FROM STDIN";
  const std::string insertHead = "INSERT INTO " + table + " (" + targetColumns(job) + ") VALUES ";
  std::optional<connect::PgCopyIn> copyIn;
  std::unique_ptr<MySqlPipeLoad> load;  // MySQL: LOAD DATA LOCAL INFILE, rows in COPY text format
  std::string buffer;
  std::size_t batchRows = 0;
  std::int64_t sinceProgress = 0;

  std::int64_t bytesShown = 0;  // source bytes already reported live
  auto flushRows = [&]() -> core::Status {
    if (buffer.empty()) return {};
    if (pg) {
      FERRY_TRY(copyIn->write(buffer));
    } else if (load) {
      FERRY_TRY(load->write(buffer));
    } else {
      FERRY_TRY(ctx.myTarget->exec(insertHead + buffer));
    }
    buffer.clear();
    batchRows = 0;
    if (ctx.onProgress) ctx.onProgress(sinceProgress, counts.bytes - bytesShown);
    bytesShown = counts.bytes;
    if (ctx.flow && !ctx.flow->admit(sinceProgress, ctx.stop)) {
      return core::Error(core::ErrorKind::Cancelled, "copy stopped");
    }
    sinceProgress = 0;
    return {};
  };

  auto writeOne = [&](const ValueRow& source) -> core::Status {
    // Row mode: each row in its own savepoint (PostgreSQL) or statement (MySQL).
    std::string row;
    if ((pg && !converter.anyBytes()) || (!pg && !hasHugeValue(converted))) appendRow(row, job, converted, pg);
    if (pg) {
      FERRY_TRY(ctx.pgTarget->exec("SAVEPOINT ferry_row"));
      auto in = ctx.pgTarget->beginCopyIn(copySql);
      core::Status st = !in                    ? core::Status(in.error())
                        : converter.anyBytes() ? writePgRowInPieces(*in, converted, converter.bytes())
                                               : in->write(row);
      if (st.ok() && in) {
        auto fin = in->finish();
        if (!fin) st = fin.error();
      }
      if (!st.ok()) {
        FERRY_TRY(ctx.pgTarget->exec("ROLLBACK TO SAVEPOINT ferry_row"));
        if (ctx.onReject) ctx.onReject({job.label(), keyText(job, source), "", "", st.error().message()});
        ++counts.rowsRejected;
        return {};
      }
      FERRY_TRY(ctx.pgTarget->exec("RELEASE SAVEPOINT ferry_row"));
    } else {
      core::Status st;
      if (hasHugeValue(converted)) {
        if (auto n = ctx.myTarget->execPrepared(preparedInsert(job), converted); !n) st = std::move(n).error();
      } else {
        st = ctx.myTarget->exec(insertHead + row);
      }
      if (!st.ok()) {
        if (ctx.onReject) ctx.onReject({job.label(), keyText(job, source), "", "", st.error().message()});
        ++counts.rowsRejected;
        return {};
      }
    }
    ++counts.rowsWritten;
    return {};
  };

  if (pg && !rowMode) {
    auto in = ctx.pgTarget->beginCopyIn(copySql);
    if (!in) return std::move(in).error();
    copyIn.emplace(std::move(*in));
  }
  auto startLoad = [&]() -> core::Status {
    if (pg || rowMode || !ctx.mysqlLoadData || !ctx.mysqlLoadData->load()) return {};
    auto started = MySqlPipeLoad::begin(*ctx.myTarget, table, targetColumns(job));
    if (started) {
      load = std::move(*started);
    } else if (MySqlPipeLoad::refused(started.error())) {
      // Said once per run; every worker then loads with multi-row INSERT.
      if (ctx.mysqlLoadData->exchange(false)) {
        core::log(core::LogLevel::Warning,
                  "the target refuses LOAD DATA LOCAL INFILE (" + started.error().message() +
                      "): loading with multi-row INSERT instead, which is slower. For the fast path: "
                      "SET GLOBAL local_infile = ON on the target.");
      }
    } else {
      return std::move(started).error();
    }
    return {};
  };
  auto finishLoad = [&]() -> core::Status {
    if (!load) return {};
    auto done = load->finish();
    load.reset();
    FERRY_TRY(done);
    // LOAD DATA downgrades some refusals to warnings even in strict mode (a
    // truncated row, a wrong count of fields): never accept one silently — the
    // chunk fails and row mode (strict INSERTs) isolates the row.
    auto w = ctx.myTarget->query("SHOW WARNINGS LIMIT 1");
    if (!w) return std::move(w).error();
    if (!w->empty()) {
      return core::Error(core::ErrorKind::Data, job.label() + ": LOAD DATA warned: " + w->at(0, 2).value_or("") +
                                                    " (code " + w->at(0, 1).value_or("") + ")");
    }
    return {};
  };
  bool loadPaused = false;  // LOAD DATA ended for a huge row; started again for the next row
  FERRY_TRY(startLoad());
  auto st = readRows(job, chunk, ctx, [&](const ValueRow& row) -> core::Status {
    ++counts.rowsRead;
    auto ok = converter.convert(row, converted);
    if (!ok) return std::move(ok).error();
    if (!*ok) {
      ++counts.rowsRejected;
      return {};
    }
    if (rowMode) return writeOne(row);
    if (!pg && hasHugeValue(converted)) {
      // Written alone as a prepared INSERT, its values sent as raw bytes in
      // pieces: no hex literal over max_allowed_packet, no LOAD DATA field of
      // hundreds of MB (docs/copy.md "Huge values"). Same transaction.
      FERRY_TRY(flushRows());
      loadPaused = loadPaused || load != nullptr;
      FERRY_TRY(finishLoad());
      auto n = ctx.myTarget->execPrepared(preparedInsert(job), converted);
      if (!n) return std::move(n).error();
      ++counts.rowsWritten;
      ++sinceProgress;
      return flushRows();
    }
    if (pg && converter.anyBytes()) {
      FERRY_TRY(flushRows());
      FERRY_TRY(writePgRowInPieces(*copyIn, converted, converter.bytes()));
      ++counts.rowsWritten;
      ++sinceProgress;
      return {};
    }
    if (loadPaused && !load) {
      FERRY_TRY(startLoad());
      loadPaused = false;
    }
    if (!pg && !load && batchRows) buffer += ", ";
    appendRow(buffer, job, converted, pg || load != nullptr);
    ++batchRows;
    ++counts.rowsWritten;
    ++sinceProgress;
    if (batchRows >= kBatchRows || buffer.size() >= (pg ? kCopyBufferBytes : kBatchBytes)) return flushRows();
    return {};
  }, counts.bytes);
  if (st.ok()) st = flushRows();
  if (!st.ok()) {
    if (copyIn) (void)copyIn->abort("chunk failed");
    if (load) load->abort();
    return std::move(st).error();
  }
  FERRY_TRY(finishLoad());
  if (copyIn) {
    auto fin = copyIn->finish();
    if (!fin) return std::move(fin).error();
  }
  return counts;
}

}  // namespace

core::Status ensureMarksTableAt(connect::PgConnection* pg, connect::MySqlConnection* my, const MarksTable& where) {
  const model::Engine e = pg ? model::Engine::PostgreSQL : model::Engine::MySQL;
  const std::string table = ddl::qualified(e, where.schema, where.table);
  if (pg) {
    // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
    // schema exists: only ferry_state is created here, the target's schema exists.
    if (where.schema == kMarksSchema) FERRY_TRY(pg->exec("CREATE SCHEMA IF NOT EXISTS ferry_state"));
    return pg->exec("CREATE TABLE IF NOT EXISTS " + table +
                    " (run_id text NOT NULL, chunk_id bigint NOT NULL, rows_written bigint NOT NULL, "
                    "PRIMARY KEY (run_id, chunk_id))");
  }
  if (where.schema == kMarksSchema) FERRY_TRY(my->exec("CREATE DATABASE IF NOT EXISTS ferry_state"));
  return my->exec("CREATE TABLE IF NOT EXISTS " + table +
                  " (run_id varchar(64) NOT NULL, chunk_id bigint NOT NULL, rows_written bigint NOT NULL, "
                  "PRIMARY KEY (run_id, chunk_id)) ENGINE=InnoDB");
}

core::Result<MarksTable> ensureMarksTable(connect::PgConnection* pg, connect::MySqlConnection* my,
                                          const std::string& fallbackSchema) {
  MarksTable where;
  auto made = ensureMarksTableAt(pg, my, where);
  if (made) return where;
  if (made.error().kind() != core::ErrorKind::Privilege || fallbackSchema.empty()) return std::move(made).error();
  core::log(core::LogLevel::Info, "chunk marks: this user may not create " + std::string(kMarksSchema) + " (" +
                                      made.error().oneLine() + "); they go into " + fallbackSchema + "." +
                                      kInlineMarksTable + " and are dropped when the copy ends");
  where = MarksTable{fallbackSchema, kInlineMarksTable};
  FERRY_TRY(ensureMarksTableAt(pg, my, where));
  return where;
}

core::Status dropRunMarks(connect::PgConnection* pg, connect::MySqlConnection* my, const MarksTable& where,
                          const std::string& runId) {
  const model::Engine e = pg ? model::Engine::PostgreSQL : model::Engine::MySQL;
  const std::string table = ddl::qualified(e, where.schema, where.table);
  const std::string mine = "DELETE FROM " + table + " WHERE run_id = " + ddl::quoteLiteral(runId);
  if (pg) {
    // The lock waits for other runs' chunk transactions; with none of their marks
    // left the table (and an empty ferry_state) goes.
    FERRY_TRY(pg->exec("BEGIN; " + mine + "; LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE"));
    auto left = pg->query("SELECT count(*) AS n FROM " + table);
    if (!left || left->row(0).i64("n") > 0) return pg->exec("COMMIT");
    FERRY_TRY(pg->exec("DROP TABLE " + table));
    if (where.schema == kMarksSchema) {
      FERRY_TRY(pg->exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = 'ferry_state') THEN DROP SCHEMA ferry_state; END IF; END $$"));
    }
    return pg->exec("COMMIT");
  }
  FERRY_TRY(my->exec(mine));
  // LOCK TABLES … WRITE waits for other runs' chunk transactions that wrote marks.
  FERRY_TRY(my->exec("LOCK TABLES " + table + " WRITE"));
  auto left = my->query("SELECT COUNT(*) AS n FROM " + table);
  if (left && left->row(0).i64("n") == 0) {
    auto dropped = my->exec("DROP TABLE " + table);
    (void)my->exec("UNLOCK TABLES");
    FERRY_TRY(std::move(dropped));
    if (where.schema == kMarksSchema) {
      auto others = my->query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'ferry_state'");
      if (others && others->row(0).i64("n") == 0) FERRY_TRY(my->exec("DROP DATABASE IF EXISTS ferry_state"));
    }
    return {};
  }
  return my->exec("UNLOCK TABLES");
}

core::Result<ChunkCounts> copyChunk(const TableJob& job, std::int64_t chunkId, const plan::Chunk& chunk,
                                    CopierContext& ctx) {
  for (bool rowMode : {false, true}) {
    // MariaDB 10.6+ loads an empty table in "bulk insert" mode when unique and
    // FK checks are off, and then a failed statement rolls back every earlier
    // insert of the transaction into that table, not just itself (measured on
    // 10.11: rows counted as written vanished). Row mode, whose point is to
    // survive failed rows, turns unique checks back on for its transaction.
    if (rowMode && ctx.myTarget) FERRY_TRY(ctx.myTarget->exec("SET SESSION unique_checks = 1"));
    FERRY_TRY(exec(ctx, ctx.pgTarget ? "BEGIN" : "START TRANSACTION"));
    auto counts = job.path == DataPath::PgBinary && !rowMode ? copyBinary(job, chunk, ctx)
                                                             : copyText(job, chunk, ctx, rowMode);
    if (counts) {
      auto mark = exec(ctx, markInsert(job, ctx.marks, ctx.runId, chunkId, counts->rowsWritten));
      if (mark.ok()) mark = exec(ctx, "COMMIT");
      if (mark.ok() && rowMode && ctx.myTarget) mark = ctx.myTarget->exec("SET SESSION unique_checks = 0");
      if (mark.ok()) return counts;
      (void)exec(ctx, "ROLLBACK");
      return std::move(mark).error().context("recording chunk " + std::to_string(chunkId) + " of " + job.label());
    }
    (void)exec(ctx, "ROLLBACK");
    const core::Error err = std::move(counts).error();
    // The target refused something in the batch: with --on-error skip, copy the
    // chunk again row by row so only the refused rows go to the reject file.
    const bool targetRefused = err.kind() == core::ErrorKind::Data || err.kind() == core::ErrorKind::Server;
    if (rowMode || ctx.onError != OnError::Skip || !targetRefused || ctx.stop.stop_requested()) {
      return core::Error(err).context(job.label() + " chunk " + std::to_string(chunkId));
    }
  }
  return core::Error(core::ErrorKind::Internal, "unreachable");
}

}  // namespace ferry::copy
