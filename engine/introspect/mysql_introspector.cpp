// introspectMySql: reads a MySQL 5.7+/8 or MariaDB 10.3+ catalog from information_schema
// into model::Catalog. One query per object kind over all selected databases (the SQL is
// in sql/mysql/*.sql); the only per-object statements are MariaDB sequences' state.

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "connect/mysql/mysql_connection.h"
#include "core/text.h"
#include "introspect/introspector.h"
#include "introspect_sql.h"

namespace ferry::introspect {
namespace {

using connect::MySqlConnection;
using connect::QueryResult;
using connect::RowView;
using core::Error;
using core::ErrorKind;
using core::Result;
using core::Status;

using Substitutions = std::vector<std::pair<std::string_view, std::string>>;

/// The server's own databases, and Ferry's bookkeeping (positions, chunk marks,
/// heartbeats) on a side a stream writes to or reads from.
constexpr std::string_view kSystemSchemas[] = {"mysql", "information_schema", "performance_schema", "sys",
                                               "ferry_state", "ferry_heartbeat"};

bool isSystemSchema(const std::string& name) {
  return std::find(std::begin(kSystemSchemas), std::end(kSystemSchemas), name) != std::end(kSystemSchemas);
}

std::optional<std::string> nonEmpty(const std::optional<std::string>& s) {
  if (!s || s->empty()) return std::nullopt;
  return s;
}

/// The catalog columns and tables that differ between server flavours and versions,
/// decided once per connection and pasted into the {placeholders} of the .sql files.
struct FlavourSql {
  std::string visibleExpr;     ///< indexes.sql {visible_expr}
  std::string expressionExpr;  ///< indexes.sql {expression_expr}
  bool hasChecks = false;      ///< information_schema.CHECK_CONSTRAINTS usable
  std::string checkTable, checkLevel, checkEnforced, checkJoin;  ///< checks.sql
};

FlavourSql flavourSql(model::Engine engine, const model::ServerVersion& v) {
  FlavourSql f;
  if (engine == model::Engine::MariaDB) {
    // MariaDB 10.6 added ignored indexes (STATISTICS.IGNORED); it has no functional key parts.
    f.visibleExpr = v.atLeast(10, 6) ? "CASE s.IGNORED WHEN 'YES' THEN 'NO' ELSE 'YES' END" : "'YES'";
    f.expressionExpr = "NULL";
    // CHECK_CONSTRAINTS.TABLE_NAME exists since 10.3.10, LEVEL (Column/Table) since 10.5.10.
    f.hasChecks = v.atLeast(10, 3, 10);
    f.checkTable = "cc.TABLE_NAME";
    f.checkLevel = v.atLeast(10, 5, 10) ? "cc.LEVEL" : "'Table'";
    f.checkEnforced = "'YES'";  // MariaDB always enforces its checks
  } else {
    // MySQL 8.0 has invisible indexes; 8.0.13 functional key parts (STATISTICS.EXPRESSION).
    f.visibleExpr = v.atLeast(8, 0) ? "s.IS_VISIBLE" : "'YES'";
    f.expressionExpr = v.atLeast(8, 0, 13) ? "s.EXPRESSION" : "NULL";
    // MySQL 8.0.16 enforces CHECK constraints; the table and ENFORCED are in TABLE_CONSTRAINTS.
    f.hasChecks = v.atLeast(8, 0, 16);
    f.checkTable = "tc.TABLE_NAME";
    f.checkLevel = "'Table'";
    f.checkEnforced = "tc.ENFORCED";
    f.checkJoin =
        "JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA "
        "AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'";
  }
  return f;
}

/// The one statement per MariaDB sequence: a sequence is a one-row table holding its state.
std::string sequenceStateSql(const std::string& schema, const std::string& name) {
  return "SELECT start_value, minimum_value, maximum_value, increment, cache_size, cycle_option, "
         "cycle_count, next_not_cached_value FROM " +
         MySqlConnection::quoteIdent(schema) + "." + MySqlConnection::quoteIdent(name);
}

bool isCharacterOrBinary(const std::string& base) {
  static const char* const kNames[] = {"char",     "varchar",    "tinytext",  "text", "mediumtext",
                                       "longtext", "binary",     "varbinary", "tinyblob", "blob",
                                       "mediumblob", "longblob"};
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return base == n; });
}

