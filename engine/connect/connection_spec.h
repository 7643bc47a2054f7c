#pragma once
/// ConnectionSpec: where and how to connect, parsed from a URL or built from
/// fields. It never prints its password: display() and toUrl() redact it.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "model/catalog.h"

namespace ferry::connect {

/// TLS policy, one scale for both engines. PostgreSQL `sslmode` names map 1:1;
/// MySQL `ssl-mode` DISABLED/PREFERRED/REQUIRED/VERIFY_CA/VERIFY_IDENTITY map to
/// Disable/Prefer/Require/VerifyCa/VerifyFull.
enum class TlsMode { Disable, Allow, Prefer, Require, VerifyCa, VerifyFull };

const char* tlsModeName(TlsMode mode);       ///< PostgreSQL spelling: "verify-full"
const char* mysqlSslModeName(TlsMode mode);  ///< MySQL spelling: "VERIFY_IDENTITY"

struct TlsOptions {
  TlsMode mode = TlsMode::Prefer;
  std::string rootCert;  ///< CA file (PostgreSQL sslrootcert, MySQL ssl-ca)
  std::string cert;      ///< client certificate
  std::string key;       ///< client key
};

/// Where the password came from, for messages ("the password from ~/.pgpass was refused").
enum class PasswordSource { None, Url, Field, Environment, PgPass, MyCnf, Prompt, Keychain };
const char* passwordSourceName(PasswordSource source);

struct ConnectionSpec {
  /// PostgreSQL, or MySQL/MariaDB (the URL scheme; the server's real flavour is
  /// detected on connect).
  model::Engine engine = model::Engine::PostgreSQL;
  std::string host = "localhost";
  int port = 0;  ///< 0: the engine's default (5432, 3306)
  std::string socket;  ///< Unix socket (MySQL `socket=`) or directory (PostgreSQL `host=/dir`)
  std::string user;
  std::optional<std::string> password;
  PasswordSource passwordSource = PasswordSource::None;
  std::string database;  ///< empty: PostgreSQL uses the user name; MySQL none selected
  TlsOptions tls;
  /// Seconds to wait for the TCP connection and the login. 10 s: long enough for
  /// a server across a WAN, short enough that a wrong address fails while the user waits.
  int connectTimeoutSeconds = 10;
  std::string applicationName = "ferry";

  /// Parses postgresql://, postgres://, mysql:// and mariadb:// URLs:
  /// scheme://[user[:password]@]host[:port][/database][?param=value&…]
  static core::Result<ConnectionSpec> parse(std::string_view url);

  int effectivePort() const;
  bool usesSocket() const { return !socket.empty(); }
  /// The URL with the password replaced by "****" (or left out when none).
  std::string display() const;
  /// The URL without any password, suitable for a project file.
  std::string toUrlWithoutPassword() const;
};

/// Replaces the password part of every URL found in `text` by "****".
std::string redactUrls(std::string text);

/// Where to look for a password that the URL did not give.
struct PasswordLookup {
  bool useEnvironment = true;  ///< PGPASSWORD / MYSQL_PWD
  bool useFiles = true;        ///< ~/.pgpass (PGPASSFILE) / ~/.my.cnf [client]
  std::string home;            ///< overrides $HOME (tests)
  std::map<std::string, std::string> environment;  ///< overrides getenv for these names (tests)
};

/// Fills spec.password (and passwordSource) from, in order: what is already
/// there, the environment, the password file. Leaves it empty when none applies;
/// the server will then say whether it needed one (see promptForPassword).
/// Also fills user from ~/.my.cnf or the OS login name when the URL gave none.
void resolvePassword(ConnectionSpec& spec, const PasswordLookup& lookup = {});

/// Asks for the password on the controlling terminal, echo off. False when
/// there is no terminal (stdin not a TTY) or the user gave nothing.
bool promptForPassword(ConnectionSpec& spec);

/// Reads the password for host/port/database/user from a .pgpass-format text.
std::optional<std::string> findInPgPass(std::string_view contents, const std::string& host, int port,
                                        const std::string& database, const std::string& user);
/// Reads `key` of the [client] group of a my.cnf-format text.
std::optional<std::string> findInMyCnf(std::string_view contents, const std::string& key);

}  // namespace ferry::connect
