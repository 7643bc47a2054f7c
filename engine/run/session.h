#pragma once
/// The orchestrator's entry points for the connect / inspect / preflight phase:
/// each opens its own connections, does its work and closes them. The CLI and
/// the GUI bridge call these and nothing below them.

#include <optional>
#include <string>

#include "connect/connection_spec.h"
#include "core/result.h"
#include "introspect/introspector.h"
#include "model/catalog.h"
#include "preflight/preflight.h"

namespace ferry::run {

struct OpenOptions {
  /// Ask for a missing password on the terminal (CLI on a TTY only).
  bool allowPrompt = false;
};

struct ServerInfo {
  model::Engine engine = model::Engine::PostgreSQL;  ///< the real flavour (MariaDB vs MySQL)
  model::ServerVersion version;
  std::string user;
  std::string database;
  /// Which server this is, whatever URL reached it ("localhost" or "127.0.0.1",
  /// another user, a proxy): PostgreSQL "postgresql:<system_identifier>", MySQL
  /// "mysql:<server_uuid>", MariaDB (which has no server UUID)
  /// "mariadb:<hostname>:<port>:<datadir>:<server_id>". A streaming replica
  /// shares its primary's PostgreSQL identifier; it is read-only, so never a target.
  std::string identity;
  bool superuser = false;  ///< PostgreSQL: the user is a superuser
};

/// Identity and database, the way a run state names a server: "<identity>/<database>".
std::string serverKey(const ServerInfo& info);

/// Connects, reads the server's identity, disconnects.
core::Result<ServerInfo> testConnection(const connect::ConnectionSpec& spec, const OpenOptions& options = {});

/// Connects and reads the catalog.
core::Result<model::Catalog> inspect(const connect::ConnectionSpec& spec, const introspect::IntrospectOptions& what,
                                     const OpenOptions& options = {});

/// Runs the source checks (when source is given) and the target checks (when
/// target is given). A connection failure is an error, not a failed check.
core::Result<preflight::Report> runPreflight(const connect::ConnectionSpec* source,
                                             const connect::ConnectionSpec* target,
                                             const OpenOptions& options = {});

}  // namespace ferry::run
