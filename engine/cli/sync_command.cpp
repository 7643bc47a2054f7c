// `ferry sync`: streams the source's changes into the target after the copy.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli/cli_app.h"
#include "cli/live_wait.h"
#include "run/sync_run.h"
#include "state/run_state_store.h"

namespace ferry::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void onSyncSignal(int) { g_stop.store(true); }

struct SyncArgs {
  std::string source;
  std::string target;
  std::string projectFile;
  std::string statePath;
  std::string until;
  std::string onConflict = "stop";
  int heartbeatMs = 200;
  int stallAfter = 30;
  bool json = false;
};

nlohmann::json lagJson(const run::LagStats& l) {
  return {{"last", l.last}, {"p50", l.p50}, {"p95", l.p95}, {"p99", l.p99}, {"max", l.max}, {"samples", l.samples}};
}

void printLive(const run::SyncProgress& p, bool tty) {
  char line[320];
  std::snprintf(line, sizeof line,
                "%-9s applied %s, %lld tx / %lld rows, lag %.0f ms (p99 %.0f), %lld bytes behind%s", p.phase.c_str(),
                p.appliedPosition.c_str(), static_cast<long long>(p.transactionsApplied),
                static_cast<long long>(p.rowsApplied), p.heartbeatLag.last, p.heartbeatLag.p99,
                static_cast<long long>(p.bytesBehind), p.stalled ? ", STALLED" : "");
  if (tty) {
    std::fprintf(stderr, "\r\033[K%s", line);
  } else {
    std::fprintf(stderr, "ferry: sync: %s\n", line);
  }
}

int runSync(const SyncArgs& args) {
  if (args.statePath.empty()) {
    return reportError(core::Error(core::ErrorKind::Usage, "--state is required",
                                   "Give the run-state file the copy printed (\"run state: …\")."),
                       args.json);
  }
  // The URLs default to the ones the run recorded (without their passwords, which
  // come from the environment or password files as usual).
  std::string sourceUrl = args.source;
  std::string targetUrl = args.target;
  if (sourceUrl.empty() || targetUrl.empty()) {
    auto store = state::RunStateStore::open(args.statePath, state::OpenMode::Resume);
    if (!store) return reportError(store.error(), args.json);
    auto info = (*store)->loadRun();
    if (!info) return reportError(info.error(), args.json);
    if (sourceUrl.empty()) sourceUrl = info->sourceUrl;
    if (targetUrl.empty()) targetUrl = info->targetUrl;
  }
  auto source = specFromUrl(sourceUrl, "source");
  if (!source) return reportError(source.error(), args.json);
  auto target = specFromUrl(targetUrl, "target");
  if (!target) return reportError(target.error(), args.json);
  run::SyncRequest req;
  req.source = *source;
  req.target = *target;
  if (!args.projectFile.empty()) {
    auto project = plan::Project::load(args.projectFile);
    if (!project) return reportError(project.error(), args.json);
    req.project = std::move(*project);
  }
  req.options.statePath = args.statePath;
  req.options.untilCaughtUp = args.until == "caught-up";
  req.options.onConflict = args.onConflict == "log" ? run::OnConflict::Log : run::OnConflict::Stop;
  req.options.heartbeatMs = args.heartbeatMs;
  req.options.stallAfterSeconds = args.stallAfter;

  run::SyncRun sync(req);
  std::signal(SIGINT, onSyncSignal);
  std::signal(SIGTERM, onSyncSignal);
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto result = waitWithProgress<core::Result<run::SyncSummary>>(
      [&](std::stop_token stop) { return sync.run(stop); }, tty, g_stop,
      [] { std::fprintf(stderr, "\nferry: stopping after the transaction in flight\n"); },
      [&](bool terminal) { printLive(sync.progress(), terminal); });
  if (tty) std::fprintf(stderr, "\n");
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!result) {
    const int code = reportError(result.error(), args.json);
    if (sync.stopReason() == run::SyncRun::StopReason::Divergence) return kExitDifferences;
    if (sync.stopReason() == run::SyncRun::StopReason::SchemaChange) return 4;
    return code;
  }
  const auto& p = result->final;
  if (args.json) {
    nlohmann::json tables = nlohmann::json::object();
    for (const auto& [t, n] : p.rowsByTable) tables[t] = n;
    nlohmann::json j = {
        {"phase", p.phase},
        {"applied",
         {{"transactions", p.transactionsApplied}, {"rows", p.rowsApplied}, {"inserts", p.inserts},
          {"updates", p.updates}, {"deletes", p.deletes}, {"truncates", p.truncates}}},
        {"positions",
         {{"snapshot", p.snapshotPosition}, {"first_streamed", p.firstStreamed}, {"applied", p.appliedPosition},
          {"confirmed", p.confirmedPosition}}},
        {"skipped_before_snapshot", p.skippedTransactions},
        {"skipped_rows", p.skippedRows},
        {"divergences", result->divergences},
        {"lag_ms", lagJson(p.heartbeatLag)},
        {"commit_lag_ms", lagJson(p.commitLag)},
        {"rows_by_table", tables},
        {"seconds", p.elapsedSeconds}};
    std::cout << j.dump(2) << '\n';
  } else {
    std::printf("%s: applied %lld transactions, %lld rows (%lld inserts, %lld updates, %lld deletes) up to %s\n",
                p.phase.c_str(), static_cast<long long>(p.transactionsApplied), static_cast<long long>(p.rowsApplied),
                static_cast<long long>(p.inserts), static_cast<long long>(p.updates),
                static_cast<long long>(p.deletes), p.appliedPosition.c_str());
    std::printf("snapshot %s, first streamed %s; %lld transactions skipped as already applied\n",
                p.snapshotPosition.c_str(), p.firstStreamed.empty() ? "-" : p.firstStreamed.c_str(),
                static_cast<long long>(p.skippedTransactions));
    std::printf("heartbeat lag ms: p50 %.1f, p95 %.1f, p99 %.1f, max %.1f (%d samples)\n", p.heartbeatLag.p50,
                p.heartbeatLag.p95, p.heartbeatLag.p99, p.heartbeatLag.max, p.heartbeatLag.samples);
    if (!result->divergences.empty()) {
      std::printf("%zu divergence(s) recorded in the run state\n", result->divergences.size());
    }
  }
  return kExitOk;
}

}  // namespace

void addSyncCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<SyncArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sync", "Keep the target in sync from the source's log after the copy (PostgreSQL sources); exactly once");
  cmd->add_option("--state", args->statePath, "The copy's run-state file (copy with --keep-slot)")->required();
  cmd->add_option("--source", args->source, "Source connection URL (default: the one the run recorded)");
  cmd->add_option("--target", args->target, "Target connection URL (default: the one the run recorded)");
  cmd->add_option("--project", args->projectFile, "Project file the copy used");
  cmd->add_option("--until", args->until,
                  "caught-up: exit 0 once everything the source had committed at the start is applied")
      ->check(CLI::IsMember({"caught-up"}));
  cmd->add_option("--on-conflict", args->onConflict,
                  "stop (default, exit 3) or log: an UPDATE/DELETE that finds no row, an INSERT that meets one")
      ->check(CLI::IsMember({"stop", "log"}));
  cmd->add_option("--heartbeat-ms", args->heartbeatMs, "Heartbeat interval for the lag measure (0: off)");
  cmd->add_option("--stall-after", args->stallAfter, "Seconds without progress while the source moves: stalled");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback([args, &exitCode] { exitCode = runSync(*args); });
}

}  // namespace ferry::cli
