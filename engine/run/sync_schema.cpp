// The target's columns against the source's, when the sync starts and when the
// stream brings a relation with a new column (run/sync_support.h).

#include <algorithm>
#include <map>
#include <optional>
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
/// An Error when the target refuses the probe (the check is then skipped).
core::Result<std::vector<std::string>> targetSpelling(connect::PgConnection* pgc, connect::MySqlConnection* myc,
                                                      const std::string& schema, const std::vector<std::string>& types) {
  std::vector<std::string> cols;
  for (std::size_t i = 0; i < types.size(); ++i) cols.push_back("c" + std::to_string(i) + " " + types[i]);
  std::vector<std::string> out;
  if (pgc) {
    FERRY_TRY(pgc->exec("CREATE TEMP TABLE ferry_type_probe (" + core::join(cols, ", ") + ")"));
    auto r = pgc->query("SELECT format_type(atttypid, atttypmod) AS ty FROM pg_attribute WHERE attrelid = "
                        "'pg_temp.ferry_type_probe'::regclass AND attnum > 0 ORDER BY attnum");
    (void)pgc->exec("DROP TABLE pg_temp.ferry_type_probe");
    if (!r) return std::move(r).error();
    for (auto row : *r) out.push_back(row.str("ty"));
  } else {
    const std::string probe = connect::MySqlConnection::quoteIdent(schema) + ".ferry_type_probe";
    FERRY_TRY(myc->exec("CREATE TEMPORARY TABLE " + probe + " (" + core::join(cols, ", ") + ")"));
    auto r = myc->query("SHOW COLUMNS FROM " + probe);
    (void)myc->exec("DROP TEMPORARY TABLE " + probe);
    if (!r) return std::move(r).error();
    for (auto row : *r) out.push_back(row.str("Type"));
  }
  if (out.size() != types.size()) {
    return Error(ErrorKind::Internal, "the type probe has " + std::to_string(out.size()) + " columns of " +
                                          std::to_string(types.size()));
  }
  return out;
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
    // The mapped types and the proposed statements quote literals for
    // NO_BACKSLASH_ESCAPES (ddl::quoteLiteral), as every target script does: the
    // probe must read a backslash in an ENUM member as those scripts did.
    FERRY_TRY(myc->exec("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"));
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
  // A column the target has, whose type is compared with the mapping's below.
  struct Present {
    const copy::TableJob* job;
    std::string table;  ///< qualified for the target
    const ddl::ColumnDef* col;
    std::string now;  ///< the target's type, as it prints it
  };
  std::vector<Present> present;
  for (const auto& job : jobs) {
    const auto found = columnsOf.find({job.targetSchema, job.targetTable});
    if (found == columnsOf.end()) continue;  // the table itself is missing: the apply says so
    const auto& have = found->second;
    const ddl::TableDef* def = nullptr;
    for (const auto& t : model.tables) {
      if (t.schema == job.targetSchema && t.name == job.targetTable) def = &t;
    }
    const std::string table = ddl::qualified(target.engine, job.targetSchema, job.targetTable);
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
      if (const auto now = have.find(c.targetName); now != have.end()) {
        // Spelled alike: nothing to probe (most columns, most of the time).
        if (core::toLower(now->second) != core::toLower(col->type)) present.push_back({&job, table, col, now->second});
        continue;
      }
      const bool additive = col->nullable && !col->generatedExpr && col->identity == ddl::IdentityDef::None;
      FERRY_TRY(decide("ALTER TABLE " + table + " ADD COLUMN " + ddl::columnDefinition(target.engine, *col), additive,
                       job.label() + "." + c.sourceName + " (" + col->type + (col->nullable ? "" : " NOT NULL") + ")"));
    }
  }
  // A source column whose type changed (ALTER COLUMN … TYPE): the target's
  // column must hold what the mapping of its new type writes — the same type, or
  // a wider one (a DBA may have widened it). The types are spelled by the target
  // in probes of up to 500 columns; a probe the target refuses is made again
  // table by table, so one type it does not know skips only its own table.
  const auto spell = [&](std::size_t from, std::size_t to) {
    std::vector<std::string> types;
    for (std::size_t i = from; i < to; ++i) {
      // MySQL: with the column's collation (an ENUM of 'sad' and 'Sad' needs a case-sensitive one).
      const auto* col = present[i].col;
      types.push_back(col->type + (!pg && col->collation ? " COLLATE " + *col->collation : std::string()));
    }
    return targetSpelling(pgc.get(), myc.get(), present[from].job->targetSchema, types);
  };
  std::vector<std::optional<std::string>> spelled(present.size());
  constexpr std::size_t kProbeColumns = 500;
  for (std::size_t from = 0; from < present.size(); from += kProbeColumns) {
    const std::size_t to = std::min(present.size(), from + kProbeColumns);
    auto chunk = spell(from, to);
    if (!chunk) {
      for (std::size_t a = from; a < to;) {
        std::size_t b = a;
        while (b < to && present[b].job == present[a].job) ++b;
        auto one = spell(a, b);
        if (!one) {
          core::log(core::LogLevel::Warning, "sync: " + present[a].job->label() + ": the target refused a probe of "
                                             "its column types (" + one.error().oneLine() +
                                             "); a type changed on the source is not checked for it");
        }
        for (std::size_t i = a; i < b && one; ++i) spelled[i] = (*one)[i - a];
        a = b;
      }
      continue;
    }
    for (std::size_t i = from; i < to; ++i) spelled[i] = (*chunk)[i - from];
  }
  for (std::size_t i = 0; i < present.size(); ++i) {
    if (!spelled[i]) continue;
    const Present& p = present[i];
    const std::string& want = *spelled[i];
    if (p.now == want || ddl::isWidening(target.engine, want, p.now)) continue;
    const std::string stmt =
        pg ? "ALTER TABLE " + p.table + " ALTER COLUMN " + ddl::quoteIdent(target.engine, p.col->name) + " TYPE " +
                 p.col->type
           : "ALTER TABLE " + p.table + " MODIFY COLUMN " + ddl::columnDefinition(target.engine, *p.col);
    FERRY_TRY(decide(stmt, ddl::isWidening(target.engine, p.now, want),
                     p.job->label() + "." + p.col->name + " (type " + p.now + " → " + want + ")"));
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

DdlDecision decideDdl(const cdc::DdlStatement& d, const std::set<std::string>& streamed) {
  using DK = cdc::DdlStatement::Kind;
  using Op = cdc::DdlStatement::Column::Op;
  DdlDecision out;
  const auto stop = [&](std::string why) {
    out.action = DdlDecision::Action::Stop;
    out.why = std::move(why);
    return out;
  };
  if (!d.understood) return stop("a statement Ferry cannot read");
  std::vector<std::string> ours;
  for (const auto& t : d.tables) {
    if (streamed.contains(t)) ours.push_back(t);
  }
  if (ours.empty()) return out;
  switch (d.kind) {
    case DK::RenameTable:
      return stop("renames migrated table " + core::join(ours, ", ") + ", which the stream does not follow yet");
    case DK::DropTable:
      return stop("drops migrated table " + core::join(ours, ", ") + ", which the stream does not follow yet");
    case DK::Truncate:
      out.action = DdlDecision::Action::Truncate;
      out.table = ours.front();
      return out;
    case DK::AlterTable: break;
    default: return out;  // CREATE TABLE of a name already streamed (IF NOT EXISTS), …
  }
  const std::string& table = ours.front();
  if (d.renamesTable) return stop("renames migrated table " + table + ", which the stream does not follow yet");
  bool remap = d.convertsCharset;
  for (const auto& c : d.columns) {
    if (c.op == Op::Rename || (c.op == Op::Change && c.name != c.newName)) {
      return stop("renames column " + table + "." + c.name + " to " + c.newName);
    }
    if (c.op == Op::Add || c.op == Op::Modify || c.op == Op::Change) remap = true;
    if (c.op == Op::Drop) {
      out.notes.push_back(table + "." + c.name + " dropped on the source: the target keeps the column, and changes "
                                                  "from here on do not write it");
    }
  }
  if (remap) out.action = DdlDecision::Action::Remap;
  return out;
}

}  // namespace ferry::run
