// The MySQL/MariaDB apply target: one connection, a long run of inserts into one
// table loaded by LOAD DATA LOCAL (as the copy does), a shorter one sent as one
// multi-row INSERT, consecutive updates (deletes) of one table by key as one
// UPDATE … JOIN (DELETE … WHERE key IN …) under a savepoint, the rest one
// statement each. Rows are counted with CLIENT_FOUND_ROWS, so an UPDATE to the
// same values still counts its row; a batch (or a load) that changed fewer rows
// than it holds is rolled back to its savepoint and applied row by row, which
// names the row that diverges. For a PostgreSQL source foreign-key checks are
// off for the session: InnoDB then runs no cascades either, which pgoutput
// already carries; a binlog source lacks them, so they run.

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <set>

#include "cdc/apply_targets.h"
#include "connect/mysql/mysql_connection.h"
#include "copy/copy_text.h"
#include "copy/mysql_loader.h"
#include "core/log.h"
#include "core/text.h"

namespace ferry::cdc {

using connect::MySqlConnection;
using core::Error;
using core::ErrorKind;

namespace {

constexpr int kErDupEntry = 1062;
constexpr std::size_t kInsertBytes = 1 << 20;
constexpr std::size_t kBatchRows = 500;  ///< updates or deletes per batched statement

std::string qi(const std::string& s) { return MySqlConnection::quoteIdent(s); }

std::string literal(const std::optional<std::string>& v, bool binary) {
  std::string out;
  copy::appendMySqlLiteral(out, v ? std::optional<std::string_view>(*v) : std::nullopt, binary);
  return out;
}

class MySqlApplyTarget final : public ApplyTarget {
public:
  MySqlApplyTarget(std::unique_ptr<MySqlConnection> conn, std::size_t bulkMinRows)
      : m_conn(std::move(conn)), m_bulkMinRows(bulkMinRows) {}

  void setBulkInserts(bool allowed) override { m_bulkAllowed = allowed; }

  core::Status prepare(const copy::MarksTable& where, const std::string& runId) override {
    m_runId = runId;
    const bool inline_ = where.table == copy::kInlineMarksTable;
    m_positionTable = qi(where.schema) + "." + qi(inline_ ? "ferry_stream_position" : "stream_position");
    // A finished copy dropped its emptied ferry_state database.
    if (!inline_) FERRY_TRY(m_conn->exec("CREATE DATABASE IF NOT EXISTS " + qi(where.schema)));
    return m_conn->exec("CREATE TABLE IF NOT EXISTS " + m_positionTable +
                        " (run_id VARCHAR(64) PRIMARY KEY, source_position VARCHAR(128) NOT NULL, "
                        "transactions BIGINT NOT NULL, rows_applied BIGINT NOT NULL, "
                        "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB");
  }

  core::Result<std::optional<StoredPosition>> storedPosition() override {
    auto r = m_conn->query("SELECT source_position, transactions, rows_applied FROM " + m_positionTable +
                           " WHERE run_id = " + MySqlConnection::quoteLiteral(m_runId));
    if (!r) return std::move(r).error();
    if (r->empty()) return std::optional<StoredPosition>{};
    StoredPosition p;
    p.position = r->row(0).str("source_position");
    p.transactions = r->row(0).i64("transactions");
    p.rows = r->row(0).i64("rows_applied");
    return std::optional<StoredPosition>(p);
  }

  core::Status begin() override {
    m_ops.clear();
    return m_conn->exec("START TRANSACTION");
  }

  core::Status apply(RowOp op) override {
    const bool alone = op.goesAlone();
    m_ops.push_back(std::move(op));
    if (alone) {
      // Written at once: a transaction of several huge rows holds one at a time.
      auto pending = flush();
      if (!pending) return std::move(pending).error();
      m_early.insert(m_early.end(), pending->begin(), pending->end());
    }
    return {};
  }

