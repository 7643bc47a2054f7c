#pragma once
/// The catalog model: plain value types that both introspectors fill and every
/// later phase (assess, ddl, copy, verify, GUI) reads. No I/O here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ferry::model {

/// The database product. MySQL and MariaDB share a protocol and most of the
/// catalog but differ in types and features, so they are kept apart.
enum class Engine { PostgreSQL, MySQL, MariaDB };

const char* engineName(Engine e);          ///< "postgresql", "mysql", "mariadb"
const char* engineDisplayName(Engine e);   ///< "PostgreSQL", "MySQL", "MariaDB"
bool isMySqlFamily(Engine e);

struct ServerVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string text;  ///< as the server reports it, e.g. "10.11.6-MariaDB-0+deb12u1-log"
  bool atLeast(int maj, int min = 0, int pat = 0) const;
};

/// A column's type: the declared text exactly as the server spells it plus the
/// parsed facets the type mapper needs.
struct DataType {
  std::string declared;  ///< "int(10) unsigned", "character varying(20)", "integer[]"
  std::string base;      ///< lower-case name without facets: "int", "character varying", "integer"
  std::optional<std::int64_t> length;  ///< characters for strings, bytes for binary, bits for bit
  std::optional<int> precision;        ///< numeric precision; fractional seconds for temporal types
  std::optional<int> scale;
  bool isUnsigned = false;
  bool zerofill = false;
  std::string charset;    ///< MySQL character set of a string column
  std::string collation;  ///< collation when it is set on the column
  int arrayDims = 0;      ///< PostgreSQL array dimensions (0: not an array)
  std::vector<std::string> values;  ///< MySQL ENUM / SET members in order
  std::string typeSchema;  ///< PostgreSQL: schema of a user-defined type (enum, domain)
  bool userDefined = false;  ///< PostgreSQL enum, domain, composite or range type
  /// Spatial columns: the SRID the column is declared with (MariaDB REF_SYSTEM_ID,
  /// MySQL SRID, PostGIS typmod); nullopt when none.
  std::optional<int> srid;
};

enum class Identity { None, Always, ByDefault, AutoIncrement };
enum class Generated { None, Virtual, Stored };

struct Column {
  std::string name;
  int ordinal = 0;  ///< 1-based position
  DataType type;
  bool nullable = true;
  std::optional<std::string> defaultExpr;    ///< as the server shows it
  std::optional<std::string> onUpdate;       ///< MySQL ON UPDATE expression, e.g. "current_timestamp()"
  Generated generated = Generated::None;
  std::optional<std::string> generatedExpr;
  Identity identity = Identity::None;
  std::optional<std::string> comment;
};

struct PrimaryKey {
  std::string name;
  std::vector<std::string> columns;
};

struct UniqueConstraint {
  std::string name;
  std::vector<std::string> columns;
  bool nullsNotDistinct = false;  ///< PostgreSQL 15+
  bool deferrable = false;
};

struct CheckConstraint {
  std::string name;
  std::string expression;  ///< as the server shows it
  bool validated = true;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string refSchema;
  std::string refTable;
  std::vector<std::string> refColumns;
  std::string onDelete = "NO ACTION";  ///< NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
  std::string onUpdate = "NO ACTION";
  std::string match = "SIMPLE";        ///< SIMPLE, FULL, PARTIAL
  bool deferrable = false;
  bool initiallyDeferred = false;
  bool validated = true;
};

struct IndexKey {
  std::optional<std::string> column;      ///< a plain column…
  std::optional<std::string> expression;  ///< …or an expression
  std::optional<int> prefixLength;        ///< MySQL prefix index length (characters)
  bool descending = false;
  std::optional<std::string> opclass;     ///< PostgreSQL operator class when not the default
  std::optional<std::string> collation;
};

struct Index {
  std::string name;
  std::string method = "btree";  ///< btree, hash, gin, gist, brin, spgist, fulltext, spatial
  bool unique = false;
  bool primary = false;
  bool constraintBacked = false;  ///< the index of a PRIMARY KEY / UNIQUE constraint
  std::vector<IndexKey> keys;
  std::vector<std::string> include;     ///< PostgreSQL INCLUDE columns
  std::optional<std::string> predicate; ///< partial index WHERE clause
  std::optional<std::string> definition; ///< PostgreSQL pg_get_indexdef()
  std::optional<std::string> comment;
  bool visible = true;  ///< MySQL invisible / MariaDB ignored indexes
};

struct Trigger {
  std::string name;
  std::string table;
  std::string timing;               ///< BEFORE, AFTER, INSTEAD OF
  std::vector<std::string> events;  ///< INSERT, UPDATE, DELETE, TRUNCATE
  std::string level = "ROW";        ///< ROW or STATEMENT
  std::string definition;           ///< full source text (CREATE TRIGGER … or the body)
  bool enabled = true;
};

enum class TableKind { Table, PartitionedTable, Partition, Foreign };

/// One partition of a MySQL/MariaDB partitioned table (there, partitions are
/// not tables of their own).
struct MySqlPartition {
  std::string name;
  std::optional<std::string> description;  ///< RANGE: "2024", "'2025-01-01'", "MAXVALUE"; LIST: "1,2,3"
  std::vector<std::string> subpartitions;  ///< names, in order
};
enum class Persistence { Permanent, Unlogged, Temporary };

