// The sync's lag windows and its progress as JSON (`ferry sync --json`, the
// run state that `ferry status` and `ferry ctl` read).

#include <algorithm>

#include <signal.h>

#include "core/text.h"
#include "run/sync_support.h"

namespace ferry::run {

constexpr auto kLagWindow = std::chrono::seconds(60);

LagStats lagStatsOf(const LagWindow& window) {
  LagStats s;
  if (window.empty()) return s;
  std::vector<double> v;
  v.reserve(window.size());
  for (const auto& [t, ms] : window) v.push_back(ms);
  s.last = window.back().second;
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) { return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))]; };
  s.p50 = pct(0.50);
  s.p95 = pct(0.95);
  s.p99 = pct(0.99);
  s.max = v.back();
  s.samples = static_cast<int>(v.size());
  return s;
}

void addLagSample(LagWindow& window, double ms) {
  const auto now = std::chrono::steady_clock::now();
  window.emplace_back(now, ms);
  while (!window.empty() && now - window.front().first > kLagWindow) window.pop_front();
}

namespace {

nlohmann::json lagJson(const LagStats& l) {
  return {{"last", l.last}, {"p50", l.p50}, {"p95", l.p95}, {"p99", l.p99}, {"max", l.max}, {"samples", l.samples}};
}

/// The target table lacks a column the source has now (added since the copy):
/// `ALTER TABLE … ADD COLUMN` from the same mapping as the copy's DDL — applied
/// when the policy allows and the column is nullable, plain (not generated, no
/// identity), else proposed in the error that stops the sync.

}  // namespace

nlohmann::json syncProgressJson(const SyncProgress& p) {
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [t, n] : p.rowsByTable) tables[t] = n;
  return {{"phase", p.phase},
          {"applied",
           {{"transactions", p.transactionsApplied}, {"rows", p.rowsApplied}, {"inserts", p.inserts},
            {"updates", p.updates}, {"deletes", p.deletes}, {"truncates", p.truncates}}},
          {"received", {{"transactions", p.transactionsReceived}, {"position", p.receivedPosition}}},
          {"positions",
           {{"snapshot", p.snapshotPosition}, {"first_streamed", p.firstStreamed}, {"received", p.receivedPosition},
            {"applied", p.appliedPosition}, {"confirmed", p.confirmedPosition}}},
          {"skipped_before_snapshot", p.skippedTransactions},
          {"skipped_rows", p.skippedRows},
          {"divergences", p.divergences},
          {"lag_ms", lagJson(p.heartbeatLag)},
          {"heartbeats_applied", p.heartbeatsApplied},
          {"commit_lag_ms", lagJson(p.commitLag)},
          {"bytes_behind", p.bytesBehind},
          {"stalled", p.stalled},
          {"stall_reason", p.stallReason},
          {"rows_by_table", tables},
          {"paused", p.paused},
          {"max_rate", p.maxRowsPerSecond},
          {"hold", p.hold},
          {"held_at", p.heldAt},
          {"reconnects", p.reconnects},
          {"last_reconnect_error", p.lastReconnectError},
          {"seconds", p.elapsedSeconds}};
}

core::Result<bool> syncRunningOn(const state::RunStateStore& st) {
  auto saved = st.loadSetting(kSyncProgressSetting);
  if (!saved) return std::move(saved).error();
  if (!*saved) return false;
  const auto j = nlohmann::json::parse(**saved, nullptr, false);
  return j.is_object() && syncRunning(j);
}

bool syncRunning(const nlohmann::json& progress) {
  const std::string phase = progress.value("phase", "");
  const auto pid = progress.value("pid", std::int64_t{0});
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0 &&
         (phase == "streaming" || phase == "connecting" || phase == "reconnecting");
}

std::int64_t bytesBetween(const cdc::LogPosition& a, const cdc::LogPosition& b) {
  if (!(a < b)) return 0;
  if (a.binlog && a.fileNumber() != b.fileNumber()) return b.offset();
  return static_cast<std::int64_t>(b.lsn - a.lsn);
}

std::string shortSql(const std::string& sql) {
  const std::string t = core::trim(sql);
  return t.size() > 300 ? t.substr(0, 300) + "…" : t;
}

void LagHistory::load(const state::RunStateStore& st) {
  auto saved = st.loadSetting(kSetting);
  if (!saved || !*saved) return;
  auto j = nlohmann::json::parse(**saved, nullptr, false);
  if (j.is_array()) m_samples = std::move(j);
}

void LagHistory::add(state::RunStateStore& st, const LagStats& lag) {
  const auto now = std::chrono::steady_clock::now();
  if (lag.samples == 0 || now - m_last < std::chrono::seconds(10)) return;
  m_last = now;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  m_samples.push_back({ms, lag.last, lag.p50, lag.p99});
  if (m_samples.size() > kKeep) m_samples.erase(m_samples.begin(), m_samples.begin() + static_cast<long>(m_samples.size() - kKeep));
  (void)st.saveSetting(kSetting, m_samples.dump());
}

}  // namespace ferry::run
