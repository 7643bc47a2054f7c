// The PostgreSQL apply target: every statement of a flush goes out in one libpq
// pipeline, each row change a prepared statement (parsed once per table and
// shape), on a session with synchronous_commit = off — the commit's durability
// is tracked through the target's flushed WAL position instead (durable()).

#include <atomic>
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "cdc/apply_targets.h"
#include "connect/pg/pg_stream.h"
#include "copy/copy_text.h"
#include "core/log.h"
#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::cdc {

using connect::PgConnection;
using core::Error;
using core::ErrorKind;

namespace {

std::string qi(const std::string& s) { return PgConnection::quoteIdent(s); }

class PgApplyTarget final : public ApplyTarget {
public:
  PgApplyTarget(std::unique_ptr<PgConnection> conn, std::unique_ptr<connect::PgPipeline> pipe,
                std::size_t bulkMinRows)
      : m_copyMinRows(std::max<std::size_t>(1, bulkMinRows)), m_conn(std::move(conn)), m_pipe(std::move(pipe)) {}
  ~PgApplyTarget() override {
    m_pipe.reset();  // leaves pipeline mode before the connection closes
    if (!m_origin.empty() && !m_aborted) {
      // An origin holds one of the server's max_replication_slots state slots
      // until it is dropped: each apply session creates its own and drops it.
      // (One a killed sync left behind is taken over by the next of its run.)
      (void)m_conn->query("SELECT pg_replication_origin_session_reset()");
      (void)m_conn->query("SELECT pg_replication_origin_drop($1)", {m_origin});
    }
  }
  void setOrigin(std::string origin) { m_origin = std::move(origin); }

  void abortIo() override {
    m_aborted = true;
    m_conn->shutdownSocket();
  }

  core::Status prepare(const copy::MarksTable& where, const std::string& runId) override {
    m_runId = runId;
    const bool inline_ = where.table == copy::kInlineMarksTable;
    m_positionTable = qi(where.schema) + "." + qi(inline_ ? "ferry_stream_position" : "stream_position");
    // A finished copy dropped its emptied ferry_state schema.
    if (!inline_) FERRY_TRY(m_pipe->send("CREATE SCHEMA IF NOT EXISTS " + qi(where.schema)));
    FERRY_TRY(m_pipe->send("CREATE TABLE IF NOT EXISTS " + m_positionTable +
                           " (run_id text PRIMARY KEY, source_position text NOT NULL, transactions bigint NOT NULL, "
                           "rows_applied bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())"));
    return syncStatus();
  }

  core::Result<std::optional<StoredPosition>> storedPosition() override {
    FERRY_TRY(m_pipe->send("SELECT source_position || ' ' || transactions || ' ' || rows_applied FROM " +
                               m_positionTable + " WHERE run_id = $1",
                           {m_runId}));
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    if (batch->error) return *batch->error;
    if (batch->results.empty() || !batch->results[0].firstValue) return std::optional<StoredPosition>{};
    // "<position> <transactions> <rows>"; a MariaDB source's position has a space of its own.
    const std::string& v = *batch->results[0].firstValue;
    const auto last = v.rfind(' ');
    const auto middle = last == std::string::npos || last == 0 ? std::string::npos : v.rfind(' ', last - 1);
    if (middle == std::string::npos) return Error(ErrorKind::Data, "unreadable stream position in " + m_positionTable);
    StoredPosition p;
    p.position = v.substr(0, middle);
    p.transactions = std::stoll(v.substr(middle + 1, last - middle - 1));
    p.rows = std::stoll(v.substr(last + 1));
    return std::optional<StoredPosition>(p);
  }

  core::Status begin() override {
    m_ops.clear();
    m_inserts.clear();
    m_batch.clear();
    m_batchKeys.clear();
    m_insertBytes = 0;
    m_found.clear();
    FERRY_TRY(m_pipe->send("BEGIN"));
    m_ops.push_back(std::nullopt);
    return {};
  }

