// MySQL/MariaDB DDL rendering of a TargetModel.

#include <sstream>

#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "ddl/quoting.h"

namespace ferry::ddl::detail {

namespace {

constexpr model::Engine kMy = model::Engine::MySQL;

std::string q(std::string_view ident) { return quoteIdent(kMy, ident); }
std::string qq(std::string_view schema, std::string_view name) { return qualified(kMy, schema, name); }

std::string columnText(const ColumnDef& c) {
  std::string s = q(c.name) + " " + c.type;
  if (c.collation) s += " COLLATE " + *c.collation;
  if (c.generatedExpr) {
    s += " AS (" + *c.generatedExpr + ")" + (c.generatedStored ? " STORED" : " VIRTUAL");
    return s;  // generated columns take neither NOT NULL nor DEFAULT on MariaDB
  }
  s += c.nullable ? " NULL" : " NOT NULL";
  if (c.defaultExpr) s += " DEFAULT " + *c.defaultExpr;
  if (c.onUpdate) s += " ON UPDATE " + *c.onUpdate;
  if (c.identity != IdentityDef::None) s += " AUTO_INCREMENT";
  if (c.comment) s += " COMMENT " + quoteLiteral(*c.comment);
  return s;
}

std::string indexKeyText(const IndexKeyDef& k) {
  std::string s = k.expression ? "(" + *k.expression + ")" : q(k.column);
  if (k.prefixLength) s += "(" + std::to_string(*k.prefixLength) + ")";
  if (k.descending) s += " DESC";
  return s;
}

}  // namespace

std::string mysqlColumnText(const ColumnDef& c) { return columnText(c); }

std::string mysqlCreateTable(const TableDef& t, const std::string& charset, const std::string& collation) {
  std::ostringstream pre;
  pre << "\n-- " << t.sourceName << "\n";
  for (const auto& n : t.notes) pre << commentBlock(n);
  pre << "CREATE TABLE " << qq(t.schema, t.name) << " (\n";
  std::vector<std::string> lines;
  for (const auto& c : t.columns) {
    std::string line;
    for (const auto& n : c.notes) line += commentBlock(n, "  ");
    lines.push_back(line + "  " + columnText(c));
  }
  if (t.primaryKey) {
    lines.push_back("  CONSTRAINT " + q(t.primaryKey->name) + " PRIMARY KEY (" + columnList(kMy, t.primaryKey->columns) + ")");
  }
  pre << core::join(lines, ",\n") << "\n) ENGINE=InnoDB DEFAULT CHARSET=" << charset;
  if (!collation.empty()) pre << " COLLATE=" << collation;
  if (t.comment) pre << " COMMENT=" << quoteLiteral(*t.comment);
  if (t.partitionBy) pre << "\n" << *t.partitionBy;
  pre << ";\n";
  return pre.str();
}

std::string mysqlIndexClause(const IndexDef& i) {
  std::vector<std::string> keys;
  for (const auto& k : i.keys) keys.push_back(indexKeyText(k));
  std::string kind = i.unique ? "UNIQUE INDEX " : "INDEX ";
  if (i.method == "FULLTEXT" || i.method == "SPATIAL") kind = i.method + " INDEX ";
  return "ADD " + kind + q(i.name) + " (" + core::join(keys, ", ") + ")";
}

std::string mysqlForeignKeyStatement(const TableDef& t, const ForeignKeyDef& f) {
  std::string s = "ALTER TABLE " + qq(t.schema, t.name) + " ADD CONSTRAINT " + q(f.name) + " FOREIGN KEY (" +
                  columnList(kMy, f.columns) + ") REFERENCES " + qq(f.refSchema, f.refTable) + " (" +
                  columnList(kMy, f.refColumns) + ")";
  if (f.onDelete != "NO ACTION") s += " ON DELETE " + f.onDelete;
  if (f.onUpdate != "NO ACTION") s += " ON UPDATE " + f.onUpdate;
  return s + ";";
}

Script generateMySql(const TargetModel& m, const GenerateOptions& options) {
  const std::string product = model::engineDisplayName(m.engine);
  std::ostringstream pre;
  pre << "-- Ferry pre-data script for " << product;
  if (!options.sourceLabel.empty()) pre << " (source: " << options.sourceLabel << ")";
  pre << "\n-- Run before the data copy: databases and tables with their primary keys\n"
         "-- (InnoDB clusters rows by the primary key, so it is created with the table).\n";
  for (const auto& n : m.notes) pre << commentBlock(n);
  pre << "SET NAMES utf8mb4;\nSET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n\n";
  for (const auto& s : m.schemas) {
    pre << "CREATE DATABASE IF NOT EXISTS " << q(s) << " CHARACTER SET " << m.defaultCharset;
    if (!m.defaultCollation.empty()) pre << " COLLATE " << m.defaultCollation;
    pre << ";\n";
  }
  for (const auto& s : m.sequences) {
    pre << "CREATE SEQUENCE " << qq(s.schema, s.name) << " START WITH " << s.start << " INCREMENT BY " << s.increment;
    if (s.minValue) pre << " MINVALUE " << *s.minValue;
    if (s.maxValue) pre << " MAXVALUE " << *s.maxValue;
    pre << " CACHE " << s.cache << (s.cycle ? " CYCLE" : " NOCYCLE") << ";\n";
  }
  const auto order = dependencyOrder(m);
  for (const auto* t : order) pre << mysqlCreateTable(*t, m.defaultCharset, m.defaultCollation);

  std::ostringstream post;
  post << "-- Ferry post-data script for " << product;
  if (!options.sourceLabel.empty()) post << " (source: " << options.sourceLabel << ")";
  post << "\n-- Run after the data copy: unique keys and indexes (one ALTER per table, so each\n"
          "-- table is rebuilt once), checks, foreign keys, AUTO_INCREMENT values.\n";
  post << "SET NAMES utf8mb4;\nSET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n";
  for (const auto* t : order) {
    std::vector<std::string> clauses;
    std::ostringstream manual;
    for (const auto& u : t->uniques) {
      clauses.push_back("ADD CONSTRAINT " + q(u.name) + " UNIQUE (" + columnList(kMy, u.columns) + ")");
    }
    for (const auto& i : t->indexes) {
      if (i.manualReason) {
        manual << "-- needs manual conversion: index " << i.name << " on " << t->sourceName << ": " << *i.manualReason
               << "\n"
               << commentBlock(i.sourceDefinition);
        continue;
      }
      clauses.push_back(mysqlIndexClause(i));
    }
    for (const auto& c : t->checks) {
      if (c.manualReason) {
        manual << "-- needs manual conversion: check " << c.name << " on " << t->sourceName << ": " << *c.manualReason
               << "\n"
               << commentBlock(c.expression);
        continue;
      }
      clauses.push_back("ADD CONSTRAINT " + q(c.name) + " CHECK (" + c.expression + ")");
    }
    if (clauses.empty() && manual.str().empty()) continue;
    post << "\n-- " << t->sourceName << "\n";
    if (!clauses.empty()) {
      post << "ALTER TABLE " << qq(t->schema, t->name) << "\n  " << core::join(clauses, ",\n  ") << ";\n";
    }
    post << manual.str();
  }
  bool fkHeader = false;
  for (const auto* t : order) {
    for (const auto& f : t->foreignKeys) {
      if (!fkHeader) {
        post << "\n-- Foreign keys, referenced tables first.\n";
        fkHeader = true;
      }
      post << mysqlForeignKeyStatement(*t, f) << "\n";
    }
  }
  if (!m.restarts.empty()) post << "\n-- AUTO_INCREMENT and sequences continue after the copied values.\n";
  for (const auto& r : m.restarts) {
    if (!r.sequence.empty()) {
      post << "ALTER SEQUENCE " << qq(r.schema, r.sequence) << " RESTART WITH " << r.nextValue << ";\n";
    } else {
      post << "ALTER TABLE " << qq(r.schema, r.table) << " AUTO_INCREMENT = " << r.nextValue << ";\n";
    }
  }
  for (const auto& b : m.manual) {
    post << "\n-- needs manual conversion: " << b.kind << " " << b.schema << "." << b.name << " — " << b.reason << "\n"
         << commentBlock(b.sourceText);
  }
  return {pre.str(), post.str()};
}

}  // namespace ferry::ddl::detail
