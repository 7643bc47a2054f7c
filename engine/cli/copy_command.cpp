// `ferry copy`: the snapshot and parallel copy, with live progress.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/cli_app.h"
#include "cli/live_wait.h"
#include "core/text.h"
#include "run/copy_run.h"
#include "run/state_path.h"

namespace ferry::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onSigint(int) { g_interrupted.store(true); }

struct CopyArgs {
  std::string source;
  std::string target;
  std::string projectFile;
  int jobs = 0;
  std::vector<std::string> tables;
  std::string statePath;
  bool resume = false;
  std::int64_t maxRate = 0;
  std::string onError = "stop";
  bool dataOnly = false;
  bool keepSlot = false;
  std::string publication;
  std::vector<std::string> insertsOnly;
  bool abandon = false;
  bool json = false;
  std::int64_t chunkRows = 0;
};

std::string rate(double rows, double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", seconds > 0 ? rows / seconds : 0.0);
  return buf;
}

void printLive(const run::CopyProgress& p, bool tty) {
  std::int64_t est = 0;
  for (const auto& t : p.tables) est += std::max(t.estimatedRows, t.rowsWritten);
  char line[256];
  std::snprintf(line, sizeof line, "%-9s %lld/%lld rows (%s/s), %s, %lld rejected, %.0f s", p.phase.c_str(),
                static_cast<long long>(p.rowsWritten), static_cast<long long>(est),
                rate(static_cast<double>(p.rowsWritten), p.elapsedSeconds).c_str(), core::humanBytes(p.bytes).c_str(),
                static_cast<long long>(p.rowsRejected), p.elapsedSeconds);
  if (tty) {
    std::fprintf(stderr, "\r\033[K%s", line);
  } else {
    std::fprintf(stderr, "ferry: copy: %s\n", line);
  }
}

/// --abandon: drops the run's replication slots and marks it abandoned. Its
/// state file is --state, the project's, or the one of this source and target.
int abandonCopy(const CopyArgs& args, const connect::ConnectionSpec& source) {
  std::string path = args.statePath;
  if (path.empty() && args.projectFile.empty() && args.target.empty()) {
    return reportError(core::Error(core::ErrorKind::Usage, "--abandon needs the run's state file",
                                   "Give --state FILE, --project FILE, or the run's --target URL (the default state "
                                   "file is named after the source and target)."),
                       args.json);
  }
  if (path.empty()) {
    connect::ConnectionSpec target;
    if (!args.target.empty()) {
      auto t = specFromUrl(args.target, "target");
      if (!t) return reportError(t.error(), args.json);
      target = *t;
    }
    auto resolved = run::resolveStatePath(source, target, args.projectFile, run::OpenOptions{interactive()});
    if (!resolved) return reportError(resolved.error(), args.json);
    path = *resolved;
  }
  auto dropped = run::abandonCopyRun(source, path);
  if (!dropped) return reportError(dropped.error(), args.json);
  if (args.json) {
    std::cout << nlohmann::json{{"abandoned", path}, {"slots_dropped", *dropped}}.dump(2) << '\n';
  } else {
    std::printf("run in %s abandoned; %zu replication slot(s) dropped%s%s\n", path.c_str(), dropped->size(),
                dropped->empty() ? "" : ": ", core::join(*dropped, ", ").c_str());
  }
  return kExitOk;
}

