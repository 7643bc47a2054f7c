#pragma once
/// MySqlConnection: one MySQL/MariaDB connection through mysql-connector-c++
/// (RAII). The connector stays private to connect/; its exceptions become
/// core::Error here. The server's flavour (MySQL or MariaDB) is detected on open.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/connection_spec.h"
#include "connect/mysql/mysql_stream.h"
#include "connect/query_result.h"
#include "core/result.h"
#include "model/catalog.h"

namespace ferry::connect {

struct MySqlOpenOptions {
  bool allowPrompt = false;  ///< ask for the password on the terminal when the login is refused without one
  bool localInfile = false;  ///< enable LOAD DATA LOCAL INFILE on this session
  /// UPDATE counts the rows it matched, not only those whose values changed
  /// (CLIENT_FOUND_ROWS): the change stream tells "no such row" from "same values".
  bool foundRows = false;
  /// A read or write that waits longer than this fails as a lost connection
  /// (OPT_READ_TIMEOUT/OPT_WRITE_TIMEOUT; the client library may retry a read
  /// before giving up); 0 = wait for ever (the default: long queries are normal).
  int ioTimeoutSeconds = 0;
};

class MySqlConnection {
public:
  /// Oldest servers the catalog queries support.
  static constexpr int kMinimumMySqlMajor = 5, kMinimumMySqlMinor = 7;
  static constexpr int kMinimumMariaDbMajor = 10, kMinimumMariaDbMinor = 3;

  static core::Result<std::unique_ptr<MySqlConnection>> open(const ConnectionSpec& spec,
                                                             const MySqlOpenOptions& options = {});
  ~MySqlConnection();
  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;

  /// Runs one statement and buffers its rows (catalog-sized results only).
  core::Result<QueryResult> query(std::string_view sql);
  core::Status exec(std::string_view sql);
  /// Runs one INSERT/UPDATE/DELETE and returns the rows it affected (matched,
  /// with MySqlOpenOptions::foundRows).
  core::Result<std::int64_t> execCount(std::string_view sql);

  /// Runs one prepared statement with `params` bound to its `?` in order
  /// (nullopt = NULL) and returns the rows it affected. Values are bound as
  /// bytes and those over 1 MB sent in pieces (mysql_stmt_send_long_data): no
  /// escaping, no hex, no copy — the way for a value too large for a statement's
  /// text or for LOAD DATA, whose field parser slows down quadratically on one
  /// field of hundreds of MB (docs/copy.md "Huge values"). Each value must still
  /// fit the server's max_allowed_packet.
  core::Result<std::int64_t> execPrepared(std::string_view sql, const std::vector<std::optional<std::string_view>>& params);

  /// Runs a query and hands its rows to `onRow` one at a time as they arrive
  /// (mysql_use_result): memory stays flat whatever the result's size, where
  /// query() would buffer it all (~160 MB per million narrow rows). The connection
  /// cannot run anything else until the stream ends, so `onRow` must not use it. A
  /// stream the server or the network cuts short is an Error, never a short result.
  /// When `onRow` fails, the rest of the result is read and discarded (the protocol
  /// has no other way back to idle), so stop early only on errors. Defined in
  /// mysql_stream.cpp.
  core::Result<MySqlStreamStats> stream(std::string_view sql, const MySqlRowSink& onRow,
                                        const MySqlStreamOptions& options = {});

  /// Opens a read-only REPEATABLE READ transaction WITH CONSISTENT SNAPSHOT and
  /// returns the binlog position of exactly that snapshot, without any global lock.
  /// MariaDB only (its binlog_snapshot_file/position status); for MySQL, which lacks
  /// them, use startSharedSnapshot(). The transaction stays open until the caller
  /// COMMITs. Defined in mysql_stream.cpp.
  core::Result<BinlogPosition> startConsistentSnapshot();

  /// MySQL or MariaDB, as the server reports itself.
  model::Engine flavour() const { return m_flavour; }
  const model::ServerVersion& serverVersion() const { return m_version; }
  const ConnectionSpec& spec() const { return m_spec; }

  static std::string quoteIdent(std::string_view ident);
  /// A string literal safe whatever NO_BACKSLASH_ESCAPES says.
  static std::string quoteLiteral(std::string_view value);

private:
  struct Impl;
  explicit MySqlConnection(std::unique_ptr<Impl> impl, ConnectionSpec spec);
  std::unique_ptr<Impl> m_impl;
  ConnectionSpec m_spec;
  model::Engine m_flavour = model::Engine::MySQL;
  model::ServerVersion m_version;
};

/// Parses "10.11.6-MariaDB-0+deb12u1-log" / "8.0.36" into a version and flavour.
model::ServerVersion parseMySqlVersion(const std::string& text, model::Engine* flavour);

}  // namespace ferry::connect
