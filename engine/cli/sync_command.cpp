// `ferry sync`: streams the source's changes into the target after the copy.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/cli_app.h"
#include "cli/live_wait.h"
#include "core/text.h"
#include "run/copy_run.h"
#include "run/sync_control.h"
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
  std::string ddl = "stop";
  std::string truncate = "apply";
  int heartbeatMs = 200;
  int stallAfter = 30;
  std::int64_t maxRate = 0;
  int reconnectFor = 300;
  int ioTimeout = 60;
  bool json = false;
  std::uint32_t serverId = 0;
  std::vector<std::string> passDdl;
  bool applyDdl = false;       ///< sync: apply the schema change proposal the last sync stopped at
  std::string applyDdlFile;    ///< sync: apply this (edited) statement instead
};

/// The stream's options as `sync` and `migrate` take them.
run::SyncOptions syncOptionsOf(const SyncArgs& args, const std::string& statePath) {
  run::SyncOptions o;
  o.statePath = statePath;
  o.untilCaughtUp = args.until == "caught-up";
  o.onConflict = args.onConflict == "log" ? run::OnConflict::Log : run::OnConflict::Stop;
  o.ddl = args.ddl == "auto-additive" ? run::DdlPolicy::AutoAdditive : run::DdlPolicy::Stop;
  o.truncate = args.truncate == "stop" ? run::TruncatePolicy::Stop : run::TruncatePolicy::Apply;
  o.heartbeatMs = args.heartbeatMs;
  o.stallAfterSeconds = args.stallAfter;
  o.maxRowsPerSecond = args.maxRate;
  o.reconnectForSeconds = args.reconnectFor;
  o.ioTimeoutSeconds = args.ioTimeout;
  o.serverId = args.serverId;
  o.passDdl.insert(args.passDdl.begin(), args.passDdl.end());
  return o;
}

