// `ferry assess` and `ferry ddl`.

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "cli/cli_app.h"
#include "ddl/ddl_generator.h"
#include "run/assessment_run.h"

namespace ferry::cli {

namespace {

struct AssessArgs {
  std::string source;
  std::string target;
  std::string targetEngine;
  std::string projectFile;
  std::vector<std::string> schemas;
  std::string format = "text";
  std::string out;
  std::string section = "all";
  bool scanData = false;
};

core::Result<model::Engine> parseEngine(const std::string& name) {
  if (name == "postgresql" || name == "postgres") return model::Engine::PostgreSQL;
  if (name == "mysql") return model::Engine::MySQL;
  if (name == "mariadb") return model::Engine::MariaDB;
  return core::Error(core::ErrorKind::Usage, "unknown target engine '" + name + "'",
                     "Use --target-engine postgresql, mysql or mariadb.");
}

core::Result<run::AssessRequest> buildRequest(const AssessArgs& args) {
  run::AssessRequest req;
  auto source = specFromUrl(args.source, "source");
  if (!source) return std::move(source).error();
  req.source = std::move(*source);
  if (!args.projectFile.empty()) {
    auto project = plan::Project::load(args.projectFile);
    if (!project) return std::move(project).error();
    req.project = std::move(*project);
  }
  req.schemas = args.schemas;
  req.scanData = args.scanData;
  if (!args.target.empty()) {
    auto target = specFromUrl(args.target, "target");
    if (!target) return std::move(target).error();
    req.targetEngine = target->engine;
    req.target = std::move(*target);
  } else if (!args.targetEngine.empty()) {
    auto engine = parseEngine(args.targetEngine);
    if (!engine) return std::move(engine).error();
    req.targetEngine = *engine;
  } else {
    return core::Error(core::ErrorKind::Usage, "no target given",
                       "Add --target URL (a real server) or --target-engine postgresql|mysql|mariadb.");
  }
  return req;
}

core::Status writeOutput(const std::string& text, const std::string& path) {
  if (path.empty()) {
    std::cout << text;
    return {};
  }
  std::ofstream out(path, std::ios::trunc);
  if (!out) return core::Error(core::ErrorKind::Io, "cannot write '" + path + "'", "Check the path and its permissions.");
  out << text;
  if (!out) return core::Error(core::ErrorKind::Io, "writing '" + path + "' failed", "Check the free disk space.");
  std::cerr << "ferry: wrote " << path << '\n';
  return {};
}

int runAssess(const AssessArgs& args) {
  const bool json = args.format == "json";
  auto req = buildRequest(args);
  if (!req) return reportError(req.error(), json);
  run::OpenOptions open;
  open.allowPrompt = interactive();
  auto a = run::runAssessment(*req, open);
  if (!a) return reportError(a.error(), json);
  std::string text;
  if (args.format == "json") {
    text = assess::toJson(*a).dump(2) + "\n";
  } else if (args.format == "html") {
    const std::string title = req->project.name.empty() ? "Migration assessment" : "Migration assessment: " + req->project.name;
    text = assess::toHtml(*a, title);
  } else {
    text = assess::toText(*a);
  }
  auto written = writeOutput(text, args.out);
  if (!written) return reportError(written.error(), json);
  return kExitOk;
}

int runDdl(const AssessArgs& args) {
  auto req = buildRequest(args);
  if (!req) return reportError(req.error(), false);
  run::OpenOptions open;
  open.allowPrompt = interactive();
  auto a = run::runAssessment(*req, open);
  if (!a) return reportError(a.error(), false);
  ddl::GenerateOptions go;
  go.sourceLabel = req->source.toUrlWithoutPassword();
  const auto script = ddl::generate(a->target, go);
  const ddl::Section section = args.section == "pre-data"    ? ddl::Section::PreData
                               : args.section == "post-data" ? ddl::Section::PostData
                                                             : ddl::Section::All;
  auto written = writeOutput(script.text(section), args.out);
  if (!written) return reportError(written.error(), false);
  return kExitOk;
}

int runDiff(const AssessArgs& args, bool json, bool script) {
  auto req = buildRequest(args);
  if (!req) return reportError(req.error(), json);
  run::OpenOptions open;
  open.allowPrompt = interactive();
  auto r = run::runSchemaDiff(*req, open);
  if (!r) return reportError(r.error(), json);
  std::string text;
  if (json) {
    nlohmann::json j = assess::toJson(r->diff);
    j["reconcile_script"] = r->diff.reconcileScript(req->targetEngine);
    text = j.dump(2) + "\n";
  } else if (script) {
    text = r->diff.reconcileScript(req->targetEngine);
  } else {
    text = assess::toText(r->diff);
  }
  auto written = writeOutput(text, args.out);
  if (!written) return reportError(written.error(), json);
  return kExitOk;
}

void addCommonOptions(CLI::App* cmd, AssessArgs& args) {
  cmd->add_option("--source", args.source, "Source connection URL")->required();
  cmd->add_option("--project", args.projectFile, "Project file with mapping options, overrides and table rules");
  cmd->add_option("-s,--schema", args.schemas, "Source schema (MySQL: database) to include; repeat for several");
  cmd->add_option("--out", args.out, "Write to this file instead of stdout");
}

}  // namespace

void addAssessCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<AssessArgs>();
  CLI::App* cmd = app.add_subcommand(
      "assess", "Map every source column to a target type with a severity and the reasons, and list the objects "
                "that need a person");
  addCommonOptions(cmd, *args);
  auto* target = cmd->add_option("--target", args->target, "Target connection URL (its version shapes the mapping)");
  cmd->add_option("--target-engine", args->targetEngine, "Target engine when no target server is given")
      ->check(CLI::IsMember({"postgresql", "postgres", "mysql", "mariadb"}))
      ->excludes(target);
  cmd->add_option("--format", args->format, "text (default), json or html")->check(CLI::IsMember({"text", "json", "html"}));
  cmd->add_flag("--scan-data", args->scanData,
                "Count the source rows each lossy finding affects (one aggregate query per table, sampled on large tables)");
  cmd->callback([args, &exitCode] { exitCode = runAssess(*args); });
}

void addDdlCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<AssessArgs>();
  CLI::App* cmd = app.add_subcommand("ddl", "Print the target DDL: pre-data (before the copy) and post-data (after it)");
  addCommonOptions(cmd, *args);
  auto* target = cmd->add_option("--target", args->target, "Target connection URL (its version shapes the mapping)");
  cmd->add_option("--target-engine", args->targetEngine, "Target engine when no target server is given")
      ->check(CLI::IsMember({"postgresql", "postgres", "mysql", "mariadb"}))
      ->excludes(target);
  cmd->add_option("--section", args->section, "pre-data, post-data or all (default)")
      ->check(CLI::IsMember({"pre-data", "post-data", "all"}));
  cmd->callback([args, &exitCode] { exitCode = runDdl(*args); });
}

void addDiffCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<AssessArgs>();
  auto json = std::make_shared<bool>(false);
  auto script = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "diff", "Compare the mapped source with an existing target: objects added, missing, changed, and the DDL "
              "that reconciles them");
  addCommonOptions(cmd, *args);
  cmd->add_option("--target", args->target, "Target connection URL")->required();
  cmd->add_flag("--json", *json, "Print the differences and the reconcile script as JSON");
  cmd->add_flag("--script", *script, "Print only the reconcile script (SQL)");
  cmd->callback([args, json, script, &exitCode] { exitCode = runDiff(*args, *json, *script); });
}

}  // namespace ferry::cli
