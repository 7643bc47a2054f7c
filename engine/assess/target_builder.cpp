// Source catalog + type mappings + project → ddl::TargetModel, collecting the
// column assessments and object findings on the way.

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "assess/assessment.h"
#include "assess/partition_layout.h"
#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::assess::detail {

using typemap::Finding;
using typemap::Severity;

namespace {

Finding finding(std::string code, Severity s, std::string message, std::string action) {
  return {std::move(code), s, std::move(message), std::move(action)};
}

class Builder {
public:
  Builder(const model::Catalog& source, const TargetSpec& target, const plan::Project& project,
          const typemap::MappingContext& ctx, std::vector<ColumnAssessment>& columns,
          std::vector<ObjectFinding>& objects)
      : m_source(source), m_partitions(source), m_target(target), m_project(project), m_ctx(ctx), m_columns(columns),
        m_objects(objects) {
    m_model.engine = target.engine;
    m_sameEngine = model::isMySqlFamily(source.engine) == model::isMySqlFamily(target.engine);
  }

  ddl::TargetModel build(std::vector<SchemaPlacement>& placements) {
    std::map<std::string, std::vector<const model::Table*>> tablesOf;
    std::vector<std::string> taking;  // schemas that take part, in catalog order
    const bool pgToPg = !model::isMySqlFamily(m_source.engine) && !model::isMySqlFamily(m_target.engine);
    for (const auto& s : m_source.schemas) {
      auto& tables = tablesOf[s.name];
      bool holdsPartitions = false;  // of a table that takes part, recreated in this schema
      for (const auto& t : s.tables) {
        if (t.parentTable) {
          // A partition (or a partitioned partition): its rows are its root's.
          const std::string root = m_partitions.root(t);
          const auto dot = root.find('.');
          holdsPartitions |= pgToPg && m_project.includesTable(root.substr(0, dot), root.substr(dot + 1));
          continue;
        }
        if (!m_project.includesTable(s.name, t.name)) continue;
        tables.push_back(&t);
      }
      if (!tables.empty() || holdsPartitions || !s.views.empty() || !s.routines.empty()) taking.push_back(s.name);
    }
    placements = placeSchemas(m_source.engine, m_target, m_project, taking);
    addPlacementFinding(placements);
    if (!placements.empty()) m_model.notes.push_back("Schemas: " + describePlacements(placements) + ".");
    for (const auto& p : placements) {
      const model::Schema& s = *m_source.schema(p.sourceSchema);
      const auto& tables = tablesOf[s.name];
      const std::string targetSchema = name(p.targetSchema, "schema", s.name, "");
      m_model.schemas.push_back(targetSchema);
      m_schemaNames[s.name] = targetSchema;
      for (const auto* t : tables) {
        const std::string targetName = name(m_project.targetTableName(s.name, t->name), "table", s.name, t->name);
        m_tableNames[s.name + "." + t->name] = targetName;
        m_usedRelationNames[targetSchema].insert(targetName);  // tables are relations too
      }
    }
    for (const auto& p : placements) {
      const model::Schema& s = *m_source.schema(p.sourceSchema);
      for (const auto* t : tablesOf[s.name]) {
        if (t->kind == model::TableKind::PartitionedTable) layoutPartitionsOf(s, *t);
      }
    }
    for (const auto& s : m_source.schemas) {
      if (!m_schemaNames.count(s.name)) continue;
      addSourceTypes(s);
      for (const auto& t : s.tables) {
        if (m_tableNames.count(s.name + "." + t.name)) addTable(s, t);
      }
      addSequences(s);
      addManualObjects(s);
    }
    alignForeignKeyIntegers(m_model, m_columns);
    return std::move(m_model);
  }

private:
  /// Several source schemas onto a MySQL/MariaDB target named by its URL: which
  /// database each goes to is shown before anything is written.
  void addPlacementFinding(const std::vector<SchemaPlacement>& placements) {
    if (placements.size() < 2 || !model::isMySqlFamily(m_target.engine) || m_target.database.empty()) return;
    const bool intoTarget = std::any_of(placements.begin(), placements.end(),
                                        [&](const SchemaPlacement& p) { return p.targetSchema == m_target.database; });
    m_objects.push_back(
        {"schema", "", "", m_target.database,
         finding("SCHEMA_PLACEMENT", Severity::Review,
                 "the source has " + std::to_string(placements.size()) + " schemas and the target URL names the database " +
                     m_target.database + ": " + describePlacements(placements) +
                     (intoTarget ? "" : "; none goes to " + m_target.database),
                 "Check that these are the databases you mean; set schema_map in the project to choose others.")});
  }

