#pragma once
/// The type mapper: for one source column and one target engine it decides the
/// target type, a severity, the findings behind that severity, and which value
/// converter moves each value. Pure: it reads model values only, never a server.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/catalog.h"
#include "typemap/conversion.h"
#include "typemap/mapping_options.h"
#include "typemap/severity.h"

namespace ferry::typemap {

/// One reason a mapping is not exact. `code` is stable (docs/typemap.md).
struct Finding {
  std::string code;     ///< "MY2PG_ZERO_DATE"
  Severity severity = Severity::Review;
  std::string message;  ///< one sentence about this object
  std::string action;   ///< what the DBA should do
};

/// The source catalog's user-defined types (PostgreSQL enums, domains, composites,
/// ranges), looked up by schema and name while mapping columns that use them.
class UserTypeLookup {
public:
  static UserTypeLookup fromCatalog(const model::Catalog& catalog);
  void add(model::UserType type);
  const model::UserType* find(const std::string& schema, const std::string& name) const;

private:
  std::map<std::pair<std::string, std::string>, model::UserType> m_types;
};

/// Everything a mapping depends on besides the column itself.
struct MappingContext {
  model::Engine sourceEngine = model::Engine::MySQL;
  model::ServerVersion sourceVersion;
  model::Engine targetEngine = model::Engine::PostgreSQL;
  model::ServerVersion targetVersion;
  MappingOptions options;
  UserTypeLookup userTypes;    ///< PostgreSQL sources: enums, domains, … of the source catalog
  std::string sourceEncoding;  ///< PostgreSQL server_encoding ("UTF8", "SQL_ASCII"); empty when unknown
};

/// The target side of one column.
struct ColumnMapping {
  /// Target DDL type text: "numeric(20,0)", "timestamp(6) without time zone",
  /// "VARCHAR(255)", or a quoted user type name "\"shop\".\"orders_status\"".
  std::string targetType;
  /// A type the target needs before the table (PostgreSQL enum or domain): its
  /// target schema, name, labels / base type and checks. The DDL generator creates it.
  std::optional<model::UserType> createType;
  std::string targetCharset;    ///< MySQL targets: character set of a string column (empty: none)
  std::string targetCollation;  ///< MySQL targets: collation to keep the source's comparisons
  bool nullable = true;
  std::optional<std::string> defaultExpr;  ///< translated default, target syntax
  /// PostgreSQL targets: the column is fed by a sequence of its own (`DEFAULT nextval`,
  /// owned by the column) instead of an identity, which PostgreSQL allows only on
  /// smallint, integer and bigint (an AUTO_INCREMENT DOUBLE, or numeric_sequence).
  bool sequenceDefault = false;
  std::optional<std::string> onUpdate;     ///< MySQL targets: "CURRENT_TIMESTAMP(6)"
  model::Identity identity = model::Identity::None;  ///< target identity / AUTO_INCREMENT
  std::optional<std::string> generatedExpr;          ///< carried only between same engines
  model::Generated generated = model::Generated::None;
  /// Extra CHECK the target needs to keep the source's rule (enum as text, bigint with check, set members).
  std::optional<std::string> checkExpression;
  Severity severity = Severity::Exact;  ///< the worst of findings; Exact when none
  std::vector<Finding> findings;
  std::vector<std::string> options;     ///< MappingOptions keys that shaped this mapping
  ConversionId conversion = ConversionId::Identity;
  ConversionContext conversionContext;

  bool hasCode(std::string_view code) const;
  std::vector<std::string> codes() const;
};

/// What the rest of the schema says about a column that its own definition does
/// not: the key a foreign key column references. A foreign key's columns must
/// have the referenced key's target type or the target refuses the constraint,
/// so a column that references a key of the same source type is mapped like it.
struct ColumnRole {
  const model::Table* referencedTable = nullptr;
  const model::Column* referencedColumn = nullptr;  ///< set with referencedTable
};

/// True when `column` is in `table`'s primary key or one of its unique keys.
bool isKeyColumn(const model::Table& table, const model::Column& column);

/// Maps one column of `table` (a source catalog table) for the target in `ctx`.
ColumnMapping mapColumn(const MappingContext& ctx, const model::Table& table, const model::Column& column,
                        const ColumnRole& role = {});

/// A target-safe identifier and, when it had to be shortened, a NAME_TOO_LONG finding.
struct IdentifierMapping {
  std::string name;
  std::optional<Finding> finding;
};

/// Shortens names over the target's limit (PostgreSQL: 63 bytes, MySQL/MariaDB: 64
/// characters) to a prefix cut on a UTF-8 boundary + "_" + 8 hex digits of a hash of
/// the whole name, so the result is deterministic and distinct names stay distinct.
IdentifierMapping mapIdentifier(std::string_view name, model::Engine targetEngine);

/// Findings about an index the target cannot express as it is (prefix, partial,
/// expression, full-text, spatial, gin/gist, INCLUDE, key length). Empty when it maps cleanly.
std::vector<Finding> mapIndex(const MappingContext& ctx, const model::Table& table, const model::Index& index);

/// True for a MariaDB JSON column: LONGTEXT with a CHECK json_valid(`col`) on the table.
bool isMariaDbJsonColumn(const model::Table& table, const model::Column& column);

}  // namespace ferry::typemap
