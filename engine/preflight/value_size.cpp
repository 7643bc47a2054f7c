// The largest source value against a MySQL/MariaDB target's max_allowed_packet
// (#14 item 5): a value larger than the packet cannot reach that target by any
// statement, prepared or not. Measured table by table within one time budget, so
// the check stays a pre-flight: tables it cannot read in time are named, not guessed.

#include <chrono>
#include <map>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "preflight/check_builder.h"

namespace ferry::preflight {

namespace {

std::string megabytes(std::int64_t bytes) {
  if (bytes < (1 << 20)) return std::to_string((bytes + 1023) >> 10) + " kB";
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB";
}

/// Keeps the larger of `best` and a table's result row (one column per source column).
void takeLargest(LargestValue& best, const std::string& table, const std::vector<std::string>& columns,
                 const connect::QueryResult& r) {
  if (r.empty()) return;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto v = r.at(0, i);
    if (!v) continue;
    const std::int64_t n = std::stoll(*v);
    if (n > best.bytes) {
      best.bytes = n;
      best.column = table + "." + columns[i];
    }
  }
}

/// The time of the whole measurement: what is left for the next table, or 0
/// when it is spent (the table is then noted as not measured).
class Budget {
public:
  explicit Budget(int ms) : m_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(ms)) {}
  std::int64_t leftFor(LargestValue& best, const std::string& table) const {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - std::chrono::steady_clock::now()).count();
    if (left > 0) return left;
    best.notMeasured.push_back(table);
    return 0;
  }

private:
  std::chrono::steady_clock::time_point m_deadline;
};

}  // namespace

core::Result<LargestValue> largestPgValue(connect::PgConnection& conn, int timeoutMs) {
  using connect::PgConnection;
  auto cols = conn.query(
      "SELECT n.nspname AS schema, c.relname AS tab, a.attname AS col, t.typname AS type "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "WHERE c.relkind IN ('r', 'm') AND a.attnum > 0 AND NOT a.attisdropped "
      "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
      "AND n.nspname <> 'ferry_state' "
      "AND (t.typname IN ('bytea', 'text', 'json', 'jsonb', 'xml') OR (t.typname = 'varchar' AND a.atttypmod < 0)) "
      "ORDER BY 1, 2, a.attnum");
  if (!cols) return std::move(cols).error().context("listing the source's unbounded columns");
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> tables;  // "schema"."table" → col, type
  std::map<std::string, std::string> labels;
  for (auto row : *cols) {
    const std::string q = PgConnection::quoteIdent(row.str("schema")) + "." + PgConnection::quoteIdent(row.str("tab"));
    tables[q].emplace_back(row.str("col"), row.str("type"));
    labels[q] = row.str("schema") + "." + row.str("tab");
  }
  LargestValue best;
  const Budget budget(timeoutMs);
  for (const auto& [table, columns] : tables) {
    const auto left = budget.leftFor(best, labels[table]);
    if (left <= 0) continue;
    FERRY_TRY(conn.exec("SET statement_timeout = " + std::to_string(left)));
    std::vector<std::string> exprs;
    std::vector<std::string> names;
    for (const auto& [name, type] : columns) {
      // The bytes the target receives: bytea raw, text and JSON as UTF-8 text.
      const std::string col = PgConnection::quoteIdent(name);
      const bool asText = type == "json" || type == "jsonb" || type == "xml";
      exprs.push_back("max(octet_length(" + col + (asText ? "::text" : "") + "))");
      names.push_back(name);
    }
    auto r = conn.query("SELECT " + core::join(exprs, ", ") + " FROM " + table);
    if (!r) {
      if (r.error().sqlState() == "57014") {  // statement_timeout
        best.notMeasured.push_back(labels[table]);
        continue;
      }
      (void)conn.exec("RESET statement_timeout");
      return std::move(r).error().context("measuring the values of " + labels[table]);
    }
    takeLargest(best, labels[table], names, *r);
  }
  FERRY_TRY(conn.exec("RESET statement_timeout"));
  return best;
}

