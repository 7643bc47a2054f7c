#include "app/assessment/assessment_evaluation.h"

#include <algorithm>

namespace ferry::app {

core::Result<AssessmentEvaluation> evaluateAssessment(const model::Catalog& source, const assess::TargetSpec& target,
                                                      const plan::Project& project,
                                                      const model::Catalog* existingTarget) {
  auto assessment = assess::assess(source, target, project);
  if (!assessment) return std::move(assessment).error();
  AssessmentEvaluation out;
  out.assessment = std::move(*assessment);
  ddl::GenerateOptions options;
  options.sourceLabel = model::engineDisplayName(source.engine);
  for (const auto& s : source.schemas) options.sourceLabel += (&s == &source.schemas.front() ? " " : ", ") + s.name;
  out.script = ddl::generate(out.assessment.target, options);
  if (existingTarget) {
    // Only the schemas the mapping writes to: the others are not "missing", just unrelated.
    // (The copy of a large catalog costs time, so it is made only when some schema goes.)
    const auto& keep = out.assessment.target.schemas;
    const bool allKept = std::all_of(existingTarget->schemas.begin(), existingTarget->schemas.end(), [&](const model::Schema& s) {
      return std::find(keep.begin(), keep.end(), s.name) != keep.end();
    });
    out.diff = allKept ? assess::diffSchemas(out.assessment.target, *existingTarget)
                       : assess::diffSchemas(out.assessment.target, onlySchemas(*existingTarget, keep));
    out.reconcileScript = out.diff->reconcileScript(out.assessment.target.engine);
  }
  return out;
}

model::Catalog onlySchemas(model::Catalog catalog, const std::vector<std::string>& keep) {
  std::erase_if(catalog.schemas, [&](const model::Schema& s) {
    return std::find(keep.begin(), keep.end(), s.name) == keep.end();
  });
  return catalog;
}

}  // namespace ferry::app