  /// The target layout of a partitioned table; PostgreSQL partitions get their
  /// target schema and a name unique among the schema's relations.
  void layoutPartitionsOf(const model::Schema& s, const model::Table& t) {
    const model::Engine engine = m_target.engine;
    PartitionLayout l = layoutPartitions(m_source, m_partitions, t, engine, [&](const std::string& c) {
      return typemap::mapIdentifier(c, engine).name;
    });
    std::map<std::string, std::pair<std::string, std::string>> placed;  // source "schema.table" → target
    placed[s.name + "." + t.name] = {m_schemaNames.at(s.name), m_tableNames.at(s.name + "." + t.name)};
    for (auto& p : l.partitions) {
      const auto parent = placed.find(p.parentSchema + "." + p.parentName);
      if (parent == placed.end()) continue;  // cannot happen: parents come first
      const auto mapped = m_schemaNames.find(p.schema);
      const std::string schema = mapped != m_schemaNames.end() ? mapped->second : parent->second.first;
      const std::string wanted = name(p.name, "partition", s.name, t.name);
      std::string target = wanted;
      auto& used = m_usedRelationNames[schema];
      for (int i = 2; !used.insert(target).second; ++i) target = name(wanted + "_" + std::to_string(i), "partition", s.name, t.name);
      if (target != wanted) {
        m_objects.push_back({"name", s.name, t.name, wanted,
                             finding("NAME_MADE_UNIQUE", Severity::Review,
                                     "partition '" + wanted + "' would have the name of another relation of schema " +
                                         schema + "; it becomes '" + target + "'",
                                     "Rename it on the source, or accept the new name.")});
      }
      placed[p.schema + "." + p.name] = {schema, target};
      p.parentSchema = parent->second.first;
      p.parentName = parent->second.second;
      p.schema = schema;
      p.name = target;
    }
    m_layouts[s.name + "." + t.name] = std::move(l);
  }

  /// A target-safe identifier; a NAME_TOO_LONG finding when it had to be shortened.
  std::string name(const std::string& source, const char* kind, const std::string& schema, const std::string& table) {
    auto m = typemap::mapIdentifier(source, m_target.engine);
    if (m.finding) m_objects.push_back({"name", schema, table, source + " (" + kind + ")", *m.finding});
    return m.name;
  }

  /// A column's target name, unique in its table as the target compares
  /// names: MySQL/MariaDB column names ignore case, so of "Name" and "name"
  /// the second is renamed (with a finding) rather than failing the DDL.
  std::string columnName(const std::string& source, const std::string& schema, const model::Table& t,
                         std::set<std::string>& used) {
    const bool pg = m_target.engine == model::Engine::PostgreSQL;
    auto key = [pg](const std::string& n) { return pg ? n : core::toLower(n); };
    const std::string candidate = name(source, "column", schema, t.name);
    if (used.insert(key(candidate)).second) return candidate;
    std::string renamed;
    for (int i = 2;; ++i) {
      renamed = name(source + "_" + std::to_string(i), "column", schema, t.name);
      if (used.insert(key(renamed)).second) break;
    }
    m_objects.push_back({"name", schema, t.name, source,
                         finding("NAME_MADE_UNIQUE", Severity::Review,
                                 "'" + source + "' and another column of " + t.name + " differ only in case, which " +
                                     model::engineDisplayName(m_target.engine) + " column names ignore; it becomes '" +
                                     renamed + "'",
                                 "Rename one of them on the source, or accept the new name.")});
    return renamed;
  }

  /// PostgreSQL index names (and so primary and unique keys, which are indexes)
  /// share one namespace per schema with tables and sequences; MySQL's are per
  /// table. Clashes get the table name in front.
  std::string relationName(const std::string& schema, const std::string& tableTarget, const std::string& wanted,
                           const model::Table& t) {
    std::string candidate = name(wanted, "index or constraint", schema, t.name);
    if (m_target.engine != model::Engine::PostgreSQL) return candidate;
    auto& used = m_usedRelationNames[schema];
    if (used.insert(candidate).second) return candidate;
    std::string renamed = name(tableTarget + "_" + wanted, "index or constraint", schema, t.name);
    for (int i = 2; !used.insert(renamed).second; ++i) renamed = name(tableTarget + "_" + wanted + "_" + std::to_string(i), "index or constraint", schema, t.name);
    m_objects.push_back({"name", schema, t.name, wanted,
                         finding("NAME_MADE_UNIQUE", Severity::Review,
                                 "'" + wanted + "' is used by several tables; PostgreSQL needs index names (keys "
                                 "included) unique per schema, so it becomes '" + renamed + "'",
                                 "Rename it on the source, or accept the new name.")});
    return renamed;
  }

  /// A primary or unique key: an index name, and a constraint name of its table.
  std::string keyName(const std::string& schema, const std::string& tableTarget, const std::string& wanted,
                      const model::Table& t) {
    std::string n = relationName(schema, tableTarget, wanted, t);
    m_usedConstraintNames[schema + "." + tableTarget].insert(n);
    return n;
  }

  /// PostgreSQL check and foreign key names need only be unique within their
  /// table (an index of the same name elsewhere is no clash: MySQL names a
  /// foreign key's index after it, so every Laravel foreign key would clash).
  std::string constraintName(const std::string& schema, const std::string& tableTarget, const std::string& wanted,
                             const model::Table& t) {
    std::string candidate = name(wanted, "constraint", schema, t.name);
    if (m_target.engine != model::Engine::PostgreSQL) return candidate;
    auto& used = m_usedConstraintNames[schema + "." + tableTarget];
    if (used.insert(candidate).second) return candidate;
    std::string renamed = candidate;
    for (int i = 2; !used.insert(renamed).second; ++i) renamed = name(wanted + "_" + std::to_string(i), "constraint", schema, t.name);
    return renamed;
  }

