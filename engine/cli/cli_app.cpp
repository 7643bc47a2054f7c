#include "cli/cli_app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "core/log.h"
#include "state/run_state_store.h"

namespace ferry::cli {

bool interactive() { return isatty(STDIN_FILENO) != 0; }

/// The run's recorded source and target URLs (without passwords) for the ones not given.
core::Status fillRecordedUrls(const std::string& statePath, std::string& sourceUrl, std::string& targetUrl) {
  if (!sourceUrl.empty() && !targetUrl.empty()) return {};
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto info = (*store)->loadRun();
  if (!info) return std::move(info).error();
  if (sourceUrl.empty()) sourceUrl = info->sourceUrl;
  if (targetUrl.empty()) targetUrl = info->targetUrl;
  return {};
}

core::Result<RunSides> runSides(const std::string& statePath, std::string sourceUrl, std::string targetUrl,
                                const std::string& projectFile) {
  if (!statePath.empty()) FERRY_TRY(fillRecordedUrls(statePath, sourceUrl, targetUrl));
  if (sourceUrl.empty() || targetUrl.empty()) {
    return core::Error(core::ErrorKind::Usage, "--source and --target are required",
                       "Give both URLs, or --state FILE of a run to take them from.");
  }
  RunSides sides;
  auto source = specFromUrl(sourceUrl, "source");
  if (!source) return std::move(source).error();
  sides.source = std::move(*source);
  auto target = specFromUrl(targetUrl, "target");
  if (!target) return std::move(target).error();
  sides.target = std::move(*target);
  if (!projectFile.empty()) {
    auto project = plan::Project::load(projectFile);
    if (!project) return std::move(project).error();
    sides.project = std::move(*project);
  }
  return sides;
}

core::Result<connect::ConnectionSpec> specFromUrl(const std::string& url, const char* role) {
  auto spec = connect::ConnectionSpec::parse(url);
  if (!spec) return std::move(spec).error().context(std::string("--") + role);
  connect::resolvePassword(*spec);
  return spec;
}

int reportError(const core::Error& error, bool json) {
  const std::string line = connect::redactUrls(error.oneLine());
  std::cerr << "ferry: error: " << line << '\n';
  if (json) {
    nlohmann::json j = {{"error",
                         {{"kind", core::errorKindName(error.kind())},
                          {"message", connect::redactUrls(error.message())},
                          {"hint", error.hint()},
                          {"sqlstate", error.sqlState()},
                          {"vendor_code", error.vendorCode()}}}};
    std::cout << j.dump(2) << '\n';
  }
  return error.kind() == core::ErrorKind::Usage ? kExitUsage : kExitError;
}

int runCli(int argc, char** argv) {
  CLI::App app{
      "Ferry migrates a live database between PostgreSQL and MySQL/MariaDB with no maintenance window.\n"
      "URLs: postgresql://user[:password]@host[:port]/db[?sslmode=verify-full&sslrootcert=ca.pem]\n"
      "      mysql://user[:password]@host[:port]/[db][?ssl-mode=REQUIRED&ssl-ca=ca.pem]  (also mariadb://)\n"
      "Passwords not in the URL come from PGPASSWORD / MYSQL_PWD, ~/.pgpass / ~/.my.cnf [client], or a prompt.\n"
      "Exit codes: 0 ok, 1 error, 2 usage, 3 differences found (verify, repair) or a divergence (sync,\n"
      "migrate), 4 a schema change on the source stopped the stream (sync, migrate).",
      "ferry"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ferry 0.1.0");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log more detail to stderr");
  int exitCode = kExitOk;
  addInspectCommand(app, exitCode);
  addPreflightCommand(app, exitCode);
  addAssessCommand(app, exitCode);
  addDdlCommand(app, exitCode);
  addDiffCommand(app, exitCode);
  addCopyCommand(app, exitCode);
  addVerifyCommands(app, exitCode);
  addSyncCommand(app, exitCode);
  addCtlCommand(app, exitCode);
  addStatusCommand(app, exitCode);
  addMigrateCommand(app, exitCode);
  addCutoverCommand(app, exitCode);
  addRollbackCommand(app, exitCode);
  addFinishCommand(app, exitCode);
  addReportCommand(app, exitCode);
  app.parse_complete_callback([&verbose] {
    if (verbose) core::setLogLevel(core::LogLevel::Debug);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return exitCode;
}

}  // namespace ferry::cli
