#include "state/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

#include "state/state_sql.h"

namespace ferry::state::detail {

Statement::Statement(SqliteDb& db, sqlite3_stmt* stmt, const char* sql)
    : m_db(&db), m_stmt(stmt), m_sql(sql) {}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)), m_sql(other.m_sql),
      m_bindError(other.m_bindError) {}

Statement::~Statement() {
  if (m_stmt != nullptr) {
    // The statement stays cached in SqliteDb; make it ready for the next use.
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_stmt, index, value);
  if (rc != SQLITE_OK && m_bindError == 0) m_bindError = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so temporaries may be bound.
  const int rc = sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK && m_bindError == 0) m_bindError = rc;
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index) {
  const int rc = sqlite3_bind_null(m_stmt, index);
  if (rc != SQLITE_OK && m_bindError == 0) m_bindError = rc;
  return *this;
}

core::Result<bool> Statement::step() {
  if (m_bindError != 0) return m_db->error(m_bindError, "binding parameters").withStatement(m_sql);
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return m_db->error(rc, "running a statement").withStatement(m_sql);
}

core::Status Statement::run() {
  auto r = step();
  if (!r.ok()) return std::move(r).error();
  return {};
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }

std::optional<std::int64_t> Statement::optionalInt64(int column) const {
  if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(m_stmt, column);
  if (p == nullptr) return {};
  const int n = sqlite3_column_bytes(m_stmt, column);
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

SqliteDb::SqliteDb(std::string path, sqlite3* db) : m_path(std::move(path)), m_db(db) {}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : m_statements) sqlite3_finalize(stmt);
  sqlite3_close_v2(m_db);
}

core::Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<SqliteDb> owner(new SqliteDb(path, db));  // closes db even on failure
  if (rc != SQLITE_OK) return owner->error(rc, "cannot open");
  sqlite3_extended_result_codes(db, 1);
  // Another process (an sqlite3 shell, a second ferry by mistake) may hold the
  // lock briefly; 5 s is far longer than any of our transactions and short
  // enough that a real conflict is reported rather than hanging.
  sqlite3_busy_timeout(db, 5000);
  return owner;
}

core::Status SqliteDb::exec(const char* sql, const std::string& what) {
  const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, what).withStatement(sql);
  return {};
}

core::Result<Statement> SqliteDb::prepare(const char* sql) {
  auto it = m_statements.find(sql);
  if (it == m_statements.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return error(rc, "preparing a statement").withStatement(sql);
    it = m_statements.emplace(sql, stmt).first;
  }
  return Statement(*this, it->second, sql);
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(m_db); }

std::int64_t SqliteDb::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }

core::Error SqliteDb::error(int rc, const std::string& what) const {
  core::ErrorKind kind = core::ErrorKind::Io;
  std::string hint;
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      kind = core::ErrorKind::Data;
      hint = "The file is not a Ferry state file or is damaged; start a new run with a new state file.";
      break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      kind = core::ErrorKind::Data;
      break;
    default: break;
  }
  // sqlite3_errmsg describes the last failure on this connection, which is rc's
  // unless the connection could not even be allocated.
  std::string detail = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
  return core::Error(kind, "run-state file '" + m_path + "': " + what + ": " + detail,
                     std::move(hint));
}

core::Error SqliteDb::fileError(core::ErrorKind kind, const std::string& what,
                                std::string hint) const {
  return core::Error(kind, "run-state file '" + m_path + "': " + what, std::move(hint));
}

core::Result<std::unique_ptr<Transaction>> Transaction::begin(SqliteDb& db) {
  FERRY_TRY(db.exec(sql::kBegin, "starting a transaction"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (m_open) (void)m_db.exec(sql::kRollback, "rolling back");
}

core::Status Transaction::commit() {
  FERRY_TRY(m_db.exec(sql::kCommit, "committing"));
  m_open = false;
  return {};
}

std::int64_t toMicros(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point fromMicros(std::int64_t micros) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(micros)));
}

}  // namespace ferry::state::detail
