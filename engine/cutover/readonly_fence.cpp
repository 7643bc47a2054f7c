// The read-only fence: the server itself refuses the application's writes
// (docs/cutover.md, "The read-only fence").

#include <set>
#include <thread>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "cutover/fence_kinds.h"

namespace ferry::cutover {

using core::Error;
using core::ErrorKind;

namespace {

/// What to do about sessions of roles that no revoke stops.
constexpr const char* kStrongFix = "Let the application connect as a role that is neither superuser nor owner of the tables.";

std::string tableList(const FenceScope& s) {
  std::vector<std::string> v;
  for (const auto& [schema, table] : s.tables) {
    v.push_back("(" + connect::PgConnection::quoteLiteral(schema) + ", " + connect::PgConnection::quoteLiteral(table) + ")");
  }
  return core::join(v, ", ");
}

/// PostgreSQL: the write privileges of every role but Ferry's on the migrated
/// tables (table and column grants, PUBLIC's too) are revoked in one
/// transaction; unfence grants back exactly those, with their grant options.
class PgReadOnlyFence final : public Fence {
public:
  PgReadOnlyFence(FenceOptions options, FenceScope scope) : m_o(std::move(options)), m_s(std::move(scope)) {}
  FenceKind kind() const override { return FenceKind::ReadOnly; }

  core::Result<GateCheck> check() override {
    if (m_s.tables.empty()) return GateCheck{false, "no table to fence", "The run has no table."};
    auto c = session();
    if (!c) return std::move(c).error();
    auto me = (*c)->query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!me) return std::move(me).error();
    const bool superuser = !me->empty() && me->row(0).boolean("rolsuper");
    auto strong = strongSessions(**c);
    if (!strong) return std::move(strong).error();
    if (!strong->empty()) {
      return GateCheck{false,
                       "sessions of " + core::join(*strong, ", ") +
                           " are on the source: a superuser or a table's owner writes whatever is revoked",
                       kStrongFix};
    }
    if (!superuser) {
      auto owned = (*c)->query("SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE (n.nspname, c.relname) IN (" + tableList(m_s) + ") AND NOT pg_has_role(c.relowner, 'USAGE')");
      if (!owned) return std::move(owned).error();
      if (owned->row(0).i64("n") > 0) {
        return GateCheck{false, std::to_string(owned->row(0).i64("n")) + " migrated table(s) are not owned by Ferry's role",
                         "Run the cutover as the tables' owner or a superuser: only they can revoke and grant back."};
      }
    }
    auto grants = readGrants(**c);
    if (!grants) return std::move(grants).error();
    std::set<std::string> who;
    for (const auto& g : *grants) who.insert(g.grantee);
    return GateCheck{true,
                     "revokes writes on " + std::to_string(m_s.tables.size()) + " table(s) from " +
                         (who.empty() ? std::string("nobody (no role but Ferry's may write)") : core::join(std::vector<std::string>(who.begin(), who.end()), ", ")),
                     ""};
  }

  core::Status fence(std::chrono::milliseconds timeout, const Persist& persist) override {
    auto c = session();
    if (!c) return std::move(c).error();
    auto grants = readGrants(**c);
    if (!grants) return std::move(grants).error();
    std::string sql = "BEGIN; SET LOCAL lock_timeout = " + std::to_string(std::max<long long>(1, timeout.count())) + ";";
    for (const auto& g : *grants) sql += " REVOKE " + g.privilege + g.columns + " ON " + g.table + " FROM " + g.granteeSql() + ";";
    sql += " COMMIT";
    m_revoked = std::move(*grants);
    m_inForce = true;
    persist(record());  // what to grant back, kept before anything is revoked
    if (auto r = (*c)->exec(sql); !r) {
      m_inForce = false;
      m_revoked.clear();
      return r;
    }
    if (auto e = settle(**c); !e) {
      (void)unfence();
      return e;
    }
    // The gate looked long before: a superuser's or an owner's session opened
    // since writes through the revoke.
    auto strong = strongSessions(**c);
    if (!strong || !strong->empty()) {
      (void)unfence();
      if (!strong) return std::move(strong).error();
      return Error(ErrorKind::Config,
                   "sessions of " + core::join(*strong, ", ") +
                       " reached the source before the fence: a superuser or a table's owner writes whatever is revoked; "
                       "granted back",
                   kStrongFix);
    }
    return {};
  }

