#include "verify/verify_result.h"

#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace ferry::verify {

const char* tableStatusName(TableStatus s) {
  switch (s) {
    case TableStatus::Pending: return "pending";
    case TableStatus::Checking: return "checking";
    case TableStatus::Ok: return "ok";
    case TableStatus::Mismatch: return "mismatch";
    case TableStatus::Error: return "error";
  }
  return "error";
}

bool VerifyReport::identical() const {
  for (const auto& t : tables) {
    if (t.status != TableStatus::Ok) return false;
  }
  return true;
}

bool VerifyReport::anyError() const {
  for (const auto& t : tables) {
    if (t.status == TableStatus::Error) return true;
  }
  return false;
}

nlohmann::json toJson(const VerifyReport& r) {
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : r.tables) {
    nlohmann::json diffs = nlohmann::json::array();
    for (const auto& d : t.differences) {
      diffs.push_back({{"key", d.key}, {"kind", diffKindName(d.kind)}, {"columns", d.columns}});
    }
    nlohmann::json jt = {{"schema", t.schema},
                         {"table", t.table},
                         {"target_schema", t.targetSchema},
                         {"target_table", t.targetTable},
                         {"status", tableStatusName(t.status)},
                         {"source_rows", t.sourceRows},
                         {"target_rows", t.targetRows},
                         {"rows_checked", t.rowsChecked},
                         {"chunks", t.chunksTotal},
                         {"chunks_server_hashed", t.chunksServerHashed},
                         {"chunks_rechecked", t.chunksRechecked},
                         {"sampled", t.sampled},
                         {"converted_values", t.convertedValues},
                         {"differences", diffs},
                         {"more_differences", t.moreDifferences},
                         {"statistics", t.statistics},
                         {"seconds", t.seconds}};
    if (!t.error.empty()) jt["error"] = t.error;
    tables.push_back(std::move(jt));
  }
  nlohmann::json j{{"identical", r.identical()}, {"source", r.sourceUrl}, {"target", r.targetUrl},
                   {"method", r.method},         {"level", r.level},      {"sample_percent", r.samplePercent},
                   {"seconds", r.seconds},       {"rows_checked", r.rowsChecked}, {"tables", tables}};
  if (!r.asOfPosition.empty()) {
    j["as_of"] = {
        {"source_position", r.asOfPosition}, {"sync_held_ms", r.syncHeldMs}, {"sync_paused_ms", r.syncPausedMs}};
  }
  return j;
}

std::string renderText(const VerifyReport& r) {
  std::ostringstream o;
  int ok = 0, bad = 0, err = 0;
  for (const auto& t : r.tables) {
    if (t.status == TableStatus::Ok) ++ok;
    else if (t.status == TableStatus::Error) ++err;
    else ++bad;
  }
  o << std::left << std::setw(40) << "table" << std::setw(10) << "status" << std::right << std::setw(12) << "source"
    << std::setw(12) << "target" << std::setw(8) << "diffs" << "\n";
  for (const auto& t : r.tables) {
    const auto n = static_cast<std::int64_t>(t.differences.size()) + t.moreDifferences;
    o << core::padRight(t.label(), 40) << std::left << std::setw(10) << tableStatusName(t.status) << std::right
      << std::setw(12) << t.sourceRows << std::setw(12) << t.targetRows << std::setw(8) << n << "\n";
    for (const auto& d : t.differences) {
      o << "    " << diffKindName(d.kind) << "  " << d.key;
      if (!d.columns.empty()) o << "  columns: " << core::join(d.columns, ", ");
      o << "\n";
    }
    if (t.moreDifferences) o << "    … and " << t.moreDifferences << " more\n";
    for (const auto& s : t.statistics) o << "    statistics: " << s << "\n";
    if (t.convertedValues) {
      o << "    " << t.convertedValues << " source values converted to NULL by the mapping (zero dates, invalid enums)\n";
    }
    if (!t.error.empty()) o << "    error: " << t.error << "\n";
  }
  o << "\n" << r.tables.size() << " tables: " << ok << " identical, " << bad << " with differences, " << err
    << " failed · " << r.rowsChecked << " rows checked in " << std::fixed << std::setprecision(2) << r.seconds
    << " s (" << r.method << (r.samplePercent < 100 ? ", sample " + std::to_string(r.samplePercent).substr(0, 5) + " %" : "")
    << ")\n";
  if (!r.asOfPosition.empty()) {
    o << "as of source position " << r.asOfPosition << " on both sides (the sync was held " << std::setprecision(0)
      << r.syncHeldMs << " ms and applied nothing for " << r.syncPausedMs << " ms of it)\n";
  }
  return o.str();
}

