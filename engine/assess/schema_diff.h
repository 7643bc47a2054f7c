#pragma once
/// Schema diff: the mapped source (what the target should look like) against an
/// existing target catalog — tables and columns added, missing or changed (type,
/// nullability, default), indexes and foreign keys added or missing — with the
/// DDL that reconciles the target to the mapped source.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ddl/target_model.h"
#include "model/catalog.h"

namespace ferry::assess {

enum class DiffKind {
  Added,    ///< in the mapped source, not on the target: the reconcile DDL creates it
  Missing,  ///< on the target, not in the mapped source: reported, never dropped automatically
  Changed,  ///< on both, different: the reconcile DDL alters it
};
const char* diffKindName(DiffKind k);  ///< "added", "missing", "changed"

struct DiffEntry {
  DiffKind kind = DiffKind::Added;
  std::string objectType;  ///< "schema", "table", "column", "index", "foreign_key", "type"
  std::string schema;
  std::string table;       ///< empty for schema-level objects
  std::string name;
  std::vector<std::string> details;  ///< "type: varchar(40) → varchar(60)", "nullable: yes → no"
  std::string ddl;         ///< statements that reconcile this entry (empty for Missing)
};

struct SchemaDiff {
  std::vector<DiffEntry> entries;
  bool identical() const { return entries.empty(); }
  /// All reconcile statements in a runnable order (schemas, types, tables, columns, indexes, FKs).
  std::string reconcileScript(model::Engine target) const;
};

/// Compares what the target should contain (`wanted`, from the assessment) with
/// what it contains (`existing`, introspected from the target server). Type names
/// are compared after normalising spelling (case, "character varying" vs
/// "varchar", "int" vs "integer", default display widths).
SchemaDiff diffSchemas(const ddl::TargetModel& wanted, const model::Catalog& existing);

nlohmann::json toJson(const SchemaDiff& diff);
std::string toText(const SchemaDiff& diff);

}  // namespace ferry::assess
