// The pgbouncer fence: PAUSE on PgBouncer's admin console, a rewritten include
// file and RELOAD for the switch, RESUME (docs/cutover.md).

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "cutover/fence_kinds.h"

namespace ferry::cutover {

using core::Error;
using core::ErrorKind;

namespace {

/// "name = value" lines of an ini file: the key of one, "" for others.
std::string lineKey(const std::string& line) {
  const std::string t = core::trim(line);
  if (t.empty() || t[0] == ';' || t[0] == '#' || t[0] == '[' || t[0] == '%') return {};
  const auto eq = t.find('=');
  if (eq == std::string::npos) return {};
  return core::trim(t.substr(0, eq));
}

bool sameHost(const std::string& a, const std::string& b) {
  auto norm = [](const std::string& h) { return h == "localhost" || h == "::1" ? std::string("127.0.0.1") : h; };
  return norm(a) == norm(b);
}

/// What to do about sessions that reach the source around PgBouncer.
constexpr const char* kAroundFix =
    "Route every application connection through PgBouncer (or end these sessions): PAUSE cannot stop them.";

class PgBouncerFence final : public Fence {
public:
  PgBouncerFence(FenceOptions options, FenceScope scope) : m_o(std::move(options)), m_s(std::move(scope)) {
    m_o.pgbouncerAdmin.database = "pgbouncer";
    m_o.pgbouncerAdmin.connectTimeoutSeconds = std::min(m_o.pgbouncerAdmin.connectTimeoutSeconds, 5);
  }
  FenceKind kind() const override { return FenceKind::PgBouncer; }

  core::Result<GateCheck> check() override {
    if (m_o.pgbouncerDb.empty() || m_o.pgbouncerInclude.empty()) {
      return GateCheck{false, "the pgbouncer fence needs --pgbouncer, --pgbouncer-db and --pgbouncer-include",
                       "Give PgBouncer's admin URL, the database name the application connects to, and the file "
                       "of [databases] lines its configuration includes."};
    }
    if (m_s.next.engine != model::Engine::PostgreSQL) {
      return GateCheck{false, "PgBouncer can only point the application at a PostgreSQL server",
                       "Use --fence read-only or command for a cross-engine cutover."};
    }
    auto admin = console();
    if (!admin) return std::move(admin).error().context("PgBouncer admin console");
    // pool_mode: the database's own, else the global one.
    auto config = (*admin)->simpleQuery("SHOW CONFIG");
    if (!config) return std::move(config).error();
    std::string globalMode;
    for (auto row : *config) {
      if (row.str("key") == "pool_mode") globalMode = row.str("value");
    }
    auto dbs = (*admin)->simpleQuery("SHOW DATABASES");
    if (!dbs) return std::move(dbs).error();
    bool found = false;
    std::string mode = globalMode;
    for (auto row : *dbs) {
      if (row.str("name") != m_o.pgbouncerDb) continue;
      found = true;
      if (auto m = row.opt("pool_mode"); m && !m->empty()) mode = *m;
      const std::string host = row.str("host"), port = row.str("port"), db = row.str("database");
      if (!sameHost(host, m_s.primary.host) || port != std::to_string(m_s.primary.effectivePort()) ||
          db != m_s.primary.database) {
        return GateCheck{false,
                         "PgBouncer's database " + m_o.pgbouncerDb + " points at " + host + ":" + port + "/" + db +
                             ", not at the source " + m_s.primary.toUrlWithoutPassword(),
                         "Point " + m_o.pgbouncerDb + " at the source in " + m_o.pgbouncerInclude + " (and RELOAD)."};
      }
    }
    if (!found) {
      return GateCheck{false, "PgBouncer has no database " + m_o.pgbouncerDb,
                       "Add a line '" + m_o.pgbouncerDb + " = host=… port=… dbname=…' for the source to " +
                           m_o.pgbouncerInclude + " and RELOAD PgBouncer."};
    }
    if (mode != "transaction") {
      return GateCheck{false, "PgBouncer pools " + m_o.pgbouncerDb + " in " + mode + " mode",
                       "Set pool_mode = transaction: in session mode PAUSE waits for every client to disconnect."};
    }
    if (::access(m_o.pgbouncerInclude.c_str(), R_OK | W_OK) != 0) {
      return GateCheck{false, "Ferry cannot write " + m_o.pgbouncerInclude + ": " + std::strerror(errno),
                       "Give Ferry's account write access to the included file (PgBouncer only needs to read it)."};
    }
    auto lines = readInclude();
    if (!lines) return std::move(lines).error();
    bool inInclude = false;
    for (const auto& l : *lines) inInclude = inInclude || lineKey(l) == m_o.pgbouncerDb;
    if (!inInclude) {
      return GateCheck{false, m_o.pgbouncerDb + " is not defined in " + m_o.pgbouncerInclude,
                       "Move its [databases] line into the included file, so the switch can rewrite it."};
    }
    // Sessions that reach the source around PgBouncer would not wait at PAUSE.
    auto around = sessionsAround(std::chrono::milliseconds(200));
    if (!around) return std::move(around).error();
    if (!around->empty()) {
      return GateCheck{false,
                       std::to_string(around->size()) + " session(s) reach the source around PgBouncer: " +
                           core::join(*around, ", "),
                       kAroundFix};
    }
    return GateCheck{true, "PgBouncer pools " + m_o.pgbouncerDb + " in transaction mode; every application session goes through it", ""};
  }

