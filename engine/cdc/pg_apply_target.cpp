// The PostgreSQL apply target: every statement of a flush goes out in one libpq
// pipeline, each row change a prepared statement (parsed once per table and
// shape), on a session with synchronous_commit = off — the commit's durability
// is tracked through the target's flushed WAL position instead (durable()).

#include <map>

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
    FERRY_TRY(m_pipe->send("BEGIN"));
    m_ops.push_back(std::nullopt);
    return {};
  }

  core::Status apply(const RowOp& op) override {
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
    m_ops.push_back(Pending{op.table->label, op.keyText, op.kind});
    return {};
  }

  core::Status truncate(const std::vector<const TargetTable*>& tables, bool restartIdentity) override {
    std::vector<std::string> names;
    for (const auto* t : tables) names.push_back(qi(t->schema) + "." + qi(t->name));
    FERRY_TRY(m_pipe->send("TRUNCATE " + core::join(names, ", ") + (restartIdentity ? " RESTART IDENTITY" : "")));
    m_ops.push_back(std::nullopt);
    return {};
  }

  core::Result<std::vector<Divergence>> flush() override {
    std::vector<Divergence> out;
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
      if (!pending || batch->results[i].rows == 1) continue;
      out.push_back({pending->table, pending->key,
                     pending->kind == RowOp::Kind::Insert   ? "INSERT met an existing row"
                     : pending->kind == RowOp::Kind::Update ? "UPDATE found no row"
                                                            : "DELETE found no row"});
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
    FERRY_TRY(m_pipe->send("ROLLBACK"));
    return syncStatus();
  }

  core::Result<std::uint64_t> durable() override {
    FERRY_TRY(m_pipe->send("SELECT pg_current_wal_flush_lsn()::text"));
    auto batch = m_pipe->sync();
    if (!batch) return std::move(batch).error();
    if (batch->error) return *batch->error;
    if (batch->results.empty() || !batch->results[0].firstValue) return std::uint64_t{0};
    auto lsn = connect::parseLsn(*batch->results[0].firstValue);
    if (!lsn) return std::move(lsn).error();
    return *lsn;
  }

  std::size_t batchLimit() const override { return 500; }

private:
  struct Pending {
    std::string table;
    std::string key;
    RowOp::Kind kind;
  };

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
