// The cutover's choreography (docs/cutover.md): gates, then each step timed —
// sequences ahead, fence, fence position, drain, final sequences, switch — with
// an abort that returns to the state before it, and recovery after a kill.

#include "run/cutover_run.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "run/cutover_support.h"
#include "run/cutover_stream.h"
#include "state/run_state_store.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

/// Gates a --force may not skip: they are what keeps writes from being lost.
const std::set<std::string> kUnforceable = {"lag", "txn-age", "fence"};

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::int64_t unixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// The fence's scope for a forward cutover: the source fenced, the target next.
cutover::FenceScope forwardScope(const CutoverRequest& req, const std::vector<state::TableState>& tables) {
  cutover::FenceScope s;
  s.primary = req.source;
  s.next = req.target;
  for (const auto& t : tables) s.tables.emplace_back(t.sourceSchema, t.sourceTable);
  return s;
}

/// PostgreSQL source: the forward slot, dropped once the stream that used it
/// has ended. Its publications stay (a rollback streams through them again;
/// ferry finish drops them).
core::Status dropForwardSlot(const connect::ConnectionSpec& source, const std::string& slot) {
  if (source.engine != model::Engine::PostgreSQL || slot.empty()) return {};
  auto c = connect::PgConnection::open(source);
  if (!c) return std::move(c).error();
  return dropSlotWhenFree(**c, slot);
}

/// The canary's table on both sides, granted to the canary's role, and made a
/// table of the run (streamed like the others; PostgreSQL: added to the publication).
core::Status prepareCanary(const CutoverRequest& req, state::RunStateStore& st, std::vector<state::TableState>& tables) {
  if (tables.empty()) return Error(ErrorKind::Usage, "the run has no table: nowhere to put the canary");
  const std::string srcSchema = tables.front().sourceSchema, tgtSchema = tables.front().targetSchema;
  const std::string appUser = req.options.canary->user;
  if (auto c = cutover::createCanaryTable(req.source, srcSchema, appUser); !c) {
    return std::move(c).error().context("the canary table on the source");
  }
  if (auto c = cutover::createCanaryTable(req.target, tgtSchema, appUser); !c) {
    return std::move(c).error().context("the canary table on the target");
  }
  bool listed = false;
  for (const auto& t : tables) listed = listed || (t.sourceSchema == srcSchema && t.sourceTable == cutover::kCanaryTable);
  if (!listed) {
    state::TableState t;
    t.sourceSchema = srcSchema;
    t.sourceTable = cutover::kCanaryTable;
    t.targetSchema = tgtSchema;
    t.targetTable = cutover::kCanaryTable;
    t.keyColumnsJson = R"(["tag","seq"])";
    t.status = state::TableStatus::Copied;
    FERRY_TRY(st.addTables({t}));
    tables.push_back(t);
  }
  if (req.source.engine == model::Engine::PostgreSQL) {
    auto pub = st.loadSetting("publication");
    if (!pub) return std::move(pub).error();
    if (*pub && !(*pub)->empty()) {
      // "main[,main_ins]": the canary goes into the main one (all changes).
      const std::string mainPub = core::split(**pub, ',').front();
      auto c = connect::PgConnection::open(req.source);
      if (!c) return std::move(c).error();
      auto member = (*c)->query("SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3",
                                {mainPub, srcSchema, std::string(cutover::kCanaryTable)});
      if (!member) return std::move(member).error();
      if (member->empty()) {
        FERRY_TRY((*c)->exec("ALTER PUBLICATION " + connect::PgConnection::quoteIdent(mainPub) + " ADD TABLE " +
                             connect::PgConnection::quoteIdent(srcSchema) + "." + connect::PgConnection::quoteIdent(cutover::kCanaryTable)));
      }
    }
  }
  return {};
}

/// After a rollback the target kept the fence the rollback put on it (an
/// application still pointed there must not write); a new cutover lifts it
/// first, so the application can write there once switched.
core::Status liftTargetFence(const CutoverRequest& req, state::RunStateStore& st, const std::vector<state::TableState>& tables) {
  auto saved = st.loadSetting(kCutoverSetting);
  if (!saved || !*saved) return {};
  auto record = nlohmann::json::parse(**saved, nullptr, false);
  if (!record.is_object() || record.value("phase", "") != "rolled-back" || !record.contains("target_fence")) return {};
  cutover::FenceScope scope;
  scope.primary = req.target;
  scope.next = req.source;
  for (const auto& t : tables) scope.tables.emplace_back(t.targetSchema, t.targetTable);
  auto fence = recordedFence(req.options.fence, record.value("target_fence_kind", ""), record["target_fence_options"], scope,
                             record["target_fence"]);
  if (!fence) return std::move(fence).error();
  if (auto u = (*fence)->unfence(); !u) return std::move(u).error().context("lifting the fence the rollback left on the target");
  core::log(core::LogLevel::Info, "cutover: lifted the fence the rollback left on the target (" + (*fence)->describe() + ")");
  record.erase("target_fence");
  return st.saveSetting(kCutoverSetting, record.dump());
}

}  // namespace