  /// InnoDB keeps foreign key names unique per database, PostgreSQL per table:
  /// two PostgreSQL tables' "fk_user" would clash (errno 121). The second gets
  /// its table's name in front.
  std::string mysqlForeignKeyName(const std::string& schema, const std::string& tableTarget, const std::string& wanted,
                                  const model::Table& t) {
    auto& used = m_usedForeignKeyNames[schema];
    std::string candidate = name(wanted, "constraint", schema, t.name);
    if (used.insert(core::toLower(candidate)).second) return candidate;
    std::string renamed = name(tableTarget + "_" + wanted, "constraint", schema, t.name);
    for (int i = 2; !used.insert(core::toLower(renamed)).second; ++i) {
      renamed = name(tableTarget + "_" + wanted + "_" + std::to_string(i), "constraint", schema, t.name);
    }
    m_objects.push_back({"name", schema, t.name, wanted,
                         finding("NAME_MADE_UNIQUE", Severity::Review,
                                 "foreign key '" + wanted + "' is a name several tables use; " +
                                     model::engineDisplayName(m_target.engine) +
                                     " needs foreign key names unique per database, so it becomes '" + renamed + "'",
                                 "Rename it on the source, or accept the new name.")});
    return renamed;
  }

  typemap::MappingOptions optionsFor(const nlohmann::json& partial) const {
    nlohmann::json merged = m_ctx.options.toJson();
    merged.merge_patch(partial);
    auto parsed = typemap::MappingOptions::fromJson(merged);
    return parsed ? *parsed : m_ctx.options;  // validated in assess()
  }

  /// The key a foreign key column references (its first foreign key naming it).
  typemap::ColumnRole roleOf(const model::Table& t, const model::Column& c) const {
    for (const auto& fk : t.foreignKeys) {
      for (std::size_t i = 0; i < fk.columns.size() && i < fk.refColumns.size(); ++i) {
        if (fk.columns[i] != c.name) continue;
        const model::Table* ref = m_source.table(fk.refSchema, fk.refTable);
        const model::Column* refColumn = ref ? ref->column(fk.refColumns[i]) : nullptr;
        if (refColumn && refColumn != &c) return {ref, refColumn};
      }
    }
    return {};
  }

  ColumnAssessment mapColumn(const model::Schema& s, const model::Table& t, const model::Column& c) {
    ColumnAssessment ca;
    ca.schema = s.name;
    ca.table = t.name;
    ca.column = c.name;
    ca.sourceType = c.type.declared;
    const plan::ColumnOverride* colOverride = m_project.columnOverride(s.name, t.name, c.name);
    const plan::TypeOverride* typeOverride = colOverride ? nullptr : m_project.typeOverride(c.type.declared);
    const nlohmann::json* partial = colOverride ? &colOverride->options : typeOverride ? &typeOverride->options : nullptr;
    std::string overrideType = colOverride ? colOverride->targetType : typeOverride ? typeOverride->targetType : "";
    typemap::MappingContext ctx = m_ctx;
    if (partial && !partial->empty()) ctx.options = optionsFor(*partial);
    const typemap::ColumnRole role = roleOf(t, c);
    ca.ferryTargetType = typemap::mapColumn(m_ctx, t, c, role).targetType;
    ca.mapping = typemap::mapColumn(ctx, t, c, role);
    if (colOverride) ca.overrideSource = "column";
    if (typeOverride) ca.overrideSource = "type pattern '" + typeOverride->pattern + "'";
    if (!overrideType.empty() && overrideType != ca.mapping.targetType) {
      const std::string chosen = ca.mapping.targetType;
      ca.mapping.targetType = overrideType;
      ca.mapping.createType.reset();
      ca.mapping.findings.insert(
          ca.mapping.findings.begin(),
          finding("USER_OVERRIDE", Severity::Review,
                  "target type set by the project to " + overrideType + " (Ferry chose " + chosen + ")",
                  "Ferry cannot prove a hand-chosen type keeps every value: the copy's reject file and the "
                  "verification will show values that do not fit."));
      ca.mapping.severity = typemap::worse(ca.mapping.severity, Severity::Review);
    }
    return ca;
  }

  /// PostgreSQL → PostgreSQL: every user type of the source schema is recreated
  /// (tables may use composites and ranges that no column mapping asks for).
  void addSourceTypes(const model::Schema& s) {
    if (m_source.engine != model::Engine::PostgreSQL || m_target.engine != model::Engine::PostgreSQL) return;
    const std::string schema = m_schemaNames.at(s.name);
    for (const auto& t : s.types) {
      model::UserType mapped = t;
      mapped.schema = schema;
      switch (t.kind) {
        case model::UserTypeKind::Enum:
        case model::UserTypeKind::Domain: addCreatedType(mapped); break;
        case model::UserTypeKind::Range: m_model.ranges.push_back({schema, t.name, t.baseType}); break;
        case model::UserTypeKind::Composite: {
          std::vector<std::string> attrs;
          for (const auto& a : t.attributes) {
            const auto sp = a.find(' ');
            attrs.push_back(ddl::quoteIdent(m_target.engine, a.substr(0, sp)) + (sp == std::string::npos ? "" : a.substr(sp)));
          }
          m_model.composites.push_back({schema, t.name, attrs});
          break;
        }
      }
    }
  }

