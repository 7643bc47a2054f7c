#include "core/error.h"

#include "core/text.h"

namespace ferry::core {

const char* errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Config: return "config";
    case ErrorKind::NameNotResolved: return "name_not_resolved";
    case ErrorKind::ConnectionRefused: return "connection_refused";
    case ErrorKind::Timeout: return "timeout";
    case ErrorKind::AuthFailed: return "auth_failed";
    case ErrorKind::TlsRequired: return "tls_required";
    case ErrorKind::TlsUnavailable: return "tls_unavailable";
    case ErrorKind::TlsUnverified: return "tls_unverified";
    case ErrorKind::DatabaseMissing: return "database_missing";
    case ErrorKind::ServerTooOld: return "server_too_old";
    case ErrorKind::Privilege: return "privilege";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::ConnectionLost: return "connection_lost";
    case ErrorKind::Server: return "server";
    case ErrorKind::Data: return "data";
    case ErrorKind::Io: return "io";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Internal: return "internal";
  }
  return "internal";
}

Error::Error(ErrorKind kind, std::string message, std::string hint)
    : m_kind(kind), m_message(std::move(message)), m_hint(std::move(hint)) {}

Error& Error::withStatement(std::string statement) {
  m_statement = std::move(statement);
  return *this;
}

Error& Error::context(const std::string& what) {
  m_message = what + ": " + m_message;
  return *this;
}

bool Error::retryable() const {
  switch (m_kind) {
    case ErrorKind::Timeout:
    case ErrorKind::ConnectionLost:
    case ErrorKind::ConnectionRefused:
      return true;
    default: break;
  }
  // PostgreSQL: serialization_failure, deadlock_detected, and the whole
  // "connection exception" and "insufficient resources" classes.
  if (m_sqlState == "40001" || m_sqlState == "40P01" || startsWith(m_sqlState, "08") ||
      startsWith(m_sqlState, "53")) {
    return true;
  }
  // MySQL/MariaDB: ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, CR_SERVER_GONE_ERROR, CR_SERVER_LOST,
  // and a TLS link that broke (below).
  return m_vendorCode == 1213 || m_vendorCode == 1205 || m_vendorCode == 2006 || m_vendorCode == 2013 ||
         tlsLinkBroke();
}

bool Error::tlsLinkBroke() const {
  // CR_SSL_CONNECTION_ERROR on an established session: over TLS a cut link reads
  // as "TLS/SSL error: unexpected eof while reading", not as CR_SERVER_LOST. At
  // login the same code is a certificate or handshake failure (TlsUnverified).
  return m_vendorCode == 2026 && m_kind != ErrorKind::TlsUnverified && m_kind != ErrorKind::TlsUnavailable;
}

bool Error::breaksConnection() const {
  if (m_kind == ErrorKind::ConnectionLost) return true;
  if (startsWith(m_sqlState, "08") || m_sqlState == "57P01" || m_sqlState == "57P02" ||
      m_sqlState == "57P03") {
    return true;
  }
  return m_vendorCode == 2006 || m_vendorCode == 2013 || m_vendorCode == 2055 || tlsLinkBroke();
}

std::string Error::oneLine() const {
  std::string line = m_message;
  if (!m_hint.empty()) {
    if (!line.empty() && line.back() != '.') line += '.';
    line += ' ';
    line += m_hint;
  }
  // One line means one line: drivers sometimes append newlines.
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return trim(line);
}

}  // namespace ferry::core