  core::Status apply(RowOp op) override {
    if (op.goesAlone()) {
      // A huge value (or a bytea's bytes): its own statement, its values handed
      // to libpq as they are, after what is pending (the source's order).
      FERRY_TRY(writeInserts());
      FERRY_TRY(writeBatch());
      return sendSingle(op);
    }
    if (op.kind == RowOp::Kind::Insert && !op.keyColumns.empty()) {
      // Consecutive inserts into one table: one multi-row INSERT (a bulk insert
      // applied 4x slower one statement per row, bench/cdc), or a COPY for a long run.
      if (!m_inserts.empty() && (m_inserts.front().table != op.table || m_inserts.front().setColumns != op.setColumns)) {
        FERRY_TRY(writeInserts());
      }
      FERRY_TRY(writeBatch());
      if (m_bulkAllowed) {
        for (const auto& v : op.setValues) m_insertBytes += v ? v->size() + 1 : 3;
      }
      const std::size_t perInsert = rowsPerInsert(op);
      m_inserts.push_back(std::move(op));
      if (m_bulkAllowed) {
        if (m_inserts.size() >= kCopyRows || m_insertBytes >= kCopyBytes) FERRY_TRY(writeInserts());
      } else if (m_inserts.size() >= perInsert) {
        FERRY_TRY(writeInserts());
      }
      return {};
    }
    FERRY_TRY(writeInserts());  // keep the source's order
    if (op.kind == RowOp::Kind::Update || op.kind == RowOp::Kind::Delete) {
      auto batched = batchChange(op);
      if (!batched) return std::move(batched).error();
      if (*batched) return {};
    }
    FERRY_TRY(writeBatch());
    return sendSingle(op);
  }

  /// One change as its own prepared statement (parsed once per table and shape).
  core::Status sendSingle(const RowOp& op) {
    std::string signature = std::to_string(static_cast<int>(op.kind)) + ":" + op.table->schema + "." + op.table->name +
                            ":" + (op.wholeRowIdentity ? "f" : "k");
    for (int c : op.setColumns) signature += "," + std::to_string(c);
    signature += "|";
    for (std::size_t i = 0; i < op.whereColumns.size(); ++i) {
      // A NULL in a whole-row identity compares with IS NULL: part of the shape.
      signature += std::to_string(op.whereColumns[i]) + (op.whereValues[i] ? "," : "n,");
    }
    auto it = m_prepared.find(signature);
    if (it == m_prepared.end()) {
      const std::string name = "ferry_s" + std::to_string(++m_statements);
      int params = 0;
      const std::string sql = statementFor(op, params);
      FERRY_TRY(m_pipe->prepare(name, sql, params));
      m_ops.push_back(std::nullopt);
      it = m_prepared.emplace(signature, name).first;
    }
    std::vector<connect::PgParam> params;
    params.reserve(op.setValues.size() + op.whereValues.size());
    for (std::size_t k = 0; k < op.setValues.size(); ++k) {
      const auto& v = op.setValues[k];
      params.push_back(v && op.bytesAt(k) ? connect::PgParam::bytes(*v) : connect::PgParam::text(v));
    }
    for (const auto& v : op.whereValues) {
      if (v || !op.wholeRowIdentity) params.push_back(connect::PgParam::text(v));
    }
    FERRY_TRY(m_pipe->sendPrepared(it->second, params));
    m_ops.push_back(Pending{op.table->label, op.keyText, op.kind, {}});
    return {};
  }

  void setBulkInserts(bool allowed) override { m_bulkAllowed = allowed; }
  bool takeBulkConflict() override { return std::exchange(m_bulkConflict, false); }

  static std::size_t rowsPerInsert(const RowOp& op) {
    return std::min<std::size_t>(kInsertRows, 60000 / std::max<std::size_t>(1, op.setColumns.size()));
  }

  /// Writes the pending run of inserts: a COPY when it is long and bulk loads
  /// are allowed, else multi-row INSERTs.
  core::Status writeInserts() {
    if (m_inserts.empty()) return {};
    if (m_bulkAllowed && m_inserts.size() >= m_copyMinRows) return copyInserts();
    const std::size_t per = rowsPerInsert(m_inserts.front());
    for (std::size_t from = 0; from < m_inserts.size(); from += per) {
      FERRY_TRY(sendInserts(from, std::min(m_inserts.size(), from + per)));
    }
    m_inserts.clear();
    m_insertBytes = 0;
    return {};
  }

  /// The pending run of inserts as one COPY … FROM STDIN (text format, the
  /// values as they would be bound to an INSERT). COPY cannot run in pipeline
  /// mode: what is queued is read first, and the pipeline entered again after.
  /// A row that meets an existing one fails the COPY and with it the open target
  /// transaction; takeBulkConflict() then tells the caller to apply the group
  /// again without bulk loads, which names the row.
  core::Status copyInserts() {
    FERRY_TRY(drainPipeline());
    const RowOp& first = m_inserts.front();
    std::vector<std::string> cols;
    for (int c : first.setColumns) cols.push_back(qi(first.table->columns[static_cast<std::size_t>(c)]));
    const std::string sql =
        "COPY " + qi(first.table->schema) + "." + qi(first.table->name) + " (" + core::join(cols, ", ") + ") FROM STDIN";
    const std::string what = first.table->label + " (" + std::to_string(m_inserts.size()) + " rows from " +
                             first.keyText + ", loaded in bulk)";
    m_pipe.reset();
    core::Status loaded = copyRows(sql);
    auto pipe = connect::PgPipeline::enter(*m_conn);
    m_inserts.clear();
    m_insertBytes = 0;
    if (!loaded) {
      Error e = std::move(loaded).error();
      if (e.sqlState() == "23505") m_bulkConflict = true;
      return e.context(what);
    }
    if (!pipe) return std::move(pipe).error();
    m_pipe = std::move(*pipe);
    return {};
  }

