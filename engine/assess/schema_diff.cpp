// Mapped source (ddl::TargetModel) against an existing target catalog.

#include "assess/schema_diff.h"

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "assess/partition_layout.h"
#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "ddl/quoting.h"

namespace ferry::assess {

const char* diffKindName(DiffKind k) {
  switch (k) {
    case DiffKind::Added: return "added";
    case DiffKind::Missing: return "missing";
    case DiffKind::Changed: return "changed";
  }
  return "added";
}

namespace {

/// One spelling per type, so "INT" and "int(11)", or "character varying(20)" and
/// "varchar(20)", compare equal; "CHARACTER SET …" and "COLLATE …" are compared
/// elsewhere, not as part of the type.
/// Each character above the Basic Multilingual Plane (4-byte UTF-8) as '?'.
std::string belowSupplementaryPlanes(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) >= 0xF0U && i + 3 < s.size()) {
      out += '?';
      i += 4;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::string normalType(std::string t, bool mysql) {
  t = core::toLower(core::trim(t));
  t = core::replaceAll(t, "\"", "");
  t = core::replaceAll(t, "`", "");
  if (auto cs = t.find(" character set "); cs != std::string::npos) t = t.substr(0, cs);
  if (auto co = t.find(" collate "); co != std::string::npos) t = t.substr(0, co);
  static const std::regex spaces(R"(\s+)");
  t = std::regex_replace(t, spaces, " ");
  if (mysql) {
    // Display widths are not part of the type since MySQL 8.0.19; MariaDB still shows them.
    static const std::regex width(R"(^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\))");
    if (!core::startsWith(t, "tinyint(1)")) t = std::regex_replace(t, width, "$1");
    t = std::regex_replace(t, std::regex(R"(^integer)"), "int");
    t = std::regex_replace(t, std::regex(R"(^bool(ean)?$)"), "tinyint(1)");
    if (t == "json") t = "longtext";  // MariaDB's catalog shows its JSON columns as LONGTEXT (with a json_valid check)
  } else {
    static const std::vector<std::pair<std::string, std::string>> aliases = {
        {"varchar", "character varying"}, {"int4", "integer"},  {"int8", "bigint"},  {"int2", "smallint"},
        {"bool", "boolean"},              {"float8", "double precision"}, {"float4", "real"},
        {"timestamptz", "timestamp with time zone"}, {"decimal", "numeric"}, {"char(", "character("}};
    for (const auto& [from, to] : aliases) {
      if (core::startsWith(t, from) && !core::startsWith(t, to)) t = to + t.substr(from.size());
    }
  }
  return t;
}

/// Defaults are shown differently by each server ('G'::sakila.film_rating vs 'G',
/// now() vs CURRENT_TIMESTAMP): compare without casts, outer parentheses and case.
std::string normalDefault(const std::optional<std::string>& d) {
  if (!d) return "";
  std::string s = core::trim(*d);
  static const std::regex cast(R"(::[a-zA-Z_."]+( [a-z]+)*(\(\d+(,\d+)?\))?(\[\])?)");
  s = std::regex_replace(s, cast, "");
  while (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
  s = core::toLower(s);
  if (s == "now()" || s == "current_timestamp()" || s == "current_timestamp") s = "current_timestamp";
  if (s == "null") s = "";
  if (s == "'t'" || s == "'true'") s = "true";  // boolean literals: PostgreSQL shows true/false
  if (s == "'f'" || s == "'false'") s = "false";
  return s;
}

class Differ {
public:
  Differ(const ddl::TargetModel& wanted, const model::Catalog& existing)
      : m_wanted(wanted), m_existing(existing), m_engine(wanted.engine),
        m_mysql(model::isMySqlFamily(wanted.engine)) {}

  SchemaDiff run() {
    for (const auto& s : m_wanted.schemas) {
      if (!m_existing.schema(s)) {
        add(DiffKind::Added, "schema", s, "", s, {},
            m_mysql ? "CREATE DATABASE IF NOT EXISTS " + ddl::quoteIdent(m_engine, s) + ";"
                    : "CREATE SCHEMA IF NOT EXISTS " + ddl::quoteIdent(m_engine, s) + ";");
      }
    }
    for (const auto& e : m_wanted.enums) {
      const model::Schema* s = m_existing.schema(e.schema);
      bool found = false;
      if (s) {
        for (const auto& t : s->types) found |= t.name == e.name;
      }
      if (!found) {
        std::vector<std::string> labels;
        for (const auto& l : e.labels) labels.push_back(ddl::quoteLiteral(l));
        add(DiffKind::Added, "type", e.schema, "", e.name, {},
            "CREATE TYPE " + ddl::qualified(m_engine, e.schema, e.name) + " AS ENUM (" + core::join(labels, ", ") + ");");
      }
    }
    for (const auto& t : m_wanted.tables) {
      const model::Table* existing = m_existing.table(t.schema, t.name);
      if (!existing) {
        add(DiffKind::Added, "table", t.schema, t.name, t.name, {}, createTableWithKeys(t));
        continue;
      }
      diffTable(t, *existing);
    }
    // Tables on the target that the migration does not produce (only in the schemas it writes to).
    for (const auto& s : m_wanted.schemas) {
      const model::Schema* es = m_existing.schema(s);
      if (!es) continue;
      for (const auto& et : es->tables) {
        if (et.parentTable) continue;  // a partition: compared with its partitioned table
        bool wanted = false;
        for (const auto& t : m_wanted.tables) wanted |= t.schema == s && t.name == et.name;
        if (!wanted) add(DiffKind::Missing, "table", s, et.name, et.name, {"on the target only; left as it is"}, "");
      }
    }
    // Foreign keys of added tables come after every table they may reference.
    for (auto& e : m_pendingForeignKeys) m_diff.entries.push_back(std::move(e));
    return std::move(m_diff);
  }

private:
  void add(DiffKind kind, std::string type, std::string schema, std::string table, std::string name,
           std::vector<std::string> details, std::string ddl) {
    m_diff.entries.push_back({kind, std::move(type), std::move(schema), std::move(table), std::move(name),
                              std::move(details), std::move(ddl)});
  }

  /// CREATE TABLE plus what post-data would add to it (keys, indexes; foreign
  /// keys go in their own entries' order at the end of the script).
  std::string createTableWithKeys(const ddl::TableDef& t) {
    std::string out = core::trim(ddl::createTableStatement(m_engine, t, m_wanted));
    if (t.primaryKey && !m_mysql) {
      out += "\nALTER TABLE " + qt(t) + " ADD CONSTRAINT " + qi(t.primaryKey->name) + " PRIMARY KEY (" +
             ddl::columnList(m_engine, t.primaryKey->columns) + ");";
    }
    for (const auto& u : t.uniques) {
      out += "\nALTER TABLE " + qt(t) + " ADD CONSTRAINT " + qi(u.name) + " UNIQUE (" + ddl::columnList(m_engine, u.columns) + ");";
    }
    for (const auto& i : t.indexes) {
      if (!i.manualReason) out += "\n" + ddl::createIndexStatement(m_engine, t, i);
    }
    for (const auto& f : t.foreignKeys) {
      m_pendingForeignKeys.push_back({DiffKind::Added, "foreign_key", t.schema, t.name, f.name,
                                      {"(" + core::join(f.columns, ", ") + ") → " + f.refSchema + "." + f.refTable},
                                      ddl::addForeignKeyStatement(m_engine, t, f)});
    }
    return out;
  }

  std::string qt(const ddl::TableDef& t) const { return ddl::qualified(m_engine, t.schema, t.name); }
  std::string qi(const std::string& n) const { return ddl::quoteIdent(m_engine, n); }

  void diffTable(const ddl::TableDef& t, const model::Table& e) {
    for (const auto& c : t.columns) {
      const model::Column* ec = e.column(c.name);
      if (!ec) {
        add(DiffKind::Added, "column", t.schema, t.name, c.name, {"type " + c.type},
            "ALTER TABLE " + qt(t) + " ADD COLUMN " + ddl::columnDefinition(m_engine, c) + ";");
        continue;
      }
      diffColumn(t, c, *ec);
    }
    for (const auto& ec : e.columns) {
      bool wanted = false;
      for (const auto& c : t.columns) wanted |= c.name == ec.name;
      if (!wanted) add(DiffKind::Missing, "column", t.schema, t.name, ec.name, {"on the target only; left as it is"}, "");
    }
    if (t.primaryKey && !e.primaryKey) {
      add(DiffKind::Added, "primary_key", t.schema, t.name, t.primaryKey->name, {core::join(t.primaryKey->columns, ", ")},
          "ALTER TABLE " + qt(t) + " ADD CONSTRAINT " + qi(t.primaryKey->name) + " PRIMARY KEY (" +
              ddl::columnList(m_engine, t.primaryKey->columns) + ");");
    }
    diffPartitioning(t, e);
    std::map<std::string, const model::Index*> indexes;
    for (const auto& i : e.indexes) indexes[i.name] = &i;
    for (const auto& u : t.uniques) {
      if (!indexes.count(u.name)) {
        add(DiffKind::Added, "unique", t.schema, t.name, u.name, {core::join(u.columns, ", ")},
            "ALTER TABLE " + qt(t) + " ADD CONSTRAINT " + qi(u.name) + " UNIQUE (" + ddl::columnList(m_engine, u.columns) + ");");
      }
    }
    for (const auto& i : t.indexes) {
      if (i.manualReason || indexes.count(i.name)) continue;
      add(DiffKind::Added, "index", t.schema, t.name, i.name, {}, ddl::createIndexStatement(m_engine, t, i));
    }
    std::map<std::string, const model::ForeignKey*> fks;
    for (const auto& f : e.foreignKeys) fks[f.name] = &f;
    for (const auto& f : t.foreignKeys) {
      if (fks.count(f.name)) continue;
      add(DiffKind::Added, "foreign_key", t.schema, t.name, f.name,
          {"(" + core::join(f.columns, ", ") + ") → " + f.refSchema + "." + f.refTable},
          ddl::addForeignKeyStatement(m_engine, t, f));
    }
  }

  /// Partitioning text compared without case, spaces and double quotes (the
  /// servers print bounds and keys in their own spelling).
  static std::string partitionText(const std::optional<std::string>& s) {
    std::string out;
    for (char c : s.value_or("")) {
      if (c != ' ' && c != '"' && c != '\n') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
  }

  /// The table's partitioning and (PostgreSQL) its partitions. Repartitioning
  /// a filled table is left to a person: only a missing partition gets DDL.
  void diffPartitioning(const ddl::TableDef& t, const model::Table& e) {
    const std::optional<std::string> have = m_mysql ? detail::mysqlPartitionClause(e) : e.partitionKey;
    if (partitionText(t.partitionBy) != partitionText(have)) {
      add(DiffKind::Changed, "partitioning", t.schema, t.name, t.name,
          {"wanted: " + t.partitionBy.value_or("not partitioned"), "target: " + have.value_or("not partitioned")}, "");
      return;
    }
    if (m_mysql || !t.partitionBy) return;
    std::set<std::string> wanted;
    for (const auto& p : t.partitions) {
      wanted.insert(p.schema + "." + p.name);
      const model::Table* ep = m_existing.table(p.schema, p.name);
      const std::string parent = p.parentSchema + "." + p.parentName;
      if (!ep) {
        std::string ddl = "CREATE TABLE " + ddl::qualified(m_engine, p.schema, p.name) + " PARTITION OF " +
                          ddl::qualified(m_engine, p.parentSchema, p.parentName) + " " + p.bound;
        if (p.partitionBy) ddl += " PARTITION BY " + *p.partitionBy;
        add(DiffKind::Added, "partition", p.schema, t.name, p.name, {p.bound}, ddl + ";");
      } else if (ep->parentTable != parent || partitionText(ep->partitionBound) != partitionText(p.bound) ||
                 partitionText(ep->partitionKey) != partitionText(p.partitionBy)) {
        add(DiffKind::Changed, "partition", p.schema, t.name, p.name,
            {"wanted: partition of " + parent + " " + p.bound,
             "target: " + (ep->parentTable ? "partition of " + *ep->parentTable + " " + ep->partitionBound.value_or("")
                                           : std::string("not a partition"))},
            "");
      }
    }
    // Partitions on the target that the source does not have (any depth).
    std::set<std::string> ours{t.schema + "." + t.name};
    for (const auto& p : t.partitions) ours.insert(p.schema + "." + p.name);
    for (const auto& s : m_existing.schemas) {
      for (const auto& et : s.tables) {
        if (et.parentTable && ours.count(*et.parentTable) && !wanted.count(s.name + "." + et.name)) {
          add(DiffKind::Missing, "partition", s.name, t.name, et.name,
              {"partition of " + *et.parentTable + " " + et.partitionBound.value_or("") + " on the target only"}, "");
        }
      }
    }
  }

  void diffColumn(const ddl::TableDef& t, const ddl::ColumnDef& c, const model::Column& e) {
    std::vector<std::string> details;
    std::vector<std::string> statements;
    std::string wantedType = normalType(c.type, m_mysql);
    std::string existingType = normalType(e.type.declared, m_mysql);
    if (m_mysql && (e.type.base == "enum" || e.type.base == "set") && !e.type.values.empty()) {
      // The server spells members with backslash escapes; the wanted type is
      // written for NO_BACKSLASH_ESCAPES: compare the members themselves.
      existingType = normalType(e.type.base + "(" + ddl::literalList(e.type.values) + ")", m_mysql);
      // MariaDB keeps a member's characters above the Basic Multilingual Plane
      // (emoji) — the rows hold them — but its catalog (information_schema and
      // SHOW CREATE TABLE alike) shows each as '?': compare as it shows them.
      wantedType = belowSupplementaryPlanes(wantedType);
    }
    // Quotes are dropped above, so "sakila"."film_rating" equals format_type's sakila.film_rating.
    const bool typeDiffers = wantedType != existingType;
    if (typeDiffers) details.push_back("type: " + e.type.declared + " → " + c.type);
    const bool nullDiffers = c.nullable != e.nullable;
    if (nullDiffers) {
      details.push_back(std::string("nullable: ") + (e.nullable ? "yes" : "no") + " → " + (c.nullable ? "yes" : "no"));
    }
    const bool identityColumn = c.identity != ddl::IdentityDef::None;
    const bool defaultDiffers = !identityColumn && !c.generatedExpr && normalDefault(c.defaultExpr) != normalDefault(e.defaultExpr);
    if (defaultDiffers) {
      details.push_back("default: " + e.defaultExpr.value_or("none") + " → " + c.defaultExpr.value_or("none"));
    }
    if (details.empty()) return;
    if (m_mysql) {
      statements.push_back("ALTER TABLE " + qt(t) + " MODIFY COLUMN " + ddl::columnDefinition(m_engine, c) + ";");
    } else {
      if (typeDiffers) {
        statements.push_back("ALTER TABLE " + qt(t) + " ALTER COLUMN " + qi(c.name) + " TYPE " + c.type + " USING " +
                             qi(c.name) + "::" + c.type + ";");
      }
      if (nullDiffers) {
        statements.push_back("ALTER TABLE " + qt(t) + " ALTER COLUMN " + qi(c.name) +
                             (c.nullable ? " DROP NOT NULL;" : " SET NOT NULL;"));
      }
      if (defaultDiffers) {
        statements.push_back("ALTER TABLE " + qt(t) + " ALTER COLUMN " + qi(c.name) +
                             (c.defaultExpr ? " SET DEFAULT " + *c.defaultExpr + ";" : " DROP DEFAULT;"));
      }
    }
    add(DiffKind::Changed, "column", t.schema, t.name, c.name, details, core::join(statements, "\n"));
  }

  const ddl::TargetModel& m_wanted;
  const model::Catalog& m_existing;
  model::Engine m_engine;
  bool m_mysql;
  SchemaDiff m_diff;
  std::vector<DiffEntry> m_pendingForeignKeys;
};

}  // namespace

std::string SchemaDiff::reconcileScript(model::Engine target) const {
  // Schemas and types first, then tables, then columns, keys, indexes and FKs last.
  static const std::vector<std::string> order = {"schema", "type", "table", "column", "primary_key", "unique", "index", "foreign_key"};
  std::ostringstream out;
  out << "-- Ferry reconcile script for " << model::engineDisplayName(target)
      << ": makes the target match the mapped source. Objects only on the target are not dropped.\n";
  for (const auto& type : order) {
    for (const auto& e : entries) {
      if (e.objectType == type && !e.ddl.empty()) out << e.ddl << "\n";
    }
  }
  return out.str();
}

SchemaDiff diffSchemas(const ddl::TargetModel& wanted, const model::Catalog& existing) {
  return Differ(wanted, existing).run();
}

nlohmann::json toJson(const SchemaDiff& diff) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : diff.entries) {
    entries.push_back({{"kind", diffKindName(e.kind)}, {"object", e.objectType}, {"schema", e.schema},
                       {"table", e.table.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.table)},
                       {"name", e.name}, {"details", e.details}, {"ddl", e.ddl}});
  }
  return {{"identical", diff.identical()}, {"entries", entries}};
}

std::string toText(const SchemaDiff& diff) {
  if (diff.identical()) return "The target matches the mapped source.\n";
  std::ostringstream out;
  for (const auto& e : diff.entries) {
    const bool tableLevel = e.table.empty() || e.objectType == "table";
    out << diffKindName(e.kind) << "  " << e.objectType << " " << e.schema << "." << (tableLevel ? "" : e.table + ".")
        << e.name;
    if (!e.details.empty()) out << "  (" << core::join(e.details, "; ") << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace ferry::assess
