// PgConnection's COPY members and PgCopyIn (declared in pg_connection.h / pg_copy.h).

#include "connect/pg/pg_copy.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <utility>

#include "connect/pg/pg_connection.h"

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

struct PqFreeDeleter {
  void operator()(char* p) const { PQfreemem(p); }
};

/// PQputCopyData takes an int length. Slices of 1 GiB stay below INT_MAX and
/// cost one call per GiB; callers normally pass far smaller buffers anyway.
constexpr std::size_t kMaxPutSlice = std::size_t{1} << 30;

std::uint64_t commandRows(const PGresult* res) {
  const char* tuples = PQcmdTuples(const_cast<PGresult*>(res));
  std::uint64_t n = 0;
  if (tuples != nullptr) std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), n);
  return n;
}

/// Brings a connection that a statement left in an unexpected COPY state back
/// to idle: ends a COPY IN, discards a COPY OUT, consumes the results.
void drainCopyState(PGconn* conn) {
  while (PGresult* raw = PQgetResult(conn)) {
    PgResultPtr res(raw);
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
      if (PQputCopyEnd(conn, "ferry: unexpected COPY direction") < 0) return;
    }
    if (status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
      char* buf = nullptr;
      int n = 0;
      while ((n = PQgetCopyData(conn, &buf, 0)) > 0) PQfreemem(buf);
      if (n == -2) return;
    }
    if (PQstatus(conn) == CONNECTION_BAD) return;
  }
}

/// Asks the server to cancel the running statement (a COPY whose consumer gave up).
/// Reading on until the end is then cheap: the server stops sending at once.
void requestCancel(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  if (cancel == nullptr) return;
  char errbuf[256];  // libpq's documented recommendation for PQcancel's message buffer
  PQcancel(cancel, errbuf, sizeof errbuf);
  PQfreeCancel(cancel);
}

}  // namespace

core::Result<CopyStats> PgConnection::copyOut(std::string_view sql, const CopySink& sink) {
  const std::string text(sql);
  PgResultPtr start(PQexec(m_conn, text.c_str()));
  if (!start) return lastError(sql);
  const auto startStatus = PQresultStatus(start.get());
  if (startStatus != PGRES_COPY_OUT) {
    if (startStatus == PGRES_FATAL_ERROR || startStatus == PGRES_BAD_RESPONSE) {
      return resultError(start.get(), sql);
    }
    start.reset();
    drainCopyState(m_conn);
    return Error(ErrorKind::Internal, "copyOut() needs a COPY … TO STDOUT statement").withStatement(text);
  }
  start.reset();

  CopyStats stats;
  std::optional<Error> sinkError;
  for (;;) {
    char* raw = nullptr;
    // async = 0: block until a whole CopyData message is there. libpq hands out each
    // message in its own allocation, which the sink sees without a further copy.
    const int n = PQgetCopyData(m_conn, &raw, 0);
    if (n > 0) {
      std::unique_ptr<char, PqFreeDeleter> buf(raw);
      stats.bytes += static_cast<std::uint64_t>(n);
      if (!sinkError) {
        auto st = sink(std::string_view(raw, static_cast<std::size_t>(n)));
        if (!st) {
          sinkError = std::move(st).error();
          requestCancel(m_conn);
        }
      }
      continue;
    }
    if (n == -1) break;  // CopyDone: the final result follows
    // -2: the connection broke or libpq failed; a result may still explain why.
    break;
  }

  std::optional<Error> serverError;
  while (PGresult* raw = PQgetResult(m_conn)) {
    PgResultPtr res(raw);
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK) {
      stats.rows = commandRows(raw);
    } else if (!serverError) {
      serverError = resultError(raw, sql);
    }
    if (PQstatus(m_conn) == CONNECTION_BAD) break;
  }
  if (sinkError) return *std::move(sinkError);
  if (serverError) return *std::move(serverError);
  if (PQstatus(m_conn) == CONNECTION_BAD) return lastError(sql);
  return stats;
}