  core::Status copyRows(const std::string& sql) {
    auto copy = m_conn->beginCopyIn(sql);
    if (!copy) return std::move(copy).error();
    std::string buf;
    buf.reserve(kCopyChunk + 4096);
    for (const auto& row : m_inserts) {
      for (std::size_t k = 0; k < row.setValues.size(); ++k) {
        if (k) buf += '\t';
        const auto& v = row.setValues[k];
        copy::appendPgCopyField(buf, v ? std::optional<std::string_view>(*v) : std::nullopt);
      }
      buf += '\n';
      if (buf.size() >= kCopyChunk) {
        FERRY_TRY(copy->write(buf));
        buf.clear();
      }
    }
    if (!buf.empty()) FERRY_TRY(copy->write(buf));
    auto stats = copy->finish();
    if (!stats) return std::move(stats).error();
    if (stats->rows != m_inserts.size()) {
      return Error(ErrorKind::Internal, "COPY loaded " + std::to_string(stats->rows) + " rows of " +
                                            std::to_string(m_inserts.size()));
    }
    return {};
  }

  /// Sends m_inserts[from, to) as one INSERT … ON CONFLICT DO NOTHING RETURNING
  /// the key of each row it inserted: a row missing from the answer met an existing one.
  core::Status sendInserts(std::size_t from, std::size_t to) {
    const RowOp& first = m_inserts[from];
    const std::string table = qi(first.table->schema) + "." + qi(first.table->name);
    std::vector<std::string> cols;
    for (int c : first.setColumns) cols.push_back(qi(first.table->columns[static_cast<std::size_t>(c)]));
    std::vector<std::string> keys;
    for (int c : first.keyColumns) keys.push_back(qi(first.table->columns[static_cast<std::size_t>(c)]) + "::text");
    std::string sql = "INSERT INTO " + table + " (" + core::join(cols, ", ") + ") VALUES ";
    std::vector<std::optional<std::string_view>> params;
    params.reserve((to - from) * first.setColumns.size());
    int n = 0;
    for (std::size_t r = from; r < to; ++r) {
      sql += r > from ? ", (" : "(";
      for (std::size_t k = 0; k < m_inserts[r].setValues.size(); ++k) {
        sql += (k ? ", $" : "$") + std::to_string(++n);
        const auto& v = m_inserts[r].setValues[k];
        params.push_back(v ? std::optional<std::string_view>(*v) : std::nullopt);
      }
      sql += ")";
    }
    sql += " ON CONFLICT DO NOTHING RETURNING concat_ws(E'\\x1f', " + core::join(keys, ", ") + ")";
    FERRY_TRY(m_pipe->send(sql, params));
    Pending p{first.table->label, first.keyText, RowOp::Kind::Insert, {}};
    p.rows.assign(std::make_move_iterator(m_inserts.begin() + static_cast<std::ptrdiff_t>(from)),
                  std::make_move_iterator(m_inserts.begin() + static_cast<std::ptrdiff_t>(to)));
    m_ops.push_back(std::move(p));
    return {};
  }

  /// The identity of a batched row as the RETURNING clause prints it.
  static std::string keyOf(const RowOp& op) {
    const auto& values = op.kind == RowOp::Kind::Insert ? op.keyValues : op.whereValues;
    std::string out;
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (k) out += '\x1f';
      out += values[k].value_or("");
    }
    return out;
  }

  // ---- UPDATE and DELETE batches ---------------------------------------------
  // Consecutive updates (or deletes) of one table in one shape, by key, none
  // changing its key and no key twice: one prepared UPDATE … FROM unnest($1::type[],
  // …) (DELETE … USING unnest(…)) RETURNING the key of each row it changed (a key
  // missing from the answer found no row). Native logical replication changes row
  // by row; so did this applier (bench/cdc).

