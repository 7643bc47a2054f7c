// The target's columns against the source's, when the sync starts and when the
// stream brings a relation with a new column (run/sync_support.h).

#include <map>
#include <set>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "ddl/quoting.h"
#include "ddl/type_widening.h"
#include "run/copy_support.h"
#include "run/sync_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

namespace {

core::Status recordApplied(state::RunStateStore& st, const std::string& stmt) {
  auto n = st.loadSetting("ddl_applied_count");
  if (!n) return std::move(n).error();
  const int k = *n && !(*n)->empty() ? std::stoi(**n) + 1 : 1;
  FERRY_TRY(st.saveSetting("ddl_applied_" + std::to_string(k), stmt));
  return st.saveSetting("ddl_applied_count", std::to_string(k));
}

}  // namespace

namespace {

/// How the target prints each of `types` (a throwaway temporary table with a
/// column of each): the proposed types compared in the target's own spelling.
/// Empty when the target refuses one of them (the check is then skipped).
std::vector<std::string> targetSpelling(connect::PgConnection* pgc, connect::MySqlConnection* myc,
                                        const std::string& schema, const std::vector<std::string>& types) {
  std::vector<std::string> cols;
  for (std::size_t i = 0; i < types.size(); ++i) cols.push_back("c" + std::to_string(i) + " " + types[i]);
  std::vector<std::string> out;
  if (pgc) {
    if (!pgc->exec("CREATE TEMP TABLE ferry_type_probe (" + core::join(cols, ", ") + ")")) return {};
    auto r = pgc->query("SELECT format_type(atttypid, atttypmod) AS ty FROM pg_attribute WHERE attrelid = "
                        "'pg_temp.ferry_type_probe'::regclass AND attnum > 0 ORDER BY attnum");
    (void)pgc->exec("DROP TABLE pg_temp.ferry_type_probe");
    if (!r) return {};
    for (auto row : *r) out.push_back(row.str("ty"));
  } else {
    const std::string probe = connect::MySqlConnection::quoteIdent(schema) + ".ferry_type_probe";
    if (!myc->exec("CREATE TEMPORARY TABLE " + probe + " (" + core::join(cols, ", ") + ")")) return {};
    auto r = myc->query("SHOW COLUMNS FROM " + probe);
    (void)myc->exec("DROP TEMPORARY TABLE " + probe);
    if (!r) return {};
    for (auto row : *r) out.push_back(row.str("Type"));
  }
  return out.size() == types.size() ? out : std::vector<std::string>{};
}

}  // namespace

