// The way back (docs/cutover.md, "Reverse replication"): checked by the reverse
// gate, prepared before the fence as a run of its own whose source is the new
// side and target the old one, tagged by the same migration id as the forward
// run so that neither direction sends the other's changes back.

#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "cdc/apply_target.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "cutover/canary.h"
#include "run/assessment_run.h"
#include "run/copy_support.h"
#include "run/cutover_support.h"

namespace ferry::run {

using connect::MySqlConnection;
using connect::PgConnection;
using core::Error;
using core::ErrorKind;

std::string utcText(std::int64_t unixMs) {
  const std::time_t t = static_cast<std::time_t>(unixMs / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

core::Status dropSlotWhenFree(connect::PgConnection& c, const std::string& slot) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    auto r = c.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", {slot});
    if (r) return {};
    if (std::chrono::steady_clock::now() > until) return std::move(r).error().context("dropping the slot " + slot);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

core::Result<std::unique_ptr<cutover::Fence>> recordedFence(cutover::FenceOptions options, const std::string& fenceKind,
                                                            const nlohmann::json& recordedOptions,
                                                            const cutover::FenceScope& scope, const nlohmann::json& record) {
  auto kind = cutover::parseFenceKind(fenceKind);
  if (!kind) return std::move(kind).error();
  options.kind = *kind;
  if (recordedOptions.is_object() && !recordedOptions.value("unfence_command", std::string()).empty()) {
    options.unfenceCommand = recordedOptions.value("unfence_command", "");
  }
  return cutover::makeFence(options, scope, record.is_object() ? record : nlohmann::json::object());
}

std::string reverseStatePath(const std::string& statePath) {
  const std::string suffix = ".state";
  if (statePath.size() > suffix.size() && statePath.compare(statePath.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return statePath.substr(0, statePath.size() - suffix.size()) + ".reverse.state";
  }
  return statePath + ".reverse";
}

namespace {

std::string reverseName(const std::string& migrationId) { return "ferry_rev_" + migrationId.substr(0, 12); }

/// A type as the comparison reads it: lower case, integer display widths gone.
std::string typeKey(std::string t) {
  t = core::toLower(t);
  static const std::regex width(R"(^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\))");
  t = std::regex_replace(t, width, "$1");
  if (t.rfind("integer", 0) == 0) t = "int" + t.substr(7);
  return t;
}

/// Whether Ferry's apply session on `side` can tag its changes (loop prevention).
core::Result<std::string> cannotTag(const connect::ConnectionSpec& side) {
  if (side.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(side);
    if (!c) return std::move(c).error();
    auto r = (*c)->query(
        "SELECT r.rolsuper OR (has_function_privilege('pg_replication_origin_create(text)', 'EXECUTE') AND "
        "has_function_privilege('pg_replication_origin_session_setup(text)', 'EXECUTE')) AS ok FROM pg_roles r "
        "WHERE r.rolname = current_user");
    if (!r) return std::move(r).error();
    if (r->empty() || !r->row(0).boolean("ok")) {
      return std::string("Ferry's role on " + side.toUrlWithoutPassword() +
                         " may not use replication origins (loop prevention): GRANT EXECUTE ON FUNCTION "
                         "pg_replication_origin_create(text), pg_replication_origin_session_setup(text) to it");
    }
    return std::string();
  }
  auto c = MySqlConnection::open(side);
  if (!c) return std::move(c).error();
  if (auto s = (*c)->exec("SET SESSION server_id = @@global.server_id"); !s) {
    return std::string("Ferry's account on " + side.toUrlWithoutPassword() +
                       " may not set the session's server_id (loop prevention): " + s.error().message());
  }
  return std::string();
}

/// Whether `side` writes a log a stream can read from.
core::Result<std::string> cannotStreamFrom(const connect::ConnectionSpec& side) {
  if (side.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(side);
    if (!c) return std::move(c).error();
    auto r = (*c)->query(
        "SELECT current_setting('wal_level') AS wal, (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS repl, "
        "current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots) AS free");
    if (!r) return std::move(r).error();
    const auto row = r->row(0);
    if (row.str("wal") != "logical") return std::string("the target's wal_level is " + row.str("wal") + ", not logical");
    if (!row.boolean("repl")) return std::string("Ferry's role on the target lacks REPLICATION");
    if (row.i64("free") < 1) return std::string("the target has no free replication slot (max_replication_slots)");
    return std::string();
  }
  auto c = MySqlConnection::open(side);
  if (!c) return std::move(c).error();
  auto r = (*c)->query("SELECT @@global.log_bin AS on_, @@global.binlog_format AS f, @@global.binlog_row_image AS img");
  if (!r) return std::move(r).error();
  const auto row = r->row(0);
  if (row.str("on_") != "1") return std::string("the target writes no binlog (log_bin is off)");
  if (core::toUpper(row.str("f")) != "ROW") return std::string("the target's binlog_format is " + row.str("f") + ", not ROW");
  if (core::toUpper(row.str("img")) != "FULL") return std::string("the target's binlog_row_image is " + row.str("img") + ", not FULL");
  return std::string();
}

}  // namespace

CutoverGate reverseGate(const CutoverRequest& req, const std::vector<state::TableState>& tables) {
  CutoverGate g{"reverse", false, false, "", ""};
  auto fail = [&](std::string detail, std::string fix) {
    g.detail = std::move(detail);
    g.fix = std::move(fix);
    return g;
  };
  auto log = cannotStreamFrom(req.target);
  if (!log) return fail("could not be checked: " + log.error().oneLine(), log.error().hint());
  if (!log->empty()) return fail(*log, "The way back streams from the target's log: enable it, or run with --no-reverse.");
  for (const auto* side : {&req.target, &req.source}) {
    auto tag = cannotTag(*side);
    if (!tag) return fail("could not be checked: " + tag.error().oneLine(), tag.error().hint());
    if (!tag->empty()) return fail(*tag, "Without it both directions would send each other's changes back.");
  }
  // The way back maps every table onto the one it came from, with the same types.
  AssessRequest back;
  back.source = req.target;
  back.target = req.source;
  auto reverse = assessSource(back);
  if (!reverse) return fail("the way back could not be assessed: " + reverse.error().oneLine(), reverse.error().hint());
  AssessRequest same;
  same.source = req.source;
  same.target = req.source;
  same.project = req.project;
  auto original = assessSource(same);
  if (!original) return fail("the source could not be assessed: " + original.error().oneLine(), original.error().hint());
  std::map<std::string, const ddl::TableDef*> backBySource, origByName;
  for (const auto& t : reverse->assessment.target.tables) backBySource[t.sourceName] = &t;
  for (const auto& t : original->assessment.target.tables) origByName[t.sourceName] = &t;
  std::vector<std::string> problems;
  for (const auto& t : tables) {
    if (t.sourceTable == cutover::kCanaryTable) continue;
    const std::string from = t.targetSchema + "." + t.targetTable, to = t.sourceSchema + "." + t.sourceTable;
    const auto b = backBySource.find(from);
    const auto o = origByName.find(to);
    if (b == backBySource.end() || o == origByName.end()) {
      problems.push_back(from + " has no way back to " + to);
      continue;
    }
    if (b->second->schema != o->second->schema || b->second->name != o->second->name) {
      problems.push_back(from + " would go back to " + b->second->schema + "." + b->second->name + ", not " + to);
      continue;
    }
    std::map<std::string, std::string> origTypes;
    for (const auto& c : o->second->columns) origTypes[c.name] = c.type;
    for (const auto& c : b->second->columns) {
      const auto ot = origTypes.find(c.name);
      if (ot == origTypes.end()) continue;  // a column the source lacks: not written back
      if (typeKey(ot->second) != typeKey(c.type)) {
        problems.push_back(from + "." + c.name + " would go back as " + c.type + " into " + ot->second);
      }
    }
  }
  if (!problems.empty()) {
    const std::size_t shown = std::min<std::size_t>(problems.size(), 6);
    return fail(core::join(std::vector<std::string>(problems.begin(), problems.begin() + static_cast<long>(shown)), "; ") +
                    (problems.size() > shown ? "; and " + std::to_string(problems.size() - shown) + " more" : ""),
                "The new side may write values the old one cannot hold: make the types match (a project override), or "
                "run with --no-reverse (or --force reverse once you have checked the values).");
  }
  g.ok = true;
  g.detail = "the target's log can be streamed back; both sides tag Ferry's writes; " + std::to_string(tables.size()) +
             " table(s) map back with their types";
  return g;
}

core::Result<ReversePlan> prepareReverse(const CutoverRequest& req, const std::string& migrationId,
                                         const std::vector<state::TableState>& tables) {
  ReversePlan plan;
  plan.statePath = reverseStatePath(req.options.statePath);
  const std::string name = reverseName(migrationId);
  // A way back an aborted cutover prepared: its slot goes first.
  FERRY_TRY(dropReverse(req.target, plan.statePath));
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(plan.statePath + suffix, ec);

  auto store = state::RunStateStore::open(plan.statePath, state::OpenMode::Create);
  if (!store) return std::move(store).error();
  auto& st = **store;
  state::RunInfo info;
  info.sourceUrl = req.target.toUrlWithoutPassword();
  info.targetUrl = req.source.toUrlWithoutPassword();
  info.status = state::RunStatus::Copied;
  auto made = st.createRun(info);
  if (!made) return std::move(made).error();
  FERRY_TRY(st.saveSetting("migration_id", migrationId));
  FERRY_TRY(st.saveSetting("forward_state", req.options.statePath));
  std::vector<state::TableState> back;
  std::vector<std::pair<std::string, std::string>> published;
  for (const auto& t : tables) {
    state::TableState b;
    b.sourceSchema = t.targetSchema;
    b.sourceTable = t.targetTable;
    b.targetSchema = t.sourceSchema;
    b.targetTable = t.sourceTable;
    b.keyColumnsJson = t.keyColumnsJson;
    b.status = state::TableStatus::Copied;
    back.push_back(b);
    published.emplace_back(b.sourceSchema, b.sourceTable);
  }
  if (auto added = st.addTables(back); !added) return std::move(added).error();
  FERRY_TRY(st.saveSetting("stream_seam", "single"));

  state::SnapshotInfo snap;
  if (req.target.engine == model::Engine::PostgreSQL) {
    // The forward run's append-only tables (no replica identity, published for
    // inserts only) go back the same way: in a publication of all changes the
    // application's UPDATE and DELETE on them would fail on the new side.
    std::set<std::string> insertsOnly;
    if (req.source.engine == model::Engine::PostgreSQL) {
      auto fwd = state::RunStateStore::open(req.options.statePath, state::OpenMode::Resume);
      if (!fwd) return std::move(fwd).error();
      auto pubs = (*fwd)->loadSetting("publication");
      if (!pubs) return std::move(pubs).error();
      const auto names = *pubs ? core::split(**pubs, ',') : std::vector<std::string>{};
      if (names.size() > 1) {
        auto c = PgConnection::open(req.source);
        if (!c) return std::move(c).error();
        auto r = (*c)->query("SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1", {names[1]});
        if (!r) return std::move(r).error();
        for (auto row : *r) {
          for (const auto& t : tables) {
            if (t.sourceSchema + "." + t.sourceTable == row.str("t")) insertsOnly.insert(t.targetSchema + "." + t.targetTable);
          }
        }
      }
    }
    FERRY_TRY(createRunPublication(req.target, name, published, insertsOnly));
    FERRY_TRY(st.saveSetting("publication", insertsOnly.empty() ? name : name + "," + insertsOnlyPublication(name)));
    auto c = PgConnection::open(req.target);
    if (!c) return std::move(c).error();
    auto slot = (*c)->query("SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')", {name});
    if (!slot) return std::move(slot).error().context("creating the way back's slot " + name);
    snap.engine = state::SnapshotEngine::PostgreSQL;
    snap.slotName = name;
    snap.consistentLsn = slot->row(0).str("lsn");
    plan.start = snap.consistentLsn;
  } else {
    auto c = MySqlConnection::open(req.target);
    if (!c) return std::move(c).error();
    auto master = (*c)->query("SHOW MASTER STATUS");
    if (!master) return std::move(master).error();
    auto gtid = (*c)->query("SELECT @@global.gtid_binlog_pos AS g");
    if (!gtid) return std::move(gtid).error();
    if (master->empty()) return Error(ErrorKind::Config, "the target writes no binlog", "Enable log_bin on the target, or run with --no-reverse.");
    snap.engine = state::SnapshotEngine::MariaDB;
    snap.binlogFile = master->row(0).str("File");
    snap.binlogPosition = static_cast<std::uint64_t>(master->row(0).i64("Position"));
    snap.gtidPosition = gtid->row(0).str("g");
    plan.start = snap.gtidPosition + " " + snap.binlogFile + ":" + std::to_string(snap.binlogPosition);
  }
  snap.capturedAt = std::chrono::system_clock::now();
  FERRY_TRY(st.saveSnapshot(snap));
  return plan;
}

core::Status dropReverse(const connect::ConnectionSpec& newSide, const std::string& reverseState) {
  std::error_code ec;
  if (!std::filesystem::exists(reverseState, ec)) return {};
  auto store = state::RunStateStore::open(reverseState, state::OpenMode::Resume);
  if (!store) return {};  // unreadable: nothing of ours to find in it
  auto snap = (*store)->loadSnapshot();
  auto pub = (*store)->loadSetting("publication");
  if (newSide.engine != model::Engine::PostgreSQL || !snap || !*snap || (*snap)->slotName.empty()) return {};
  auto c = PgConnection::open(newSide);
  if (!c) return std::move(c).error();
  FERRY_TRY(dropSlotWhenFree(**c, (*snap)->slotName));
  if (pub && *pub && !(*pub)->empty()) {
    for (const auto& name : core::split(**pub, ',')) {
      FERRY_TRY((*c)->exec("DROP PUBLICATION IF EXISTS " + PgConnection::quoteIdent(name)));
    }
  }
  return {};
}

/// PostgreSQL old source: the forward run's publication and slot again, at the
/// source's position now (everything before is on both sides), so `ferry sync`
/// on the forward run streams from here. MariaDB: the forward run resumes from
/// the GTID position its target stored; Ferry's own writes back are left out.
core::Result<std::string> rearmForward(const connect::ConnectionSpec& oldSide, const std::string& forwardState) {
  auto store = state::RunStateStore::open(forwardState, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto tables = st.listTables();
  if (!tables) return std::move(tables).error();
  if (oldSide.engine != model::Engine::PostgreSQL) return std::string("resumes from the target's stored GTID position");
  auto snap = st.loadSnapshot();
  if (!snap) return std::move(snap).error();
  auto pub = st.loadSetting("publication");
  if (!pub) return std::move(pub).error();
  if (!*snap || (*snap)->slotName.empty() || !*pub) return std::string("the run kept no slot");
  std::vector<std::pair<std::string, std::string>> published;
  for (const auto& t : *tables) published.emplace_back(t.sourceSchema, t.sourceTable);
  auto c = connect::PgConnection::open(oldSide);
  if (!c) return std::move(c).error();
  // A slot left by an earlier attempt of this rollback goes first.
  FERRY_TRY((*c)->query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active",
                        {(*snap)->slotName}));
  // The run's publications stayed through the cutover; one dropped by hand is made again (all changes).
  const std::string mainPub = core::split(**pub, ',').front();
  auto exists = (*c)->query("SELECT 1 FROM pg_publication WHERE pubname = $1", {mainPub});
  if (!exists) return std::move(exists).error();
  if (exists->empty()) FERRY_TRY(createRunPublication(oldSide, mainPub, published));
  auto slot = (*c)->query("SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')", {(*snap)->slotName});
  if (!slot) return std::move(slot).error().context("the forward slot " + (*snap)->slotName + " again");
  state::SnapshotInfo s = **snap;
  s.consistentLsn = slot->row(0).str("lsn");
  s.capturedAt = std::chrono::system_clock::now();
  FERRY_TRY(st.saveSnapshot(s));
  return "slot " + s.slotName + " at " + s.consistentLsn;
}


}  // namespace ferry::run
