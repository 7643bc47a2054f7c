// The way back used (docs/cutover.md, "Rollback", "Rehearsal", "Finish").

#include <atomic>
#include <filesystem>
#include <thread>

#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "run/cutover_run.h"
#include "run/cutover_support.h"
#include "run/sync_control.h"
#include "run/sync_support.h"
#include "state/run_state_store.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {


core::Result<nlohmann::json> loadRecord(state::RunStateStore& st) {
  auto saved = st.loadSetting(kCutoverSetting);
  if (!saved) return std::move(saved).error();
  if (!*saved || (*saved)->empty()) return nlohmann::json::object();
  auto j = nlohmann::json::parse(**saved, nullptr, false);
  if (j.is_discarded()) return Error(ErrorKind::Data, "the cutover record in " + st.path() + " is unreadable");
  return j;
}

/// The cutover record of a run that switched (rollback and finish start from one).
core::Result<nlohmann::json> switchedRecord(state::RunStateStore& st, const std::string& statePath, const char* hint) {
  auto record = loadRecord(st);
  if (!record) return std::move(record).error();
  if (record->value("phase", "") != "switched") {
    return Error(ErrorKind::Usage,
                 "the run in " + statePath + " is not cut over (" + record->value("phase", std::string("never started")) + ")",
                 hint);
  }
  return record;
}

/// Runs `run` on a thread of its own, handing its progress to `onProgress`
/// every 50 ms; a stop request aborts it (before its switch).
core::Result<CutoverReport> runWatched(CutoverRun& run, std::stop_token stop,
                                       const std::function<void(const CutoverProgress&)>& onProgress) {
  std::optional<core::Result<CutoverReport>> result;
  std::atomic<bool> finished{false};
  std::jthread worker([&](std::stop_token) {
    result.emplace(run.run(stop));
    finished = true;
  });
  while (!finished) {
    if (onProgress) onProgress(run.progress());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (stop.stop_requested()) run.abort();
  }
  worker.join();
  if (onProgress) onProgress(run.progress());
  return std::move(*result);
}

}  // namespace

