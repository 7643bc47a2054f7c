#include "ddl/ddl_generator.h"

#include <algorithm>
#include <map>
#include <set>

#include "ddl/quoting.h"

namespace ferry::ddl {

std::string Script::text(Section section) const {
  switch (section) {
    case Section::PreData: return preData;
    case Section::PostData: return postData;
    case Section::All: return preData + "\n" + postData;
  }
  return preData;
}

Script generate(const TargetModel& model, const GenerateOptions& options) {
  return model.engine == model::Engine::PostgreSQL ? detail::generatePostgres(model, options)
                                                   : detail::generateMySql(model, options);
}

std::string columnDefinition(model::Engine engine, const ColumnDef& column) {
  return engine == model::Engine::PostgreSQL ? detail::pgColumnText(column) : detail::mysqlColumnText(column);
}

std::string createTableStatement(model::Engine engine, const TableDef& table, const TargetModel& model) {
  return engine == model::Engine::PostgreSQL ? detail::pgCreateTable(table)
                                             : detail::mysqlCreateTable(table, model.defaultCharset, model.defaultCollation);
}

std::string createIndexStatement(model::Engine engine, const TableDef& table, const IndexDef& index) {
  if (engine == model::Engine::PostgreSQL) return detail::pgIndexStatement(table, index);
  return "ALTER TABLE " + qualified(engine, table.schema, table.name) + " " + detail::mysqlIndexClause(index) + ";";
}

std::string addForeignKeyStatement(model::Engine engine, const TableDef& table, const ForeignKeyDef& fk) {
  return engine == model::Engine::PostgreSQL ? detail::pgForeignKeyStatement(table, fk, true)
                                             : detail::mysqlForeignKeyStatement(table, fk);
}

std::vector<const TableDef*> dependencyOrder(const TargetModel& model) {
  // Kahn's algorithm over "table depends on the tables it references"; the
  // ready set is ordered by name so the output is deterministic. What is left
  // when no table is ready is a cycle (or depends on one): it goes last, by name.
  std::map<std::string, const TableDef*> byKey;
  for (const auto& t : model.tables) byKey[t.schema + "." + t.name] = &t;
  std::map<std::string, std::set<std::string>> dependsOn;
  std::map<std::string, std::set<std::string>> dependents;
  for (const auto& t : model.tables) {
    const std::string key = t.schema + "." + t.name;
    dependsOn[key];
    for (const auto& fk : t.foreignKeys) {
      const std::string ref = fk.refSchema + "." + fk.refTable;
      if (ref == key || !byKey.count(ref)) continue;  // self-references never block
      dependsOn[key].insert(ref);
      dependents[ref].insert(key);
    }
  }
  std::set<std::string> ready;
  for (const auto& [key, deps] : dependsOn) {
    if (deps.empty()) ready.insert(key);
  }
  std::vector<const TableDef*> order;
  std::set<std::string> done;
  while (!ready.empty()) {
    const std::string key = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(byKey[key]);
    done.insert(key);
    for (const auto& d : dependents[key]) {
      auto& deps = dependsOn[d];
      deps.erase(key);
      if (deps.empty() && !done.count(d)) ready.insert(d);
    }
  }
  for (const auto& [key, table] : byKey) {
    if (!done.count(key)) order.push_back(table);
  }
  return order;
}

}  // namespace ferry::ddl
