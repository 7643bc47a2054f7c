#include "copy/table_job.h"

#include <algorithm>

#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::copy {

namespace {

bool isIntegerType(const model::DataType& t) {
  static const char* ints[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "serial", "bigserial"};
  return t.arrayDims == 0 && std::find(std::begin(ints), std::end(ints), t.base) != std::end(ints);
}

bool isNumericType(const model::DataType& t) {
  if (t.arrayDims != 0) return false;
  return isIntegerType(t) || t.base == "numeric" || t.base == "decimal" || t.base == "double precision" ||
         t.base == "real" || t.base == "double" || t.base == "float";
}

bool isBinaryTarget(const std::string& targetType) {
  const std::string t = core::toUpper(targetType);
  return core::startsWith(t, "BLOB") || core::startsWith(t, "TINYBLOB") || core::startsWith(t, "MEDIUMBLOB") ||
         core::startsWith(t, "LONGBLOB") || core::startsWith(t, "BINARY") || core::startsWith(t, "VARBINARY") ||
         core::startsWith(t, "BIT") || core::startsWith(t, "POINT") || core::startsWith(t, "LINESTRING") ||
         core::startsWith(t, "POLYGON") || core::startsWith(t, "MULTIPOINT") || core::startsWith(t, "MULTILINESTRING") ||
         core::startsWith(t, "MULTIPOLYGON") || core::startsWith(t, "GEOMETRY");  // spatial: SRID + WKB bytes
}

}  // namespace

std::string TableJob::qualifiedTarget() const { return ddl::qualified(targetEngine, targetSchema, targetTable); }

std::string TableJob::selectSql(const std::string& predicate, const std::string& partitionSchema,
                                const std::string& partitionTable) const {
  std::vector<std::string> exprs;
  for (const auto& c : columns) exprs.push_back(c.selectExpr);
  const std::string from = partitionTable.empty() ? ddl::qualified(sourceEngine, sourceSchema, sourceTable)
                                                  : ddl::qualified(sourceEngine, partitionSchema, partitionTable);
  return "SELECT " + core::join(exprs, ", ") + " FROM " + from + " WHERE " + predicate;
}

core::Result<std::vector<TableJob>> buildJobs(const model::Catalog& source, const assess::Assessment& a) {
  std::vector<TableJob> jobs;
  const bool mysqlSource = model::isMySqlFamily(source.engine);
  const bool pgTarget = a.targetEngine == model::Engine::PostgreSQL;
  for (const auto& c : a.columns) {
    if (jobs.empty() || jobs.back().sourceSchema != c.schema || jobs.back().sourceTable != c.table) {
      TableJob job;
      job.sourceSchema = c.schema;
      job.sourceTable = c.table;
      job.targetSchema = c.targetSchema;
      job.targetTable = c.targetTable;
      job.sourceEngine = source.engine;
      job.targetEngine = a.targetEngine;
      jobs.push_back(std::move(job));
    }
    TableJob& job = jobs.back();
    const model::Table* table = source.table(c.schema, c.table);
    const model::Column* col = table ? table->column(c.column) : nullptr;
    if (!col) return core::Error(core::ErrorKind::Internal, "assessment column " + c.column + " not in the catalog");
    // A generated column the target computes itself is not written.
    if (c.mapping.generated != model::Generated::None && c.mapping.generatedExpr) continue;
    if (c.mapping.conversion == typemap::ConversionId::Unsupported) {
      return core::Error(core::ErrorKind::Unsupported,
                         "column " + job.label() + "." + c.column + " (" + c.sourceType + ") has no automatic mapping",
                         "Override its target type in the project (see `ferry assess`), or exclude the table.");
    }
    ColumnJob cj;
    cj.sourceName = c.column;
    cj.targetName = c.targetColumn;
    cj.conversion = c.mapping.conversion;
    cj.conversionContext = c.mapping.conversionContext;
    cj.targetBinary = !pgTarget && isBinaryTarget(c.mapping.targetType);
    cj.targetBytea = pgTarget && core::toLower(c.mapping.targetType) == "bytea";
    const std::string q = ddl::quoteIdent(source.engine, c.column);
    cj.selectExpr = q;
    if (mysqlSource) {
      // MariaDB's text protocol prints FLOAT with 6 digits and BIT as a number:
      // read them exactly (docs/design-notes.md).
      if (col->type.base == "float") cj.selectExpr = "CAST(" + q + " AS DOUBLE)";
      if (col->type.base == "bit") cj.selectExpr = "CAST(" + q + " AS BINARY)";
    }
    job.columns.push_back(std::move(cj));
  }
  const model::PartitionTree partitions(source);
  for (auto& job : jobs) {
    const model::Table* table = source.table(job.sourceSchema, job.sourceTable);
    job.estimatedRows = std::max<std::int64_t>(table->estimatedRows, 0);
    job.estimatedBytes = table->dataBytes;
    if (table->kind == model::TableKind::PartitionedTable && !mysqlSource) {
      for (const model::Table* leaf : partitions.leaves(*table)) {
        job.partitions.push_back({leaf->schema, leaf->name, std::max<std::int64_t>(leaf->estimatedRows, 0), leaf->dataBytes});
      }
    }
    if (auto key = table->rowIdentity()) {
      job.keyColumns = *key;
      for (const auto& k : *key) {
        const model::Column* kc = table->column(k);
        job.keyNumeric.push_back(kc && isNumericType(kc->type));
        int idx = -1;
        for (size_t i = 0; i < job.columns.size(); ++i) {
          if (job.columns[i].sourceName == k) idx = static_cast<int>(i);
        }
        job.keyIndexes.push_back(idx);
      }
      job.integerKey = key->size() == 1 && table->column(key->front()) && isIntegerType(table->column(key->front())->type);
    } else if (auto split = table->splitColumn()) {
      const model::Column* sc = table->column(*split);
      job.splitColumns = {*split};
      job.splitNumeric = {isNumericType(sc->type)};
      job.splitInteger = isIntegerType(sc->type);
      job.splitNullable = sc->nullable;
    }
    const bool allIdentity = std::all_of(job.columns.begin(), job.columns.end(), [](const ColumnJob& c) {
      return c.conversion == typemap::ConversionId::Identity;
    });
    bool plainTypes = true;  // binary COPY carries type OIDs inside arrays/composites of user types
    for (const auto& c : table->columns) plainTypes &= !c.type.userDefined;
    if (source.engine == model::Engine::PostgreSQL && pgTarget && allIdentity && plainTypes) {
      job.path = DataPath::PgBinary;
    } else {
      job.path = pgTarget ? DataPath::ToPgText : DataPath::ToMySqlRows;
    }
  }
  return jobs;
}

}  // namespace ferry::copy
