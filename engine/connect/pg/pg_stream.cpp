// PgReplicationStream and PgPipeline (pg_stream.h): the replication protocol's
// CopyBoth stream and libpq pipeline mode.

#include "connect/pg/pg_stream.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

/// Seconds from 1970-01-01 to 2000-01-01, the epoch of the replication protocol.
constexpr std::int64_t kPgEpochOffsetSeconds = 946684800;

std::uint64_t readBigEndian64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void appendBigEndian64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (i * 8)) & 0xFF);
}

/// Quotes an option value of START_REPLICATION ('…' with quotes doubled).
std::string quoteOptionValue(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::int64_t PgReplicationStream::nowPgMicros() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() - kPgEpochOffsetSeconds * 1000000;
}

core::Result<std::unique_ptr<PgReplicationStream>> PgReplicationStream::start(
    const ConnectionSpec& spec, std::string_view slot, Lsn start,
    const std::vector<std::pair<std::string, std::string>>& pluginOptions) {
  FERRY_TRY(validateSlotName(slot));
  PgOpenOptions oo;
  oo.replication = true;
  auto conn = PgConnection::open(spec, oo);
  if (!conn) return std::move(conn).error();
  // pgoutput formats each value with the walsender's settings: the same as the
  // copy's readers (ISO dates in UTC, exact floats, "postgres" intervals), so a
  // value that arrives by the stream reads exactly as the copy read it.
  FERRY_TRY((*conn)->exec("SET intervalstyle = postgres"));
  std::string cmd = "START_REPLICATION SLOT " + std::string(slot) + " LOGICAL " + formatLsn(start);
  if (!pluginOptions.empty()) {
    cmd += " (";
    for (std::size_t i = 0; i < pluginOptions.size(); ++i) {
      if (i) cmd += ", ";
      cmd += "\"" + pluginOptions[i].first + "\" " + quoteOptionValue(pluginOptions[i].second);
    }
    cmd += ")";
  }
  PGconn* raw = (*conn)->m_conn;
  PgResultPtr res(PQexec(raw, cmd.c_str()));
  if (!res) return (*conn)->lastError(cmd);
  if (PQresultStatus(res.get()) != PGRES_COPY_BOTH) return (*conn)->resultError(res.get(), cmd);
  return std::unique_ptr<PgReplicationStream>(new PgReplicationStream(std::move(*conn)));
}

PgReplicationStream::~PgReplicationStream() {
  if (m_buffer) PQfreemem(m_buffer);
}

