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
  std::optional<ServerInfo> sourceServer;
  std::optional<ServerInfo> targetServer;
  if (request.target) {
    auto info = testConnection(*request.target, options);
    if (!info) return std::move(info).error().context("target");
    target = targetSpecOf(*info);
    targetServer = std::move(*info);
    auto src = testConnection(request.source, options);
    if (!src) return std::move(src).error().context("source");
    sourceServer = std::move(*src);
  }
  auto a = assess::assess(*catalog, target, request.project);
  if (!a) return std::move(a).error();
  if (request.scanData) FERRY_TRY(scanSourceData(request.source, *catalog, *a, request.scan, options));
  return AssessedSource{std::move(*catalog), std::move(*a), std::move(sourceServer), std::move(targetServer)};
}

assess::TargetSpec targetSpecOf(const ServerInfo& target) {
  assess::TargetSpec spec;
  spec.engine = target.engine;
  spec.version = target.version;
  spec.database = target.database;
  return spec;
}

core::Status refuseCopyOntoSource(const AssessedSource& assessed) {
  const auto& src = assessed.sourceServer;
  const auto& dst = assessed.targetServer;
  if (!src || !dst || src->identity.empty() || src->identity != dst->identity) return {};
  // PostgreSQL schemas live in a database: another database of the same cluster is another place.
  if (src->engine == model::Engine::PostgreSQL && src->database != dst->database) return {};
  for (const auto& p : assessed.assessment.placements) {
    const bool copied = std::any_of(assessed.assessment.columns.begin(), assessed.assessment.columns.end(),
                                    [&](const assess::ColumnAssessment& c) { return c.schema == p.sourceSchema; });
    if (!copied || p.targetSchema != p.sourceSchema) continue;
    const bool mysql = model::isMySqlFamily(dst->engine);
    return core::Error(core::ErrorKind::Usage,
                       "the target is the source: " + std::string(mysql ? "database " : "schema ") + p.sourceSchema +
                           (mysql ? "" : " of database " + dst->database) + " on the same server (" + dst->identity +
                           ") would be copied onto itself",
                       mysql ? "Name another database in the target URL (e.g. …/" + p.sourceSchema +
                                   "_copy), or map the schema elsewhere with schema_map in the project."
                             : "Give another database in the target URL, or map the schema elsewhere with schema_map in "
                               "the project.");
  }
  return {};
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
