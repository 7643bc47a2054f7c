#pragma once
// What the cutover suites share: PgBouncer's addresses from the sandbox, the
// application's writer (as its own role, never Ferry's), and the run prepared
// for a cutover (copied keeping the slot, verified).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/copy_run.h"
#include "run/cutover_run.h"
#include "run/sync_run.h"
#include "run/verify_run.h"
#include "support/test_support.h"

namespace ferry::cuttest {

inline std::string envOr(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') ADD_FAILURE() << name << " is not set: eval \"$(scripts/sandbox env)\"";
  return v ? v : "";
}

inline std::string appUser() { return envOr("FERRY_TEST_APP_USER"); }
inline std::string appPassword() { return envOr("FERRY_TEST_APP_PASSWORD"); }

/// `database` through the sandbox's PgBouncer as `user`.
inline connect::ConnectionSpec bouncer(const std::string& database, const std::string& user, const std::string& password) {
  auto spec = connect::ConnectionSpec::parse(envOr("FERRY_TEST_PGBOUNCER_URL"));
  EXPECT_TRUE(spec.ok());
  connect::ConnectionSpec s = spec ? *spec : connect::ConnectionSpec{};
  s.database = database;
  s.user = user;
  s.password = password;
  return s;
}

inline connect::ConnectionSpec bouncerAdmin() {
  auto spec = connect::ConnectionSpec::parse(envOr("FERRY_TEST_PGBOUNCER_ADMIN_URL"));
  EXPECT_TRUE(spec.ok());
  return spec ? *spec : connect::ConnectionSpec{};
}

inline std::string includeFile() { return envOr("FERRY_TEST_PGBOUNCER_INCLUDE"); }

inline std::string adminQuery(const std::string& sql) {
  connect::PgOpenOptions o;
  o.adminConsole = true;
  auto c = connect::PgConnection::open(bouncerAdmin(), o);
  if (!c) return "error: " + c.error().oneLine();
  auto r = (*c)->simpleQuery(sql);
  if (!r) return "error: " + r.error().oneLine();
  std::string out;
  for (std::size_t i = 0; i < r->size(); ++i) {
    for (std::size_t j = 0; j < r->columns().size(); ++j) out += r->at(i, j).value_or("") + (j + 1 < r->columns().size() ? "|" : "\n");
  }
  return out;
}

/// PgBouncer's "paused" for `alias` ("1" paused, "0" not, "" unknown).
inline std::string pausedFlag(const std::string& alias) {
  connect::PgOpenOptions o;
  o.adminConsole = true;
  auto c = connect::PgConnection::open(bouncerAdmin(), o);
  if (!c) return "";
  auto r = (*c)->simpleQuery("SHOW DATABASES");
  if (!r) return "";
  for (auto row : *r) {
    if (row.str("name") == alias) return row.str("paused");
  }
  return "";
}

/// Points PgBouncer's `alias` at `database` on the sandbox PostgreSQL.
inline void pointAlias(const std::string& alias, const std::string& database) {
  std::ofstream(includeFile(), std::ios::trunc) << alias << " = host=127.0.0.1 port=" << test::pgSpec().effectivePort()
                                                << " dbname=" << database << "\n";
  EXPECT_EQ(adminQuery("RELOAD").rfind("error", 0), std::string::npos);
}

inline std::string includeText() {
  std::ifstream in(includeFile());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The application: one insert after another as its own role, each insert's
/// id recorded once its commit is acknowledged. `target` says where it writes
/// now (a switch command changes it, as a deploy would).
class AppWriter {
public:
  using Insert = std::function<core::Result<std::int64_t>(const connect::ConnectionSpec&)>;
  /// `table`: where it inserts ("" — public.items on PostgreSQL, items on MariaDB).
  explicit AppWriter(connect::ConnectionSpec endpoint, std::string into = {}, int pauseMs = 2)
      : m_endpoint(std::move(endpoint)), m_table(std::move(into)) {
    m_thread = std::jthread([this, pauseMs](std::stop_token stop) {
      std::unique_ptr<connect::PgConnection> pg;
      std::unique_ptr<connect::MySqlConnection> my;
      connect::ConnectionSpec at;
      std::string table;
      while (!stop.stop_requested()) {
        {
          std::lock_guard lock(m_mutex);
          table = !m_table.empty() ? m_table : m_endpoint.engine == model::Engine::PostgreSQL ? "public.items" : "items";
          if (!(at.host == m_endpoint.host && at.effectivePort() == m_endpoint.effectivePort() && at.database == m_endpoint.database &&
                at.engine == m_endpoint.engine)) {
            at = m_endpoint;
            pg.reset();
            my.reset();
          }
        }
        core::Result<std::int64_t> id = core::Error(core::ErrorKind::Internal, "not run");
        if (at.engine == model::Engine::PostgreSQL) {
          if (!pg) {
            connect::PgOpenOptions o;
            o.noSessionSettings = true;
            auto c = connect::PgConnection::open(at, o);
            if (c) pg = std::move(*c);
          }
          if (pg) {
            auto r = pg->query("INSERT INTO " + table + " (v) VALUES (7) RETURNING id");
            id = r ? core::Result<std::int64_t>(r->row(0).i64("id")) : core::Result<std::int64_t>(r.error());
            if (!r) pg.reset();
          }
        } else {
          if (!my) {
            auto c = connect::MySqlConnection::open(at);
            if (c) my = std::move(*c);
          }
          if (my) {
            auto r = my->exec("INSERT INTO " + table + " (v) VALUES (7)");
            auto last = r ? my->query("SELECT LAST_INSERT_ID() AS id") : core::Result<connect::QueryResult>(r.error());
            id = last ? core::Result<std::int64_t>(last->row(0).i64("id")) : core::Result<std::int64_t>(last.error());
            if (!last) my.reset();
          }
        }
        {
          std::lock_guard lock(m_mutex);
          if (id) {
            m_acked.insert(*id);
          } else {
            ++m_errors;
            m_lastError = id.error().oneLine();
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
      }
    });
  }
  ~AppWriter() { stop(); }
  void stop() {
    if (m_thread.joinable()) {
      m_thread.request_stop();
      m_thread.join();
    }
  }
  void switchTo(connect::ConnectionSpec endpoint, std::string into = {}) {
    std::lock_guard lock(m_mutex);
    m_endpoint = std::move(endpoint);
    m_table = std::move(into);
  }
  std::set<std::int64_t> acked() const {
    std::lock_guard lock(m_mutex);
    return m_acked;
  }
  int errors() const {
    std::lock_guard lock(m_mutex);
    return m_errors;
  }
  std::string lastError() const {
    std::lock_guard lock(m_mutex);
    return m_lastError;
  }
  void waitForMore(std::size_t more) const {
    const auto want = acked().size() + more;
    for (int i = 0; i < 2000 && acked().size() < want; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

private:
  mutable std::mutex m_mutex;
  connect::ConnectionSpec m_endpoint;
  std::string m_table;
  std::set<std::int64_t> m_acked;
  int m_errors = 0;
  std::string m_lastError;
  std::jthread m_thread;
};

/// The ids of public.items (PostgreSQL) or items (MariaDB) on a side.
inline std::set<std::int64_t> idsOn(const connect::ConnectionSpec& side, const std::string& table) {
  std::set<std::int64_t> out;
  const std::string sql = "SELECT id FROM " + table;
  if (side.engine == model::Engine::PostgreSQL) {
    auto c = connect::PgConnection::open(side);
    EXPECT_TRUE(c.ok());
    if (!c) return out;
    auto r = (*c)->query(sql);
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().oneLine());
    if (r) for (auto row : *r) out.insert(row.i64("id"));
    return out;
  }
  auto c = connect::MySqlConnection::open(side);
  EXPECT_TRUE(c.ok());
  if (!c) return out;
  auto r = (*c)->query(sql);
  EXPECT_TRUE(r.ok());
  if (r) for (auto row : *r) out.insert(row.i64("id"));
  return out;
}

/// Acknowledged ids missing from `present` (the first few, for the message).
inline std::string missing(const std::set<std::int64_t>& acked, const std::set<std::int64_t>& present) {
  std::string out;
  int n = 0;
  for (auto id : acked) {
    if (!present.contains(id) && n++ < 10) out += std::to_string(id) + " ";
  }
  return n == 0 ? "" : std::to_string(n) + " missing: " + out;
}

/// Copies `source` to `target` keeping the stream's start, then verifies (kept in the run state).
inline void copyAndVerify(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target, const std::string& state) {
  run::CopyRequest req;
  req.source = source;
  req.target = target;
  req.options.statePath = state;
  req.options.jobs = 2;
  req.options.keepSlot = true;
  run::CopyRun copy(req);
  auto copied = copy.run({});
  ASSERT_TRUE(copied.ok()) << copied.error().oneLine();
  run::VerifyRequest vreq;
  vreq.source = source;
  vreq.target = target;
  vreq.options.jobs = 2;
  vreq.options.live.syncStatePath = state;
  run::VerifyRun verify(vreq);
  auto report = verify.run({});
  ASSERT_TRUE(report.ok()) << report.error().oneLine();
  ASSERT_TRUE(report->identical());
}

/// `ferry sync --until caught-up` on the run.
inline core::Result<run::SyncSummary> syncUntilCaughtUp(const connect::ConnectionSpec& source,
                                                        const connect::ConnectionSpec& target, const std::string& state) {
  run::SyncRequest req;
  req.source = source;
  req.target = target;
  req.options.statePath = state;
  req.options.untilCaughtUp = true;
  req.options.heartbeatMs = 50;
  run::SyncRun sync(req);
  return sync.run({});
}

}  // namespace ferry::cuttest
