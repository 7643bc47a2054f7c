// `ferry cutover`: the switch from the source to the target with a measured
// write pause (docs/cutover.md).

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "cli/cli_app.h"
#include "cli/live_wait.h"
#include "core/text.h"
#include "run/cutover_run.h"
#include "run/state_path.h"

namespace ferry::cli {

namespace {

std::atomic<bool> g_abort{false};
extern "C" void onCutoverSignal(int) { g_abort.store(true); }

constexpr int kExitAborted = 5;
constexpr int kExitCanaryLost = 6;

struct CutoverArgs {
  std::string statePath;
  std::string source;
  std::string target;
  std::string projectFile;
  std::string fence = "read-only";
  std::string pgbouncer;
  std::string pgbouncerDb;
  std::string pgbouncerInclude;
  std::string fenceCommand;
  std::string switchCommand;
  std::string unfenceCommand;
  int maxLagMs = 500;
  int stableSeconds = 5;
  int maxTxnAgeSeconds = 10;
  int maxPauseMs = 2000;
  int changedCheckMs = 200;
  std::int64_t sequenceHeadroom = 1000;
  int gateWaitSeconds = 120;
  std::string canaryUrl;
  int canaryMs = 20;
  std::vector<std::string> force;
  bool noReverse = false;
  bool recover = false;
  bool rehearse = false;
  bool json = false;
};

core::Result<run::CutoverRequest> requestOf(const CutoverArgs& args) {
  auto sides = runSides(args.statePath, args.source, args.target, args.projectFile);
  if (!sides) return std::move(sides).error();
  run::CutoverRequest req;
  req.source = std::move(sides->source);
  req.target = std::move(sides->target);
  req.project = std::move(sides->project);
  std::string statePath = args.statePath;
  if (statePath.empty()) {
    auto resolved = run::resolveStatePath(req.source, req.target, args.projectFile);
    if (!resolved) return std::move(resolved).error();
    statePath = *resolved;
  }
  auto& o = req.options;
  o.statePath = statePath;
  auto kind = cutover::parseFenceKind(args.fence);
  if (!kind) return std::move(kind).error();
  o.fence.kind = *kind;
  if (!args.pgbouncer.empty()) {
    auto admin = specFromUrl(args.pgbouncer, "PgBouncer admin console");
    if (!admin) return std::move(admin).error();
    o.fence.pgbouncerAdmin = *admin;
  }
  o.fence.pgbouncerDb = args.pgbouncerDb;
  o.fence.pgbouncerInclude = args.pgbouncerInclude;
  o.fence.fenceCommand = args.fenceCommand;
  o.fence.switchCommand = args.switchCommand;
  o.fence.unfenceCommand = args.unfenceCommand;
  o.maxLagMs = args.maxLagMs;
  o.stableSeconds = args.stableSeconds;
  o.maxTxnAgeSeconds = args.maxTxnAgeSeconds;
  o.maxPauseMs = args.maxPauseMs;
  o.changedCheckMs = args.changedCheckMs;
  o.sequenceHeadroom = args.sequenceHeadroom;
  o.gateWaitSeconds = args.gateWaitSeconds;
  if (!args.canaryUrl.empty()) {
    auto canary = specFromUrl(args.canaryUrl, "canary");
    if (!canary) return std::move(canary).error();
    o.canary = *canary;
  }
  o.canaryMs = args.canaryMs;
  o.force = {args.force.begin(), args.force.end()};
  o.noReverse = args.noReverse;
  // Fault injection for the recovery tests: the process dies at this step.
  if (const char* at = std::getenv("FERRY_CUTOVER_FAIL_AT")) o.failAt = at;
  if (o.fence.kind == cutover::FenceKind::PgBouncer && o.fence.pgbouncerAdmin.host.empty()) {
    return core::Error(core::ErrorKind::Usage, "--fence pgbouncer needs --pgbouncer URL (its admin console)");
  }
  return req;
}

void printReport(const run::CutoverReport& r) {
  for (const auto& g : r.gates) {
    std::printf("gate %-10s %s  %s\n", g.name.c_str(), g.ok ? "ok    " : g.forced ? "FORCED" : "FAILED", g.detail.c_str());
  }
  for (const auto& s : r.steps) {
    std::printf("step %-16s %8.1f ms%s  %s\n", s.name.c_str(), s.ms, s.inPause ? " (pause)" : "        ", s.detail.c_str());
  }
  if (!r.fencePosition.empty()) std::printf("fence position %s, drained to %s\n", r.fencePosition.c_str(),
                                            r.drainedTo.empty() ? "-" : r.drainedTo.c_str());
  for (const auto& s : r.sequences) std::printf("sequence %s next %lld (source %s)\n", s.name.c_str(), static_cast<long long>(s.next), s.source.c_str());
  if (r.canary) {
    std::printf("canary: %lld writes acknowledged, %lld lost, %lld failed (never acknowledged); client-observed pause %.1f ms "
                "(net %.1f ms)\n",
                static_cast<long long>(r.canary->acknowledged), static_cast<long long>(r.canary->lost),
                static_cast<long long>(r.canary->failed), r.canary->grossPauseMs, r.canary->netPauseMs);
  }
  if (!r.reverseState.empty()) {
    std::printf("way back: %s from %s\n", r.reverseState.c_str(), r.reverse.c_str());
  }
  if (r.result == "switched") {
    std::printf("switched: write pause %.1f ms (fence to switch, as Ferry timed it)\n", r.writePauseMs);
  } else {
    std::printf("%s%s: %s\n", r.result.c_str(), r.abortedBy.empty() ? "" : (" by " + r.abortedBy).c_str(), r.message.c_str());
  }
}

int runCutover(const CutoverArgs& args) {
  auto req = requestOf(args);
  if (!req) return reportError(req.error(), args.json);
  if (args.rehearse) {
    std::signal(SIGINT, onCutoverSignal);
    std::signal(SIGTERM, onCutoverSignal);
    auto r = waitWithProgress<core::Result<run::RehearsalReport>>(
        [&](std::stop_token stop) { return run::rehearseCutover(*req, stop); }, false, g_abort,
        [] { std::fprintf(stderr, "\nferry: aborting the rehearsal\n"); }, [](bool) {});
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!r) return reportError(r.error(), args.json);
    if (args.json) {
      std::cout << run::rehearsalJson(*r).dump(2) << '\n';
    } else {
      std::printf("== cutover ==\n");
      printReport(r->cutover);
      if (r->rollback) {
        std::printf("== rollback ==\n");
        printReport(*r->rollback);
      }
      std::printf("%s\n", r->result.c_str());
      if (!r->message.empty()) std::fprintf(stderr, "ferry: error: %s\n", r->message.c_str());
    }
    if (r->cutover.canary && r->cutover.canary->lost > 0) return kExitCanaryLost;
    if (r->rollback && r->rollback->canary && r->rollback->canary->lost > 0) return kExitCanaryLost;
    if (r->result == "rehearsed") return kExitOk;
    return r->result == "aborted" ? kExitAborted : kExitError;
  }
  if (args.recover) {
    auto r = run::recoverCutover(*req);
    if (!r) return reportError(r.error(), args.json);
    if (args.json) {
      std::cout << run::cutoverReportJson(*r).dump(2) << '\n';
    } else {
      printReport(*r);
    }
    return kExitOk;
  }
  run::CutoverRun cutover(*req);
  std::signal(SIGINT, onCutoverSignal);
  std::signal(SIGTERM, onCutoverSignal);
  const bool tty = isatty(STDERR_FILENO) != 0;
  std::size_t shownSteps = 0;
  auto result = waitWithProgress<core::Result<run::CutoverReport>>(
      [&](std::stop_token stop) { return cutover.run(stop); }, tty, g_abort,
      [&] {
        std::fprintf(stderr, "\nferry: aborting the cutover (before the switch)\n");
        cutover.abort();
      },
      [&](bool terminal) {
        const auto p = cutover.progress();
        for (; shownSteps < p.steps.size(); ++shownSteps) {
          std::fprintf(stderr, "%s%s %.1f ms\n", terminal ? "\r" : "", p.steps[shownSteps].name.c_str(), p.steps[shownSteps].ms);
        }
        if (p.phase == "gates") {
          std::fprintf(stderr, "%sgates: lag %.0f ms, stable %.1f s%s", terminal ? "\r" : "", p.lagMs, p.stableForSeconds,
                       terminal ? "   " : "\n");
        }
      });
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (tty) std::fprintf(stderr, "\n");
  if (!result) return reportError(result.error(), args.json);
  if (args.json) {
    std::cout << run::cutoverReportJson(*result).dump(2) << '\n';
  } else {
    printReport(*result);
  }
  if (result->canary && result->canary->lost > 0) return kExitCanaryLost;
  if (result->result == "switched") return kExitOk;
  if (result->result == "aborted") return kExitAborted;
  return kExitError;
}

int runRollback(const CutoverArgs& args) {
  auto req = requestOf(args);
  if (!req) return reportError(req.error(), args.json);
  std::signal(SIGINT, onCutoverSignal);
  std::signal(SIGTERM, onCutoverSignal);
  auto r = waitWithProgress<core::Result<run::CutoverReport>>(
      [&](std::stop_token stop) { return run::rollbackCutover(*req, stop); }, false, g_abort,
      [] { std::fprintf(stderr, "\nferry: aborting the rollback (before its switch)\n"); }, [](bool) {});
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!r) return reportError(r.error(), args.json);
  if (args.json) {
    std::cout << run::cutoverReportJson(*r).dump(2) << '\n';
  } else {
    printReport(*r);
  }
  if (r->canary && r->canary->lost > 0) return kExitCanaryLost;
  if (r->result == "rolled-back") return kExitOk;
  return r->result == "aborted" ? kExitAborted : kExitError;
}

