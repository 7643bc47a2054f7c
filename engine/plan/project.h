#pragma once
/// The migration project: what the user set up, saved as JSON (a `.ferry.json`
/// file). It never holds a password: URLs are stored without them, and the GUI
/// keeps passwords in the OS keychain. Keys this version does not know are kept
/// as they were, so a newer project file survives being opened and saved.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ferry::plan {

struct Endpoint {
  std::string url;  ///< connection URL without password
  bool empty() const { return url.empty(); }
};

/// The user's choice of target type (and/or mapping options) for one column.
struct ColumnOverride {
  std::string schema;
  std::string table;
  std::string column;
  std::string targetType;  ///< empty: keep Ferry's type, apply `options` only
  nlohmann::json options = nlohmann::json::object();  ///< partial mapping options for this column
};

/// The same for every column whose declared source type matches `pattern`
/// (case-insensitive glob, e.g. "tinyint(1)", "varchar(*)").
struct TypeOverride {
  std::string pattern;
  std::string targetType;
  nlohmann::json options = nlohmann::json::object();
};

/// Include/exclude/rename for tables matching "schema.table" (glob). Rules apply
/// in order; the last matching exclude/include wins; a rename applies to one table.
struct TableRule {
  std::string pattern;
  bool exclude = false;
  std::string renameTo;  ///< new table name on the target (empty: keep)
};

struct Project {
  static constexpr int kFormatVersion = 1;

  std::string name;
  Endpoint source;
  Endpoint target;
  std::vector<std::string> schemas;  ///< source schemas to migrate (empty: all)
  std::string notes;
  nlohmann::json mappingOptions = nlohmann::json::object();  ///< typemap::MappingOptions as JSON
  std::vector<ColumnOverride> columnOverrides;
  std::vector<TypeOverride> typeOverrides;
  std::vector<TableRule> tableRules;
  /// Source schema → target schema ("schema_map" in the file); unlisted schemas keep their name.
  std::map<std::string, std::string> schemaMap;
  nlohmann::json extra = nlohmann::json::object();  ///< unknown keys, kept verbatim

  nlohmann::json toJson() const;
  static core::Result<Project> fromJson(const nlohmann::json& j);

  /// Whether a source table takes part (after the table rules).
  bool includesTable(const std::string& schema, const std::string& table) const;
  /// The target schema of a source schema (the schema map, or the same name).
  std::string targetSchemaName(const std::string& schema) const;
  /// The target name of a source table (a rename rule, or the same name).
  std::string targetTableName(const std::string& schema, const std::string& table) const;
  const ColumnOverride* columnOverride(const std::string& schema, const std::string& table,
                                       const std::string& column) const;
  /// The first type override whose pattern matches the declared type.
  const TypeOverride* typeOverride(const std::string& declaredType) const;

  static core::Result<Project> load(const std::string& path);
  core::Status save(const std::string& path) const;
};

/// Removes a password from a connection URL ("mysql://u:pw@h/db" → "mysql://u@h/db").
std::string stripPassword(const std::string& url);

}  // namespace ferry::plan