void appendCutoverHistory(state::RunStateStore& st, const std::string& kind, const nlohmann::json& report) {
  nlohmann::json list = nlohmann::json::array();
  if (auto saved = st.loadSetting("cutover_history"); saved && *saved) {
    auto j = nlohmann::json::parse(**saved, nullptr, false);
    if (j.is_array()) list = std::move(j);
  }
  nlohmann::json entry = report;
  entry["kind"] = kind;
  entry["at_ms"] = unixMs();
  entry["at_text"] = utcText(unixMs());
  list.push_back(std::move(entry));
  (void)st.saveSetting("cutover_history", list.dump());
}

namespace {

/// Where a client pause came from: the five slowest acknowledged canary writes
/// after the fence, as [ms after the fence, latency ms], and the span of the
/// failed ones (the fence refusing them) as [first, last] ms after the fence.
nlohmann::json slowestCanaryWrites(const cutover::CanaryVerdict& v) {
  std::vector<std::pair<double, double>> ok;
  std::optional<std::pair<double, double>> failedSpan;
  for (const auto& [at, ms, acked] : v.series) {
    if (acked) {
      ok.emplace_back(ms, at);
    } else {
      failedSpan = failedSpan ? std::make_pair(failedSpan->first, at) : std::make_pair(at, at);
    }
  }
  std::sort(ok.rbegin(), ok.rend());
  nlohmann::json slowest = nlohmann::json::array();
  for (std::size_t i = 0; i < ok.size() && i < 5; ++i) {
    slowest.push_back({std::round(ok[i].second), std::round(ok[i].first * 10) / 10});
  }
  return {{"acknowledged", slowest},
          {"failed_span", failedSpan ? nlohmann::json{std::round(failedSpan->first), std::round(failedSpan->second)}
                                     : nlohmann::json(nullptr)}};
}

}  // namespace

nlohmann::json cutoverReportJson(const CutoverReport& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps) {
    steps.push_back({{"name", s.name}, {"ms", s.ms}, {"in_pause", s.inPause}, {"detail", s.detail}});
  }
  nlohmann::json gates = nlohmann::json::array();
  for (const auto& g : r.gates) {
    gates.push_back({{"name", g.name}, {"ok", g.ok}, {"forced", g.forced}, {"detail", g.detail}, {"fix", g.fix}});
  }
  nlohmann::json seqs = nlohmann::json::array();
  for (const auto& s : r.sequences) seqs.push_back({{"name", s.name}, {"source", s.source}, {"next", s.next}});
  nlohmann::json j = {{"result", r.result},
                      {"steps", steps},
                      {"gates", gates},
                      {"write_pause_ms", r.writePauseMs},
                      {"fence_at_ms", r.fenceAtMs},
                      {"client_pause_ms", r.canary ? nlohmann::json{{"gross", r.canary->grossPauseMs}, {"net", r.canary->netPauseMs}}
                                                   : nlohmann::json(nullptr)},
                      {"canary", r.canary ? nlohmann::json{{"written", r.canary->written},
                                                           {"acknowledged", r.canary->acknowledged},
                                                           {"failed", r.canary->failed},
                                                           {"lost", r.canary->lost},
                                                           {"lost_seqs", r.canary->lostSeqs},
                                                           {"baseline_ms", r.canary->baselineMs},
                                                           {"slowest", slowestCanaryWrites(*r.canary)}}
                                          : nlohmann::json(nullptr)},
                      {"fence", r.fence},
                      {"fence_position", r.fencePosition},
                      {"drained_to", r.drainedTo},
                      {"changed_rows", r.changedRows ? changedRowsCheckJson(*r.changedRows) : nlohmann::json(nullptr)},
                      {"sequences", seqs},
                      {"reverse", r.reverse.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json{{"start", r.reverse}, {"state", r.reverseState}}}};
  if (!r.abortedBy.empty()) j["aborted_by"] = r.abortedBy;
  if (!r.message.empty()) j["message"] = r.message;
  return j;
}

