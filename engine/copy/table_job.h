#pragma once
/// What a worker needs to copy any chunk of one table: the columns to read and
/// how (select expressions), their converters, the target columns, the key, and
/// which data path the engine pair takes. Built once per run from the source
/// catalog and the assessment, so workers decide nothing per row.

#include <cstdint>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "model/catalog.h"
#include "typemap/conversion.h"

namespace ferry::copy {

enum class DataPath {
  PgBinary,     ///< PostgreSQL → PostgreSQL, every column identical: binary COPY bytes passed through
  ToPgText,     ///< any source → PostgreSQL: text values converted, written as COPY text
  ToMySqlRows,  ///< any source → MySQL/MariaDB: text values converted, multi-row INSERT
};

struct ColumnJob {
  std::string sourceName;
  std::string selectExpr;  ///< how the source reads it (MySQL FLOAT as DOUBLE, BIT as bytes)
  std::string targetName;
  typemap::ConversionId conversion = typemap::ConversionId::Identity;
  typemap::ConversionContext conversionContext;
  bool targetBinary = false;  ///< MySQL target BLOB/BINARY: written as a hex literal
  bool targetBytea = false;   ///< PostgreSQL target bytea: the stream may send its bytes as a binary parameter
};

/// A leaf partition of a PostgreSQL partitioned source table.
struct SourcePartition {
  std::string schema;
  std::string table;
  std::int64_t estimatedRows = 0;
  std::int64_t estimatedBytes = 0;
};

struct TableJob {
  std::string sourceSchema;
  std::string sourceTable;
  std::string targetSchema;
  std::string targetTable;
  std::vector<ColumnJob> columns;
  std::vector<std::string> keyColumns;  ///< source names; empty: no usable key
  std::vector<bool> keyNumeric;         ///< compare as numbers (unquoted) or text
  std::vector<int> keyIndexes;          ///< positions of the key columns in `columns`
  bool integerKey = false;              ///< single integer key: min/max range chunks
  /// No key: the indexed column its chunks are cut by (model::Table::splitColumn),
  /// empty when there is none (one stream); the rows whose value is NULL are a
  /// chunk of their own when it is nullable.
  std::vector<std::string> splitColumns;
  std::vector<bool> splitNumeric;
  bool splitInteger = false;
  bool splitNullable = false;
  DataPath path = DataPath::ToPgText;
  std::int64_t estimatedRows = 0;
  std::int64_t estimatedBytes = 0;
  model::Engine sourceEngine = model::Engine::PostgreSQL;
  model::Engine targetEngine = model::Engine::PostgreSQL;
  /// PostgreSQL partitioned source: its leaf partitions, copied one by one
  /// (each has its own heap and its own key ranges); the target routes the rows.
  std::vector<SourcePartition> partitions;

  std::string label() const { return sourceSchema + "." + sourceTable; }
  /// The columns chunk ranges are over: the key, or else the split column.
  const std::vector<std::string>& chunkColumns() const { return keyColumns.empty() ? splitColumns : keyColumns; }
  const std::vector<bool>& chunkNumeric() const { return keyColumns.empty() ? splitNumeric : keyNumeric; }
  /// The target table as the DDL names it ("schema"."table" / `db`.`table`):
  /// the key the pre- and post-data statements are attributed by.
  std::string qualifiedTarget() const;
  /// SELECT of the chunk's rows on the source (column order = `columns`), from
  /// `partitionSchema.partitionTable` when given (a partition of this table).
  std::string selectSql(const std::string& predicate, const std::string& partitionSchema = {},
                        const std::string& partitionTable = {}) const;
};

/// One job per table the assessment migrates. Generated columns that the target
/// computes itself are not copied; columns whose mapping is unsupported make the
/// table fail up front (nothing is silently dropped).
core::Result<std::vector<TableJob>> buildJobs(const model::Catalog& source, const assess::Assessment& assessment);

}  // namespace ferry::copy
