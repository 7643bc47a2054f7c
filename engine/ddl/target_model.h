#pragma once
/// The target-side schema, already mapped: every type, default and name is
/// what the target will get. The assessment builds it from the source catalog
/// and the type mapping; the DDL generators only render it. Keeping the two
/// apart means "the DDL shown is the DDL run": nothing is decided while printing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"

namespace ferry::ddl {

enum class IdentityDef { None, Always, ByDefault, AutoIncrement };

struct ColumnDef {
  std::string name;
  std::string type;  ///< target type text, e.g. "numeric(20,0)", "\"shop\".\"order_status\"", "VARCHAR(255)"
  bool nullable = true;
  std::optional<std::string> defaultExpr;     ///< target-ready expression
  std::optional<std::string> onUpdate;        ///< MySQL targets: ON UPDATE expression
  std::optional<std::string> generatedExpr;   ///< target-ready expression
  bool generatedStored = true;
  IdentityDef identity = IdentityDef::None;
  std::optional<std::string> collation;       ///< target collation name, when not the default
  std::optional<std::string> comment;
  std::vector<std::string> notes;             ///< printed as comments above the column
};

struct KeyDef {
  std::string name;
  std::vector<std::string> columns;
};

struct IndexKeyDef {
  std::string column;                    ///< a column name (quoted by the generator)…
  std::optional<std::string> expression; ///< …or an expression, rendered as is
  std::optional<int> prefixLength;       ///< MySQL targets only
  bool descending = false;
  std::optional<std::string> opclass;    ///< PostgreSQL targets only
};

struct IndexDef {
  std::string name;
  bool unique = false;
  std::string method;  ///< PostgreSQL USING method ("" = default); MySQL: "FULLTEXT"/"SPATIAL"/""
  std::vector<IndexKeyDef> keys;
  std::vector<std::string> include;
  std::optional<std::string> predicate;
  /// When set, the index cannot be expressed on the target: the generator
  /// writes this reason and the source definition as a comment instead.
  std::optional<std::string> manualReason;
  std::string sourceDefinition;
};

struct CheckDef {
  std::string name;
  std::string expression;                   ///< target-ready expression
  std::optional<std::string> manualReason;  ///< when set, written as a comment only
};

struct ForeignKeyDef {
  std::string name;
  std::vector<std::string> columns;
  std::string refSchema;
  std::string refTable;
  std::vector<std::string> refColumns;
  std::string onDelete = "NO ACTION";
  std::string onUpdate = "NO ACTION";
  bool deferrable = false;
  bool initiallyDeferred = false;
};

/// PostgreSQL targets: a partition of a partitioned table, created right after
/// its parent (parents before their own partitions).
struct PartitionDef {
  std::string schema;
  std::string name;
  std::string parentSchema;
  std::string parentName;
  std::string sourceName;                 ///< "schema.table" on the source, or "table partition p" (MySQL)
  std::string bound;                      ///< "FOR VALUES …" or "DEFAULT"
  std::optional<std::string> partitionBy; ///< sub-partitioned: "LIST (channel)"
};

struct TableDef {
  std::string schema;
  std::string name;
  std::string sourceName;  ///< "schema.table" on the source, for comments
  std::vector<ColumnDef> columns;
  std::optional<KeyDef> primaryKey;
  std::vector<KeyDef> uniques;
  std::vector<IndexDef> indexes;
  std::vector<CheckDef> checks;
  std::vector<ForeignKeyDef> foreignKeys;
  std::optional<std::string> comment;
  bool unlogged = false;
  /// Partitioned on the target: PostgreSQL "RANGE (col)" (the partitions are
  /// `partitions`); MySQL the whole clause "PARTITION BY … (PARTITION …)".
  std::optional<std::string> partitionBy;
  std::vector<PartitionDef> partitions;
  std::vector<std::string> notes;
};

struct EnumTypeDef {
  std::string schema;
  std::string name;
  std::vector<std::string> labels;
};

struct DomainDef {
  std::string schema;
  std::string name;
  std::string baseType;
  bool notNull = false;
  std::optional<std::string> defaultExpr;
  std::vector<CheckDef> checks;
};

/// PostgreSQL targets: a composite type ("name type" attributes, target-ready).
struct CompositeTypeDef {
  std::string schema;
  std::string name;
  std::vector<std::string> attributes;
};

/// PostgreSQL targets: a range type over a subtype.
struct RangeTypeDef {
  std::string schema;
  std::string name;
  std::string subtype;
};

struct SequenceDef {
  std::string schema;
  std::string name;
  std::string dataType = "bigint";
  std::int64_t start = 1;
  std::int64_t increment = 1;
  std::optional<std::int64_t> minValue;
  std::optional<std::int64_t> maxValue;
  std::int64_t cache = 1;
  bool cycle = false;
};

/// Sets a sequence / identity / AUTO_INCREMENT past the copied data: to
/// `nextValue` (the source's counter when the catalog was read) or, when a
/// column is named and the target is PostgreSQL, past the largest copied value
/// if that is higher (rows written after the catalog was read are in the copy).
struct RestartDef {
  std::string schema;
  std::string table;     ///< the column's table: identity / AUTO_INCREMENT / sequence-fed columns
  std::string column;
  std::string sequence;  ///< a sequence: standalone (no table), or the one feeding `column`
  std::int64_t nextValue = 1;
  bool ownSequence = false;  ///< PostgreSQL: the sequence belongs to the column (OWNED BY)
};

/// A view, trigger or routine that needs a person: written as a commented block
/// carrying the source text.
struct ManualBlock {
  std::string kind;  ///< "view", "materialized view", "trigger", "function", "procedure"
  std::string schema;
  std::string name;
  std::string reason;
  std::string sourceText;
};

struct TargetModel {
  model::Engine engine = model::Engine::PostgreSQL;
  std::vector<std::string> schemas;
  std::string defaultCharset = "utf8mb4";   ///< MySQL targets
  std::string defaultCollation;             ///< MySQL targets ("" = server default)
  std::vector<EnumTypeDef> enums;
  std::vector<DomainDef> domains;
  std::vector<RangeTypeDef> ranges;
  std::vector<CompositeTypeDef> composites;
  std::vector<SequenceDef> sequences;
  std::vector<TableDef> tables;
  std::vector<RestartDef> restarts;
  std::vector<ManualBlock> manual;
  std::vector<std::string> notes;  ///< comments at the top of the pre-data script (where the schemas go)
  /// PostgreSQL: extensions the types need, created if missing ("postgis" in "public").
  std::vector<std::pair<std::string, std::string>> extensions;
};

}  // namespace ferry::ddl
