#include "connect/connection_spec.h"

#include <pwd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "core/log.h"
#include "core/text.h"

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

const char* tlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::Disable: return "disable";
    case TlsMode::Allow: return "allow";
    case TlsMode::Prefer: return "prefer";
    case TlsMode::Require: return "require";
    case TlsMode::VerifyCa: return "verify-ca";
    case TlsMode::VerifyFull: return "verify-full";
  }
  return "prefer";
}

const char* mysqlSslModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::Disable: return "DISABLED";
    case TlsMode::Allow:
    case TlsMode::Prefer: return "PREFERRED";
    case TlsMode::Require: return "REQUIRED";
    case TlsMode::VerifyCa: return "VERIFY_CA";
    case TlsMode::VerifyFull: return "VERIFY_IDENTITY";
  }
  return "PREFERRED";
}

const char* passwordSourceName(PasswordSource source) {
  switch (source) {
    case PasswordSource::None: return "none";
    case PasswordSource::Url: return "the URL";
    case PasswordSource::Field: return "the connection form";
    case PasswordSource::Environment: return "the environment";
    case PasswordSource::PgPass: return "~/.pgpass";
    case PasswordSource::MyCnf: return "~/.my.cnf";
    case PasswordSource::Prompt: return "the prompt";
    case PasswordSource::Keychain: return "the keychain";
  }
  return "none";
}

