#include "run/data_scan_run.h"

#include <map>
#include <memory>
#include <utility>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"

namespace ferry::run {

namespace {

using assess::ColumnAssessment;
using assess::ScanResult;
using assess::TableScan;

/// JSON documents fetched per page of a client-side scan: the connection buffers
/// a whole result, so the page bounds memory (1000 documents of a few KB) while
/// keeping round trips to one per thousand rows.
constexpr int kJsonPageSize = 1000;

/// MySQL has no LIMIT in GROUP_CONCAT: the examples are capped by this many bytes
/// instead, room for five keys of several KB each.
constexpr int kGroupConcatBytes = 65536;

/// Runs one statement on whichever connection the source has.
class Source {
public:
  static core::Result<Source> open(const connect::ConnectionSpec& spec, const OpenOptions& o) {
    Source s;
    if (spec.engine == model::Engine::PostgreSQL) {
      connect::PgOpenOptions po;
      po.allowPrompt = o.allowPrompt;
      auto c = connect::PgConnection::open(spec, po);
      if (!c) return std::move(c).error();
      s.m_pg = std::move(*c);
    } else {
      connect::MySqlOpenOptions mo;
      mo.allowPrompt = o.allowPrompt;
      auto c = connect::MySqlConnection::open(spec, mo);
      if (!c) return std::move(c).error();
      s.m_my = std::move(*c);
    }
    return s;
  }

  model::Engine engine() const { return m_pg ? model::Engine::PostgreSQL : m_my->flavour(); }
  const model::ServerVersion& version() const { return m_pg ? m_pg->serverVersion() : m_my->serverVersion(); }
  core::Result<connect::QueryResult> query(const std::string& sql) { return m_pg ? m_pg->query(sql) : m_my->query(sql); }
  core::Status exec(const std::string& sql) { return m_pg ? m_pg->exec(sql) : m_my->exec(sql); }

