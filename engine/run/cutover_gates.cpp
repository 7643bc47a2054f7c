// The cutover's gates (docs/cutover.md, "Gates"): what is checked before the
// fence, and the source's log end and old transactions the live ones read.

#include <chrono>
#include <map>
#include <set>

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

/// Source grantees with write privileges on the run's tables, by name (Ferry's own left out).
core::Result<std::map<std::string, std::set<std::string>>> sourceWriters(const connect::ConnectionSpec& source,
                                                                         const std::vector<state::TableState>& tables) {
  std::map<std::string, std::set<std::string>> out;  // role → "target schema.table:PRIV"
  if (source.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(source);
    if (!c) return std::move(c).error();
    for (const auto& t : tables) {
      if (t.sourceTable == cutover::kCanaryTable) continue;  // Ferry's own, granted by Ferry
      auto r = (*c)->query(
          "SELECT r.rolname AS role, a.privilege_type AS p FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
          "aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a JOIN pg_roles r ON r.oid = a.grantee "
          "WHERE n.nspname = $1 AND c.relname = $2 AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') "
          "AND r.rolname <> current_user AND NOT r.rolsuper AND r.oid <> c.relowner",
          {t.sourceSchema, t.sourceTable});
      if (!r) return std::move(r).error();
      for (auto row : *r) out[row.str("role")].insert(t.targetSchema + "." + t.targetTable + ":" + row.str("p"));
    }
    return out;
  }
  auto c = MySqlConnection::open(source);
  if (!c) return std::move(c).error();
  // Table and database grants (global ones belong to administrators).
  for (const auto& t : tables) {
    if (t.sourceTable == cutover::kCanaryTable) continue;
    const std::string s = MySqlConnection::quoteLiteral(t.sourceSchema), n = MySqlConnection::quoteLiteral(t.sourceTable);
    auto r = (*c)->query(
        "SELECT GRANTEE AS g, PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = " + s +
        " AND TABLE_NAME = " + n + " AND PRIVILEGE_TYPE IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') UNION "
        "SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = " + s +
        " AND PRIVILEGE_TYPE IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      std::string g = row.str("g");  // 'user'@'host'
      const auto at = g.find("'@'");
      std::string user = at == std::string::npos ? g : g.substr(1, at - 1);
      if (user == source.user) continue;
      out[user].insert(t.targetSchema + "." + t.targetTable + ":" + row.str("p"));
    }
  }
  return out;
}

CutoverGate rolesGate(const CutoverRequest& req, const std::vector<state::TableState>& tables) {
  auto writers = sourceWriters(req.source, tables);
  if (!writers) return failedToCheck("roles", writers.error());
  if (writers->empty()) return gate("roles", true, "no role but Ferry's and the owners has privileges on the source tables");
  std::vector<std::string> lacking;
  if (req.target.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(req.target);
    if (!c) return failedToCheck("roles", c.error());
    for (const auto& [role, privileges] : *writers) {
      auto exists = (*c)->query("SELECT 1 FROM pg_roles WHERE rolname = $1", {role});
      if (!exists) return failedToCheck("roles", exists.error());
      if (exists->empty()) {
        lacking.push_back("role " + role + " does not exist");
        continue;
      }
      for (const auto& p : privileges) {
        const auto colon = p.rfind(':');
        const std::string table = p.substr(0, colon), priv = p.substr(colon + 1);
        const auto dot = table.find('.');
        auto has = (*c)->query("SELECT has_table_privilege($1, quote_ident($2) || '.' || quote_ident($3), $4) AS ok",
                               {role, table.substr(0, dot), table.substr(dot + 1), priv});
        if (!has) return failedToCheck("roles", has.error());
        if (!has->row(0).boolean("ok")) lacking.push_back(role + " lacks " + priv + " on " + table);
      }
    }
  } else {
    auto c = MySqlConnection::open(req.target);
    if (!c) return failedToCheck("roles", c.error());
    for (const auto& [role, privileges] : *writers) {
      auto exists = (*c)->query("SELECT 1 FROM mysql.user WHERE User = " + MySqlConnection::quoteLiteral(role));
      if (!exists) return failedToCheck("roles", exists.error());
      if (exists->empty()) {
        lacking.push_back("account " + role + " does not exist");
        continue;
      }
      for (const auto& p : privileges) {
        const auto colon = p.rfind(':');
        const std::string table = p.substr(0, colon), priv = p.substr(colon + 1);
        const auto dot = table.find('.');
        const std::string like = MySqlConnection::quoteLiteral("'" + role + "'@%");
        auto has = (*c)->query(
            "SELECT 1 FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE LIKE " + like + " AND TABLE_SCHEMA = " +
            MySqlConnection::quoteLiteral(table.substr(0, dot)) + " AND TABLE_NAME = " +
            MySqlConnection::quoteLiteral(table.substr(dot + 1)) + " AND PRIVILEGE_TYPE = '" + priv + "' UNION "
            "SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE LIKE " + like + " AND TABLE_SCHEMA = " +
            MySqlConnection::quoteLiteral(table.substr(0, dot)) + " AND PRIVILEGE_TYPE = '" + priv + "' UNION "
            "SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE " + like + " AND PRIVILEGE_TYPE = '" + priv + "'");
        if (!has) return failedToCheck("roles", has.error());
        if (has->empty()) lacking.push_back(role + " lacks " + priv + " on " + table);
      }
    }
  }
  if (!lacking.empty()) {
    const std::size_t shown = std::min<std::size_t>(lacking.size(), 8);
    return gate("roles", false,
                core::join(std::vector<std::string>(lacking.begin(), lacking.begin() + static_cast<long>(shown)), "; ") +
                    (lacking.size() > shown ? "; and " + std::to_string(lacking.size() - shown) + " more" : ""),
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
