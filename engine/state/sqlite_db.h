#pragma once
// A thin RAII layer over the SQLite C API, internal to engine/state: one
// connection, a cache of prepared statements, transactions, and SQLite result
// codes turned into core::Error that name the file. Not thread-safe by itself:
// RunStateStore serializes every use with its mutex.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ferry::state::detail {

class SqliteDb;

/// One use of a cached prepared statement: bind, step, read columns. Resets the
/// statement and clears its bindings when it goes out of scope.
class Statement {
public:
  Statement(SqliteDb& db, sqlite3_stmt* stmt, const char* sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in the SQL (?1, ?2, ...).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bindNull(int index);

  /// Advances; true when a row is available, false when done.
  core::Result<bool> step();
  /// Runs a statement that returns no rows.
  core::Status run();

  // Columns are 0-based, as in the SQLite API.
  std::int64_t int64(int column) const;
  std::optional<std::int64_t> optionalInt64(int column) const;
  std::string text(int column) const;

private:
  SqliteDb* m_db;
  sqlite3_stmt* m_stmt;
  const char* m_sql;
  int m_bindError = 0;  ///< the first failed bind, reported by step()
};

class SqliteDb {
public:
  /// Opens `path` with sqlite3_open_v2 flags.
  static core::Result<std::unique_ptr<SqliteDb>> open(const std::string& path, int flags);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return m_path; }
  /// Runs one or more statements without parameters.
  core::Status exec(const char* sql, const std::string& what);
  /// The prepared statement for `sql` (a constant of state_sql.h: cached by address).
  core::Result<Statement> prepare(const char* sql);
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;
  std::int64_t lastInsertId() const;

  /// An Error for SQLite result code `rc`: Data for a corrupt or foreign file or a
  /// violated constraint, Io otherwise; the message names the file.
  core::Error error(int rc, const std::string& what) const;
  /// An Error of `kind` about this file, with no SQLite detail.
  core::Error fileError(core::ErrorKind kind, const std::string& what, std::string hint = {}) const;

private:
  SqliteDb(std::string path, sqlite3* db);

  std::string m_path;
  sqlite3* m_db;
  std::unordered_map<const char*, sqlite3_stmt*> m_statements;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted.
class Transaction {
public:
  static core::Result<std::unique_ptr<Transaction>> begin(SqliteDb& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  core::Status commit();

private:
  explicit Transaction(SqliteDb& db) : m_db(db) {}
  SqliteDb& m_db;
  bool m_open = true;
};

/// Microseconds since the Unix epoch, the file's time unit.
std::int64_t toMicros(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point fromMicros(std::int64_t micros);

}  // namespace ferry::state::detail
