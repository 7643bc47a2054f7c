#pragma once
/// PgConnection: one libpq connection (RAII). libpq stays private to connect/;
/// every libpq error becomes a core::Error here.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/connection_spec.h"
#include "connect/query_result.h"
#include "core/result.h"
#include "model/catalog.h"

struct pg_conn;

namespace ferry::connect {

struct PgOpenOptions {
  /// Open a replication connection (replication=database) for logical decoding.
  bool replication = false;
  /// Ask for the password on the terminal when the server wants one we lack.
  bool allowPrompt = false;
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

  const model::ServerVersion& serverVersion() const { return m_version; }
  const ConnectionSpec& spec() const { return m_spec; }
  /// Identifier quoting by PostgreSQL's rules (always quoted).
  static std::string quoteIdent(std::string_view ident);
  static std::string quoteLiteral(std::string_view value);

private:
  PgConnection(pg_conn* conn, ConnectionSpec spec);
  core::Error lastError(std::string_view statement) const;

  pg_conn* m_conn;
  ConnectionSpec m_spec;
  model::ServerVersion m_version;
};

}  // namespace ferry::connect
