// Helpers of the verification orchestrator.

#include "run/verify_support.h"

#include <chrono>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/text.h"
#include "run/verify_run.h"
#include "state/run_state_store.h"
#include "ddl/quoting.h"
#include "run/key_ranges.h"
#include "typemap/value_converter.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using verify::ValueClass;

verify::CompareContext VerifyWorker::context(verify::HashMode mode, copy::FlowControl* flow, std::stop_token stop) const {
  verify::CompareContext ctx;
  ctx.source = sourceSide();
  ctx.target = targetSide();
  ctx.mode = mode;
  ctx.flow = flow;
  ctx.stop = std::move(stop);
  return ctx;
}

namespace {

core::Status openSide(const connect::ConnectionSpec& spec, std::unique_ptr<connect::PgConnection>& pg,
                      std::unique_ptr<connect::MySqlConnection>& my, const char* role) {
  if (spec.engine == model::Engine::PostgreSQL) {
    auto c = connect::PgConnection::open(spec);
    if (!c) return std::move(c).error().context(role);
    pg = std::move(*c);
    return pg->exec("SET intervalstyle = postgres");
  }
  auto c = connect::MySqlConnection::open(spec);
  if (!c) return std::move(c).error().context(role);
  my = std::move(*c);
  return my->exec("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
}

core::Result<connect::QueryResult> query(const verify::SideConnection& side, const std::string& sql) {
  return side.pg ? side.pg->query(sql) : side.my->query(sql);
}

bool ordered(ValueClass c) {
  return c == ValueClass::Integer || c == ValueClass::Numeric || c == ValueClass::Date ||
         c == ValueClass::Timestamp || c == ValueClass::TimestampTz || c == ValueClass::Float4 ||
         c == ValueClass::Float8;
}

}  // namespace

core::Status openWorker(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target, VerifyWorker& w) {
  FERRY_TRY(openSide(source, w.pgSource, w.mySource, "source"));
  return openSide(target, w.pgTarget, w.myTarget, "target");
}

core::Result<TableCounts> countTable(const verify::VerifyJob& job, VerifyWorker& w, bool withStatistics) {
  // One query per side: COUNT(*), then per compared column COUNT(c), MIN(c), MAX(c).
  struct Stat {
    size_t column;
    bool minMax;
  };
  std::vector<Stat> stats;
  std::vector<std::string> src{"COUNT(*)"}, tgt{"COUNT(*)"};
  if (withStatistics) {
    for (size_t i = 0; i < job.copy.columns.size(); ++i) {
      if (job.mayConvertToNull[i]) continue;  // its converted values are counted instead
      const bool mm = ordered(job.classes[i]);
      stats.push_back({i, mm});
      const std::string& s = job.copy.columns[i].selectExpr;
      const std::string& t = job.targetExprs[i];
      src.push_back("COUNT(" + s + ")");
      tgt.push_back("COUNT(" + t + ")");
      if (mm) {
        src.insert(src.end(), {"MIN(" + s + ")", "MAX(" + s + ")"});
        tgt.insert(tgt.end(), {"MIN(" + t + ")", "MAX(" + t + ")"});
      }
    }
  }
  auto s = query(w.sourceSide(), "SELECT " + core::join(src, ", ") + " FROM " + job.sourceTableSql());
  if (!s) return std::move(s).error().context("counting " + job.label() + " on the source");
  auto t = query(w.targetSide(), "SELECT " + core::join(tgt, ", ") + " FROM " + job.targetTableSql());
  if (!t) return std::move(t).error().context("counting " + job.label() + " on the target");
  TableCounts out;
  out.sourceRows = std::stoll(s->at(0, 0).value_or("0"));
  out.targetRows = std::stoll(t->at(0, 0).value_or("0"));
  size_t at = 1;
  for (const auto& st : stats) {
    const auto& col = job.copy.columns[st.column];
    const auto sn = s->at(0, at).value_or("0");
    const auto tn = t->at(0, at).value_or("0");
    if (sn != tn) {
      out.statistics.push_back(col.targetName + ": " + sn + " non-NULL values on the source, " + tn + " on the target");
    }
    ++at;
    if (!st.minMax) continue;
    for (const char* what : {"minimum", "maximum"}) {
      auto canon = [&](const std::optional<std::string>& v, bool sourceSide) -> std::string {
        if (!v) return "NULL";
        std::optional<std::string> x = v;
        if (sourceSide && col.conversion != typemap::ConversionId::Identity) {
          auto c = typemap::convertValue(col.conversion, *v, col.conversionContext);
          if (!c || !*c) return "!" + *v;
          x = *c;
        }
        return verify::canonical(job.classes[st.column], *x);
      };
      const std::string a = canon(s->at(0, at), true);
      const std::string b = canon(t->at(0, at), false);
      if (a != b) out.statistics.push_back(col.targetName + ": " + what + " " + a + " on the source, " + b + " on the target");
      ++at;
    }
  }
  return out;
}

core::Result<std::vector<plan::Chunk>> planVerifyChunks(const verify::VerifyJob& job, std::int64_t rows,
                                                        VerifyWorker& w, const plan::ChunkLimits& limits) {
  const plan::TableStats stats{std::max<std::int64_t>(rows, 0), job.copy.estimatedBytes};
  // Keyless: one multiset comparison of the whole table (physical positions differ on the target).
  if (job.keyless()) return plan::planWhole(stats);
  return planKeyRanges(job.copy, stats, limits, [&](const std::string& sql) { return query(w.sourceSide(), sql); });
}

std::vector<plan::Chunk> sampleChunks(const std::string& table, const std::vector<plan::Chunk>& chunks, double percent) {
  if (percent >= 100 || chunks.size() <= 1) return chunks;
  std::vector<plan::Chunk> out;
  const auto threshold = static_cast<std::uint64_t>(std::max(0.0, percent) * 100);
  for (const auto& c : chunks) {
    if (std::hash<std::string>{}(table + "#" + std::to_string(c.ordinal)) % 10000 < threshold) out.push_back(c);
  }
  if (out.empty()) out.push_back(chunks[std::hash<std::string>{}(table) % chunks.size()]);
  return out;
}

void finishTable(const verify::VerifyJob& job, verify::TableVerification& t, std::size_t maxDifferences) {
  if (t.status == verify::TableStatus::Error) return;
  verify::reconcile(job, t.differences);
  if (t.differences.size() > maxDifferences) {
    t.moreDifferences += static_cast<std::int64_t>(t.differences.size() - maxDifferences);
    t.differences.resize(maxDifferences);
  }
  const bool countsDiffer = t.sourceRows >= 0 && t.targetRows >= 0 && t.sourceRows != t.targetRows;
  if (countsDiffer && t.differences.empty() && t.moreDifferences == 0) {
    t.statistics.push_back("row counts differ: " + std::to_string(t.sourceRows) + " on the source, " +
                           std::to_string(t.targetRows) + " on the target");
  }
  t.status = !t.differences.empty() || t.moreDifferences > 0 || countsDiffer || !t.statistics.empty()
                 ? verify::TableStatus::Mismatch
                 : verify::TableStatus::Ok;
}

core::Result<std::optional<VerificationRecord>> lastVerification(const std::string& statePath) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto text = (*store)->loadSetting("verify_last");
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<VerificationRecord>{};
  auto j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded()) return std::optional<VerificationRecord>{};
  VerificationRecord r;
  r.identical = j.value("identical", false);
  r.level = j.value("level", "");
  r.samplePercent = j.value("sample_percent", 100.0);
  r.asOf = j.value("as_of", "");
  r.finishedAtMs = j.value("finished_at_ms", std::int64_t{0});
  r.differences = j.value("differences", std::int64_t{0});
  r.tables = j.value("tables", 0);
  return std::optional<VerificationRecord>(r);
}

void recordVerification(const std::string& statePath, const verify::VerifyReport& report) {
  std::error_code ec;
  if (!std::filesystem::exists(statePath, ec)) return;  // a verification outside any run
  std::int64_t differences = 0;
  for (const auto& t : report.tables) differences += static_cast<std::int64_t>(t.differences.size()) + t.moreDifferences;
  nlohmann::json j = {{"identical", report.identical()},
                      {"level", report.level},
                      {"sample_percent", report.samplePercent},
                      {"as_of", report.asOfPosition},
                      {"finished_at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()},
                      {"differences", differences},
                      {"tables", report.tables.size()}};
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (store) {
    if (auto s = (*store)->saveSetting("verify_last", j.dump()); s) return;
  }
  core::log(core::LogLevel::Warning, "verify: could not keep the result in the run state " + statePath);
}

}  // namespace ferry::run
