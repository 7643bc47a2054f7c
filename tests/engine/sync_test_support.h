#pragma once
// What the change-stream suites (sync_test.cpp, sync_fault_test.cpp) share: a
// writer of source transactions that each increment a counter — so "applied
// exactly once" is one comparison — and the verify of source against target.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/verify_run.h"
#include "support/test_support.h"

namespace ferry::test {

/// One source transaction after another on `database`, each built by
/// `transaction(i)` (which increments the counter), every `pauseMs`. A session
/// set like the application's (search_path = public: the fixtures' triggers
/// need it). A lost connection is reopened when `reconnect` (a server restart
/// is part of the test); any other failure fails the test and stops the writer.
class CounterWriter {
public:
  CounterWriter(std::string database, std::function<std::string(std::int64_t)> transaction, int pauseMs = 0,
                bool reconnect = false) {
    m_thread = std::jthread([this, database = std::move(database), transaction = std::move(transaction), pauseMs,
                             reconnect](std::stop_token stop) {
      std::unique_ptr<connect::PgConnection> c;
      for (std::int64_t i = 1; !stop.stop_requested(); ++i) {
        if (!c) {
          auto opened = connect::PgConnection::open(pgSpec(database));
          if (opened && (*opened)->exec("SET search_path = public").ok()) {
            c = std::move(*opened);
          } else if (reconnect) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
          } else {
            ADD_FAILURE() << "the writer could not connect to " << database;
            return;
          }
        }
        auto st = c->exec(transaction(i));
        if (st.ok()) {
          ++m_acknowledged;
        } else if (reconnect && st.error().breaksConnection()) {
          c.reset();
        } else {
          ADD_FAILURE() << st.error().oneLine();
          return;
        }
        if (pauseMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
      }
    });
  }
  void stop() {
    if (!m_thread.joinable()) return;
    m_thread.request_stop();
    m_thread.join();
  }
  /// Transactions whose COMMIT was acknowledged.
  std::int64_t acknowledged() const { return m_acknowledged.load(); }
  void waitFor(std::int64_t transactions) const {
    while (m_acknowledged < transactions) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

private:
  std::atomic<std::int64_t> m_acknowledged{0};
  std::jthread m_thread;  // last: joined before the counter goes
};

/// The writer's counter (`counter`, row 1) in `database` on `target`'s engine.
inline std::string counterOn(const connect::ConnectionSpec& target, const std::string& database) {
  return target.engine == model::Engine::PostgreSQL ? core::trim(psql(database, "SELECT n FROM public.counter"))
                                                    : core::trim(mariadb(database, "SELECT n FROM counter"));
}

/// `ferry verify` of the source database against `target`: "" when identical,
/// else the tables that differ (or the error).
inline std::string verifyDifferences(const std::string& sourceDatabase, const connect::ConnectionSpec& target) {
  run::VerifyRequest req;
  req.source = pgSpec(sourceDatabase);
  req.target = target;
  req.options.jobs = 2;
  run::VerifyRun run(req);
  auto report = run.run({});
  if (!report) return "verify failed: " + report.error().oneLine();
  std::string out;
  for (const auto& t : report->tables) {
    if (!t.differences.empty() || !t.error.empty() || t.status != verify::TableStatus::Ok) {
      out += t.table + " (" + std::to_string(t.differences.size()) + " differences " + t.error + ") ";
    }
  }
  return out;
}

}  // namespace ferry::test