  void addCreatedType(const model::UserType& type) {
    if (type.kind == model::UserTypeKind::Enum) {
      for (const auto& e : m_model.enums) {
        if (e.schema == type.schema && e.name == type.name) return;
      }
      m_model.enums.push_back({type.schema, type.name, type.labels});
    } else if (type.kind == model::UserTypeKind::Domain) {
      for (const auto& d : m_model.domains) {
        if (d.schema == type.schema && d.name == type.name) return;
      }
      ddl::DomainDef d{type.schema, type.name, type.baseType, type.notNull, type.defaultExpr, {}};
      for (const auto& c : type.checks) {
        std::string expr = c.expression;
        // pg_get_constraintdef gives "CHECK ((VALUE > 0))"; the generator adds CHECK ( ).
        if (core::startsWith(expr, "CHECK (") && core::endsWith(expr, ")")) expr = expr.substr(7, expr.size() - 8);
        d.checks.push_back({c.name, expr, std::nullopt});
      }
      m_model.domains.push_back(std::move(d));
    }
  }

  /// Moves a check expression to the target's dialect where that is a matter of
  /// quoting, casts and LIKE; nullopt when it uses anything else of the source
  /// dialect (functions, arrays, regex or containment operators).
  std::optional<std::string> translateExpression(const std::string& expr) const {
    if (m_sameEngine) return expr;
    std::string out = expr;
    if (model::isMySqlFamily(m_source.engine)) {
      std::replace(out.begin(), out.end(), '`', '"');
    } else {
      static const std::regex cast(R"(::[a-z_]+( [a-z_]+)*(\([0-9, ]+\))?(\[\])?)");
      out = std::regex_replace(out, cast, "");
      out = core::replaceAll(out, " !~~ ", " NOT LIKE ");
      out = core::replaceAll(out, " ~~ ", " LIKE ");
      std::replace(out.begin(), out.end(), '"', '`');
    }
    static const std::regex call(R"([A-Za-z_][A-Za-z0-9_]*\s*\()");
    static const std::regex pgOnly(R"(~|@>|<@|&&|ARRAY\[|::)");
    if (std::regex_search(out, call) || std::regex_search(out, pgOnly)) return std::nullopt;
    return out;
  }

  /// MySQL cannot index TEXT/BLOB columns without a prefix length.
  bool isMySqlTextType(const std::string& type) const {
    if (!model::isMySqlFamily(m_target.engine)) return false;
    const std::string t = core::toUpper(type);
    return core::startsWith(t, "LONGTEXT") || core::startsWith(t, "MEDIUMTEXT") || core::startsWith(t, "TEXT") ||
           core::startsWith(t, "TINYTEXT") || core::startsWith(t, "LONGBLOB") || core::startsWith(t, "MEDIUMBLOB") ||
           core::startsWith(t, "BLOB") || core::startsWith(t, "TINYBLOB") || core::startsWith(t, "JSON");
  }

