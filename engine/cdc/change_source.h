#pragma once
/// The change-source seam: one implementation per source engine. PostgreSQL:
/// logical replication with pgoutput from the slot the copy created. MariaDB:
/// the binlog from the copy's GTID position, read as a replica
/// (mariadb_change_source.cpp). The sync (run/sync_run.cpp) sees only this.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "cdc/binlog_rows.h"
#include "cdc/change_event.h"
#include "connect/connection_spec.h"
#include "core/result.h"

namespace ferry::cdc {

/// The prefix of the heartbeats Ferry writes on the source: the stream hands
/// them back as Message events with this prefix (PostgreSQL: a logical
/// decoding message; MariaDB: a row of ferry_heartbeat.beat).
inline constexpr const char* kHeartbeatPrefix = "ferry_heartbeat";

class ChangeSource {
public:
  virtual ~ChangeSource() = default;
  /// The next event, or nullopt when none came within `timeoutMs`. Keepalives are
  /// answered inside (at once when the server asks).
  virtual core::Result<std::optional<ChangeEvent>> next(int timeoutMs) = 0;
  /// Everything up to `durable` is applied and durable on the target: the source
  /// may forget it. Never called with a position past an unapplied transaction.
  /// (MariaDB keeps no slot: it only remembers it.)
  virtual core::Status confirm(const LogPosition& durable) = 0;
  /// Keeps the link alive without reading (a paused or throttled stream): a
  /// status update when the last one is older than the interval the server
  /// expects.
  virtual core::Status keepAlive() = 0;
  /// From another thread: make a call blocked on the source fail at once (its
  /// link hangs without breaking); the source is unusable afterwards.
  virtual void abortIo() = 0;
  /// The server's end of WAL as last reported: every change before it was delivered.
  virtual LogPosition serverEnd() const = 0;
  virtual LogPosition confirmed() const = 0;
  /// Whether the transaction `begin` starts is at or before `applied`, the
  /// target's stored position (applied before a restart). MariaDB's source
  /// leaves out every transaction its start GTID position covers itself.
  virtual bool alreadyApplied(const ChangeEvent& begin, const LogPosition& applied) const {
    return begin.commitLsn < applied;
  }
  /// A position as the DBA knows it ("mariadb-bin.000003:1234").
  virtual std::string describe(const LogPosition& p) const { return p.text(); }
};

struct PgSourceOptions {
  std::string slot;
  std::string publication;
  LogPosition start;  ///< resume point (0/0: the slot's confirmed position)
};

core::Result<std::unique_ptr<ChangeSource>> openPgChangeSource(const connect::ConnectionSpec& source,
                                                               const PgSourceOptions& options);

struct MariaDbSourceOptions {
  /// Ferry's server_id as a replica (connect/mysql/binlog_reader.h).
  std::uint32_t serverId = 0;
  /// The last transactions applied, per domain: the stream starts after them,
  /// and leaves out any transaction this position covers.
  GtidPosition start;
  /// The tables streamed ("schema.table"); a transaction that changes none of
  /// them (nor the heartbeat table) is left out whole — among them the
  /// target's own writes when it shares the server.
  std::set<std::string> tables;
  /// The heartbeat table ("ferry_heartbeat.beat"): its rows come out as Message
  /// events (prefix kHeartbeatPrefix, content its `beat` column).
  std::string heartbeatTable = "ferry_heartbeat.beat";
  /// Transactions whose GTID carries one of these server_ids are left out
  /// whole: Ferry's own apply sessions' (loop prevention).
  std::set<std::uint32_t> skipServerIds;
  /// How a column's value prints (UUID/INET forms, DOUBLE(M,D), character
  /// set), from the source's catalog.
  std::function<binlog::ValueText(const std::string& schema, const std::string& table, const std::string& column)> textOf;
  /// The binlog files' name without the number, for describe() until the
  /// server's first ROTATE says it ("mariadb-bin").
  std::string binlogBase;
  int serverHeartbeatMs = 500;
  /// Decoded events held ahead of the sync at most (the reader waits beyond it):
  /// a transaction of millions of rows is never held whole.
  std::size_t queueEvents = 20000;
};

/// Reads the binlog on a thread of its own (framing, CRC, decoding), handing
/// out events through a bounded queue.
core::Result<std::unique_ptr<ChangeSource>> openMariaDbChangeSource(const connect::ConnectionSpec& source,
                                                                    const MariaDbSourceOptions& options);

}  // namespace ferry::cdc
