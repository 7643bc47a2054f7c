#include "verify/repair.h"

#include "copy/copy_text.h"
#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/value_converter.h"

namespace ferry::verify {

namespace {

constexpr size_t kKeysPerBatch = 500;
constexpr size_t kRowsPerInsert = 500;

core::Status exec(const SideConnection& side, const std::string& sql) {
  return side.pg ? side.pg->exec(sql) : side.my->exec(sql);
}

core::Result<std::int64_t> affected(const SideConnection& side, const std::string& sql) {
  if (side.pg) {
    auto r = side.pg->query("WITH ferry_d AS (" + sql + " RETURNING 1) SELECT count(*) FROM ferry_d");
    if (!r) return std::move(r).error();
    return r->empty() ? 0 : std::stoll(r->at(0, 0).value_or("0"));
  }
  FERRY_TRY(side.my->exec(sql));
  auto r = side.my->query("SELECT ROW_COUNT()");
  if (!r) return std::move(r).error();
  return r->empty() ? 0 : std::stoll(r->at(0, 0).value_or("0"));
}

std::string insertHead(const VerifyJob& job) {
  std::vector<std::string> cols;
  for (const auto& c : job.copy.columns) cols.push_back(ddl::quoteIdent(job.copy.targetEngine, c.targetName));
  std::string head = "INSERT INTO " + job.targetTableSql() + " (" + core::join(cols, ", ") + ")";
  if (job.copy.targetEngine == model::Engine::PostgreSQL) head += " OVERRIDING SYSTEM VALUE";
  return head + " VALUES ";
}

/// Streams the source rows of `predicate` and inserts them on the target (in
/// the target's open transaction).
core::Status copyRows(const VerifyJob& job, const std::string& predicate, CompareContext& ctx, RepairCounts& counts) {
  const bool pg = job.copy.targetEngine == model::Engine::PostgreSQL;
  const std::string head = insertHead(job);
  std::string values;
  size_t pending = 0;
  auto flush = [&]() -> core::Status {
    if (!pending) return {};
    FERRY_TRY(exec(ctx.target, head + values));
    counts.inserted += static_cast<std::int64_t>(pending);
    values.clear();
    pending = 0;
    return {};
  };
  std::string row;
  FERRY_TRY(streamRows(ctx.source, job.copy.selectSql(predicate), [&](const TextValues& in) -> core::Status {
    row = "(";
    for (size_t i = 0; i < in.size() && i < job.copy.columns.size(); ++i) {
      const auto& col = job.copy.columns[i];
      std::optional<std::string> v = in[i] ? std::optional<std::string>(std::string(*in[i])) : std::nullopt;
      if (col.conversion != typemap::ConversionId::Identity) {
        auto c = typemap::convertValue(col.conversion, in[i], col.conversionContext);
        if (!c) {
          ++counts.rejected;  // the copy rejected it too; the row stays absent
          return {};
        }
        v = std::move(*c);
      }
      if (i) row += ", ";
      if (pg) {
        row += v ? ddl::quoteLiteral(*v) : "NULL";
      } else {
        copy::appendMySqlLiteral(row, v ? std::optional<std::string_view>(*v) : std::nullopt, col.targetBinary);
      }
    }
    row += ')';
    if (pending) values += ", ";
    values += row;
    if (++pending >= kRowsPerInsert) return flush();
    return {};
  }));
  return flush();
}

core::Status begin(const SideConnection& t) { return exec(t, t.pg ? "BEGIN" : "START TRANSACTION"); }
core::Status commit(const SideConnection& t) { return exec(t, "COMMIT"); }
void rollback(const SideConnection& t) { (void)exec(t, "ROLLBACK"); }

template <typename F>
core::Status inTransaction(const SideConnection& t, F&& body) {
  FERRY_TRY(begin(t));
  if (auto s = body(); !s) {
    rollback(t);
    return s;
  }
  return commit(t);
}

}  // namespace

core::Status prepareRepairSession(const SideConnection& target) {
  if (target.pg) {
    // Skips FK triggers while a referenced row is deleted and inserted again;
    // needs superuser or (PostgreSQL 15+) the parameter granted. Without it the
    // repair still works when no FK points at a repaired row.
    (void)target.pg->exec("SET session_replication_role = replica");
    return {};
  }
  return target.my->exec(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', "
      "foreign_key_checks = 0");
}

core::Result<RepairCounts> repairRows(const VerifyJob& job, const std::vector<Difference>& diffs, CompareContext& ctx) {
  RepairCounts counts;
  std::vector<std::vector<std::string>> deleteKeys, copyKeys;
  for (const auto& d : diffs) {
    if (d.kind != DiffKind::Missing && !d.targetKey.empty()) deleteKeys.push_back(d.targetKey);
    if (d.kind != DiffKind::Extra && !d.sourceKey.empty()) copyKeys.push_back(d.sourceKey);
    // A changed row known only by its source key is deleted by that key.
    if (d.kind == DiffKind::Changed && d.targetKey.empty()) deleteKeys.push_back(d.sourceKey);
  }
  const size_t batches = std::max((deleteKeys.size() + kKeysPerBatch - 1) / kKeysPerBatch,
                                  (copyKeys.size() + kKeysPerBatch - 1) / kKeysPerBatch);
  for (size_t b = 0; b < batches; ++b) {
    auto slice = [&](const std::vector<std::vector<std::string>>& all) {
      const size_t from = std::min(all.size(), b * kKeysPerBatch);
      const size_t to = std::min(all.size(), from + kKeysPerBatch);
      return std::vector<std::vector<std::string>>(all.begin() + static_cast<std::ptrdiff_t>(from),
                                                   all.begin() + static_cast<std::ptrdiff_t>(to));
    };
    const auto del = slice(deleteKeys);
    const auto cp = slice(copyKeys);
    auto batch = inTransaction(ctx.target, [&]() -> core::Status {
      if (!del.empty()) {
        auto n = affected(ctx.target, "DELETE FROM " + job.targetTableSql() + " WHERE " +
                                          keyListPredicate(job.copy.targetEngine, job.targetKey, job.copy.keyNumeric, del));
        if (!n) return std::move(n).error();
        counts.deleted += *n;
      }
      if (!cp.empty()) {
        FERRY_TRY(copyRows(job, keyListPredicate(job.copy.sourceEngine, job.copy.keyColumns, job.copy.keyNumeric, cp),
                           ctx, counts));
      }
      return {};
    });
    if (!batch) return std::move(batch).error();
  }
  return counts;
}

core::Result<RepairCounts> repairChunk(const VerifyJob& job, const plan::Chunk& chunk, CompareContext& ctx) {
  RepairCounts counts;
  FERRY_TRY(inTransaction(ctx.target, [&]() -> core::Status {
    auto n = affected(ctx.target, "DELETE FROM " + job.targetTableSql() + " WHERE " + targetPredicate(job, chunk));
    if (!n) return std::move(n).error();
    counts.deleted += *n;
    return copyRows(job, sourcePredicate(job, chunk), ctx, counts);
  }));
  return counts;
}

core::Result<RepairCounts> repairWholeTable(const VerifyJob& job, CompareContext& ctx) {
  RepairCounts counts;
  FERRY_TRY(inTransaction(ctx.target, [&]() -> core::Status {
    auto n = affected(ctx.target, "DELETE FROM " + job.targetTableSql() + " WHERE 1=1");
    if (!n) return std::move(n).error();
    counts.deleted += *n;
    return copyRows(job, "1=1", ctx, counts);
  }));
  return counts;
}

}  // namespace ferry::verify