  /// Roles that no revoke stops — other superusers and the tables' owners —
  /// with sessions on the database now.
  core::Result<std::vector<std::string>> strongSessions(connect::PgConnection& c) const {
    auto strong = c.query(
        "SELECT DISTINCT a.usename FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename "
        "WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.usename <> current_user "
        "AND (r.rolsuper OR r.oid IN (SELECT c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE (n.nspname, c.relname) IN (" + tableList(m_s) + "))) ORDER BY 1");
    if (!strong) return std::move(strong).error();
    std::vector<std::string> names;
    for (auto row : *strong) names.push_back(row.str("usename"));
    return names;
  }

  core::Status switchOver() override { return {}; }  // the application's own deploy (or --switch-command)

  /// After the revoke: a statement that began before it may have passed its
  /// privilege check with the old grants and not yet written (no transaction
  /// id to see). Until every statement active since before the revoke has
  /// ended, the sessions that hold a transaction id are ended (they wrote);
  /// a commit in between lands before the fence position, which is read
  /// afterwards. A statement still running after 200 ms is ended too.
  core::Status settle(connect::PgConnection& c) {
    auto at = c.query("SELECT clock_timestamp()::text AS t");
    if (!at) return std::move(at).error();
    const std::string revokedAt = at->row(0).str("t");
    const std::string others =
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND usename IS DISTINCT FROM current_user AND backend_type = 'client backend' ";
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    // Once none runs, one more look: a statement that took its transaction id
    // and ended between the two queries left its session idle in a write
    // transaction.
    for (bool last = false;; ) {
      FERRY_TRY(endWriters(c, 1));
      if (last) return {};
      auto active = c.query("SELECT count(*) AS n " + others + "AND state = 'active' AND query_start < $1::timestamptz",
                            {revokedAt});
      if (!active) return std::move(active).error();
      last = active->row(0).i64("n") == 0;
      if (last) continue;
      if (std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    auto slow = c.query("SELECT pid::text AS pid, usename, pg_terminate_backend(pid) AS t " + others +
                            "AND state = 'active' AND query_start < $1::timestamptz",
                        {revokedAt});
    if (!slow) return std::move(slow).error();
    for (auto row : *slow) {
      core::log(core::LogLevel::Warning, "fence: ended pid " + row.str("pid") + " (" + row.str("usename") +
                                             "): a statement begun before the revoke was still running");
    }
    return endWriters(c, 1);
  }

  core::Status unfence() override {
    if (!m_inForce) return {};
    auto c = session();
    if (!c) return std::move(c).error();
    std::string sql = "BEGIN;";
    for (const auto& g : m_revoked) {
      sql += " GRANT " + g.privilege + g.columns + " ON " + g.table + " TO " + g.granteeSql() +
             (g.grantable ? " WITH GRANT OPTION" : "") + ";";
    }
    sql += " COMMIT";
    FERRY_TRY((*c)->exec(sql));
    m_inForce = false;
    m_revoked.clear();
    return {};
  }

  nlohmann::json record() const override {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& g : m_revoked) {
      list.push_back({{"table", g.table}, {"grantee", g.grantee}, {"privilege", g.privilege}, {"columns", g.columns},
                      {"grantable", g.grantable}});
    }
    return {{"kind", "read-only"}, {"engine", "postgresql"}, {"in_force", m_inForce}, {"revoked", list}};
  }
  std::string describe() const override {
    return "revokes INSERT, UPDATE, DELETE and TRUNCATE on the migrated tables from every role but Ferry's (PUBLIC "
           "too) and ends the sessions holding a write transaction; unfence grants exactly those privileges back";
  }
  void restore(const nlohmann::json& r) {
    m_inForce = r.value("in_force", false);
    for (const auto& g : r.value("revoked", nlohmann::json::array())) {
      m_revoked.push_back({g.value("table", ""), g.value("grantee", ""), g.value("privilege", ""), g.value("columns", ""),
                           g.value("grantable", false)});
    }
  }

private:
  /// One connection from the gate to the switch: no login inside the pause (on
  /// a loaded 2-core machine three logins took seconds). Opened again after a loss.
  core::Result<connect::PgConnection*> session() {
    if (m_conn) {
      if (auto alive = m_conn->query("SELECT 1"); alive) return m_conn.get();
      m_conn.reset();
    }
    auto c = connect::PgConnection::open(m_s.primary);
    if (!c) return std::move(c).error();
    m_conn = std::move(*c);
    return m_conn.get();
  }
  std::unique_ptr<connect::PgConnection> m_conn;

  struct Grant {
    std::string table;      ///< quoted schema.table
    std::string grantee;    ///< role name, "PUBLIC"
    std::string privilege;  ///< INSERT, UPDATE, DELETE, TRUNCATE
    std::string columns;    ///< " (\"a\", \"b\")" for a column grant, "" for the table
    bool grantable = false;
    std::string granteeSql() const { return grantee == "PUBLIC" ? grantee : connect::PgConnection::quoteIdent(grantee); }
  };

  /// Every write privilege on the tables held by a role other than Ferry's.
  core::Result<std::vector<Grant>> readGrants(connect::PgConnection& c) {
    auto r = c.query(
        "WITH t AS (SELECT c.oid, c.relacl, c.relowner, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (n.nspname, c.relname) IN (" + tableList(m_s) + ")) "
        "SELECT t.q, coalesce(r.rolname, 'PUBLIC') AS grantee, a.privilege_type AS p, a.is_grantable AS g, '' AS cols "
        "FROM t, aclexplode(coalesce(t.relacl, acldefault('r', t.relowner))) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') AND a.grantee <> (SELECT oid FROM pg_roles WHERE rolname = current_user) "
        "UNION ALL "
        "SELECT t.q, coalesce(r.rolname, 'PUBLIC'), a.privilege_type, a.is_grantable, string_agg(quote_ident(at.attname), ', ' ORDER BY at.attnum) "
        "FROM t JOIN pg_attribute at ON at.attrelid = t.oid AND at.attacl IS NOT NULL, aclexplode(at.attacl) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE a.privilege_type IN ('INSERT', 'UPDATE') "
        "AND a.grantee <> (SELECT oid FROM pg_roles WHERE rolname = current_user) "
        "GROUP BY t.q, r.rolname, a.privilege_type, a.is_grantable ORDER BY 1, 2, 3");
    if (!r) return std::move(r).error();
    std::vector<Grant> out;
    for (auto row : *r) {
      const std::string cols = row.str("cols");
      out.push_back({row.str("q"), row.str("grantee"), row.str("p"), cols.empty() ? "" : " (" + cols + ")", row.boolean("g")});
    }
    return out;
  }

  FenceOptions m_o;
  FenceScope m_s;
  bool m_inForce = false;
  std::vector<Grant> m_revoked;
};

/// MariaDB: read_only = ON stops every account without READ ONLY ADMIN (SUPER
/// before 10.11); Ferry's own needs it, to keep writing heartbeats and, after
/// the switch, the reverse stream's changes. unfence restores the setting.
class MariaDbReadOnlyFence final : public Fence {
public:
  MariaDbReadOnlyFence(FenceOptions options, FenceScope scope) : m_o(std::move(options)), m_s(std::move(scope)) {}
  FenceKind kind() const override { return FenceKind::ReadOnly; }

