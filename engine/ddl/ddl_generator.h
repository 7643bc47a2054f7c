#pragma once
/// Renders a TargetModel as two scripts: pre-data (schemas, types, sequences,
/// tables with columns and defaults) run before the copy, and post-data (keys,
/// indexes, checks, foreign keys, sequence restarts, manual-conversion blocks)
/// run after it, because loading into bare tables and building indexes once is
/// several times faster than maintaining them row by row.

#include <string>
#include <vector>

#include "ddl/target_model.h"

namespace ferry::ddl {

enum class Section { PreData, PostData, All };

struct Script {
  std::string preData;
  std::string postData;
  std::string text(Section section) const;
};

struct GenerateOptions {
  /// PostgreSQL: add foreign keys NOT VALID, then VALIDATE them in a second
  /// statement (no long lock while the whole table is checked).
  bool foreignKeysNotValid = true;
  /// Header comment line naming the source (e.g. "mariadb://…/shop").
  std::string sourceLabel;
};

Script generate(const TargetModel& model, const GenerateOptions& options = {});

/// Tables in foreign-key dependency order (referenced tables first); tables in
/// a cycle keep their relative name order after everything they do not share a
/// cycle with. Exposed for tests.
std::vector<const TableDef*> dependencyOrder(const TargetModel& model);

namespace detail {
Script generatePostgres(const TargetModel& model, const GenerateOptions& options);
Script generateMySql(const TargetModel& model, const GenerateOptions& options);
}  // namespace detail

}  // namespace ferry::ddl