class MySqlReader {
public:
  MySqlReader(MySqlConnection& conn, const IntrospectOptions& options)
      : m_conn(conn), m_options(options), m_sql(flavourSql(conn.flavour(), conn.serverVersion())) {
    m_catalog.engine = conn.flavour();
    m_catalog.serverVersion = conn.serverVersion();
  }

  Result<model::Catalog> run() {
    FERRY_TRY(readSchemas());
    if (m_catalog.schemas.empty()) return std::move(m_catalog);
    FERRY_TRY(readTables());
    FERRY_TRY(readColumns());
    FERRY_TRY(readGeometryColumns());
    FERRY_TRY(readIndexes());
    FERRY_TRY(readConstraints());
    FERRY_TRY(readForeignKeys());
    FERRY_TRY(readChecks());
    FERRY_TRY(readPartitions());
    FERRY_TRY(readViews());
    FERRY_TRY(readTriggers());
    FERRY_TRY(readRoutines());
    FERRY_TRY(readSequences());
    return std::move(m_catalog);
  }

private:
  bool isMariaDb() const { return m_catalog.engine == model::Engine::MariaDB; }

  Result<QueryResult> select(const std::string& what, std::string_view tmpl, const Substitutions& subs = {}) {
    std::string text(tmpl);
    for (const auto& [token, value] : subs) text = core::replaceAll(std::move(text), token, value);
    // Last, so that a database whose name looks like a placeholder cannot be expanded.
    text = core::replaceAll(std::move(text), "{schemas}", m_inList);
    auto r = m_conn.query(text);
    if (!r) return std::move(std::move(r).error().context("reading " + what));
    return r;
  }

  model::Table* table(const std::string& schema, const std::string& name) {
    auto it = m_tables.find({schema, name});
    return it == m_tables.end() ? nullptr : it->second;
  }

  model::Schema* schema(const std::string& name) {
    auto it = m_schemaIndex.find(name);
    return it == m_schemaIndex.end() ? nullptr : &m_catalog.schemas[it->second];
  }

  std::string where() const {
    const auto& spec = m_conn.spec();
    return std::string(model::engineDisplayName(m_catalog.engine)) + " at " +
           (spec.usesSocket() ? spec.socket : spec.host + ":" + std::to_string(spec.effectivePort()));
  }

