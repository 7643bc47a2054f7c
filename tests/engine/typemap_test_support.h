#pragma once
// Shared helpers of the type-mapping unit tests: hand-built columns and contexts.

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "typemap/mapping_options.h"
#include "typemap/severity.h"
#include "typemap/type_mapper.h"

namespace ferry::typemap_test {

using model::Engine;
using typemap::ColumnMapping;
using typemap::ConversionId;
using typemap::MappingContext;
using typemap::Severity;

inline model::ServerVersion version(int major, int minor, int patch = 0) {
  model::ServerVersion v;
  v.major = major;
  v.minor = minor;
  v.patch = patch;
  v.text = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  return v;
}

inline MappingContext context(Engine source, model::ServerVersion sv, Engine target, model::ServerVersion tv) {
  MappingContext c;
  c.sourceEngine = source;
  c.sourceVersion = std::move(sv);
  c.targetEngine = target;
  c.targetVersion = std::move(tv);
  return c;
}

inline MappingContext mysqlToPg() { return context(Engine::MySQL, version(8, 0, 36), Engine::PostgreSQL, version(16, 2)); }
inline MappingContext mariaToPg() { return context(Engine::MariaDB, version(10, 11, 6), Engine::PostgreSQL, version(15, 5)); }
inline MappingContext pgToMysql() { return context(Engine::PostgreSQL, version(15, 5), Engine::MySQL, version(8, 0, 36)); }
inline MappingContext pgToMaria() { return context(Engine::PostgreSQL, version(15, 5), Engine::MariaDB, version(10, 11, 6)); }
inline MappingContext pgToPg() { return context(Engine::PostgreSQL, version(15, 5), Engine::PostgreSQL, version(15, 5)); }

/// A MySQL column as the introspector fills it: base = DATA_TYPE, declared = COLUMN_TYPE.
inline model::Column my(const std::string& name, const std::string& base, const std::string& declared) {
  model::Column c;
  c.name = name;
  c.type.base = base;
  c.type.declared = declared;
  c.type.isUnsigned = declared.find("unsigned") != std::string::npos;
  if (base == "varchar" || base == "char" || base == "text" || base == "longtext" || base == "enum" || base == "set") {
    c.type.charset = "utf8mb4";
    c.type.collation = "utf8mb4_bin";
  }
  return c;
}

/// A PostgreSQL column: base = format_type name without facets.
inline model::Column pg(const std::string& name, const std::string& base, const std::string& declared) {
  model::Column c;
  c.name = name;
  c.type.base = base;
  c.type.declared = declared;
  return c;
}

inline model::Table table(const std::string& schema = "shop", const std::string& name = "orders") {
  model::Table t;
  t.schema = schema;
  t.name = name;
  return t;
}

inline ColumnMapping map(const MappingContext& ctx, const model::Column& c, const model::Table& t = table()) {
  return typemap::mapColumn(ctx, t, c);
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

using Codes = std::vector<std::string>;

// ---- severity & options -----------------------------------------------------------

}  // namespace ferry::typemap_test
