#include "connect/mysql/mysql_connection.h"

#include <cppconn/driver.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <cstdio>
#include <istream>
#include <mutex>

#include "connect/mysql/mysql_connection_impl.h"
#include "connect/network_probe.h"
#include "core/text.h"

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {

// MySQL/MariaDB client and server error numbers we tell apart.
constexpr int kErDbAccessDenied = 1044;
constexpr int kErAccessDenied = 1045;
constexpr int kErBadDb = 1049;
constexpr int kErTooManyConnections = 1040;
constexpr int kErSpecificAccessDenied = 1227;
constexpr int kErTableAccessDenied = 1142;
constexpr int kErNoSuchTable = 1146;
constexpr int kCrConnectionError = 2002;
constexpr int kCrConnHostError = 2003;
constexpr int kCrUnknownHost = 2005;
constexpr int kCrServerGone = 2006;
constexpr int kCrServerLost = 2013;
constexpr int kCrSslConnectionError = 2026;  // at login a TLS failure; later, a TLS link that broke
constexpr int kErAccessDeniedNoPassword = 1698;

std::string who(const ConnectionSpec& spec) {
  return std::string(model::engineDisplayName(spec.engine)) + " at " +
         (spec.usesSocket() ? spec.socket : spec.host + ":" + std::to_string(spec.effectivePort()));
}

Error tlsUnavailable(const ConnectionSpec& spec) {
  return Error(ErrorKind::TlsUnavailable, who(spec) + " does not offer TLS but ssl-mode requires it",
               "Enable TLS on the server (ssl_cert, ssl_key), or use ssl-mode=PREFERRED if an "
               "unencrypted link is acceptable.");
}

Error classifyConnectFailure(const sql::SQLException& e, const ConnectionSpec& spec) {
  const int code = e.getErrorCode();
  const std::string msg = redactUrls(core::trim(e.what()));
  Error err;
  switch (code) {
    case kErAccessDenied:
    case kErAccessDeniedNoPassword: {
      std::string hint = "Check the user name and password";
      if (spec.passwordSource != PasswordSource::None) {
        hint += std::string(" (the password came from ") + passwordSourceName(spec.passwordSource) + ")";
      } else {
        hint += " (give one in the URL, MYSQL_PWD or ~/.my.cnf [client])";
      }
      hint += ", and that the account exists for this client host.";
      err = Error(ErrorKind::AuthFailed, who(spec) + " refused the login of user '" + spec.user + "'", hint);
      break;
    }
    case kErBadDb:
      err = Error(ErrorKind::DatabaseMissing, who(spec) + " has no database '" + spec.database + "'",
                  "Create it (CREATE DATABASE) or put an existing database name at the end of the URL.");
      break;
    case kErDbAccessDenied:
      err = Error(ErrorKind::Privilege,
                  "user '" + spec.user + "' may not use database '" + spec.database + "' on " + who(spec),
                  "GRANT the user access to that database, or pick another one.");
      break;
    case kCrUnknownHost:
      err = Error(ErrorKind::NameNotResolved, "cannot resolve host name '" + spec.host + "'",
                  "Check the spelling of the host, or use its IP address.");
      break;
    case kCrConnectionError:
    case kCrConnHostError:
      err = Error(ErrorKind::ConnectionRefused, who(spec) + " refused the connection",
                  "Check that the server is running and listens on that address, port or socket.");
      break;
    case kErTooManyConnections:
      err = Error(ErrorKind::Server, who(spec) + " has no free connection slots",
                  "Close idle sessions or raise max_connections on the server.");
      break;
    case kCrSslConnectionError:
      // Connector/C gives one number for every TLS failure; its text tells which.
      if (core::containsNoCase(msg, "doesn't support") || core::containsNoCase(msg, "not support") ||
          core::containsNoCase(msg, "SSL is required")) {
        err = tlsUnavailable(spec);
      } else {
        err = Error(ErrorKind::TlsUnverified,
                    who(spec) + ": the TLS handshake or certificate check failed (" + msg + ")",
                    "Give the CA with ssl-ca=, check the host name matches the certificate, or use "
                    "ssl-mode=REQUIRED to encrypt without verifying.");
      }
      break;
    default:
      err = Error(ErrorKind::Server, who(spec) + ": " + msg);
      break;
  }
  return err.withVendorCode(code).withSqlState(e.getSQLState());
}

ErrorKind kindForCode(int code) {
  switch (code) {
    case kCrServerGone:
    case kCrServerLost:
    case kCrSslConnectionError: return ErrorKind::ConnectionLost;
    case kErDbAccessDenied:
    case kErAccessDenied:
    case kErSpecificAccessDenied:
    case kErTableAccessDenied: return ErrorKind::Privilege;
    case kErNoSuchTable:
    case kErBadDb: return ErrorKind::NotFound;
    default: return ErrorKind::Server;
  }
}

sql::mysql::MySQL_Driver* driver() {
  // The connector's driver instance initialises the client library once; its
  // creation is not thread-safe.
  static std::once_flag once;
  static sql::mysql::MySQL_Driver* instance = nullptr;
  std::call_once(once, [] { instance = sql::mysql::get_mysql_driver_instance(); });
  return instance;
}

}  // namespace

