// `ferry inspect URL [--schema S]… [--json]`

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/catalog_tree.h"
#include "cli/cli_app.h"
#include "model/catalog_json.h"
#include "run/session.h"

namespace ferry::cli {

namespace {

struct InspectArgs {
  std::string url;
  std::vector<std::string> schemas;
  bool json = false;
  bool noDefinitions = false;
};

int runInspect(const InspectArgs& args) {
  auto spec = specFromUrl(args.url, "url");
  if (!spec) return reportError(spec.error(), args.json);
  introspect::IntrospectOptions what;
  what.schemas = args.schemas;
  what.withDefinitions = !args.noDefinitions;
  run::OpenOptions open;
  open.allowPrompt = interactive();
  auto catalog = run::inspect(*spec, what, open);
  if (!catalog) return reportError(catalog.error(), args.json);
  if (args.json) {
    std::cout << model::toJson(*catalog).dump(2) << '\n';
  } else {
    printCatalogTree(*catalog, std::cout);
  }
  return kExitOk;
}

}  // namespace

void addInspectCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Read a server's catalog and print it as a tree or as JSON");
  cmd->add_option("url", args->url, "Connection URL (postgresql://… or mysql://…)")->required();
  cmd->add_option("-s,--schema", args->schemas,
                  "Schema (MySQL: database) to read; repeat for several. Default: all user schemas "
                  "(MySQL: the URL's database, or all)");
  cmd->add_flag("--json", args->json, "Print the catalog as JSON (documented in docs/catalog-json.md)");
  cmd->add_flag("--no-definitions", args->noDefinitions, "Leave out view, trigger and routine source text");
  cmd->callback([args, &exitCode] { exitCode = runInspect(*args); });
}

}  // namespace ferry::cli
