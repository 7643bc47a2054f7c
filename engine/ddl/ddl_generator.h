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

/// Single statements, for scripts that change an existing target (schema diff).
std::string columnDefinition(model::Engine engine, const ColumnDef& column);
std::string createTableStatement(model::Engine engine, const TableDef& table, const TargetModel& model);
std::string createIndexStatement(model::Engine engine, const TableDef& table, const IndexDef& index);
std::string addForeignKeyStatement(model::Engine engine, const TableDef& table, const ForeignKeyDef& fk);

namespace detail {
Script generatePostgres(const TargetModel& model, const GenerateOptions& options);
Script generateMySql(const TargetModel& model, const GenerateOptions& options);
std::string pgColumnText(const ColumnDef& c);
std::string pgRestartStatement(const RestartDef& r);
std::string pgIndexStatement(const TableDef& t, const IndexDef& i);
std::string pgForeignKeyStatement(const TableDef& t, const ForeignKeyDef& f, bool notValid);
std::string pgCreateTable(const TableDef& t);
std::string mysqlColumnText(const ColumnDef& c);
std::string mysqlCreateTable(const TableDef& t, const std::string& charset, const std::string& collation);
std::string mysqlIndexClause(const IndexDef& i);
std::string mysqlForeignKeyStatement(const TableDef& t, const ForeignKeyDef& f);
}  // namespace detail

}  // namespace ferry::ddl
