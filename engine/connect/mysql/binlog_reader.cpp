// Connector/C's replication API, kept to this file: its header defines unscoped
// names (QUERY_EVENT, WRITE_ROWS, …) that must not leak into Ferry's code.

#include "connect/mysql/binlog_reader.h"

#include <mysql.h>
#include <mariadb_rpl.h>
#include <sys/socket.h>

#include <atomic>

#include "connect/mysql/mysql_connection.h"

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {
constexpr unsigned kErMasterFatalReadingBinlog = 1236;
constexpr unsigned kCrServerLost = 2013;
constexpr unsigned kCrServerGone = 2006;
constexpr unsigned kCrSslConnectionError = 2026;  // after login: the TLS link broke (a cut link over TLS)
}  // namespace

struct BinlogReader::Impl {
  MYSQL* mysql = nullptr;
  MARIADB_RPL* rpl = nullptr;
  MARIADB_RPL_EVENT* event = nullptr;
  std::atomic<bool> aborted{false};
  bool connected = false;  ///< logged in: a TLS error from now on is a broken link, not a failed handshake
  std::string who;
  ~Impl() {
    if (event) mariadb_free_rpl_event(event);
    if (rpl) mariadb_rpl_close(rpl);
    if (mysql) mysql_close(mysql);
  }
  Error failure(const std::string& what) const {
    const unsigned code = mysql_errno(mysql);
    const std::string text = mysql_error(mysql);
    if (code == kErMasterFatalReadingBinlog) {
      return Error(ErrorKind::NotFound, who + " cannot send the binlog from the stream's position: " + text,
                   "The binlog the stream needs is gone (purged, or the position is not in it): the changes since "
                   "the copy cannot be streamed. Copy again (--abandon, then a new ferry migrate), and keep binlogs "
                   "longer (binlog_expire_logs_seconds).");
    }
    if (code == kCrServerLost || code == kCrServerGone || (code == kCrSslConnectionError && connected) || aborted) {
      return Error(ErrorKind::ConnectionLost, who + ": the binlog link was lost while " + what +
                                                  (text.empty() ? std::string() : " (" + text + ")"));
    }
    if (code == 0) {
      return Error(ErrorKind::ConnectionLost, who + " ended the binlog stream while " + what,
                   "The server's dump thread stopped (KILL, a shutdown, or another replica with the same "
                   "server_id): the stream reconnects from its stored position.");
    }
    return Error(ErrorKind::Server, who + ": " + what + ": " + text + " (error " + std::to_string(code) + ")");
  }
};

BinlogReader::BinlogReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
BinlogReader::~BinlogReader() = default;