std::string renderHtml(const VerifyReport& r) {
  using core::htmlEscape;
  std::ostringstream h;
  int ok = 0, bad = 0, err = 0;
  std::int64_t diffs = 0;
  for (const auto& t : r.tables) {
    if (t.status == TableStatus::Ok) ++ok;
    else if (t.status == TableStatus::Error) ++err;
    else ++bad;
    diffs += static_cast<std::int64_t>(t.differences.size()) + t.moreDifferences;
  }
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ferry verification</title><style>"
       "body{font-family:-apple-system,\"Segoe UI\",DejaVu Sans,Arial,sans-serif;margin:2em auto;max-width:1100px;"
       "color:#222;padding:0 1em} table{border-collapse:collapse;width:100%;font-size:.92em;margin:.6em 0}"
       "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top} th{background:#f4f4f4}"
       ".ok{color:#2e7d32;font-weight:bold} .mismatch{color:#c62828;font-weight:bold} .error{color:#b71c1c;font-weight:bold}"
       ".cards{display:flex;gap:1em} .card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:110px}"
       ".card b{font-size:1.6em;display:block} .verdict{font-size:1.3em;padding:.5em 1em;border-radius:6px;color:#fff}"
       "</style></head><body>\n";
  h << "<h1>Verification</h1>\n<p>" << htmlEscape(r.sourceUrl) << " → " << htmlEscape(r.targetUrl) << "<br>"
    << r.rowsChecked << " rows checked in " << std::fixed << std::setprecision(2) << r.seconds << " s · method: "
    << htmlEscape(r.method) << " · level: " << htmlEscape(r.level);
  if (r.samplePercent < 100) h << " · sample " << r.samplePercent << " % of chunks";
  if (!r.asOfPosition.empty()) {
    h << "<br>As of source position <b>" << htmlEscape(r.asOfPosition)
      << "</b> on both sides, while the sync ran (it was held " << std::setprecision(0) << r.syncHeldMs
      << " ms and applied nothing for " << r.syncPausedMs << " ms of it)";
  }
  h << "</p>\n<p class=\"verdict\" style=\"background:" << (r.identical() ? "#2e7d32" : "#c62828") << "\">"
    << (r.identical() ? "Identical: the target holds the same data as the source."
                      : "Differences found: see the tables below.")
    << "</p>\n<div class=\"cards\"><div class=\"card\"><b>" << ok << "</b>identical</div><div class=\"card\"><b>" << bad
    << "</b>with differences</div><div class=\"card\"><b>" << err << "</b>failed</div><div class=\"card\"><b>" << diffs
    << "</b>differing rows</div></div>\n";
  h << "<h2>Tables</h2>\n<table><tr><th>table</th><th>status</th><th>source rows</th><th>target rows</th>"
       "<th>chunks</th><th>converted values</th><th>differences</th></tr>\n";
  for (const auto& t : r.tables) {
    const char* st = tableStatusName(t.status);
    h << "<tr><td>" << htmlEscape(t.label()) << "</td><td class=\"" << st << "\">" << st << "</td><td>" << t.sourceRows
      << "</td><td>" << t.targetRows << "</td><td>" << t.chunksTotal << (t.sampled ? " (sampled)" : "") << "</td><td>"
      << t.convertedValues << "</td><td>" << t.differences.size() + static_cast<size_t>(t.moreDifferences) << "</td></tr>\n";
  }
  h << "</table>\n";
  for (const auto& t : r.tables) {
    if (t.differences.empty() && t.statistics.empty() && t.error.empty()) continue;
    h << "<h3>" << htmlEscape(t.label()) << "</h3>\n";
    if (!t.error.empty()) h << "<p class=\"error\">" << htmlEscape(t.error) << "</p>\n";
    for (const auto& s : t.statistics) h << "<p>statistics: " << htmlEscape(s) << "</p>\n";
    if (!t.differences.empty()) {
      h << "<table><tr><th>kind</th><th>key</th><th>differing columns</th></tr>\n";
      for (const auto& d : t.differences) {
        h << "<tr><td>" << diffKindName(d.kind) << "</td><td><code>" << htmlEscape(d.key) << "</code></td><td>"
          << htmlEscape(core::join(d.columns, ", ")) << "</td></tr>\n";
      }
      h << "</table>\n";
      if (t.moreDifferences) h << "<p>… and " << t.moreDifferences << " more.</p>\n";
    }
  }
  h << "<p style=\"color:#777\">Values are compared in their canonical form (docs/verification.md). "
       "Run <code>ferry repair</code> with the same arguments to fix the differing rows.</p>\n</body></html>\n";
  return h.str();
}

}  // namespace ferry::verify