namespace {

Error usage(std::string message, std::string hint = {}) {
  return Error(ErrorKind::Usage, std::move(message), std::move(hint));
}

const char* kUrlExample =
    "Use postgresql://user@host:5432/dbname or mysql://user@host:3306/dbname.";

std::optional<TlsMode> parsePgSslMode(const std::string& v) {
  if (v == "disable") return TlsMode::Disable;
  if (v == "allow") return TlsMode::Allow;
  if (v == "prefer") return TlsMode::Prefer;
  if (v == "require") return TlsMode::Require;
  if (v == "verify-ca") return TlsMode::VerifyCa;
  if (v == "verify-full") return TlsMode::VerifyFull;
  return std::nullopt;
}

std::optional<TlsMode> parseMySqlSslMode(const std::string& raw) {
  std::string v = core::toUpper(raw);
  if (v == "DISABLED") return TlsMode::Disable;
  if (v == "PREFERRED") return TlsMode::Prefer;
  if (v == "REQUIRED") return TlsMode::Require;
  if (v == "VERIFY_CA") return TlsMode::VerifyCa;
  if (v == "VERIFY_IDENTITY") return TlsMode::VerifyFull;
  return std::nullopt;
}

core::Result<int> parseIntParam(const std::string& name, const std::string& value, int lo, int hi) {
  try {
    size_t used = 0;
    int v = std::stoi(value, &used);
    if (used == value.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  return usage("URL parameter '" + name + "' must be a number from " + std::to_string(lo) + " to " +
               std::to_string(hi) + ", got '" + value + "'");
}

core::Status applyParam(ConnectionSpec& spec, const std::string& key, const std::string& value) {
  const bool pg = spec.engine == model::Engine::PostgreSQL;
  if (pg) {
    if (key == "sslmode") {
      auto mode = parsePgSslMode(value);
      if (!mode) {
        return usage("unknown sslmode '" + value + "'",
                     "Use disable, allow, prefer, require, verify-ca or verify-full.");
      }
      spec.tls.mode = *mode;
    } else if (key == "sslrootcert") {
      spec.tls.rootCert = value;
    } else if (key == "sslcert") {
      spec.tls.cert = value;
    } else if (key == "sslkey") {
      spec.tls.key = value;
    } else if (key == "connect_timeout") {
      auto v = parseIntParam(key, value, 1, 3600);
      if (!v) return v.error();
      spec.connectTimeoutSeconds = *v;
    } else if (key == "application_name") {
      spec.applicationName = value;
    } else if (key == "host") {
      spec.socket = value;  // libpq: a host parameter starting with '/' is a socket directory
    } else if (key == "user") {
      spec.user = value;
    } else if (key == "password") {
      spec.password = value;
      spec.passwordSource = PasswordSource::Url;
    } else if (key == "dbname") {
      spec.database = value;
    } else if (key == "port") {
      auto v = parseIntParam(key, value, 1, 65535);
      if (!v) return v.error();
      spec.port = *v;
    } else {
      return usage("unknown URL parameter '" + key + "' for PostgreSQL",
                   "Known: sslmode, sslrootcert, sslcert, sslkey, connect_timeout, "
                   "application_name, host, port, user, password, dbname.");
    }
    return {};
  }
  std::string k = core::replaceAll(core::toLower(key), "_", "-");
  if (k == "ssl-mode" || k == "sslmode") {
    auto mode = parseMySqlSslMode(value);
    if (!mode) {
      return usage("unknown ssl-mode '" + value + "'",
                   "Use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY.");
    }
    spec.tls.mode = *mode;
  } else if (k == "ssl-ca") {
    spec.tls.rootCert = value;
  } else if (k == "ssl-cert") {
    spec.tls.cert = value;
  } else if (k == "ssl-key") {
    spec.tls.key = value;
  } else if (k == "connect-timeout") {
    auto v = parseIntParam(key, value, 1, 3600);
    if (!v) return v.error();
    spec.connectTimeoutSeconds = *v;
  } else if (k == "socket") {
    spec.socket = value;
  } else {
    return usage("unknown URL parameter '" + key + "' for MySQL/MariaDB",
                 "Known: ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout, socket.");
  }
  return {};
}

std::string decodeOrEmpty(std::string_view s, bool& ok) {
  std::string out;
  if (!core::percentDecode(s, out)) ok = false;
  return out;
}

}  // namespace

core::Result<ConnectionSpec> ConnectionSpec::parse(std::string_view url) {
  ConnectionSpec spec;
  const size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos) {
    return usage("'" + redactUrls(std::string(url)) + "' is not a connection URL", kUrlExample);
  }
  const std::string scheme = core::toLower(url.substr(0, schemeEnd));
  if (scheme == "postgresql" || scheme == "postgres") {
    spec.engine = model::Engine::PostgreSQL;
  } else if (scheme == "mysql") {
    spec.engine = model::Engine::MySQL;
  } else if (scheme == "mariadb") {
    spec.engine = model::Engine::MariaDB;
  } else {
    return usage("unsupported URL scheme '" + scheme + "'",
                 "Use postgresql://, postgres://, mysql:// or mariadb://.");
  }
  std::string_view rest = url.substr(schemeEnd + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  bool ok = true;
  // The password may itself contain '@' when not percent-encoded: split at the last one.
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      spec.user = decodeOrEmpty(userinfo.substr(0, colon), ok);
      spec.password = decodeOrEmpty(userinfo.substr(colon + 1), ok);
      spec.passwordSource = PasswordSource::Url;
    } else {
      spec.user = decodeOrEmpty(userinfo, ok);
    }
  }
  // host[:port], with IPv6 literals in brackets.
  std::string_view hostPort = rest;
  std::string_view portText;
  if (!hostPort.empty() && hostPort.front() == '[') {
    size_t close = hostPort.find(']');
    if (close == std::string_view::npos) {
      return usage("unterminated IPv6 address in URL", "Write IPv6 hosts as [::1].");
    }
    spec.host = std::string(hostPort.substr(1, close - 1));
    std::string_view after = hostPort.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return usage("unexpected text after IPv6 address in URL", kUrlExample);
      portText = after.substr(1);
    }
  } else {
    if (size_t colon = hostPort.rfind(':'); colon != std::string_view::npos) {
      portText = hostPort.substr(colon + 1);
      hostPort = hostPort.substr(0, colon);
    }
    if (!hostPort.empty()) spec.host = decodeOrEmpty(hostPort, ok);
  }
  if (!portText.empty()) {
    auto port = parseIntParam("port", std::string(portText), 1, 65535);
    if (!port) return usage("invalid port '" + std::string(portText) + "' in URL", "Use a number from 1 to 65535.");
    spec.port = *port;
  }
  if (!path.empty()) spec.database = decodeOrEmpty(path, ok);
  if (!ok) return usage("malformed %-escape in URL", "Encode special characters as %XX, e.g. '@' as %40.");
  if (!query.empty()) {
    for (const auto& pair : core::split(query, '&')) {
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      std::string key = decodeOrEmpty(std::string_view(pair).substr(0, eq), ok);
      std::string value = eq == std::string::npos ? std::string()
                                                  : decodeOrEmpty(std::string_view(pair).substr(eq + 1), ok);
      if (!ok) return usage("malformed %-escape in URL parameters", "Encode special characters as %XX.");
      FERRY_TRY(applyParam(spec, key, value));
    }
  }
  if (spec.password) core::registerSecret(*spec.password);
  return spec;
}

