#pragma once
/// The assessment: what the migration of one source catalog to one target
/// engine means column by column and object by object. Every column gets a
/// target type, a severity and the findings behind it; nothing is left out
/// silently. The same value feeds `ferry assess`, `ferry ddl` and the GUI.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "ddl/target_model.h"
#include "model/catalog.h"
#include "plan/project.h"
#include "typemap/type_mapper.h"

namespace ferry::assess {

/// Where the target is: an engine and, when a target server was reached, its version.
struct TargetSpec {
  TargetSpec() = default;
  explicit(false) TargetSpec(model::Engine e, model::ServerVersion v = {}, std::string db = {})
      : engine(e), version(std::move(v)), database(std::move(db)) {}

  model::Engine engine = model::Engine::PostgreSQL;
  model::ServerVersion version;  ///< zero: assumedTargetVersion(engine)
  /// The database the target URL names (empty: none). A MySQL/MariaDB target
  /// takes a single-schema source into it (see SchemaPlacement).
  std::string database;
  /// PostgreSQL targets: PostGIS, where it is installed, and why it cannot be
  /// (run::addTargetCapabilities asks the server when the source has spatial columns).
  typemap::PostgisState postgis = typemap::PostgisState::Unknown;
  std::string postgisSchema;
  std::string postgisWhy;
};

/// Where one source schema lands on the target, and by which rule
/// (docs/assessment.md, "Where the schemas go"): the project's schema_map; else,
/// on a MySQL/MariaDB target whose URL names a database, a source with one schema
/// lands in that database, and a source with several sends its default schema
/// (PostgreSQL `public`) there and every other schema to a database of its own
/// name; else the schema keeps its name (on PostgreSQL, inside the target URL's database).
struct SchemaPlacement {
  std::string sourceSchema;
  std::string targetSchema;  ///< PostgreSQL schema, or MySQL/MariaDB database
  std::string rule;          ///< "schema_map", "target database", "same name"
};

/// Data-scan result for one column (filled by run/ when --scan-data is given).
struct ScanResult {
  std::int64_t affectedRows = 0;
  std::vector<std::string> exampleKeys;  ///< up to 5, e.g. "id=17"
  bool sampled = false;                  ///< counted over a sample of a large table
  std::int64_t rowsScanned = 0;
};

struct ColumnAssessment {
  std::string schema;
  std::string table;
  std::string column;
  std::string sourceType;       ///< declared source type
  std::string targetSchema;
  std::string targetTable;
  std::string targetColumn;
  typemap::ColumnMapping mapping;
  /// "column" or "type pattern '<pattern>'" when the project overrides it; empty otherwise.
  std::string overrideSource;
  std::string ferryTargetType;  ///< what Ferry would have chosen without the override
  std::optional<ScanResult> scan;

  bool overridden() const { return !overrideSource.empty(); }
  /// "may lose data" codes (lossy) that a data scan can count.
  bool scannable() const;
  /// One sentence: the first finding's message, or "maps exactly".
  std::string message() const;
};

/// A finding about something other than a column: a view, trigger, routine,
/// index, constraint, sequence, table or name.
struct ObjectFinding {
  std::string kind;    ///< "view", "trigger", "function", "procedure", "index", "check", "table", "sequence", "name"
  std::string schema;
  std::string table;   ///< empty for schema-level objects
  std::string name;
  typemap::Finding finding;
};

struct Assessment {
  model::Engine sourceEngine = model::Engine::MySQL;
  std::string sourceVersion;
  model::Engine targetEngine = model::Engine::PostgreSQL;
  std::string targetVersion;
  std::vector<ColumnAssessment> columns;
  std::vector<ObjectFinding> objects;
  std::vector<SchemaPlacement> placements;  ///< one per source schema that takes part
  ddl::TargetModel target;
  bool scanned = false;  ///< the data scan ran

  /// Count per severity over columns and objects ("exact" … "unsupported").
  std::map<typemap::Severity, int> summary() const;
  ColumnAssessment* findColumn(const std::string& schema, const std::string& table, const std::string& column);
};

/// Maps every included table and object of `source` for `target`, applying the
/// project's mapping options, overrides and table rules. A malformed option in
/// the project is a Usage error.
core::Result<Assessment> assess(const model::Catalog& source, const TargetSpec& target, const plan::Project& project);

/// The placement of each of `schemas` (source schemas that take part, in
/// catalog order) by the rule SchemaPlacement describes.
std::vector<SchemaPlacement> placeSchemas(model::Engine sourceEngine, const TargetSpec& target,
                                          const plan::Project& project, const std::vector<std::string>& schemas);
/// "public → shop_v2 (target database), sales → sales (same name)".
std::string describePlacements(const std::vector<SchemaPlacement>& placements);

/// The target version assumed when only an engine is given: PostgreSQL 15,
/// MariaDB 10.11, MySQL 8.0.
model::ServerVersion assumedTargetVersion(model::Engine engine);

/// The mapping options of a project (defaults when it sets none).
core::Result<typemap::MappingOptions> projectOptions(const plan::Project& project);

nlohmann::json toJson(const Assessment& a);
std::string toText(const Assessment& a);
/// One self-contained HTML file (inline CSS and SVG chart, no external assets).
std::string toHtml(const Assessment& a, const std::string& title);

namespace detail {
/// Builds the target model from the source catalog and the column mappings.
ddl::TargetModel buildTargetModel(const model::Catalog& source, const TargetSpec& target,
                                  const plan::Project& project, const typemap::MappingContext& ctx,
                                  std::vector<ColumnAssessment>& columns, std::vector<ObjectFinding>& objects,
                                  std::vector<SchemaPlacement>& placements);
/// MySQL targets: the widest VARCHARs of `def` become TEXT until the row fits
/// MySQL's 65,535 bytes (`columns[firstColumn…]` are def's columns' assessments).
void fitRowSize(ddl::TableDef& def, std::vector<ColumnAssessment>& columns, std::size_t firstColumn);
/// MySQL targets: TEXT/BLOB columns of a primary or unique key become VARCHAR/VARBINARY.
void keyTextAsVarchar(model::Engine target, const model::Table& t, ddl::TableDef& def,
                      const std::map<std::string, std::string>& colNames, std::vector<ColumnAssessment>& columns,
                      std::size_t firstColumn);
/// MySQL targets: a foreign key's integer columns take their key's type.
void alignForeignKeyIntegers(ddl::TargetModel& target, std::vector<ColumnAssessment>& columns);
}  // namespace detail

}  // namespace ferry::assess
