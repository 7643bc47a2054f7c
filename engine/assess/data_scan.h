#pragma once
/// The data scan's SQL: for each table with lossy columns, one aggregate query on
/// the source that counts, per column, the rows a lossy finding really affects and
/// returns up to five example keys. It turns "may lose data" into "37 rows, e.g.
/// id=17" or "0 rows". Pure: this file builds text only; run/ executes it inside one
/// read-only snapshot and fills ColumnAssessment::scan.
///
/// What each finding code counts is listed in docs/assessment.md ("Data scan").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assess/assessment.h"
#include "model/catalog.h"

namespace ferry::assess {

/// Above this many estimated rows a table is scanned through a deterministic sample
/// of about this many rows. One million rows is one sequential pass of seconds, not
/// minutes, per table (an estimate, not a benchmark), which keeps a scan of a large
/// catalog usable interactively; it also bounds the example arrays a PostgreSQL scan
/// collects before slicing them (at most one key per scanned row).
inline constexpr std::int64_t kDefaultSampleThreshold = 1'000'000;

/// Example keys reported per column (ScanResult::exampleKeys).
inline constexpr int kMaxExampleKeys = 5;

struct ScanOptions {
  /// Tables whose estimated row count exceeds this are sampled (see kDefaultSampleThreshold).
  std::int64_t sampleThreshold = kDefaultSampleThreshold;
};

/// Where a finding code is counted.
enum class ScanMethod {
  Server,  ///< a predicate in the table's aggregate query
  Client,  ///< values are streamed and checked by Ferry (JSON duplicate keys on MySQL/MariaDB)
  None,    ///< not a code the data scan counts
};

/// How the scan counts `code` on a source of `sourceEngine`.
ScanMethod scanMethod(model::Engine sourceEngine, std::string_view code);
/// Whether the data scan counts the rows a finding affects: every lossy finding,
/// and review findings that become lossy when rows are found.
bool countedByScan(const typemap::Finding& finding);

/// The source and target a scan is built for.
struct ScanContext {
  model::Engine sourceEngine = model::Engine::MySQL;
  model::ServerVersion sourceVersion;
  model::Engine targetEngine = model::Engine::PostgreSQL;
};

/// A SQL boolean expression over the source column `column` that is true for the
/// rows `code` affects; nullopt when the code is not counted server-side.
std::optional<std::string> lossPredicate(const ScanContext& ctx, const model::Column& column,
                                         const ColumnAssessment& assessed, std::string_view code);

/// One column counted by a table scan.
struct ScanColumn {
  std::string column;              ///< source column name
  std::vector<std::string> codes;  ///< the lossy codes counted (their rows are OR-ed)
  std::string countAlias;          ///< server-side: result column with the count ("n0")
  std::string examplesAlias;       ///< server-side: result column with the examples ("ex0")
};

/// Everything run/ needs to scan one table.
struct TableScan {
  std::string schema;
  std::string table;
  /// The aggregate query (empty when every scanned column is client-side). Result
  /// columns: ferry_rows (rows scanned), then countAlias / examplesAlias per server
  /// column. PostgreSQL examples are a text[]; MySQL examples are joined by
  /// kMySqlExampleSeparator.
  std::string sql;
  std::vector<ScanColumn> serverColumns;
  std::vector<ScanColumn> clientColumns;  ///< JSON documents Ferry checks itself
  std::vector<std::string> keyColumns;    ///< Table::rowIdentity(); empty: no key, no examples
  bool sampled = false;
  /// PostgreSQL: TABLESAMPLE percentage; MySQL: 1 in `sampleModulus` keys (or the
  /// first `sampleLimit` rows of a table without a key).
  double samplePercent = 100.0;
  std::int64_t sampleModulus = 1;
  std::int64_t sampleLimit = 0;
};

/// MySQL/MariaDB: separator of the example keys in GROUP_CONCAT (ASCII record separator,
/// which no key rendering contains).
inline constexpr char kMySqlExampleSeparator = '\x1e';

/// The scan of one table: every column of `columns` (assessments of this table)
/// that has a counted lossy code. nullopt when nothing in the table is scanned.
std::optional<TableScan> buildTableScan(const ScanContext& ctx, const model::Table& table,
                                        const std::vector<const ColumnAssessment*>& columns,
                                        const ScanOptions& options = {});

/// Client-side scans, MySQL/MariaDB: one page of `column`'s documents in key order.
/// `afterKey` holds the previous page's last key (as returned in columns k0…kN;
/// empty for the first page). Result columns: ferry_key (the rendered example key),
/// k0…kN (the raw key, binary keys in hex), doc. A table without a key is paged
/// with OFFSET `offset` instead.
std::string buildJsonPageQuery(const TableScan& scan, const model::Table& table, const std::string& column,
                               const std::vector<std::string>& afterKey, std::int64_t offset, int pageSize);

/// True when a JSON document repeats a key in one object (at any depth), or is not
/// valid JSON (jsonb would reject it too).
bool jsonHasDuplicateKeys(std::string_view document);

}  // namespace ferry::assess