int ConnectionSpec::effectivePort() const {
  if (port != 0) return port;
  return engine == model::Engine::PostgreSQL ? 5432 : 3306;
}

namespace {

std::string buildUrl(const ConnectionSpec& spec, bool showPasswordMask) {
  std::string url = model::engineName(spec.engine);
  url += "://";
  if (!spec.user.empty()) {
    url += core::percentEncode(spec.user);
    if (showPasswordMask && spec.password && !spec.password->empty()) url += ":****";
    url += '@';
  }
  if (spec.host.find(':') != std::string::npos) {
    url += '[' + spec.host + ']';
  } else {
    url += spec.host;
  }
  if (spec.port != 0) url += ':' + std::to_string(spec.port);
  url += '/';
  url += core::percentEncode(spec.database);
  std::vector<std::string> params;
  const bool pg = spec.engine == model::Engine::PostgreSQL;
  if (spec.tls.mode != TlsMode::Prefer) {
    params.push_back(pg ? std::string("sslmode=") + tlsModeName(spec.tls.mode)
                        : std::string("ssl-mode=") + mysqlSslModeName(spec.tls.mode));
  }
  if (!spec.tls.rootCert.empty()) params.push_back((pg ? "sslrootcert=" : "ssl-ca=") + core::percentEncode(spec.tls.rootCert));
  if (!spec.tls.cert.empty()) params.push_back((pg ? "sslcert=" : "ssl-cert=") + core::percentEncode(spec.tls.cert));
  if (!spec.tls.key.empty()) params.push_back((pg ? "sslkey=" : "ssl-key=") + core::percentEncode(spec.tls.key));
  if (!spec.socket.empty()) params.push_back((pg ? "host=" : "socket=") + core::percentEncode(spec.socket));
  if (spec.connectTimeoutSeconds != 10) {
    params.push_back((pg ? "connect_timeout=" : "connect-timeout=") + std::to_string(spec.connectTimeoutSeconds));
  }
  if (!params.empty()) url += '?' + core::join(params, "&");
  return url;
}

}  // namespace

std::string ConnectionSpec::display() const { return buildUrl(*this, true); }
std::string ConnectionSpec::toUrlWithoutPassword() const { return buildUrl(*this, false); }

std::string redactUrls(std::string text) {
  // scheme://user:password@ -> scheme://user:****@
  static const std::regex re(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):([^@\s]*)@)");
  text = std::regex_replace(text, re, "$1:****@");
  static const std::regex kv(R"((password\s*=\s*)('[^']*'|\S+))", std::regex::icase);
  text = std::regex_replace(text, kv, "$1****");
  return core::redactSecrets(std::move(text));
}

namespace {

bool pgPassFieldMatches(const std::string& field, const std::string& value) {
  return field == "*" || field == value;
}

std::vector<std::string> splitPgPassLine(const std::string& line) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      fields.back() += line[++i];
    } else if (line[i] == ':' && fields.size() < 5) {
      fields.emplace_back();
    } else {
      fields.back() += line[i];
    }
  }
  return fields;
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> promptPassword(const ConnectionSpec& spec) {
  if (!isatty(STDIN_FILENO)) return std::nullopt;
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) return std::nullopt;
  std::fprintf(tty, "Password for %s: ", spec.display().c_str());
  std::fflush(tty);
  termios old{};
  const int fd = fileno(tty);
  const bool haveTermios = tcgetattr(fd, &old) == 0;
  if (haveTermios) {
    termios noecho = old;
    noecho.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &noecho);
  }
  char buf[1024];
  const bool got = std::fgets(buf, sizeof buf, tty) != nullptr;
  if (haveTermios) tcsetattr(fd, TCSAFLUSH, &old);
  std::fprintf(tty, "\n");
  std::fclose(tty);
  if (!got) return std::nullopt;
  std::string pw(buf);
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  return pw;
}

}  // namespace

