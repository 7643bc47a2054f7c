#pragma once
/// PgConnection: one libpq connection (RAII). libpq stays private to connect/;
/// every libpq error becomes a core::Error here.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/connection_spec.h"
#include "connect/pg/pg_copy.h"
#include "connect/query_result.h"
#include "core/result.h"
#include "model/catalog.h"

struct pg_conn;
struct pg_result;

namespace ferry::connect {

struct PgOpenOptions {
  /// Open a replication connection (replication=database) for logical decoding.
  bool replication = false;
  /// Ask for the password on the terminal when the server wants one we lack.
  bool allowPrompt = false;
  /// A console that speaks the protocol but is no PostgreSQL (PgBouncer's admin
  /// database): no version check and no session settings, simpleQuery() only.
  bool adminConsole = false;
  /// No session settings (search_path, datestyle, …): a connection through a
  /// transaction pooler, whose SET would stay on a server connection other
  /// clients get next. Queries must then qualify every name.
  bool noSessionSettings = false;
};

using PgParams = std::vector<std::optional<std::string>>;

class PgConnection {
public:
  /// Oldest server the catalog queries support (pg_trigger.tgparentid: 13).
  static constexpr int kMinimumMajor = 13;

  static core::Result<std::unique_ptr<PgConnection>> open(const ConnectionSpec& spec,
                                                          const PgOpenOptions& options = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Runs one statement with text parameters ($1, $2, …) and buffers its rows.
  core::Result<QueryResult> query(std::string_view sql, const PgParams& params = {});
  /// Runs statements that return no rows (may be several, separated by ';').
  core::Status exec(std::string_view sql);
  /// Runs one statement through the simple query protocol and buffers its rows.
  /// A replication connection accepts only this protocol (CREATE_REPLICATION_SLOT,
  /// IDENTIFY_SYSTEM), so it takes no parameters: quote literals with quoteLiteral().
  core::Result<QueryResult> simpleQuery(std::string_view sql);

  /// Runs `COPY … TO STDOUT` (`sql` is the whole statement, any FORMAT) and hands
  /// each CopyData message the server sends — one row in text and binary format, the
  /// header and trailer included in binary — to `sink` as it arrives, without buffering
  /// the table. The bytes are valid only during the call. An error returned by the sink
  /// cancels the COPY and is returned as is. Defined in pg_copy.cpp.
  core::Result<CopyStats> copyOut(std::string_view sql, const CopySink& sink);
  /// Starts `COPY … FROM STDIN`; the connection is busy until the returned
  /// PgCopyIn is finished or aborted (or destroyed, which aborts). Defined in pg_copy.cpp.
  core::Result<PgCopyIn> beginCopyIn(std::string_view sql);

  /// Makes this (ordinary) connection see exactly an exported snapshot: opens
  /// `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY` and `SET TRANSACTION SNAPSHOT`.
  /// The exporting connection (ExportedSnapshot) must still be open. The transaction
  /// stays open until the caller COMMITs. Defined in pg_replication.cpp.
  core::Status importSnapshot(std::string_view snapshotName);

  const model::ServerVersion& serverVersion() const { return m_version; }
  const ConnectionSpec& spec() const { return m_spec; }
  /// The server process serving this connection (pg_stat_activity.pid), to watch or end it.
  int backendPid() const;
  /// Shuts the connection's socket down (both directions), from any thread: a
  /// call blocked on it returns with a lost connection. For a link that hangs
  /// without breaking (run/sync_watchdog.h); the object must still be closed.
  void shutdownSocket();
  /// Identifier quoting by PostgreSQL's rules (always quoted).
  static std::string quoteIdent(std::string_view ident);
  static std::string quoteLiteral(std::string_view value);

private:
  friend class PgCopyIn;
  friend class PgReplicationStream;
  friend class PgPipeline;
  PgConnection(pg_conn* conn, ConnectionSpec spec);
  core::Error lastError(std::string_view statement) const;
  /// The Error of a failed result: SQLSTATE, kind, and ConnectionLost when the link broke.
  core::Error resultError(const pg_result* res, std::string_view statement) const;
  QueryResult toQueryResult(const pg_result* res) const;

  pg_conn* m_conn;
  ConnectionSpec m_spec;
  model::ServerVersion m_version;
};

}  // namespace ferry::connect
