#include "run/sync_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include <unistd.h>

#include "cdc/applier.h"
#include "cdc/change_source.h"
#include "cdc/ddl_statement.h"
#include "connect/pg/pg_connection.h"
#include "connect/pg/pg_stream.h"
#include "copy/table_job.h"
#include "core/log.h"
#include "core/text.h"
#include "run/assessment_run.h"
#include "run/copy_support.h"
#include "run/state_path.h"
#include "run/sync_control.h"
#include "run/sync_hold.h"
#include "run/sync_impl.h"
#include "run/sync_support.h"
#include "run/sync_watchdog.h"
#include "state/run_state_store.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

using cdc::kHeartbeatPrefix;

/// A group of source transactions commits on the target after this long at most.
constexpr auto kGroupMaxAge = std::chrono::milliseconds(25);
/// How often the target's durable position is asked for and confirmed to the source.
constexpr auto kConfirmInterval = std::chrono::milliseconds(500);

}  // namespace

core::Result<SyncSummary> SyncRun::run(std::stop_token stop) {
  const auto& req = m_request;
  const auto& opt = req.options;
  Impl& im = *m_impl;
  if (opt.statePath.empty()) return Error(ErrorKind::Usage, "sync needs the copy's run-state file", "Give --state FILE.");

  // 1. The run: its copy finished under a snapshot the stream starts at.
  auto store = state::RunStateStore::open(opt.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto start = loadStreamStart(st, opt.statePath, req.source.engine);
  if (!start) return std::move(start).error();
  const std::string runId = start->runId;
  const auto& tableFrom = start->tableFrom;
  const auto& marks = start->marks;
  const bool binlogSource = req.source.engine != model::Engine::PostgreSQL;

  // 2. What the copy wrote: the same assessment gives the same target tables and
  // converters. Made again after a schema change on the source (a new column).
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();
  std::set<std::string> copied;
  for (const auto& t : *tables) copied.insert(t.sourceSchema + "." + t.sourceTable);
  std::unique_ptr<cdc::RowMapper> mapperHolder;
  bool serversChecked = false;
  // Maps the tables anew from the source's catalog and makes sure the target
  // has every column the source has now: a missing one is added (--ddl
  // auto-additive, nullable only) or the sync stops proposing the statement.
  cdc::LogPosition mappedAt;  // the source's position when the mapping's catalog was read
  auto buildMapper = [&](bool reconcile) -> core::Status {
    // The run's tables again: a cutover adds its canary table to a running sync.
    auto listed = st.listTables();
    if (!listed) return std::move(listed).error();
    copied.clear();
    for (const auto& t : *listed) copied.insert(t.sourceSchema + "." + t.sourceTable);
    auto types = readSourceTypes(req.source, copied);
    if (!types) return std::move(types).error();
    AssessRequest areq;
    areq.source = req.source;
    areq.target = req.target;
    areq.project = req.project;
    auto assessed = assessSource(areq);
    if (!assessed) return std::move(assessed).error();
    if (!serversChecked) {
      FERRY_TRY(checkRunServers(st, true, *assessed->sourceServer, *assessed->targetServer));
      serversChecked = true;
    }
    auto jobs = copy::buildJobs(assessed->catalog, assessed->assessment);
    if (!jobs) return std::move(jobs).error();
    std::vector<copy::TableJob> streamed;
    for (auto& j : *jobs) {
      if (copied.contains(j.label())) streamed.push_back(std::move(j));
    }
    if (reconcile) {
      FERRY_TRY(reconcileTargetColumns(req.target, streamed, assessed->assessment.target, opt.ddl, st, im.stopReason));
    }
    mapperHolder = std::make_unique<cdc::RowMapper>(std::move(streamed));
    mapperHolder->setSourceTypes(std::move(types->types));
    mappedAt = types->lsn;
    return {};
  };
  // A binlog source's schema changes are met in the stream, at their place
  // (the catalog may be further ahead): the target is reconciled then.
  FERRY_TRY(buildMapper(!binlogSource));

  // What outlives a lost connection: heartbeats already emitted (they are still
  // in the source's WAL and come again), the caught-up goal, the divergences logged.
  bool heartbeats = opt.heartbeatMs > 0;
  // Heartbeats carry the run and this process's own tag: one emitted by an
  // earlier sync of the same run (its last, never applied) is not ours to time —
  // counting it would say "caught up" before the changes committed after it.
  const std::string beatTag =
      runId + ":" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + ":";
  std::int64_t heartbeatSeq = 0;
  std::map<std::int64_t, Clock::time_point> emitted;  // heartbeat number → when Ferry emitted it
  std::optional<std::int64_t> caughtUpBeat;           // --until caught-up: the first heartbeat after the start
  std::optional<std::int64_t> caughtUpDone;
  cdc::LogPosition startEnd;                           // fallback without heartbeats: the source's WAL end at start
  bool firstRecorded = false;
  if (auto first = st.loadSetting("stream_first_position"); first && *first) {
    firstRecorded = true;
    im.update([&](SyncProgress& s) { s.firstStreamed = **first; });
  }
  std::vector<std::string> logged;
  // `ferry ctl`: commands written before this sync started are not for it.
  std::int64_t controlSeq = 0;
  if (opt.controlChannel) {
    auto last = lastSyncCommandSeq(st);
    if (!last) return std::move(last).error();
    controlSeq = *last;
  }
  Clock::time_point lastControl{};
  Clock::time_point lastSaved{};
  LagHistory lagHistory;  // for the evidence pack
  lagHistory.load(st);
  // `ferry status` reads this from another process (the state is SQLite in WAL mode).
  auto saveProgress = [&]() {
    lastSaved = Clock::now();
    const SyncProgress now = progress();
    nlohmann::json j = syncProgressJson(now);
    j["saved_at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    j["pid"] = static_cast<std::int64_t>(::getpid());
    (void)st.saveSetting(kSyncProgressSetting, j.dump());
    lagHistory.add(st, now.heartbeatLag);
  };
  // Returns true when the sync was asked to stop.
  auto pollControl = [&]() -> bool {
    // A verification holding the sync waits on every answer: listen closely then.
    const auto every = std::chrono::milliseconds(im.hold.active() ? 5 : 50);
    if (!opt.controlChannel || Clock::now() - lastControl < every) return false;
    lastControl = Clock::now();
    auto cmd = readSyncCommand(st, controlSeq);
    if (!cmd || !*cmd) return false;
    const SyncCommand c = **cmd;
    controlSeq = c.seq;
    SyncCommandAck ack{c.seq, true, "", false, 0};
    const bool stopNow = carryOutSyncCommand(c, *this, im.hold, progress().appliedPosition, st, ack);
    if ((c.command == "run-to" || c.command == "drain-to") && ack.ok) im.markWanted = true;
    core::log(core::LogLevel::Info, "sync: ctl " + c.command + ": " + ack.message);
    ack.paused = isPaused();
    ack.maxRowsPerSecond = im.maxRate.load();
    (void)ackSyncCommand(st, ack);
    saveProgress();
    return stopNow;
  };
  bool stopAsked = false;
  auto stopping = [&]() { return stop.stop_requested() || stopAsked; };
  bool attemptConnected = false;
  bool lostBefore = false;  // an earlier attempt lost its connection

  // One connection to each server, from the target's stored position, until
  // the end or an error; a lost connection ends the attempt and the caller
  // retries with backoff.
  bool refreshSchema = false;            // streamOnce ended on a new column: map again, start over
  // A bulk load (COPY) met a row the target already had: the group is applied
  // again with row-by-row inserts up to this source transaction, which names the
  // row as a divergence.
  std::optional<cdc::LogPosition> preciseUntil;
  bool bulkConflict = false;
  std::set<std::string> schemaRefreshed;  // table:columns refreshed once already (a second time stops)
  auto streamOnce = [&]() -> core::Status {
    attemptConnected = false;
    cdc::RowMapper& mapper = *mapperHolder;
    im.hold.restart();
    // 3. The target, and where it stands.
    cdc::ApplyTargetOptions targetOptions;
    targetOptions.ioTimeoutSeconds = opt.ioTimeoutSeconds;
    targetOptions.bulkInsertMinRows = opt.bulkInsertMinRows;
    // pgoutput carries the rows the source's cascades and triggers changed; the
    // binlog carries the triggers' rows but not InnoDB's cascades, which the
    // target's foreign keys must then make again.
    targetOptions.replicaRole = !binlogSource;
    // Loop prevention: the applied changes carry the migration's tag, which the
    // stream of the other direction leaves out (docs/cutover.md).
    if (req.target.engine == model::Engine::PostgreSQL) {
      targetOptions.replicationOrigin = cdc::applyOrigin(runId);
    } else {
      targetOptions.tagServerId = cdc::migrationServerId(start->migrationId);
    }
    auto target = cdc::openApplyTarget(req.target, targetOptions);
    if (!target) return std::move(target).error().context("target");
    auto& tgt = **target;
    tgt.setBulkInserts(!preciseUntil);
    FERRY_TRY(tgt.prepare(marks, runId));
    auto stored = tgt.storedPosition();
    if (!stored) return std::move(stored).error();
    auto resume = resumePointOf(*start, *stored, binlogSource);
    if (!resume) return std::move(resume).error();
    cdc::LogPosition applied = resume->applied;
    im.changedKeys.start(applied.text());
    const cdc::GtidPosition gtidApplied = resume->gtid;
    std::string appliedText = resume->text;
    std::int64_t totalTx = resume->transactions;
    std::int64_t totalRows = resume->rows;

    // 4. The source: the stream, and an ordinary session for heartbeats and log positions.
    RunSourceOptions so;
    so.runId = runId;
    so.ioTimeoutSeconds = opt.ioTimeoutSeconds;
    so.pg = {start->slot, start->publication, applied};
    so.serverId = opt.serverId != 0 ? opt.serverId : defaultServerId(runId);
    so.gtidStart = gtidApplied;
    so.tables = copied;
    so.binlogBase = start->binlogBase;
    so.skipServerIds = {cdc::migrationServerId(start->migrationId)};
    auto source = openRunSource(req.source, so, stopping);
    if (!source) return std::move(source).error();
    auto& src = *source->stream;
    auto& session = *source->session;
    attemptConnected = true;
    im.update([&](SyncProgress& s) {
      s.snapshotPosition = start->snapshotText;
      s.appliedPosition = appliedText;
      s.transactionsApplied = totalTx;
      s.rowsApplied = totalRows;
      // Until the server reports more: received and confirmed are where the stream starts.
      s.receivedPosition = src.describe(applied);
      s.confirmedPosition = src.describe(src.confirmed());
    });
    if (lostBefore) im.update([](SyncProgress& s) { ++s.reconnects; });

    if (!startEnd.valid()) {
      if (auto end = session.logEnd(); end) startEnd = *end;
    }
    auto emitHeartbeat = [&]() -> core::Status {
      if (!heartbeats) return {};
      const std::int64_t n = ++heartbeatSeq;
      auto w = session.heartbeat(beatTag + std::to_string(n));
      if (!w) {
        if (w.error().breaksConnection()) return std::move(w).error().context("source (heartbeat)");
        core::log(core::LogLevel::Warning, "sync: heartbeats off (" + w.error().oneLine() +
                                               "): lag is measured from commit times only. " + w.error().hint());
        heartbeats = false;
        return {};
      }
      emitted[n] = Clock::now();
      if (opt.untilCaughtUp && !caughtUpBeat) caughtUpBeat = n;
      im.update([&](SyncProgress& s) { s.bytesBehind = bytesBetween(applied, *w); });
      return {};
    };

    im.setPhase("streaming");
    // The loop's state.
    bool groupOpen = false;  // a target transaction is open
    bool inTx = false;       // between a source Begin and its Commit
    bool skipping = false;   // the source transaction is already applied
    cdc::LogPosition txCommit;  // the commit position of the source transaction in flight
    std::string txGtid;         // MariaDB: its GTID
    int groupTx = 0;
    std::size_t queued = 0;
    std::int64_t txRows = 0;  // rows of the source transaction in flight given to the target
    Clock::time_point groupStart;
    std::vector<std::int64_t> groupBeats;        // heartbeats inside the open group
    std::vector<std::int64_t> groupCommitTimes;  // source commit times of its transactions
    GroupCounts group;  // what the open group applied
    cdc::LogPosition groupEnd;
    std::string groupEndText;  // what the target stores for it
    std::deque<std::pair<std::uint64_t, cdc::LogPosition>> notDurable;  // commit token → source position
    Clock::time_point lastBeat{};
    Clock::time_point lastConfirm = Clock::now();
    // Running to a verification's position: the first transaction past it, read
    // but held back (applied once the hold is released).
    std::optional<cdc::ChangeEvent> heldBegin;
    // A link that hangs without breaking: the blocked call is made to fail.
    IoWatchdog watchdog(std::chrono::seconds(opt.ioTimeoutSeconds), [&] {
      core::log(core::LogLevel::Warning, "sync: no answer from the servers for " +
                                             std::to_string(opt.ioTimeoutSeconds) +
                                             " s: closing the connections to reconnect");
      tgt.abortIo();
      src.abortIo();
      session.shutdownSocket();
    });
    Clock::time_point lastProgressApplied = Clock::now();
    RowRate rate;  // --max-rate

    auto handleDivergences = [&](std::vector<cdc::Divergence> found) -> core::Status {
      for (const auto& d : found) {
        const std::string text = d.table + " key " + d.key + ": " + d.what + " (source transaction before " +
                                 src.describe(src.serverEnd()) + ")";
        if (opt.onConflict == OnConflict::Stop) {
          im.stopReason = StopReason::Divergence;
          (void)tgt.rollback();
          groupOpen = false;
          return Error(ErrorKind::Data, "the target diverged from the source: " + text,
                       "Nothing of this group was applied. Repair the row (ferry verify --repair), or run with "
                       "--on-conflict log to record such changes and go on.");
        }
        core::log(core::LogLevel::Warning, "sync: divergence: " + text);
        // Logged, not applied: the counts say what the target got.
        group.remove(d.kind, d.table);
        logged.push_back(text);
        FERRY_TRY(st.saveSetting("divergence_" + std::to_string(logged.size()), text));
        im.update([](SyncProgress& s) { ++s.divergences; });
      }
      return {};
    };
    auto flush = [&]() -> core::Status {
      auto found = tgt.flush();
      if (!found) return std::move(found).error();
      queued = 0;
      return handleDivergences(std::move(*found));
    };
    auto commitGroup = [&]() -> core::Status {
      if (!groupOpen) return {};
      if (groupTx == 0) {
        // Opened by a transaction still in flight that gave it nothing: nothing to store.
        groupOpen = false;
        groupCommitTimes.clear();
        groupBeats.clear();
        return tgt.rollback();
      }
      FERRY_TRY(flush());
      auto token = tgt.commit({groupEndText, totalTx + groupTx, totalRows + group.rows});
      if (!token) return std::move(token).error();
      totalTx += groupTx;
      totalRows += group.rows;
      groupOpen = false;
      applied = groupEnd;
      appliedText = groupEndText;
      if (preciseUntil && !(groupEnd < *preciseUntil)) {
        preciseUntil.reset();
        tgt.setBulkInserts(true);
      }
      notDurable.emplace_back(*token, groupEnd);
      const auto now = Clock::now();
      const auto nowUs = connect::PgReplicationStream::nowPgMicros();
      std::lock_guard lock(im.mutex);
      for (auto n : groupBeats) {
        if (auto it = emitted.find(n); it != emitted.end()) {
          addLagSample(im.heartbeatLag, std::chrono::duration<double, std::milli>(now - it->second).count());
          ++im.p.heartbeatsApplied;
          emitted.erase(it);
        }
        if (caughtUpBeat && n >= *caughtUpBeat) caughtUpDone = n;
      }
      for (auto t : groupCommitTimes) addLagSample(im.commitLag, static_cast<double>(nowUs - t) / 1000.0);
      auto& s = im.p;
      s.appliedPosition = appliedText;
      s.receivedPosition = src.describe(std::max(src.serverEnd(), applied));
      s.transactionsApplied = totalTx;
      s.rowsApplied = totalRows;
      group.addTo(s);
      groupBeats.clear();
      groupCommitTimes.clear();
      groupTx = 0;
      group = {};
      lastProgressApplied = now;
      return {};
    };
    auto confirmDurable = [&]() -> core::Status {
      lastConfirm = Clock::now();
      // Between groups only: the target session is busy with the open one.
      if (!notDurable.empty() && !groupOpen) {
        auto durable = tgt.durable();
        if (!durable) return std::move(durable).error();
        cdc::LogPosition upTo;
        while (!notDurable.empty() && notDurable.front().first <= *durable) {
          upTo = notDurable.front().second;
          notDurable.pop_front();
        }
        if (upTo.valid()) FERRY_TRY(src.confirm(upTo));
      }
      // Idle (nothing in flight, everything applied durable): the server sent all it
      // had up to its end of WAL, and none of it was for us.
      if (!groupOpen && !inTx && notDurable.empty() && src.serverEnd() > src.confirmed()) {
        FERRY_TRY(src.confirm(src.serverEnd()));
      }
      im.update([&](SyncProgress& s) {
        s.confirmedPosition = src.describe(src.confirmed());
        s.receivedPosition = src.describe(std::max(src.serverEnd(), applied));
      });
      return {};
    };
    // --max-rate: waits until the next row is due, keeping the source link alive.
    auto throttle = [&]() -> core::Status {
      const auto due = rate.due(im.maxRate.load());
      for (auto now = Clock::now(); now < due && !stop.stop_requested(); now = Clock::now()) {
        std::this_thread::sleep_for(std::min<Clock::duration>(due - now, std::chrono::milliseconds(50)));
        FERRY_TRY(src.keepAlive());
        watchdog.tick();
      }
      return {};
    };
    // Running to a verification's position, reached: everything before it committed, held there.
    auto holdHere = [&]() -> core::Status {
      FERRY_TRY(commitGroup());
      if (auto to = im.hold.runningTo()) im.changedKeys.mark(to->text());
      im.hold.reached();
      saveProgress();
      return {};
    };
    auto failed = [&](Error e) -> core::Status {
      if (watchdog.fired() || watchdog.overdue()) {
        return Error(ErrorKind::ConnectionLost,
                     "no answer from the servers for " + std::to_string(opt.ioTimeoutSeconds) +
                         " s (a link that hangs without breaking, or a lock held on the target): " + e.message(),
                     "The sync reconnects; --io-timeout sets how long it waits for an answer.");
      }
      if (tgt.takeBulkConflict()) {
        bulkConflict = true;
        preciseUntil = txCommit;
      }
      if (groupOpen) (void)tgt.rollback();
      return e;
    };

    // TRUNCATE of migrated tables: pgoutput's Truncate, or MariaDB's statement.
    auto truncateTables = [&](const std::vector<const cdc::TargetTable*>& emptied, bool restartIdentity) -> core::Status {
      std::vector<const cdc::TargetTable*> ts;
      std::vector<std::string> names;
      for (const auto* t : emptied) {
        if (!t) continue;  // not migrated
        names.push_back(t->label);
        // A table a resumed copy read under a later snapshot already holds this change.
        if (const auto from = tableFrom.find(t->label); from != tableFrom.end() && txCommit < from->second) continue;
        ts.push_back(t);
      }
      if (names.empty()) return {};
      if (opt.truncate == TruncatePolicy::Stop) {
        im.stopReason = StopReason::SchemaChange;
        return Error(ErrorKind::Unsupported, "TRUNCATE of " + core::join(names, ", ") + " on the source (--truncate stop)",
                     "Nothing of its transaction was applied. Empty the table(s) on the target yourself or run with "
                     "--truncate apply, then run ferry sync again.");
      }
      if (ts.empty()) return {};
      FERRY_TRY(tgt.truncate(ts, restartIdentity));
      im.update([](SyncProgress& s) { ++s.truncates; });
      return {};
    };
    // MariaDB: a schema change as the binlog carries it (cdc/ddl_statement.h),
    // at its place in the stream (decideDdl, sync_schema.cpp).
    auto onDdl = [&](const cdc::ChangeEvent& e) -> core::Status {
      if (opt.passDdl.contains(txGtid)) {
        core::log(core::LogLevel::Info, "sync: past the schema change at GTID " + txGtid + " (--pass-ddl): " + shortSql(e.content));
        return {};
      }
      const auto d = decideDdl(cdc::parseDdl(e.content, e.prefix), copied);
      for (const auto& note : d.notes) core::log(core::LogLevel::Info, "sync: " + note);
      switch (d.action) {
        case DdlDecision::Action::Ignore: return {};
        case DdlDecision::Action::Stop:
          if (txRows == 0) FERRY_TRY(commitGroup());  // what came before it is applied
          im.stopReason = StopReason::SchemaChange;
          {
            std::lock_guard lock(im.mutex);
            im.passableDdl = txGtid;
          }
          return Error(ErrorKind::Unsupported,
                       "schema change on the source at GTID " + txGtid + " (" + d.why + "): " + shortSql(e.content),
                       "Nothing from it on was applied. Make the target match by hand (the same change on the "
                       "target's table), then run ferry sync --pass-ddl " + txGtid + " to go on past it.");
        case DdlDecision::Action::Truncate: return truncateTables({mapper.targetOf(d.table)}, true);
        case DdlDecision::Action::Remap: {
          // Once per statement: the second time round the target was reconciled.
          const std::string key = "ddl:" + txGtid;
          if (schemaRefreshed.contains(key)) return {};
          if (txRows == 0) FERRY_TRY(commitGroup());  // what came before it is applied
          schemaRefreshed.insert(key);
          refreshSchema = true;
          return Error(ErrorKind::Unsupported, "schema change on the source: " + shortSql(e.content));
        }
      }
      return {};
    };

    while (true) {
      watchdog.tick();
      const auto now = Clock::now();
      if (heartbeats && now - lastBeat >= std::chrono::milliseconds(opt.heartbeatMs)) {
        lastBeat = now;
        if (auto h = emitHeartbeat(); !h) return failed(std::move(h).error());
      }
      if (now - lastSaved >= std::chrono::seconds(1)) saveProgress();
      if (now - lastConfirm >= kConfirmInterval) {
        if (auto c = confirmDurable(); !c) return failed(std::move(c).error());
      }
      if (!inTx && pollControl()) stopAsked = true;
      if (!inTx && im.refreshWanted.exchange(false)) {
        // `ferry ctl refresh` (a cutover's canary table): the run's tables and
        // their mapping read again, the attempt started over from the stored position.
        if (auto c = commitGroup(); !c) return failed(std::move(c).error());
        refreshSchema = true;
        return Error(ErrorKind::Unsupported, "the run's tables changed (refresh)");
      }
      // Stall watchdog: the source moves, the target's position does not.
      {
        const bool behind = src.serverEnd() > applied && !inTx;
        const auto quiet = std::chrono::duration_cast<std::chrono::seconds>(now - lastProgressApplied).count();
        const bool stalled = behind && !isPaused() && quiet >= opt.stallAfterSeconds &&
                             bytesBetween(applied, src.serverEnd()) > 1024 * 1024;
        if (isPaused() || im.hold.blocking()) lastProgressApplied = now;
        im.update([&](SyncProgress& s) {
          s.stalled = stalled;
          s.stallReason = stalled ? "the source's log moved to " + src.describe(src.serverEnd()) +
                                        " while the target's position stayed at " + src.describe(applied) + " for " +
                                        std::to_string(quiet) + " s"
                                  : "";
        });
      }
      if (im.hold.expire()) {
        core::log(core::LogLevel::Warning, "sync: a verification's hold outlived its lease; going on");
      }
      if (im.markWanted.exchange(false)) {
        // A transaction that commits after the run-to position, so the stream
        // sees it is past it even when the application writes nothing.
        if (heartbeats) {
          lastBeat = {};
        } else if (auto m = session.mark(); !m) {
          if (m.error().breaksConnection()) return failed(std::move(m).error().context("source"));
        }
      }
      // Running to a position the source has sent everything before (its
      // keepalive's end): every transaction that committed before it is applied.
      if (auto to = im.hold.runningTo(); to && !inTx && src.serverEnd() >= *to) {
        if (auto h = holdHere(); !h) return failed(std::move(h).error());
      }
      if (caughtUpDone && !groupOpen && !inTx) break;
      if (!heartbeats && opt.untilCaughtUp && !groupOpen && !inTx && startEnd.valid() &&
          src.confirmed() >= startEnd) {
        break;
      }
      if (stopping() && !inTx) {
        if (auto c = commitGroup(); !c) return failed(std::move(c).error());
        break;
      }
      // Paused: between source transactions, apply nothing and read nothing
      // (the server holds the rest in the slot); status updates keep the link.
      if ((isPaused() || im.hold.blocking()) && !inTx) {
        if (auto c = commitGroup(); !c) return failed(std::move(c).error());
        if (auto k = src.keepAlive(); !k) return failed(std::move(k).error());
        std::this_thread::sleep_for(std::chrono::milliseconds(im.hold.active() ? 2 : 50));
        continue;
      }
      const int wait = groupOpen ? 5 : 100;
      core::Result<std::optional<cdc::ChangeEvent>> ev = std::optional<cdc::ChangeEvent>{};
      if (heldBegin) {
        ev = std::optional<cdc::ChangeEvent>(std::move(*heldBegin));
        heldBegin.reset();
      } else {
        ev = src.next(wait);
      }
      if (!ev) return failed(std::move(ev).error());
      if (!*ev) {
        if (groupOpen && !inTx) {
          if (auto c = commitGroup(); !c) return failed(std::move(c).error());
        }
        continue;
      }
      cdc::ChangeEvent& e = **ev;
      switch (e.kind) {
        case cdc::ChangeEvent::Kind::Begin:
          if (auto to = im.hold.runningTo(); to && e.commitLsn >= *to) {
            // Not in the source snapshot at *to: hold before it (docs/cdc.md,
            // live verification), with everything before it committed.
            heldBegin = std::move(e);
            if (auto h = holdHere(); !h) return failed(std::move(h).error());
            break;
          }
          inTx = true;
          txRows = 0;
          txCommit = e.commitLsn;
          txGtid = e.gtid ? e.gtid->text() : std::string();
          im.update([](SyncProgress& s) { ++s.transactionsReceived; });
          // At or below the target's stored position: applied before a restart.
          skipping = src.alreadyApplied(e, applied);
          if (skipping) {
            im.update([](SyncProgress& s) { ++s.skippedTransactions; });
            break;
          }
          if (!firstRecorded) {
            const std::string first = e.gtid ? e.gtid->text() + " " + src.describe(e.commitLsn) : e.commitLsn.text();
            FERRY_TRY(st.saveSetting("stream_first_position", first));
            firstRecorded = true;
            im.update([&](SyncProgress& s) { s.firstStreamed = first; });
          }
          if (!groupOpen) {
            if (auto b = tgt.begin(); !b) return failed(std::move(b).error());
            groupOpen = true;
            groupStart = Clock::now();
          }
          groupCommitTimes.push_back(e.commitTimeUs);
          break;
        case cdc::ChangeEvent::Kind::Commit:
          inTx = false;
          if (skipping) {
            skipping = false;
            break;
          }
          ++groupTx;
          groupEnd = e.endLsn;
          groupEndText = e.resumeText.empty() ? e.endLsn.text() : e.resumeText;
          if (groupTx >= opt.groupTransactions || Clock::now() - groupStart >= kGroupMaxAge || isPaused()) {
            if (auto c = commitGroup(); !c) return failed(std::move(c).error());
          }
          break;
        case cdc::ChangeEvent::Kind::Relation:
          if (auto r = mapper.relation(*e.relation, !(txCommit < mappedAt)); !r) {
            // What came before this transaction is applied (the open group holds no row of it yet).
            if (txRows == 0) {
              if (auto c = commitGroup(); !c) return failed(std::move(c).error());
            }
            // A new or retyped column: the mapping is made again from the source's catalog
            // and the attempt starts over from the stored position (the open
            // group is rolled back; nothing of this transaction is applied).
            if (!schemaRefreshed.contains(mapper.addedTable() + ":" + core::join(mapper.addedColumns(), ","))) {
              schemaRefreshed.insert(mapper.addedTable() + ":" + core::join(mapper.addedColumns(), ","));
              refreshSchema = true;
            } else {
              im.stopReason = StopReason::SchemaChange;
            }
            return failed(std::move(r).error());
          }
          break;
        case cdc::ChangeEvent::Kind::Insert:
        case cdc::ChangeEvent::Kind::Update:
        case cdc::ChangeEvent::Kind::Delete: {
          if (skipping) {
            im.update([](SyncProgress& s) { ++s.skippedRows; });
            break;
          }
          auto op = mapper.rowOp(e);
          if (!op) return failed(std::move(op).error().context("at " + src.describe(src.serverEnd())));
          if (!*op) break;
          if (!tableFrom.empty()) {
            // A table a resumed copy read under a later snapshot already holds this change.
            const auto from = tableFrom.find((*op)->table->label);
            if (from != tableFrom.end() && txCommit < from->second) {
              im.update([](SyncProgress& s) { ++s.skippedRows; });
              break;
            }
          }
          if (auto t = throttle(); !t) return failed(std::move(t).error());
          const std::string& label = (*op)->table->label;
          const auto kind = (*op)->kind;
          if (auto a = tgt.apply(std::move(**op)); !a) return failed(std::move(a).error());
          for (const auto& k : mapper.changedKeys(e)) im.changedKeys.add(label, k);
          ++txRows;
          group.add(kind, label);
          if (++queued >= tgt.batchLimit()) {
            if (auto f = flush(); !f) return failed(std::move(f).error());
          }
          break;
        }
        case cdc::ChangeEvent::Kind::Truncate: {
          if (skipping) break;
          std::vector<const cdc::TargetTable*> ts;
          for (auto id : e.truncated) ts.push_back(mapper.target(id));
          if (auto t = truncateTables(ts, e.truncateRestartIdentity); !t) return failed(std::move(t).error());
          break;
        }
        case cdc::ChangeEvent::Kind::Ddl:
          if (skipping) break;
          if (auto d = onDdl(e); !d) return failed(std::move(d).error());
          break;
        case cdc::ChangeEvent::Kind::Message:
          if (e.prefix == kHeartbeatPrefix && core::startsWith(e.content, beatTag) && !skipping) {
            const auto n = std::stoll(e.content.substr(beatTag.size()));
            if (e.transactional && inTx) groupBeats.push_back(n);
          }
          break;
      }
    }
    FERRY_TRY(confirmDurable());
    // Wait (briefly) for the last commits to be durable, so the slot is confirmed up to them.
    for (int i = 0; i < 20 && !notDurable.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      FERRY_TRY(confirmDurable());
    }
    return {};
  };

  // A lost connection (a server restarted, a link cut) is retried with backoff
  // from the target's stored position: what was applied is there exactly once,
  // the open group was rolled back with the connection, and the source sends
  // again everything after its confirmed position (what is at or below the
  // stored position is skipped).
  auto backoff = std::chrono::milliseconds(500);
  auto lostSince = Clock::now();
  while (true) {
    refreshSchema = false;
    bulkConflict = false;
    auto once = streamOnce();
    if (once) break;
    Error e = std::move(once).error();
    if (bulkConflict && !stopping()) {
      core::log(core::LogLevel::Info, "sync: " + e.oneLine() + " — applying the group again row by row to name the row");
      continue;
    }
    if (refreshSchema) {
      core::log(core::LogLevel::Info, "sync: " + e.oneLine() + " — mapping the source again");
      if (auto b = buildMapper(true); !b) {
        im.setPhase("failed");
        saveProgress();
        return std::move(b).error();
      }
      continue;
    }
    if (attemptConnected) {
      lostSince = Clock::now();
      backoff = std::chrono::milliseconds(500);
    }
    lostBefore = true;
    const bool retry = e.retryable() && e.kind() != ErrorKind::Cancelled && opt.reconnectForSeconds > 0 &&
                       im.stopReason.load() == StopReason::None && !stopping();
    const auto lostFor = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - lostSince).count();
    if (!retry || lostFor >= opt.reconnectForSeconds) {
      if (retry) {
        e = Error(e.kind(),
                  "gave up reconnecting after " + std::to_string(lostFor) + " s: " + e.message(),
                  "Nothing is lost: the target holds its position and the source's slot keeps the rest. Bring the "
                  "server back and run ferry sync again (--reconnect-for sets how long it waits).");
      }
      im.setPhase(e.kind() == ErrorKind::Cancelled ? "stopped" : "failed");
      saveProgress();
      return e;
    }
    core::log(core::LogLevel::Warning, "sync: " + e.oneLine() + " — reconnecting in " +
                                           std::to_string(backoff.count()) + " ms");
    im.update([&](SyncProgress& s) {
      s.phase = "reconnecting";
      s.lastReconnectError = e.oneLine();
    });
    saveProgress();
    const auto until = Clock::now() + backoff;
    while (Clock::now() < until && !stopping()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (pollControl()) stopAsked = true;
    }
    if (stopping()) {
      im.setPhase("stopped");
      saveProgress();
      return Error(ErrorKind::Cancelled, "stopped while reconnecting after: " + e.oneLine());
    }
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(15));
  }
  im.setPhase(caughtUpDone || opt.untilCaughtUp ? "caught-up" : "stopped");
  saveProgress();
  SyncSummary summary;
  summary.final = progress();
  summary.divergences = logged;
  return summary;
}

}  // namespace ferry::run
