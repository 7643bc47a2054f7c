// PostgreSQL catalog → model::Catalog. One query per object kind over all the
// selected schemas (see sql/pg/*.sql); rows are attached to their table here.

#include <algorithm>
#include <unordered_map>
#include <map>

#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "introspect/introspector.h"
#include "introspect_sql.h"

namespace ferry::introspect {

using connect::PgConnection;
using connect::PgParams;
using connect::QueryResult;
using connect::RowView;
using core::Error;
using core::ErrorKind;

namespace {

std::string pgArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string fkAction(const std::string& code) {
  if (code == "a") return "NO ACTION";
  if (code == "r") return "RESTRICT";
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  return "NO ACTION";
}

std::string fkMatch(const std::string& code) {
  if (code == "f") return "FULL";
  if (code == "p") return "PARTIAL";
  return "SIMPLE";
}

std::string replicaIdentityName(const std::string& code) {
  if (code == "n") return "nothing";
  if (code == "f") return "full";
  if (code == "i") return "index";
  return "default";
}

std::string tableKey(const std::string& schema, const std::string& table) { return schema + '\x1f' + table; }

class PgCatalogReader {
public:
  PgCatalogReader(PgConnection& conn, const IntrospectOptions& options) : m_conn(conn), m_options(options) {}