struct Table {
  std::string schema;
  std::string name;
  TableKind kind = TableKind::Table;
  Persistence persistence = Persistence::Permanent;
  std::string storageEngine;          ///< MySQL: InnoDB, MyISAM, …
  std::optional<std::string> comment;
  std::string collation;              ///< MySQL table default collation
  std::vector<Column> columns;
  std::optional<PrimaryKey> primaryKey;
  std::vector<UniqueConstraint> uniques;
  std::vector<CheckConstraint> checks;
  std::vector<ForeignKey> foreignKeys;
  std::vector<Index> indexes;
  std::vector<Trigger> triggers;
  std::optional<std::string> partitionKey;  ///< "RANGE (created_at)" on a partitioned table
  std::optional<std::string> parentTable;   ///< "schema.table" of a partition's parent
  std::optional<std::string> partitionBound; ///< "FOR VALUES FROM (…) TO (…)"
  std::vector<std::string> partitions;      ///< MySQL partition names (no separate tables there)
  std::int64_t partitionCount = -1;          ///< PostgreSQL partitioned table: its partitions, in any schema
  std::vector<MySqlPartition> partitionDefs; ///< MySQL: each partition's bound and subpartitions
  std::optional<std::string> subpartitionKey; ///< MySQL: "HASH (to_days(`d`))"
  std::string replicaIdentity;              ///< PostgreSQL: default, nothing, full, index
  std::optional<std::int64_t> autoIncrement; ///< MySQL next AUTO_INCREMENT value
  std::int64_t estimatedRows = -1;  ///< planner estimate, -1 when unknown
  std::int64_t dataBytes = 0;
  std::int64_t indexBytes = 0;

  const Column* column(const std::string& name) const;
  /// A primary key, or else the first unique constraint/index whose columns are all NOT NULL.
  std::optional<std::vector<std::string>> rowIdentity() const;
  /// For a table without a row identity: an indexed column whose value ranges
  /// cut the table into parts that hold every row exactly once (a row has one
  /// value, or NULL, which gets a part of its own), so it can be copied in
  /// parallel. The first column of a plain (B-tree) index, visible and not a
  /// prefix; integers first, then dates and numbers, then strings; NOT NULL
  /// before nullable. nullopt when the table has no such index.
  std::optional<std::string> splitColumn() const;
};

struct View {
  std::string schema;
  std::string name;
  std::string definition;  ///< SELECT text as the server shows it
  bool materialized = false;
  std::optional<std::string> checkOption;
  std::optional<std::string> comment;
};

enum class RoutineKind { Function, Procedure, Aggregate, Window };

struct Routine {
  std::string schema;
  std::string name;
  RoutineKind kind = RoutineKind::Function;
  std::string arguments;    ///< "p_film_id integer, OUT p_count integer"
  std::string returnType;   ///< empty for procedures
  std::string language;     ///< sql, plpgsql, SQL (MySQL)
  std::string definition;   ///< full source text
  bool deterministic = false;
};

struct Sequence {
  std::string schema;
  std::string name;
  std::string dataType = "bigint";
  std::int64_t start = 1;
  std::int64_t increment = 1;
  std::int64_t minValue = 1;
  std::int64_t maxValue = 0;
  std::int64_t cache = 1;
  bool cycle = false;
  std::optional<std::int64_t> lastValue;  ///< current value (nullopt: never used)
  std::optional<std::string> ownedBy;     ///< "table.column" for serial / identity
};

enum class UserTypeKind { Enum, Domain, Composite, Range };

struct UserType {
  std::string schema;
  std::string name;
  UserTypeKind kind = UserTypeKind::Enum;
  std::vector<std::string> labels;          ///< enum labels in order
  std::string baseType;                     ///< domain base type / range subtype
  bool notNull = false;                     ///< domain NOT NULL
  std::optional<std::string> defaultExpr;   ///< domain default
  std::vector<CheckConstraint> checks;      ///< domain checks
  std::vector<std::string> attributes;      ///< composite: "name type"
};

struct Schema {
  std::string name;
  std::string owner;
  std::string charset;    ///< MySQL database default character set
  std::string collation;  ///< MySQL database default collation
  std::vector<Table> tables;
  std::vector<View> views;
  std::vector<Routine> routines;
  std::vector<Sequence> sequences;
  std::vector<UserType> types;

  const Table* table(const std::string& name) const;
};

struct Catalog {
  Engine engine = Engine::PostgreSQL;
  ServerVersion serverVersion;
  std::string database;  ///< PostgreSQL database (MySQL: empty, schemas are databases)
  std::vector<Schema> schemas;

  const Schema* schema(const std::string& name) const;
  const Table* table(const std::string& schema, const std::string& name) const;
  std::size_t tableCount() const;
};

/// The partition trees of a PostgreSQL catalog, indexed once: with 10,000
/// partitions, finding each one's root or a root's leaves stays linear (a scan
/// of the catalog per partition was quadratic). Views into `catalog`.
class PartitionTree {
public:
  explicit PartitionTree(const Catalog& catalog);
  /// The partitions whose parent is `parent` ("schema.table"), in catalog order.
  const std::vector<const Table*>& children(const std::string& parent) const;
  /// "schema.table" of the topmost parent of `table` in the catalog (its own name when it has none).
  std::string root(const Table& table) const;
  /// The leaf partitions under `table` (not partitioned themselves), depth first.
  std::vector<const Table*> leaves(const Table& table) const;

private:
  std::map<std::string, std::vector<const Table*>> m_children;
  std::map<std::string, const Table*> m_byName;
};

const char* tableKindName(TableKind k);       ///< "table", "partitioned_table", "partition", "foreign_table"
const char* persistenceName(Persistence p);   ///< "permanent", "unlogged", "temporary"
const char* identityName(Identity i);         ///< "none", "always", "by_default", "auto_increment"
const char* generatedName(Generated g);       ///< "none", "virtual", "stored"
const char* routineKindName(RoutineKind k);   ///< "function", "procedure", "aggregate", "window"
const char* userTypeKindName(UserTypeKind k); ///< "enum", "domain", "composite", "range"

}  // namespace ferry::model