  core::Result<GateCheck> check() override {
    auto c = session();
    if (!c) return std::move(c).error();
    auto ro = (*c)->query("SELECT @@global.read_only AS ro");
    if (!ro) return std::move(ro).error();
    // Accounts the setting does not stop, with sessions on the server now.
    auto strong = (*c)->query(
        "SELECT DISTINCT p.USER AS u FROM information_schema.PROCESSLIST p JOIN information_schema.USER_PRIVILEGES g "
        "ON g.GRANTEE = CONCAT('''', p.USER, '''@''', SUBSTRING_INDEX(p.HOST, ':', 1), '''') "
        "WHERE g.PRIVILEGE_TYPE IN ('READ_ONLY ADMIN', 'READ ONLY ADMIN', 'SUPER') AND p.COMMAND <> 'Daemon' "
        "AND p.USER NOT IN ('system user', 'event_scheduler') AND p.USER <> SUBSTRING_INDEX(CURRENT_USER(), '@', 1)");
    if (!strong) return std::move(strong).error();
    if (!strong->empty()) {
      std::vector<std::string> names;
      for (auto row : *strong) names.push_back(row.str("u"));
      return GateCheck{false,
                       "sessions of " + core::join(names, ", ") + " hold READ ONLY ADMIN or SUPER: read_only does not stop them",
                       "Let the application connect as an account without READ ONLY ADMIN and SUPER."};
    }
    // Ferry's own account must write through read_only (heartbeats, the reverse stream).
    auto mine = (*c)->query("SHOW GRANTS FOR CURRENT_USER()");
    if (!mine) return std::move(mine).error();
    bool canWrite = false;
    for (std::size_t i = 0; i < mine->size(); ++i) {
      const std::string g = core::toUpper(mine->at(i, 0).value_or(""));
      canWrite = canWrite || g.find("ALL PRIVILEGES ON *.*") != std::string::npos ||
                 g.find("READ_ONLY ADMIN") != std::string::npos || g.find("READ ONLY ADMIN") != std::string::npos;
    }
    if (!canWrite) {
      return GateCheck{false, "Ferry's account lacks READ ONLY ADMIN: it could not write through read_only",
                       "GRANT READ_ONLY ADMIN ON *.* TO Ferry's account (heartbeats and the reverse stream write there)."};
    }
    return GateCheck{true, std::string("sets read_only = ON (now ") + (ro->row(0).str("ro") == "1" ? "ON" : "OFF") +
                               ") and ends the sessions holding a write transaction", ""};
  }