  core::Result<model::Catalog> read() {
    m_catalog.engine = model::Engine::PostgreSQL;
    m_catalog.serverVersion = m_conn.serverVersion();
    auto db = m_conn.query("SELECT current_database() AS db");
    if (!db) return std::move(db).error().context("reading the database name");
    m_catalog.database = db->row(0).str("db");

    // Every query reads from one consistent view of the catalog.
    FERRY_TRY(m_conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    auto status = readAll();
    (void)m_conn.exec(status.ok() ? "COMMIT" : "ROLLBACK");
    if (!status) return std::move(status).error();
    return std::move(m_catalog);
  }

private:
  core::Status readAll() {
    FERRY_TRY(readSchemas());
    m_schemasParam = pgArrayLiteral(schemaNames());
    FERRY_TRY(readTables());
    FERRY_TRY(readColumns());
    FERRY_TRY(readConstraints());
    FERRY_TRY(readIndexes());
    FERRY_TRY(readTriggers());
    FERRY_TRY(readSequences());
    FERRY_TRY(readTypes());
    FERRY_TRY(readViews());
    FERRY_TRY(readRoutines());
    return {};
  }

  core::Result<QueryResult> run(std::string_view sql, const char* what) {
    PgParams params{m_schemasParam};
    auto r = m_conn.query(sql, params);
    if (!r) return std::move(r).error().context(std::string("reading ") + what);
    return r;
  }

  core::Result<QueryResult> runFlag(std::string_view sql, const char* what, bool flag) {
    PgParams params{m_schemasParam, std::string(flag ? "true" : "false")};
    auto r = m_conn.query(sql, params);
    if (!r) return std::move(r).error().context(std::string("reading ") + what);
    return r;
  }

  std::vector<std::string> schemaNames() const {
    std::vector<std::string> names;
    for (const auto& s : m_catalog.schemas) names.push_back(s.name);
    return names;
  }

  model::Schema* schema(const std::string& name) {
    auto it = m_schemaIndex.find(name);
    return it == m_schemaIndex.end() ? nullptr : &m_catalog.schemas[it->second];
  }

  model::Table* table(const RowView& row) {
    auto it = m_tableIndex.find(tableKey(row.str("schema"), row.str("table_name")));
    return it == m_tableIndex.end() ? nullptr : it->second;
  }

  core::Status readSchemas() {
    auto r = m_conn.query(sql::pg_schemas_sql);
    if (!r) return std::move(r).error().context("reading schemas");
    std::vector<model::Schema> all;
    for (auto row : *r) {
      model::Schema s;
      s.name = row.str("name");
      s.owner = row.str("owner");
      all.push_back(std::move(s));
    }
    if (m_options.schemas.empty()) {
      m_catalog.schemas = std::move(all);
    } else {
      for (const auto& wanted : m_options.schemas) {
        auto it = std::find_if(all.begin(), all.end(), [&](const model::Schema& s) { return s.name == wanted; });
        if (it == all.end()) {
          return Error(ErrorKind::NotFound,
                       "schema '" + wanted + "' does not exist in database '" + m_catalog.database + "'",
                       "Check the name (it is case-sensitive); `ferry inspect URL` lists the schemas.");
        }
        m_catalog.schemas.push_back(*it);
      }
    }
    for (size_t i = 0; i < m_catalog.schemas.size(); ++i) m_schemaIndex[m_catalog.schemas[i].name] = i;
    return {};
  }

  core::Status readTables() {
    auto r = run(sql::pg_tables_sql, "tables");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Table t;
      t.schema = row.str("schema");
      t.name = row.str("name");
      const std::string kind = row.str("relkind");
      t.kind = kind == "p" ? model::TableKind::PartitionedTable
               : kind == "f" ? model::TableKind::Foreign
               : row.boolean("is_partition") ? model::TableKind::Partition
                                             : model::TableKind::Table;
      const std::string persistence = row.str("persistence");
      t.persistence = persistence == "u" ? model::Persistence::Unlogged
                      : persistence == "t" ? model::Persistence::Temporary
                                           : model::Persistence::Permanent;
      t.partitionKey = row.opt("partition_key");
      t.parentTable = row.opt("parent");
      t.partitionBound = row.opt("partition_bound");
      t.partitionCount = row.i64("partition_count", -1);
      t.comment = row.opt("comment");
      t.replicaIdentity = replicaIdentityName(row.str("replident"));
      t.estimatedRows = row.i64("estimated_rows", -1);
      t.dataBytes = row.i64("data_bytes");
      t.indexBytes = row.i64("index_bytes");
      if (auto* s = schema(t.schema)) s->tables.push_back(std::move(t));
    }
    for (auto& s : m_catalog.schemas) {
      for (auto& t : s.tables) m_tableIndex[tableKey(s.name, t.name)] = &t;
    }
    // A partitioned table stores nothing itself, and autovacuum never analyzes
    // it (reltuples stays -1): its size and rows are its partitions'.
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> below;  // parent → rows, bytes of its leaves
    std::map<std::string, const model::Table*> byName;                  // "schema.table", as parentTable names it
    for (const auto& s : m_catalog.schemas) {
      for (const auto& t : s.tables) byName[s.name + "." + t.name] = &t;
    }
    for (const auto& s : m_catalog.schemas) {
      for (const auto& t : s.tables) {
        if (t.kind == model::TableKind::PartitionedTable) continue;
        for (auto parent = t.parentTable; parent;) {
          auto& [rows, bytes] = below[*parent];
          rows += std::max<std::int64_t>(t.estimatedRows, 0);
          bytes += t.dataBytes;
          const auto it = byName.find(*parent);
          parent = it == byName.end() ? std::nullopt : it->second->parentTable;
        }
      }
    }
    for (auto& s : m_catalog.schemas) {
      for (auto& t : s.tables) {
        const auto it = below.find(s.name + "." + t.name);
        if (t.kind != model::TableKind::PartitionedTable || it == below.end()) continue;
        if (t.estimatedRows <= 0) t.estimatedRows = it->second.first;
        t.dataBytes = std::max(t.dataBytes, it->second.second);
      }
    }
    return {};
  }

  /// The SRID of a PostGIS typmod: "public.geometry(Point,4326)" → 4326.
  static std::optional<int> postgisSrid(const std::string& declared) {
    const auto comma = declared.find(',');
    if (comma == std::string::npos) return std::nullopt;
    const int srid = std::atoi(declared.c_str() + comma + 1);
    return srid != 0 ? std::optional<int>(srid) : std::nullopt;
  }