struct CutoverRun::Impl {
  mutable std::mutex mutex;
  CutoverProgress p;
  std::shared_ptr<cutover::Canary> canary;  // guarded by mutex; its writes are read thread-safely
  std::atomic<bool> abortAsked{false};

  template <typename F>
  void update(F&& f) {
    std::lock_guard lock(mutex);
    f(p);
  }
};

CutoverRun::CutoverRun(CutoverRequest request) : m_request(std::move(request)), m_impl(std::make_unique<Impl>()) {
  m_impl->p.phase = "connecting";
}
CutoverRun::~CutoverRun() = default;

CutoverProgress CutoverRun::progress() const {
  std::shared_ptr<cutover::Canary> canary;
  CutoverProgress p;
  {
    std::lock_guard lock(m_impl->mutex);
    p = m_impl->p;
    canary = m_impl->canary;
  }
  if (canary) {
    const auto writes = canary->writes();
    const std::size_t from = writes.size() > 1500 ? writes.size() - 1500 : 0;
    p.canaryFirst = from;
    if (!writes.empty()) {
      const auto t0 = writes.front().start;
      for (std::size_t i = from; i < writes.size(); ++i) {
        p.canary.emplace_back(std::chrono::duration<double>(writes[i].start - t0).count(), writes[i].ms(), writes[i].ok);
      }
    }
  }
  return p;
}

void CutoverRun::abort() { m_impl->abortAsked = true; }