core::Status reconcileTargetColumns(const connect::ConnectionSpec& target, const std::vector<copy::TableJob>& jobs,
                                    const ddl::TargetModel& model, DdlPolicy policy, state::RunStateStore& st,
                                    std::atomic<SyncRun::StopReason>& reason) {
  const bool pg = target.engine == model::Engine::PostgreSQL;
  std::unique_ptr<connect::PgConnection> pgc;
  std::unique_ptr<connect::MySqlConnection> myc;
  if (pg) {
    auto c = connect::PgConnection::open(target);
    if (!c) return std::move(c).error().context("target");
    pgc = std::move(*c);
  } else {
    auto c = connect::MySqlConnection::open(target);
    if (!c) return std::move(c).error().context("target");
    myc = std::move(*c);
  }
  std::vector<std::string> proposals;
  std::vector<std::string> changeNames;
  bool allAdditive = true;
  // Every column of the target schemas the jobs write to, with its type, in one query.
  std::set<std::string> schemas;
  for (const auto& job : jobs) schemas.insert(job.targetSchema);
  if (schemas.empty()) return st.saveSetting("ddl_proposed", "");
  std::vector<std::string> quoted;
  for (const auto& sc : schemas) {
    quoted.push_back(pg ? connect::PgConnection::quoteLiteral(sc) : connect::MySqlConnection::quoteLiteral(sc));
  }
  auto cols = pg ? pgc->query("SELECT n.nspname AS s, c.relname AS t, a.attname AS c, format_type(a.atttypid, "
                              "a.atttypmod) AS ty FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN "
                              "pg_namespace n ON n.oid = c.relnamespace WHERE a.attnum > 0 AND NOT a.attisdropped "
                              "AND c.relkind IN ('r', 'p') AND n.nspname IN (" + core::join(quoted, ", ") + ")")
                 : myc->query("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty FROM "
                              "information_schema.COLUMNS WHERE TABLE_SCHEMA IN (" + core::join(quoted, ", ") + ")");
  if (!cols) return std::move(cols).error().context("reading the target's columns");
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> columnsOf;
  for (auto row : *cols) columnsOf[{row.str("s"), row.str("t")}][row.str("c")] = row.str("ty");
  // A change is applied (--ddl auto-additive, and it only adds or widens) or proposed.
  const auto decide = [&](const std::string& stmt, bool additive, const std::string& what) -> core::Status {
    if (policy == DdlPolicy::AutoAdditive && additive) {
      FERRY_TRY(pg ? pgc->exec(stmt) : myc->exec(stmt));
      core::log(core::LogLevel::Info, "sync: --ddl auto-additive: applied on the target: " + stmt);
      return recordApplied(st, stmt);
    }
    allAdditive = allAdditive && additive;
    proposals.push_back(stmt + ";");
    changeNames.push_back(what);
    return {};
  };
  for (const auto& job : jobs) {
    const auto found = columnsOf.find({job.targetSchema, job.targetTable});
    if (found == columnsOf.end()) continue;  // the table itself is missing: the apply says so
    const auto& have = found->second;
    const ddl::TableDef* def = nullptr;
    for (const auto& t : model.tables) {
      if (t.schema == job.targetSchema && t.name == job.targetTable) def = &t;
    }
    const std::string table = ddl::qualified(target.engine, job.targetSchema, job.targetTable);
    std::vector<const ddl::ColumnDef*> present;  // columns the target has: their types are compared below
    for (const auto& c : job.columns) {
      const ddl::ColumnDef* col = nullptr;
      if (def) {
        for (const auto& cd : def->columns) {
          if (cd.name == c.targetName) col = &cd;
        }
      }
      if (!col) {
        return Error(ErrorKind::Internal, "no target definition for the column " + job.label() + "." + c.sourceName);
      }
      if (have.contains(c.targetName)) {
        present.push_back(col);
        continue;
      }
      const bool additive = col->nullable && !col->generatedExpr && col->identity == ddl::IdentityDef::None;
      FERRY_TRY(decide("ALTER TABLE " + table + " ADD COLUMN " + ddl::columnDefinition(target.engine, *col), additive,
                       job.label() + "." + c.sourceName + " (" + col->type + (col->nullable ? "" : " NOT NULL") + ")"));
    }
    // A source column whose type changed (ALTER COLUMN … TYPE): the target's
    // column must hold what the mapping of its new type writes — the same type,
    // or a wider one (a DBA may have widened it).
    std::vector<std::string> proposedTypes;
    for (const auto* col : present) proposedTypes.push_back(col->type);
    const auto spelled = targetSpelling(pgc.get(), myc.get(), job.targetSchema, proposedTypes);
    if (spelled.empty() && !present.empty()) {
      core::log(core::LogLevel::Warning, "sync: " + job.label() + ": the target refused a probe of its column types; "
                                         "a type changed on the source is not checked for this table");
      continue;
    }
    for (std::size_t i = 0; i < present.size(); ++i) {
      const std::string& now = have.at(present[i]->name);
      if (now == spelled[i] || ddl::isWidening(target.engine, spelled[i], now)) continue;
      const std::string stmt =
          pg ? "ALTER TABLE " + table + " ALTER COLUMN " + ddl::quoteIdent(target.engine, present[i]->name) +
                   " TYPE " + present[i]->type
             : "ALTER TABLE " + table + " MODIFY COLUMN " + ddl::columnDefinition(target.engine, *present[i]);
      FERRY_TRY(decide(stmt, ddl::isWidening(target.engine, now, spelled[i]),
                       job.label() + "." + present[i]->name + " (type " + now + " → " + spelled[i] + ")"));
    }
  }
  if (proposals.empty()) return st.saveSetting("ddl_proposed", "");
  reason = SyncRun::StopReason::SchemaChange;
  FERRY_TRY(st.saveSetting("ddl_proposed", core::join(proposals, "\n")));
  FERRY_TRY(st.saveSetting("ddl_change", core::join(changeNames, ", ")));
  return Error(ErrorKind::Unsupported,
               "the target's columns differ from the source's now: " + core::join(changeNames, ", "),
               "Proposed for the target: " + core::join(proposals, " ") +
                   (allAdditive || policy == DdlPolicy::AutoAdditive
                        ? std::string(" Decide: ferry sync --apply-ddl runs it on the target and streams on (or "
                                      "--apply-ddl-file FILE with your edit of it; ferry status shows it too) — or "
                                      "sync with --ddl auto-additive to add nullable columns and widen types by "
                                      "itself.")
                        : std::string(" A NOT NULL, generated or identity column, and a type change that is not a "
                                      "widening, are not applied by --ddl auto-additive: decide with ferry sync "
                                      "--apply-ddl (or --apply-ddl-file FILE with your edit of it).")));
}

