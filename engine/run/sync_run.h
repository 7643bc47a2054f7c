#pragma once
/// The change-capture phase: streams the source's changes from the copy's slot
/// and applies them to the target in commit order, exactly once across crashes
/// (the applied position is stored in the target in the same transaction as the
/// changes), with heartbeat lag measured on Ferry's own clock.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connect/connection_spec.h"
#include "core/result.h"
#include "plan/project.h"
#include "run/changed_keys.h"

namespace ferry::run {

enum class OnConflict { Stop, Log };
/// A column the source gained: stop and propose the target statement, or add a
/// nullable one by itself.
enum class DdlPolicy { Stop, AutoAdditive };
enum class TruncatePolicy { Apply, Stop };

struct SyncOptions {
  std::string statePath;  ///< the copy's run-state file (required)
  bool untilCaughtUp = false;  ///< exit once everything committed at the start is applied
  OnConflict onConflict = OnConflict::Stop;
  DdlPolicy ddl = DdlPolicy::Stop;
  TruncatePolicy truncate = TruncatePolicy::Apply;
  int heartbeatMs = 200;
  /// MariaDB source: Ferry's server_id as a replica (0: one derived from the
  /// run id, the same for every sync of the run). It must differ from every
  /// server's and replica's id in the replication topology.
  std::uint32_t serverId = 0;
  /// MariaDB source: the GTIDs of schema changes the stream stopped at
  /// (renames, drops, statements it cannot read) that the DBA has mirrored on
  /// the target: the stream goes on past them.
  std::set<std::string> passDdl;
  int stallAfterSeconds = 30;
  /// Source transactions grouped into one target transaction at most; the group
  /// also commits after 100 ms or when the stream is idle.
  int groupTransactions = 1000;
  /// Apply at most this many rows per second (0 = unlimited); `ferry ctl set
  /// max-rate=N` and the workbench change it while the stream runs.
  std::int64_t maxRowsPerSecond = 0;
  /// A lost connection to either server is retried with backoff (0.5 s doubling
  /// to 15 s) for this long before the sync stops with the error; 0 = never retry.
  int reconnectForSeconds = 300;
  /// A server call that has not answered for this long is taken for a link that
  /// hangs without breaking: the connections are closed and the sync reconnects
  /// (run/sync_watchdog.h); 0 = wait for ever.
  int ioTimeoutSeconds = 60;
  /// PostgreSQL target: a run of this many inserts into one table or more is
  /// loaded by COPY (cdc::ApplyTargetOptions::bulkInsertMinRows).
  std::size_t bulkInsertMinRows = 1000;
  /// Poll the run state for `ferry ctl` commands (off for runs that have no
  /// other process to hear from; the workbench calls pause()/resume() directly).
  bool controlChannel = true;
};

struct SyncRequest {
  connect::ConnectionSpec source;
  connect::ConnectionSpec target;
  plan::Project project;
  SyncOptions options;
};

struct LagStats {
  double last = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;  ///< milliseconds
  int samples = 0;
};

struct SyncProgress {
  std::string phase;  ///< "connecting", "streaming", "caught-up", "stopped", "failed"
  std::string snapshotPosition;
  std::string firstStreamed;
  std::string receivedPosition;
  std::string appliedPosition;
  std::string confirmedPosition;
  std::int64_t transactionsReceived = 0;
  std::int64_t transactionsApplied = 0;
  std::int64_t rowsApplied = 0;
  std::int64_t inserts = 0, updates = 0, deletes = 0, truncates = 0;
  std::int64_t skippedTransactions = 0;  ///< at or before the target's stored position (already applied)
  std::int64_t skippedRows = 0;
  std::int64_t divergences = 0;
  LagStats heartbeatLag;  ///< over the last minute
  std::int64_t heartbeatsApplied = 0;  ///< ever: a gate tells a fresh lag sample from an old one by it
  LagStats commitLag;     ///< target commit time − source commit time
  std::int64_t bytesBehind = 0;
  bool stalled = false;
  std::string stallReason;
  std::map<std::string, std::int64_t> rowsByTable;
  double elapsedSeconds = 0;
  bool paused = false;  ///< applies nothing until resumed (the link to the source stays up)
  std::int64_t maxRowsPerSecond = 0;
  std::string hold;    ///< a verification's hold: "", "held", "running to X", "held at X"
  std::string heldAt;  ///< the position it holds at, once reached
  int reconnects = 0;  ///< connections re-established after a loss
  std::string lastReconnectError;  ///< what the last lost connection said
};

struct SyncSummary {
  SyncProgress final;
  std::vector<std::string> divergences;  ///< --on-conflict log: what was recorded
};

/// The progress as `ferry sync --json` and `ferry status --json` print it.
nlohmann::json syncProgressJson(const SyncProgress& p);

/// `ferry status`: what the run state says of the run and its stream (the
/// sync's last saved progress, refreshed every second while it runs), and —
/// when the servers answer — the source's WAL position (bytes behind), the
/// slot's state and WAL held, and each sequence's drift (source last value −
/// target last value, PostgreSQL targets).
core::Result<nlohmann::json> runStatus(const std::string& statePath, const connect::ConnectionSpec* source,
                                       const connect::ConnectionSpec* target);

/// The schema change a sync stopped at (kept in the run state until decided):
/// what the source gained, and the target statements proposed for it.
struct PendingSchemaChange {
  std::string change;    ///< "public.items.extra (integer)", comma-separated
  std::string proposed;  ///< the statements, one per line
};
core::Result<std::optional<PendingSchemaChange>> pendingSchemaChange(const std::string& statePath);

/// The decision "apply": runs `sql` — the proposal, or the DBA's edit of it — on
/// the target statement by statement (PostgreSQL: in one transaction), records
/// each in the run state (ddl_applied_N) and clears the proposal. Returns the
/// statements run. The next sync checks the target's columns again and streams
/// on from its stored position (nothing of the stopped transaction was applied).
core::Result<std::vector<std::string>> applySchemaDecision(const std::string& statePath,
                                                           const connect::ConnectionSpec& target,
                                                           const std::string& sql);

class SyncRun {
public:
  explicit SyncRun(SyncRequest request);
  ~SyncRun();
  SyncRun(const SyncRun&) = delete;
  SyncRun& operator=(const SyncRun&) = delete;

