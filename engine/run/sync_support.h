#pragma once
/// Pieces of the sync (run/sync_run.cpp) kept apart, for the run library only:
/// the lag windows and the progress JSON (sync_progress.cpp), the target's
/// columns against the source's (sync_schema.cpp), and what the sync, `ferry
/// status` and `ferry ctl` share in the run state.

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cdc/applier.h"
#include "cdc/apply_target.h"
#include "cdc/change_source.h"
#include "cdc/ddl_statement.h"
#include "connect/connection_spec.h"
#include "copy/chunk_copier.h"
#include "copy/table_job.h"
#include "core/result.h"
#include "ddl/target_model.h"
#include "run/sync_run.h"
#include "state/run_state_store.h"

namespace ferry::run {

/// The run-state setting the sync saves its progress in (every second while it runs).
constexpr const char* kSyncProgressSetting = "sync_progress";

/// Lag samples (milliseconds) of the last minute, with when they were taken.
using LagWindow = std::deque<std::pair<std::chrono::steady_clock::time_point, double>>;
LagStats lagStatsOf(const LagWindow& window);
void addLagSample(LagWindow& window, double ms);

/// The lag over the run's life, kept in the run state ("lag_history": one
/// [unix ms, last, p50, p99] sample every 10 s, the newest 4,320 — 12 hours)
/// for the evidence pack's chart.
class LagHistory {
public:
  static constexpr const char* kSetting = "lag_history";
  static constexpr std::size_t kKeep = 4320;
  void load(const state::RunStateStore& st);
  /// Adds a sample when 10 s passed since the last one, and saves.
  void add(state::RunStateStore& st, const LagStats& lag);

private:
  nlohmann::json m_samples = nlohmann::json::array();
  std::chrono::steady_clock::time_point m_last{};
};

/// Bytes of log from `a` to `b` (0 when b is not after a). Two binlog files
/// apart, the bytes in b's file only (the size of those between is not known here).
std::int64_t bytesBetween(const cdc::LogPosition& a, const cdc::LogPosition& b);
/// A statement shown in a message: its first 300 characters.
std::string shortSql(const std::string& sql);

/// A sync whose saved progress is `progress` still runs: its process is alive
/// and its phase is a live one (connecting, streaming, reconnecting).
bool syncRunning(const nlohmann::json& progress);
/// The same for the progress saved in `st` (none saved, or unreadable: not running).
core::Result<bool> syncRunningOn(const state::RunStateStore& st);

/// The target's columns against the source's now: a column added since the
/// copy gets `ALTER TABLE … ADD COLUMN`, a column whose source type changed gets
/// `ALTER COLUMN … TYPE` (MySQL/MariaDB: `MODIFY COLUMN`) — from the same mapping
/// as the copy's DDL. Applied when the policy allows and the change only adds a
/// nullable plain column or widens a type (ddl/type_widening.h), else proposed
/// in the error that stops the sync (and saved in the run state as "ddl_proposed").
/// A target column already wider than the mapping's type is left as it is.
core::Status reconcileTargetColumns(const connect::ConnectionSpec& target, const std::vector<copy::TableJob>& jobs,
                                    const ddl::TargetModel& model, DdlPolicy policy, state::RunStateStore& st,
                                    std::atomic<SyncRun::StopReason>& reason);

/// What the stream does at a MariaDB schema change, from the statement alone
/// and the tables streamed ("schema.table"): a column added or retyped (and
/// CONVERT TO CHARACTER SET) makes the mapping be made again from the catalog
/// and the target reconciled (Remap); a rename or drop of a streamed table, a
/// renamed column, or a statement Ferry cannot read stops the stream (the DBA
/// mirrors it and passes it); TRUNCATE empties the target table; a dropped
/// column is only noted (the target keeps it); the rest changes no column.
struct DdlDecision {
  enum class Action { Ignore, Stop, Remap, Truncate };
  Action action = Action::Ignore;
  std::string why;    ///< Stop: what the statement does
  std::string table;  ///< Truncate: the streamed table
  std::vector<std::string> notes;
};
DdlDecision decideDdl(const cdc::DdlStatement& d, const std::set<std::string>& streamed);

/// The rows the open target transaction (a group of source transactions) applied,
/// added to the progress when it commits.
struct GroupCounts {
  std::int64_t rows = 0, inserts = 0, updates = 0, deletes = 0;
  std::map<std::string, std::int64_t> byTable;  ///< source "schema.table" → rows

