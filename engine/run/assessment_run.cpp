#include "run/assessment_run.h"

#include "run/data_scan_run.h"

namespace ferry::run {

core::Result<assess::Assessment> runAssessment(const AssessRequest& request, const OpenOptions& options) {
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
  if (!a || !request.scanData) return a;
  FERRY_TRY(scanSourceData(request.source, *catalog, *a, request.scan, options));
  return a;
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
