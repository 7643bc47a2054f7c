// Where each source schema lands on the target (assess::SchemaPlacement).

#include "assess/assessment.h"
#include "core/text.h"

namespace ferry::assess {

std::vector<SchemaPlacement> placeSchemas(model::Engine sourceEngine, const TargetSpec& target,
                                          const plan::Project& project, const std::vector<std::string>& schemas) {
  std::vector<SchemaPlacement> out;
  // A MySQL/MariaDB database is what the target URL names; a PostgreSQL target's
  // database is the connection's, and schemas live inside it under their names.
  const bool intoDatabase = model::isMySqlFamily(target.engine) && !target.database.empty();
  // With several schemas, the one an application reaches without naming it.
  const std::string defaultSchema = sourceEngine == model::Engine::PostgreSQL ? "public" : "";
  for (const auto& s : schemas) {
    SchemaPlacement p{s, s, "same name"};
    if (project.schemaMap.count(s)) {
      p.targetSchema = project.schemaMap.at(s);
      p.rule = "schema_map";
    } else if (intoDatabase && (schemas.size() == 1 || s == defaultSchema)) {
      p.targetSchema = target.database;
      p.rule = "target database";
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string describePlacements(const std::vector<SchemaPlacement>& placements) {
  std::vector<std::string> parts;
  for (const auto& p : placements) {
    parts.push_back(p.sourceSchema + " → " + p.targetSchema + " (" + p.rule + ")");
  }
  return core::join(parts, ", ");
}

}  // namespace ferry::assess