  core::Status truncate(const std::vector<const TargetTable*>& tables, bool) override {
    // TRUNCATE commits implicitly in MySQL: DELETE keeps it inside the transaction.
    auto pending = flush();
    if (!pending) return std::move(pending).error();
    m_early.insert(m_early.end(), pending->begin(), pending->end());
    for (const auto* t : tables) FERRY_TRY(m_conn->exec("DELETE FROM " + qi(t->schema) + "." + qi(t->name)));
    return {};
  }

  core::Result<std::vector<Divergence>> flush() override {
    std::vector<Divergence> out;
    out.swap(m_early);
    std::size_t i = 0;
    while (i < m_ops.size()) {
      const RowOp& op = m_ops[i];
      if (op.goesAlone()) {
        FERRY_TRY(applyAlone(op, out));
        m_ops[i] = RowOp{};  // its value's memory goes now
        ++i;
        continue;
      }
      if (op.kind != RowOp::Kind::Insert) {
        const std::size_t j = batchEnd(i);
        if (j - i > 1) {
          FERRY_TRY(m_conn->exec("SAVEPOINT ferry_batch"));
          auto n = m_conn->execCount(batchStatement(i, j));
          if (!n) return std::move(n).error().context(op.table->label + " " + op.keyText);
          if (static_cast<std::size_t>(*n) == j - i) {
            i = j;
            continue;
          }
          FERRY_TRY(m_conn->exec("ROLLBACK TO SAVEPOINT ferry_batch"));
        }
        for (; i < j; ++i) {
          const RowOp& one = m_ops[i];
          auto n = m_conn->execCount(statementFor(one));
          if (!n) return std::move(n).error().context(one.table->label + " " + one.keyText);
          if (*n != 1) {
            out.push_back({one.table->label, one.keyText,
                           one.kind == RowOp::Kind::Update ? "UPDATE found no row" : "DELETE found no row", one.kind});
          }
        }
        continue;
      }
      // A long run of inserts into one table with the same columns: LOAD DATA.
      std::size_t run = i;
      while (run < m_ops.size() && m_ops[run].kind == RowOp::Kind::Insert && m_ops[run].table == op.table &&
             m_ops[run].setColumns == op.setColumns && !m_ops[run].goesAlone()) {
        ++run;
      }
      if (bulk() && run - i >= m_bulkMinRows) {
        auto loaded = loadInserts(i, run);
        if (!loaded) return std::move(loaded).error();
        if (*loaded) {
          i = run;
          continue;
        }
      }
      // Consecutive inserts into the same table with the same columns: one statement.
      std::size_t j = i;
      std::string values;
      while (j < m_ops.size() && m_ops[j].kind == RowOp::Kind::Insert && m_ops[j].table == op.table &&
             m_ops[j].setColumns == op.setColumns && !m_ops[j].goesAlone() && values.size() < kInsertBytes) {
        if (j > i) values += ", ";
        values += tuple(m_ops[j]);
        ++j;
      }
      auto n = m_conn->execCount(insertHead(op) + values);
      if (!n && n.error().vendorCode() == kErDupEntry) {
        // Which row met an existing one: row by row (a failed statement changes nothing).
        for (std::size_t k = i; k < j; ++k) {
          auto one = m_conn->execCount(statementFor(m_ops[k]));
          if (!one && one.error().vendorCode() == kErDupEntry) {
            out.push_back({m_ops[k].table->label, m_ops[k].keyText, "INSERT met an existing row", RowOp::Kind::Insert});
          } else if (!one) {
            return std::move(one).error().context(m_ops[k].table->label + " " + m_ops[k].keyText);
          }
        }
      } else if (!n) {
        return std::move(n).error().context(op.table->label);
      }
      i = j;
    }
    m_ops.clear();
    return out;
  }