  Status readSchemas() {
    auto r = select("databases", sql::mysql_schemas_sql);
    if (!r) return std::move(r).error();
    std::map<std::string, std::pair<std::string, std::string>> found;
    for (RowView row : *r) found[row.str("schema_name")] = {row.str("charset_name"), row.str("collation_name")};

    std::vector<std::string> names;
    if (m_options.schemas.empty()) {
      for (const auto& entry : found) {
        if (!isSystemSchema(entry.first)) names.push_back(entry.first);
      }
    } else {
      for (const auto& name : m_options.schemas) {
        if (found.count(name) == 0) {
          return Error(ErrorKind::NotFound, where() + " has no database '" + name + "'",
                       "Check the spelling (database names are case-sensitive on Linux) or list them "
                       "with SHOW DATABASES.");
        }
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    std::vector<std::string> quoted;
    for (const auto& name : names) {
      model::Schema s;
      s.name = name;
      s.charset = found[name].first;
      s.collation = found[name].second;
      m_schemaIndex[name] = m_catalog.schemas.size();
      m_catalog.schemas.push_back(std::move(s));
      quoted.push_back(MySqlConnection::quoteLiteral(name));
    }
    m_inList = core::join(quoted, ", ");
    return {};
  }

  Status readTables() {
    auto r = select("tables", sql::mysql_tables_sql);
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Schema* s = schema(row.str("table_schema"));
      if (s == nullptr) continue;
      if (row.str("table_type") == "SEQUENCE") {
        model::Sequence seq;
        seq.schema = s->name;
        seq.name = row.str("table_name");
        s->sequences.push_back(std::move(seq));
        continue;
      }
      model::Table t;
      t.schema = s->name;
      t.name = row.str("table_name");
      t.storageEngine = row.str("engine");
      t.comment = nonEmpty(row.opt("table_comment"));
      t.collation = row.str("table_collation");
      t.autoIncrement = row.optI64("auto_increment");
      t.estimatedRows = row.i64("table_rows", -1);
      t.dataBytes = row.i64("data_length");
      t.indexBytes = row.i64("index_length");
      s->tables.push_back(std::move(t));
    }
    // The vectors are complete: pointers into them stay valid from here on.
    for (auto& s : m_catalog.schemas) {
      for (auto& t : s.tables) m_tables[{s.name, t.name}] = &t;
    }
    return {};
  }

  Status readColumns() {
    auto r = select("columns", sql::mysql_columns_sql);
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;  // a view's or a sequence's columns
      model::Column c;
      c.name = row.str("column_name");
      c.ordinal = static_cast<int>(row.i64("ordinal"));
      c.type = parseMySqlColumnType(row.str("column_type"));
      c.type.base = core::toLower(row.str("data_type"));
      // information_schema's numbers win over what the type text implies.
      if (isCharacterOrBinary(c.type.base)) {
        if (auto len = row.optI64("char_max_length")) c.type.length = len;
      }
      if (c.type.base == "datetime" || c.type.base == "timestamp" || c.type.base == "time") {
        if (auto p = row.optI64("datetime_precision")) c.type.precision = static_cast<int>(*p);
      }
      c.type.charset = row.str("charset_name");
      c.type.collation = row.str("collation_name");
      c.nullable = row.str("is_nullable") == "YES";
      c.defaultExpr = row.opt("column_default");
      // MariaDB 10.2.7+ shows a NULL default as the text NULL (a string 'NULL' stays quoted);
      // MySQL shows it as SQL NULL and string defaults unquoted.
      if (isMariaDb() && c.defaultExpr == "NULL") c.defaultExpr.reset();
      const std::string& extra = row.str("extra");
      const std::string lowerExtra = core::toLower(extra);
      if (lowerExtra.find("auto_increment") != std::string::npos) c.identity = model::Identity::AutoIncrement;
      if (auto at = lowerExtra.find("on update "); at != std::string::npos) {
        c.onUpdate = core::trim(extra.substr(at + 10));
      }
      if (lowerExtra.find("virtual") != std::string::npos) {
        c.generated = model::Generated::Virtual;
      } else if (lowerExtra.find("stored") != std::string::npos ||
                 lowerExtra.find("persistent") != std::string::npos) {
        c.generated = model::Generated::Stored;
      }
      if (c.generated != model::Generated::None) {
        c.generatedExpr = row.opt("generation_expression");
        c.defaultExpr.reset();
      }
      c.comment = nonEmpty(row.opt("column_comment"));
      t->columns.push_back(std::move(c));
    }
    return {};
  }