Error mysqlStatementError(const sql::SQLException& e, std::string_view statement) {
  const int code = e.getErrorCode();
  return Error(kindForCode(code), redactUrls(core::trim(e.what())))
      .withVendorCode(code)
      .withSqlState(e.getSQLState())
      .withStatement(redactUrls(std::string(statement)));
}

model::ServerVersion parseMySqlVersion(const std::string& text, model::Engine* flavour) {
  model::ServerVersion v;
  v.text = text;
  std::sscanf(text.c_str(), "%d.%d.%d", &v.major, &v.minor, &v.patch);
  if (flavour) *flavour = core::containsNoCase(text, "mariadb") ? model::Engine::MariaDB : model::Engine::MySQL;
  return v;
}

MySqlConnection::MySqlConnection(std::unique_ptr<Impl> impl, ConnectionSpec spec)
    : m_impl(std::move(impl)), m_spec(std::move(spec)) {}

MySqlConnection::~MySqlConnection() = default;

core::Result<std::unique_ptr<MySqlConnection>> MySqlConnection::open(const ConnectionSpec& specIn,
                                                                     const MySqlOpenOptions& options) {
  ConnectionSpec spec = specIn;
  if (!spec.usesSocket()) {
    FERRY_TRY(probeTcp(spec.host, spec.effectivePort(), spec.connectTimeoutSeconds,
                       std::string(model::engineDisplayName(spec.engine)) + " server"));
  }
  auto* drv = driver();
  drv->threadInit();
  for (int attempt = 0; attempt < 2; ++attempt) {
    sql::ConnectOptionsMap props;
    if (spec.usesSocket()) {
      props["hostName"] = sql::SQLString("unix://" + spec.socket);
    } else {
      props["hostName"] = sql::SQLString("tcp://" + spec.host + ":" + std::to_string(spec.effectivePort()));
    }
    props["userName"] = sql::SQLString(spec.user);
    props["password"] = sql::SQLString(spec.password.value_or(""));
    if (!spec.database.empty()) props["schema"] = sql::SQLString(spec.database);
    props["OPT_CONNECT_TIMEOUT"] = spec.connectTimeoutSeconds;
    props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    props["OPT_RECONNECT"] = false;  // a silent reconnect would lose the session's snapshot
    if (options.localInfile) props["OPT_LOCAL_INFILE"] = 1;
    if (options.foundRows) props["CLIENT_FOUND_ROWS"] = true;
    if (options.ioTimeoutSeconds > 0) {
      props["OPT_READ_TIMEOUT"] = options.ioTimeoutSeconds;
      props["OPT_WRITE_TIMEOUT"] = options.ioTimeoutSeconds;
    }
    switch (spec.tls.mode) {
      case TlsMode::Disable:
      case TlsMode::Allow:
        // Note: Debian 12's libmariadb (10.11.19) negotiates TLS by itself when
        // the server offers it, so DISABLED still encrypts (docs/connections.md).
        break;
      case TlsMode::Prefer:
        // Connector/C uses TLS only when asked; sslEnforce asks, and (see the
        // Ssl_cipher check below) quietly falls back to plain text when the
        // server has no TLS, which is exactly "prefer".
        props["sslEnforce"] = true;
        break;
      case TlsMode::Require:
        props["sslEnforce"] = true;
        break;
      case TlsMode::VerifyCa:
      case TlsMode::VerifyFull:
        props["sslEnforce"] = true;
        props["sslVerify"] = true;
        break;
    }
    if (!spec.tls.rootCert.empty()) props["sslCA"] = sql::SQLString(spec.tls.rootCert);
    if (!spec.tls.cert.empty()) props["sslCert"] = sql::SQLString(spec.tls.cert);
    if (!spec.tls.key.empty()) props["sslKey"] = sql::SQLString(spec.tls.key);
    try {
      auto impl = std::make_unique<Impl>();
      impl->conn.reset(drv->connect(props));
      auto c = std::unique_ptr<MySqlConnection>(new MySqlConnection(std::move(impl), spec));
      if (spec.tls.mode >= TlsMode::Require) {
        // With libmariadb 3.3 under Connector/C++ 1.1, sslEnforce uses TLS when the server
        // offers it but silently falls back to plain text when it does not: check the session.
        auto cipher = c->query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        if (!cipher) return std::move(cipher).error();
        if (cipher->empty() || cipher->row(0).str("Value").empty()) return tlsUnavailable(spec);
      }
      auto ver = c->query("SELECT VERSION() AS v");
      if (!ver) return std::move(ver).error();
      c->m_version = parseMySqlVersion(ver->row(0).str("v"), &c->m_flavour);
      c->m_spec.engine = c->m_flavour;
      const bool maria = c->m_flavour == model::Engine::MariaDB;
      const int minMaj = maria ? kMinimumMariaDbMajor : kMinimumMySqlMajor;
      const int minMin = maria ? kMinimumMariaDbMinor : kMinimumMySqlMinor;
      if (!c->m_version.atLeast(minMaj, minMin)) {
        const std::string need = std::to_string(minMaj) + "." + std::to_string(minMin);
        return Error(ErrorKind::ServerTooOld,
                     std::string(model::engineDisplayName(c->m_flavour)) + " " + c->m_version.text +
                         " is older than the oldest supported release (" + need + ")",
                     "Upgrade the server to " + std::string(model::engineDisplayName(c->m_flavour)) + " " +
                         need + " or later.");
      }
      FERRY_TRY(c->exec("SET NAMES utf8mb4"));
      FERRY_TRY(c->exec("SET SESSION time_zone = '+00:00'"));
      return c;
    } catch (const sql::SQLException& e) {
      Error err = classifyConnectFailure(e, spec);
      if (attempt == 0 && err.kind() == ErrorKind::AuthFailed && !spec.password && options.allowPrompt &&
          promptForPassword(spec)) {
        continue;
      }
      return err;
    }
  }
  return Error(ErrorKind::AuthFailed, "login to MySQL failed");
}

