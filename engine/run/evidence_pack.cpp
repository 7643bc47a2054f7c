// The evidence pack as HTML (run/evidence_pack.h): inline CSS and SVG only, so
// the one file is the whole report.

#include "run/evidence_pack.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "run/assessment_run.h"
#include "run/cutover_run.h"
#include "run/cutover_support.h"
#include "run/sync_support.h"
#include "run/verify_run.h"
#include "state/run_state_store.h"
#include "typemap/severity.h"

namespace ferry::run {

using core::htmlEscape;

namespace {

std::string fmtMs(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", ms);
  return b;
}

std::string whenMs(std::int64_t ms) { return ms <= 0 ? std::string("—") : utcText(ms); }

std::string whenTp(state::TimePoint tp) {
  return whenMs(std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count());
}

nlohmann::json settingJson(const state::RunStateStore& st, const std::string& key) {
  auto s = st.loadSetting(key);
  if (!s || !*s) return nullptr;
  auto j = nlohmann::json::parse(**s, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

/// One cutover's (or rollback's) report JSON as a small table.
void cutoverBlock(std::ostringstream& h, const std::string& title, const nlohmann::json& r) {
  if (!r.is_object()) return;
  h << "<h4>" << htmlEscape(title) << ": " << htmlEscape(r.value("result", "")) << "</h4>\n<p>";
  if (r.contains("aborted_by")) h << "Aborted by <b>" << htmlEscape(r.value("aborted_by", "")) << "</b>: " << htmlEscape(r.value("message", "")) << "<br>";
  h << "Write pause as Ferry timed it (fence to switch): <b>" << fmtMs(r.value("write_pause_ms", 0.0)) << " ms</b>";
  if (r["client_pause_ms"].is_object()) {
    h << "; as the canary saw it: <b>" << fmtMs(r["client_pause_ms"].value("gross", 0.0)) << " ms</b> (net "
      << fmtMs(r["client_pause_ms"].value("net", 0.0)) << " ms)";
  }
  h << ".<br>";
  if (r["canary"].is_object()) {
    const auto& c = r["canary"];
    h << "Canary: <b>" << c.value("acknowledged", 0) << " writes acknowledged, " << c.value("lost", 0) << " lost</b>, "
      << c.value("failed", 0) << " refused (never acknowledged).<br>";
  }
  if (!r.value("fence_position", std::string()).empty()) {
    h << "Fence position " << htmlEscape(r.value("fence_position", "")) << ", drained to " << htmlEscape(r.value("drained_to", "")) << ".<br>";
  }
  if (r["reverse"].is_object()) {
    h << "Way back: " << htmlEscape(r["reverse"].value("state", "")) << " from " << htmlEscape(r["reverse"].value("start", "")) << ".";
  }
  h << "</p>\n<table><tr><th>Step</th><th>ms</th><th>In the pause</th><th>Detail</th></tr>\n";
  for (const auto& s : r.value("steps", nlohmann::json::array())) {
    h << "<tr><td>" << htmlEscape(s.value("name", "")) << "</td><td class=n>" << fmtMs(s.value("ms", 0.0)) << "</td><td>"
      << (s.value("in_pause", false) ? "yes" : "") << "</td><td>" << htmlEscape(s.value("detail", "")) << "</td></tr>\n";
  }
  h << "</table>\n";
  bool anyFailed = false;
  for (const auto& g : r.value("gates", nlohmann::json::array())) anyFailed = anyFailed || !g.value("ok", false);
  if (anyFailed) {
    h << "<table><tr><th>Gate</th><th>State</th><th>Detail</th></tr>\n";
    for (const auto& g : r.value("gates", nlohmann::json::array())) {
      h << "<tr><td>" << htmlEscape(g.value("name", "")) << "</td><td>"
        << (g.value("ok", false) ? "passed" : g.value("forced", false) ? "<b>forced</b>" : "<b>failed</b>") << "</td><td>"
        << htmlEscape(g.value("detail", "")) << "</td></tr>\n";
    }
    h << "</table>\n";
  }
}

/// The lag history as an SVG line chart (p99 and last, ms).
std::string lagChart(const nlohmann::json& samples) {
  if (!samples.is_array() || samples.size() < 2) return "<p>No lag history recorded (the sync keeps one sample every 10 s).</p>";
  const double t0 = samples.front()[0].get<double>(), t1 = samples.back()[0].get<double>();
  double maxV = 1;
  for (const auto& s : samples) maxV = std::max({maxV, s[1].get<double>(), s[3].get<double>()});
  const double w = 760, hgt = 200;
  auto line = [&](int idx) {
    std::ostringstream p;
    for (const auto& s : samples) {
      const double x = 40 + (t1 > t0 ? (s[0].get<double>() - t0) / (t1 - t0) : 0) * (w - 50);
      const double y = 10 + (1 - s[static_cast<std::size_t>(idx)].get<double>() / maxV) * (hgt - 30);
      p << fmtMs(x) << "," << fmtMs(y) << " ";
    }
    return p.str();
  };
  std::ostringstream h;
  h << "<svg width='" << w << "' height='" << hgt << "' role='img' aria-label='replication lag'>"
    << "<rect x='40' y='10' width='" << (w - 50) << "' height='" << (hgt - 30) << "' fill='#fafafa' stroke='#ccc'/>"
    << "<polyline fill='none' stroke='#c0392b' stroke-width='1.5' points='" << line(3) << "'/>"
    << "<polyline fill='none' stroke='#2471a3' stroke-width='1' points='" << line(1) << "'/>"
    << "</svg><p class=legend><span style='color:#c0392b'>■</span> p99 of the last minute &nbsp; "
    << "<span style='color:#2471a3'>■</span> last heartbeat; 0 to " << fmtMs(maxV) << " ms, "
    << htmlEscape(whenMs(static_cast<std::int64_t>(t0))) << " to " << htmlEscape(whenMs(static_cast<std::int64_t>(t1))) << ".</p>";
  // The same in figures, for a reader who wants numbers (and a viewer without SVG).
  double worst = 0, sumLast = 0;
  for (const auto& s : samples) {
    worst = std::max(worst, s[3].get<double>());
    sumLast += s[1].get<double>();
  }
  h << "<table><tr><th>Samples</th><th>Mean of the last heartbeat's lag</th><th>Worst p99</th><th>Last p99</th></tr><tr><td class=n>"
    << samples.size() << "</td><td class=n>" << fmtMs(sumLast / static_cast<double>(samples.size())) << " ms</td><td class=n>"
    << fmtMs(worst) << " ms</td><td class=n>" << fmtMs(samples.back()[3].get<double>()) << " ms</td></tr></table>";
  return h.str();
}

}  // namespace

core::Result<std::string> evidencePackHtml(const EvidenceRequest& req) {
  auto store = state::RunStateStore::open(req.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto info = st.loadRun();
  if (!info) return std::move(info).error();
  std::ostringstream h;
  h << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ferry migration evidence — " << htmlEscape(info->runId.substr(0, 12))
    << "</title><style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
       "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}"
       "td.n{text-align:right}h2{border-bottom:2px solid #2471a3;padding-bottom:2px}.ok{color:#1e8449}.bad{color:#c0392b}"
       ".legend{font-size:12px}</style></head><body>\n";
  h << "<h1>Migration evidence</h1>\n<p>Run " << htmlEscape(info->runId) << ", started " << htmlEscape(whenTp(info->createdAt))
    << ". Report written " << htmlEscape(whenMs(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch()).count()))
    << " by " << htmlEscape(req.toolVersion) << ".</p>\n";

  // 1. The servers (the run keeps its URLs without passwords).
  h << "<h2>Source and target</h2>\n<table><tr><th>Source</th><td>" << htmlEscape(info->sourceUrl) << "</td></tr><tr><th>Target</th><td>"
    << htmlEscape(info->targetUrl) << "</td></tr>";
  if (auto servers = st.loadServers(); servers && *servers) {
    h << "<tr><th>Source server</th><td>" << htmlEscape((*servers)->source) << "</td></tr><tr><th>Target server</th><td>"
      << htmlEscape((*servers)->target) << "</td></tr>";
  }
  h << "</table>\n";

  // 2. The assessment, read again from the source.
  h << "<h2>Assessment</h2>\n";
  if (req.source && req.target) {
    AssessRequest areq;
    areq.source = *req.source;
    areq.target = *req.target;
    areq.project = req.project;
    auto assessed = assessSource(areq);
    if (!assessed) {
      h << "<p class=bad>The assessment could not be read again: " << htmlEscape(assessed.error().oneLine()) << "</p>\n";
    } else {
      const auto& a = assessed->assessment;
      h << "<p>" << a.columns.size() << " columns, " << a.objects.size() << " other objects. By severity: ";
      for (const auto& [sev, n] : a.summary()) h << htmlEscape(typemap::severityName(sev)) << " " << n << " &nbsp; ";
      h << "</p>\n<table><tr><th>Column</th><th>Source type</th><th>Target type</th><th>Severity</th><th>Finding</th><th>Override</th></tr>\n";
      int shown = 0;
      for (const auto& c : a.columns) {
        if (c.mapping.severity < typemap::Severity::Review && !c.overridden()) continue;
        if (++shown > 500) break;
        h << "<tr><td>" << htmlEscape(c.schema + "." + c.table + "." + c.column) << "</td><td>" << htmlEscape(c.sourceType)
          << "</td><td>" << htmlEscape(c.mapping.targetType) << "</td><td>" << htmlEscape(typemap::severityName(c.mapping.severity))
          << "</td><td>" << htmlEscape(c.message()) << "</td><td>" << htmlEscape(c.overrideSource) << "</td></tr>\n";
      }
      for (const auto& o : a.objects) {
        if (o.finding.severity < typemap::Severity::Review) continue;
        h << "<tr><td>" << htmlEscape(o.kind + " " + o.schema + (o.table.empty() ? "" : "." + o.table) + " " + o.name)
          << "</td><td></td><td></td><td>" << htmlEscape(typemap::severityName(o.finding.severity)) << "</td><td>"
          << htmlEscape(o.finding.message) << "</td><td></td></tr>\n";
      }
      h << "</table>\n<p>" << (shown == 0 ? "None: every column and object maps exactly or widens."
                                           : "Every column or object above needed a decision (review, lossy, unsupported) or was "
                                             "overridden; the others map exactly or widen.")
        << "</p>\n";
    }
  } else {
    h << "<p>Not available: the report was written without the servers.</p>\n";
  }

  // 3. The copy.
  h << "<h2>Copy</h2>\n";
  auto tables = st.listTables();
  if (tables) {
    std::int64_t rows = 0, bytes = 0;
    std::optional<state::TimePoint> first, last;
    h << "<table><tr><th>Source table</th><th>Target table</th><th>Status</th><th>Rows</th><th>Rejected</th></tr>\n";
    for (const auto& t : *tables) {
      rows += t.totals.rowsWritten;
      bytes += t.totals.bytes;
      if (t.startedAt && (!first || *t.startedAt < *first)) first = t.startedAt;
      if (t.finishedAt && (!last || *t.finishedAt > *last)) last = t.finishedAt;
      h << "<tr><td>" << htmlEscape(t.sourceSchema + "." + t.sourceTable) << "</td><td>" << htmlEscape(t.targetSchema + "." + t.targetTable)
        << "</td><td>"
        // The run's status speaks for its tables once copied (their own is kept for failures).
        << htmlEscape(info->status == state::RunStatus::Copied && t.status != state::TableStatus::Failed
                          ? std::string("copied")
                          : std::string(state::tableStatusName(t.status)))
        << "</td><td class=n>" << t.totals.rowsWritten << "</td><td class=n>"
        << t.totals.rowsRejected << "</td></tr>\n";
    }
    h << "</table>\n<p>" << rows << " rows, " << bytes / 1024 << " KiB";
    if (first && last) h << ", from " << htmlEscape(whenTp(*first)) << " to " << htmlEscape(whenTp(*last));
    h << ". Run status: " << htmlEscape(state::runStatusName(info->status)) << ".</p>\n";
  }

  // 4. Verification.
  h << "<h2>Verification</h2>\n";
  if (auto v = lastVerification(req.statePath); v && *v) {
    const auto& r = **v;
    h << "<p class=" << (r.identical ? "ok" : "bad") << "><b>" << (r.identical ? "Identical" : "Differences found") << "</b>: "
      << r.tables << " tables, " << r.differences << " differences, " << htmlEscape(r.level) << " check of " << r.samplePercent
      << "% of the chunks, finished " << htmlEscape(whenMs(r.finishedAtMs))
      << (r.asOf.empty() ? std::string(" (servers read as they were)") : ", both sides as of source position " + htmlEscape(r.asOf))
      << ".</p>\n";
  } else {
    h << "<p class=bad>The run was never verified.</p>\n";
  }

  // 5. Lag.
  h << "<h2>Replication lag</h2>\n" << lagChart(settingJson(st, LagHistory::kSetting));

  // 6. Rehearsals and cutovers.
  h << "<h2>Rehearsals</h2>\n";
  const auto rehearsals = settingJson(st, "rehearsals");
  if (!rehearsals.is_array() || rehearsals.empty()) {
    h << "<p>No rehearsal.</p>\n";
  } else {
    int i = 0;
    for (const auto& r : rehearsals) {
      h << "<h3>Rehearsal " << ++i << " (" << htmlEscape(whenMs(r.value("at_ms", std::int64_t{0}))) << "): " << htmlEscape(r.value("result", ""))
        << "</h3>\n";
      cutoverBlock(h, "Cutover", r["cutover"]);
      cutoverBlock(h, "Rollback", r["rollback"]);
    }
  }
  h << "<h2>Cutovers and rollbacks</h2>\n";
  const auto history = settingJson(st, "cutover_history");
  if (!history.is_array() || history.empty()) {
    h << "<p>None outside rehearsals.</p>\n";
  } else {
    for (const auto& r : history) {
      cutoverBlock(h, (r.value("kind", "cutover") == "rollback" ? "Rollback " : "Cutover ") + r.value("at_text", std::string()), r);
    }
  }

  // 7. The way back.
  h << "<h2>Way back</h2>\n<p>";
  const auto record = settingJson(st, "cutover");
  const std::string phase = record.is_object() ? record.value("phase", "") : "";
  if (phase == "switched") {
    h << "Cut over " << htmlEscape(record.value("at_text", "")) << ". ";
    if (!record.value("reverse_state", std::string()).empty()) {
      h << "The way back streams the target's changes into the old source from " << htmlEscape(record.value("reverse_start", ""))
        << " (run state " << htmlEscape(record.value("reverse_state", "")) << "); <code>ferry rollback</code> goes back.";
    } else {
      h << "<b>No way back was prepared</b> (--no-reverse): the old source holds nothing written since the switch.";
    }
  } else if (phase == "finished") {
    h << "The migration was finished: the way back was stopped and dropped; the old source is left as it was (fenced).";
  } else if (phase == "rolled-back") {
    h << "Rolled back: the source is the primary again and the forward stream goes on.";
  } else if (phase.empty()) {
    h << "Not cut over yet.";
  } else {
    h << "The last cutover ended at phase " << htmlEscape(phase) << ".";
  }
  h << "</p>\n</body></html>\n";
  return h.str();
}

core::Result<nlohmann::json> planSummary(const std::string& statePath) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto info = st.loadRun();
  if (!info) return std::move(info).error();
  auto json = [&](const char* key) { return settingJson(st, key); };
  nlohmann::json out;
  out["run_id"] = info->runId;
  out["copy_status"] = state::runStatusName(info->status);
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();
  std::int64_t rows = 0, bytes = 0, estimated = 0;
  std::optional<state::TimePoint> first, last;
  for (const auto& t : *tables) {
    rows += t.totals.rowsWritten;
    bytes += t.totals.bytes;
    estimated += t.estimatedRows;
    if (t.startedAt && (!first || *t.startedAt < *first)) first = t.startedAt;
    if (t.finishedAt && (!last || *t.finishedAt > *last)) last = t.finishedAt;
  }
  out["copy"] = {{"tables", tables->size()}, {"rows", rows}, {"bytes", bytes}, {"estimated_rows", estimated}};
  if (first && last) out["copy"]["seconds"] = std::chrono::duration<double>(*last - *first).count();
  out["sync"] = json(kSyncProgressSetting);
  if (auto v = lastVerification(statePath); v && *v) {
    out["verify"] = {{"identical", (*v)->identical}, {"as_of", (*v)->asOf}, {"finished_at_ms", (*v)->finishedAtMs},
                     {"differences", (*v)->differences}};
  }
  out["cutover"] = json("cutover");
  nlohmann::json reh = json("rehearsals");
  if (!reh.is_array()) reh = nlohmann::json::array();
  out["rehearsals"] = reh;
  std::vector<double> ferry, canary;
  for (const auto& r : reh) {
    for (const char* dir : {"cutover", "rollback"}) {
      if (!r[dir].is_object()) continue;
      ferry.push_back(r[dir].value("write_pause_ms", 0.0));
      if (r[dir]["client_pause_ms"].is_object()) canary.push_back(r[dir]["client_pause_ms"].value("gross", 0.0));
    }
  }
  auto p50max = [](std::vector<double> v) -> nlohmann::json {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    return {{"p50", v[(v.size() - 1) / 2]}, {"max", v.back()}, {"n", v.size()}};
  };
  out["pause_estimate"] = {{"ferry", p50max(ferry)}, {"canary", p50max(canary)}};
  out["cutover_history"] = json("cutover_history");
  return out;
}

}  // namespace ferry::run
