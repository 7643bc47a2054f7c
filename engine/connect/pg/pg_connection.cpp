#include "connect/pg/pg_connection.h"

#include <sys/socket.h>

#include <libpq-fe.h>

#include "connect/network_probe.h"
#include "core/log.h"
#include "core/text.h"

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

/// libpq reports connection-time failures as text only (no SQLSTATE is exposed
/// before the connection exists), so this is the one place that reads driver
/// message text. Network-level causes were already told apart by probeTcp().
Error classifyConnectFailure(const std::string& rawMessage, const ConnectionSpec& spec) {
  const std::string msg = redactUrls(core::trim(rawMessage));
  const std::string who = "PostgreSQL at " + (spec.usesSocket() ? spec.socket : spec.host + ":" +
                                                  std::to_string(spec.effectivePort()));
  auto has = [&](const char* needle) { return core::containsNoCase(msg, needle); };
  if (has("password authentication failed") || has("no password supplied") ||
      has("authentication failed for user") || has("password is required")) {
    std::string hint = "Check the user name and password";
    if (spec.passwordSource != PasswordSource::None) {
      hint += std::string(" (the password came from ") + passwordSourceName(spec.passwordSource) + ")";
    } else {
      hint += " (give one in the URL, PGPASSWORD or ~/.pgpass)";
    }
    return Error(ErrorKind::AuthFailed, who + " refused the login of user '" + spec.user + "'", hint + ".");
  }
  if (has("does not exist") && has("database")) {
    return Error(ErrorKind::DatabaseMissing,
                 who + " has no database '" + (spec.database.empty() ? spec.user : spec.database) + "'",
                 "Create it (createdb) or put an existing database name at the end of the URL.");
  }
  if (has("server does not support SSL")) {
    return Error(ErrorKind::TlsUnavailable, who + " does not offer TLS but sslmode=" +
                     tlsModeName(spec.tls.mode) + " requires it",
                 "Enable ssl on the server, or use sslmode=prefer if an unencrypted link is acceptable.");
  }
  if (has("no pg_hba.conf entry") && has("no encryption")) {
    return Error(ErrorKind::TlsRequired, who + " accepts this login only over TLS",
                 "Add ?sslmode=require (or verify-full with sslrootcert=) to the URL.");
  }
  if (has("no pg_hba.conf entry")) {
    return Error(ErrorKind::AuthFailed, who + " has no pg_hba.conf entry allowing user '" + spec.user + "' from this host",
                 "Ask the DBA to add a host line for this client to pg_hba.conf and reload.");
  }
  if (has("certificate verify failed") || has("does not match host name") ||
      has("root certificate file") || has("certificate") || has("SSL error")) {
    return Error(ErrorKind::TlsUnverified, who + ": the server's TLS certificate could not be verified (" + msg + ")",
                 "Give the CA with sslrootcert=, check the host name matches the certificate, or use "
                 "sslmode=require to encrypt without verifying.");
  }
  if (has("timeout expired")) {
    return Error(ErrorKind::Timeout, who + " did not complete the login within " +
                     std::to_string(spec.connectTimeoutSeconds) + " s",
                 "Check the server's load and network, or raise connect_timeout=.");
  }
  if (has("too many connections") || has("remaining connection slots")) {
    return Error(ErrorKind::Server, who + " has no free connection slots",
                 "Close idle sessions or raise max_connections on the server.");
  }
  if (has("Connection refused") || has("No such file or directory")) {
    return Error(ErrorKind::ConnectionRefused, who + " refused the connection",
                 "Check that the server is running and listens on that address, port or socket.");
  }
  // The server is going away or coming back (a restart, a cut link): worth another try.
  if (has("the database system is starting up") || has("the database system is shutting down") ||
      has("the database system is in recovery mode") || has("the database system is not yet accepting")) {
    return Error(ErrorKind::ConnectionLost, who + " is restarting (" + msg + ")",
                 "Wait until it accepts connections and retry.");
  }
  if (has("server closed the connection unexpectedly") || has("Connection reset by peer") ||
      has("could not receive data from server")) {
    return Error(ErrorKind::ConnectionLost, who + " closed the connection during the login (" + msg + ")",
                 "Check that the server is still running and that nothing between here and the server cuts the "
                 "link; the operation can be retried.");
  }
  return Error(ErrorKind::Server, who + ": " + msg, "");
}