  /// What the target says of a table's columns: their types, for the unnest()
  /// casts. Empty when the table cannot be batched: unnest() would flatten an
  /// array column and spread a composite one over several output columns.
  core::Result<const std::vector<std::string>*> columnTypes(const TargetTable* table) {
    if (auto it = m_types.find(table); it != m_types.end()) return &it->second;
    FERRY_TRY(drainPipeline());
    FERRY_TRY(m_pipe->send(
        "SELECT a.attname || E'\\x1f' || format_type(a.atttypid, a.atttypmod) || E'\\x1f' || "
        "(coalesce(bt.typcategory, ty.typcategory) = 'A' OR coalesce(bt.typtype, ty.typtype) = 'c')::text FROM pg_attribute a JOIN pg_type ty ON ty.oid = "
        "a.atttypid LEFT JOIN pg_type bt ON bt.oid = ty.typbasetype AND ty.typtype = 'd' WHERE a.attrelid = "
        "$1::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        {qi(table->schema) + "." + qi(table->name)}));
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    if (batch->error) return *batch->error;
    std::map<std::string, std::pair<std::string, bool>> byName;
    for (const auto& line : batch->results.at(0).column) {
      const auto parts = core::split(line, '\x1f');
      if (parts.size() == 3) byName[parts[0]] = {parts[1], parts[2] == "true"};
    }
    std::vector<std::string> types;
    for (const auto& c : table->columns) {
      auto it = byName.find(c);
      if (it == byName.end() || it->second.second) {
        types.clear();
        break;
      }
      types.push_back(it->second.first);
    }
    return &m_types.emplace(table, std::move(types)).first->second;
  }

  /// Adds `op` to the pending UPDATE or DELETE batch; false when it cannot be batched
  /// (the batch was written first, so the caller sends it alone in order).
  core::Result<bool> batchChange(RowOp& op) {
    bool batchable = batchableByKey(op);
    const std::vector<std::string>* types = nullptr;
    if (batchable) {
      auto t = columnTypes(op.table);
      if (!t) return std::move(t).error();
      types = *t;
      batchable = !types->empty();
    }
    const std::string key = batchable ? keyOf(op) : std::string();
    if (!m_batch.empty()) {
      const RowOp& first = m_batch.front();
      if (!batchable || first.kind != op.kind || first.table != op.table || first.setColumns != op.setColumns ||
          first.whereColumns != op.whereColumns || m_batchKeys.contains(key)) {
        FERRY_TRY(writeBatch());
      }
    }
    if (!batchable) return false;
    m_batchKeys.insert(key);
    m_batch.push_back(std::move(op));
    if (m_batch.size() >= kBatchRows) FERRY_TRY(writeBatch());
    return true;
  }

  /// A text array literal of column `k` (a set value, or the key's) of the pending batch.
  static std::string arrayOf(const std::vector<RowOp>& rows, bool key, std::size_t k) {
    std::string out = "{";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (r) out += ',';
      const auto& v = key ? rows[r].whereValues[k] : rows[r].setValues[k];
      if (!v) {
        out += "NULL";
        continue;
      }
      out += '"';
      for (char ch : *v) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
      }
      out += '"';
    }
    return out + "}";
  }