std::optional<std::string> findInPgPass(std::string_view contents, const std::string& host, int port,
                                        const std::string& database, const std::string& user) {
  for (const auto& raw : core::split(contents, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    auto f = splitPgPassLine(line);
    if (f.size() != 5) continue;
    // libpq matches "localhost" for Unix-socket connections as well.
    if (pgPassFieldMatches(f[0], host) && pgPassFieldMatches(f[1], std::to_string(port)) &&
        pgPassFieldMatches(f[2], database) && pgPassFieldMatches(f[3], user)) {
      return f[4];
    }
  }
  return std::nullopt;
}

std::optional<std::string> findInMyCnf(std::string_view contents, const std::string& key) {
  bool inClient = false;
  std::optional<std::string> found;
  for (const auto& raw : core::split(contents, '\n')) {
    std::string line = core::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      inClient = core::toLower(line) == "[client]";
      continue;
    }
    if (!inClient) continue;
    size_t eq = line.find('=');
    std::string k = core::replaceAll(core::toLower(core::trim(line.substr(0, eq))), "_", "-");
    if (k != key) continue;
    found = eq == std::string::npos ? std::string() : unquote(core::trim(line.substr(eq + 1)));
  }
  return found;  // the last occurrence wins, as in the MySQL client
}

void resolvePassword(ConnectionSpec& spec, const PasswordLookup& lookup) {
  auto env = [&](const char* name) -> std::optional<std::string> {
    if (auto it = lookup.environment.find(name); it != lookup.environment.end()) return it->second;
    if (!lookup.environment.empty()) return std::nullopt;  // tests give the whole environment
    if (const char* v = std::getenv(name)) return std::string(v);
    return std::nullopt;
  };
  std::string home = lookup.home;
  if (home.empty()) {
    if (auto h = env("HOME")) home = *h;
  }
  const bool pg = spec.engine == model::Engine::PostgreSQL;
  std::string myCnf;
  if (!pg && lookup.useFiles && !home.empty()) myCnf = readFile(home + "/.my.cnf");
  if (spec.user.empty()) {
    if (!pg && !myCnf.empty()) {
      if (auto u = findInMyCnf(myCnf, "user")) spec.user = *u;
    }
    if (spec.user.empty()) {
      if (auto u = env(pg ? "PGUSER" : "USER")) spec.user = *u;
    }
    if (spec.user.empty()) {
      if (passwd* pw = getpwuid(getuid())) spec.user = pw->pw_name;
    }
  }
  if (spec.password) {
    core::registerSecret(*spec.password);
    return;
  }
  if (lookup.useEnvironment) {
    if (auto v = env(pg ? "PGPASSWORD" : "MYSQL_PWD")) {
      spec.password = *v;
      spec.passwordSource = PasswordSource::Environment;
    }
  }
  if (!spec.password && lookup.useFiles && !home.empty()) {
    if (pg) {
      std::string path = home + "/.pgpass";
      if (auto p = env("PGPASSFILE")) path = *p;
      struct stat st {};
      // libpq ignores a password file that others can read; so do we.
      if (stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) == 0) {
        const std::string db = spec.database.empty() ? spec.user : spec.database;
        const std::string host = spec.usesSocket() ? "localhost" : spec.host;
        if (auto p = findInPgPass(readFile(path), host, spec.effectivePort(), db, spec.user)) {
          spec.password = *p;
          spec.passwordSource = PasswordSource::PgPass;
        }
      }
    } else if (auto p = findInMyCnf(myCnf, "password")) {
      spec.password = *p;
      spec.passwordSource = PasswordSource::MyCnf;
    }
  }
  if (spec.password) core::registerSecret(*spec.password);
}

bool promptForPassword(ConnectionSpec& spec) {
  auto p = promptPassword(spec);
  if (!p) return false;
  spec.password = *p;
  spec.passwordSource = PasswordSource::Prompt;
  core::registerSecret(*p);
  return true;
}

}  // namespace ferry::connect