core::Result<PgCopyIn> PgConnection::beginCopyIn(std::string_view sql) {
  const std::string text(sql);
  PgResultPtr start(PQexec(m_conn, text.c_str()));
  if (!start) return lastError(sql);
  const auto status = PQresultStatus(start.get());
  if (status == PGRES_COPY_IN) return PgCopyIn(this, text);
  if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE) return resultError(start.get(), sql);
  start.reset();
  drainCopyState(m_conn);
  return Error(ErrorKind::Internal, "beginCopyIn() needs a COPY … FROM STDIN statement").withStatement(text);
}

PgCopyIn::PgCopyIn(PgCopyIn&& other) noexcept
    : m_conn(std::exchange(other.m_conn, nullptr)),
      m_statement(std::move(other.m_statement)),
      m_bytes(other.m_bytes) {}

PgCopyIn& PgCopyIn::operator=(PgCopyIn&& other) noexcept {
  if (this != &other) {
    if (active()) (void)abort("replaced by another COPY");
    m_conn = std::exchange(other.m_conn, nullptr);
    m_statement = std::move(other.m_statement);
    m_bytes = other.m_bytes;
  }
  return *this;
}

PgCopyIn::~PgCopyIn() {
  if (active()) (void)abort("the writer stopped before finishing the COPY");
}

core::Status PgCopyIn::write(std::string_view bytes) {
  if (!active()) return Error(ErrorKind::Internal, "write() on a COPY that has ended");
  PGconn* conn = m_conn->m_conn;
  while (!bytes.empty()) {
    const std::size_t len = std::min(bytes.size(), kMaxPutSlice);
    if (PQputCopyData(conn, bytes.data(), static_cast<int>(len)) != 1) {
      // The server ended the COPY (a refused row) or the link broke: its result says which.
      auto r = collectResult();
      if (!r) return std::move(r).error();
      return Error(ErrorKind::Internal, "the server ended the COPY before the data did").withStatement(m_statement);
    }
    m_bytes += len;
    bytes.remove_prefix(len);
  }
  return {};
}

core::Result<CopyStats> PgCopyIn::finish() {
  if (!active()) return Error(ErrorKind::Internal, "finish() on a COPY that has ended");
  if (PQputCopyEnd(m_conn->m_conn, nullptr) != 1) {
    auto r = collectResult();
    if (r) return Error(ErrorKind::Internal, "the COPY could not be ended").withStatement(m_statement);
    return r;
  }
  return collectResult();
}

core::Status PgCopyIn::abort(std::string_view reason) {
  if (!active()) return {};
  const std::string why(reason);
  PQputCopyEnd(m_conn->m_conn, why.c_str());
  auto r = collectResult();
  // The server answers an abort with query_canceled (57014): that is success here.
  if (!r && r.error().sqlState() != "57014") return std::move(r).error();
  return {};
}

core::Result<CopyStats> PgCopyIn::collectResult() {
  PgConnection* owner = std::exchange(m_conn, nullptr);
  PGconn* conn = owner->m_conn;
  CopyStats stats;
  stats.bytes = m_bytes;
  std::optional<Error> err;
  while (PGresult* raw = PQgetResult(conn)) {
    PgResultPtr res(raw);
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COPY_IN) {
      // Still copying (libpq refused the data locally): end it so the server rolls back.
      if (PQputCopyEnd(conn, "ferry: the client could not send the data") < 0) break;
      continue;
    }
    if (status == PGRES_COMMAND_OK) {
      stats.rows = commandRows(raw);
    } else if (!err) {
      err = owner->resultError(raw, m_statement);
    }
    if (PQstatus(conn) == CONNECTION_BAD) break;
  }
  if (err) return *std::move(err);
  if (PQstatus(conn) == CONNECTION_BAD) return owner->lastError(m_statement);
  return stats;
}

}  // namespace ferry::connect