  core::Status writeBatch() {
    if (m_batch.empty()) return {};
    if (m_batch.size() == 1) {
      // One row: the ordinary prepared UPDATE (DELETE).
      const RowOp op = std::move(m_batch.front());
      m_batch.clear();
      m_batchKeys.clear();
      return sendSingle(op);
    }
    const RowOp& first = m_batch.front();
    const bool del = first.kind == RowOp::Kind::Delete;
    const auto& types = m_types.at(first.table);
    std::string signature = (del ? "db:" : "ub:") + first.table->schema + "." + first.table->name;
    for (int c : first.setColumns) signature += "," + std::to_string(c);
    signature += "|";
    for (int c : first.whereColumns) signature += std::to_string(c) + ",";
    auto it = m_prepared.find(signature);
    const std::vector<std::size_t> setIdx = nonKeySets(first);
    if (it == m_prepared.end()) {
      const std::string name = "ferry_s" + std::to_string(++m_statements);
      const auto col = [&](int c) { return qi(first.table->columns[static_cast<std::size_t>(c)]); };
      const auto type = [&](int c) { return types[static_cast<std::size_t>(c)]; };
      std::vector<std::string> arrays, names, sets, where, keys;
      int n = 0;
      for (std::size_t k : setIdx) {
        const int c = first.setColumns[k];
        arrays.push_back("$" + std::to_string(++n) + "::" + type(c) + "[]");
        names.push_back("s" + std::to_string(k));
        sets.push_back(col(c) + " = d.s" + std::to_string(k));
      }
      for (std::size_t i = 0; i < first.whereColumns.size(); ++i) {
        const int c = first.whereColumns[i];
        arrays.push_back("$" + std::to_string(++n) + "::" + type(c) + "[]");
        names.push_back("k" + std::to_string(i));
        where.push_back("t." + col(c) + " = d.k" + std::to_string(i));
        keys.push_back("t." + col(c) + "::text");
        // The rows to change, found by the key's index whatever the statistics say.
        if (i == 0) where.push_back("t." + col(c) + " = ANY($" + std::to_string(n) + ")");
      }
      if (sets.empty()) sets.push_back(col(first.whereColumns.front()) + " = d.k0");  // still proves the row is there
      const std::string table = qi(first.table->schema) + "." + qi(first.table->name) + " AS t";
      const std::string rows = "unnest(" + core::join(arrays, ", ") + ") AS d(" + core::join(names, ", ") + ")";
      const std::string sql = (del ? "DELETE FROM " + table + " USING " + rows
                                   : "UPDATE " + table + " SET " + core::join(sets, ", ") + " FROM " + rows) +
                              " WHERE " + core::join(where, " AND ") + " RETURNING concat_ws(E'\\x1f', " +
                              core::join(keys, ", ") + ")";
      FERRY_TRY(m_pipe->prepare(name, sql, n));
      m_ops.push_back(std::nullopt);
      it = m_prepared.emplace(signature, name).first;
    }
    std::vector<std::string> arrays;
    for (std::size_t k : setIdx) arrays.push_back(arrayOf(m_batch, false, k));
    for (std::size_t i = 0; i < first.whereColumns.size(); ++i) arrays.push_back(arrayOf(m_batch, true, i));
    std::vector<connect::PgParam> params;
    for (const auto& a : arrays) params.push_back(connect::PgParam::text(a));
    FERRY_TRY(m_pipe->sendPrepared(it->second, params));
    Pending p{first.table->label, first.keyText, first.kind, {}};
    p.rows = std::move(m_batch);
    m_batch.clear();
    m_batchKeys.clear();
    m_ops.push_back(std::move(p));
    return {};
  }

  core::Status truncate(const std::vector<const TargetTable*>& tables, bool restartIdentity) override {
    FERRY_TRY(writeInserts());
    FERRY_TRY(writeBatch());
    std::vector<std::string> names;
    for (const auto* t : tables) names.push_back(qi(t->schema) + "." + qi(t->name));
    FERRY_TRY(m_pipe->send("TRUNCATE " + core::join(names, ", ") + (restartIdentity ? " RESTART IDENTITY" : "")));
    m_ops.push_back(std::nullopt);
    return {};
  }

  /// Writes what is queued. A run of inserts that may still become a bulk load
  /// waits for its end (or the commit): it is bounded by kCopyRows/kCopyBytes.
  core::Result<std::vector<Divergence>> flush() override {
    if (!m_bulkAllowed) FERRY_TRY(writeInserts());
    FERRY_TRY(writeBatch());
    FERRY_TRY(drainPipeline());
    return std::exchange(m_found, {});
  }

  /// Reads the results of the statements queued since the last sync; the changes
  /// that did not find or create exactly one row go to m_found.
  core::Status drainPipeline() {
    std::vector<Divergence>& out = m_found;
    if (m_pipe->pending() == 0) return {};
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    // m_ops holds an entry per statement of the batch.
    if (batch->error) {
      Error e = *batch->error;
      const std::size_t i = *batch->failedIndex;
      if (i < m_ops.size() && m_ops[i]) e.context(m_ops[i]->table + " " + m_ops[i]->key);
      m_ops.clear();
      // A statement the failure skipped may have been a preparation: prepare anew
      // (under new names) from here on.
      m_prepared.clear();
      return e;
    }
    for (std::size_t i = 0; i < batch->results.size() && i < m_ops.size(); ++i) {
      const auto& pending = m_ops[i];
      if (pending && !pending->rows.empty()) {
        // A multi-row INSERT or a batched UPDATE/DELETE: the rows whose key did not
        // come back met an existing row (INSERT) or found none (UPDATE, DELETE).
        const auto& result = batch->results[i];
        if (result.rows == static_cast<std::int64_t>(pending->rows.size())) continue;
        const bool insert = pending->kind == RowOp::Kind::Insert;
        const bool del = pending->kind == RowOp::Kind::Delete;
        const char* what = insert ? "INSERT met an existing row" : del ? "DELETE found no row" : "UPDATE found no row";
        std::set<std::string> done(result.column.begin(), result.column.end());
        std::size_t named = 0;
        for (const auto& row : pending->rows) {
          if (done.contains(keyOf(row))) continue;
          out.push_back({row.table->label, row.keyText, what, pending->kind});
          ++named;
        }
        if (named != pending->rows.size() - static_cast<std::size_t>(result.rows)) {
          // The target prints a key differently from the value sent: name the batch.
          out.resize(out.size() - named);
          out.push_back({pending->table,
                         pending->key + " (or one of the " + std::to_string(pending->rows.size() - 1) + " rows " +
                             (insert ? "inserted" : del ? "deleted" : "updated") + " after it)",
                         std::to_string(pending->rows.size() - static_cast<std::size_t>(result.rows)) +
                             (insert ? " INSERT(s) met an existing row"
                              : del  ? " DELETE(s) found no row"
                                     : " UPDATE(s) found no row"),
                         pending->kind});
        }
        continue;
      }
      if (!pending || batch->results[i].rows == 1) continue;
      out.push_back({pending->table, pending->key,
                     pending->kind == RowOp::Kind::Insert   ? "INSERT met an existing row"
                     : pending->kind == RowOp::Kind::Update ? "UPDATE found no row"
                                                            : "DELETE found no row",
                     pending->kind});
    }
    m_ops.clear();
    return {};
  }

