#include "run/assessment_run.h"

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
  return assess::assess(*catalog, target, request.project);
}

}  // namespace ferry::run
