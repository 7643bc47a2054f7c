#include "run/assessment_run.h"

#include <algorithm>
#include <thread>

#include "core/text.h"
#include "run/data_scan_run.h"

namespace ferry::run {

core::Result<assess::Assessment> runAssessment(const AssessRequest& request, const OpenOptions& options) {
  auto assessed = assessSource(request, options);
  if (!assessed) return std::move(assessed).error();
  return std::move(assessed->assessment);
}

bool tableSelected(const std::vector<std::string>& patterns, const std::string& label) {
  return patterns.empty() ||
         std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return core::globMatch(p, label); });
}

int workerCount(int requested) {
  return requested > 0 ? requested : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

core::Result<AssessedSource> assessSource(const AssessRequest& request, const OpenOptions& options) {
  introspect::IntrospectOptions what;
  what.schemas = !request.schemas.empty() ? request.schemas : request.project.schemas;
  auto catalog = inspect(request.source, what, options);
  if (!catalog) return std::move(catalog).error().context("source");
  assess::TargetSpec target;
  target.engine = request.targetEngine;
  if (request.target) {
    auto info = testConnection(*request.target, options);
    if (!info) return std::move(info).error().context("target");
    target.engine = info->engine;
    target.version = info->version;
  }
  auto a = assess::assess(*catalog, target, request.project);
  if (!a) return std::move(a).error();
  if (request.scanData) FERRY_TRY(scanSourceData(request.source, *catalog, *a, request.scan, options));
  return AssessedSource{std::move(*catalog), std::move(*a)};
}

core::Result<SchemaDiffResult> runSchemaDiff(const AssessRequest& request, const OpenOptions& options) {
  if (!request.target) {
    return core::Error(core::ErrorKind::Usage, "a schema diff needs a target server", "Add --target URL.");
  }
  auto a = runAssessment(request, options);
  if (!a) return std::move(a).error();
  // Every schema of the target database (MySQL: every database), so tables the
  // migration would add show as added and extra ones as missing.
  auto existing = inspect(*request.target, introspect::IntrospectOptions{}, options);
  if (!existing) return std::move(existing).error().context("target");
  SchemaDiffResult out;
  out.diff = assess::diffSchemas(a->target, *existing);
  out.assessment = std::move(*a);
  return out;
}

}  // namespace ferry::run