  core::Result<std::uint64_t> commit(const StoredPosition& p) override {
    FERRY_TRY(writeInserts());  // flush() keeps a run that may still grow into a COPY
    auto divergences = flush();
    if (!divergences) return std::move(divergences).error();
    if (!divergences->empty()) {
      return Error(ErrorKind::Internal, "commit with unflushed divergences");  // the applier flushes first
    }
    const std::string tx = std::to_string(p.transactions);
    const std::string rows = std::to_string(p.rows);
    FERRY_TRY(m_pipe->send("INSERT INTO " + m_positionTable +
                               " (run_id, source_position, transactions, rows_applied) VALUES ($1, $2, $3, $4) "
                               "ON CONFLICT (run_id) DO UPDATE SET source_position = EXCLUDED.source_position, "
                               "transactions = EXCLUDED.transactions, rows_applied = EXCLUDED.rows_applied, "
                               "updated_at = now()",
                           {m_runId, p.position, tx, rows}));
    FERRY_TRY(m_pipe->send("COMMIT"));
    FERRY_TRY(m_pipe->send("SELECT pg_current_wal_insert_lsn()::text"));
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    if (batch->error) return *batch->error;
    if (batch->results.size() < 3 || !batch->results[2].firstValue) {
      return Error(ErrorKind::Internal, "the commit's WAL position is missing");
    }
    auto lsn = connect::parseLsn(*batch->results[2].firstValue);
    if (!lsn) return std::move(lsn).error();
    return *lsn;
  }

  core::Status rollback() override {
    m_ops.clear();
    m_inserts.clear();
    m_batch.clear();
    m_batchKeys.clear();
    m_insertBytes = 0;
    m_found.clear();
    if (!m_pipe) return Error(ErrorKind::ConnectionLost, "the target's session is unusable after a failed bulk load");
    FERRY_TRY(m_pipe->send("ROLLBACK"));
    return syncStatus();
  }

  core::Result<std::uint64_t> durable() override {
    // Never inside an open group: the sync would read the results of the group's
    // statements, and the next flush would pair results with the wrong changes
    // (under pgbench a correct UPDATE was reported as "found no row").
    if (!m_pipe || m_pipe->pending() > 0 || !m_ops.empty() || !m_inserts.empty() ||
        !m_batch.empty()) {
      return m_durable;
    }
    FERRY_TRY(m_pipe->send("SELECT pg_current_wal_flush_lsn()::text"));
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    if (batch->error) return *batch->error;
    if (batch->results.empty() || !batch->results[0].firstValue) return std::uint64_t{0};
    auto lsn = connect::parseLsn(*batch->results[0].firstValue);
    if (!lsn) return std::move(lsn).error();
    m_durable = *lsn;
    return *lsn;
  }

  std::size_t batchLimit() const override { return 2000; }

private:
  std::uint64_t m_durable = 0;  ///< the last flush position read
  struct Pending {
    std::string table;
    std::string key;
    RowOp::Kind kind;
    std::vector<RowOp> rows;  ///< a multi-row INSERT: its rows
  };
  /// Rows per multi-row INSERT (and fewer for wide tables: 60,000 parameters at most).
  static constexpr std::size_t kInsertRows = 200;
  /// A run of at least m_copyMinRows inserts into one table goes by COPY (when
  /// bulk loads are allowed): COPY costs the target ~1/5 of multi-row INSERTs.
  std::size_t m_copyMinRows;
  /// One COPY holds at most this many rows or value bytes (the memory bound).
  static constexpr std::size_t kCopyRows = 20000;
  static constexpr std::size_t kCopyBytes = 16u << 20;
  static constexpr std::size_t kCopyChunk = 1u << 20;  ///< bytes per CopyData write
  static constexpr std::size_t kBatchRows = 500;  ///< rows per batched UPDATE or DELETE