core::Result<LargestValue> largestMySqlValue(connect::MySqlConnection& conn, const std::vector<std::string>& schemas,
                                             int timeoutMs) {
  using connect::MySqlConnection;
  std::string where = "c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'ferry_state')";
  if (!schemas.empty()) {
    std::vector<std::string> lits;
    for (const auto& s : schemas) lits.push_back(MySqlConnection::quoteLiteral(s));
    where = "c.TABLE_SCHEMA IN (" + core::join(lits, ", ") + ")";
  }
  auto cols = conn.query("SELECT c.TABLE_SCHEMA AS s, c.TABLE_NAME AS t, c.COLUMN_NAME AS c FROM information_schema.COLUMNS c "
                         "JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
                         "AND t.TABLE_TYPE = 'BASE TABLE' WHERE " + where +
                         " AND c.DATA_TYPE IN ('mediumblob', 'longblob', 'mediumtext', 'longtext', 'json') "
                         "ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION");
  if (!cols) return std::move(cols).error().context("listing the source's large columns");
  std::map<std::string, std::vector<std::string>> tables;
  std::map<std::string, std::string> labels;
  for (auto row : *cols) {
    const std::string q = MySqlConnection::quoteIdent(row.str("s")) + "." + MySqlConnection::quoteIdent(row.str("t"));
    tables[q].push_back(row.str("c"));
    labels[q] = row.str("s") + "." + row.str("t");
  }
  LargestValue best;
  const bool mariadb = conn.flavour() == model::Engine::MariaDB;
  const Budget budget(timeoutMs);
  for (const auto& [table, columns] : tables) {
    const auto left = budget.leftFor(best, labels[table]);
    if (left <= 0) continue;
    std::vector<std::string> exprs;
    for (const auto& c : columns) exprs.push_back("MAX(LENGTH(" + MySqlConnection::quoteIdent(c) + "))");
    // MariaDB: max_statement_time (seconds); MySQL 8: the MAX_EXECUTION_TIME hint (ms, untested here).
    const std::string sql =
        mariadb ? "SET STATEMENT max_statement_time = " + std::to_string(static_cast<double>(left) / 1000.0) + " FOR SELECT " +
                      core::join(exprs, ", ") + " FROM " + table
                : "SELECT /*+ MAX_EXECUTION_TIME(" + std::to_string(left) + ") */ " + core::join(exprs, ", ") +
                      " FROM " + table;
    auto r = conn.query(sql);
    if (!r) {
      const int code = r.error().vendorCode();
      if (code == 1969 || code == 3024) {  // MariaDB / MySQL: query execution was interrupted (time)
        best.notMeasured.push_back(labels[table]);
        continue;
      }
      return std::move(r).error().context("measuring the values of " + labels[table]);
    }
    takeLargest(best, labels[table], columns, *r);
  }
  return best;
}

CheckResult checkValuesFitPacket(const LargestValue& largest, std::int64_t maxAllowedPacket) {
  detail::Checks checks(Role::Target);
  const std::string id = "max_allowed_packet";
  const std::string title = "the largest source value fits max_allowed_packet";
  const std::string packet = "max_allowed_packet = " + std::to_string(maxAllowedPacket) + " (" +
                             megabytes(maxAllowedPacket) + ")";
  // A value travels with its row's other values and the statement around it.
  const std::int64_t room = maxAllowedPacket - 64 * 1024;
  const std::string raise = "SET GLOBAL max_allowed_packet = 1073741824 on the target (1 GB, the largest it takes; "
                            "new sessions get it), then run again.";
  if (largest.bytes > room) {
    checks.fail(id, title,
                "the largest value, in " + largest.column + ", is " + std::to_string(largest.bytes) + " bytes (" +
                    megabytes(largest.bytes) + "); " + packet + ": its row would fail",
                raise);
  } else if (!largest.notMeasured.empty()) {
    checks.warn(id, title,
                packet + "; values of " + detail::listSome(largest.notMeasured) +
                    " were not measured in time" +
                    (largest.bytes >= 0 ? " (the largest measured: " + megabytes(largest.bytes) + " in " + largest.column + ")"
                                        : std::string()),
                "Values over " + megabytes(room) + " fail: check the largest yourself, or " + raise);
  } else if (largest.bytes < 0) {
    checks.pass(id, title, packet + "; the source has no column of unbounded size");
  } else {
    checks.pass(id, title,
                packet + "; the largest value is " + megabytes(largest.bytes) + " (" + largest.column + ")");
  }
  return checks.take().front();
}

}  // namespace ferry::preflight
