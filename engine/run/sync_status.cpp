// `ferry status`: the run's state, the sync's last saved progress, and what the
// servers say now (WAL behind, the slot, sequence drift).

#include <chrono>
#include <map>
#include <set>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/sync_run.h"
#include "run/sync_support.h"
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

/// The source sequences that feed a column (serial, identity), with their table:
/// on a MySQL/MariaDB target they became the table's AUTO_INCREMENT.
struct OwnedSequence {
  std::string sequence;
  std::optional<std::string> lastValue;
  std::string schema;
  std::string table;
};
core::Result<std::vector<OwnedSequence>> ownedSequences(connect::PgConnection& c) {
  auto r = c.query(
      "SELECT s.schemaname || '.' || s.sequencename AS s, s.last_value::text AS v, tn.nspname AS tschema, "
      "t.relname AS tname FROM pg_sequences s "
      "JOIN pg_namespace sn ON sn.nspname = s.schemaname "
      "JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relnamespace = sn.oid "
      "JOIN pg_depend d ON d.objid = sc.oid AND d.classid = 'pg_class'::regclass "
      "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
      "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace "
      "WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
  if (!r) return std::move(r).error();
  std::vector<OwnedSequence> out;
  for (auto row : *r) out.push_back({row.str("s"), row.opt("v"), row.str("tschema"), row.str("tname")});
  return out;
}

/// PostgreSQL → MySQL/MariaDB: each owned sequence against its table's
/// AUTO_INCREMENT on the target (the next value there, so the drift is
/// source last value + 1 − target next value).
core::Result<nlohmann::json> mysqlSequenceDrift(connect::PgConnection& source, const connect::ConnectionSpec& target,
                                                state::RunStateStore& st) {
  auto owned = ownedSequences(source);
  if (!owned) return std::move(owned).error();
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();
  auto t = connect::MySqlConnection::open(target);
  if (!t) return std::move(t).error();
  // Every AUTO_INCREMENT in the run's target databases, in one query (the next value there).
  std::set<std::string> schemas;
  for (const auto& ts : *tables) schemas.insert(connect::MySqlConnection::quoteLiteral(ts.targetSchema));
  if (schemas.empty()) return nlohmann::json::array();
  auto next = (*t)->query("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, AUTO_INCREMENT AS a FROM information_schema.TABLES "
                          "WHERE AUTO_INCREMENT IS NOT NULL AND TABLE_SCHEMA IN (" +
                          core::join(std::vector<std::string>(schemas.begin(), schemas.end()), ", ") + ")");
  if (!next) return std::move(next).error();
  std::map<std::pair<std::string, std::string>, std::int64_t> nextOf;
  for (auto row : *next) nextOf[{row.str("s"), row.str("n")}] = row.i64("a");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& seq : *owned) {
    const state::TableState* mapped = nullptr;
    for (const auto& ts : *tables) {
      if (ts.sourceSchema == seq.schema && ts.sourceTable == seq.table) mapped = &ts;
    }
    if (!mapped) continue;  // not a table of this run
    nlohmann::json e = {{"sequence", seq.sequence},
                        {"source", seq.lastValue ? nlohmann::json(*seq.lastValue) : nullptr},
                        {"target_table", mapped->targetSchema + "." + mapped->targetTable}};
    const auto n = nextOf.find({mapped->targetSchema, mapped->targetTable});
    e["target"] = n != nextOf.end() ? nlohmann::json(std::to_string(n->second - 1)) : nullptr;  // the last value given out
    if (seq.lastValue && n != nextOf.end()) e["drift"] = std::stoll(*seq.lastValue) - (n->second - 1);
    list.push_back(std::move(e));
  }
  return list;
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
  // A schema change the sync stopped for: the statements it proposes.
  if (auto proposed = st.loadSetting("ddl_proposed"); proposed && *proposed && !(*proposed)->empty()) {
    out["ddl_proposed"] = **proposed;
    if (auto change = st.loadSetting("ddl_change"); change && *change) out["ddl_change"] = **change;
  }
  auto saved = st.loadSetting(kSyncProgressSetting);
  if (!saved) return std::move(saved).error();
  std::string applied;
  if (*saved) {
    auto p = nlohmann::json::parse(**saved, nullptr, false);
    if (!p.is_discarded()) {
      const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
      const auto age = nowMs - p.value("saved_at_ms", std::int64_t{0});
      // Its process alive and its phase a live one (a long transaction may keep
      // it from saving for a while).
      p["running"] = syncRunning(p);
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
      } else if (target && target->engine != model::Engine::PostgreSQL) {
        auto drift = mysqlSequenceDrift(**c, *target, st);
        if (drift) {
          out["sequences"] = *drift;
        } else {
          out["sequences_error"] = drift.error().oneLine();
        }
      }
    } else {
      out["source_error"] = c.error().oneLine();
    }
  }
  return out;
}

}  // namespace ferry::run