  void addTable(const model::Schema& s, const model::Table& t) {
    const std::string schema = m_schemaNames.at(s.name);
    ddl::TableDef def;
    def.schema = schema;
    def.name = m_tableNames.at(s.name + "." + t.name);
    def.sourceName = s.name + "." + t.name;
    def.comment = t.comment && !t.comment->empty() ? t.comment : std::nullopt;
    def.unlogged = t.persistence == model::Persistence::Unlogged && m_target.engine == model::Engine::PostgreSQL;
    if (const auto layout = m_layouts.find(s.name + "." + t.name); layout != m_layouts.end()) {
      const PartitionLayout& l = layout->second;
      if (l.flattenReason) {
        m_objects.push_back({"table", s.name, t.name, t.name,
                             finding("PARTITIONING_NOT_RECREATED", Severity::Review,
                                     "the table is partitioned on the source (" + t.partitionKey.value_or("") +
                                         ") but is created unpartitioned: " + *l.flattenReason +
                                         "; one table holds every partition's rows",
                                     "Partition the target table by hand before the copy if you need it.")});
      }
      def.partitionBy = l.partitionBy;
      def.partitions = l.partitions;
      if (!l.changes.empty()) {
        m_objects.push_back({"table", s.name, t.name, t.name,
                             finding("PARTITIONING_MAPPED", Severity::Review,
                                     "recreated as " + *l.partitionBy + " with " + std::to_string(l.partitions.size()) +
                                         " partitions; " + core::join(l.changes, "; "),
                                     "Check the partitions in the DDL (ferry ddl).")});
      }
    }
    if (!t.rowIdentity()) {
      // How the copy still splits it: PostgreSQL 14+ by ranges of heap pages in
      // the snapshot, otherwise by ranges of an indexed column (run/key_ranges).
      const bool ctid = m_source.engine == model::Engine::PostgreSQL && m_source.serverVersion.atLeast(14);
      const auto split = t.splitColumn();
      const std::string how =
          ctid    ? "it is copied in parallel ranges of heap pages (ctid)"
          : split ? "it is copied in parallel ranges of its indexed column " + *split +
                        (t.column(*split) && t.column(*split)->nullable ? " (the NULLs as a range of their own)" : "")
                  : "it has no index to cut it by, so it is copied in one stream (ranges by LIMIT/OFFSET would not "
                    "be exact: without an ORDER BY on a unique key the server guarantees no row order)";
      m_objects.push_back({"table", s.name, t.name, t.name,
                           finding("TABLE_NO_KEY", Severity::Review,
                                   "the table has no primary or unique key: " + how +
                                       "; replicated changes must match whole rows",
                                   ctid || split ? "Add a primary key on the source if the table has a natural one."
                                                 : "Add a primary key, or an index on a column with many distinct "
                                                   "values, on the source to copy it in parallel.")});
    }
    std::map<std::string, std::string> colNames;
    std::set<std::string> usedColumns;  // target names, as the target compares them
    std::set<std::string> textColumns;  // target TEXT/BLOB columns (MySQL targets)
    for (const auto& c : t.columns) {
      ColumnAssessment ca = mapColumn(s, t, c);
      ca.targetSchema = schema;
      ca.targetTable = def.name;
      ca.targetColumn = columnName(c.name, s.name, t, usedColumns);
      colNames[c.name] = ca.targetColumn;
      const auto& m = ca.mapping;
      if (m.createType) addCreatedType(*m.createType);
      if (m.extension && m_target.engine == model::Engine::PostgreSQL &&
          std::none_of(m_model.extensions.begin(), m_model.extensions.end(),
                       [&](const auto& e) { return e.first == *m.extension; })) {
        m_model.extensions.emplace_back(*m.extension, m.extensionSchema);
      }
      ddl::ColumnDef col;
      col.name = ca.targetColumn;
      col.type = m.targetType;
      if (m_model.engine != model::Engine::PostgreSQL && !m.targetCharset.empty() &&
          m.targetCharset != m_model.defaultCharset) {
        col.type += " CHARACTER SET " + m.targetCharset;
      }
      if (!m.targetCollation.empty()) col.collation = m.targetCollation;
      col.nullable = m.nullable;
      col.defaultExpr = m.defaultExpr;
      col.onUpdate = m.onUpdate;
      if (m.generated != model::Generated::None && m.generatedExpr) {
        col.generatedExpr = m.generatedExpr;
        col.generatedStored = m.generated == model::Generated::Stored;
      }
      switch (m.identity) {
        case model::Identity::Always: col.identity = ddl::IdentityDef::Always; break;
        case model::Identity::ByDefault: col.identity = ddl::IdentityDef::ByDefault; break;
        case model::Identity::AutoIncrement: col.identity = ddl::IdentityDef::AutoIncrement; break;
        case model::Identity::None: break;
      }
      col.comment = c.comment && !c.comment->empty() ? c.comment : std::nullopt;
      if (ca.overridden()) col.notes.push_back("type overridden by the project (" + ca.overrideSource + ")");
      if (m.checkExpression) {
        ddl::CheckDef check{constraintName(schema, def.name, def.name + "_" + col.name + "_check", t), *m.checkExpression,
                            std::nullopt};
        // The mapper writes target syntax for the checks it invents; a domain's
        // check arrives in the source's dialect and is translated like a table check.
        if (m_source.engine == model::Engine::PostgreSQL && model::isMySqlFamily(m_target.engine)) {
          auto translated = translateExpression(*m.checkExpression);
          if (translated) {
            check.expression = *translated;
          } else {
            check.manualReason = "the check uses operators of the source engine";
          }
        }
        def.checks.push_back(std::move(check));
      }
      if (m.sequenceDefault && m_target.engine == model::Engine::PostgreSQL) {
        addColumnSequence(schema, def.name, col, t);
      } else {
        addRestart(s, t, c, schema, def.name, col);
      }
      def.columns.push_back(std::move(col));
      m_columns.push_back(std::move(ca));
    }
    if (model::isMySqlFamily(m_target.engine)) {
      keyTextAsVarchar(m_target.engine, t, def, colNames, m_columns, m_columns.size() - def.columns.size());
      fitRowSize(def, m_columns, m_columns.size() - def.columns.size());
    }
    for (const auto& col : def.columns) {
      if (isMySqlTextType(col.type)) textColumns.insert(col.name);
    }
    auto mapCols = [&](const std::vector<std::string>& cols) {
      std::vector<std::string> out;
      for (const auto& c : cols) out.push_back(colNames.count(c) ? colNames[c] : c);
      return out;
    };
    if (t.primaryKey) {
      const std::string pkName = m_target.engine == model::Engine::PostgreSQL &&
                                         (t.primaryKey->name == "PRIMARY" || t.primaryKey->name.empty())
                                     ? def.name + "_pkey"
                                     : t.primaryKey->name;
      def.primaryKey = ddl::KeyDef{keyName(schema, def.name, pkName, t), mapCols(t.primaryKey->columns)};
    }
    for (const auto& u : t.uniques) def.uniques.push_back({keyName(schema, def.name, u.name, t), mapCols(u.columns)});
    addIndexes(s, t, def, mapCols, textColumns);
    addChecks(s, t, def);
    addForeignKeys(s, t, def, mapCols);
    m_model.tables.push_back(std::move(def));
  }

  /// A column PostgreSQL cannot make an identity (mapping.sequenceDefault): a
  /// sequence of its own, its nextval() as the default, OWNED BY it after the copy.
  void addColumnSequence(const std::string& schema, const std::string& table, ddl::ColumnDef& col, const model::Table& t) {
    ddl::SequenceDef seq;
    seq.schema = schema;
    seq.name = relationName(schema, table, table + "_" + col.name + "_seq", t);
    m_model.sequences.push_back(seq);
    col.defaultExpr = "nextval(" + ddl::quoteLiteral(ddl::qualified(m_target.engine, schema, seq.name)) + "::regclass)";
    col.identity = ddl::IdentityDef::None;
    m_model.restarts.push_back({schema, table, col.name, seq.name, t.autoIncrement.value_or(1), true});
  }

