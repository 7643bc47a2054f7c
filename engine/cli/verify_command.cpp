// `ferry verify` and `ferry repair`: compare source and target chunk by chunk,
// down to the differing rows; repair re-copies exactly those and verifies again.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/cli_app.h"
#include "cli/live_wait.h"
#include "core/text.h"
#include "run/verify_run.h"

namespace ferry::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onVerifySigint(int) { g_interrupted.store(true); }

struct VerifyArgs {
  std::string source;
  std::string target;
  std::string projectFile;
  std::vector<std::string> tables;
  int jobs = 0;
  double sample = 100;
  std::string hash = "auto";
  bool quick = false;
  std::int64_t maxRate = 0;
  std::int64_t chunkRows = 0;
  std::size_t maxDifferences = 1000;
  bool json = false;
  std::string report;
  std::string statePath;  ///< verify: the run (URLs from it; a running sync is held for one position)
};

core::Result<run::VerifyRequest> requestFrom(const VerifyArgs& args) {
  auto sides = runSides(args.statePath, args.source, args.target, args.projectFile);
  if (!sides) return std::move(sides).error();
  run::VerifyRequest req;
  req.source = std::move(sides->source);
  req.target = std::move(sides->target);
  req.project = std::move(sides->project);
  auto& o = req.options;
  o.jobs = args.jobs;
  o.tablePatterns = args.tables;
  o.samplePercent = args.sample;
  o.hash = args.hash == "server" ? verify::HashMode::Server
           : args.hash == "client" ? verify::HashMode::Client
                                   : verify::HashMode::Auto;
  o.quick = args.quick;
  o.maxRowsPerSecond = args.maxRate;
  o.maxDifferencesPerTable = args.maxDifferences;
  if (args.chunkRows > 0) o.limits.maxRows = args.chunkRows;
  // A sync running on the run: both sides at one source position.
  o.live.syncStatePath = args.statePath;
  return req;
}

void printLive(const run::VerifyProgress& p, bool tty) {
  char line[256];
  std::snprintf(line, sizeof line, "%-9s %d/%d chunks, %lld rows (%.0f rows/s), %lld differences, %.0f s",
                p.phase.c_str(), p.chunksDone, p.chunksTotal, static_cast<long long>(p.rowsChecked),
                p.elapsedSeconds > 0 ? static_cast<double>(p.rowsChecked) / p.elapsedSeconds : 0.0,
                static_cast<long long>(p.differences), p.elapsedSeconds);
  if (tty) {
    std::fprintf(stderr, "\r\033[K%s", line);
  } else {
    std::fprintf(stderr, "ferry: verify: %s\n", line);
  }
}

/// Runs one verification with a live line on stderr; Ctrl-C stops it.
core::Result<verify::VerifyReport> verifyOnce(run::VerifyRun& vr) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto result = waitWithProgress<core::Result<verify::VerifyReport>>(
      [&](std::stop_token stop) { return vr.run(stop); }, tty, g_interrupted, [] {},
      [&](bool terminal) { printLive(vr.progress(), terminal); });
  if (tty) std::fprintf(stderr, "\r\033[K");
  return result;
}

int finish(const verify::VerifyReport& report, const VerifyArgs& args, const nlohmann::json* repairs) {
  if (!args.report.empty()) {
    std::ofstream out(args.report);
    out << verify::renderHtml(report);
    if (!out) {
      return reportError(core::Error(core::ErrorKind::Io, "cannot write the report '" + args.report + "'",
                                     "Check the folder exists and is writable."),
                         args.json);
    }
  }
  if (args.json) {
    auto j = verify::toJson(report);
    if (repairs) j["repairs"] = *repairs;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << verify::renderText(report);
    if (!args.report.empty()) std::cout << "report: " << args.report << '\n';
  }
  if (report.anyError()) return kExitError;
  return report.identical() ? kExitOk : kExitDifferences;
}

class SignalScope {
public:
  SignalScope() {
    g_interrupted = false;
    std::signal(SIGINT, onVerifySigint);
    std::signal(SIGTERM, onVerifySigint);
  }
  ~SignalScope() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;
};

int runVerify(const VerifyArgs& args) {
  auto req = requestFrom(args);
  if (!req) return reportError(req.error(), args.json);
  SignalScope signals;
  run::VerifyRun vr(*req);
  auto report = verifyOnce(vr);
  if (!report) return reportError(report.error(), args.json);
  return finish(*report, args, nullptr);
}