/// The stream's options on a subcommand (sync, migrate).
void addStreamOptions(CLI::App* cmd, SyncArgs& args) {
  cmd->add_option("--until", args.until,
                  "caught-up: exit 0 once everything the source had committed at the start is applied")
      ->check(CLI::IsMember({"caught-up"}));
  cmd->add_option("--on-conflict", args.onConflict,
                  "stop (default, exit 3) or log: an UPDATE/DELETE that finds no row, an INSERT that meets one")
      ->check(CLI::IsMember({"stop", "log"}));
  cmd->add_option("--ddl", args.ddl,
                  "A column the source gained: stop (default, exit 4, the ALTER TABLE proposed) or auto-additive "
                  "(a nullable one is added to the target by itself)")
      ->check(CLI::IsMember({"stop", "auto-additive"}));
  cmd->add_option("--truncate", args.truncate, "A TRUNCATE on the source: apply (default) or stop (exit 4)")
      ->check(CLI::IsMember({"apply", "stop"}));
  cmd->add_option("--heartbeat-ms", args.heartbeatMs, "Heartbeat interval for the lag measure (0: off)");
  cmd->add_option("--stall-after", args.stallAfter, "Seconds without progress while the source moves: stalled");
  cmd->add_option("--reconnect-for", args.reconnectFor,
                  "Seconds to keep reconnecting (backoff 0.5 s to 15 s) after a server or link is lost (0: stop "
                  "at once); default 300");
  cmd->add_option("--io-timeout", args.ioTimeout,
                  "Seconds a server may leave a call unanswered before the link is taken for hung, closed and "
                  "reconnected (0: wait for ever); default 60");
  cmd->add_option("--server-id", args.serverId,
                  "MariaDB source: Ferry's server_id as a replica (default: one derived from the run id, in "
                  "1073741824-2147483647); must differ from every server's and replica's");
  cmd->add_option("--pass-ddl", args.passDdl,
                  "MariaDB source: go on past the schema change of this GTID (one the stream stopped at and you "
                  "mirrored on the target by hand); repeat for several");
  cmd->add_flag("--json", args.json, "Print the stream's summary as JSON");
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

/// Runs `work` with live progress on stderr; SIGINT/SIGTERM ask it to stop.
template <typename R>
R runInterruptible(const std::function<R(std::stop_token)>& work, const char* onStop,
                   const std::function<void(bool)>& onTick) {
  std::signal(SIGINT, onSyncSignal);
  std::signal(SIGTERM, onSyncSignal);
  const bool tty = isatty(STDERR_FILENO) != 0;
  R result = waitWithProgress<R>(work, tty, g_stop, [onStop] { std::fprintf(stderr, "\nferry: %s\n", onStop); }, onTick);
  if (tty) std::fprintf(stderr, "\n");
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return result;
}

/// Runs the sync with live progress on stderr and prints its summary.
int streamAndReport(const run::SyncRequest& req, bool json) {
  run::SyncRun sync(req);
  auto result = runInterruptible<core::Result<run::SyncSummary>>(
      [&](std::stop_token stop) { return sync.run(stop); }, "stopping after the transaction in flight",
      [&](bool terminal) { printLive(sync.progress(), terminal); });
  if (!result) {
    const int code = reportError(result.error(), json);
    if (sync.stopReason() == run::SyncRun::StopReason::Divergence) return kExitDifferences;
    if (sync.stopReason() == run::SyncRun::StopReason::SchemaChange) return 4;
    return code;
  }
  const auto& p = result->final;
  if (json) {
    nlohmann::json j = run::syncProgressJson(p);
    j["divergences"] = result->divergences;
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

int runSync(const SyncArgs& args) {
  if (args.statePath.empty()) {
    return reportError(core::Error(core::ErrorKind::Usage, "--state is required",
                                   "Give the run-state file the copy printed (\"run state: …\")."),
                       args.json);
  }
  // The URLs default to the ones the run recorded (without their passwords, which
  // come from the environment or password files as usual).
  auto sides = runSides(args.statePath, args.source, args.target, args.projectFile);
  if (!sides) return reportError(sides.error(), args.json);
  run::SyncRequest req;
  req.source = std::move(sides->source);
  req.target = std::move(sides->target);
  req.project = std::move(sides->project);
  req.options = syncOptionsOf(args, args.statePath);
  if (args.applyDdl || !args.applyDdlFile.empty()) {
    // The decision on the schema change the last sync stopped at (exit 4).
    auto pending = run::pendingSchemaChange(args.statePath);
    if (!pending) return reportError(pending.error(), args.json);
    if (!*pending) {
      return reportError(core::Error(core::ErrorKind::Usage, "no schema change is waiting for a decision in " +
                                                                 args.statePath,
                                     "--apply-ddl decides the one a sync stopped at (exit 4); ferry status shows it."),
                         args.json);
    }
    std::string sql = (*pending)->proposed;
    if (!args.applyDdlFile.empty()) {
      std::ifstream in(args.applyDdlFile);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) {
        return reportError(core::Error(core::ErrorKind::Io, "cannot read '" + args.applyDdlFile + "'",
                                       "Give the file with your edit of the proposed statement."),
                           args.json);
      }
      sql = text.str();
    }
    auto applied = run::applySchemaDecision(args.statePath, req.target, sql);
    if (!applied) return reportError(applied.error(), args.json);
    for (const auto& stmt : *applied) std::fprintf(stderr, "ferry: applied on the target: %s\n", stmt.c_str());
  }

  return streamAndReport(req, args.json);
}

struct StatusArgs {
  std::string statePath;
  std::string source;
  std::string target;
  bool json = false;
};

int runStatusCommand(const StatusArgs& args) {
  std::string sourceUrl = args.source;
  std::string targetUrl = args.target;
  if (auto filled = fillRecordedUrls(args.statePath, sourceUrl, targetUrl); !filled) {
    return reportError(filled.error(), args.json);
  }
  std::optional<connect::ConnectionSpec> source;
  std::optional<connect::ConnectionSpec> target;
  if (auto s = specFromUrl(sourceUrl, "source"); s) source = *s;
  if (auto t = specFromUrl(targetUrl, "target"); t) target = *t;
  auto status = run::runStatus(args.statePath, source ? &*source : nullptr, target ? &*target : nullptr);
  if (!status) return reportError(status.error(), args.json);
  const auto& j = *status;
  if (args.json) {
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  std::printf("run %s: copy %s\n", j.value("run_id", "").c_str(), j.value("copy", "").c_str());
  if (j.contains("snapshot")) {
    std::printf("snapshot: slot %s at %s\n", j["snapshot"].value("slot", "").c_str(),
                j["snapshot"].value("position", "").c_str());
  }
  if (j.contains("slot")) {
    const auto& sl = j["slot"];
    if (sl.value("missing", false)) {
      std::printf("slot %s: MISSING on the source\n", sl.value("name", "").c_str());
    } else {
      std::printf("slot %s: %s, wal_status %s, confirmed %s, WAL held %s\n", sl.value("name", "").c_str(),
                  sl.value("active", false) ? "active" : "inactive", sl.value("wal_status", "").c_str(),
                  sl.value("confirmed", "").c_str(),
                  core::humanBytes(sl.value("wal_held_bytes", std::int64_t{0})).c_str());
    }
  }
  if (j.contains("sync") && !j["sync"].is_null()) {
    const auto& p = j["sync"];
    std::printf("sync: %s%s; applied %s: %lld transactions, %lld rows; first streamed %s; skipped %lld\n",
                p.value("phase", "").c_str(), p.value("running", false) ? " (running)" : "",
                p["positions"].value("applied", "").c_str(),
                static_cast<long long>(p["applied"].value("transactions", std::int64_t{0})),
                static_cast<long long>(p["applied"].value("rows", std::int64_t{0})),
                p["positions"].value("first_streamed", "-").c_str(),
                static_cast<long long>(p.value("skipped_before_snapshot", std::int64_t{0})));
    std::printf("lag ms: last %.1f, p50 %.1f, p95 %.1f, p99 %.1f%s\n", p["lag_ms"].value("last", 0.0),
                p["lag_ms"].value("p50", 0.0), p["lag_ms"].value("p95", 0.0), p["lag_ms"].value("p99", 0.0),
                p.value("stalled", false) ? (", STALLED: " + p.value("stall_reason", "")).c_str() : "");
  } else {
    std::printf("sync: not started\n");
  }
  if (j.contains("ddl_proposed")) {
    std::printf("schema change awaiting a decision (the source gained %s); proposed for the target:\n%s\n"
                "decide with ferry sync --apply-ddl (or --apply-ddl-file FILE with your edit)\n",
                j.value("ddl_change", std::string("a column")).c_str(), j.value("ddl_proposed", "").c_str());
  }
  if (j.contains("bytes_behind")) {
    std::printf("behind the source: %s\n", core::humanBytes(j.value("bytes_behind", std::int64_t{0})).c_str());
  }
  if (j.contains("sequences")) {
    for (const auto& e : j["sequences"]) {
      if (e.contains("drift") && e["drift"].get<std::int64_t>() != 0) {
        std::printf("sequence %s: source %s, target %s (drift %lld)\n", e.value("sequence", "").c_str(),
                    e["source"].is_null() ? "-" : e["source"].get<std::string>().c_str(),
                    e["target"].is_null() ? "-" : e["target"].get<std::string>().c_str(),
                    static_cast<long long>(e["drift"].get<std::int64_t>()));
      }
    }
  }
  return kExitOk;
}

struct MigrateArgs {
  SyncArgs sync;
  int jobs = 0;
  std::vector<std::string> tables;
  bool resume = false;
  std::string onError = "stop";
  std::int64_t chunkRows = 0;
  std::string publication;
  std::vector<std::string> insertsOnly;
};

int runMigrate(const MigrateArgs& args) {
  auto source = specFromUrl(args.sync.source, "source");
  if (!source) return reportError(source.error(), args.sync.json);
  auto target = specFromUrl(args.sync.target, "target");
  if (!target) return reportError(target.error(), args.sync.json);
  run::CopyRequest creq;
  creq.source = *source;
  creq.target = *target;
  if (!args.sync.projectFile.empty()) {
    auto project = plan::Project::load(args.sync.projectFile);
    if (!project) return reportError(project.error(), args.sync.json);
    creq.project = std::move(*project);
  }
  creq.options.jobs = args.jobs;
  creq.options.tablePatterns = args.tables;
  creq.options.statePath = args.sync.statePath;
  creq.options.projectPath = args.sync.projectFile;
  creq.options.resume = args.resume;
  creq.options.maxRowsPerSecond = args.sync.maxRate;
  creq.options.onError = args.onError == "skip" ? copy::OnError::Skip : copy::OnError::Stop;
  creq.options.keepSlot = true;
  creq.options.publication = args.publication;
  creq.options.insertsOnly = args.insertsOnly;
  if (args.chunkRows > 0) creq.options.limits.maxRows = args.chunkRows;
  run::CopyRun copyRun(creq);
  auto copied = runInterruptible<core::Result<run::CopySummary>>(
      [&](std::stop_token stop) { return copyRun.run(stop); },
      "stopping the copy after the chunks in flight; --resume finishes it", [&](bool terminal) {
        const auto p = copyRun.progress();
        if (terminal) {
          std::fprintf(stderr, "\r\033[Kcopy: %s %lld rows", p.phase.c_str(), static_cast<long long>(p.rowsWritten));
        } else {
          std::fprintf(stderr, "ferry: copy: %s %lld rows\n", p.phase.c_str(), static_cast<long long>(p.rowsWritten));
        }
      });
  if (!copied) return reportError(copied.error(), args.sync.json);
  if (!args.sync.json) {
    std::fprintf(stderr, "ferry: copied %lld rows in %.1f s; run state %s; streaming\n",
                 static_cast<long long>(copied->final.rowsWritten), copied->final.elapsedSeconds,
                 copied->statePath.c_str());
  }
  run::SyncRequest req;
  req.source = *source;
  req.target = *target;
  req.project = creq.project;
  req.options = syncOptionsOf(args.sync, copied->statePath);
  return streamAndReport(req, args.sync.json);
}

}  // namespace

void addMigrateCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Copy (keeping the snapshot's slot or binlog position) and then stream the changes, in one process");
  cmd->add_option("--source", args->sync.source, "Source connection URL")->required();
  cmd->add_option("--target", args->sync.target, "Target connection URL")->required();
  cmd->add_option("--project", args->sync.projectFile, "Project file (mapping options, overrides, table rules)");
  cmd->add_option("--state", args->sync.statePath, "Run-state file (default: as for ferry copy)");
  cmd->add_option("--jobs", args->jobs, "Parallel copy workers (default: the number of cores)");
  cmd->add_option("--tables", args->tables, "Only tables matching this schema.table glob; repeat for several");
  cmd->add_flag("--resume", args->resume, "Finish the copy recorded in the state file, then stream");
  cmd->add_option("--max-rate", args->sync.maxRate,
                  "Throttle of the copy and then of the stream: rows per second (0: no limit)");
  cmd->add_option("--on-error", args->onError, "stop (default) or skip: a row the copy cannot write")
      ->check(CLI::IsMember({"stop", "skip"}));
  cmd->add_option("--chunk-rows", args->chunkRows, "Rows per chunk (default 100000)");
  cmd->add_option("--publication", args->publication,
                  "Stream through this publication the DBA created (it must publish every copied table) instead of "
                  "one Ferry creates (which needs ownership of every table)");
  cmd->add_option("--publish-inserts-only", args->insertsOnly,
                  "Stream only the inserts of this append-only table (schema.table) that has no replica identity; "
                  "repeat for several");
  addStreamOptions(cmd, args->sync);
  cmd->callback([args, &exitCode] { exitCode = runMigrate(*args); });
}

void addStatusCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd = app.add_subcommand("status", "Where a run stands: copy, stream positions, lag, slot, sequence drift");
  cmd->add_option("--state", args->statePath, "The run-state file")->required();
  cmd->add_option("--source", args->source, "Source connection URL (default: the one the run recorded)");
  cmd->add_option("--target", args->target, "Target connection URL (default: the one the run recorded)");
  cmd->add_flag("--json", args->json, "Print as JSON");
  cmd->callback([args, &exitCode] { exitCode = runStatusCommand(*args); });
}

void addSyncCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<SyncArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sync", "Keep the target in sync from the source's log (PostgreSQL WAL, MariaDB binlog) after the copy; exactly once");
  cmd->add_option("--state", args->statePath, "The copy's run-state file (copy with --keep-slot)")->required();
  cmd->add_option("--source", args->source, "Source connection URL (default: the one the run recorded)");
  cmd->add_option("--target", args->target, "Target connection URL (default: the one the run recorded)");
  cmd->add_option("--project", args->projectFile, "Project file the copy used");
  cmd->add_option("--max-rate", args->maxRate, "Apply at most this many rows per second (0: no limit; ferry ctl changes it)");
  addStreamOptions(cmd, *args);
  cmd->add_flag("--apply-ddl", args->applyDdl,
                "Decide the schema change the last sync stopped at (exit 4): run the proposed statement on the "
                "target (ferry status shows it), then stream on");
  cmd->add_option("--apply-ddl-file", args->applyDdlFile,
                  "Decide it with your own statement(s) instead: run this file on the target, then stream on");
  cmd->callback([args, &exitCode] { exitCode = runSync(*args); });
}