  void addRestart(const model::Schema& s, const model::Table& t, const model::Column& c, const std::string& schema,
                  const std::string& table, const ddl::ColumnDef& col) {
    if (col.identity == ddl::IdentityDef::None) return;
    std::optional<std::int64_t> next;
    if (model::isMySqlFamily(m_source.engine)) {
      next = t.autoIncrement;
    } else {
      for (const auto& q : s.sequences) {
        if (q.ownedBy == t.name + "." + c.name) next = q.lastValue ? *q.lastValue + q.increment : q.start;
      }
    }
    // PostgreSQL: always, since the statement also goes past the largest copied
    // value (rows written after the catalog was read). MySQL/MariaDB raise
    // AUTO_INCREMENT past the largest value by themselves.
    if (m_target.engine == model::Engine::PostgreSQL) {
      m_model.restarts.push_back({schema, table, col.name, "", next.value_or(1)});
    } else if (next && *next > 1) {
      m_model.restarts.push_back({schema, table, col.name, "", *next});
    }
  }

  /// The target method of a spatial index whose one column crosses engines as a
  /// spatial type: MySQL SPATIAL on geometry/point/polygon → GiST; PostGIS GiST
  /// on a column that becomes a MySQL spatial type → SPATIAL (which MySQL and
  /// MariaDB allow only on NOT NULL columns). Empty when it cannot; "-" when it
  /// is a spatial index that cannot (a finding says why, the index is left out).
  std::string crossEngineSpatialMethod(const model::Schema& s, const model::Table& t, const model::Index& idx,
                                       const ddl::TableDef& def, const ddl::IndexDef& out, const std::string& method) {
    if (m_sameEngine || out.keys.size() != 1 || out.keys[0].expression) return {};
    const auto col = std::find_if(def.columns.begin(), def.columns.end(),
                                  [&](const ddl::ColumnDef& c) { return c.name == out.keys[0].column; });
    if (col == def.columns.end()) return {};
    const std::string type = core::toLower(col->type);
    if (method == "spatial" && m_target.engine == model::Engine::PostgreSQL) {
      const bool gist = type.find("geometry") != std::string::npos || type == "point" || type == "polygon";
      return gist ? "gist" : std::string();
    }
    static const char* kSpatial[] = {"point", "linestring", "polygon", "multipoint", "multilinestring",
                                     "multipolygon", "geometrycollection", "geometry"};
    const std::string first = type.substr(0, type.find(' '));
    const bool mysqlSpatial = std::find(std::begin(kSpatial), std::end(kSpatial), first) != std::end(kSpatial);
    if (method != "gist" || !model::isMySqlFamily(m_target.engine) || !mysqlSpatial) return {};
    if (col->nullable) {
      m_objects.push_back({"index", s.name, t.name, idx.name,
                           finding("INDEX_SPATIAL_NULLABLE", Severity::Review,
                                   "index " + idx.name + " is a GiST index on " + col->name +
                                       ", which may be NULL: MySQL and MariaDB allow SPATIAL indexes only on NOT NULL "
                                       "columns, so it is left out",
                                   "Make the column NOT NULL on the source (or the target) and create the SPATIAL index by hand.")});
      return "-";
    }
    return "SPATIAL";
  }

  template <typename MapCols>
  void addIndexes(const model::Schema& s, const model::Table& t, ddl::TableDef& def, MapCols&& mapCols,
                  const std::set<std::string>& textColumns) {
    for (const auto& idx : t.indexes) {
      if (idx.primary || idx.constraintBacked) continue;
      auto findings = typemap::mapIndex(m_ctx, t, idx);
      ddl::IndexDef out;
      out.name = relationName(def.schema, def.name, idx.name, t);
      out.unique = idx.unique;
      std::vector<std::string> keyTexts;
      for (const auto& k : idx.keys) {
        ddl::IndexKeyDef key;
        if (k.column) {
          key.column = mapCols({*k.column}).front();
          keyTexts.push_back(*k.column + (k.prefixLength ? "(" + std::to_string(*k.prefixLength) + ")" : ""));
        } else {
          key.expression = k.expression;
          keyTexts.push_back("(" + k.expression.value_or("") + ")");
        }
        if (m_sameEngine) {
          key.prefixLength = k.prefixLength;
          key.opclass = k.opclass;
        }
        key.descending = k.descending;
        out.keys.push_back(std::move(key));
      }
      out.sourceDefinition = idx.definition.value_or(idx.method + " index " + idx.name + " (" + core::join(keyTexts, ", ") + ")");
      const std::string method = core::toLower(idx.method);
      if (m_sameEngine) {
        out.method = model::isMySqlFamily(m_target.engine) ? (method == "fulltext" || method == "spatial" ? core::toUpper(method) : "")
                                                           : (method == "btree" ? "" : method);
        out.include = mapCols(idx.include);
        out.predicate = idx.predicate;
      }
      // A spatial index crosses engines when its column does: MySQL SPATIAL ↔ GiST.
      const std::string spatialMethod = crossEngineSpatialMethod(s, t, idx, def, out, method);
      if (spatialMethod == "-") out.manualReason = "MySQL and MariaDB allow SPATIAL indexes only on NOT NULL columns";
      if (!spatialMethod.empty()) {
        if (spatialMethod != "-") out.method = spatialMethod;
        findings.erase(std::remove_if(findings.begin(), findings.end(),
                                      [](const Finding& f) {
                                        return f.code == "MY2PG_SPATIAL_INDEX" || f.code == "PG2MY_INDEX_METHOD";
                                      }),
                       findings.end());
      }
      Severity worst = Severity::Exact;
      for (const auto& f : findings) {
        worst = typemap::worse(worst, f.severity);
        m_objects.push_back({"index", s.name, t.name, idx.name, f});
      }
      const bool expressionKeys = std::any_of(idx.keys.begin(), idx.keys.end(), [](const model::IndexKey& k) { return k.expression.has_value(); });
      const bool spatialLeft = method == "spatial" && spatialMethod.empty();
      if (worst >= Severity::Unsupported || (!m_sameEngine && (expressionKeys || method == "fulltext" || spatialLeft || idx.predicate))) {
        out.manualReason = findings.empty() ? "the index cannot be expressed on the target as it is" : findings.front().message;
      }
      const bool textKey = std::any_of(out.keys.begin(), out.keys.end(), [&](const ddl::IndexKeyDef& k) {
        return !k.expression && !k.prefixLength && textColumns.count(k.column);
      });
      if (!out.manualReason && textKey && method != "fulltext") {
        out.manualReason = "a key column is TEXT/BLOB on the target, which MySQL indexes only with a prefix length";
        m_objects.push_back({"index", s.name, t.name, idx.name,
                             finding("INDEX_TEXT_KEY", Severity::Review,
                                     "index " + idx.name + " has a key column that becomes TEXT/BLOB on " +
                                         model::engineDisplayName(m_target.engine) +
                                         ", which cannot be indexed without a prefix length",
                                     "Give the column a VARCHAR(n) override, or index a prefix by hand.")});
      }
      def.indexes.push_back(std::move(out));
    }
  }