int runRepair(const VerifyArgs& args) {
  auto req = requestFrom(args);
  if (!req) return reportError(req.error(), args.json);
  req->options.quick = false;  // repair needs the differing rows, not only statistics
  SignalScope signals;
  run::VerifyRun first(*req);
  auto before = verifyOnce(first);
  if (!before) return reportError(before.error(), args.json);
  if (before->anyError()) return finish(*before, args, nullptr);
  nlohmann::json repairs = nlohmann::json::array();
  if (before->identical()) {
    if (!args.json) std::cout << "nothing to repair: the target is identical\n";
    return finish(*before, args, &repairs);
  }
  std::stop_source stop;
  auto done = first.repair(*before, stop.get_token());
  if (!done) return reportError(done.error(), args.json);
  for (const auto& r : *done) {
    repairs.push_back({{"table", r.table}, {"how", r.how}, {"deleted", r.counts.deleted},
                       {"inserted", r.counts.inserted}, {"rejected", r.counts.rejected}});
    if (!args.json) {
      std::cout << "repaired " << r.table << " (" << r.how << "): " << r.counts.deleted << " rows deleted, "
                << r.counts.inserted << " inserted" << (r.counts.rejected ? ", " + std::to_string(r.counts.rejected) +
                                                                                 " not convertible (as in the copy)"
                                                                           : std::string())
                << '\n';
    }
  }
  if (!args.json) std::cout << "verifying again…\n";
  run::VerifyRun second(*req);
  auto after = verifyOnce(second);
  if (!after) return reportError(after.error(), args.json);
  return finish(*after, args, &repairs);
}

void addOptions(CLI::App* cmd, VerifyArgs& a, bool withState) {
  if (withState) {
    cmd->add_option("--source", a.source, "Source connection URL (default: the one --state recorded)");
    cmd->add_option("--target", a.target, "Target connection URL (default: the one --state recorded)");
    cmd->add_option("--state", a.statePath,
                    "The run-state file of a copy or sync: its URLs, and — while a sync runs on it — both sides "
                    "compared as of one source position (the sync is held briefly; the report says for how long)");
  } else {
    cmd->add_option("--source", a.source, "Source connection URL")->required();
    cmd->add_option("--target", a.target, "Target connection URL")->required();
  }
  cmd->add_option("--project", a.projectFile, "Project file (mapping options, overrides, table rules)");
  cmd->add_option("--tables", a.tables, "Only tables matching this schema.table glob; repeat for several");
  cmd->add_option("--jobs", a.jobs, "Parallel workers, a source and a target connection each (default: cores)");
  cmd->add_option("--sample", a.sample, "Compare only this percentage of each table's chunks (counts stay exact)")
      ->check(CLI::Range(0.01, 100.0));
  cmd->add_option("--hash", a.hash,
                  "auto (default: server checksums where both sides are the same engine and the columns were "
                  "copied unchanged, row digests otherwise), server, or client")
      ->check(CLI::IsMember({"auto", "server", "client"}));
  cmd->add_option("--max-rate", a.maxRate, "Throttle: at most this many source rows per second (0: no limit)");
  cmd->add_option("--chunk-rows", a.chunkRows, "Rows per chunk (default 100000)");
  cmd->add_option("--max-differences", a.maxDifferences, "Differences listed per table (default 1000; more are counted)");
  cmd->add_flag("--json", a.json, "Print the result as JSON");
  cmd->add_option("--report", a.report, "Also write the result as a self-contained HTML file");
}

}  // namespace

void addVerifyCommands(CLI::App& app, int& exitCode) {
  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verifyCmd = app.add_subcommand(
      "verify", "Compare source and target: exact counts, chunked checksums, the differing rows and columns "
                "(exit 0 identical, 3 differences, 1 error)");
  addOptions(verifyCmd, *v, true);
  verifyCmd->add_flag("--quick", v->quick, "Counts and column statistics (NULLs, min/max) only: a cheap first pass");
  verifyCmd->callback([v, &exitCode] { exitCode = runVerify(*v); });

  auto r = std::make_shared<VerifyArgs>();
  CLI::App* repairCmd = app.add_subcommand(
      "repair", "Verify, re-copy exactly the differing rows (or chunks), then verify again "
                "(exit 0 when identical afterwards, 3 if differences remain, 1 error)");
  addOptions(repairCmd, *r, false);
  repairCmd->callback([r, &exitCode] { exitCode = runRepair(*r); });
}

}  // namespace ferry::cli
