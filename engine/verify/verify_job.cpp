#include "verify/verify_job.h"

#include <algorithm>
#include <map>

#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/type_mapper.h"

namespace ferry::verify {

namespace {

bool convertsToNull(typemap::ConversionId id) {
  using C = typemap::ConversionId;
  return id == C::MySqlDate || id == C::MySqlDatetime || id == C::MySqlDatetimeToTimestamptz ||
         id == C::MySqlTimestampToTimestamptz || id == C::MySqlEnumChecked;
}

}  // namespace

std::string VerifyJob::targetTableSql() const { return copy.qualifiedTarget(); }

std::string VerifyJob::sourceTableSql() const {
  return ddl::qualified(copy.sourceEngine, copy.sourceSchema, copy.sourceTable);
}

std::string VerifyJob::targetSelect(const std::string& predicate) const {
  return "SELECT " + core::join(targetExprs, ", ") + " FROM " + targetTableSql() + " WHERE " + predicate;
}

std::string VerifyJob::sourceDigestSelect(const std::string& predicate) const {
  return "SELECT " + core::join(sourceDigestExprs, ", ") + " FROM " + sourceTableSql() + " WHERE " + predicate;
}

std::string VerifyJob::targetDigestSelect(const std::string& predicate) const {
  return "SELECT " + core::join(targetDigestExprs, ", ") + " FROM " + targetTableSql() + " WHERE " + predicate;
}

core::Result<std::vector<VerifyJob>> buildVerifyJobs(const model::Catalog& source, const assess::Assessment& a) {
  auto copyJobs = copy::buildJobs(source, a);
  if (!copyJobs) return std::move(copyJobs).error();
  std::map<std::string, const assess::ColumnAssessment*> byColumn;
  for (const auto& c : a.columns) byColumn[c.schema + "\x1f" + c.table + "\x1f" + c.column] = &c;
  const bool sameEngine = model::isMySqlFamily(source.engine) == model::isMySqlFamily(a.targetEngine);
  const bool mysqlTarget = model::isMySqlFamily(a.targetEngine);
  std::vector<VerifyJob> jobs;
  for (auto& cj : *copyJobs) {
    VerifyJob job;
    job.copy = std::move(cj);
    bool allIdentity = true;
    for (const auto& col : job.copy.columns) {
      const auto it = byColumn.find(job.copy.sourceSchema + "\x1f" + job.copy.sourceTable + "\x1f" + col.sourceName);
      if (it == byColumn.end()) {
        return core::Error(core::ErrorKind::Internal, "no assessment for column " + job.label() + "." + col.sourceName);
      }
      const std::string& targetType = it->second->mapping.targetType;
      ValueClass cls = classify(a.targetEngine, targetType);
      // MariaDB's JSON is LONGTEXT with CHECK json_valid: kept as text on a MySQL
      // target, but still a document — compared as JSON, so key order never counts.
      const model::Table* st = source.table(job.copy.sourceSchema, job.copy.sourceTable);
      const model::Column* sc = st ? st->column(col.sourceName) : nullptr;
      if (cls == ValueClass::Text && sc && typemap::isMariaDbJsonColumn(*st, *sc)) cls = ValueClass::Json;
      job.classes.push_back(cls);
      // The target is read like the copy reads a MySQL source: FLOAT exactly, BIT as bytes.
      const std::string q = ddl::quoteIdent(a.targetEngine, col.targetName);
      std::string expr = q;
      if (mysqlTarget) {
        const std::string u = core::toUpper(targetType);
        if (core::startsWith(u, "FLOAT")) expr = "CAST(" + q + " AS DOUBLE)";
        if (core::startsWith(u, "BIT")) expr = "CAST(" + q + " AS BINARY)";
      }
      job.targetExprs.push_back(expr);
      job.mayConvertToNull.push_back(convertsToNull(col.conversion));
      // md5 of the raw bytes is the same text on both engines (lower-case hex).
      const bool key = std::find(job.copy.keyColumns.begin(), job.copy.keyColumns.end(), col.sourceName) !=
                       job.copy.keyColumns.end();
      const bool sameBytes = col.conversion == typemap::ConversionId::Identity ||
                             col.conversion == typemap::ConversionId::MySqlBytesToBytea ||
                             col.conversion == typemap::ConversionId::PgByteaToBytes;
      const bool onServer = !key && sameBytes && (cls == ValueClass::Bytes || cls == ValueClass::ByteaHex);
      job.digestOnServer.push_back(onServer);
      job.sourceDigestExprs.push_back(onServer ? (model::isMySqlFamily(source.engine) ? "MD5(" : "md5(") + col.selectExpr + ")"
                                               : col.selectExpr);
      job.targetDigestExprs.push_back(onServer ? (mysqlTarget ? "MD5(" : "md5(") + expr + ")" : expr);
      allIdentity &= col.conversion == typemap::ConversionId::Identity;
    }
    for (const int idx : job.copy.keyIndexes) {
      if (idx < 0) {
        return core::Error(core::ErrorKind::Unsupported,
                           "table " + job.label() + ": a key column is not copied (generated on the target)",
                           "Verify compares rows by key; exclude the table with --tables or give it a copied key.");
      }
      job.targetKey.push_back(job.copy.columns[static_cast<size_t>(idx)].targetName);
    }
    job.serverHashable = sameEngine && allIdentity;
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::string sourcePredicate(const VerifyJob& job, const plan::Chunk& chunk) {
  return plan::chunkPredicate(job.copy.sourceEngine, job.copy.keyColumns, job.copy.keyNumeric, chunk);
}

std::string targetPredicate(const VerifyJob& job, const plan::Chunk& chunk) {
  return plan::chunkPredicate(job.copy.targetEngine, job.targetKey, job.copy.keyNumeric, chunk);
}

std::string keyListPredicate(model::Engine engine, const std::vector<std::string>& keyColumns,
                             const std::vector<bool>& numeric, const std::vector<std::vector<std::string>>& keys) {
  if (keys.empty()) return "FALSE";
  std::vector<std::string> cols;
  for (const auto& k : keyColumns) cols.push_back(ddl::quoteIdent(engine, k));
  std::vector<std::string> tuples;
  for (const auto& key : keys) {
    std::vector<std::string> lits;
    for (size_t i = 0; i < key.size(); ++i) {
      lits.push_back(i < numeric.size() && numeric[i] ? key[i] : ddl::quoteLiteral(key[i]));
    }
    tuples.push_back(lits.size() == 1 ? lits.front() : "(" + core::join(lits, ", ") + ")");
  }
  const std::string lhs = cols.size() == 1 ? cols.front() : "(" + core::join(cols, ", ") + ")";
  return lhs + " IN (" + core::join(tuples, ", ") + ")";
}

}  // namespace ferry::verify