core::Error PgReplicationStream::streamError(std::string_view what) const {
  std::string msg = PQerrorMessage(m_conn->m_conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return Error(ErrorKind::ConnectionLost, std::string(what) + (msg.empty() ? "" : ": " + msg),
               "The stream reconnects from the target's stored position; nothing applied is lost.");
}

void PgReplicationStream::release() {
  if (m_buffer) PQfreemem(m_buffer);
  m_buffer = nullptr;
}

core::Result<ReplicationMessage> PgReplicationStream::next(int timeoutMs) {
  release();
  PGconn* conn = m_conn->m_conn;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (true) {
    const int n = PQgetCopyData(conn, &m_buffer, 1);
    if (n > 0) {
      ReplicationMessage m;
      const char* p = m_buffer;
      if (p[0] == 'w' && n >= 25) {
        m.kind = ReplicationMessage::Kind::XLogData;
        m.walStart = readBigEndian64(p + 1);
        m.walEnd = readBigEndian64(p + 9);
        m.sendTimeUs = static_cast<std::int64_t>(readBigEndian64(p + 17));
        m.data = std::string_view(p + 25, static_cast<std::size_t>(n - 25));
        return m;
      }
      if (p[0] == 'k' && n >= 18) {
        m.kind = ReplicationMessage::Kind::Keepalive;
        m.walEnd = readBigEndian64(p + 1);
        m.sendTimeUs = static_cast<std::int64_t>(readBigEndian64(p + 9));
        m.replyRequested = p[17] != 0;
        return m;
      }
      return Error(ErrorKind::Internal, "unexpected replication message '" + std::string(1, p[0]) + "' (" +
                                            std::to_string(n) + " bytes)");
    }
    if (n == -1) {
      // The server ended the COPY: its result says why.
      PgResultPtr res(PQgetResult(conn));
      if (res && PQresultStatus(res.get()) == PGRES_FATAL_ERROR) {
        return m_conn->resultError(res.get(), "START_REPLICATION");
      }
      return streamError("the server ended the replication stream");
    }
    if (n == -2) return streamError("the replication stream broke");
    // Nothing buffered: wait for the socket.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReplicationMessage{};
    pollfd pfd{PQsocket(conn), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return streamError("waiting for the replication stream");
    if (ready == 0) return ReplicationMessage{};
    if (PQconsumeInput(conn) == 0) return streamError("reading the replication stream");
  }
}

core::Status PgReplicationStream::sendStatus(const StandbyStatus& status, bool replyRequested) {
  std::string msg = "r";
  appendBigEndian64(msg, status.written);
  appendBigEndian64(msg, status.flushed);
  appendBigEndian64(msg, status.applied);
  appendBigEndian64(msg, static_cast<std::uint64_t>(nowPgMicros()));
  msg += replyRequested ? '\1' : '\0';
  PGconn* conn = m_conn->m_conn;
  if (PQputCopyData(conn, msg.data(), static_cast<int>(msg.size())) != 1 || PQflush(conn) != 0) {
    return streamError("sending the standby status");
  }
  return {};
}

// ---- PgPipeline ------------------------------------------------------------

core::Result<std::unique_ptr<PgPipeline>> PgPipeline::enter(PgConnection& conn) {
  if (PQenterPipelineMode(conn.m_conn) != 1) return conn.lastError("entering pipeline mode");
  return std::unique_ptr<PgPipeline>(new PgPipeline(conn));
}

PgPipeline::~PgPipeline() {
  PGconn* conn = m_conn.m_conn;
  if (!m_queued.empty()) (void)sync();
  PQexitPipelineMode(conn);
}

namespace {

/// Text parameters as libpq wants them: NUL-terminated strings, null for NULL.
struct ParamBuffer {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  explicit ParamBuffer(const std::vector<std::optional<std::string_view>>& params) {
    storage.reserve(params.size());
    values.reserve(params.size());
    for (const auto& p : params) storage.emplace_back(p ? std::string(*p) : std::string());
    for (std::size_t i = 0; i < params.size(); ++i) values.push_back(params[i] ? storage[i].c_str() : nullptr);
  }
};

}  // namespace

core::Status PgPipeline::send(std::string_view sql, const std::vector<std::optional<std::string_view>>& params) {
  std::string text(sql);
  ParamBuffer pb(params);
  if (PQsendQueryParams(m_conn.m_conn, text.c_str(), static_cast<int>(params.size()), nullptr, pb.values.data(),
                        nullptr, nullptr, 0) != 1) {
    return m_conn.lastError(text);
  }
  m_queued.push_back(std::move(text));
  return {};
}

core::Status PgPipeline::prepare(const std::string& name, std::string_view sql, int paramCount) {
  std::string text(sql);
  if (PQsendPrepare(m_conn.m_conn, name.c_str(), text.c_str(), paramCount, nullptr) != 1) {
    return m_conn.lastError(text);
  }
  m_queued.push_back("PREPARE " + name + ": " + text);
  return {};
}

core::Status PgPipeline::sendPrepared(const std::string& name, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    if (p.length > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      return Error(ErrorKind::Data, "EXECUTE " + name + ": a value of " + std::to_string(p.length) +
                                        " bytes is more than a PostgreSQL message can hold");
    }
    values.push_back(p.data);
    lengths.push_back(static_cast<int>(p.length));
    formats.push_back(p.binary ? 1 : 0);
  }
  if (PQsendQueryPrepared(m_conn.m_conn, name.c_str(), static_cast<int>(params.size()), values.data(), lengths.data(),
                          formats.data(), 0) != 1) {
    return m_conn.lastError("EXECUTE " + name);
  }
  m_queued.push_back("EXECUTE " + name);
  return {};
}

core::Result<PgPipeline::Batch> PgPipeline::sync() {
  PGconn* conn = m_conn.m_conn;
  std::vector<std::string> queued;
  queued.swap(m_queued);
  if (PQpipelineSync(conn) != 1) return m_conn.lastError("pipeline sync");
  Batch batch;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    // Each statement: its result(s), then a null that ends them.
    bool first = true;
    while (PGresult* raw = PQgetResult(conn)) {
      PgResultPtr res(raw);
      const auto st = PQresultStatus(raw);
      if (!first) continue;
      first = false;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (batch.error) continue;
        PipelineResult r;
        if (st == PGRES_TUPLES_OK) {
          r.rows = PQntuples(raw);
          if (r.rows > 0 && PQnfields(raw) > 0 && !PQgetisnull(raw, 0, 0)) r.firstValue = std::string(PQgetvalue(raw, 0, 0));
          if (PQnfields(raw) > 0) {
            for (int row = 0; row < PQntuples(raw); ++row) r.column.emplace_back(PQgetvalue(raw, row, 0));
          }
        } else {
          const char* tuples = PQcmdTuples(raw);
          r.rows = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
        }
        batch.results.push_back(std::move(r));
      } else if (st == PGRES_PIPELINE_ABORTED) {
        // skipped after an earlier failure
      } else if (!batch.error) {
        batch.failedIndex = i;
        batch.error = m_conn.resultError(raw, queued[i]);
      }
    }
    if (PQstatus(conn) == CONNECTION_BAD) return m_conn.lastError(queued[i]);
  }
  // The sync's own result.
  PgResultPtr syncRes(PQgetResult(conn));
  if (!syncRes || PQresultStatus(syncRes.get()) != PGRES_PIPELINE_SYNC) {
    if (PQstatus(conn) == CONNECTION_BAD) return m_conn.lastError("pipeline sync");
    return Error(ErrorKind::Internal, "the pipeline's results ended without its sync");
  }
  return batch;
}

}  // namespace ferry::connect
