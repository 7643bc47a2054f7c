#pragma once
/// The two libpq protocols the change stream needs, kept inside connect/:
/// - PgReplicationStream: `START_REPLICATION SLOT … LOGICAL` on a replication
///   connection (CopyBoth): XLogData and keepalive messages in, standby status
///   updates out.
/// - PgPipeline: libpq pipeline mode on an ordinary connection, so the applier
///   sends a batch of statements and reads their results in one round trip.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connect/pg/pg_connection.h"
#include "connect/pg/pg_replication.h"
#include "core/result.h"

namespace ferry::connect {

/// One message of the replication stream.
struct ReplicationMessage {
  enum class Kind {
    None,       ///< nothing arrived within the wait
    XLogData,   ///< 'w': a piece of the output plugin's stream
    Keepalive,  ///< 'k': the server's position, maybe asking for an answer
  };
  Kind kind = Kind::None;
  Lsn walStart = 0;  ///< XLogData: where this message's WAL starts
  Lsn walEnd = 0;    ///< the server's current end of WAL
  std::int64_t sendTimeUs = 0;  ///< server clock, microseconds since 2000-01-01
  bool replyRequested = false;  ///< keepalive: answer at once, or be disconnected
  std::string_view data;        ///< XLogData payload; valid until the next call to next()
};

/// The position a client reports in a standby status update.
struct StandbyStatus {
  Lsn written = 0;
  Lsn flushed = 0;  ///< what the slot may forget: confirmed_flush_lsn
  Lsn applied = 0;
};

class PgReplicationStream {
public:
  /// Opens a replication connection to `spec`'s database, sets the session the
  /// output plugin formats values in (ISO dates, "postgres" intervals, exact
  /// floats, UTC), and starts streaming `slot` from `start` with the plugin
  /// options given (name, value; values are quoted here).
  static core::Result<std::unique_ptr<PgReplicationStream>> start(
      const ConnectionSpec& spec, std::string_view slot, Lsn start,
      const std::vector<std::pair<std::string, std::string>>& pluginOptions);
  ~PgReplicationStream();
  PgReplicationStream(const PgReplicationStream&) = delete;
  PgReplicationStream& operator=(const PgReplicationStream&) = delete;

  /// The next message, waiting up to `timeoutMs` (Kind::None when none came).
  /// The end of the stream or a broken link is an Error (ConnectionLost).
  core::Result<ReplicationMessage> next(int timeoutMs);
  /// Frees the last message now rather than at the next call (its data view
  /// dies): a 512 MB pgoutput message need not live while its change is applied.
  void release();
  /// Sends a standby status update ('r'); `replyRequested` asks the server for a keepalive.
  core::Status sendStatus(const StandbyStatus& status, bool replyRequested = false);
  int backendPid() const { return m_conn->backendPid(); }
  /// PgConnection::shutdownSocket, from any thread.
  void shutdownSocket() { m_conn->shutdownSocket(); }

  /// Microseconds since 2000-01-01 00:00 UTC, the protocol's clock.
  static std::int64_t nowPgMicros();

private:
  explicit PgReplicationStream(std::unique_ptr<PgConnection> conn) : m_conn(std::move(conn)) {}
  core::Error streamError(std::string_view what) const;
  std::unique_ptr<PgConnection> m_conn;
  char* m_buffer = nullptr;  ///< the last CopyData libpq handed out (freed on the next call)
};

/// The result of one statement sent through a pipeline.
struct PipelineResult {
  std::int64_t rows = 0;  ///< affected rows (INSERT/UPDATE/DELETE) or rows returned
  std::optional<std::string> firstValue;  ///< first column of the first row, when it returned rows
  std::vector<std::string> column;        ///< the first column of every row (NULL as "")
};

/// One parameter of PgPipeline::sendPrepared(), handed to libpq as it is (libpq
/// copies it into its output buffer once): text that must stay NUL-terminated
/// and alive for the call, or bytes in binary form (a bytea's bytes). `data`
/// nullptr is NULL.
struct PgParam {
  const char* data = nullptr;
  std::size_t length = 0;
  bool binary = false;
  static PgParam text(const std::string& v) { return PgParam{v.c_str(), v.size(), false}; }
  static PgParam text(const std::optional<std::string>& v) { return v ? text(*v) : PgParam{}; }
  static PgParam bytes(const std::string& v) { return PgParam{v.data(), v.size(), true}; }
};

/// libpq pipeline mode on `conn` for the lifetime of this object. Statements are
/// queued with send(); sync() ends the batch and reads every result. After an
/// error the server skips the rest of the batch: sync() returns the first error
/// (with the index of the statement that failed) and the pipeline is usable again.
class PgPipeline {
public:
  static core::Result<std::unique_ptr<PgPipeline>> enter(PgConnection& conn);
  ~PgPipeline();
  PgPipeline(const PgPipeline&) = delete;
  PgPipeline& operator=(const PgPipeline&) = delete;

  /// Queues one statement with text parameters (NULL = nullopt).
  core::Status send(std::string_view sql, const std::vector<std::optional<std::string_view>>& params = {});
  /// Queues a statement prepared under `name` (prepare() it once first). The
  /// values are not copied first: a 256 MB value costs its size once more (in
  /// libpq's buffer), not three times.
  core::Status sendPrepared(const std::string& name, const std::vector<PgParam>& params);
  /// Queues the preparation of `sql` under `name`.
  core::Status prepare(const std::string& name, std::string_view sql, int paramCount);
  /// Statements queued since the last sync().
  std::size_t pending() const { return m_queued.size(); }

  /// What one batch did: a result per statement up to the first that failed.
  struct Batch {
    std::vector<PipelineResult> results;
    std::optional<std::size_t> failedIndex;  ///< the statement the server refused
    std::optional<core::Error> error;        ///< why (the rest of the batch was skipped)
  };
  /// Ends the batch and reads its results. A broken connection is an Error; a
  /// statement the server refused is reported in the Batch.
  core::Result<Batch> sync();

private:
  explicit PgPipeline(PgConnection& conn) : m_conn(conn) {}
  PgConnection& m_conn;
  std::vector<std::string> m_queued;  ///< statements of the batch, for error messages
};

}  // namespace ferry::connect