ErrorKind kindForSqlState(const std::string& state) {
  if (core::startsWith(state, "08")) return ErrorKind::ConnectionLost;
  if (state == "42501") return ErrorKind::Privilege;
  if (state == "42P01" || state == "42704" || state == "42883" || state == "3D000" || state == "42P02") {
    return ErrorKind::NotFound;
  }
  if (state == "57014") return ErrorKind::Cancelled;
  if (state == "0A000") return ErrorKind::Unsupported;
  if (core::startsWith(state, "22") || core::startsWith(state, "23")) return ErrorKind::Data;
  if (state == "57P01" || state == "57P02" || state == "57P03") return ErrorKind::ConnectionLost;
  return ErrorKind::Server;
}

model::ServerVersion versionFromNumber(int num, const char* text) {
  model::ServerVersion v;
  v.major = num / 10000;
  v.minor = num % 10000;
  v.text = text ? text : std::to_string(num);
  return v;
}

}  // namespace

PgConnection::PgConnection(pg_conn* conn, ConnectionSpec spec) : m_conn(conn), m_spec(std::move(spec)) {
  m_version = versionFromNumber(PQserverVersion(m_conn), PQparameterStatus(m_conn, "server_version"));
}

PgConnection::~PgConnection() { PQfinish(m_conn); }

core::Result<std::unique_ptr<PgConnection>> PgConnection::open(const ConnectionSpec& specIn,
                                                               const PgOpenOptions& options) {
  ConnectionSpec spec = specIn;
  if (!spec.usesSocket()) {
    FERRY_TRY(probeTcp(spec.host, spec.effectivePort(), spec.connectTimeoutSeconds, "PostgreSQL server"));
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<std::pair<std::string, std::string>> kv;
    kv.emplace_back("host", spec.usesSocket() ? spec.socket : spec.host);
    kv.emplace_back("port", std::to_string(spec.effectivePort()));
    if (!spec.user.empty()) kv.emplace_back("user", spec.user);
    if (spec.password) kv.emplace_back("password", *spec.password);
    if (!spec.database.empty()) kv.emplace_back("dbname", spec.database);
    kv.emplace_back("sslmode", tlsModeName(spec.tls.mode));
    if (!spec.tls.rootCert.empty()) kv.emplace_back("sslrootcert", spec.tls.rootCert);
    if (!spec.tls.cert.empty()) kv.emplace_back("sslcert", spec.tls.cert);
    if (!spec.tls.key.empty()) kv.emplace_back("sslkey", spec.tls.key);
    kv.emplace_back("connect_timeout", std::to_string(spec.connectTimeoutSeconds));
    kv.emplace_back("application_name", spec.applicationName);
    // Never let libpq read ~/.pgpass behind our back: resolvePassword() did that
    // and recorded where the password came from. A path that cannot exist (a
    // file under /dev/null): libpq skips a missing file silently, while
    // /dev/null itself made it print "password file is not a plain file" on
    // every refused login without a password.
    kv.emplace_back("passfile", "/dev/null/ferry-reads-pgpass-itself");
    kv.emplace_back("client_encoding", "UTF8");
    if (options.replication) kv.emplace_back("replication", "database");
    std::vector<const char*> keys;
    std::vector<const char*> values;
    for (const auto& [k, v] : kv) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
    if (conn == nullptr) return Error(ErrorKind::Internal, "libpq could not allocate a connection");
    if (PQstatus(conn) == CONNECTION_OK) {
      // Server notices go to the log instead of libpq's stderr: a WARNING is
      // shown, a NOTICE ("schema … already exists, skipping") only when debugging.
      PQsetNoticeProcessor(
          conn,
          [](void*, const char* message) {
            const std::string text = core::trim(message);
            core::log(core::startsWith(text, "WARNING:") ? core::LogLevel::Warning : core::LogLevel::Debug,
                      "PostgreSQL: " + text);
          },
          nullptr);
      auto c = std::unique_ptr<PgConnection>(new PgConnection(conn, spec));
      if (options.adminConsole) return c;
      if (c->serverVersion().major < kMinimumMajor) {
        return Error(ErrorKind::ServerTooOld,
                     "PostgreSQL " + c->serverVersion().text + " is older than the oldest supported release (" +
                         std::to_string(kMinimumMajor) + ")",
                     "Upgrade the server to PostgreSQL " + std::to_string(kMinimumMajor) + " or later.");
      }
      if (options.noSessionSettings) return c;
      // Catalog text must not depend on the session's settings.
      FERRY_TRY(c->exec("SET search_path = pg_catalog; SET datestyle = ISO; SET intervalstyle = iso_8601; "
                        "SET extra_float_digits = 3; SET TIME ZONE 'UTC'"));
      return c;
    }
    const bool needsPassword = PQconnectionNeedsPassword(conn) != 0;
    Error err = classifyConnectFailure(PQerrorMessage(conn), spec);
    PQfinish(conn);
    if (attempt == 0 && needsPassword && !spec.password && options.allowPrompt && promptForPassword(spec)) {
      continue;
    }
    return err;
  }
  return Error(ErrorKind::AuthFailed, "login to PostgreSQL failed");
}

