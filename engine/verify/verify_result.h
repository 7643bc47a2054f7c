#pragma once
/// The outcome of a verification, per table, and its JSON and HTML forms.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "verify/chunk_compare.h"

namespace ferry::verify {

enum class TableStatus { Pending, Checking, Ok, Mismatch, Error };
const char* tableStatusName(TableStatus s);

struct TableVerification {
  std::string schema;
  std::string table;
  std::string targetSchema;
  std::string targetTable;
  TableStatus status = TableStatus::Pending;
  std::int64_t sourceRows = -1;  ///< exact COUNT(*); -1 until counted
  std::int64_t targetRows = -1;
  std::int64_t rowsChecked = 0;  ///< source rows covered by checksums
  int chunksDone = 0;
  int chunksTotal = 0;
  int chunksServerHashed = 0;    ///< chunks decided by the servers' checksums alone
  int chunksRechecked = 0;       ///< chunks compared again before being reported (live data)
  bool sampled = false;          ///< only a sample of the chunks was checked
  std::int64_t convertedValues = 0;  ///< non-NULL source values the mapping turns into NULL (zero dates …)
  std::vector<Difference> differences;
  std::int64_t moreDifferences = 0;  ///< differences found but not listed
  std::vector<std::string> statistics;  ///< column statistics that differ (null counts, min/max)
  std::string error;
  double seconds = 0;

  std::string label() const { return schema + "." + table; }
};

struct VerifyReport {
  std::vector<TableVerification> tables;
  std::string sourceUrl;  ///< without password
  std::string targetUrl;
  std::string method;     ///< "row digests", "server checksums", "mixed"
  std::string level;      ///< "full" or "quick"
  double samplePercent = 100;
  double seconds = 0;
  std::int64_t rowsChecked = 0;
  /// Verified while a sync ran: both sides as of this source position ("" : the
  /// servers as they were when each chunk was read).
  std::string asOfPosition;
  double syncHeldMs = 0;    ///< how long the sync was held for it
  double syncPausedMs = 0;  ///< the part of it the sync applied nothing (else it applied up to the position)

  bool identical() const;
  bool anyError() const;
};

nlohmann::json toJson(const VerifyReport& r);
std::string renderText(const VerifyReport& r);
std::string renderHtml(const VerifyReport& r);

}  // namespace ferry::verify
