// The partition layout decision (#14 item 8), without servers: what each
// engine pair recreates, maps or flattens, and the bounds it writes.

#include <gtest/gtest.h>

#include "assess/partition_layout.h"

namespace ferry {
namespace {

using assess::detail::layoutPartitions;

model::Column column(const std::string& name, bool nullable = false) {
  model::Column c;
  c.name = name;
  c.type.base = "int";
  c.nullable = nullable;
  return c;
}

model::Table mysqlTable(const std::string& key, std::vector<model::MySqlPartition> parts, bool nullable = false) {
  model::Table t;
  t.schema = "shop";
  t.name = "events";
  t.kind = model::TableKind::PartitionedTable;
  t.partitionKey = key;
  t.columns = {column("id"), column("d", nullable)};
  t.primaryKey = model::PrimaryKey{"PRIMARY", {"id", "d"}};
  for (const auto& p : parts) t.partitions.push_back(p.name);
  t.partitionDefs = std::move(parts);
  return t;
}

model::Catalog catalogOf(model::Engine engine, std::vector<model::Table> tables) {
  model::Catalog c;
  c.engine = engine;
  model::Schema s;
  s.name = "shop";
  s.tables = std::move(tables);
  c.schemas.push_back(std::move(s));
  return c;
}

std::string same(const std::string& c) { return c; }

assess::detail::PartitionLayout layout(const model::Catalog& c, const model::Table& t, model::Engine target) {
  return layoutPartitions(c, model::PartitionTree(c), t, target, same);
}

TEST(PartitionLayout, MariaDbRangeColumnsBecomesPostgresRanges) {
  const auto t = mysqlTable("RANGE COLUMNS (`d`)", {{"p2024", "'2025-01-01'", {}}, {"p2025", "'2026-01-01'", {}},
                                                    {"pmax", "MAXVALUE", {}}});
  const auto c = catalogOf(model::Engine::MariaDB, {t});
  const auto l = layout(c, t, model::Engine::PostgreSQL);
  ASSERT_FALSE(l.flattenReason) << *l.flattenReason;
  EXPECT_EQ(l.partitionBy.value_or(""), "RANGE (\"d\")");
  ASSERT_EQ(l.partitions.size(), 3u);
  EXPECT_EQ(l.partitions[0].name, "events_p2024");
  EXPECT_EQ(l.partitions[0].bound, "FOR VALUES FROM (MINVALUE) TO ('2025-01-01')");
  EXPECT_EQ(l.partitions[1].bound, "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
  EXPECT_EQ(l.partitions[2].bound, "FOR VALUES FROM ('2026-01-01') TO (MAXVALUE)");
  EXPECT_EQ(l.partitions[2].parentName, "events");
  ASSERT_EQ(l.changes.size(), 1u);  // the names
}

TEST(PartitionLayout, MariaDbNullsInARangeGoToADefaultPartition) {
  const auto t = mysqlTable("RANGE (`d`)", {{"low", "3", {}}, {"high", "10", {}}}, true);
  const auto c = catalogOf(model::Engine::MariaDB, {t});
  const auto l = layout(c, t, model::Engine::PostgreSQL);
  ASSERT_EQ(l.partitions.size(), 3u);
  EXPECT_EQ(l.partitions[2].name, "events_null");
  EXPECT_EQ(l.partitions[2].bound, "DEFAULT");
  EXPECT_EQ(l.changes.size(), 2u);
}

TEST(PartitionLayout, MariaDbListHashAndKey) {
  {
    const auto t = mysqlTable("LIST (`d`)", {{"a", "1,2", {}}, {"b", "NULL,3", {}}});
    const auto c = catalogOf(model::Engine::MariaDB, {t});
    const auto l = layout(c, t, model::Engine::PostgreSQL);
    EXPECT_EQ(l.partitionBy.value_or(""), "LIST (\"d\")");
    ASSERT_EQ(l.partitions.size(), 2u);
    EXPECT_EQ(l.partitions[1].bound, "FOR VALUES IN (NULL,3)");
  }
  {
    const auto t = mysqlTable("KEY ()", {{"p0", std::nullopt, {}}, {"p1", std::nullopt, {}}, {"p2", std::nullopt, {}}});
    const auto c = catalogOf(model::Engine::MariaDB, {t});
    const auto l = layout(c, t, model::Engine::PostgreSQL);
    EXPECT_EQ(l.partitionBy.value_or(""), "HASH (\"id\", \"d\")") << "KEY () is by the primary key";
    ASSERT_EQ(l.partitions.size(), 3u);
    EXPECT_EQ(l.partitions[2].bound, "FOR VALUES WITH (MODULUS 3, REMAINDER 2)");
  }
  {
    const auto t = mysqlTable("LIST COLUMNS (`id`,`d`)", {{"a", "(1,2)", {}}});
    const auto c = catalogOf(model::Engine::MariaDB, {t});
    EXPECT_TRUE(layout(c, t, model::Engine::PostgreSQL).flattenReason);
  }
}

TEST(PartitionLayout, MariaDbExpressionsAreFlattenedAndKeptOnMariaDb) {
  auto t = mysqlTable("RANGE (year(`d`))", {{"y2025", "2026", {"y2025sp0", "y2025sp1"}}, {"ymax", "MAXVALUE", {"ymaxsp0", "ymaxsp1"}}});
  t.subpartitionKey = "HASH (to_days(`d`))";
  const auto c = catalogOf(model::Engine::MariaDB, {t});
  const auto toPg = layout(c, t, model::Engine::PostgreSQL);
  ASSERT_TRUE(toPg.flattenReason);
  EXPECT_NE(toPg.flattenReason->find("year(`d`)"), std::string::npos) << *toPg.flattenReason;
  EXPECT_FALSE(toPg.partitionBy);

  const auto toMy = layout(c, t, model::Engine::MariaDB);
  EXPECT_EQ(toMy.partitionBy.value_or(""),
            "PARTITION BY RANGE (year(`d`))\nSUBPARTITION BY HASH (to_days(`d`))\n(\n"
            "  PARTITION `y2025` VALUES LESS THAN (2026) (SUBPARTITION `y2025sp0`, SUBPARTITION `y2025sp1`),\n"
            "  PARTITION `ymax` VALUES LESS THAN (MAXVALUE) (SUBPARTITION `ymaxsp0`, SUBPARTITION `ymaxsp1`)\n)");
  t.partitionKey = "SYSTEM_TIME";
  EXPECT_TRUE(layout(c, t, model::Engine::MariaDB).flattenReason);
}

model::Table pgTable(const std::string& name, model::TableKind kind, std::optional<std::string> parent,
                     std::optional<std::string> bound, std::optional<std::string> key, std::int64_t count = -1) {
  model::Table t;
  t.schema = "shop";
  t.name = name;
  t.kind = kind;
  t.parentTable = std::move(parent);
  t.partitionBound = std::move(bound);
  t.partitionKey = std::move(key);
  t.partitionCount = count;
  return t;
}

TEST(PartitionLayout, PostgresTreeParentsFirstOrFlattenedWithTheReason) {
  using K = model::TableKind;
  const auto root = pgTable("sales", K::PartitionedTable, std::nullopt, std::nullopt, "RANGE (d)", 2);
  auto c = catalogOf(model::Engine::PostgreSQL,
                     {root, pgTable("sales_2025_web", K::Partition, "shop.sales_2025", "FOR VALUES IN ('web')", std::nullopt),
                      pgTable("sales_2025", K::PartitionedTable, "shop.sales", "FOR VALUES FROM ('2025-01-01') TO "
                              "('2026-01-01')", "LIST (channel)", 1),
                      pgTable("sales_rest", K::Partition, "shop.sales", "DEFAULT", std::nullopt)});
  const auto l = layout(c, root, model::Engine::PostgreSQL);
  ASSERT_FALSE(l.flattenReason) << *l.flattenReason;
  EXPECT_EQ(l.partitionBy.value_or(""), "RANGE (d)");
  ASSERT_EQ(l.partitions.size(), 3u);
  EXPECT_EQ(l.partitions[0].name, "sales_2025");
  EXPECT_EQ(l.partitions[0].partitionBy.value_or(""), "LIST (channel)");
  EXPECT_EQ(l.partitions[1].name, "sales_rest");
  EXPECT_EQ(l.partitions[2].name, "sales_2025_web") << "after its parent";
  EXPECT_EQ(l.partitions[2].parentName, "sales_2025");
  EXPECT_EQ(model::PartitionTree(c).root(c.schemas[0].tables[1]), "shop.sales");

  EXPECT_TRUE(layout(c, root, model::Engine::MariaDB).flattenReason) << "PostgreSQL → MariaDB is flattened";

  c.schemas[0].tables[3].kind = K::Foreign;
  auto foreign = layout(c, root, model::Engine::PostgreSQL);
  ASSERT_TRUE(foreign.flattenReason);
  EXPECT_NE(foreign.flattenReason->find("foreign table"), std::string::npos);

  c.schemas[0].tables.pop_back();  // a partition in a schema that was not read
  auto missing = layout(c, root, model::Engine::PostgreSQL);
  ASSERT_TRUE(missing.flattenReason);
  EXPECT_NE(missing.flattenReason->find("1 of the 2 partitions"), std::string::npos) << *missing.flattenReason;
}

}  // namespace
}  // namespace ferry