  void add(cdc::RowOp::Kind kind, const std::string& table) {
    ++rows;
    ++byTable[table];
    ++of(kind);
  }
  /// A change logged as a divergence: not applied, so not counted.
  void remove(cdc::RowOp::Kind kind, const std::string& table) {
    --rows;
    if (auto t = byTable.find(table); t != byTable.end() && t->second > 0) --t->second;
    --of(kind);
  }
  void addTo(SyncProgress& s) const {
    s.inserts += inserts;
    s.updates += updates;
    s.deletes += deletes;
    for (const auto& [t, n] : byTable) s.rowsByTable[t] += n;
  }

private:
  std::int64_t& of(cdc::RowOp::Kind kind) {
    return kind == cdc::RowOp::Kind::Insert ? inserts : kind == cdc::RowOp::Kind::Update ? updates : deletes;
  }
};

/// The source's log position, then the column types of the tables `labels`
/// ("schema.table") names: what RowMapper::relation() tells a type change by.
/// A relation in a transaction that committed before the position is history.
/// (MariaDB: nothing — a type change is seen at its ALTER in the binlog, not by
/// comparing TABLE_MAP layouts with the catalog.)
struct SourceTypesAt {
  cdc::LogPosition lsn;
  cdc::RowMapper::SourceTypes types;
};
core::Result<SourceTypesAt> readSourceTypes(const connect::ConnectionSpec& source, const std::set<std::string>& labels);

/// Where a run's stream starts, from its run state (sync_start.cpp): its copy
/// finished under a snapshot the stream can start at.
struct StreamStart {
  std::string runId;
  /// The migration this run belongs to: its own id, or — the way back after a
  /// cutover — the forward run's. MariaDB apply sessions of both directions
  /// are tagged by it (cdc::migrationServerId).
  std::string migrationId;
  cdc::LogPosition snapshot;  ///< the copy's consistent point
  std::string snapshotText;   ///< as the DBA knows it: an LSN, or "<GTID position> <binlog file>:<offset>"
  std::string slot;           ///< PostgreSQL: the slot and publication the copy kept
  std::string publication;
  cdc::GtidPosition gtid;     ///< MariaDB: the snapshot's GTID position
  /// A resumed copy: each table's own snapshot position (its changes before it are in the copy).
  std::map<std::string, cdc::LogPosition> tableFrom;
  copy::MarksTable marks;
  std::string binlogBase;     ///< MariaDB: the binlog files' name without the number
};
core::Result<StreamStart> loadStreamStart(state::RunStateStore& st, const std::string& statePath,
                                          model::Engine sourceEngine);

/// Where an attempt resumes: the target's stored position (the text is
/// "<GTID position> <binlog file>:<offset>" for a MariaDB source), or the
/// copy's snapshot when nothing was applied yet.
struct ResumePoint {
  cdc::LogPosition applied;
  cdc::GtidPosition gtid;  ///< MariaDB: the stream starts after it
  std::string text;
  std::int64_t transactions = 0;
  std::int64_t rows = 0;
};
core::Result<ResumePoint> resumePointOf(const StreamStart& start, const std::optional<cdc::StoredPosition>& stored,
                                        bool binlog);

/// --max-rate: when the next row is due at `limit` rows per second (now when
/// 0); the count starts over when the limit changes or every 2 s.
class RowRate {
public:
  std::chrono::steady_clock::time_point due(std::int64_t limit) {
    const auto now = std::chrono::steady_clock::now();
    if (limit <= 0) return now;
    if (limit != m_limit || now - m_start > std::chrono::seconds(2)) {
      m_limit = limit;
      m_start = now;
      m_rows = 0;
    }
    ++m_rows;
    return m_start + std::chrono::microseconds(m_rows * 1'000'000 / limit);
  }

private:
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::int64_t m_rows = 0;
  std::int64_t m_limit = 0;
};

/// The sync's ordinary session on the source, beside the stream: heartbeats,
/// marks and the source's log end. PostgreSQL: pg_logical_emit_message.
/// MariaDB: a row of ferry_heartbeat.beat per heartbeat (created on first use).
class SourceSession {
public:
  virtual ~SourceSession() = default;
  /// Writes a heartbeat the stream hands back as a Message (prefix
  /// cdc::kHeartbeatPrefix, `content`), committed at once; returns the source's
  /// log end after it. An error that does not break the connection means
  /// heartbeats cannot be written here (its hint says which privilege).
  virtual core::Result<cdc::LogPosition> heartbeat(const std::string& content) = 0;
  /// A transaction of its own, so the stream passes the current position.
  virtual core::Status mark() = 0;
  virtual core::Result<cdc::LogPosition> logEnd() = 0;
  /// From another thread: make a blocked call fail (PostgreSQL; a MariaDB
  /// session has read and write timeouts instead).
  virtual void shutdownSocket() = 0;
};

struct RunSourceOptions {
  std::string runId;
  int ioTimeoutSeconds = 60;
  /// PostgreSQL: the run's slot and publication, from `pg.start`.
  cdc::PgSourceOptions pg;
  /// MariaDB: Ferry's server_id, the GTID position applied, the tables streamed.
  std::uint32_t serverId = 0;
  cdc::GtidPosition gtidStart;
  std::set<std::string> tables;
  std::string binlogBase;  ///< the binlog files' name without the number ("mariadb-bin"), until the server says it
  std::set<std::uint32_t> skipServerIds;  ///< MariaDB: Ferry's own apply sessions' transactions are left out
};

struct RunSource {
  std::unique_ptr<SourceSession> session;
  std::unique_ptr<cdc::ChangeSource> stream;
};

/// Opens the session, then the stream. PostgreSQL: the run's slot is checked
/// (there, and not invalidated) and a slot a killed sync (or a cut link) left
/// active is waited for, up to 10 s. MariaDB: the binlog from the GTID
/// position, with the catalog's print forms of the streamed tables' columns.
core::Result<RunSource> openRunSource(const connect::ConnectionSpec& source, const RunSourceOptions& options,
                                      const std::function<bool()>& stopping);

/// The server_id a run's stream reads the binlog with, unless one is given:
/// the same for every sync of the run (a killed sync's dump thread is replaced,
/// not doubled), in a range no server configuration is likely to use.
std::uint32_t defaultServerId(const std::string& runId);

}  // namespace ferry::run