core::Result<CutoverReport> rollbackCutover(const CutoverRequest& request, std::stop_token stop,
                                            const std::function<void(const CutoverProgress&)>& onProgress) {
  const auto& o = request.options;
  auto store = state::RunStateStore::open(o.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto record = switchedRecord(st, o.statePath, "ferry rollback goes back after a cutover that switched.");
  if (!record) return std::move(record).error();
  const std::string reverseState = record->value("reverse_state", "");
  if (reverseState.empty() || !std::filesystem::exists(reverseState)) {
    return Error(ErrorKind::Usage, "the cutover prepared no way back (--no-reverse)",
                 "The old source received nothing since the switch: going back would lose the new side's writes.");
  }
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();

  // 1. The cutover, the other way: the new side fenced, the reverse stream drained.
  CutoverRequest back;
  back.source = request.target;
  back.target = request.source;
  back.options = o;
  back.options.statePath = reverseState;
  // The forward run's start, re-armed on the old side before the fence (its
  // consistent point before the switch back): the way forward again.
  back.options.rearmForwardState = o.statePath;
  back.options.force.insert("verify");  // the way back was never verified: the drain to the fence position is its proof
  back.options.force.insert("roles");   // the application's roles came from the old side
  // The old source's own fence, lifted right after the switch back (inside the
  // pause, before the application reaches it).
  cutover::FenceScope scope;
  scope.primary = request.source;
  scope.next = request.target;
  for (const auto& t : *tables) scope.tables.emplace_back(t.sourceSchema, t.sourceTable);
  auto fence = recordedFence(o.fence, record->value("fence_kind", ""), (*record)["fence_options"], scope, (*record)["fence"]);
  if (!fence) return std::move(fence).error();
  back.options.afterSwitch = [&]() -> core::Result<std::string> {
    if (auto u = (*fence)->unfence(); !u) {
      return std::move(u).error().context("the old source's fence could not be lifted (" + (*fence)->describe() + ")");
    }
    return std::string("the old source takes the application's writes again");
  };
  CutoverRun run(back);
  auto result = runWatched(run, stop, onProgress);
  if (!result) return std::move(result).error();
  CutoverReport report = std::move(*result);
  if (report.result != "switched") return report;  // aborted: the new side is still the primary

  // 3. The new side stays fenced against the application (it is a target
  // again; an application instance still pointed there must not write — two
  // primaries). The next cutover lifts it before its gates.
  {
    auto rs = state::RunStateStore::open(reverseState, state::OpenMode::Resume);
    if (rs) {
      if (auto r = loadRecord(**rs); r && r->contains("fence")) {
        (*record)["target_fence"] = (*r)["fence"];
        (*record)["target_fence_kind"] = r->value("fence_kind", "");
        (*record)["target_fence_options"] = (*r)["fence_options"];
      }
    }
  }

  // 4. The forward stream starts again from the start re-armed before the fence.
  const std::string restarted = report.reverse.empty() ? std::string("its recorded start") : report.reverse;
  (*record)["phase"] = "rolled-back";
  (*record)["rolled_back_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count();
  (*record)["fence"] = (*fence)->record();
  record->erase("reverse_state");
  FERRY_TRY(st.saveSetting(kCutoverSetting, record->dump()));
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(reverseState + suffix, ec);
  report.result = "rolled-back";
  report.message = "the source is the primary again; ferry sync --state " + o.statePath + " streams forward from " + restarted +
                   (report.message.empty() ? std::string() : " (" + report.message + ")");
  return report;
}

nlohmann::json rehearsalJson(const RehearsalReport& r) {
  nlohmann::json j = {{"result", r.result}, {"cutover", cutoverReportJson(r.cutover)}};
  if (!r.message.empty()) j["message"] = r.message;
  j["rollback"] = r.rollback ? cutoverReportJson(*r.rollback) : nlohmann::json(nullptr);
  return j;
}

core::Result<RehearsalReport> rehearseCutover(const CutoverRequest& request, std::stop_token stop,
                                              const std::function<void(const CutoverProgress&)>& onProgress) {
  RehearsalReport out;
  CutoverRun forward(request);
  auto there = runWatched(forward, stop, [&](CutoverProgress p) {
    p.stage = "cutover";
    if (onProgress) onProgress(p);
  });
  if (!there) return std::move(there).error();
  out.cutover = *there;
  out.result = there->result;
  if (there->result == "switched") {
    CutoverRequest backRequest = request;
    if (request.options.canary && request.options.fence.kind != cutover::FenceKind::PgBouncer) {
      // The application writes to the new side now (PgBouncer's endpoint follows by itself).
      connect::ConnectionSpec now = request.target;
      now.user = request.options.canary->user;
      now.password = request.options.canary->password;
      backRequest.options.canary = now;
    }
    auto back = rollbackCutover(backRequest, stop, [&](CutoverProgress p) {
      p.stage = "rollback";
      if (onProgress) onProgress(p);
    });
    if (back) {
      out.rollback = *back;
      out.result = back->result == "rolled-back" ? "rehearsed" : back->result;
    } else {
      // The cutover switched and the way back could not start: say so with the
      // cutover's report (the target is primary now), and how to go back.
      out.result = "failed";
      out.message = "the rehearsal's rollback could not run: " + back.error().oneLine() +
                    " The cutover switched: the target is the primary; run ferry rollback --state " +
                    request.options.statePath + " once this is fixed.";
      core::log(core::LogLevel::Error, out.message);
    }
  }
  // Kept whatever the outcome: the plan shows the history.
  auto store = state::RunStateStore::open(request.options.statePath, state::OpenMode::Resume);
  if (store) {
    auto history = rehearsalHistory(request.options.statePath);
    nlohmann::json list = history ? *history : nlohmann::json::array();
    nlohmann::json entry = rehearsalJson(out);
    entry["at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    list.push_back(entry);
    (void)(*store)->saveSetting("rehearsals", list.dump());
  }
  return out;
}

core::Result<nlohmann::json> rehearsalHistory(const std::string& statePath) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto saved = (*store)->loadSetting("rehearsals");
  if (!saved) return std::move(saved).error();
  if (!*saved) return nlohmann::json::array();
  auto j = nlohmann::json::parse(**saved, nullptr, false);
  return j.is_array() ? j : nlohmann::json::array();
}

core::Result<nlohmann::json> finishMigration(const CutoverRequest& request) {
  const auto& o = request.options;
  auto store = state::RunStateStore::open(o.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto record = switchedRecord(st, o.statePath, "ferry finish ends a migration whose cutover switched.");
  if (!record) return std::move(record).error();
  nlohmann::json out = {{"result", "finished"}};
  const std::string reverseState = record->value("reverse_state", "");
  if (!reverseState.empty() && std::filesystem::exists(reverseState)) {
    auto rs = state::RunStateStore::open(reverseState, state::OpenMode::Resume);
    if (rs) {
      auto running = syncRunningOn(**rs);
      if (running && *running) {
        auto stopped = sendSyncCommand(reverseState, {0, "stop", 0, ""}, 30'000);
        if (!stopped) return std::move(stopped).error().context("stopping the way back's sync");
        for (int i = 0; i < 200; ++i) {
          auto again = syncRunningOn(**rs);
          if (again && !*again) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        out["reverse_stream"] = "stopped";
      }
    }
    FERRY_TRY(dropReverse(request.target, reverseState));
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(reverseState + suffix, ec);
    out["reverse"] = "slot and publication dropped";
  }
  // The forward run's publications on the old source: the forward direction is over.
  if (request.source.engine == model::Engine::PostgreSQL) {
    auto pub = st.loadSetting("publication");
    if (pub && *pub && !(*pub)->empty()) {
      auto c = connect::PgConnection::open(request.source);
      if (!c) return std::move(c).error();
      for (const auto& name : core::split(**pub, ',')) {
        FERRY_TRY((*c)->exec("DROP PUBLICATION IF EXISTS " + connect::PgConnection::quoteIdent(name)));
      }
      out["forward"] = "publications dropped on the old source";
    }
  }
  (*record)["phase"] = "finished";
  (*record)["finished_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
  record->erase("reverse_state");
  FERRY_TRY(st.saveSetting(kCutoverSetting, record->dump()));
  out["old_source"] = "left as it is (still fenced: lift it yourself when you decommission it)";
  return out;
}


}  // namespace ferry::run