core::Result<std::unique_ptr<BinlogReader>> BinlogReader::open(const ConnectionSpec& spec,
                                                               const BinlogReaderOptions& options) {
  if (options.serverId == 0) return Error(ErrorKind::Usage, "a binlog replica needs a non-zero server_id");
  auto impl = std::make_unique<Impl>();
  impl->who = std::string(model::engineDisplayName(spec.engine)) + " at " +
              (spec.usesSocket() ? spec.socket : spec.host + ":" + std::to_string(spec.effectivePort()));
  impl->mysql = mysql_init(nullptr);
  if (!impl->mysql) return Error(ErrorKind::Internal, "mysql_init failed");
  const unsigned timeout = static_cast<unsigned>(options.readTimeoutSeconds);
  mysql_options(impl->mysql, MYSQL_OPT_READ_TIMEOUT, &timeout);
  const unsigned connectTimeout = static_cast<unsigned>(spec.connectTimeoutSeconds > 0 ? spec.connectTimeoutSeconds : 10);
  mysql_options(impl->mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout);
  // TLS as for the ordinary sessions (mysql_connection.cpp): asked for from
  // PREFERRED on, the server's certificate checked for VERIFY_CA and
  // VERIFY_IDENTITY (Connector/C 3.3 checks the host name for both).
  if (spec.tls.mode >= TlsMode::Prefer) {
    mysql_ssl_set(impl->mysql, spec.tls.key.empty() ? nullptr : spec.tls.key.c_str(),
                  spec.tls.cert.empty() ? nullptr : spec.tls.cert.c_str(),
                  spec.tls.rootCert.empty() ? nullptr : spec.tls.rootCert.c_str(), nullptr, nullptr);
    const my_bool enforce = spec.tls.mode >= TlsMode::Require ? 1 : 0;
    mysql_options(impl->mysql, MYSQL_OPT_SSL_ENFORCE, &enforce);
    const my_bool verify = spec.tls.mode >= TlsMode::VerifyCa ? 1 : 0;
    mysql_options(impl->mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
  const std::string password = spec.password.value_or("");
  if (!mysql_real_connect(impl->mysql, spec.usesSocket() ? nullptr : spec.host.c_str(), spec.user.c_str(),
                          password.c_str(), nullptr, static_cast<unsigned>(spec.effectivePort()),
                          spec.usesSocket() ? spec.socket.c_str() : nullptr, 0)) {
    return impl->failure("connecting for the binlog");
  }
  impl->connected = true;
  if (spec.tls.mode >= TlsMode::Require && mysql_get_ssl_cipher(impl->mysql) == nullptr) {
    return Error(ErrorKind::TlsUnavailable, impl->who + " does not offer TLS but ssl-mode requires it",
                 "Enable TLS on the server (ssl_cert, ssl_key), or use ssl-mode=PREFERRED if an unencrypted link "
                 "is acceptable.");
  }
  if (std::string_view(mysql_get_server_info(impl->mysql)).find("MariaDB") != std::string_view::npos) {
    impl->who = "MariaDB" + impl->who.substr(impl->who.find(" at "));
  }
  const std::string setup =
      "SET @master_binlog_checksum = @@global.binlog_checksum, @mariadb_slave_capability = 4, "
      "@master_heartbeat_period = " + std::to_string(static_cast<long long>(options.heartbeatMs) * 1000000) +
      ", @slave_connect_state = " + MySqlConnection::quoteLiteral(options.gtidStart) +
      ", @slave_gtid_strict_mode = 1, @slave_gtid_ignore_duplicates = 0";
  if (mysql_real_query(impl->mysql, setup.data(), setup.size()) != 0) return impl->failure("preparing the binlog link");
  impl->rpl = mariadb_rpl_init(impl->mysql);  // asks the server for @@binlog_checksum
  if (!impl->rpl) return impl->failure("starting the replication API");
  mariadb_rpl_optionsv(impl->rpl, MARIADB_RPL_SERVER_ID, static_cast<unsigned int>(options.serverId));
  mariadb_rpl_optionsv(impl->rpl, MARIADB_RPL_FILENAME, "", static_cast<size_t>(0));
  mariadb_rpl_optionsv(impl->rpl, MARIADB_RPL_START, static_cast<unsigned long>(4));
  mariadb_rpl_optionsv(impl->rpl, MARIADB_RPL_FLAGS, static_cast<unsigned int>(0));
  if (mariadb_rpl_open(impl->rpl) != 0) return impl->failure("asking for the binlog");
  return std::unique_ptr<BinlogReader>(new BinlogReader(std::move(impl)));
}

core::Result<std::string_view> BinlogReader::next() {
  auto& m = *m_impl;
  // fetch() frees the event it was given when it fails: never free it again.
  m.event = mariadb_rpl_fetch(m.rpl, m.event);
  if (!m.event) return m.failure("reading the binlog");
  const auto* raw = reinterpret_cast<const char*>(m.event->raw_data);
  return std::string_view(raw + m.event->raw_data_ofs, m.event->raw_data_size - m.event->raw_data_ofs);
}

void BinlogReader::abort() {
  m_impl->aborted = true;
  if (m_impl->mysql) ::shutdown(static_cast<int>(mysql_get_socket(m_impl->mysql)), SHUT_RDWR);
}

}  // namespace ferry::connect
