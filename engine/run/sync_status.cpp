// `ferry status`: the run's state, the sync's last saved progress, and what the
// servers say now (WAL behind, the slot, sequence drift).

#include <chrono>

#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/sync_run.h"
#include "state/run_state_store.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

namespace {

/// schema.name → last value of every sequence the connection sees (outside the catalogs).
core::Result<std::map<std::string, std::optional<std::string>>> sequences(connect::PgConnection& c) {
  auto r = c.query("SELECT schemaname || '.' || sequencename AS s, last_value::text AS v FROM pg_sequences "
                   "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
  if (!r) return std::move(r).error();
  std::map<std::string, std::optional<std::string>> out;
  for (auto row : *r) out[row.str("s")] = row.opt("v");
  return out;
}

}  // namespace

core::Result<nlohmann::json> runStatus(const std::string& statePath, const connect::ConnectionSpec* source,
                                       const connect::ConnectionSpec* target) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto info = st.loadRun();
  if (!info) return std::move(info).error();
  nlohmann::json out;
  out["state"] = statePath;
  out["run_id"] = info->runId;
  out["copy"] = state::runStatusName(info->status);
  auto snapshot = st.loadSnapshot();
  if (!snapshot) return std::move(snapshot).error();
  std::string slot;
  if (*snapshot) {
    slot = (*snapshot)->slotName;
    out["snapshot"] = {{"slot", slot}, {"position", (*snapshot)->consistentLsn}};
  }
  auto saved = st.loadSetting("sync_progress");
  if (!saved) return std::move(saved).error();
  std::string applied;
  if (*saved) {
    auto p = nlohmann::json::parse(**saved, nullptr, false);
    if (!p.is_discarded()) {
      const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
      const auto age = nowMs - p.value("saved_at_ms", std::int64_t{0});
      const std::string phase = p.value("phase", "");
      // A sync saves every second while it streams; older than 5 s: it is not running.
      p["running"] = (phase == "streaming" || phase == "connecting") && age < 5000;
      p["saved_seconds_ago"] = static_cast<double>(age) / 1000.0;
      applied = p["positions"].value("applied", "");
      out["sync"] = p;
    }
  } else {
    out["sync"] = nullptr;
  }
  if (source && source->engine == model::Engine::PostgreSQL) {
    auto c = connect::PgConnection::open(*source);
    if (c) {
      auto wal = (*c)->query("SELECT pg_current_wal_lsn()::text AS w");
      if (wal && !wal->empty()) {
        out["source_wal"] = wal->row(0).str("w");
        if (!applied.empty()) {
          auto behind = (*c)->query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS b", {applied});
          if (behind && !behind->empty()) out["bytes_behind"] = behind->row(0).i64("b");
        }
      }
      if (!slot.empty()) {
        auto s = (*c)->query(
            "SELECT active, wal_status, confirmed_flush_lsn::text AS confirmed, "
            "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS held FROM pg_replication_slots "
            "WHERE slot_name = $1",
            {slot});
        if (s && !s->empty()) {
          const auto r = s->row(0);
          out["slot"] = {{"name", slot}, {"active", r.boolean("active")}, {"wal_status", r.str("wal_status")},
                         {"confirmed", r.str("confirmed")}, {"wal_held_bytes", r.i64("held")}};
        } else if (s) {
          out["slot"] = {{"name", slot}, {"missing", true}};
        }
      }
      if (target && target->engine == model::Engine::PostgreSQL) {
        auto t = connect::PgConnection::open(*target);
        auto srcSeq = sequences(**c);
        if (t && srcSeq) {
          auto tgtSeq = sequences(**t);
          if (tgtSeq) {
            // Matched by schema and name (the DDL keeps both unless a schema map renames).
            nlohmann::json list = nlohmann::json::array();
            for (const auto& [name, value] : *srcSeq) {
              auto it = tgtSeq->find(name);
              nlohmann::json e = {{"sequence", name}, {"source", value ? nlohmann::json(*value) : nullptr}};
              e["target"] = it != tgtSeq->end() && it->second ? nlohmann::json(*it->second) : nullptr;
              if (value && it != tgtSeq->end() && it->second) {
                e["drift"] = std::stoll(*value) - std::stoll(*it->second);
              }
              list.push_back(std::move(e));
            }
            out["sequences"] = list;
          }
        }
      }
    } else {
      out["source_error"] = c.error().oneLine();
    }
  }
  return out;
}

}  // namespace ferry::run