  core::Status fence(std::chrono::milliseconds timeout, const Persist& persist) override {
    auto c = session();
    if (!c) return std::move(c).error();
    auto ro = (*c)->query("SELECT @@global.read_only AS ro");
    if (!ro) return std::move(ro).error();
    m_previous = ro->row(0).str("ro") == "1" ? "ON" : "OFF";
    const auto secs = std::max<long long>(1, (timeout.count() + 999) / 1000);
    FERRY_TRY((*c)->exec("SET SESSION lock_wait_timeout = " + std::to_string(secs)));
    m_inForce = true;
    persist(record());
    if (auto r = (*c)->exec("SET GLOBAL read_only = ON"); !r) {
      (void)unfence();
      return r;
    }
    if (auto e = endWriters(**c); !e) {
      (void)unfence();
      return e;
    }
    return {};
  }

  core::Status switchOver() override { return {}; }

  core::Status unfence() override {
    if (!m_inForce) return {};
    auto c = session();
    if (!c) return std::move(c).error();
    FERRY_TRY((*c)->exec("SET GLOBAL read_only = " + (m_previous.empty() ? std::string("OFF") : m_previous)));
    m_inForce = false;
    return {};
  }

  nlohmann::json record() const override {
    return {{"kind", "read-only"}, {"engine", "mariadb"}, {"in_force", m_inForce}, {"previous_read_only", m_previous}};
  }
  std::string describe() const override {
    return "sets read_only = ON (accounts without READ ONLY ADMIN can no longer write) and ends the sessions "
           "holding a write transaction; unfence sets read_only back to what it was";
  }
  void restore(const nlohmann::json& r) {
    m_inForce = r.value("in_force", false);
    m_previous = r.value("previous_read_only", "OFF");
  }

private:
  core::Result<connect::MySqlConnection*> session() {
    if (m_conn) {
      if (auto alive = m_conn->query("SELECT 1"); alive) return m_conn.get();
      m_conn.reset();
    }
    auto c = connect::MySqlConnection::open(m_s.primary);
    if (!c) return std::move(c).error();
    m_conn = std::move(*c);
    return m_conn.get();
  }
  std::unique_ptr<connect::MySqlConnection> m_conn;
  FenceOptions m_o;
  FenceScope m_s;
  bool m_inForce = false;
  std::string m_previous;
};

}  // namespace

core::Result<std::unique_ptr<Fence>> makePgReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                         const nlohmann::json& record) {
  auto f = std::make_unique<PgReadOnlyFence>(options, scope);
  if (record.is_object()) f->restore(record);
  return std::unique_ptr<Fence>(std::move(f));
}

core::Result<std::unique_ptr<Fence>> makeMariaDbReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                              const nlohmann::json& record) {
  auto f = std::make_unique<MariaDbReadOnlyFence>(options, scope);
  if (record.is_object()) f->restore(record);
  return std::unique_ptr<Fence>(std::move(f));
}

}  // namespace ferry::cutover