core::Result<std::optional<PendingSchemaChange>> pendingSchemaChange(const std::string& statePath) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto proposed = (*store)->loadSetting("ddl_proposed");
  if (!proposed) return std::move(proposed).error();
  if (!*proposed || (*proposed)->empty()) return std::optional<PendingSchemaChange>{};
  auto change = (*store)->loadSetting("ddl_change");
  if (!change) return std::move(change).error();
  return std::optional<PendingSchemaChange>(PendingSchemaChange{change->value_or(""), **proposed});
}

core::Result<std::vector<std::string>> applySchemaDecision(const std::string& statePath,
                                                           const connect::ConnectionSpec& target,
                                                           const std::string& sql) {
  std::vector<std::string> statements;
  for (auto& stmt : splitStatements(sql)) {
    if (!core::trim(stmt).empty()) statements.push_back(core::trim(stmt));
  }
  if (statements.empty()) {
    return Error(ErrorKind::Usage, "no statement to apply", "Give the proposed statement, or your edit of it.");
  }
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto running = syncRunningOn(st);
  if (!running) return std::move(running).error();
  if (*running) {
    return Error(ErrorKind::Usage, "a sync is running on " + statePath,
                 "Apply the schema change while the sync is stopped at it.");
  }
  if (target.engine == model::Engine::PostgreSQL) {
    auto c = connect::PgConnection::open(target);
    if (!c) return std::move(c).error().context("target");
    FERRY_TRY((*c)->exec("BEGIN"));
    for (const auto& stmt : statements) {
      if (auto r = (*c)->exec(stmt); !r) {
        (void)(*c)->exec("ROLLBACK");
        return std::move(r).error().context("applying the schema change (nothing of it was applied)");
      }
    }
    FERRY_TRY((*c)->exec("COMMIT"));
    for (const auto& stmt : statements) FERRY_TRY(recordApplied(st, stmt));
  } else {
    // MySQL/MariaDB commit each DDL statement by itself.
    auto c = connect::MySqlConnection::open(target);
    if (!c) return std::move(c).error().context("target");
    for (size_t i = 0; i < statements.size(); ++i) {
      if (auto r = (*c)->exec(statements[i]); !r) {
        return std::move(r).error().context("applying the schema change (" + std::to_string(i) + " of " +
                                            std::to_string(statements.size()) + " statements applied before it)");
      }
      FERRY_TRY(recordApplied(st, statements[i]));
    }
  }
  core::log(core::LogLevel::Info, "sync: schema change applied on the target: " + core::join(statements, "; "));
  FERRY_TRY(st.saveSetting("ddl_proposed", ""));
  FERRY_TRY(st.saveSetting("ddl_change", ""));
  return statements;
}

}  // namespace ferry::run