  core::Result<std::uint64_t> commit(const StoredPosition& p) override {
    auto divergences = flush();
    if (!divergences) return std::move(divergences).error();
    if (!divergences->empty()) return Error(ErrorKind::Internal, "commit with unflushed divergences");
    FERRY_TRY(m_conn->exec("INSERT INTO " + m_positionTable +
                           " (run_id, source_position, transactions, rows_applied) VALUES (" +
                           MySqlConnection::quoteLiteral(m_runId) + ", " + MySqlConnection::quoteLiteral(p.position) +
                           ", " + std::to_string(p.transactions) + ", " + std::to_string(p.rows) +
                           ") ON DUPLICATE KEY UPDATE source_position = VALUES(source_position), "
                           "transactions = VALUES(transactions), rows_applied = VALUES(rows_applied), "
                           "updated_at = CURRENT_TIMESTAMP(6)"));
    FERRY_TRY(m_conn->exec("COMMIT"));
    ++m_commits;
    if (m_lazyFlush.count() > 0) m_commitTimes.emplace_back(m_commits, std::chrono::steady_clock::now());
    return m_commits;
  }

  core::Status rollback() override {
    m_ops.clear();
    m_early.clear();
    return m_conn->exec("ROLLBACK");
  }

  // InnoDB's commit is durable when it returns with innodb_flush_log_at_trx_commit
  // = 1 (the default). With 0 or 2 the log is flushed about once every
  // innodb_flush_log_at_timeout seconds: a commit counts as durable only after
  // that long and a second more (pre-flight warns about the setting).
  core::Result<std::uint64_t> durable() override {
    if (m_lazyFlush.count() == 0) return m_commits;
    const auto before = std::chrono::steady_clock::now() - m_lazyFlush;
    std::uint64_t upTo = m_durable;
    while (!m_commitTimes.empty() && m_commitTimes.front().second <= before) {
      upTo = m_commitTimes.front().first;
      m_commitTimes.pop_front();
    }
    m_durable = upTo;
    return m_durable;
  }
  void setLazyFlush(std::chrono::seconds s) { m_lazyFlush = s; }

  /// Long runs of inserts reach LOAD DATA whole: a flush sees up to 20,000 changes.
  std::size_t batchLimit() const override { return bulk() ? 20000 : 1000; }

private:
  std::uint64_t m_commits = 0;
  std::uint64_t m_durable = 0;
  std::chrono::seconds m_lazyFlush{0};
  std::deque<std::pair<std::uint64_t, std::chrono::steady_clock::time_point>> m_commitTimes;
  static std::string insertHead(const RowOp& op) {
    std::vector<std::string> cols;
    for (int c : op.setColumns) cols.push_back(qi(op.table->columns[static_cast<std::size_t>(c)]));
    return "INSERT INTO " + qi(op.table->schema) + "." + qi(op.table->name) + " (" + core::join(cols, ", ") +
           ") VALUES ";
  }
  /// How a change's SQL spells one value of column `column`: a literal
  /// (literalOf) or a "?" whose value is bound (applyAlone()). Called in the
  /// order the statement holds its values.
  using ValueSql = std::function<std::string(const std::optional<std::string>& value, std::size_t column)>;
  static ValueSql literalOf(const RowOp& op) {
    return [&op](const std::optional<std::string>& v, std::size_t c) { return literal(v, op.table->binary[c]); };
  }
  static std::string tuple(const RowOp& op, const ValueSql& value) {
    std::string out = "(";
    for (std::size_t k = 0; k < op.setColumns.size(); ++k) {
      if (k) out += ", ";
      out += value(op.setValues[k], static_cast<std::size_t>(op.setColumns[k]));
    }
    return out + ")";
  }
  static std::string tuple(const RowOp& op) { return tuple(op, literalOf(op)); }
  /// The end of the batch of updates or deletes starting at m_ops[i]: the same
  /// table, kind and shape, each key once, at most kBatchRows rows and about
  /// kInsertBytes of values. i + 1 when m_ops[i] goes alone.
  std::size_t batchEnd(std::size_t i) const {
    const RowOp& first = m_ops[i];
    if (!batchableByKey(first)) return i + 1;
    std::set<std::vector<std::optional<std::string>>> keys;
    std::size_t bytes = 0;
    std::size_t j = i;
    for (; j < m_ops.size() && j - i < kBatchRows && bytes < kInsertBytes; ++j) {
      const RowOp& op = m_ops[j];
      if (op.kind != first.kind || op.table != first.table || op.setColumns != first.setColumns ||
          op.whereColumns != first.whereColumns || !batchableByKey(op) || op.goesAlone() ||
          !keys.insert(op.whereValues).second) {
        break;
      }
      for (const auto& v : op.setValues) bytes += v ? v->size() : 4;
      for (const auto& v : op.whereValues) bytes += v->size();
    }
    return j;
  }

