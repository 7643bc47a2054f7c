// The cutover's gates (docs/cutover.md, "Gates"): what is checked before the
// fence, and the source's log end and old transactions the live ones read.

#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "cutover/canary.h"
#include "run/cutover_support.h"
#include "run/verify_run.h"

namespace ferry::run {

using connect::MySqlConnection;
using connect::PgConnection;
using core::Error;
using core::ErrorKind;

core::Result<std::string> sourceLogEnd(SideConnection& source) {
  if (source.isPg()) {
    auto c = source.pg();
    if (!c) return std::move(c).error();
    // The insert position, not pg_current_wal_lsn() (the write position): a
    // transaction committed asynchronously (synchronous_commit = off) is in WAL
    // past the write position until the WAL writer comes round — reading that
    // as the fence position would leave it out of the drain.
    auto r = (*c)->query("SELECT pg_current_wal_insert_lsn()::text AS w");
    if (!r) return std::move(r).error();
    // A synchronous commit of our own flushes everything before it: the stream
    // gets those transactions now rather than when the WAL writer wakes.
    FERRY_TRY((*c)->exec("BEGIN; SET LOCAL synchronous_commit = on; "
                         "SELECT pg_logical_emit_message(true, 'ferry_fence', ''); COMMIT"));
    return r->row(0).str("w");
  }
  auto c = source.my();
  if (!c) return std::move(c).error();
  auto r = (*c)->query("SHOW MASTER STATUS");
  if (!r) return std::move(r).error();
  if (r->empty()) {
    return Error(ErrorKind::Config, "the source writes no binlog (SHOW MASTER STATUS is empty)",
                 "Enable log_bin on the source: the stream needs it.");
  }
  return r->row(0).str("File") + ":" + r->row(0).str("Position");
}

core::Result<std::vector<std::string>> oldTransactions(SideConnection& source, int maxAgeSeconds) {
  std::vector<std::string> out;
  if (source.isPg()) {
    auto c = source.pg();
    if (!c) return std::move(c).error();
    auto r = (*c)->query(
        "SELECT pid::text AS pid, usename, extract(epoch FROM now() - xact_start)::bigint AS age FROM pg_stat_activity "
        "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database() "
        "AND usename IS DISTINCT FROM current_user AND now() - xact_start > make_interval(secs => $1::int) ORDER BY age DESC",
        {std::to_string(maxAgeSeconds)});
    if (!r) return std::move(r).error();
    for (auto row : *r) out.push_back("pid " + row.str("pid") + " (" + row.str("usename") + ") writing for " + row.str("age") + " s");
    return out;
  }
  auto c = source.my();
  if (!c) return std::move(c).error();
  auto r = (*c)->query(
      "SELECT t.trx_mysql_thread_id AS id, p.USER AS u, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age "
      "FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
      "WHERE t.trx_mysql_thread_id <> CONNECTION_ID() AND t.trx_rows_modified > 0 "
      "AND TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) > " + std::to_string(maxAgeSeconds) + " ORDER BY age DESC");
  if (!r) return std::move(r).error();
  for (auto row : *r) out.push_back("connection " + row.str("id") + " (" + row.str("u") + ") writing for " + row.str("age") + " s");
  return out;
}

core::Result<std::vector<std::string>> preparedTransactions(SideConnection& source) {
  std::vector<std::string> out;
  if (source.isPg()) {
    auto c = source.pg();
    if (!c) return std::move(c).error();
    auto r = (*c)->query("SELECT gid, owner, prepared::text AS at FROM pg_prepared_xacts WHERE database = current_database()");
    if (!r) return std::move(r).error();
    for (auto row : *r) out.push_back("prepared transaction '" + row.str("gid") + "' of " + row.str("owner") + " since " + row.str("at"));
    return out;
  }
  auto c = source.my();
  if (!c) return std::move(c).error();
  auto r = (*c)->query("XA RECOVER");
  if (!r) return std::move(r).error();
  for (std::size_t i = 0; i < r->size(); ++i) out.push_back("XA transaction '" + r->at(i, 3).value_or("?") + "'");
  return out;
}

namespace {

CutoverGate gate(std::string name, bool ok, std::string detail, std::string fix = {}) {
  return {std::move(name), ok, false, std::move(detail), std::move(fix)};
}

CutoverGate failedToCheck(std::string name, const Error& e) {
  return gate(std::move(name), false, "could not be checked: " + e.oneLine(), e.hint());
}

CutoverGate verifyGate(const CutoverOptions& o) {
  auto last = lastVerification(o.statePath);
  if (!last) return failedToCheck("verify", last.error());
  const std::string fix = "Run ferry verify --state " + o.statePath + " while the sync runs (it compares both sides at one position).";
  if (!*last) return gate("verify", false, "the run was never verified", fix);
  const auto& v = **last;
  const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const double hours = static_cast<double>(nowMs - v.finishedAtMs) / 3'600'000.0;
  char age[64];
  std::snprintf(age, sizeof age, "%.1f h ago", hours);
  const std::string at = v.asOf.empty() ? std::string("") : " as of source position " + v.asOf;
  if (!v.identical) {
    return gate("verify", false, "the last verification (" + std::string(age) + ") found " + std::to_string(v.differences) +
                                     " difference(s)",
                "Repair them (ferry repair) and verify again.");
  }
  if (v.level != "full" || v.samplePercent < 100) {
    return gate("verify", false, "the last verification was " + v.level + " on a " + std::to_string(static_cast<int>(v.samplePercent)) + "% sample", fix);
  }
  if (hours > o.verifyMaxAgeHours) {
    return gate("verify", false, "the last identical verification is " + std::string(age) + " (older than " +
                                     std::to_string(o.verifyMaxAgeHours) + " h)", fix);
  }
  return gate("verify", true, std::to_string(v.tables) + " table(s) identical" + at + ", " + age);
}

/// Role → the privileges it holds on the run's tables, each as {target schema, target table, privilege}.
using Grants = std::map<std::string, std::set<std::tuple<std::string, std::string, std::string>>>;

/// The source's grantees on the run's tables (Ferry's own, superusers and
/// owners left out), read in one query, in target names.
core::Result<Grants> sourceWriters(const connect::ConnectionSpec& source, const std::vector<state::TableState>& tables) {
  std::map<std::pair<std::string, std::string>, const state::TableState*> bySource;
  std::set<std::string> schemas;
  for (const auto& t : tables) {
    if (t.sourceTable == cutover::kCanaryTable) continue;  // Ferry's own, granted by Ferry
    bySource[{t.sourceSchema, t.sourceTable}] = &t;
    schemas.insert(t.sourceSchema);
  }
  Grants out;
  if (bySource.empty()) return out;
  auto add = [&](const std::string& role, const state::TableState& t, const std::string& priv) {
    out[role].insert({t.targetSchema, t.targetTable, priv});
  };
  if (source.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(source);
    if (!c) return std::move(c).error();
    std::vector<std::string> keys;
    for (const auto& [key, t] : bySource) {
      keys.push_back("(" + PgConnection::quoteLiteral(key.first) + ", " + PgConnection::quoteLiteral(key.second) + ")");
    }
    auto r = (*c)->query(
        "SELECT n.nspname AS s, c.relname AS t, r.rolname AS role, a.privilege_type AS p FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a "
        "JOIN pg_roles r ON r.oid = a.grantee WHERE (n.nspname, c.relname) IN (" + core::join(keys, ", ") + ") "
        "AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') AND r.rolname <> current_user "
        "AND NOT r.rolsuper AND r.oid <> c.relowner");
    if (!r) return std::move(r).error();
    for (auto row : *r) add(row.str("role"), *bySource.at({row.str("s"), row.str("t")}), row.str("p"));
    return out;
  }
  auto c = MySqlConnection::open(source);
  if (!c) return std::move(c).error();
  std::vector<std::string> in;
  for (const auto& sch : schemas) in.push_back(MySqlConnection::quoteLiteral(sch));
  // Table and database grants (global ones belong to administrators); a
  // database grant (TABLE_NAME NULL) covers every run table of it.
  auto r = (*c)->query(
      "SELECT GRANTEE AS g, TABLE_SCHEMA AS s, TABLE_NAME AS t, PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES "
      "WHERE TABLE_SCHEMA IN (" + core::join(in, ", ") + ") AND PRIVILEGE_TYPE IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') "
      "UNION SELECT GRANTEE, TABLE_SCHEMA, NULL, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES "
      "WHERE TABLE_SCHEMA IN (" + core::join(in, ", ") + ") AND PRIVILEGE_TYPE IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')");
  if (!r) return std::move(r).error();
  for (auto row : *r) {
    const std::string g = row.str("g");  // 'user'@'host'
    const auto at = g.find("'@'");
    const std::string user = at == std::string::npos ? g : g.substr(1, at - 1);
    if (user == source.user) continue;
    for (const auto& [key, t] : bySource) {
      if (key.first == row.str("s") && (row.isNull("t") || key.second == row.str("t"))) add(user, *t, row.str("p"));
    }
  }
  return out;
}

/// The privileges of `writers` the target lacks ("role lacks P on s.t", "role R does not exist"), read in
/// one query (PostgreSQL) or one per role (MySQL/MariaDB).
core::Result<std::vector<std::string>> lackingOnTarget(const connect::ConnectionSpec& target, const Grants& writers) {
  std::vector<std::string> lacking;
  if (target.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(target);
    if (!c) return std::move(c).error();
    std::vector<std::string> rows;
    for (const auto& [role, privileges] : writers) {
      for (const auto& [sch, tbl, priv] : privileges) {
        rows.push_back("(" + PgConnection::quoteLiteral(role) + ", " + PgConnection::quoteLiteral(sch) + ", " +
                       PgConnection::quoteLiteral(tbl) + ", " + PgConnection::quoteLiteral(priv) + ")");
      }
    }
    auto r = (*c)->query(
        "SELECT v.role, v.sch || '.' || v.tbl AS t, v.priv, r.rolname IS NOT NULL AS known, "
        // CASE, not AND: has_table_privilege fails on a role or table that does not exist.
        "CASE WHEN r.rolname IS NULL OR to_regclass(quote_ident(v.sch) || '.' || quote_ident(v.tbl)) IS NULL THEN false "
        "ELSE has_table_privilege(v.role, quote_ident(v.sch) || '.' || quote_ident(v.tbl), v.priv) END AS ok "
        "FROM (VALUES " + core::join(rows, ", ") + ") v(role, sch, tbl, priv) LEFT JOIN pg_roles r ON r.rolname = v.role "
        "ORDER BY 1, 2, 3");
    if (!r) return std::move(r).error();
    std::set<std::string> unknown;
    for (auto row : *r) {
      if (!row.boolean("known")) {
        if (unknown.insert(row.str("role")).second) lacking.push_back("role " + row.str("role") + " does not exist");
      } else if (!row.boolean("ok")) {
        lacking.push_back(row.str("role") + " lacks " + row.str("priv") + " on " + row.str("t"));
      }
    }
    return lacking;
  }
  auto c = MySqlConnection::open(target);
  if (!c) return std::move(c).error();
  for (const auto& [role, privileges] : writers) {
    const std::string like = MySqlConnection::quoteLiteral("'" + role + "'@%");
    auto exists = (*c)->query("SELECT 1 FROM mysql.user WHERE User = " + MySqlConnection::quoteLiteral(role));
    if (!exists) return std::move(exists).error();
    if (exists->empty()) {
      lacking.push_back("account " + role + " does not exist");
      continue;
    }
    // Every grant the account holds, on any level ('' schema: global, '' table: the whole database).
    auto held = (*c)->query(
        "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE LIKE " + like +
        " UNION SELECT TABLE_SCHEMA, '', PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE LIKE " + like +
        " UNION SELECT '', '', PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE " + like);
    if (!held) return std::move(held).error();
    std::set<std::tuple<std::string, std::string, std::string>> has;
    for (auto row : *held) has.insert({row.str("s"), row.str("t"), row.str("p")});
    for (const auto& [sch, tbl, priv] : privileges) {
      if (!has.contains({sch, tbl, priv}) && !has.contains({sch, "", priv}) && !has.contains({"", "", priv})) {
        lacking.push_back(role + " lacks " + priv + " on " + sch + "." + tbl);
      }
    }
  }
  return lacking;
}

CutoverGate rolesGate(const CutoverRequest& req, const std::vector<state::TableState>& tables) {
  auto writers = sourceWriters(req.source, tables);
  if (!writers) return failedToCheck("roles", writers.error());
  if (writers->empty()) return gate("roles", true, "no role but Ferry's and the owners has privileges on the source tables");
  auto lacking = lackingOnTarget(req.target, *writers);
  if (!lacking) return failedToCheck("roles", lacking.error());
  if (!lacking->empty()) {
    const std::size_t shown = std::min<std::size_t>(lacking->size(), 8);
    return gate("roles", false,
                core::join(std::vector<std::string>(lacking->begin(), lacking->begin() + static_cast<long>(shown)), "; ") +
                    (lacking->size() > shown ? "; and " + std::to_string(lacking->size() - shown) + " more" : ""),
                "Create the application's roles and grants on the target before the switch, or the application fails there.");
  }
  std::vector<std::string> names;
  for (const auto& [role, p] : *writers) names.push_back(role);
  return gate("roles", true, core::join(names, ", ") + " hold the same privileges on the target");
}

}  // namespace

std::vector<CutoverGate> staticGates(const StaticGateInput& in) {
  const auto& req = *in.request;
  const auto& o = req.options;
  std::vector<CutoverGate> gates;
  gates.push_back(verifyGate(o));
  {
    std::vector<std::string> missing;
    SideConnection source(req.source), target(req.target);
    auto plan = alignSequences(source, target, in.tables, o.sequenceHeadroom, true, &missing);
    if (!plan) {
      gates.push_back(failedToCheck("sequences", plan.error()));
    } else if (!missing.empty()) {
      gates.push_back(gate("sequences", false, "no target counterpart for " + core::join(missing, ", "),
                           "Create the sequence (or AUTO_INCREMENT) on the target, or the application's next inserts "
                           "there draw no value."));
    } else {
      gates.push_back(gate("sequences", true, std::to_string(plan->size()) + " counter(s) matched on the target"));
    }
  }
  if (!o.noReverse) gates.push_back(reverseGate(req, in.tables));
  if (in.fence != nullptr) {
    auto f = in.fence->check();
    if (!f) {
      gates.push_back(failedToCheck("fence", f.error()));
    } else {
      gates.push_back(gate("fence", f->ok, f->detail, f->fix));
    }
  }
  gates.push_back(rolesGate(req, in.tables));
  return gates;
}

}  // namespace ferry::run
