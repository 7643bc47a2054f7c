#pragma once
/// PostgreSQL COPY as byte streams: the types PgConnection::copyOut() and
/// PgConnection::beginCopyIn() use. The bulk copy moves every row through these,
/// so nothing here buffers more than one server message.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ferry::connect {

class PgConnection;

/// Receives one CopyData message of `COPY … TO STDOUT`. The bytes belong to the
/// caller only for the duration of the call. Returning an Error stops the COPY.
using CopySink = std::function<core::Status(std::string_view bytes)>;

/// What one COPY moved: rows as the server counted them (its command tag) and the
/// payload bytes that crossed the connection. The copy phase reports both.
struct CopyStats {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

/// An open `COPY … FROM STDIN` on one PgConnection. write() streams bytes in any
/// slicing (message boundaries need not match rows); finish() ends the COPY and
/// returns the server's verdict, with its SQLSTATE when it refused a row. Move-only;
/// destroying an unfinished PgCopyIn aborts the COPY so the connection stays usable.
/// It refers to its PgConnection and must not outlive it.
class PgCopyIn {
public:
  PgCopyIn(PgCopyIn&& other) noexcept;
  PgCopyIn& operator=(PgCopyIn&& other) noexcept;
  PgCopyIn(const PgCopyIn&) = delete;
  PgCopyIn& operator=(const PgCopyIn&) = delete;
  ~PgCopyIn();

  /// Sends bytes of COPY data (text or binary, as the statement said). A row the
  /// server already rejected shows up here or at finish(), whichever comes first.
  core::Status write(std::string_view bytes);
  /// Ends the data and waits for the server to accept it; `rows` from its command tag.
  core::Result<CopyStats> finish();
  /// Ends the COPY with a failure so the server rolls it back (SQLSTATE 57014
  /// with `reason` in its message); the connection stays usable.
  core::Status abort(std::string_view reason);
  /// True until finish() or abort() ran (or an error ended the COPY).
  bool active() const { return m_conn != nullptr; }
  std::uint64_t bytesWritten() const { return m_bytes; }

private:
  friend class PgConnection;
  PgCopyIn(PgConnection* conn, std::string statement) : m_conn(conn), m_statement(std::move(statement)) {}
  /// Collects the COPY's final result(s); turns a server error into an Error.
  core::Result<CopyStats> collectResult();

  PgConnection* m_conn;  ///< null once the COPY ended
  std::string m_statement;
  std::uint64_t m_bytes = 0;
};

}  // namespace ferry::connect
