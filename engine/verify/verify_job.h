#pragma once
/// What the verifier needs to compare one table: how each side reads each
/// column, the converter the copy applied, the canonical class in the target's
/// domain, and the key on both sides. Built from the same assessment and copy
/// jobs as the copy, so verification checks exactly what the copy claimed to do.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "copy/table_job.h"
#include "model/catalog.h"
#include "plan/chunk_planner.h"
#include "verify/canonical.h"

namespace ferry::verify {

struct VerifyJob {
  copy::TableJob copy;                   ///< the source side, read exactly as the copy reads it
  std::vector<ValueClass> classes;       ///< per column of copy.columns
  std::vector<std::string> targetExprs;  ///< per column: how the target reads it
  std::vector<std::string> targetKey;    ///< target names of the key columns
  /// Same engine and every column copied unchanged: both servers can hash a
  /// chunk themselves with the same SQL (docs/verification.md).
  bool serverHashable = false;
  /// Columns whose converter may turn a non-NULL source value into NULL or a
  /// sentinel (zero dates): their statistics are not compared, their converted
  /// values are counted instead.
  std::vector<bool> mayConvertToNull;

  /// Binary columns (bytea, BLOB; not keys) whose bytes the copy writes
  /// unchanged: each server sends md5() of the value to be digested instead of
  /// the value (a 256 MB bytea would arrive as 512 MB of hex, more than once).
  std::vector<bool> digestOnServer;
  std::vector<std::string> sourceDigestExprs;  ///< per column: the source's select for the digest
  std::vector<std::string> targetDigestExprs;  ///< per column: the target's select for the digest

  std::string label() const { return copy.label(); }
  bool keyless() const { return copy.keyColumns.empty(); }
  /// SELECT of the chunk's rows on the target, same column order as the source.
  std::string targetSelect(const std::string& predicate) const;
  /// The SELECTs the digests read (binary columns as md5 of the value); the
  /// values of a row shown or repaired come from copy.selectSql / targetSelect.
  std::string sourceDigestSelect(const std::string& predicate) const;
  std::string targetDigestSelect(const std::string& predicate) const;
  std::string targetTableSql() const;
  std::string sourceTableSql() const;
};

core::Result<std::vector<VerifyJob>> buildVerifyJobs(const model::Catalog& source, const assess::Assessment& a);

/// WHERE condition of a chunk on the source or the target (the target uses its own key names).
std::string sourcePredicate(const VerifyJob& job, const plan::Chunk& chunk);
std::string targetPredicate(const VerifyJob& job, const plan::Chunk& chunk);

/// WHERE condition selecting rows by key values (each a full key, as text in
/// the side's own domain): `("id") IN ((1), (2))`.
std::string keyListPredicate(model::Engine engine, const std::vector<std::string>& keyColumns,
                             const std::vector<bool>& numeric, const std::vector<std::vector<std::string>>& keys);

}  // namespace ferry::verify