/// The fence and connection options `cutover` and `rollback` share.
void addFenceOptions(CLI::App* cmd, CutoverArgs& a) {
  cmd->add_option("--state", a.statePath, "The run's state file (default: as for the copy)");
  cmd->add_option("--source", a.source, "Source connection URL (default: the one the run recorded)");
  cmd->add_option("--target", a.target, "Target connection URL (default: the one the run recorded)");
  cmd->add_option("--project", a.projectFile, "Project file the copy used");
  cmd->add_option("--fence", a.fence, "How writes on the primary are stopped: pgbouncer, read-only (default) or command")
      ->check(CLI::IsMember({"pgbouncer", "read-only", "command"}));
  cmd->add_option("--pgbouncer", a.pgbouncer, "pgbouncer fence: PgBouncer's admin console URL (database pgbouncer)");
  cmd->add_option("--pgbouncer-db", a.pgbouncerDb, "pgbouncer fence: the database name the application connects to");
  cmd->add_option("--pgbouncer-include", a.pgbouncerInclude,
                  "pgbouncer fence: the file of [databases] lines PgBouncer includes; Ferry rewrites the database's line");
  cmd->add_option("--fence-command", a.fenceCommand, "command fence: stops the application's writes (sh -c; FERRY_NEW_URL set)");
  cmd->add_option("--switch-command", a.switchCommand, "Points the application at the other side (any fence; FERRY_NEW_URL set)");
  cmd->add_option("--unfence-command", a.unfenceCommand, "command fence: allows the writes again");
  cmd->add_option("--max-lag-ms", a.maxLagMs, "Gate: heartbeat lag under this (default 500) …");
  cmd->add_option("--stable-s", a.stableSeconds, "… for this many seconds (default 5)");
  cmd->add_option("--max-txn-age-s", a.maxTxnAgeSeconds, "Gate: no write transaction older than this on the primary (default 10)");
  cmd->add_option("--max-pause-ms", a.maxPauseMs, "The write pause's budget, fence to switch; a step past it aborts (default 2000)");
  cmd->add_option("--changed-check-ms", a.changedCheckMs,
                  "Inside the pause, after the drain: compare the rows changed since the last verification for at most "
                  "this long, the newest first; a difference aborts (default 200, 0 = no check)");
  cmd->add_option("--sequence-headroom", a.sequenceHeadroom, "Sequences set this far ahead before the fence (default 1000)");
  cmd->add_option("--gate-wait-s", a.gateWaitSeconds, "How long the live gates may take to pass (default 120)");
  cmd->add_option("--canary-url", a.canaryUrl, "Write canary rows through this URL (the application's endpoint, as its role)");
  cmd->add_option("--canary-ms", a.canaryMs, "A canary write every N ms (default 20)");
  cmd->add_flag("--json", a.json, "Print the report as JSON");
}

}  // namespace

void addCutoverCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<CutoverArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cutover", "Switch the application from the source to the target: gates, fence, drain, sequences, switch "
                 "(exit 0 switched or rehearsed, 5 aborted with the source still primary, 6 an acknowledged canary write "
                 "missing, 1 error)");
  addFenceOptions(cmd, *args);
  cmd->add_option("--force", args->force, "Skip a failed gate: verify, sequences, reverse, roles (never lag, txn-age, fence)");
  cmd->add_flag("--no-reverse", args->noReverse, "Prepare no way back (the old source receives nothing after the switch)");
  cmd->add_flag("--recover", args->recover,
                "Finish or undo a cutover whose process died: before the switch the fence is lifted, after it the switch is completed");
  cmd->add_flag("--rehearse", args->rehearse,
                "Cut over, then roll back at once: both pauses, the step timings and the canary verdict, kept in the run state");
  cmd->callback([args, &exitCode] { exitCode = runCutover(*args); });
}

void addRollbackCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<CutoverArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rollback", "Go back to the old source after a cutover: fence the new primary, drain the way back, switch back, "
                  "lift the old source's fence (exit 0 rolled back, 5 aborted with the new side still primary, 6 a canary "
                  "write missing, 1 error)");
  addFenceOptions(cmd, *args);
  cmd->add_option("--force", args->force, "Skip a failed gate: sequences (never lag, txn-age, fence)");
  cmd->callback([args, &exitCode] { exitCode = runRollback(*args); });
}

void addFinishCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<CutoverArgs>();
  CLI::App* cmd = app.add_subcommand(
      "finish", "End the migration after the soak: stop the way back, drop its slot and publication; the old source is left as it is");
  cmd->add_option("--state", args->statePath, "The run's state file (default: as for the copy)");
  cmd->add_option("--source", args->source, "Source connection URL (default: the one the run recorded)");
  cmd->add_option("--target", args->target, "Target connection URL (default: the one the run recorded)");
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->callback([args, &exitCode] {
    auto req = requestOf(*args);
    if (!req) {
      exitCode = reportError(req.error(), args->json);
      return;
    }
    auto r = run::finishMigration(*req);
    if (!r) {
      exitCode = reportError(r.error(), args->json);
      return;
    }
    if (args->json) {
      std::cout << r->dump(2) << '\n';
    } else {
      for (const auto& [k, v] : r->items()) std::printf("%s: %s\n", k.c_str(), v.get<std::string>().c_str());
    }
    exitCode = kExitOk;
  });
}

}  // namespace ferry::cli