  core::Status readColumns() {
    auto r = run(sql::pg_columns_sql, "columns");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Table* t = table(row);
      if (!t) continue;
      model::Column c;
      c.name = row.str("name");
      c.ordinal = static_cast<int>(row.i64("ordinal"));
      c.type = parsePgDeclaredType(row.str("declared"));
      const std::string typeSchema = row.str("type_schema");
      const std::string typtype = row.str("typtype");
      if (typeSchema != "pg_catalog" || (typtype != "b" && typtype != "p")) {
        // User-defined (enum, domain, composite, range) or from an extension's schema.
        c.type.userDefined = typtype != "b" || typeSchema != "pg_catalog";
        c.type.typeSchema = typeSchema;
        c.type.base = row.str("type_name");
        if (c.type.base == "geometry" || c.type.base == "geography") c.type.srid = postgisSrid(c.type.declared);
      }
      c.type.arrayDims = static_cast<int>(row.i64("array_dims"));
      if (auto coll = row.opt("collation")) c.type.collation = *coll;
      c.nullable = row.boolean("nullable");
      c.defaultExpr = row.opt("default_expr");
      const std::string gen = row.str("generated");
      if (gen == "s") {
        c.generated = model::Generated::Stored;
        c.generatedExpr = row.opt("generated_expr");
      } else if (gen == "v") {
        c.generated = model::Generated::Virtual;
        c.generatedExpr = row.opt("generated_expr");
      }
      const std::string ident = row.str("identity");
      c.identity = ident == "a" ? model::Identity::Always
                   : ident == "d" ? model::Identity::ByDefault
                                  : model::Identity::None;
      c.comment = row.opt("comment");
      t->columns.push_back(std::move(c));
    }
    return {};
  }

  core::Status readConstraints() {
    auto r = run(sql::pg_constraints_sql, "constraints");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Table* t = table(row);
      if (!t) continue;
      const std::string type = row.str("type");
      if (type == "p") {
        t->primaryKey = model::PrimaryKey{row.str("name"), row.array("columns")};
      } else if (type == "u") {
        model::UniqueConstraint u;
        u.name = row.str("name");
        u.columns = row.array("columns");
        u.nullsNotDistinct = row.boolean("nulls_not_distinct");
        u.deferrable = row.boolean("deferrable");
        t->uniques.push_back(std::move(u));
      } else if (type == "f") {
        model::ForeignKey f;
        f.name = row.str("name");
        f.columns = row.array("columns");
        f.refSchema = row.str("ref_schema");
        f.refTable = row.str("ref_table");
        f.refColumns = row.array("ref_columns");
        f.onDelete = fkAction(row.str("on_delete"));
        f.onUpdate = fkAction(row.str("on_update"));
        f.match = fkMatch(row.str("match_type"));
        f.deferrable = row.boolean("deferrable");
        f.initiallyDeferred = row.boolean("deferred");
        f.validated = row.boolean("validated");
        t->foreignKeys.push_back(std::move(f));
      } else if (type == "c") {
        t->checks.push_back({row.str("name"), row.str("check_expr"), row.boolean("validated")});
      }
    }
    return {};
  }