  core::Status syncStatus() {
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    if (batch->error) return *batch->error;
    return {};
  }

  static std::string where(const RowOp& op, int& n) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < op.whereColumns.size(); ++i) {
      const std::string col = qi(op.table->columns[static_cast<std::size_t>(op.whereColumns[i])]);
      if (op.wholeRowIdentity) {
        // Compared as text: a whole-row identity may hold json, point and other
        // types without an equality operator.
        parts.push_back(op.whereValues[i] ? col + "::text = $" + std::to_string(++n) : col + " IS NULL");
      } else {
        parts.push_back(col + " = $" + std::to_string(++n));
      }
    }
    return core::join(parts, " AND ");
  }

  static std::string oneRow(const std::string& table, const std::string& where) {
    return "WITH ferry_row AS (SELECT tableoid AS o, ctid AS c FROM " + table + " WHERE " + where + " LIMIT 1) ";
  }

  static std::string statementFor(const RowOp& op, int& n) {
    const std::string table = qi(op.table->schema) + "." + qi(op.table->name);
    n = 0;
    switch (op.kind) {
      case RowOp::Kind::Insert: {
        std::vector<std::string> cols;
        std::vector<std::string> vals;
        for (int c : op.setColumns) {
          cols.push_back(qi(op.table->columns[static_cast<std::size_t>(c)]));
          vals.push_back("$" + std::to_string(++n));
        }
        return "INSERT INTO " + table + " (" + core::join(cols, ", ") + ") VALUES (" + core::join(vals, ", ") +
               ") ON CONFLICT DO NOTHING";
      }
      case RowOp::Kind::Update: {
        std::vector<std::string> sets;
        for (int c : op.setColumns) {
          sets.push_back(qi(op.table->columns[static_cast<std::size_t>(c)]) + " = $" + std::to_string(++n));
        }
        if (sets.empty()) {
          const std::string col = qi(op.table->columns[static_cast<std::size_t>(op.whereColumns.front())]);
          sets.push_back(col + " = " + col);  // every value unchanged: still proves the row is there
        }
        const std::string w = where(op, n);
        if (op.wholeRowIdentity) {
          // One of the equal rows, by (tableoid, ctid): a partitioned table's
          // partitions repeat ctids. Still a TID scan per partition.
          return oneRow(table, w) + "UPDATE " + table + " AS ferry_t SET " + core::join(sets, ", ") +
                 " FROM ferry_row WHERE ferry_t.tableoid = ferry_row.o AND ferry_t.ctid = ferry_row.c";
        }
        return "UPDATE " + table + " SET " + core::join(sets, ", ") + " WHERE " + w;
      }
      case RowOp::Kind::Delete: {
        const std::string w = where(op, n);
        if (op.wholeRowIdentity) {
          return oneRow(table, w) + "DELETE FROM " + table +
                 " AS ferry_t USING ferry_row WHERE ferry_t.tableoid = ferry_row.o AND ferry_t.ctid = ferry_row.c";
        }
        return "DELETE FROM " + table + " WHERE " + w;
      }
    }
    return {};
  }

  std::unique_ptr<PgConnection> m_conn;
  std::unique_ptr<connect::PgPipeline> m_pipe;
  std::string m_origin;  // the replication origin this session tags its changes with ("" none)
  std::atomic<bool> m_aborted{false};
  std::string m_runId;
  std::string m_positionTable;
  std::map<std::string, std::string> m_prepared;  ///< statement shape → prepared name
  std::vector<std::optional<Pending>> m_ops;       ///< per statement queued since BEGIN / the last flush
  int m_statements = 0;  ///< prepared so far, for unique names
  std::vector<RowOp> m_inserts;  ///< consecutive inserts not sent yet
  std::size_t m_insertBytes = 0;  ///< their values' bytes (bulk loads only)
  std::vector<RowOp> m_batch;  ///< consecutive batchable updates (or deletes) not sent yet
  std::set<std::string> m_batchKeys;  ///< their keys (a key twice ends the batch)
  std::map<const TargetTable*, std::vector<std::string>> m_types;  ///< column types; empty: not batchable
  std::vector<Divergence> m_found;  ///< read by drainPipeline(), not yet returned by flush()
  bool m_bulkAllowed = true;
  bool m_bulkConflict = false;
};

}  // namespace