core::Result<CutoverReport> CutoverRun::run(std::stop_token stop) {
  const auto& req = m_request;
  const auto& o = req.options;
  Impl& im = *m_impl;
  if (o.statePath.empty()) return Error(ErrorKind::Usage, "cutover needs the run's state file", "Give --state FILE.");
  auto store = state::RunStateStore::open(o.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  if (auto prior = st.loadSetting(kCutoverSetting); prior && *prior) {
    const auto j = nlohmann::json::parse(**prior, nullptr, false);
    const std::string phase = j.is_discarded() ? "" : j.value("phase", "");
    if (phase == "switched" || phase == "finished") {
      return Error(ErrorKind::Usage, "this run was already cut over (" + j.value("at_text", std::string()) + ")",
                   "The target is the primary now; ferry rollback goes back.");
    }
    if (phase != "aborted" && phase != "rolled-back" && !phase.empty()) {
      return Error(ErrorKind::Usage, "a cutover of this run is in progress or was interrupted (" + phase + ")",
                   "If no ferry cutover runs, run ferry cutover --recover: it lifts the fence or finishes the switch.");
    }
  }
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();
  FERRY_TRY(liftTargetFence(req, st, *tables));
  if (o.canary) FERRY_TRY(prepareCanary(req, st, *tables));
  auto fence = cutover::makeFence(o.fence, forwardScope(req, *tables));
  if (!fence) return std::move(fence).error();
  auto& f = **fence;

  CutoverReport report;
  report.fence = f.describe();
  nlohmann::json record = {
      {"phase", "gates"}, {"fence_kind", cutover::fenceKindName(o.fence.kind)}, {"at", unixMs()}, {"at_text", utcText(unixMs())},
      // What a rollback needs to lift this fence on the old source (no secrets).
      {"fence_options",
       {{"pgbouncer_db", o.fence.pgbouncerDb},
        {"pgbouncer_include", o.fence.pgbouncerInclude},
        {"fence_command", o.fence.fenceCommand},
        {"switch_command", o.fence.switchCommand},
        {"unfence_command", o.fence.unfenceCommand}}}};
  auto info = st.loadRun();
  if (!info) return std::move(info).error();
  std::string migrationId = info->runId;
  if (auto m = st.loadSetting("migration_id"); m && *m && !(*m)->empty()) migrationId = **m;
  auto persist = [&](const std::string& phase) {
    record["phase"] = phase;
    record["fence"] = f.record();
    record["updated_ms"] = unixMs();
    if (auto s = st.saveSetting(kCutoverSetting, record.dump()); !s) {
      core::log(core::LogLevel::Warning, "cutover: could not record the phase " + phase + ": " + s.error().oneLine());
    }
  };
  // A step's start: recorded, and — in tests only — the place to die.
  auto stepStart = [&](const std::string& name) {
    record["step"] = name;
    if (o.failAt == name) {
      persist(record.value("phase", "gates"));
      core::log(core::LogLevel::Warning, "cutover: killed at step " + name + " (fault injection)");
      ::kill(::getpid(), SIGKILL);
    }
  };
  auto addStep = [&](const std::string& name, Clock::time_point t0, bool inPause, const std::string& detail = {}) {
    CutoverStep s{name, msSince(t0), inPause, detail};
    report.steps.push_back(s);
    im.update([&](CutoverProgress& p) { p.steps.push_back(s); });
    core::log(core::LogLevel::Info, "cutover: " + name + " " + std::to_string(static_cast<int>(s.ms)) + " ms" +
                                        (detail.empty() ? "" : " (" + detail + ")"));
  };

  // Connections kept open from the gates to the switch (no login inside the fence).
  SideConnection source(req.source), target(req.target);

  // 1. The forward stream: the sync running elsewhere, or one of our own.
  auto stream = openForwardStream(req, stop);
  if (!stream) return std::move(stream).error();
  auto& fwd = **stream;
  if (o.canary) FERRY_TRY(fwd.refreshTables());
  // The canary writes from now on: its latencies before the fence are the baseline.
  std::shared_ptr<cutover::Canary> canary;
  Clock::time_point fenceAt = Clock::now() + std::chrono::hours(24 * 365);
  if (o.canary) {
    canary = std::make_shared<cutover::Canary>(*o.canary, tables->front().sourceSchema,
                                               "cutover-" + std::to_string(unixMs()), std::chrono::milliseconds(o.canaryMs));
    canary->start();
    std::lock_guard lock(im.mutex);
    im.canary = canary;
  }
  // Where the application (and so the canary) writes after a switch its deploy makes.
  auto canaryOnTarget = [&] {
    connect::ConnectionSpec next = req.target;
    next.user = o.canary->user;
    next.password = o.canary->password;
    return next;
  };
  // The canary's verdict against the side that is primary now.
  auto judgeCanary = [&](const connect::ConnectionSpec& primary, const std::string& schema) {
    if (!canary) return;
    canary->stop();
    auto v = canary->verdict(primary, schema, fenceAt);
    if (v) {
      report.canary = *v;
      core::log(core::LogLevel::Info, "cutover: canary: " + std::to_string(v->acknowledged) + " writes acknowledged, " +
                                          std::to_string(v->lost) + " lost, client pause " +
                                          std::to_string(static_cast<int>(v->grossPauseMs)) + " ms");
    } else {
      core::log(core::LogLevel::Warning, "cutover: the canary could not be checked: " + v.error().oneLine());
    }
  };

  auto abortWith = [&](const std::string& by, const std::string& why) -> core::Result<CutoverReport> {
    auto lifted = f.unfence();
    fwd.release();
    if (record.contains("reverse_state")) {
      // The way back prepared for this cutover: its slot would hold the target's WAL for nothing.
      const std::string path = record.value("reverse_state", "");
      if (auto d = dropReverse(req.target, path); !d) {
        core::log(core::LogLevel::Warning, "cutover: the way back's slot was not dropped: " + d.error().oneLine());
      }
      std::error_code ec;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
      record.erase("reverse_state");
    }
    if (!o.rearmForwardState.empty() && !report.reverse.empty()) {
      // A rollback that aborts: the forward slot it re-armed on the old side goes again.
      if (auto d = dropReverse(req.target, o.rearmForwardState); !d) {
        core::log(core::LogLevel::Warning, "rollback: the re-armed forward slot was not dropped: " + d.error().oneLine());
      }
    }
    report.result = "aborted";
    report.abortedBy = by;
    report.message = why + (lifted ? "" : "; lifting the fence failed: " + lifted.error().oneLine() +
                                              " — run ferry cutover --recover");
    record["report"] = cutoverReportJson(report);
    persist(lifted ? "aborted" : "fenced");
    if (!o.gatesOnly) appendCutoverHistory(st, o.rearmForwardState.empty() ? "cutover" : "rollback", record["report"]);
    if (canary) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::max(200, o.canaryMs * 10)));
      judgeCanary(req.source, tables->front().sourceSchema);
    }
    im.update([](CutoverProgress& p) { p.phase = "aborted"; });
    core::log(core::LogLevel::Warning, "cutover: aborted by " + by + ": " + why);
    return report;
  };

  // 2. Gates: the static ones once, the live ones until they hold.
  im.update([](CutoverProgress& p) { p.phase = "gates"; });
  persist("gates");
  stepStart("gates");
  const auto gatesStarted = Clock::now();
  StaticGateInput in;
  in.request = &req;
  in.tables = *tables;
  in.fence = &f;
  auto gates = staticGates(in);
  for (auto& g : gates) {
    if (!g.ok && o.force.contains(g.name) && !kUnforceable.contains(g.name)) g.forced = true;
  }
  im.update([&](CutoverProgress& p) { p.gates = gates; });
  for (const auto& g : gates) {
    if (!g.ok && !g.forced) {
      report.gates = gates;
      return abortWith(g.name, "gate " + g.name + ": " + g.detail + (g.fix.empty() ? "" : ". " + g.fix));
    }
  }
  // Live: heartbeat lag under the limit, continuously; no old or prepared transaction.
  CutoverGate lagGate{"lag", false, false, "", ""};
  CutoverGate txnGate{"txn-age", false, false, "", ""};
  std::optional<Clock::time_point> stableSince;
  std::int64_t lastBeats = -1;
  Clock::time_point lastBeatSeen = Clock::now();
  Clock::time_point lastTxnCheck{};
  while (true) {
    if (stop.stop_requested() || im.abortAsked) return abortWith("user", "asked to abort while the gates were checked");
    auto lag = fwd.lag();
    if (!lag) return abortWith("lag", "the stream failed: " + lag.error().oneLine());
    if (lag->heartbeatsApplied != lastBeats) {
      lastBeats = lag->heartbeatsApplied;
      lastBeatSeen = Clock::now();
    }
    // No fresh heartbeat applied for a while is lag too, whatever the last sample said.
    const double staleMs = msSince(lastBeatSeen);
    const double lagMs = std::max(lag->lastMs, staleMs > o.maxLagMs + lag->intervalMs ? staleMs : 0.0);
    const bool lagOk = lastBeats > 0 && lagMs < o.maxLagMs;
    if (lagOk && !stableSince) stableSince = Clock::now();
    if (!lagOk) stableSince.reset();
    const double stableFor = stableSince ? msSince(*stableSince) / 1000.0 : 0.0;
    char text[160];
    std::snprintf(text, sizeof text, "heartbeat lag %.0f ms (limit %d), under it for %.1f s of %d", lagMs, o.maxLagMs,
                  stableFor, o.stableSeconds);
    lagGate.ok = lagOk && stableFor >= o.stableSeconds;
    lagGate.detail = text;
    lagGate.fix = lagGate.ok ? "" : "Wait for the stream to catch up (ferry status), or lower the write load.";
    if (Clock::now() - lastTxnCheck >= std::chrono::seconds(1)) {
      lastTxnCheck = Clock::now();
      auto old = oldTransactions(source, o.maxTxnAgeSeconds);
      auto prepared = preparedTransactions(source);
      if (!old || !prepared) {
        txnGate = {"txn-age", false, false, "could not be checked: " + (!old ? old.error().oneLine() : prepared.error().oneLine()), ""};
      } else {
        std::vector<std::string> all = *old;
        all.insert(all.end(), prepared->begin(), prepared->end());
        txnGate.ok = all.empty();
        txnGate.detail = all.empty() ? "no write transaction older than " + std::to_string(o.maxTxnAgeSeconds) +
                                           " s, none prepared"
                                     : core::join(all, "; ");
        txnGate.fix = all.empty() ? "" : "Let them finish (or end them): a transaction open across the fence would commit after it.";
      }
    }
    im.update([&](CutoverProgress& p) {
      p.lagMs = lagMs;
      p.stableForSeconds = stableFor;
      p.gates = gates;
      p.gates.push_back(lagGate);
      p.gates.push_back(txnGate);
    });
    if (lagGate.ok && txnGate.ok) break;
    if (Clock::now() - gatesStarted > std::chrono::seconds(o.gateWaitSeconds)) {
      gates.push_back(lagGate);
      gates.push_back(txnGate);
      report.gates = gates;
      // An old transaction is named first: it is the cause a DBA can act on
      // (and, under load, the lag gate may also not have settled yet).
      const auto& failed = !txnGate.ok ? txnGate : lagGate;
      std::string message = "gate " + failed.name + " did not pass within " + std::to_string(o.gateWaitSeconds) +
                            " s: " + failed.detail;
      if (!txnGate.ok && !lagGate.ok) message += "; gate " + lagGate.name + " neither: " + lagGate.detail;
      return abortWith(failed.name, message);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  gates.push_back(lagGate);
  gates.push_back(txnGate);
  report.gates = gates;
  addStep("gates", gatesStarted, false, std::to_string(gates.size()) + " gates passed");
  if (o.gatesOnly) {
    // Checked, nothing changed: the state before is the state after.
    fwd.release();
    if (canary) canary->stop();
    record["phase"] = "aborted";
    (void)st.saveSetting(kCutoverSetting, record.dump());
    report.result = "gates-passed";
    report.message = "every gate passed; nothing was fenced";
    im.update([](CutoverProgress& p) { p.phase = "gates-passed"; });
    return report;
  }

  // 3. Before the fence: the target's counters ahead of the source's.
  im.update([](CutoverProgress& p) { p.phase = "preparing"; });
  persist("preparing");
  stepStart("sequences-ahead");
  {
    const auto t0 = Clock::now();
    auto ahead = alignSequences(source, target, *tables, o.sequenceHeadroom, false);
    if (!ahead) return abortWith("sequences-ahead", ahead.error().oneLine());
    addStep("sequences-ahead", t0, false, std::to_string(ahead->size()) + " counter(s), headroom " + std::to_string(o.sequenceHeadroom));
  }
  // The way back, ready before the fence: its start comes before the switch.
  if (!o.rearmForwardState.empty()) {
    stepStart("reverse-prepare");
    const auto t0 = Clock::now();
    auto rearmed = rearmForward(req.target, o.rearmForwardState);
    if (!rearmed) return abortWith("reverse-prepare", rearmed.error().oneLine());
    report.reverse = *rearmed;
    report.reverseState = o.rearmForwardState;
    addStep("reverse-prepare", t0, false, "forward run " + o.rearmForwardState + ": " + *rearmed);
  } else if (!o.noReverse) {
    stepStart("reverse-prepare");
    const auto t0 = Clock::now();
    auto back = prepareReverse(req, migrationId, *tables);
    if (!back) return abortWith("reverse-prepare", back.error().oneLine());
    report.reverse = back->start;
    report.reverseState = back->statePath;
    record["reverse_state"] = back->statePath;
    record["reverse_start"] = back->start;
    persist("preparing");
    addStep("reverse-prepare", t0, false, back->statePath + " from " + back->start);
  }
  // The check after the drain: its tables and connections ready before the fence.
  std::unique_ptr<ChangedRowsChecker> checker;
  if (o.changedCheckMs > 0) {
    const auto t0 = Clock::now();
    auto opened = ChangedRowsChecker::open(req);
    if (!opened) return abortWith("check-changed", opened.error().oneLine());
    checker = std::move(*opened);
    addStep("check-prepare", t0, false,
            checker->verifiedAt().empty() ? "no live verification: the keys changed since the stream started"
                                          : "the keys changed since " + checker->verifiedAt());
  }
  // The canary's connection to the target, open before the fence (its deploy's warm pool).
  if (canary && f.kind() != cutover::FenceKind::PgBouncer) canary->prepareSwitch(canaryOnTarget());
  // The last look at old transactions, right before the fence.
  if (auto old = oldTransactions(source, o.maxTxnAgeSeconds); !old || !old->empty()) {
    return abortWith("txn-age", !old ? old.error().oneLine() : core::join(*old, "; "));
  }
  if (stop.stop_requested() || im.abortAsked) return abortWith("user", "asked to abort before the fence");

  // 4. Inside the fence, against the budget.
  stepStart("fence");
  const auto fenceStart = Clock::now();
  fenceAt = fenceStart;
  report.fenceAtMs = unixMs();
  const auto deadline = fenceStart + std::chrono::milliseconds(o.maxPauseMs);
  auto left = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()); };
  auto overBudget = [&](const std::string& step) -> std::optional<std::string> {
    if (Clock::now() < deadline) return std::nullopt;
    return "the write pause reached its budget of " + std::to_string(o.maxPauseMs) + " ms at step " + step;
  };
  persist("fencing");
  if (auto fenced = f.fence(std::max(left(), std::chrono::milliseconds(1)),
                            [&](const nlohmann::json&) { persist("fencing"); });
      !fenced) {
    return abortWith("fence", fenced.error().oneLine());
  }
  persist("fenced");
  im.update([](CutoverProgress& p) { p.phase = "fenced"; });
  addStep("fence", fenceStart, true, cutover::fenceKindName(o.fence.kind));
  if (auto over = overBudget("fence")) return abortWith("budget", *over);

  stepStart("fence-position");
  {
    const auto t0 = Clock::now();
    auto end = sourceLogEnd(source);
    if (!end) return abortWith("fence-position", end.error().oneLine());
    report.fencePosition = *end;
    record["fence_position"] = *end;
    persist("fenced");
    addStep("fence-position", t0, true, *end);
  }
  if (auto over = overBudget("fence-position")) return abortWith("budget", *over);
  if (stop.stop_requested() || im.abortAsked) return abortWith("user", "asked to abort inside the fence");

  stepStart("drain");
  {
    const auto t0 = Clock::now();
    auto drained = fwd.drainTo(report.fencePosition, std::max(left(), std::chrono::milliseconds(1)), stop);
    if (!drained) {
      if (Clock::now() >= deadline) return abortWith("budget", "the drain to " + report.fencePosition + " did not finish within the budget of " + std::to_string(o.maxPauseMs) + " ms");
      return abortWith("drain", drained.error().oneLine());
    }
    report.drainedTo = report.fencePosition;
    addStep("drain", t0, true, "applied everything before " + report.fencePosition);
  }
  if (auto over = overBudget("drain")) return abortWith("budget", *over);

  if (checker) {
    stepStart("check-changed");
    const auto t0 = Clock::now();
    // Both sides are still now: the source fenced, the target drained to the fence.
    const auto box = std::min(std::chrono::milliseconds(o.changedCheckMs), left() - std::chrono::milliseconds(100));
    if (box <= std::chrono::milliseconds(0)) {
      ChangedRowsCheck skipped;
      skipped.note = "no time left in the pause's budget";
      report.changedRows = skipped;
      addStep("check-changed", t0, true, "skipped: no time left in the budget");
    } else {
      auto keys = fwd.changedKeys(checker->verifiedAt(), box);
      if (!keys) return abortWith("check-changed", keys.error().oneLine());
      auto checked = checker->check(*keys, t0 + box, stop);
      if (!checked) return abortWith("check-changed", checked.error().oneLine());
      report.changedRows = *checked;
      if (checked->differenceCount > 0) {
        return abortWith("check-changed", std::to_string(checked->differenceCount) +
                                              " changed row(s) differ after the drain: " +
                                              core::join(checked->differences, "; ") +
                                              ". Run ferry verify and ferry repair, then cut over again.");
      }
      addStep("check-changed", t0, true,
              std::to_string(checked->checked) + " of " + std::to_string(checked->changed) +
                  " changed key(s) compared, identical" +
                  (checked->notCompared > 0 ? "; " + std::to_string(checked->notCompared) +
                                                  " not compared (keyless tables, the canary's rows)"
                                            : "") +
                  (checked->note.empty() ? "" : " (" + checked->note + ")"));
    }
  }
  if (auto over = overBudget("check-changed")) return abortWith("budget", *over);

  stepStart("sequences");
  {
    const auto t0 = Clock::now();
    auto final = alignSequences(source, target, *tables, 0, false);
    if (!final) return abortWith("sequences", final.error().oneLine());
    report.sequences = *final;
    addStep("sequences", t0, true, std::to_string(final->size()) + " counter(s) at or past the source's");
  }
  if (auto over = overBudget("sequences")) return abortWith("budget", *over);
  if (stop.stop_requested() || im.abortAsked) return abortWith("user", "asked to abort before the switch");

  // 5. The switch: from here on forward is the only way.
  stepStart("switch");
  persist("switching");
  {
    const auto t0 = Clock::now();
    auto switched = f.switchOver();
    if (switched && f.kind() != cutover::FenceKind::Command && !o.fence.switchCommand.empty()) {
      switched = cutover::runHook("switch command", o.fence.switchCommand, req.target.toUrlWithoutPassword(),
                                  o.fence.commandTimeout);
    }
    if (!switched) {
      report.result = "failed";
      report.message = "the switch failed: " + switched.error().oneLine() +
                       ". The source is still fenced; run ferry cutover --recover to finish the switch.";
      im.update([](CutoverProgress& p) { p.phase = "failed"; });
      return report;
    }
    addStep("switch", t0, true);
    if (o.afterSwitch) {
      const auto t1 = Clock::now();
      auto after = o.afterSwitch();
      if (!after) {
        report.result = "failed";
        report.message = "switched, but " + after.error().oneLine();
        persist("switched");
        im.update([](CutoverProgress& p) { p.phase = "failed"; });
        return report;
      }
      addStep("unfence-old", t1, true, *after);
    }
  }
  if (canary && f.kind() != cutover::FenceKind::PgBouncer) {
    // The application's own deploy points it at the target: so does the canary.
    canary->switchTo(canaryOnTarget(), tables->front().targetSchema);
  }
  report.writePauseMs = msSince(fenceStart);
  stepStart("switch-made");  // the switch done, not yet recorded: --recover must finish it
  record["write_pause_ms"] = report.writePauseMs;
  persist("switched");
  im.update([](CutoverProgress& p) { p.phase = "switched"; });

  // 6. After the switch: the forward stream ends, its slot goes.
  stepStart("after-switch");
  {
    const auto t0 = Clock::now();
    auto stopped = fwd.stop();
    std::string detail = "forward stream stopped";
    if (!stopped) detail = "the forward stream did not stop cleanly: " + stopped.error().oneLine();
    auto start = st.loadSnapshot();
    auto pub = st.loadSetting("publication");
    if (start && *start && pub) {
      if (auto d = dropForwardSlot(req.source, (*start)->slotName); !d) {
        detail += "; the forward slot could not be dropped: " + d.error().oneLine();
      } else if (!(*start)->slotName.empty() && req.source.engine == model::Engine::PostgreSQL) {
        detail += "; slot " + (*start)->slotName + " dropped";
      }
    }
    addStep("after-switch", t0, false, detail);
  }
  if (canary) {
    // Writes go on a moment after the switch, so the pause's end is seen.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(500, o.canaryMs * 20)));
    judgeCanary(req.target, tables->front().targetSchema);
  }
  report.result = "switched";
  record["result"] = "switched";
  record["report"] = cutoverReportJson(report);
  persist("switched");
  appendCutoverHistory(st, o.rearmForwardState.empty() ? "cutover" : "rollback", record["report"]);
  return report;
}