  core::Status readIndexes() {
    auto r = run(sql::pg_indexes_sql, "indexes");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Table* t = table(row);
      if (!t) continue;
      model::Index idx;
      idx.name = row.str("name");
      idx.method = row.str("method");
      idx.unique = row.boolean("is_unique");
      idx.primary = row.boolean("is_primary");
      idx.constraintBacked = row.boolean("constraint_backed");
      const auto columns = row.array("columns");
      const auto defs = row.array("key_defs");
      const auto opclasses = row.array("opclasses");
      const auto desc = row.array("descending");
      const size_t keyCount = static_cast<size_t>(row.i64("key_count"));
      for (size_t k = 0; k < columns.size(); ++k) {
        if (k >= keyCount) {
          idx.include.push_back(columns[k]);
          continue;
        }
        model::IndexKey key;
        if (!columns[k].empty()) {
          key.column = columns[k];
        } else if (k < defs.size()) {
          key.expression = defs[k];
        }
        if (k < opclasses.size() && !opclasses[k].empty()) key.opclass = opclasses[k];
        key.descending = k < desc.size() && desc[k] == "1";
        idx.keys.push_back(std::move(key));
      }
      idx.predicate = row.opt("predicate");
      idx.definition = row.opt("definition");
      idx.comment = row.opt("comment");
      t->indexes.push_back(std::move(idx));
    }
    return {};
  }

  core::Status readTriggers() {
    auto r = run(sql::pg_triggers_sql, "triggers");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Table* t = table(row);
      if (!t) continue;
      const auto bits = row.i64("tgtype");
      model::Trigger tr;
      tr.name = row.str("name");
      tr.table = t->name;
      tr.level = (bits & 1) ? "ROW" : "STATEMENT";
      tr.timing = (bits & 64) ? "INSTEAD OF" : (bits & 2) ? "BEFORE" : "AFTER";
      if (bits & 4) tr.events.emplace_back("INSERT");
      if (bits & 16) tr.events.emplace_back("UPDATE");
      if (bits & 8) tr.events.emplace_back("DELETE");
      if (bits & 32) tr.events.emplace_back("TRUNCATE");
      tr.enabled = row.boolean("enabled");
      tr.definition = row.str("definition");
      t->triggers.push_back(std::move(tr));
    }
    return {};
  }

  core::Status readSequences() {
    auto r = runFlag(sql::pg_sequences_sql, "sequences", m_options.withSequenceValues);
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Sequence q;
      q.schema = row.str("schema");
      q.name = row.str("name");
      q.dataType = row.str("data_type");
      q.start = row.i64("start_value");
      q.increment = row.i64("increment");
      q.minValue = row.i64("min_value");
      q.maxValue = row.i64("max_value");
      q.cache = row.i64("cache");
      q.cycle = row.boolean("cycle");
      q.lastValue = row.optI64("last_value");
      q.ownedBy = row.opt("owned_by");
      if (auto* s = schema(q.schema)) s->sequences.push_back(std::move(q));
    }
    return {};
  }

  core::Status readTypes() {
    auto r = run(sql::pg_types_sql, "types");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::UserType ty;
      ty.schema = row.str("schema");
      ty.name = row.str("name");
      const std::string kind = row.str("kind");
      ty.kind = kind == "e" ? model::UserTypeKind::Enum
                : kind == "d" ? model::UserTypeKind::Domain
                : kind == "r" ? model::UserTypeKind::Range
                              : model::UserTypeKind::Composite;
      ty.labels = row.array("labels");
      ty.baseType = row.str("base_type");
      ty.notNull = row.boolean("not_null");
      ty.defaultExpr = row.opt("default_expr");
      for (const auto& c : row.array("checks")) {
        const auto sep = c.find('\x1f');
        ty.checks.push_back({c.substr(0, sep), sep == std::string::npos ? std::string() : c.substr(sep + 1), true});
      }
      ty.attributes = row.array("attributes");
      if (auto* s = schema(ty.schema)) s->types.push_back(std::move(ty));
    }
    return {};
  }

  core::Status readViews() {
    auto r = runFlag(sql::pg_views_sql, "views", m_options.withDefinitions);
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::View v;
      v.schema = row.str("schema");
      v.name = row.str("name");
      v.materialized = row.boolean("materialized");
      v.definition = row.str("definition");
      v.comment = row.opt("comment");
      v.checkOption = row.opt("check_option");
      if (auto* s = schema(v.schema)) s->views.push_back(std::move(v));
    }
    return {};
  }

  core::Status readRoutines() {
    auto r = runFlag(sql::pg_routines_sql, "routines", m_options.withDefinitions);
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      model::Routine rt;
      rt.schema = row.str("schema");
      rt.name = row.str("name");
      const std::string kind = row.str("kind");
      rt.kind = kind == "p" ? model::RoutineKind::Procedure
                : kind == "a" ? model::RoutineKind::Aggregate
                : kind == "w" ? model::RoutineKind::Window
                              : model::RoutineKind::Function;
      rt.arguments = row.str("arguments");
      rt.returnType = row.str("return_type");
      rt.language = row.str("language");
      rt.definition = row.str("definition");
      rt.deterministic = row.boolean("deterministic");
      if (auto* s = schema(rt.schema)) s->routines.push_back(std::move(rt));
    }
    return {};
  }

  PgConnection& m_conn;
  const IntrospectOptions& m_options;
  model::Catalog m_catalog;
  std::string m_schemasParam;
  std::unordered_map<std::string, size_t> m_schemaIndex;
  std::unordered_map<std::string, model::Table*> m_tableIndex;
};

}  // namespace

core::Result<model::Catalog> introspectPostgres(PgConnection& conn, const IntrospectOptions& options) {
  return PgCatalogReader(conn, options).read();
}

}  // namespace ferry::introspect
