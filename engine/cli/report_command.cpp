// `ferry report`: the evidence pack of a run (docs/cutover.md, "Evidence pack").

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include "cli/cli_app.h"
#include "run/evidence_pack.h"

namespace ferry::cli {

namespace {

struct ReportArgs {
  std::string statePath;
  std::string source;
  std::string target;
  std::string projectFile;
  std::string out;
  std::string pdf;
};

/// The PDF is rendered by the workbench beside this binary (Qt's PDF writer),
/// headless: the engine and `ferry` stay free of Qt.
int renderPdf(const std::string& html, const std::string& pdf) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto workbench = self.parent_path() / "ferry-workbench";
  if (ec || !std::filesystem::exists(workbench)) {
    return reportError(core::Error(core::ErrorKind::NotFound, "ferry-workbench is not installed beside ferry: no PDF",
                                   "Install the workbench (it renders the PDF), or print the HTML from a browser."),
                       false);
  }
  const std::string cmd = "QT_QPA_PLATFORM=offscreen '" + workbench.string() + "' --render-pdf '" + html + "' '" + pdf + "'";
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    return reportError(core::Error(core::ErrorKind::Io, "the workbench could not render " + pdf), false);
  }
  return kExitOk;
}

int runReport(const ReportArgs& args) {
  std::string sourceUrl = args.source, targetUrl = args.target;
  if (auto filled = fillRecordedUrls(args.statePath, sourceUrl, targetUrl); !filled) return reportError(filled.error(), false);
  run::EvidenceRequest req;
  req.statePath = args.statePath;
  req.toolVersion = "ferry 0.1.0";
  // The assessment is read again when the servers answer; without them the pack says so.
  if (auto s = specFromUrl(sourceUrl, "source"); s) req.source = *s;
  if (auto t = specFromUrl(targetUrl, "target"); t) req.target = *t;
  if (!args.projectFile.empty()) {
    auto project = plan::Project::load(args.projectFile);
    if (!project) return reportError(project.error(), false);
    req.project = std::move(*project);
  }
  auto html = run::evidencePackHtml(req);
  if (!html) return reportError(html.error(), false);
  {
    std::ofstream f(args.out, std::ios::trunc);
    f << *html;
    if (!f) return reportError(core::Error(core::ErrorKind::Io, "cannot write " + args.out), false);
  }
  std::fprintf(stderr, "ferry: evidence pack written to %s\n", args.out.c_str());
  if (!args.pdf.empty()) {
    const int rc = renderPdf(args.out, args.pdf);
    if (rc != kExitOk) return rc;
    std::fprintf(stderr, "ferry: PDF written to %s\n", args.pdf.c_str());
  }
  return kExitOk;
}

}  // namespace

void addReportCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Write the evidence pack of a run: one self-contained HTML page (and a PDF) for sign-off");
  cmd->add_option("--state", args->statePath, "The run's state file")->required();
  cmd->add_option("--source", args->source, "Source connection URL (default: the one the run recorded)");
  cmd->add_option("--target", args->target, "Target connection URL (default: the one the run recorded)");
  cmd->add_option("--project", args->projectFile, "Project file the copy used (its overrides are listed)");
  cmd->add_option("--out", args->out, "The HTML file to write")->required();
  cmd->add_option("--pdf", args->pdf, "Also a PDF (rendered by ferry-workbench, installed beside ferry)");
  cmd->callback([args, &exitCode] { exitCode = runReport(*args); });
}

}  // namespace ferry::cli
