// The PostgreSQL apply target: every statement of a flush goes out in one libpq
// pipeline, each row change a prepared statement (parsed once per table and
// shape), on a session with synchronous_commit = off — the commit's durability
// is tracked through the target's flushed WAL position instead (durable()).

#include <algorithm>
#include <map>
#include <set>

#include "cdc/apply_targets.h"
#include "connect/pg/pg_stream.h"
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
  PgApplyTarget(std::unique_ptr<PgConnection> conn, std::unique_ptr<connect::PgPipeline> pipe)
      : m_conn(std::move(conn)), m_pipe(std::move(pipe)) {}
  ~PgApplyTarget() override {
    m_pipe.reset();  // leaves pipeline mode before the connection closes
  }

  void abortIo() override { m_conn->shutdownSocket(); }

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
    const auto parts = core::split(*batch->results[0].firstValue, ' ');
    if (parts.size() != 3) return Error(ErrorKind::Data, "unreadable stream position in " + m_positionTable);
    StoredPosition p;
    p.position = parts[0];
    p.transactions = std::stoll(parts[1]);
    p.rows = std::stoll(parts[2]);
    return std::optional<StoredPosition>(p);
  }

  core::Status begin() override {
    m_ops.clear();
    m_inserts.clear();
    FERRY_TRY(m_pipe->send("BEGIN"));
    m_ops.push_back(std::nullopt);
    return {};
  }

  core::Status apply(const RowOp& op) override {
    if (op.kind == RowOp::Kind::Insert && !op.keyColumns.empty()) {
      // Consecutive inserts into one table: one multi-row INSERT (a bulk insert
      // applied 4x slower one statement per row, bench/cdc).
      if (!m_inserts.empty() && (m_inserts.front().table != op.table || m_inserts.front().setColumns != op.setColumns)) {
        FERRY_TRY(sendInserts());
      }
      m_inserts.push_back(op);
      const std::size_t perStatement = std::min<std::size_t>(kInsertRows, 60000 / std::max<std::size_t>(1, op.setColumns.size()));
      if (m_inserts.size() >= perStatement) FERRY_TRY(sendInserts());
      return {};
    }
    FERRY_TRY(sendInserts());  // keep the source's order
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
    std::vector<std::optional<std::string_view>> params;
    params.reserve(op.setValues.size() + op.whereValues.size());
    for (const auto& v : op.setValues) params.push_back(v ? std::optional<std::string_view>(*v) : std::nullopt);
    for (const auto& v : op.whereValues) {
      if (v || !op.wholeRowIdentity) params.push_back(v ? std::optional<std::string_view>(*v) : std::nullopt);
    }
    FERRY_TRY(m_pipe->sendPrepared(it->second, params));
    m_ops.push_back(Pending{op.table->label, op.keyText, op.kind, {}});
    return {};
  }

  /// Sends the pending inserts as one INSERT … ON CONFLICT DO NOTHING RETURNING
  /// the key of each row it inserted: a row missing from the answer met an existing one.
  core::Status sendInserts() {
    if (m_inserts.empty()) return {};
    const RowOp& first = m_inserts.front();
    const std::string table = qi(first.table->schema) + "." + qi(first.table->name);
    std::vector<std::string> cols;
    for (int c : first.setColumns) cols.push_back(qi(first.table->columns[static_cast<std::size_t>(c)]));
    std::vector<std::string> keys;
    for (int c : first.keyColumns) keys.push_back(qi(first.table->columns[static_cast<std::size_t>(c)]) + "::text");
    std::string sql = "INSERT INTO " + table + " (" + core::join(cols, ", ") + ") VALUES ";
    std::vector<std::optional<std::string_view>> params;
    params.reserve(m_inserts.size() * first.setColumns.size());
    int n = 0;
    for (std::size_t r = 0; r < m_inserts.size(); ++r) {
      sql += r ? ", (" : "(";
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
    p.rows = std::move(m_inserts);
    m_inserts.clear();
    m_ops.push_back(std::move(p));
    return {};
  }

  static std::string keyOf(const RowOp& op) {
    std::string out;
    for (std::size_t k = 0; k < op.keyValues.size(); ++k) {
      if (k) out += '\x1f';
      out += op.keyValues[k].value_or("");
    }
    return out;
  }

  core::Status truncate(const std::vector<const TargetTable*>& tables, bool restartIdentity) override {
    FERRY_TRY(sendInserts());
    std::vector<std::string> names;
    for (const auto* t : tables) names.push_back(qi(t->schema) + "." + qi(t->name));
    FERRY_TRY(m_pipe->send("TRUNCATE " + core::join(names, ", ") + (restartIdentity ? " RESTART IDENTITY" : "")));
    m_ops.push_back(std::nullopt);
    return {};
  }

  core::Result<std::vector<Divergence>> flush() override {
    std::vector<Divergence> out;
    FERRY_TRY(sendInserts());
    if (m_pipe->pending() == 0) return out;
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
        // A multi-row INSERT: the rows whose key did not come back met an existing row.
        const auto& result = batch->results[i];
        if (result.rows == static_cast<std::int64_t>(pending->rows.size())) continue;
        std::set<std::string> inserted(result.column.begin(), result.column.end());
        std::size_t named = 0;
        for (const auto& row : pending->rows) {
          if (inserted.contains(keyOf(row))) continue;
          out.push_back({row.table->label, row.keyText, "INSERT met an existing row", RowOp::Kind::Insert});
          ++named;
        }
        if (named != pending->rows.size() - static_cast<std::size_t>(result.rows)) {
          // The target prints a key differently from the value sent: name the batch.
          out.resize(out.size() - named);
          out.push_back({pending->table, pending->key + " (or one of the " + std::to_string(pending->rows.size() - 1) +
                                             " rows inserted after it)",
                         std::to_string(pending->rows.size() - static_cast<std::size_t>(result.rows)) +
                             " INSERT(s) met an existing row",
                         RowOp::Kind::Insert});
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
    return out;
  }

  core::Result<std::uint64_t> commit(const StoredPosition& p) override {
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
    FERRY_TRY(m_pipe->send("ROLLBACK"));
    return syncStatus();
  }

  core::Result<std::uint64_t> durable() override {
    // Never inside an open group: the sync would read the results of the group's
    // statements, and the next flush would pair results with the wrong changes
    // (under pgbench a correct UPDATE was reported as "found no row").
    if (m_pipe->pending() > 0 || !m_ops.empty() || !m_inserts.empty()) return m_durable;
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

  std::size_t batchLimit() const override { return 500; }

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
          return "UPDATE " + table + " SET " + core::join(sets, ", ") + " WHERE ctid = (SELECT ctid FROM " + table +
                 " WHERE " + w + " LIMIT 1)";
        }
        return "UPDATE " + table + " SET " + core::join(sets, ", ") + " WHERE " + w;
      }
      case RowOp::Kind::Delete: {
        const std::string w = where(op, n);
        if (op.wholeRowIdentity) {
          return "DELETE FROM " + table + " WHERE ctid = (SELECT ctid FROM " + table + " WHERE " + w + " LIMIT 1)";
        }
        return "DELETE FROM " + table + " WHERE " + w;
      }
    }
    return {};
  }

  std::unique_ptr<PgConnection> m_conn;
  std::unique_ptr<connect::PgPipeline> m_pipe;
  std::string m_runId;
  std::string m_positionTable;
  std::map<std::string, std::string> m_prepared;  ///< statement shape → prepared name
  std::vector<std::optional<Pending>> m_ops;       ///< per statement queued since BEGIN / the last flush
  int m_statements = 0;  ///< prepared so far, for unique names
  std::vector<RowOp> m_inserts;  ///< consecutive inserts not sent yet
};

}  // namespace

core::Result<std::unique_ptr<ApplyTarget>> openPgApplyTarget(const connect::ConnectionSpec& target,
                                                             const ApplyTargetOptions& options) {
  auto conn = PgConnection::open(target);
  if (!conn) return std::move(conn).error();
  // The copy's converters wrote intervals in the "postgres" style; the stream's
  // values (read by a session set the same way) must be parsed the same.
  FERRY_TRY((*conn)->exec("SET synchronous_commit = off; SET intervalstyle = postgres"));
  if (options.replicaRole) {
    if (auto st = (*conn)->exec("SET session_replication_role = replica"); !st) {
      core::log(core::LogLevel::Warning,
                "target: cannot set session_replication_role = replica (" + st.error().message() +
                    "): the target's triggers and foreign-key actions fire on applied rows, which the source's "
                    "own cascades and triggers already produced. Apply as a superuser, or disable them on the target.");
    }
  }
  auto pipe = connect::PgPipeline::enter(**conn);
  if (!pipe) return std::move(pipe).error();
  return std::unique_ptr<ApplyTarget>(new PgApplyTarget(std::move(*conn), std::move(*pipe)));
}

}  // namespace ferry::cdc
