#pragma once
/// MySqlConnection: one MySQL/MariaDB connection through mysql-connector-c++
/// (RAII). The connector stays private to connect/; its exceptions become
/// core::Error here. The server's flavour (MySQL or MariaDB) is detected on open.

#include <memory>
#include <string>
#include <string_view>

#include "connect/connection_spec.h"
#include "connect/query_result.h"
#include "core/result.h"
#include "model/catalog.h"

namespace ferry::connect {

struct MySqlOpenOptions {
  bool allowPrompt = false;  ///< ask for the password on the terminal when the login is refused without one
  bool localInfile = false;  ///< enable LOAD DATA LOCAL INFILE on this session
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
