// MySqlConnection::stream(), startConsistentSnapshot() and startSharedSnapshot().

#include "connect/mysql/mysql_stream.h"

#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <charconv>

#include "connect/mysql/mysql_connection.h"
#include "connect/mysql/mysql_connection_impl.h"

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {

constexpr int kErSpecificAccessDenied = 1227;

std::uint64_t toU64(const std::string& text) {
  std::uint64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

/// REPEATABLE READ is what makes WITH CONSISTENT SNAPSHOT mean anything (it is the
/// InnoDB default, but a server or session may have changed it).
core::Status beginSnapshotTransaction(MySqlConnection& conn) {
  FERRY_TRY(conn.exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  return conn.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

core::Result<std::string> mariaDbGtidAt(MySqlConnection& conn, const BinlogPosition& pos) {
  auto gtid = conn.query("SELECT BINLOG_GTID_POS(" + MySqlConnection::quoteLiteral(pos.file) + ", " +
                         std::to_string(pos.position) + ") AS g");
  if (!gtid) return std::move(gtid).error();
  return gtid->empty() ? std::string() : gtid->row(0).str("g");
}

}  // namespace

core::Result<MySqlStreamStats> MySqlConnection::stream(std::string_view sql, const MySqlRowSink& onRow,
                                                       const MySqlStreamOptions& options) {
  if (options.netWriteTimeoutSeconds > 0 && m_impl->netWriteTimeoutSeconds != options.netWriteTimeoutSeconds) {
    FERRY_TRY(exec("SET SESSION net_write_timeout = " + std::to_string(options.netWriteTimeoutSeconds)));
    m_impl->netWriteTimeoutSeconds = options.netWriteTimeoutSeconds;
  }
  MySqlStreamStats stats;
  std::optional<Error> stopped;
  try {
    std::unique_ptr<sql::Statement> stmt(m_impl->conn->createStatement());
    // FORWARD_ONLY makes Connector/C++ call mysql_use_result instead of
    // mysql_store_result: rows come off the socket as next() asks for them.
    stmt->setResultSetType(sql::ResultSet::TYPE_FORWARD_ONLY);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql::SQLString(std::string(sql))));
    sql::ResultSetMetaData* meta = rs->getMetaData();
    const unsigned n = meta->getColumnCount();
    if (options.onColumns) {
      std::vector<std::string> names;
      names.reserve(n);
      for (unsigned i = 1; i <= n; ++i) names.push_back(meta->getColumnLabel(i).asStdString());
      if (auto st = options.onColumns(names); !st) stopped = std::move(st).error();
    }
    // The connector hands out each value as a new SQLString; keeping one per column
    // lets the row's views point at storage that lives until the next row.
    std::vector<sql::SQLString> cells(n);
    MySqlRow row(n);
    while (!stopped && rs->next()) {
      for (unsigned i = 0; i < n; ++i) {
        if (rs->isNull(i + 1)) {
          row[i] = std::nullopt;
        } else {
          // getString builds the value from the row's length array, so 0x00 bytes survive.
          cells[i] = rs->getString(i + 1);
          const std::string& value = cells[i].asStdString();
          row[i] = std::string_view(value);
          stats.bytes += value.size();
        }
      }
      if (auto st = onRow(row); !st) {
        stopped = std::move(st).error();
        break;
      }
      ++stats.rows;
    }
    // Destroying the result set reads any rest of the result (mysql_free_result).
    rs.reset();
    stmt.reset();
  } catch (const sql::SQLException& e) {
    return mysqlStatementError(e, sql);
  }
  if (stopped) return *std::move(stopped);
  // Connector/C++ turns only a lost connection (2013/2000) during a fetch into an
  // exception; an error packet in the middle of the rows (KILL QUERY, max_statement_time,
  // a failing expression) just ends them. The server still counts that error for
  // the statement, so a short result is told apart from a complete one here.
  auto errors = query("SELECT @@error_count AS n");
  if (!errors) return std::move(errors).error();
  if (errors->row(0).i64("n") != 0) {
    auto detail = query("SHOW ERRORS");
    Error err(ErrorKind::Server, "the server ended the result early, after " + std::to_string(stats.rows) + " rows");
    if (detail && !detail->empty()) {
      const int code = static_cast<int>(detail->row(0).i64("Code"));
      err = Error(code == 1317 ? ErrorKind::Cancelled : ErrorKind::Server,
                  detail->row(0).str("Message") + " (after " + std::to_string(stats.rows) + " rows)")
                .withVendorCode(code);
    }
    return err.withStatement(std::string(sql));
  }
  return stats;
}

core::Result<BinlogPosition> MySqlConnection::startConsistentSnapshot() {
  if (m_flavour != model::Engine::MariaDB) {
    return Error(ErrorKind::Unsupported,
                 "MySQL does not report the binlog position of a consistent snapshot",
                 "Use the shared snapshot (a brief FLUSH TABLES WITH READ LOCK) for a MySQL source.");
  }
  FERRY_TRY(beginSnapshotTransaction(*this));
  auto fail = [this](Error err) -> Error {
    (void)exec("ROLLBACK");
    return err.context("starting a consistent snapshot");
  };
  // MariaDB keeps the binlog position of the snapshot in these session status
  // variables, taken atomically with the snapshot itself.
  auto status = query("SHOW STATUS LIKE 'binlog_snapshot_%'");
  if (!status) return fail(std::move(status).error());
  BinlogPosition pos;
  for (const auto& r : *status) {
    const std::string& name = r.str("Variable_name");
    if (name == "Binlog_snapshot_file") pos.file = r.str("Value");
    if (name == "Binlog_snapshot_position") pos.position = toU64(r.str("Value"));
  }
  if (pos.file.empty()) {
    return fail(Error(ErrorKind::Config, "the server writes no binary log (log_bin is off)",
                      "Enable log_bin (with binlog_format=ROW) on the source and restart it."));
  }
  auto gtid = mariaDbGtidAt(*this, pos);
  if (!gtid) return fail(std::move(gtid).error());
  pos.gtidPosition = *gtid;
  return pos;
}

core::Result<SharedSnapshot> startSharedSnapshot(MySqlConnection& coordinator,
                                                 std::span<MySqlConnection* const> workers,
                                                 const SharedSnapshotOptions& options) {
  using Clock = std::chrono::steady_clock;
  FERRY_TRY(coordinator.exec("SET SESSION lock_wait_timeout = " + std::to_string(options.lockWaitTimeoutSeconds)));
  const auto askedAt = Clock::now();
  auto locked = coordinator.exec("FLUSH TABLES WITH READ LOCK");
  const auto grantedAt = Clock::now();
  (void)coordinator.exec("SET SESSION lock_wait_timeout = DEFAULT");
  if (!locked) {
    Error err = std::move(locked).error();
    if (err.vendorCode() == kErSpecificAccessDenied) {
      err.withHint("Grant RELOAD to the user, or copy with one worker (no lock needed on MariaDB).");
    }
    return err.context("taking the global read lock");
  }

  SharedSnapshot out;
  std::size_t started = 0;
  std::optional<Error> failure;
  for (MySqlConnection* w : workers) {
    if (auto st = beginSnapshotTransaction(*w); !st) {
      failure = std::move(st).error();
      break;
    }
    ++started;
  }
  const bool maria = coordinator.flavour() == model::Engine::MariaDB;
  if (!failure) {
    // Under the lock nothing commits, so the current binlog end is every worker's
    // snapshot point. MySQL 8.2 renamed the statement; 8.4 removed the old name.
    const bool newName = !maria && coordinator.serverVersion().atLeast(8, 2);
    auto status = coordinator.query(newName ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
    if (!status) {
      failure = std::move(status).error();
    } else if (status->empty()) {
      failure = Error(ErrorKind::Config, "the server writes no binary log (log_bin is off)",
                      "Enable log_bin (with binlog_format=ROW) on the source and restart it.");
    } else {
      out.position.file = status->row(0).str("File");
      out.position.position = toU64(status->row(0).str("Position"));
      if (!maria && status->columnIndex("Executed_Gtid_Set") >= 0) {
        out.position.gtidPosition = status->row(0).str("Executed_Gtid_Set");
      }
    }
  }
  if (!failure && maria) {
    // Under the lock the last GTID written to the binlog is the one at that end.
    // (BINLOG_GTID_POS(file, pos) gives the same but scans the binlog file from
    // its start: 0.45-1.6 s on the benchmark's sandbox once the file had grown.)
    auto gtid = coordinator.query("SELECT @@GLOBAL.gtid_binlog_pos AS g");
    if (!gtid) {
      failure = std::move(gtid).error();
    } else if (!gtid->empty()) {
      out.position.gtidPosition = gtid->row(0).str("g");
    }
  }
  auto unlocked = coordinator.exec("UNLOCK TABLES");
  const auto releasedAt = Clock::now();
  out.lockWait = std::chrono::duration_cast<std::chrono::microseconds>(grantedAt - askedAt);
  out.lockHeld = std::chrono::duration_cast<std::chrono::microseconds>(releasedAt - grantedAt);
  if (!failure && !unlocked) failure = std::move(unlocked).error();
  if (failure) {
    for (std::size_t i = 0; i < started; ++i) (void)workers[i]->exec("ROLLBACK");
    return failure->context("starting the workers' shared snapshot");
  }
  return out;
}

}  // namespace ferry::connect
