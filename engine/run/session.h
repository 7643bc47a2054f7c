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
};

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