core::Result<std::unique_ptr<ApplyTarget>> openPgApplyTarget(const connect::ConnectionSpec& target,
                                                             const ApplyTargetOptions& options) {
  auto conn = PgConnection::open(target);
  if (!conn) return std::move(conn).error();
  // The copy's converters wrote intervals in the "postgres" style; the stream's
  // values (read by a session set the same way) must be parsed the same.
  FERRY_TRY((*conn)->exec("SET synchronous_commit = off; SET intervalstyle = postgres"));
  // Every UPDATE and DELETE finds its rows by key, as PostgreSQL's own apply
  // worker does without asking the planner. A table analyzed while it was empty
  // (reltuples = 0: autovacuum after a large DELETE) and filled again by the
  // stream looks empty to the planner, which then read the whole table through
  // its index once per batched UPDATE (bench/cdc: 100 s for a 1 M-row UPDATE
  // instead of 13). So: index scans (the batch also restricts the key with
  // = ANY), and the batch joined by hashing it. A table without a usable index
  // is still scanned: these settings only make the other plans the last resort.
  FERRY_TRY((*conn)->exec("SET enable_seqscan = off; SET enable_nestloop = off; SET enable_mergejoin = off"));
  if (options.replicaRole) {
    if (auto st = (*conn)->exec("SET session_replication_role = replica"); !st) {
      core::log(core::LogLevel::Warning,
                "target: cannot set session_replication_role = replica (" + st.error().message() +
                    "): the target's triggers and foreign-key actions fire on applied rows, which the source's "
                    "own cascades and triggers already produced. Apply as a superuser, or disable them on the target.");
    }
  }
  bool originSet = false;
  if (!options.replicationOrigin.empty()) {
    // Every transaction of this session carries the origin: a logical decoder
    // on this server (the way back) leaves them out instead of sending them home.
    auto tag = [&]() -> core::Status {
      auto created = (*conn)->query(
          "SELECT pg_replication_origin_create($1) FROM (SELECT 1) x WHERE NOT EXISTS "
          "(SELECT 1 FROM pg_replication_origin WHERE roname = $1)",
          {options.replicationOrigin});
      if (!created) return created.error();
      auto setup = (*conn)->query("SELECT pg_replication_origin_session_setup($1)", {options.replicationOrigin});
      if (!setup) return setup.error();
      return {};
    };
    core::Status set = tag();
    if (!set && set.error().sqlState() == "53400") {
      // No free replication state slot (max_replication_slots): origins that
      // syncs killed mid-run left behind hold them. Dropping one no session
      // uses is safe — the next apply of its run creates it again, and a
      // decoder reads the names of the origins in the WAL it decodes from its
      // historic catalog snapshot — so they go, and the tag is tried again.
      auto stale = (*conn)->query("SELECT roname FROM pg_replication_origin WHERE roname LIKE 'ferry\\_%' AND roname <> $1",
                                  {options.replicationOrigin});
      int dropped = 0;
      if (stale) {
        for (auto row : *stale) {
          if ((*conn)->query("SELECT pg_replication_origin_drop($1)", {row.str("roname")})) ++dropped;
        }
      }
      core::log(core::LogLevel::Info, "target: no free replication state slot: dropped " + std::to_string(dropped) +
                                          " replication origin(s) Ferry left unused, tagging again");
      set = tag();
    }
    originSet = set.ok();
    if (!set && set.error().sqlState() == "42501") {
      // Not allowed: the cutover's reverse gate refuses a way back on this
      // server for that, so a forward-only stream goes on untagged.
      core::log(core::LogLevel::Warning,
                "target: cannot tag the applied changes with the replication origin " + options.replicationOrigin +
                    " (" + set.error().message() + "): a stream back from this server could not tell them from the "
                    "application's. Apply as a superuser, or GRANT EXECUTE ON FUNCTION pg_replication_origin_create(text), "
                    "pg_replication_origin_session_setup(text) to Ferry's role.");
    } else if (!set) {
      // Untagged, a way back running now would send these changes home again.
      return core::Error(core::ErrorKind::Unsupported,
                         "target: cannot tag the applied changes with the replication origin " +
                             options.replicationOrigin + ": " + set.error().message(),
                         "Free a replication state slot (raise max_replication_slots, or drop unused origins with "
                         "pg_replication_origin_drop) and run the sync again: untagged, a stream back from this "
                         "server would send Ferry's changes home again.");
    }
  }
  auto pipe = connect::PgPipeline::enter(**conn);
  if (!pipe) return std::move(pipe).error();
  auto applier = std::make_unique<PgApplyTarget>(std::move(*conn), std::move(*pipe), options.bulkInsertMinRows);
  if (originSet) applier->setOrigin(options.replicationOrigin);
  return std::unique_ptr<ApplyTarget>(std::move(applier));
}

}  // namespace ferry::cdc
