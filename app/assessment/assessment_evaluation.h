#pragma once
/// AssessmentEvaluation: everything the Assessment page shows that follows from
/// one source catalog, one target and one project — the assessment, the DDL
/// script and, when the target's catalog was read, the schema diff. Computing it
/// is pure (no server), so the page re-runs it on the cached catalogs the moment
/// an override changes, and the bridge runs the first one on its threads.

#include <optional>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "assess/schema_diff.h"
#include "core/result.h"
#include "ddl/ddl_generator.h"
#include "model/catalog.h"
#include "plan/project.h"
#include "typemap/severity.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

struct AssessmentEvaluation {
  assess::Assessment assessment;
  ddl::Script script;
  std::optional<assess::SchemaDiff> diff;  ///< set when an existing target catalog was given
  std::string reconcileScript;             ///< diff->reconcileScript(), empty without a diff
};

/// Maps `source` for `target` with `project`, renders the DDL and, when
/// `existingTarget` is given, diffs the mapped model against its schemas that
/// the mapping writes to (onlySchemas).
core::Result<AssessmentEvaluation> evaluateAssessment(const model::Catalog& source, const assess::TargetSpec& target,
                                                      const plan::Project& project,
                                                      const model::Catalog* existingTarget);

/// `catalog` restricted to the schemas named in `keep` (the target schemas the
/// mapping writes to), so the diff does not list unrelated schemas as missing.
model::Catalog onlySchemas(model::Catalog catalog, const std::vector<std::string>& keep);

/// The widgets' severity level for an engine severity (same order).
inline widgets::SeverityLevel levelOf(typemap::Severity s) { return static_cast<widgets::SeverityLevel>(static_cast<int>(s)); }

}  // namespace ferry::app