int runCopy(const CopyArgs& args) {
  auto source = specFromUrl(args.source, "source");
  if (!source) return reportError(source.error(), args.json);
  if (args.abandon) return abandonCopy(args, *source);
  if (args.target.empty()) {
    return reportError(core::Error(core::ErrorKind::Usage, "--target is required",
                                   "Give the target connection URL with --target (only --abandon works without one)."),
                       args.json);
  }
  auto target = specFromUrl(args.target, "target");
  if (!target) return reportError(target.error(), args.json);
  run::CopyRequest req;
  req.source = *source;
  req.target = *target;
  if (!args.projectFile.empty()) {
    auto project = plan::Project::load(args.projectFile);
    if (!project) return reportError(project.error(), args.json);
    req.project = std::move(*project);
  }
  req.options.jobs = args.jobs;
  req.options.tablePatterns = args.tables;
  req.options.statePath = args.statePath;  // empty: the engine names it after the project or the servers
  req.options.projectPath = args.projectFile;
  req.options.resume = args.resume;
  req.options.maxRowsPerSecond = args.maxRate;
  req.options.onError = args.onError == "skip" ? copy::OnError::Skip : copy::OnError::Stop;
  req.options.dataOnly = args.dataOnly;
  req.options.keepSlot = args.keepSlot || !args.publication.empty();
  req.options.publication = args.publication;
  req.options.insertsOnly = args.insertsOnly;
  if (args.chunkRows > 0) req.options.limits.maxRows = args.chunkRows;

  run::CopyRun copyRun(req);
  std::signal(SIGINT, onSigint);
  std::signal(SIGTERM, onSigint);
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto result = waitWithProgress<core::Result<run::CopySummary>>(
      [&](std::stop_token stop) { return copyRun.run(stop); }, tty, g_interrupted,
      [] { std::fprintf(stderr, "\nferry: stopping after the chunks in flight; run again with --resume to finish\n"); },
      [&](bool terminal) { printLive(copyRun.progress(), terminal); });
  if (tty) std::fprintf(stderr, "\n");
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!result) return reportError(result.error(), args.json);
  const auto& s = result.value();
  if (args.json) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : s.final.tables) {
      tables.push_back({{"schema", t.schema}, {"table", t.table}, {"rows_read", t.rowsRead},
                        {"rows_written", t.rowsWritten}, {"rows_rejected", t.rowsRejected}, {"bytes", t.bytes},
                        {"seconds", t.seconds}, {"chunks", t.chunksTotal}});
    }
    nlohmann::json j = {{"tables", tables},
                        {"totals",
                         {{"rows_written", s.final.rowsWritten}, {"rows_rejected", s.final.rowsRejected},
                          {"bytes", s.final.bytes}, {"seconds", s.final.elapsedSeconds}}},
                        {"snapshot", s.final.snapshot},
                        {"state", s.statePath},
                        {"reject_file", s.rejectPath.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.rejectPath)}};
    std::cout << j.dump(2) << '\n';
  } else {
    std::printf("%-40s %12s %12s %10s %8s\n", "table", "rows read", "written", "rejected", "seconds");
    for (const auto& t : s.final.tables) {
      std::printf("%s%12lld %12lld %10lld %8.1f\n", core::padRight(t.schema + "." + t.table, 41).c_str(),
                  static_cast<long long>(t.rowsRead), static_cast<long long>(t.rowsWritten),
                  static_cast<long long>(t.rowsRejected), t.seconds);
    }
    std::printf("%lld rows, %s in %.1f s (%s rows/s); snapshot %s\n", static_cast<long long>(s.final.rowsWritten),
                core::humanBytes(s.final.bytes).c_str(), s.final.elapsedSeconds,
                rate(static_cast<double>(s.final.rowsWritten), s.final.elapsedSeconds).c_str(), s.final.snapshot.c_str());
    if (!s.rejectPath.empty()) std::printf("rejected rows: %s\n", s.rejectPath.c_str());
    std::printf("run state: %s\n", s.statePath.c_str());
  }
  return kExitOk;
}

}  // namespace

void addCopyCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<CopyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "copy", "Copy the tables from one consistent snapshot with parallel workers; resumable after a crash");
  cmd->add_option("--source", args->source, "Source connection URL")->required();
  cmd->add_option("--target", args->target, "Target connection URL (required unless --abandon)");
  cmd->add_option("--project", args->projectFile, "Project file (mapping options, overrides, table rules)");
  cmd->add_option("--jobs", args->jobs, "Parallel workers, one connection each (default: the number of cores)");
  cmd->add_option("--tables", args->tables, "Only tables matching this schema.table glob; repeat for several");
  cmd->add_option("--state", args->statePath,
                  "Run-state file (default: PROJECT.state beside --project, else one file per source and target "
                  "server and database in $XDG_STATE_HOME/ferry, ~/.local/state/ferry)");
  cmd->add_flag("--resume", args->resume, "Finish the run recorded in the state file");
  cmd->add_option("--max-rate", args->maxRate, "Throttle: at most this many rows per second (0: no limit)");
  cmd->add_option("--on-error", args->onError, "stop (default) or skip: what a row that cannot be copied does")
      ->check(CLI::IsMember({"stop", "skip"}));
  cmd->add_flag("--data-only", args->dataOnly, "The target's tables exist: copy data only, run no DDL");
  cmd->add_flag("--keep-slot", args->keepSlot,
                "Keep what the change stream starts from when the copy finishes: the PostgreSQL slot, or the "
                "MariaDB binlog and GTID position of the snapshot");
  cmd->add_option("--publication", args->publication,
                  "With the stream: use this publication the DBA created (it must publish every copied table) "
                  "instead of creating one; implies --keep-slot");
  cmd->add_option("--publish-inserts-only", args->insertsOnly,
                  "With --keep-slot: stream only the inserts of this append-only table (schema.table) that has no "
                  "replica identity; repeat for several");
  cmd->add_flag("--abandon", args->abandon,
                "Give up the run in the state file: drop its replication slots on the source; it cannot be resumed")
      ->excludes("--resume");
  cmd->add_option("--chunk-rows", args->chunkRows, "Rows per chunk (default 100000; chunks are also capped at 64 MB)");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback([args, &exitCode] { exitCode = runCopy(*args); });
}

}  // namespace ferry::cli