  /// m_ops[i, j) as one statement: DELETE … WHERE (key) IN ((…), …), or UPDATE …
  /// JOIN (SELECT … UNION ALL SELECT …) d ON key SET each column from d. The
  /// values stay quoted strings (hex for binary) until assigned, as in statementFor().
  std::string batchStatement(std::size_t i, std::size_t j) const {
    const RowOp& first = m_ops[i];
    const TargetTable& t = *first.table;
    const auto col = [&](int c) { return qi(t.columns[static_cast<std::size_t>(c)]); };
    const auto value = [&](const std::optional<std::string>& v, int c) {
      return literal(v, t.binary[static_cast<std::size_t>(c)]);
    };
    const std::string table = qi(t.schema) + "." + qi(t.name);
    std::string sql;
    if (first.kind == RowOp::Kind::Delete) {
      std::vector<std::string> keyCols;
      for (int c : first.whereColumns) keyCols.push_back(col(c));
      sql = "DELETE FROM " + table + " WHERE (" + core::join(keyCols, ", ") + ") IN (";
      for (std::size_t r = i; r < j; ++r) {
        if (r > i) sql += ", ";
        sql += '(';
        for (std::size_t k = 0; k < first.whereColumns.size(); ++k) {
          if (k) sql += ", ";
          sql += value(m_ops[r].whereValues[k], first.whereColumns[k]);
        }
        sql += ')';
      }
      return sql + ")";
    }
    const std::vector<std::size_t> setIdx = nonKeySets(first);
    std::string rows;
    for (std::size_t r = i; r < j; ++r) {
      rows += r > i ? " UNION ALL SELECT " : "SELECT ";
      for (std::size_t k = 0; k < first.whereColumns.size(); ++k) {
        if (k) rows += ", ";
        rows += value(m_ops[r].whereValues[k], first.whereColumns[k]);
        if (r == i) rows += " AS k" + std::to_string(k);
      }
      for (std::size_t k : setIdx) {
        rows += ", " + value(m_ops[r].setValues[k], first.setColumns[k]);
        if (r == i) rows += " AS s" + std::to_string(k);
      }
    }
    std::vector<std::string> on, sets;
    for (std::size_t k = 0; k < first.whereColumns.size(); ++k) {
      on.push_back("t." + col(first.whereColumns[k]) + " = d.k" + std::to_string(k));
    }
    for (std::size_t k : setIdx) sets.push_back("t." + col(first.setColumns[k]) + " = d.s" + std::to_string(k));
    if (sets.empty()) sets.push_back("t." + col(first.whereColumns.front()) + " = d.k0");  // proves the row is there
    return "UPDATE " + table + " AS t JOIN (" + rows + ") AS d ON " + core::join(on, " AND ") + " SET " +
           core::join(sets, ", ");
  }

  /// A change holding a huge value, alone: a prepared statement whose values are
  /// bound as bytes and sent in pieces (MySqlConnection::execPrepared), never
  /// spelled out as SQL text (a 256 MB BLOB would be 512 MB of hex, copied twice).
  core::Status applyAlone(const RowOp& op, std::vector<Divergence>& out) {
    std::vector<std::optional<std::string_view>> params;
    const std::string sql = statementFor(op, [&](const std::optional<std::string>& v, std::size_t) {
      params.push_back(v ? std::optional<std::string_view>(*v) : std::nullopt);
      return std::string("?");
    });
    auto n = m_conn->execPrepared(sql, params);
    if (!n && op.kind == RowOp::Kind::Insert && n.error().vendorCode() == kErDupEntry) {
      out.push_back({op.table->label, op.keyText, "INSERT met an existing row", RowOp::Kind::Insert});
      return {};
    }
    if (!n) return std::move(n).error().context(op.table->label + " " + op.keyText);
    if (op.kind != RowOp::Kind::Insert && *n != 1) {
      out.push_back({op.table->label, op.keyText,
                     op.kind == RowOp::Kind::Update ? "UPDATE found no row" : "DELETE found no row", op.kind});
    }
    return {};
  }