core::Result<CutoverReport> recoverCutover(const CutoverRequest& req) {
  const auto& o = req.options;
  auto store = state::RunStateStore::open(o.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto saved = st.loadSetting(kCutoverSetting);
  if (!saved) return std::move(saved).error();
  if (!*saved) return Error(ErrorKind::Usage, "no cutover was started on " + o.statePath, "Nothing to recover.");
  auto record = nlohmann::json::parse(**saved, nullptr, false);
  if (record.is_discarded()) return Error(ErrorKind::Data, "the cutover record in " + o.statePath + " is unreadable");
  const std::string phase = record.value("phase", "");
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();
  auto kind = cutover::parseFenceKind(record.value("fence_kind", ""));
  if (!kind) return std::move(kind).error();
  if (*kind != o.fence.kind) {
    return Error(ErrorKind::Usage,
                 std::string("the cutover used the ") + cutover::fenceKindName(*kind) + " fence, not " +
                     cutover::fenceKindName(o.fence.kind),
                 std::string("Give --fence ") + cutover::fenceKindName(*kind) + " and its options again.");
  }
  auto fence = cutover::makeFence(o.fence, forwardScope(req, *tables), record.value("fence", nlohmann::json::object()));
  if (!fence) return std::move(fence).error();
  CutoverReport report;
  report.fence = (*fence)->describe();
  report.fencePosition = record.value("fence_position", "");
  auto save = [&](const std::string& p) {
    record["phase"] = p;
    record["fence"] = (*fence)->record();
    record["recovered_ms"] = unixMs();
    return st.saveSetting(kCutoverSetting, record.dump());
  };
  const auto t0 = Clock::now();
  if (phase == "gates" || phase == "preparing" || phase == "fencing" || phase == "fenced" || phase == "aborted") {
    // Before the switch: back to the source as primary.
    FERRY_TRY((*fence)->unfence());
    FERRY_TRY(save("aborted"));
    report.result = "aborted";
    report.abortedBy = "recover";
    report.message = "the cutover was interrupted at " + phase + " (step " + record.value("step", std::string("?")) +
                     "); the fence is lifted and the source is the primary";
    report.steps.push_back({"unfence", msSince(t0), false, (*fence)->describe()});
    return report;
  }
  if (phase == "switching") {
    // The switch may or may not have happened: doing it again is the way on.
    FERRY_TRY((*fence)->switchOver());
    if ((*fence)->kind() != cutover::FenceKind::Command && !o.fence.switchCommand.empty()) {
      FERRY_TRY(cutover::runHook("switch command", o.fence.switchCommand, req.target.toUrlWithoutPassword(), o.fence.commandTimeout));
    }
    report.steps.push_back({"switch", msSince(t0), false, "done again by the recovery"});
  }
  // Switched: the forward stream's leftovers.
  auto start = st.loadSnapshot();
  auto pub = st.loadSetting("publication");
  if (start && *start && pub) {
    const auto t1 = Clock::now();
    if (auto d = dropForwardSlot(req.source, (*start)->slotName); !d) {
      core::log(core::LogLevel::Warning, "cutover: " + d.error().oneLine());
    }
    report.steps.push_back({"after-switch", msSince(t1), false, "forward slot dropped"});
  }
  FERRY_TRY(save("switched"));
  report.result = "switched";
  report.message = "the cutover was interrupted at " + phase + "; it is finished: the target is the primary";
  return report;
}

}  // namespace ferry::run
