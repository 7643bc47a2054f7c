// `ferry preflight --source URL [--target URL] [--json]`

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli_app.h"
#include "run/session.h"

namespace ferry::cli {

namespace {

struct PreflightArgs {
  std::string source;
  std::string target;
  bool json = false;
};

const char* mark(preflight::CheckStatus s) {
  switch (s) {
    case preflight::CheckStatus::Pass: return "PASS";
    case preflight::CheckStatus::Warn: return "WARN";
    case preflight::CheckStatus::Fail: return "FAIL";
  }
  return "FAIL";
}

int runPreflightCommand(const PreflightArgs& args) {
  auto source = specFromUrl(args.source, "source");
  if (!source) return reportError(source.error(), args.json);
  std::optional<connect::ConnectionSpec> target;
  if (!args.target.empty()) {
    auto t = specFromUrl(args.target, "target");
    if (!t) return reportError(t.error(), args.json);
    target = std::move(*t);
  }
  run::OpenOptions open;
  open.allowPrompt = interactive();
  auto report = run::runPreflight(&*source, target ? &*target : nullptr, open);
  if (!report) return reportError(report.error(), args.json);
  if (args.json) {
    std::cout << preflight::toJson(*report).dump(2) << '\n';
  } else {
    for (const auto& c : report->checks) {
      std::cout << mark(c.status) << "  " << c.id << ": " << c.title << " — " << c.detail << '\n';
      if (!c.fix.empty()) std::cout << "      fix: " << c.fix << '\n';
    }
    std::cout << '\n'
              << report->count(preflight::CheckStatus::Pass) << " passed, "
              << report->count(preflight::CheckStatus::Warn)
              << (report->count(preflight::CheckStatus::Warn) == 1 ? " warning, " : " warnings, ")
              << report->count(preflight::CheckStatus::Fail) << " failed\n";
  }
  return report->hasFailures() ? kExitError : kExitOk;
}

}  // namespace

void addPreflightCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<PreflightArgs>();
  CLI::App* cmd = app.add_subcommand(
      "preflight", "Check that the source (and target) allow a live migration; exit 1 when a check fails");
  cmd->add_option("--source", args->source, "Source connection URL")->required();
  cmd->add_option("--target", args->target, "Target connection URL");
  cmd->add_flag("--json", args->json, "Print the checks as JSON");
  cmd->callback([args, &exitCode] { exitCode = runPreflightCommand(*args); });
}

}  // namespace ferry::cli