core::Result<QueryResult> MySqlConnection::query(std::string_view sql) {
  try {
    std::unique_ptr<sql::Statement> stmt(m_impl->conn->createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql::SQLString(std::string(sql))));
    sql::ResultSetMetaData* meta = rs->getMetaData();
    const unsigned n = meta->getColumnCount();
    std::vector<std::string> names;
    for (unsigned i = 1; i <= n; ++i) names.push_back(meta->getColumnLabel(i).asStdString());
    QueryResult out(std::move(names));
    while (rs->next()) {
      std::vector<std::optional<std::string>> row;
      row.reserve(n);
      for (unsigned i = 1; i <= n; ++i) {
        if (rs->isNull(i)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(rs->getString(i).asStdString());
        }
      }
      out.addRow(std::move(row));
    }
    return out;
  } catch (const sql::SQLException& e) {
    return mysqlStatementError(e, sql);
  }
}

core::Status MySqlConnection::exec(std::string_view sql) {
  try {
    std::unique_ptr<sql::Statement> stmt(m_impl->conn->createStatement());
    // Read and drop any rows (ANALYZE TABLE, CHECK TABLE answer with rows): an
    // unread result leaves the connection "out of sync" for the next statement.
    bool hasRows = stmt->execute(sql::SQLString(std::string(sql)));
    while (hasRows) {
      std::unique_ptr<sql::ResultSet> rs(stmt->getResultSet());
      while (rs && rs->next()) {
      }
      hasRows = stmt->getMoreResults();
    }
    return {};
  } catch (const sql::SQLException& e) {
    return mysqlStatementError(e, sql);
  }
}

