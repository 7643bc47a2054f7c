#pragma once
/// Introspection: reads a server's catalog into model::Catalog. Queries run per
/// object kind over all selected schemas at once, never per table, so the cost
/// does not grow with one round trip per table (2,000 tables in a few seconds).

#include <string>
#include <vector>

#include "core/result.h"
#include "model/catalog.h"

namespace ferry::connect {
class PgConnection;
class MySqlConnection;
}  // namespace ferry::connect

namespace ferry::introspect {

struct IntrospectOptions {
  /// Schemas (MySQL: databases) to read; empty means every non-system schema
  /// (PostgreSQL: the connected database's; MySQL: every database but the system ones).
  std::vector<std::string> schemas;
  /// Skip view, trigger and routine source text (faster for huge catalogs).
  bool withDefinitions = true;
  /// Read sequences' current values (needs SELECT/USAGE on each sequence).
  bool withSequenceValues = true;
};

core::Result<model::Catalog> introspectPostgres(connect::PgConnection& conn, const IntrospectOptions& options);
core::Result<model::Catalog> introspectMySql(connect::MySqlConnection& conn, const IntrospectOptions& options);

/// Splits a declared PostgreSQL type ("timestamp(3) with time zone", "numeric(10,2)[]")
/// into base name and facets. Exposed for tests.
model::DataType parsePgDeclaredType(const std::string& declared);
/// Splits a MySQL COLUMN_TYPE ("int(10) unsigned zerofill", "enum('a','b''c')").
model::DataType parseMySqlColumnType(const std::string& columnType);

}  // namespace ferry::introspect