  Status readGeometryColumns() {
    bool any = false;
    for (const auto& [key, t] : m_tables) {
      for (const auto& c : t->columns) {
        static const std::set<std::string> spatial = {"geometry", "point", "linestring", "polygon", "multipoint",
                                                      "multilinestring", "multipolygon", "geometrycollection",
                                                      "geomcollection"};
        any = any || spatial.count(c.type.base) > 0;
      }
    }
    if (!any) return {};
    // MariaDB 10.11: information_schema.GEOMETRY_COLUMNS; MySQL 8: COLUMNS.SRS_ID (untested here: no MySQL server).
    const std::string query =
        isMariaDb() ? "SELECT G_TABLE_SCHEMA AS table_schema, G_TABLE_NAME AS table_name, G_GEOMETRY_COLUMN AS "
                      "column_name, SRID AS srid FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA IN ({schemas})"
                    : "SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name, SRS_ID "
                      "AS srid FROM information_schema.COLUMNS WHERE SRS_ID IS NOT NULL AND TABLE_SCHEMA IN ({schemas})";
    auto r = select("spatial columns", sql::mysql_geometry_columns_sql, {{"{srid_query}", query}});
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      for (auto& c : t->columns) {
        const auto srid = row.optI64("srid");
        if (c.name == row.str("column_name") && srid && *srid != 0) c.type.srid = static_cast<int>(*srid);
      }
    }
    return {};
  }

  Status readIndexes() {
    auto r = select("indexes", sql::mysql_indexes_sql,
                    {{"{visible_expr}", m_sql.visibleExpr}, {"{expression_expr}", m_sql.expressionExpr}});
    if (!r) return std::move(r).error();
    model::Index* current = nullptr;
    std::tuple<std::string, std::string, std::string> currentKey;
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      auto key = std::make_tuple(row.str("table_schema"), row.str("table_name"), row.str("index_name"));
      if (current == nullptr || key != currentKey) {
        model::Index idx;
        idx.name = row.str("index_name");
        idx.method = core::toLower(row.str("index_type"));
        idx.unique = row.i64("non_unique", 1) == 0;
        idx.primary = idx.name == "PRIMARY";
        idx.comment = nonEmpty(row.opt("index_comment"));
        idx.visible = row.str("is_visible") != "NO";
        t->indexes.push_back(std::move(idx));
        current = &t->indexes.back();
        currentKey = std::move(key);
      }
      model::IndexKey k;
      k.column = row.opt("column_name");
      if (!k.column) k.expression = row.opt("key_expression");
      // A SPATIAL key reports the internal key length (32) as SUB_PART: not a prefix.
      if (current->method != "spatial") {
        if (auto sub = row.optI64("sub_part")) k.prefixLength = static_cast<int>(*sub);
      }
      k.descending = row.str("key_collation") == "D";
      current->keys.push_back(std::move(k));
    }
    return {};
  }

  Status readConstraints() {
    auto r = select("primary and unique keys", sql::mysql_constraints_sql);
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      const std::string& name = row.str("constraint_name");
      auto idx = std::find_if(t->indexes.begin(), t->indexes.end(),
                              [&](const model::Index& i) { return i.name == name; });
      if (idx == t->indexes.end()) continue;  // MySQL always backs these by an index of the same name
      idx->constraintBacked = true;
      std::vector<std::string> columns;
      for (const auto& k : idx->keys) columns.push_back(k.column.value_or(k.expression.value_or("")));
      if (row.str("constraint_type") == "PRIMARY KEY") {
        t->primaryKey = model::PrimaryKey{name, std::move(columns)};
      } else {
        model::UniqueConstraint u;
        u.name = name;
        u.columns = std::move(columns);
        t->uniques.push_back(std::move(u));
      }
    }
    return {};
  }

  Status readForeignKeys() {
    auto r = select("foreign keys", sql::mysql_foreign_keys_sql);
    if (!r) return std::move(r).error();
    model::ForeignKey* current = nullptr;
    std::tuple<std::string, std::string, std::string> currentKey;
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      auto key = std::make_tuple(row.str("table_schema"), row.str("table_name"), row.str("constraint_name"));
      if (current == nullptr || key != currentKey) {
        model::ForeignKey fk;
        fk.name = row.str("constraint_name");
        fk.refSchema = row.str("ref_schema");
        fk.refTable = row.str("ref_table");
        fk.onDelete = core::toUpper(row.str("delete_rule"));
        fk.onUpdate = core::toUpper(row.str("update_rule"));
        const std::string match = core::toUpper(row.str("match_option"));
        fk.match = match.empty() || match == "NONE" ? "SIMPLE" : match;  // MySQL reports NONE
        t->foreignKeys.push_back(std::move(fk));
        current = &t->foreignKeys.back();
        currentKey = std::move(key);
      }
      current->columns.push_back(row.str("column_name"));
      current->refColumns.push_back(row.str("ref_column"));
    }
    return {};
  }

  Status readChecks() {
    if (!m_sql.hasChecks) return {};  // older servers parse CHECK but do not keep it
    auto r = select("check constraints", sql::mysql_checks_sql,
                    {{"{table_expr}", m_sql.checkTable},
                     {"{level_expr}", m_sql.checkLevel},
                     {"{enforced_expr}", m_sql.checkEnforced},
                     {"{join}", m_sql.checkJoin}});
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      model::CheckConstraint c;
      c.name = row.str("constraint_name");
      c.expression = row.str("check_clause");
      c.validated = row.str("enforced") != "NO";
      t->checks.push_back(std::move(c));
    }
    return {};
  }

  Status readPartitions() {
    auto r = select("partitions", sql::mysql_partitions_sql);
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      if (t->kind != model::TableKind::PartitionedTable) {
        t->kind = model::TableKind::PartitionedTable;
        const std::string method = row.str("partition_method");
        const auto expr = row.opt("partition_expression");
        t->partitionKey = expr ? method + " (" + *expr + ")" : method;  // SYSTEM_TIME has no expression
        if (auto sub = row.opt("subpartition_method")) {
          t->subpartitionKey = *sub + " (" + row.opt("subpartition_expression").value_or("") + ")";
        }
      }
      const std::string& name = row.str("partition_name");
      // Subpartitions repeat their partition's name.
      if (t->partitions.empty() || t->partitions.back() != name) {
        t->partitions.push_back(name);
        t->partitionDefs.push_back({name, row.opt("partition_description"), {}});
      }
      if (auto sub = row.opt("subpartition_name")) t->partitionDefs.back().subpartitions.push_back(*sub);
    }
    return {};
  }

  std::string definitionExpr(const char* column) const { return m_options.withDefinitions ? column : "NULL"; }

  Status readViews() {
    auto r = select("views", sql::mysql_views_sql, {{"{definition_expr}", definitionExpr("v.VIEW_DEFINITION")}});
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Schema* s = schema(row.str("table_schema"));
      if (s == nullptr) continue;
      model::View v;
      v.schema = s->name;
      v.name = row.str("view_name");
      v.definition = row.str("view_definition");
      const std::string& check = row.str("check_option");
      if (!check.empty() && check != "NONE") v.checkOption = check;
      s->views.push_back(std::move(v));
    }
    return {};
  }

  Status readTriggers() {
    auto r = select("triggers", sql::mysql_triggers_sql,
                    {{"{definition_expr}", definitionExpr("t.ACTION_STATEMENT")}});
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Table* t = table(row.str("table_schema"), row.str("table_name"));
      if (t == nullptr) continue;
      const std::string& name = row.str("trigger_name");
      const std::string& event = row.str("event_manipulation");
      auto existing = std::find_if(t->triggers.begin(), t->triggers.end(),
                                   [&](const model::Trigger& tr) { return tr.name == name; });
      if (existing != t->triggers.end()) {  // a trigger on several events lists one row per event
        existing->events.push_back(event);
        continue;
      }
      model::Trigger tr;
      tr.name = name;
      tr.table = t->name;
      tr.timing = row.str("action_timing");
      tr.events.push_back(event);
      tr.level = row.str("action_orientation").empty() ? "ROW" : row.str("action_orientation");
      if (auto body = row.opt("action_statement")) {
        tr.definition = "CREATE TRIGGER " + MySqlConnection::quoteIdent(name) + " " + tr.timing + " " + event +
                        " ON " + MySqlConnection::quoteIdent(t->name) + " FOR EACH " + tr.level + " " + *body;
      }
      t->triggers.push_back(std::move(tr));
    }
    return {};
  }

  Status readRoutines() {
    struct Param {
      std::string plain;   ///< "IN p_min int(11)"
      std::string quoted;  ///< "IN `p_min` int(11)"
    };
    auto params = select("routine parameters", sql::mysql_parameters_sql);
    if (!params) return std::move(params).error();
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<Param>> byRoutine;
    for (RowView row : *params) {
      // MySQL reports no mode for function parameters, MariaDB says IN; a function's IN is
      // implicit (and a syntax error on MySQL), while MariaDB 10.8+ functions may have OUT/INOUT.
      const std::string mode = row.str("parameter_mode");
      const bool implicitIn = row.str("routine_type") == "FUNCTION" && mode == "IN";
      const std::string prefix = mode.empty() || implicitIn ? "" : mode + " ";
      byRoutine[{row.str("routine_schema"), row.str("routine_type"), row.str("routine_name")}].push_back(
          {prefix + row.str("parameter_name") + " " + row.str("data_type"),
           prefix + MySqlConnection::quoteIdent(row.str("parameter_name")) + " " + row.str("data_type")});
    }

    auto r = select("routines", sql::mysql_routines_sql,
                    {{"{definition_expr}", definitionExpr("r.ROUTINE_DEFINITION")}});
    if (!r) return std::move(r).error();
    for (RowView row : *r) {
      model::Schema* s = schema(row.str("routine_schema"));
      if (s == nullptr) continue;
      const std::string& type = row.str("routine_type");
      model::Routine rt;
      rt.schema = s->name;
      rt.name = row.str("routine_name");
      rt.kind = type == "PROCEDURE" ? model::RoutineKind::Procedure : model::RoutineKind::Function;
      if (rt.kind == model::RoutineKind::Function) rt.returnType = row.str("return_type");
      rt.language = core::toUpper(row.str("routine_body"));
      rt.deterministic = row.str("is_deterministic") == "YES";
      std::vector<std::string> plain;
      std::vector<std::string> quoted;
      for (const auto& p : byRoutine[{s->name, type, rt.name}]) {
        plain.push_back(p.plain);
        quoted.push_back(p.quoted);
      }
      rt.arguments = core::join(plain, ", ");
      if (auto body = row.opt("routine_definition")) {
        std::string def = "CREATE " + type + " " + MySqlConnection::quoteIdent(rt.name) + "(" +
                          core::join(quoted, ", ") + ")";
        if (rt.kind == model::RoutineKind::Function) def += " RETURNS " + rt.returnType;
        if (rt.deterministic) def += "\nDETERMINISTIC";
        const std::string& access = row.str("sql_data_access");
        if (!access.empty() && access != "CONTAINS SQL") def += "\n" + access;
        if (row.str("security_type") == "INVOKER") def += "\nSQL SECURITY INVOKER";
        if (auto comment = nonEmpty(row.opt("routine_comment"))) {
          def += "\nCOMMENT " + MySqlConnection::quoteLiteral(*comment);
        }
        rt.definition = def + "\n" + *body;
      }
      s->routines.push_back(std::move(rt));
    }
    return {};
  }

  Status readSequences() {
    // information_schema has no sequence state before MariaDB 11.5, so each sequence is
    // read with its own SELECT. Acceptable: sequences are rare next to tables.
    for (auto& s : m_catalog.schemas) {
      for (auto& seq : s.sequences) {
        auto r = m_conn.query(sequenceStateSql(s.name, seq.name));
        if (!r) return std::move(std::move(r).error().context("reading sequence " + s.name + "." + seq.name));
        if (r->empty()) continue;
        const RowView row = r->row(0);
        seq.start = row.i64("start_value", 1);
        seq.increment = row.i64("increment", 1);
        seq.minValue = row.i64("minimum_value", 1);
        seq.maxValue = row.i64("maximum_value");
        seq.cache = row.i64("cache_size", 1);
        seq.cycle = row.boolean("cycle_option");
        if (!m_options.withSequenceValues) continue;
        // next_not_cached_value is the first value no session has cached yet. Values below
        // it may have been handed out, so "last value" is its predecessor: an upper bound that
        // keeps a synchronised copy from ever reissuing a used value.
        const std::int64_t next = row.i64("next_not_cached_value", seq.start);
        if (next != seq.start || row.i64("cycle_count") > 0) seq.lastValue = next - seq.increment;
      }
    }
    return {};
  }

  MySqlConnection& m_conn;
  const IntrospectOptions& m_options;
  FlavourSql m_sql;
  model::Catalog m_catalog;
  std::string m_inList;  ///< the selected databases as a quoted IN-list
  std::map<std::string, std::size_t> m_schemaIndex;
  std::map<std::pair<std::string, std::string>, model::Table*> m_tables;
};

}  // namespace

core::Result<model::Catalog> introspectMySql(connect::MySqlConnection& conn, const IntrospectOptions& options) {
  MySqlReader reader(conn, options);
  return reader.run();
}

}  // namespace ferry::introspect