namespace {

/// An input stream over bytes held elsewhere (no copy), for setBlob().
class ViewStream : private std::streambuf, public std::istream {
public:
  explicit ViewStream(std::string_view bytes) : std::istream(static_cast<std::streambuf*>(this)) {
    char* p = const_cast<char*>(bytes.data());  // only read through the get area
    setg(p, p, p + bytes.size());
  }
};

constexpr std::size_t kLongDataBytes = 1 << 20;

}  // namespace

core::Result<std::int64_t> MySqlConnection::execPrepared(std::string_view sql,
                                                         const std::vector<std::optional<std::string_view>>& params) {
  try {
    std::unique_ptr<sql::PreparedStatement> ps(m_impl->conn->prepareStatement(sql::SQLString(std::string(sql))));
    std::vector<std::unique_ptr<ViewStream>> streams;  // alive until executeUpdate() has sent them
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto index = static_cast<unsigned int>(i + 1);
      if (!params[i]) {
        ps->setNull(index, sql::DataType::VARCHAR);
      } else if (params[i]->size() > kLongDataBytes) {
        streams.push_back(std::make_unique<ViewStream>(*params[i]));
        ps->setBlob(index, streams.back().get());
      } else {
        ps->setString(index, sql::SQLString(std::string(*params[i])));
      }
    }
    return static_cast<std::int64_t>(ps->executeUpdate());
  } catch (const sql::SQLException& e) {
    return mysqlStatementError(e, sql);
  }
}

core::Result<std::int64_t> MySqlConnection::execCount(std::string_view sql) {
  try {
    std::unique_ptr<sql::Statement> stmt(m_impl->conn->createStatement());
    return static_cast<std::int64_t>(stmt->executeUpdate(sql::SQLString(std::string(sql))));
  } catch (const sql::SQLException& e) {
    return mysqlStatementError(e, sql);
  }
}

std::string MySqlConnection::quoteIdent(std::string_view ident) {
  std::string out = "`";
  for (char c : ident) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string MySqlConnection::quoteLiteral(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    switch (c) {
      case '\'': out += "''"; break;
      // Written as an escape that means the same with or without NO_BACKSLASH_ESCAPES
      // is impossible for '\\'; we use CONCAT-free doubling for quotes and refuse
      // to depend on backslashes by emitting them through CHAR(92).
      case '\\': out += "', CHAR(92), '"; break;
      case '\0': out += "', CHAR(0), '"; break;
      default: out += c;
    }
  }
  out += '\'';
  if (out.find("CHAR(") != std::string::npos) return "CONCAT(" + out + ")";
  return out;
}

}  // namespace ferry::connect