  /// One change as one statement, its values spelled by `value`.
  static std::string statementFor(const RowOp& op, const ValueSql& value) {
    if (op.kind == RowOp::Kind::Insert) return insertHead(op) + tuple(op, value);
    const std::string table = qi(op.table->schema) + "." + qi(op.table->name);
    const auto col = [&](int c) { return qi(op.table->columns[static_cast<std::size_t>(c)]); };
    std::vector<std::string> sets;  // before the conditions: a bound statement's values come in this order
    for (std::size_t k = 0; k < op.setColumns.size(); ++k) {
      sets.push_back(col(op.setColumns[k]) + " = " + value(op.setValues[k], static_cast<std::size_t>(op.setColumns[k])));
    }
    if (sets.empty()) sets.push_back(col(op.whereColumns.front()) + " = " + col(op.whereColumns.front()));
    std::vector<std::string> conds;
    for (std::size_t k = 0; k < op.whereColumns.size(); ++k) {
      conds.push_back(col(op.whereColumns[k]) + (op.wholeRowIdentity ? " <=> " : " = ") +
                      value(op.whereValues[k], static_cast<std::size_t>(op.whereColumns[k])));
    }
    const std::string where = " WHERE " + core::join(conds, " AND ") + (op.wholeRowIdentity ? " LIMIT 1" : "");
    if (op.kind == RowOp::Kind::Delete) return "DELETE FROM " + table + where;
    return "UPDATE " + table + " SET " + core::join(sets, ", ") + where;
  }
  static std::string statementFor(const RowOp& op) { return statementFor(op, literalOf(op)); }

  bool bulk() const { return m_bulkAllowed && !m_loadRefused && m_bulkMinRows > 0; }

  /// m_ops[i, j), inserts into one table, by LOAD DATA LOCAL under a savepoint.
  /// False (rolled back to the savepoint) when the load skipped a row that met an
  /// existing key, or warned about a value: the caller then inserts the run by
  /// statements, which names the row. False too when the server refuses LOAD
  /// DATA LOCAL (local_infile = OFF): statements from then on.
  core::Result<bool> loadInserts(std::size_t i, std::size_t j) {
    const RowOp& first = m_ops[i];
    std::vector<std::string> cols;
    for (int c : first.setColumns) cols.push_back(qi(first.table->columns[static_cast<std::size_t>(c)]));
    FERRY_TRY(m_conn->exec("SAVEPOINT ferry_load"));
    auto load = copy::MySqlPipeLoad::begin(*m_conn, qi(first.table->schema) + "." + qi(first.table->name),
                                           core::join(cols, ", "));
    if (!load) {
      if (!copy::MySqlPipeLoad::refused(load.error())) return std::move(load).error().context(first.table->label);
      m_loadRefused = true;
      core::log(core::LogLevel::Warning, "target: LOAD DATA LOCAL refused (" + load.error().oneLine() +
                                             "): runs of inserts go as multi-row INSERTs, slower. SET GLOBAL "
                                             "local_infile = ON on the target to load them in bulk.");
      return false;
    }
    std::string buf;
    buf.reserve(kInsertBytes + 4096);
    for (std::size_t k = i; k < j; ++k) {
      const auto& values = m_ops[k].setValues;
      for (std::size_t c = 0; c < values.size(); ++c) {
        if (c) buf += '\t';
        copy::appendPgCopyField(buf, values[c] ? std::optional<std::string_view>(*values[c]) : std::nullopt);
      }
      buf += '\n';
      if (buf.size() >= kInsertBytes) {
        if (auto w = (*load)->write(buf); !w) return std::move(w).error().context(first.table->label + " (LOAD DATA)");
        buf.clear();
      }
    }
    if (auto w = (*load)->write(buf); !w) return std::move(w).error().context(first.table->label + " (LOAD DATA)");
    if (auto f = (*load)->finish(); !f) return std::move(f).error().context(first.table->label + " (LOAD DATA)");
    auto warned = m_conn->query("SHOW WARNINGS LIMIT 1");
    if (!warned) return std::move(warned).error();
    if ((*load)->loaded() == static_cast<std::int64_t>(j - i) && warned->empty()) return true;
    FERRY_TRY(m_conn->exec("ROLLBACK TO SAVEPOINT ferry_load"));
    return false;
  }