  /// Streams until `stop` (after the transaction in flight), until caught up
  /// (with untilCaughtUp), or until an error. A divergence under
  /// OnConflict::Stop is an Error of kind Data whose message names table, key and
  /// position; a schema change one of kind Unsupported.
  core::Result<SyncSummary> run(std::stop_token stop);
  SyncProgress progress() const;
  /// Flow control, from any thread (the workbench) or another process (`ferry
  /// ctl`, through the run state): a pause takes effect after the source
  /// transaction in flight; while paused the stream still keeps its link to the
  /// source alive (status updates) and keeps the slot's position.
  void pause();
  void resume();
  bool isPaused() const;
  void setMaxRowsPerSecond(std::int64_t rowsPerSecond);
  /// From another thread of this process (the cutover's drain): applies every
  /// source transaction that committed before `position` (the stream proves it
  /// has seen the source's log up to there even when nothing follows), commits,
  /// and holds before the first that did not. Fails after `timeout`, or when
  /// run() ends, releasing the hold.
  core::Status runToAndHold(const std::string& position, std::chrono::milliseconds timeout, std::stop_token stop);
  void releaseHold();
  /// The keys this sync applied changes to since `position` (a position a
  /// verification held it at; run/changed_keys.h).
  ChangedKeySet changedKeysSince(const std::string& position) const;
  /// Reads the run's tables (and their mapping) again between transactions and
  /// streams on from the stored position: a table added to the run (the
  /// cutover's canary) is streamed from then on.
  void refreshTables();
  /// Why the last run() stopped with an error, for exit codes.
  enum class StopReason { None, Divergence, SchemaChange };
  StopReason stopReason() const;
  /// Stopped at a MariaDB schema change the stream does not follow (a rename, a
  /// drop, a statement it cannot read): its GTID, which SyncOptions::passDdl
  /// passes once the DBA mirrored it on the target; "" otherwise.
  std::string passableDdl() const;

  struct Impl;

private:
  SyncRequest m_request;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace ferry::run