Error PgConnection::lastError(std::string_view statement) const {
  std::string msg = core::trim(PQerrorMessage(m_conn));
  if (PQstatus(m_conn) == CONNECTION_BAD) {
    return Error(ErrorKind::ConnectionLost, "lost the connection to PostgreSQL: " + redactUrls(msg),
                 "Check that the server is still running; the operation can be retried.")
        .withStatement(redactUrls(std::string(statement)));
  }
  return Error(ErrorKind::Server, redactUrls(msg)).withStatement(redactUrls(std::string(statement)));
}

Error PgConnection::resultError(const PGresult* res, std::string_view statement) const {
  if (res == nullptr) return lastError(statement);
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  const std::string sqlState = state ? state : "";
  if (PQstatus(m_conn) == CONNECTION_BAD) return lastError(statement).withSqlState(sqlState);
  return Error(kindForSqlState(sqlState), redactUrls(primary ? primary : PQresultErrorMessage(res)))
      .withSqlState(sqlState)
      .withStatement(redactUrls(std::string(statement)));
}

QueryResult PgConnection::toQueryResult(const PGresult* res) const {
  const int nCols = PQnfields(res);
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(nCols));
  for (int c = 0; c < nCols; ++c) names.emplace_back(PQfname(res, c));
  QueryResult out(std::move(names));
  const int nRows = PQntuples(res);
  for (int r = 0; r < nRows; ++r) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<size_t>(nCols));
    for (int c = 0; c < nCols; ++c) {
      if (PQgetisnull(res, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
      }
    }
    out.addRow(std::move(row));
  }
  return out;
}

core::Result<QueryResult> PgConnection::query(std::string_view sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string text(sql);
  PgResultPtr res(PQexecParams(m_conn, text.c_str(), static_cast<int>(params.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
  if (!res) return lastError(sql);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return resultError(res.get(), sql);
  return toQueryResult(res.get());
}

core::Result<QueryResult> PgConnection::simpleQuery(std::string_view sql) {
  const std::string text(sql);
  PgResultPtr res(PQexec(m_conn, text.c_str()));
  if (!res) return lastError(sql);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return resultError(res.get(), sql);
  return toQueryResult(res.get());
}

core::Status PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  PgResultPtr res(PQexec(m_conn, text.c_str()));
  if (!res) return lastError(sql);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return resultError(res.get(), sql);
  return {};
}

int PgConnection::backendPid() const { return PQbackendPID(m_conn); }

void PgConnection::shutdownSocket() {
  const int fd = PQsocket(m_conn);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

std::string PgConnection::quoteIdent(std::string_view ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string PgConnection::quoteLiteral(std::string_view value) {
  std::string out = "'";
  bool backslash = false;
  for (char c : value) {
    if (c == '\'') out += '\'';
    if (c == '\\') backslash = true;
    out += c;
  }
  out += '\'';
  return backslash ? "E" + core::replaceAll(out, "\\", "\\\\") : out;
}

}  // namespace ferry::connect
