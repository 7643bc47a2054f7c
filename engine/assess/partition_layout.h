#pragma once
/// How a partitioned source table is laid out on the target (#14 item 8):
/// PostgreSQL → PostgreSQL and MySQL → MySQL recreate the partitions as they
/// are; MySQL/MariaDB RANGE, LIST, HASH and KEY over plain columns become
/// PostgreSQL declarative partitions; anything else is created unpartitioned
/// (flattened) with the reason. Pure: names here are the source's — the target
/// builder makes them target names.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ddl/target_model.h"
#include "model/catalog.h"

namespace ferry::assess::detail {

struct PartitionLayout {
  /// Set when the target table is partitioned: PostgreSQL "RANGE ("c")", MySQL
  /// the whole "PARTITION BY … (…)" clause.
  std::optional<std::string> partitionBy;
  /// PostgreSQL targets, parents before their partitions. `schema`/`name` and
  /// `parentSchema`/`parentName` are still source names (schema: the source
  /// schema of a PostgreSQL partition, the table's for a MySQL partition).
  std::vector<ddl::PartitionDef> partitions;
  std::optional<std::string> flattenReason;  ///< set: created unpartitioned, because…
  std::vector<std::string> changes;          ///< across engines: what differs from the source
};

/// `targetColumn` gives a source column's target name.
PartitionLayout layoutPartitions(const model::Catalog& source, const model::PartitionTree& tree,
                                 const model::Table& table, model::Engine target,
                                 const std::function<std::string(const std::string&)>& targetColumn);

/// The PARTITION BY clause that recreates a MySQL/MariaDB table's partitions
/// (nullopt when it is not partitioned).
std::optional<std::string> mysqlPartitionClause(const model::Table& table);

}  // namespace ferry::assess::detail