void addCtlCommand(CLI::App& app, int& exitCode) {
  struct CtlArgs {
    std::string statePath;
    std::vector<std::string> words;
    int timeoutMs = 10000;
    bool json = false;
  };
  auto args = std::make_shared<CtlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ctl", "Control a running sync from another terminal: pause, resume, stop, set max-rate=N");
  cmd->add_option("--state", args->statePath, "The run-state file of the running sync")->required();
  cmd->add_option("--timeout-ms", args->timeoutMs, "How long to wait for the sync's answer (default 10000)");
  cmd->add_flag("--json", args->json, "Print the answer as JSON");
  cmd->add_option("command", args->words, "pause | resume | stop | set max-rate=N")->required();
  cmd->callback([args, &exitCode] {
    std::vector<std::string> w = args->words;
    if (!w.empty() && w.front() == "set") w.erase(w.begin());
    if (w.size() != 1) {
      exitCode = reportError(core::Error(core::ErrorKind::Usage, "ferry ctl takes one command",
                                         "pause, resume, stop or set max-rate=N."),
                             args->json);
      return;
    }
    auto command = run::parseSyncCommand(w.front());
    if (!command) {
      exitCode = reportError(command.error(), args->json);
      return;
    }
    auto ack = run::sendSyncCommand(args->statePath, *command, args->timeoutMs);
    if (!ack) {
      exitCode = reportError(ack.error(), args->json);
      return;
    }
    if (args->json) {
      std::cout << nlohmann::json{{"command", command->command}, {"message", ack->message}, {"paused", ack->paused},
                                  {"max_rate", ack->maxRowsPerSecond}}
                       .dump(2)
                << '\n';
    } else {
      std::printf("sync: %s (%s, max rate %s)\n", ack->message.c_str(), ack->paused ? "paused" : "running",
                  ack->maxRowsPerSecond > 0 ? (std::to_string(ack->maxRowsPerSecond) + " rows/s").c_str()
                                            : "unlimited");
    }
    exitCode = kExitOk;
  });
}

}  // namespace ferry::cli
