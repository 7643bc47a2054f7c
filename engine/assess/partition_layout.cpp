// Partitioned source tables on the target: recreated, mapped across engines,
// or flattened with the reason (docs/partitioning.md).

#include "assess/partition_layout.h"

#include <deque>
#include <map>

#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::assess::detail {

namespace {

/// "RANGE COLUMNS (`a`,`b`)" → method "RANGE COLUMNS", expression "`a`,`b`".
std::pair<std::string, std::string> splitKey(const std::string& key) {
  const auto open = key.find(" (");
  if (open == std::string::npos || key.back() != ')') return {key, ""};
  return {key.substr(0, open), key.substr(open + 2, key.size() - open - 3)};
}

/// A MySQL expression that is only a list of column names ("`a`,`b`"), as
/// source names; nullopt when it computes anything.
std::optional<std::vector<std::string>> plainColumns(const std::string& expr) {
  std::vector<std::string> out;
  std::size_t i = 0;
  auto skipSpace = [&] {
    while (i < expr.size() && expr[i] == ' ') ++i;
  };
  skipSpace();
  while (i < expr.size()) {
    if (expr[i] != '`') return std::nullopt;
    std::string name;
    for (++i;; ++i) {
      if (i >= expr.size()) return std::nullopt;
      if (expr[i] == '`') {
        if (i + 1 < expr.size() && expr[i + 1] == '`') {
          name += '`';
          ++i;
          continue;
        }
        ++i;
        break;
      }
      name += expr[i];
    }
    out.push_back(std::move(name));
    skipSpace();
    if (i < expr.size()) {
      if (expr[i] != ',') return std::nullopt;
      ++i;
      skipSpace();
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

PartitionLayout flatten(std::string why) {
  PartitionLayout l;
  l.flattenReason = std::move(why);
  return l;
}

/// PostgreSQL → PostgreSQL: the partition tree as it is, parents first.
PartitionLayout fromPostgres(const model::PartitionTree& tree, const model::Table& table) {
  PartitionLayout l;
  l.partitionBy = table.partitionKey;
  std::deque<const model::Table*> todo{&table};
  while (!todo.empty()) {
    const model::Table* parent = todo.front();
    todo.pop_front();
    const auto& kids = tree.children(parent->schema + "." + parent->name);
    if (parent->partitionCount >= 0 && static_cast<std::int64_t>(kids.size()) != parent->partitionCount) {
      return flatten(std::to_string(parent->partitionCount - static_cast<std::int64_t>(kids.size())) + " of the " +
                     std::to_string(parent->partitionCount) + " partitions of " + parent->schema + "." + parent->name +
                     " are in schemas not selected, so they cannot be recreated (select their schemas too)");
    }
    for (const auto* k : kids) {
      if (k->kind == model::TableKind::Foreign) {
        return flatten("its partition " + k->schema + "." + k->name +
                       " is a foreign table, whose rows live on another server");
      }
      ddl::PartitionDef p;
      p.schema = k->schema;
      p.name = k->name;
      p.parentSchema = parent->schema;
      p.parentName = parent->name;
      p.sourceName = k->schema + "." + k->name;
      p.bound = k->partitionBound.value_or("DEFAULT");
      if (k->kind == model::TableKind::PartitionedTable) {
        p.partitionBy = k->partitionKey;
        todo.push_back(k);
      }
      l.partitions.push_back(std::move(p));
    }
  }
  return l;
}

/// MySQL → MySQL: the same clause, rebuilt from the catalog.
PartitionLayout fromMySqlToMySql(const model::Table& table) {
  const std::string method = splitKey(table.partitionKey.value_or("")).first;
  if (method == "SYSTEM_TIME") {
    return flatten("it is partitioned by SYSTEM_TIME (system versioning), which Ferry does not recreate");
  }
  const bool range = core::startsWith(method, "RANGE");
  const bool list = core::startsWith(method, "LIST");
  std::string clause = "PARTITION BY " + *table.partitionKey;
  if (table.subpartitionKey) clause += "\nSUBPARTITION BY " + *table.subpartitionKey;
  std::vector<std::string> parts;
  for (const auto& p : table.partitionDefs) {
    std::string s = "  PARTITION " + ddl::quoteIdent(model::Engine::MySQL, p.name);
    if (range) s += " VALUES LESS THAN (" + p.description.value_or("MAXVALUE") + ")";
    if (list) s += " VALUES IN (" + p.description.value_or("NULL") + ")";
    if (!p.subpartitions.empty()) {
      std::vector<std::string> subs;
      for (const auto& sp : p.subpartitions) subs.push_back("SUBPARTITION " + ddl::quoteIdent(model::Engine::MySQL, sp));
      s += " (" + core::join(subs, ", ") + ")";
    }
    parts.push_back(std::move(s));
  }
  clause += "\n(\n" + core::join(parts, ",\n") + "\n)";
  PartitionLayout l;
  l.partitionBy = std::move(clause);
  return l;
}

/// MySQL → PostgreSQL: RANGE, LIST, HASH and KEY over plain columns become
/// declarative partitions named table_partition.
PartitionLayout fromMySqlToPostgres(const model::Table& table,
                                    const std::function<std::string(const std::string&)>& targetColumn) {
  const auto [method, expr] = splitKey(table.partitionKey.value_or(""));
  const bool range = method == "RANGE" || method == "RANGE COLUMNS";
  const bool list = method == "LIST" || method == "LIST COLUMNS";
  const bool hash = method == "HASH" || method == "LINEAR HASH" || method == "KEY" || method == "LINEAR KEY";
  if (!range && !list && !hash) {
    return flatten("PostgreSQL has no " + method + " partitioning");
  }
  std::optional<std::vector<std::string>> columns = plainColumns(expr);
  if (!columns && core::endsWith(method, "KEY") && core::trim(expr).empty() && table.primaryKey) {
    columns = table.primaryKey->columns;  // KEY (): the primary key
  }
  if (!columns) {
    return flatten("it is partitioned by the expression " + expr +
                   ", which is MySQL/MariaDB SQL; PostgreSQL would need it rewritten");
  }
  if (list && columns->size() > 1) {
    return flatten("PostgreSQL LIST partitioning takes one column, not " + std::to_string(columns->size()));
  }
  std::vector<std::string> targetCols;
  for (const auto& c : *columns) targetCols.push_back(ddl::quoteIdent(model::Engine::PostgreSQL, targetColumn(c)));
  PartitionLayout l;
  l.partitionBy = std::string(range ? "RANGE" : list ? "LIST" : "HASH") + " (" + core::join(targetCols, ", ") + ")";
  std::vector<std::string> minimum(columns->size(), "MINVALUE");
  std::string lower = core::join(minimum, ", ");
  const auto modulus = std::to_string(table.partitionDefs.size());
  for (std::size_t i = 0; i < table.partitionDefs.size(); ++i) {
    const auto& d = table.partitionDefs[i];
    ddl::PartitionDef p;
    p.schema = table.schema;
    p.name = table.name + "_" + d.name;
    p.parentSchema = table.schema;
    p.parentName = table.name;
    p.sourceName = table.schema + "." + table.name + " partition " + d.name;
    if (range) {
      const std::string upper = d.description.value_or("MAXVALUE");
      p.bound = "FOR VALUES FROM (" + lower + ") TO (" + upper + ")";
      lower = upper;
    } else if (list) {
      p.bound = "FOR VALUES IN (" + d.description.value_or("NULL") + ")";
    } else {
      p.bound = "FOR VALUES WITH (MODULUS " + modulus + ", REMAINDER " + std::to_string(i) + ")";
    }
    l.partitions.push_back(std::move(p));
  }
  l.changes.push_back("each partition becomes a table of its own, named " + table.name + "_<partition>");
  if (hash) {
    l.changes.push_back("rows are spread by PostgreSQL's hash function, not MariaDB's: a row may be in another "
                        "partition number than on the source");
  }
  if (range) {
    bool nullable = false;
    for (const auto& c : *columns) {
      if (const auto* col = table.column(c); col && col->nullable) nullable = true;
    }
    if (nullable) {
      // MariaDB keeps a NULL partitioning value in the first RANGE partition;
      // a PostgreSQL range partition takes no NULL, its DEFAULT partition does.
      ddl::PartitionDef p;
      p.schema = p.parentSchema = table.schema;
      p.parentName = table.name;
      p.name = table.name + "_null";
      p.sourceName = table.schema + "." + table.name + " (rows with a NULL partitioning column)";
      p.bound = "DEFAULT";
      l.partitions.push_back(std::move(p));
      l.changes.push_back("rows whose partitioning column is NULL (MariaDB keeps them in the first partition) go to "
                          "a DEFAULT partition " + table.name + "_null");
    }
  }
  if (table.subpartitionKey) {
    l.changes.push_back("the sub-partitions (" + *table.subpartitionKey + ") are not recreated: each partition is one table");
  }
  return l;
}

}  // namespace

std::optional<std::string> mysqlPartitionClause(const model::Table& table) {
  if (table.kind != model::TableKind::PartitionedTable || !table.partitionKey) return std::nullopt;
  return fromMySqlToMySql(table).partitionBy;
}

PartitionLayout layoutPartitions(const model::Catalog& source, const model::PartitionTree& tree,
                                 const model::Table& table, model::Engine target,
                                 const std::function<std::string(const std::string&)>& targetColumn) {
  const bool mysqlSource = model::isMySqlFamily(source.engine);
  const bool mysqlTarget = model::isMySqlFamily(target);
  if (!mysqlSource && !mysqlTarget) return fromPostgres(tree, table);
  if (mysqlSource && mysqlTarget) return fromMySqlToMySql(table);
  if (mysqlSource) return fromMySqlToPostgres(table, targetColumn);
  return flatten("PostgreSQL partitioning is not mapped to " + std::string(model::engineDisplayName(target)) +
                 " (its partitioning functions, bounds and key rules differ)");
}

}  // namespace ferry::assess::detail
