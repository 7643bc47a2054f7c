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
#include "connect/connection_spec.h"
#include "connect/pg/pg_connection.h"
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

/// The source's WAL position, then the column types of the tables `labels`
/// ("schema.table") names: what RowMapper::relation() tells a type change by.
/// A relation in a transaction that committed before the position is history.
struct SourceTypesAt {
  cdc::PgPosition lsn;
  cdc::RowMapper::SourceTypes types;
};
core::Result<SourceTypesAt> readSourceTypes(const connect::ConnectionSpec& source, const std::set<std::string>& labels);

/// Checks the run's slot on `beat` (there, and not invalidated by the source)
/// and opens the stream from it; a slot that a killed sync (or a cut link) left
/// active is waited for, up to 10 s.
core::Result<std::unique_ptr<cdc::ChangeSource>> openRunStream(connect::PgConnection& beat,
                                                                 const connect::ConnectionSpec& source,
                                                                 const cdc::PgSourceOptions& options,
                                                                 const std::function<bool()>& stopping);

}  // namespace ferry::run