  /// One snapshot for the whole scan, read-only so the scan can never write.
  core::Status begin() {
    if (m_pg) return m_pg->exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    // NO_BACKSLASH_ESCAPES: literals are quoted by doubling quotes only (ddl::quoteLiteral);
    // no NO_ZERO_DATE / strict mode, so zero dates compare instead of raising warnings-as-errors.
    FERRY_TRY(m_my->exec("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'"));
    FERRY_TRY(m_my->exec("SET SESSION group_concat_max_len = " + std::to_string(kGroupConcatBytes)));
    FERRY_TRY(m_my->exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    return m_my->exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  }
  core::Status end() { return exec("COMMIT"); }

private:
  std::unique_ptr<connect::PgConnection> m_pg;
  std::unique_ptr<connect::MySqlConnection> m_my;
};

std::vector<std::string> parseExamples(model::Engine engine, const std::optional<std::string>& cell) {
  std::vector<std::string> out;
  if (!cell || cell->empty()) return out;
  out = engine == model::Engine::PostgreSQL ? connect::parsePgTextArray(*cell)
                                            : core::split(*cell, assess::kMySqlExampleSeparator);
  if (out.size() > static_cast<std::size_t>(assess::kMaxExampleKeys)) out.resize(assess::kMaxExampleKeys);
  return out;
}

/// Streams one JSON column page by page and counts documents with repeated keys.
core::Result<ScanResult> scanJsonColumn(Source& src, const TableScan& scan, const model::Table& table,
                                        const std::string& column) {
  ScanResult r;
  r.sampled = scan.sampled;
  std::vector<std::string> afterKey;
  std::int64_t offset = 0;
  for (;;) {
    const std::string sql = assess::buildJsonPageQuery(scan, table, column, afterKey, offset, kJsonPageSize);
    auto page = src.query(sql);
    if (!page) return std::move(page).error();
    for (const auto row : *page) {
      ++r.rowsScanned;
      const auto doc = row.opt("doc");
      if (!doc || !assess::jsonHasDuplicateKeys(*doc)) continue;
      ++r.affectedRows;
      if (!scan.keyColumns.empty() && r.exampleKeys.size() < static_cast<std::size_t>(assess::kMaxExampleKeys)) {
        r.exampleKeys.push_back(row.str("ferry_key"));
      }
    }
    if (page->size() < static_cast<std::size_t>(kJsonPageSize)) break;
    if (scan.keyColumns.empty()) {
      offset += kJsonPageSize;
      if (scan.sampled && offset >= scan.sampleLimit) break;  // the first sampleLimit rows are the sample
    } else {
      const auto last = page->row(page->size() - 1);
      afterKey.clear();
      for (std::size_t i = 0; i < scan.keyColumns.size(); ++i) afterKey.push_back(last.str("k" + std::to_string(i)));
    }
  }
  return r;
}

core::Status scanTable(Source& src, const assess::ScanContext& ctx, const model::Table& table,
                       const std::vector<ColumnAssessment*>& columns, const assess::ScanOptions& options) {
  std::vector<const ColumnAssessment*> view(columns.begin(), columns.end());
  const auto scan = assess::buildTableScan(ctx, table, view, options);
  if (!scan) return {};
  auto target = [&](const std::string& name) -> ColumnAssessment* {
    for (auto* c : columns) {
      if (c->column == name) return c;
    }
    return nullptr;
  };
  std::int64_t rowsScanned = 0;
  if (!scan->sql.empty()) {
    auto result = src.query(scan->sql);
    if (!result) return std::move(result).error();
    if (result->empty()) return core::Error(core::ErrorKind::Internal, "the scan query returned no row");
    const auto row = result->row(0);
    rowsScanned = row.i64("ferry_rows");
    for (const auto& sc : scan->serverColumns) {
      ScanResult r;
      r.affectedRows = row.i64(sc.countAlias);
      r.exampleKeys = parseExamples(ctx.sourceEngine, row.opt(sc.examplesAlias));
      r.sampled = scan->sampled;
      r.rowsScanned = rowsScanned;
      if (auto* c = target(sc.column)) c->scan = std::move(r);
    }
  }
  for (const auto& cc : scan->clientColumns) {
    auto r = scanJsonColumn(src, *scan, table, cc.column);
    if (!r) return std::move(r).error().context("column " + cc.column);
    auto* c = target(cc.column);
    if (c == nullptr) continue;
    if (c->scan) {  // no code is counted both ways today; if one ever is, report the sum (an upper bound)
      c->scan->affectedRows += r->affectedRows;
      for (auto& k : r->exampleKeys) {
        if (c->scan->exampleKeys.size() < static_cast<std::size_t>(assess::kMaxExampleKeys)) c->scan->exampleKeys.push_back(k);
      }
    } else {
      c->scan = std::move(*r);
    }
  }
  return {};
}

}  // namespace

core::Status scanSourceData(const connect::ConnectionSpec& source, const model::Catalog& catalog,
                            assess::Assessment& assessment, const assess::ScanOptions& scanOptions,
                            const OpenOptions& options) {
  // Lossy columns grouped by table, in catalog order.
  std::map<std::pair<std::string, std::string>, std::vector<ColumnAssessment*>> byTable;
  for (auto& c : assessment.columns) {
    if (c.scannable()) byTable[{c.schema, c.table}].push_back(&c);
  }
  if (byTable.empty()) {
    assessment.scanned = true;
    return {};
  }
  auto src = Source::open(source, options);
  if (!src) return std::move(src).error().context("data scan");
  assess::ScanContext ctx;
  ctx.sourceEngine = src->engine();
  ctx.sourceVersion = src->version();
  ctx.targetEngine = assessment.targetEngine;
  FERRY_TRY(src->begin());
  for (const auto& [key, columns] : byTable) {
    const model::Table* table = catalog.table(key.first, key.second);
    if (table == nullptr) continue;
    auto done = scanTable(*src, ctx, *table, columns, scanOptions);
    if (!done) {
      (void)src->exec("ROLLBACK");  // best effort: the connection closes next anyway
      return std::move(done).error().context("data scan of " + key.first + "." + key.second);
    }
  }
  FERRY_TRY(src->end());
  // A review finding the scan counts (a key that could only exceed the target
  // type by an explicit write) is lossy once rows are found.
  for (auto& c : assessment.columns) {
    if (c.scan && c.scan->affectedRows > 0) c.mapping.severity = typemap::worse(c.mapping.severity, typemap::Severity::Lossy);
  }
  assessment.scanned = true;
  return {};
}

}  // namespace ferry::run
