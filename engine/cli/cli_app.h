#pragma once
/// The `ferry` command line: parses arguments, runs one subcommand, maps the
/// outcome to the exit code (0 ok, 1 error, 2 usage, 3 differences / divergence, 4 schema change,
/// 5 cutover aborted, 6 an acknowledged canary write missing).

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "connect/connection_spec.h"
#include "core/error.h"
#include "core/result.h"
#include "plan/project.h"

namespace CLI {
class App;
}

namespace ferry::cli {

enum ExitCode : int { kExitOk = 0, kExitError = 1, kExitUsage = 2, kExitDifferences = 3 };

int runCli(int argc, char** argv);

/// Shared by subcommands: parse a URL and resolve its password (environment,
/// password files, a terminal prompt when stdin is a TTY).
core::Result<connect::ConnectionSpec> specFromUrl(const std::string& url, const char* role);

/// The run's recorded source and target URLs (without passwords) for the ones not given.
core::Status fillRecordedUrls(const std::string& statePath, std::string& sourceUrl, std::string& targetUrl);

/// What a command on a run works with: the source and target (the URLs given,
/// else the ones the run in `statePath` recorded, passwords resolved as usual)
/// and the project (`projectFile`, when given).
struct RunSides {
  connect::ConnectionSpec source;
  connect::ConnectionSpec target;
  plan::Project project;
};
core::Result<RunSides> runSides(const std::string& statePath, std::string sourceUrl, std::string targetUrl,
                                const std::string& projectFile);

/// Prints an error the CLI way: "ferry: error: …" on stderr, and when json is
/// set an {"error": {...}} object on stdout. Returns the exit code for it.
int reportError(const core::Error& error, bool json);

/// True when stdin is a terminal (prompts allowed).
bool interactive();

void addInspectCommand(CLI::App& app, int& exitCode);
void addPreflightCommand(CLI::App& app, int& exitCode);
void addAssessCommand(CLI::App& app, int& exitCode);
void addDdlCommand(CLI::App& app, int& exitCode);
void addDiffCommand(CLI::App& app, int& exitCode);
void addCopyCommand(CLI::App& app, int& exitCode);
void addVerifyCommands(CLI::App& app, int& exitCode);  // verify and repair
void addSyncCommand(CLI::App& app, int& exitCode);
void addCtlCommand(CLI::App& app, int& exitCode);
void addStatusCommand(CLI::App& app, int& exitCode);
void addMigrateCommand(CLI::App& app, int& exitCode);
void addCutoverCommand(CLI::App& app, int& exitCode);
void addRollbackCommand(CLI::App& app, int& exitCode);
void addFinishCommand(CLI::App& app, int& exitCode);
void addReportCommand(CLI::App& app, int& exitCode);

}  // namespace ferry::cli