  void addChecks(const model::Schema& s, const model::Table& t, ddl::TableDef& def) {
    for (const auto& c : t.checks) {
      // MariaDB's JSON alias is LONGTEXT + CHECK (json_valid(col)): a jsonb/json target validates by itself.
      if (m_target.engine == model::Engine::PostgreSQL && core::containsNoCase(c.expression, "json_valid(")) continue;
      auto translated = translateExpression(c.expression);
      ddl::CheckDef out{constraintName(def.schema, def.name, c.name, t), translated.value_or(c.expression), std::nullopt};
      if (!translated) {
        out.manualReason = "the check uses functions or operators of the source engine";
        m_objects.push_back({"check", s.name, t.name, c.name,
                             finding("CHECK_MANUAL", Severity::Review,
                                     "check " + c.name + " (" + c.expression + ") uses functions or operators of the source engine",
                                     "Rewrite it for the target; it is written as a comment in the post-data script.")});
      }
      def.checks.push_back(std::move(out));
    }
  }

  template <typename MapCols>
  void addForeignKeys(const model::Schema& s, const model::Table& t, ddl::TableDef& def, MapCols&& mapCols) {
    for (const auto& fk : t.foreignKeys) {
      auto ref = m_tableNames.find(fk.refSchema + "." + fk.refTable);
      if (ref == m_tableNames.end()) {
        m_objects.push_back({"foreign_key", s.name, t.name, fk.name,
                             finding("FK_TARGET_EXCLUDED", Severity::Review,
                                     "foreign key " + fk.name + " references " + fk.refSchema + "." + fk.refTable +
                                         ", which is not migrated; it is left out",
                                     "Include the referenced table, or accept the missing constraint.")});
        continue;
      }
      ddl::ForeignKeyDef out;
      out.name = model::isMySqlFamily(m_target.engine) && !m_sameEngine ? mysqlForeignKeyName(def.schema, def.name, fk.name, t)
                                                                         : constraintName(def.schema, def.name, fk.name, t);
      out.columns = mapCols(fk.columns);
      out.refSchema = m_schemaNames.at(fk.refSchema);
      out.refTable = ref->second;
      const model::Table* refTable = m_source.table(fk.refSchema, fk.refTable);
      for (const auto& rc : fk.refColumns) {
        out.refColumns.push_back(refTable ? typemap::mapIdentifier(rc, m_target.engine).name : rc);
      }
      out.onDelete = fk.onDelete;
      out.onUpdate = fk.onUpdate;
      out.deferrable = fk.deferrable && m_target.engine == model::Engine::PostgreSQL;
      out.initiallyDeferred = fk.initiallyDeferred && out.deferrable;
      def.foreignKeys.push_back(std::move(out));
    }
  }

  /// An identity column's sequence is implicit; a serial's is created on a
  /// PostgreSQL target (its column default calls nextval) and becomes
  /// AUTO_INCREMENT elsewhere.
  bool ownedByIdentityOrCrossEngine(const model::Schema& s, const std::string& ownedBy) const {
    if (m_target.engine != model::Engine::PostgreSQL || m_source.engine != model::Engine::PostgreSQL) return true;
    const auto dot = ownedBy.find('.');
    const model::Table* t = s.table(ownedBy.substr(0, dot));
    const model::Column* c = t && dot != std::string::npos ? t->column(ownedBy.substr(dot + 1)) : nullptr;
    return c == nullptr || c->identity != model::Identity::None;
  }

