#pragma once
/// Error: the one value every expected failure in the engine becomes.
/// Drivers' errors are turned into an Error in connect/ only; callers branch on
/// kind(), sqlState() or vendorCode(), never on message text.

#include <cstdint>
#include <string>

namespace ferry::core {

/// What went wrong, coarse enough to decide what to do next.
enum class ErrorKind {
  Usage,         ///< the user asked for something malformed (bad URL, bad option)
  Config,        ///< a setting of ours or of the server prevents the operation
  NameNotResolved,
  ConnectionRefused,
  Timeout,
  AuthFailed,
  TlsRequired,    ///< the server demands TLS and the client did not offer it
  TlsUnavailable, ///< the client demands TLS and the server does not offer it
  TlsUnverified,  ///< the server's certificate or host name could not be verified
  DatabaseMissing,
  ServerTooOld,
  Privilege,      ///< the account lacks a privilege
  NotFound,       ///< an object (table, slot, file) does not exist
  Unsupported,
  ConnectionLost,
  Server,         ///< any other error reported by the server
  Data,           ///< a value cannot be read, converted or stored
  Io,
  Cancelled,
  Internal,       ///< a bug of ours
};

/// Stable lower-case name of a kind, used in JSON output ("auth_failed").
const char* errorKindName(ErrorKind kind);

class Error {
public:
  Error() = default;
  Error(ErrorKind kind, std::string message, std::string hint = {});

  ErrorKind kind() const { return m_kind; }
  /// Why it failed, one sentence, secrets already redacted.
  const std::string& message() const { return m_message; }
  /// What to do about it, one sentence (may be empty).
  const std::string& hint() const { return m_hint; }
  /// SQLSTATE (PostgreSQL, MySQL) when the server gave one.
  const std::string& sqlState() const { return m_sqlState; }
  /// MySQL/MariaDB error number (0 when none).
  int vendorCode() const { return m_vendorCode; }
  /// The statement that failed, secrets redacted (may be empty).
  const std::string& statement() const { return m_statement; }

  Error& withSqlState(std::string state) { m_sqlState = std::move(state); return *this; }
  Error& withVendorCode(int code) { m_vendorCode = code; return *this; }
  Error& withStatement(std::string statement);
  Error& withHint(std::string hint) { m_hint = std::move(hint); return *this; }
  /// Prefixes context ("introspecting columns: ") to the message.
  Error& context(const std::string& what);

  /// True when running the same operation again may succeed (deadlock,
  /// serialization failure, lost connection, timeout).
  bool retryable() const;
  /// True when the connection that produced the error can no longer be used.
  bool breaksConnection() const;
  /// MySQL/MariaDB: the TLS link of an established session broke (a cut link over TLS).
  bool tlsLinkBroke() const;

  /// "message. hint" on one line: what the CLI prints after "ferry: error: ".
  std::string oneLine() const;

private:
  ErrorKind m_kind = ErrorKind::Internal;
  std::string m_message;
  std::string m_hint;
  std::string m_sqlState;
  int m_vendorCode = 0;
  std::string m_statement;
};

}  // namespace ferry::core