  std::unique_ptr<MySqlConnection> m_conn;
  std::size_t m_bulkMinRows = 1000;
  bool m_bulkAllowed = true;
  bool m_loadRefused = false;
  std::string m_runId;
  std::string m_positionTable;
  std::vector<RowOp> m_ops;
  std::vector<Divergence> m_early;  ///< found by a flush that a TRUNCATE forced
};

}  // namespace

core::Result<std::unique_ptr<ApplyTarget>> openMySqlApplyTarget(const connect::ConnectionSpec& target,
                                                                const ApplyTargetOptions& options) {
  connect::MySqlOpenOptions mo;
  mo.foundRows = true;
  mo.localInfile = true;  // runs of inserts are loaded by LOAD DATA LOCAL when the server allows it
  mo.ioTimeoutSeconds = options.ioTimeoutSeconds;
  auto conn = MySqlConnection::open(target, mo);
  if (!conn) return std::move(conn).error();
  FERRY_TRY((*conn)->exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,NO_AUTO_VALUE_ON_ZERO,"
                          "NO_ENGINE_SUBSTITUTION'"));
  // READ COMMITTED: no gap locks. Under REPEATABLE READ two syncs into one server
  // (their positions share ferry_state.stream_position) waited on each other's
  // gap locks while a long group was open.
  FERRY_TRY((*conn)->exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  if (options.replicaRole) FERRY_TRY((*conn)->exec("SET SESSION foreign_key_checks = 0"));
  if (options.tagServerId != 0) {
    // The binlog events of this session carry Ferry's server_id: a binlog
    // reader of this server (the way back) leaves them out.
    if (auto t = (*conn)->exec("SET SESSION server_id = " + std::to_string(options.tagServerId)); !t) {
      core::log(core::LogLevel::Warning,
                "target: cannot set the session's server_id (" + t.error().message() +
                    "): a stream back from this server could not tell the applied changes from the application's. "
                    "Grant Ferry's account SUPER (or REPLICATION MASTER ADMIN).");
    }
  }
  auto flushing = (*conn)->query("SELECT @@innodb_flush_log_at_trx_commit AS at_commit, @@innodb_flush_log_at_timeout AS every");
  if (!flushing) return std::move(flushing).error();
  auto applier = std::make_unique<MySqlApplyTarget>(std::move(*conn), options.bulkInsertMinRows);
  if (flushing->row(0).str("at_commit") != "1") {
    applier->setLazyFlush(std::chrono::seconds(flushing->row(0).i64("every") + 1));
    core::log(core::LogLevel::Warning, "target: innodb_flush_log_at_trx_commit = " + flushing->row(0).str("at_commit") +
                                           ": the source's position is confirmed " +
                                           std::to_string(flushing->row(0).i64("every") + 1) +
                                           " s after each commit, when InnoDB has flushed it");
  }
  return std::unique_ptr<ApplyTarget>(std::move(applier));
}

core::Result<std::unique_ptr<ApplyTarget>> openApplyTarget(const connect::ConnectionSpec& target,
                                                           const ApplyTargetOptions& options) {
  if (target.engine == model::Engine::PostgreSQL) return openPgApplyTarget(target, options);
  return openMySqlApplyTarget(target, options);
}

}  // namespace ferry::cdc