  void addSequences(const model::Schema& s) {
    const std::string schema = m_schemaNames.at(s.name);
    for (const auto& q : s.sequences) {
      if (q.ownedBy && ownedByIdentityOrCrossEngine(s, *q.ownedBy)) continue;  // carried by the column
      if (m_target.engine == model::Engine::MySQL) {
        m_objects.push_back({"sequence", s.name, "", q.name,
                             finding("SEQUENCE_UNSUPPORTED", Severity::Unsupported,
                                     "MySQL has no sequences; sequence " + q.name + " is not created",
                                     "Replace it with an AUTO_INCREMENT column or a table-based counter.")});
        continue;
      }
      ddl::SequenceDef def;
      def.schema = schema;
      def.name = name(q.name, "sequence", s.name, "");
      def.dataType = m_target.engine == model::Engine::PostgreSQL ? q.dataType : "";
      def.start = q.start;
      def.increment = q.increment;
      def.minValue = q.minValue;
      def.maxValue = q.maxValue;
      def.cache = q.cache;
      def.cycle = q.cycle;
      if (model::isMySqlFamily(m_target.engine)) {
        // MariaDB sequences stop one short of the bigint range at both ends.
        constexpr std::int64_t kMariaMax = INT64_MAX - 1;
        constexpr std::int64_t kMariaMin = INT64_MIN + 1;
        if (def.maxValue && *def.maxValue > kMariaMax) def.maxValue = kMariaMax;
        if (def.minValue && *def.minValue < kMariaMin) def.minValue = kMariaMin;
      }
      m_model.sequences.push_back(def);
      // A serial's sequence (PostgreSQL → PostgreSQL) belongs to its column again
      // and goes past the largest copied value, like an identity.
      const auto dot = q.ownedBy ? q.ownedBy->find('.') : std::string::npos;
      const auto owner = dot == std::string::npos ? m_tableNames.end() : m_tableNames.find(s.name + "." + q.ownedBy->substr(0, dot));
      if (owner != m_tableNames.end() && q.increment > 0 && m_target.engine == model::Engine::PostgreSQL) {
        const std::string column = typemap::mapIdentifier(q.ownedBy->substr(dot + 1), m_target.engine).name;
        m_model.restarts.push_back(
            {schema, owner->second, column, def.name, q.lastValue ? *q.lastValue + q.increment : q.start, true});
      } else if (q.lastValue) {
        m_model.restarts.push_back({schema, "", "", def.name, *q.lastValue + q.increment});
      }
    }
  }

  void addManualObjects(const model::Schema& s) {
    const std::string product = model::engineDisplayName(m_source.engine);
    const std::string reason = m_sameEngine ? "source text kept for review; schema names in it may differ on the target"
                                            : "written in " + product + "'s dialect";
    for (const auto& v : s.views) {
      const std::string kind = v.materialized ? "materialized view" : "view";
      m_model.manual.push_back({kind, s.name, v.name, reason, "CREATE VIEW " + v.name + " AS\n" + v.definition});
      m_objects.push_back({"view", s.name, "", v.name,
                           finding("VIEW_MANUAL", Severity::Unsupported,
                                   kind + " " + v.name + " is not converted automatically",
                                   "Convert it by hand from the source text in the post-data script.")});
    }
    for (const auto& t : s.tables) {
      if (!m_tableNames.count(s.name + "." + t.name)) continue;
      for (const auto& tr : t.triggers) {
        m_model.manual.push_back({"trigger", s.name, tr.name, reason, tr.definition});
        m_objects.push_back({"trigger", s.name, t.name, tr.name,
                             finding("TRIGGER_MANUAL", Severity::Unsupported,
                                     "trigger " + tr.name + " on " + t.name + " is not converted automatically",
                                     "Convert it by hand; create it after the copy so it does not fire during the load.")});
      }
    }
    for (const auto& r : s.routines) {
      const std::string kind = model::routineKindName(r.kind);
      m_model.manual.push_back({kind, s.name, r.name, reason, r.definition});
      m_objects.push_back({kind, s.name, "", r.name,
                           finding("ROUTINE_MANUAL", Severity::Unsupported,
                                   kind + " " + r.name + "(" + r.arguments + ") is not converted automatically",
                                   "Convert it by hand from the source text in the post-data script.")});
    }
  }

  const model::Catalog& m_source;
  const model::PartitionTree m_partitions;
  const TargetSpec& m_target;
  const plan::Project& m_project;
  const typemap::MappingContext& m_ctx;
  std::vector<ColumnAssessment>& m_columns;
  std::vector<ObjectFinding>& m_objects;
  ddl::TargetModel m_model;
  bool m_sameEngine = false;
  std::map<std::string, std::string> m_schemaNames;
  std::map<std::string, std::string> m_tableNames;
  std::map<std::string, std::set<std::string>> m_usedRelationNames;
  std::map<std::string, PartitionLayout> m_layouts;  ///< partitioned source tables, by "schema.table"
  std::map<std::string, std::set<std::string>> m_usedConstraintNames;  ///< per "schema.table"
  std::map<std::string, std::set<std::string>> m_usedForeignKeyNames;  ///< MySQL targets, per database (lower case)
};

}  // namespace

ddl::TargetModel buildTargetModel(const model::Catalog& source, const TargetSpec& target, const plan::Project& project,
                                  const typemap::MappingContext& ctx, std::vector<ColumnAssessment>& columns,
                                  std::vector<ObjectFinding>& objects, std::vector<SchemaPlacement>& placements) {
  return Builder(source, target, project, ctx, columns, objects).build(placements);
}

}  // namespace ferry::assess::detail
