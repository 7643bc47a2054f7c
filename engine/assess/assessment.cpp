#include "assess/assessment.h"

#include <algorithm>

#include "assess/data_scan.h"
#include "core/text.h"

namespace ferry::assess {

using typemap::Severity;

bool ColumnAssessment::scannable() const {
  return std::any_of(mapping.findings.begin(), mapping.findings.end(), countedByScan);
}

std::string ColumnAssessment::message() const {
  if (mapping.findings.empty()) return "maps exactly";
  return mapping.findings.front().message;
}

std::map<Severity, int> Assessment::summary() const {
  std::map<Severity, int> out;
  for (Severity s : {Severity::Exact, Severity::Widened, Severity::Review, Severity::Lossy, Severity::Unsupported}) {
    out[s] = 0;
  }
  for (const auto& c : columns) ++out[c.mapping.severity];
  for (const auto& o : objects) ++out[o.finding.severity];
  return out;
}

ColumnAssessment* Assessment::findColumn(const std::string& schema, const std::string& table,
                                         const std::string& column) {
  for (auto& c : columns) {
    if (c.schema == schema && c.table == table && c.column == column) return &c;
  }
  return nullptr;
}

model::ServerVersion assumedTargetVersion(model::Engine engine) {
  // The releases Debian 12 ships and that are still maintained: a mapping for
  // them is safe on anything newer. A --target URL gives the real version.
  model::ServerVersion v;
  switch (engine) {
    case model::Engine::PostgreSQL: v = {15, 0, 0, "15 (assumed)"}; break;
    case model::Engine::MariaDB: v = {10, 11, 0, "10.11 (assumed)"}; break;
    case model::Engine::MySQL: v = {8, 0, 0, "8.0 (assumed)"}; break;
  }
  return v;
}

core::Result<typemap::MappingOptions> projectOptions(const plan::Project& project) {
  auto options = typemap::MappingOptions::fromJson(project.mappingOptions);
  if (!options) return std::move(options).error().context("project mapping options");
  return options;
}

core::Result<Assessment> assess(const model::Catalog& source, const TargetSpec& target, const plan::Project& project) {
  auto options = projectOptions(project);
  if (!options) return std::move(options).error();
  // Overrides' partial options must parse too: fail before any mapping is shown.
  for (const auto& o : project.columnOverrides) {
    nlohmann::json merged = options->toJson();
    merged.merge_patch(o.options);
    auto parsed = typemap::MappingOptions::fromJson(merged);
    if (!parsed) return std::move(parsed).error().context("override of " + o.schema + "." + o.table + "." + o.column);
  }
  for (const auto& o : project.typeOverrides) {
    nlohmann::json merged = options->toJson();
    merged.merge_patch(o.options);
    auto parsed = typemap::MappingOptions::fromJson(merged);
    if (!parsed) return std::move(parsed).error().context("type override '" + o.pattern + "'");
  }
  typemap::MappingContext ctx;
  ctx.sourceEngine = source.engine;
  ctx.sourceVersion = source.serverVersion;
  ctx.targetEngine = target.engine;
  ctx.targetVersion = target.version.major != 0 ? target.version : assumedTargetVersion(target.engine);
  ctx.options = *options;
  ctx.userTypes = typemap::UserTypeLookup::fromCatalog(source);

  Assessment a;
  a.sourceEngine = source.engine;
  a.sourceVersion = source.serverVersion.text;
  a.targetEngine = target.engine;
  a.targetVersion = ctx.targetVersion.text;
  a.target = detail::buildTargetModel(source, target, project, ctx, a.columns, a.objects, a.placements);
  return a;
}

}  // namespace ferry::assess