  core::Status fence(std::chrono::milliseconds timeout, const Persist& persist) override {
    auto admin = console();
    if (!admin) return std::move(admin).error().context("PgBouncer admin console");
    auto* conn = *admin;
    const std::string db = m_o.pgbouncerDb;
    m_paused = true;  // from now on an unfence must RESUME
    persist(record());
    // PAUSE returns once every server connection of the database is released;
    // meanwhile clients wait. On a thread, so it can be given up on.
    auto done = std::async(std::launch::async, [conn, db] { return conn->simpleQuery("PAUSE " + quoted(db)); });
    if (done.wait_for(timeout) == std::future_status::ready) {
      auto r = done.get();
      if (!r) {
        (void)unfence();
        return std::move(r).error().context("PAUSE " + db);
      }
      // The gate looked long before; a session around PgBouncer opened since
      // would go on writing through the pause. PgBouncer opens no server
      // connection for a paused database, so one look is enough here (a
      // second only when the first finds one, in case a server connection
      // closed between the two queries).
      auto around = sessionsAround(std::chrono::milliseconds(20));
      if (!around || !around->empty()) {
        (void)unfence();
        if (!around) return std::move(around).error().context("looking for sessions around PgBouncer in the pause");
        return Error(ErrorKind::Config,
                     std::to_string(around->size()) + " session(s) reached the source around PgBouncer before the pause: " +
                         core::join(*around, ", ") + "; resumed",
                     kAroundFix);
      }
      return {};
    }
    // Too long (a transaction through PgBouncer that does not end): drop the
    // waiting console connection, then RESUME from another one — in that
    // order, so no PAUSE can still arrive after the RESUME — and look that the
    // database is no longer paused.
    conn->shutdownSocket();
    (void)done.get();
    m_console.reset();
    auto resumed = resumeUntilUnpaused();
    return Error(ErrorKind::Timeout,
                 "PgBouncer did not pause " + db + " within " + std::to_string(timeout.count()) +
                     " ms: a transaction through it did not end" +
                     (resumed ? "; it was resumed" : "; RESUME failed too: " + resumed.error().oneLine()),
                 "Find the long transaction (SHOW SERVERS on the console, pg_stat_activity on the source) and retry.");
  }

  core::Status switchOver() override {
    auto lines = readInclude();
    if (!lines) return std::move(lines).error();
    const auto& n = m_s.next;
    const std::string line = m_o.pgbouncerDb + " = host=" + n.host + " port=" + std::to_string(n.effectivePort()) +
                             " dbname=" + n.database;
    bool replaced = false;
    std::ostringstream out;
    for (const auto& l : *lines) {
      if (lineKey(l) == m_o.pgbouncerDb) {
        if (m_original.empty()) m_original = l;
        out << line << "\n";
        replaced = true;
      } else {
        out << l << "\n";
      }
    }
    if (!replaced) out << line << "\n";
    {
      std::ofstream f(m_o.pgbouncerInclude, std::ios::trunc);
      f << out.str();
      f.flush();
      if (!f) return Error(ErrorKind::Io, "could not write " + m_o.pgbouncerInclude);
    }
    auto admin = console();
    if (!admin) return std::move(admin).error().context("PgBouncer admin console");
    FERRY_TRY((*admin)->simpleQuery("RELOAD"));
    // Server connections to the old side are closed as they are released.
    FERRY_TRY((*admin)->simpleQuery("RECONNECT " + quoted(m_o.pgbouncerDb)));
    FERRY_TRY(resume(**admin));
    m_paused = false;
    m_switched = true;
    return {};
  }

  core::Status unfence() override {
    if (!m_paused) return {};
    auto admin = openAdmin();
    if (!admin) return std::move(admin).error().context("PgBouncer admin console");
    FERRY_TRY(resume(**admin));
    m_paused = false;
    return {};
  }

