#include "model/catalog.h"

#include <algorithm>

namespace ferry::model {

const char* engineName(Engine e) {
  switch (e) {
    case Engine::PostgreSQL: return "postgresql";
    case Engine::MySQL: return "mysql";
    case Engine::MariaDB: return "mariadb";
  }
  return "postgresql";
}

const char* engineDisplayName(Engine e) {
  switch (e) {
    case Engine::PostgreSQL: return "PostgreSQL";
    case Engine::MySQL: return "MySQL";
    case Engine::MariaDB: return "MariaDB";
  }
  return "PostgreSQL";
}

bool isMySqlFamily(Engine e) { return e == Engine::MySQL || e == Engine::MariaDB; }

bool ServerVersion::atLeast(int maj, int min, int pat) const {
  if (major != maj) return major > maj;
  if (minor != min) return minor > min;
  return patch >= pat;
}

const Column* Table::column(const std::string& n) const {
  auto it = std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == n; });
  return it == columns.end() ? nullptr : &*it;
}

std::optional<std::string> Table::splitColumn() const {
  static const char* kIntegers[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year"};
  static const char* kOrdered[] = {"date", "datetime", "timestamp", "time", "decimal", "numeric", "double",
                                   "float", "real", "double precision", "timestamp without time zone",
                                   "timestamp with time zone"};
  static const char* kStrings[] = {"char", "varchar", "character", "character varying", "text", "binary", "varbinary"};
  auto rank = [](const Column& c) {
    auto in = [&](const auto& list) { return std::find(std::begin(list), std::end(list), c.type.base) != std::end(list); };
    const int family = in(kIntegers) ? 0 : in(kOrdered) ? 1 : in(kStrings) ? 2 : -1;
    return family < 0 || c.type.arrayDims > 0 ? -1 : family * 2 + (c.nullable ? 1 : 0);
  };
  std::optional<std::string> best;
  int bestRank = 1000;
  for (const auto& idx : indexes) {
    const std::string method = idx.method;
    if (idx.keys.empty() || idx.predicate || !idx.visible || method != "btree") continue;
    const IndexKey& k = idx.keys.front();
    if (!k.column || k.prefixLength) continue;
    const Column* c = column(*k.column);
    const int r = c ? rank(*c) : -1;
    if (r >= 0 && r < bestRank) {
      best = *k.column;
      bestRank = r;
    }
  }
  return best;
}

std::optional<std::vector<std::string>> Table::rowIdentity() const {
  if (primaryKey && !primaryKey->columns.empty()) return primaryKey->columns;
  auto allNotNull = [&](const std::vector<std::string>& cols) {
    return !cols.empty() && std::all_of(cols.begin(), cols.end(), [&](const std::string& c) {
      const Column* col = column(c);
      return col != nullptr && !col->nullable;
    });
  };
  for (const auto& u : uniques) {
    if (allNotNull(u.columns)) return u.columns;
  }
  for (const auto& idx : indexes) {
    if (!idx.unique || idx.predicate) continue;
    std::vector<std::string> cols;
    bool plain = true;
    for (const auto& k : idx.keys) {
      if (!k.column || k.prefixLength) {
        plain = false;
        break;
      }
      cols.push_back(*k.column);
    }
    if (plain && allNotNull(cols)) return cols;
  }
  return std::nullopt;
}

const Table* Schema::table(const std::string& n) const {
  auto it = std::find_if(tables.begin(), tables.end(), [&](const Table& t) { return t.name == n; });
  return it == tables.end() ? nullptr : &*it;
}

const Schema* Catalog::schema(const std::string& n) const {
  auto it = std::find_if(schemas.begin(), schemas.end(), [&](const Schema& s) { return s.name == n; });
  return it == schemas.end() ? nullptr : &*it;
}

const Table* Catalog::table(const std::string& s, const std::string& t) const {
  const Schema* sc = schema(s);
  return sc ? sc->table(t) : nullptr;
}

std::size_t Catalog::tableCount() const {
  std::size_t n = 0;
  for (const auto& s : schemas) n += s.tables.size();
  return n;
}

const char* tableKindName(TableKind k) {
  switch (k) {
    case TableKind::Table: return "table";
    case TableKind::PartitionedTable: return "partitioned_table";
    case TableKind::Partition: return "partition";
    case TableKind::Foreign: return "foreign_table";
  }
  return "table";
}

const char* persistenceName(Persistence p) {
  switch (p) {
    case Persistence::Permanent: return "permanent";
    case Persistence::Unlogged: return "unlogged";
    case Persistence::Temporary: return "temporary";
  }
  return "permanent";
}

const char* identityName(Identity i) {
  switch (i) {
    case Identity::None: return "none";
    case Identity::Always: return "always";
    case Identity::ByDefault: return "by_default";
    case Identity::AutoIncrement: return "auto_increment";
  }
  return "none";
}

const char* generatedName(Generated g) {
  switch (g) {
    case Generated::None: return "none";
    case Generated::Virtual: return "virtual";
    case Generated::Stored: return "stored";
  }
  return "none";
}

const char* routineKindName(RoutineKind k) {
  switch (k) {
    case RoutineKind::Function: return "function";
    case RoutineKind::Procedure: return "procedure";
    case RoutineKind::Aggregate: return "aggregate";
    case RoutineKind::Window: return "window";
  }
  return "function";
}

const char* userTypeKindName(UserTypeKind k) {
  switch (k) {
    case UserTypeKind::Enum: return "enum";
    case UserTypeKind::Domain: return "domain";
    case UserTypeKind::Composite: return "composite";
    case UserTypeKind::Range: return "range";
  }
  return "enum";
}

PartitionTree::PartitionTree(const Catalog& catalog) {
  for (const auto& s : catalog.schemas) {
    for (const auto& t : s.tables) {
      m_byName[s.name + "." + t.name] = &t;
      if (t.parentTable) m_children[*t.parentTable].push_back(&t);
    }
  }
}

const std::vector<const Table*>& PartitionTree::children(const std::string& parent) const {
  static const std::vector<const Table*> kNone;
  const auto it = m_children.find(parent);
  return it == m_children.end() ? kNone : it->second;
}

std::string PartitionTree::root(const Table& table) const {
  std::string name = table.schema + "." + table.name;
  const Table* t = &table;
  for (int depth = 0; t->parentTable && depth < 64; ++depth) {
    name = *t->parentTable;
    const auto up = m_byName.find(name);
    if (up == m_byName.end()) break;
    t = up->second;
  }
  return name;
}

std::vector<const Table*> PartitionTree::leaves(const Table& table) const {
  std::vector<const Table*> out;
  std::vector<std::string> parents{table.schema + "." + table.name};
  while (!parents.empty()) {
    const std::string parent = std::move(parents.back());
    parents.pop_back();
    for (const Table* t : children(parent)) {
      if (t->kind == TableKind::PartitionedTable) {
        parents.push_back(t->schema + "." + t->name);
      } else {
        out.push_back(t);
      }
    }
  }
  return out;
}

}  // namespace ferry::model