  /// The source's sessions (Ferry's own left out) that are not one of
  /// PgBouncer's server connections, "user@addr (pid N)". The source's
  /// sessions are listed before PgBouncer's servers, so a server connection
  /// PgBouncer opens between the two is still seen as pooled; a session counts
  /// only when a second look `recheck` later finds it outside the pool again
  /// (a connection opened or closed meanwhile does not).
  core::Result<std::vector<std::string>> sessionsAround(std::chrono::milliseconds recheck) {
    auto admin = console();
    if (!admin) return std::move(admin).error().context("PgBouncer admin console");
    if (!m_source) {
      auto src = connect::PgConnection::open(m_s.primary);
      if (!src) return std::move(src).error().context("source");
      m_source = std::move(*src);
    }
    auto look = [&]() -> core::Result<std::map<std::string, std::string>> {
      auto sessions = m_source->query(
          "SELECT pid::text AS pid, usename, coalesce(client_addr::text, 'local') AS addr FROM pg_stat_activity "
          "WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
          "AND usename IS DISTINCT FROM current_user");
      if (!sessions) return std::move(sessions).error();
      auto servers = (*admin)->simpleQuery("SHOW SERVERS");
      if (!servers) return std::move(servers).error();
      std::set<std::string> pooled;
      for (auto row : *servers) pooled.insert(row.str("remote_pid"));
      std::map<std::string, std::string> outside;
      for (auto row : *sessions) {
        if (!pooled.contains(row.str("pid"))) outside[row.str("pid")] = row.str("usename") + "@" + row.str("addr");
      }
      return outside;
    };
    auto first = look();
    if (!first) {
      m_source.reset();  // a connection that failed is opened again next time
      return std::move(first).error();
    }
    std::vector<std::string> around;
    if (first->empty()) return around;
    std::this_thread::sleep_for(recheck);
    auto second = look();
    if (!second) {
      m_source.reset();
      return std::move(second).error();
    }
    for (const auto& [pid, who] : *second) {
      if (first->contains(pid)) around.push_back(who + " (pid " + pid + ")");
    }
    return around;
  }

  /// RESUME on `admin`; "is not paused" is nothing to undo (a PAUSE given up
  /// on before it took, a recovery making the switch again).
  core::Status resume(connect::PgConnection& admin) const {
    auto r = admin.simpleQuery("RESUME " + quoted(m_o.pgbouncerDb));
    if (!r && r.error().message().find("not paused") == std::string::npos) return std::move(r).error();
    return {};
  }

  /// RESUME, then SHOW DATABASES until the database is no longer paused (a
  /// PAUSE still on its way when the first RESUME came would pause it again).
  core::Status resumeUntilUnpaused() {
    auto admin = openAdmin();
    if (!admin) return std::move(admin).error().context("PgBouncer admin console");
    for (int attempt = 0; attempt <= 10; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      FERRY_TRY(resume(**admin));
      auto dbs = (*admin)->simpleQuery("SHOW DATABASES");
      if (!dbs) return std::move(dbs).error();
      bool paused = false;
      for (auto row : *dbs) {
        if (row.str("name") == m_o.pgbouncerDb) paused = row.str("paused") == "1";
      }
      if (!paused) {
        m_paused = false;
        return {};
      }
    }
    return Error(ErrorKind::Server, "PgBouncer still shows " + m_o.pgbouncerDb + " paused after RESUME",
                 "RESUME " + m_o.pgbouncerDb + " on PgBouncer's admin console.");
  }

  nlohmann::json record() const override {
    return {{"kind", "pgbouncer"}, {"paused", m_paused}, {"switched", m_switched}, {"original_line", m_original}};
  }
  std::string describe() const override {
    return "PAUSE " + m_o.pgbouncerDb + " on PgBouncer (clients wait), repoint it in " + m_o.pgbouncerInclude +
           ", RELOAD, RESUME; an abort before the switch only RESUMEs";
  }
  void restore(const nlohmann::json& r) {
    m_paused = r.value("paused", false);
    m_switched = r.value("switched", false);
    m_original = r.value("original_line", "");
  }

private:
  /// The admin console takes a database name as a bare word; quoted when it is not one.
  static std::string quoted(const std::string& db) {
    for (char c : db) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return "\"" + db + "\"";
    }
    return db;
  }
  /// The console connection kept from the gate to the switch (a login costs
  /// milliseconds of the pause).
  core::Result<connect::PgConnection*> console() {
    if (!m_console) {
      auto c = openAdmin();
      if (!c) return std::move(c).error();
      m_console = std::move(*c);
    }
    return m_console.get();
  }
  core::Result<std::unique_ptr<connect::PgConnection>> openAdmin() {
    connect::PgOpenOptions o;
    o.adminConsole = true;
    return connect::PgConnection::open(m_o.pgbouncerAdmin, o);
  }
  core::Result<std::vector<std::string>> readInclude() {
    std::ifstream f(m_o.pgbouncerInclude);
    if (!f) {
      return Error(ErrorKind::NotFound, "cannot read " + m_o.pgbouncerInclude + ": " + std::strerror(errno),
                   "Give the file of [databases] lines PgBouncer's configuration includes (%include).");
    }
    std::vector<std::string> lines;
    for (std::string l; std::getline(f, l);) lines.push_back(l);
    return lines;
  }

  FenceOptions m_o;
  FenceScope m_s;
  bool m_paused = false;
  bool m_switched = false;
  std::string m_original;
  std::unique_ptr<connect::PgConnection> m_console;
  std::unique_ptr<connect::PgConnection> m_source;  ///< the gate's and the pause's look at the source's sessions
};

}  // namespace

core::Result<std::unique_ptr<Fence>> makePgBouncerFence(const FenceOptions& options, const FenceScope& scope,
                                                        const nlohmann::json& record) {
  auto f = std::make_unique<PgBouncerFence>(options, scope);
  if (record.is_object()) f->restore(record);
  return std::unique_ptr<Fence>(std::move(f));
}

}  // namespace ferry::cutover
