// The cutover's canary writer and its verdict (cutover/canary.h).

#include "cutover/canary.h"

#include <algorithm>
#include <memory>
#include <set>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"

namespace ferry::cutover {

using connect::MySqlConnection;
using connect::PgConnection;
using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

std::string qualified(const connect::ConnectionSpec& side, const std::string& schema) {
  if (side.engine == model::Engine::PostgreSQL) return PgConnection::quoteIdent(schema) + "." + PgConnection::quoteIdent(kCanaryTable);
  return MySqlConnection::quoteIdent(schema) + "." + MySqlConnection::quoteIdent(kCanaryTable);
}

}  // namespace

/// One connection to the endpoint, either engine.
struct Canary::Endpoint {
  std::unique_ptr<PgConnection> pg;
  std::unique_ptr<MySqlConnection> my;
  bool open() const { return pg || my; }
};

namespace {

core::Status openEndpoint(const connect::ConnectionSpec& spec, Canary::Endpoint& e) {
  if (spec.engine == model::Engine::PostgreSQL) {
    connect::PgOpenOptions o;
    o.noSessionSettings = true;  // through PgBouncer: a SET would stay on the pool's connection
    auto c = PgConnection::open(spec, o);
    if (!c) return std::move(c).error();
    e.pg = std::move(*c);
    return {};
  }
  auto c = MySqlConnection::open(spec);
  if (!c) return std::move(c).error();
  e.my = std::move(*c);
  return {};
}

}  // namespace

core::Status createCanaryTable(const connect::ConnectionSpec& side, const std::string& schema, const std::string& appUser) {
  const std::string t = qualified(side, schema);
  if (side.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(side);
    if (!c) return std::move(c).error();
    FERRY_TRY((*c)->exec("CREATE TABLE IF NOT EXISTS " + t +
                         " (tag varchar(100) NOT NULL, seq bigint NOT NULL, written_ms bigint NOT NULL, PRIMARY KEY (tag, seq))"));
    if (!appUser.empty() && appUser != side.user) {
      FERRY_TRY((*c)->exec("GRANT SELECT, INSERT ON " + t + " TO " + PgConnection::quoteIdent(appUser)));
      FERRY_TRY((*c)->exec("GRANT USAGE ON SCHEMA " + PgConnection::quoteIdent(schema) + " TO " + PgConnection::quoteIdent(appUser)));
    }
    return {};
  }
  auto c = MySqlConnection::open(side);
  if (!c) return std::move(c).error();
  FERRY_TRY((*c)->exec("CREATE TABLE IF NOT EXISTS " + t +
                       " (tag VARCHAR(100) NOT NULL, seq BIGINT NOT NULL, written_ms BIGINT NOT NULL, PRIMARY KEY (tag, seq)) "
                       "ENGINE=InnoDB"));
  if (!appUser.empty() && appUser != side.user) {
    auto hosts = (*c)->query("SELECT Host AS h FROM mysql.user WHERE User = " + MySqlConnection::quoteLiteral(appUser));
    if (!hosts) return std::move(hosts).error();
    for (auto row : *hosts) {
      FERRY_TRY((*c)->exec("GRANT SELECT, INSERT ON " + t + " TO " + MySqlConnection::quoteLiteral(appUser) + "@" +
                           MySqlConnection::quoteLiteral(row.str("h"))));
    }
  }
  return {};
}

Canary::Canary(connect::ConnectionSpec endpoint, std::string schema, std::string tag, std::chrono::milliseconds interval)
    : m_endpoint(std::move(endpoint)), m_schema(std::move(schema)), m_tag(std::move(tag)), m_interval(interval) {
  m_endpoint.connectTimeoutSeconds = std::min(m_endpoint.connectTimeoutSeconds, 5);
  m_endpoint.applicationName = "ferry-canary";
}

Canary::~Canary() { stop(); }

void Canary::start() {
  m_thread = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void Canary::stop() {
  if (!m_thread.joinable()) return;
  m_thread.request_stop();
  m_thread.join();
}

void Canary::prepareSwitch(connect::ConnectionSpec endpoint) {
  endpoint.connectTimeoutSeconds = std::min(endpoint.connectTimeoutSeconds, 5);
  endpoint.applicationName = "ferry-canary";
  auto ready = std::make_unique<Endpoint>();
  if (auto s = openEndpoint(endpoint, *ready); !s) {
    core::log(core::LogLevel::Warning, "canary: could not open its connection to the new side before the fence (" +
                                           s.error().oneLine() + "); it logs in after the switch");
    return;
  }
  std::lock_guard lock(m_mutex);
  m_ready = std::move(ready);
}

void Canary::switchTo(connect::ConnectionSpec endpoint, std::string schema) {
  std::lock_guard lock(m_mutex);
  m_endpoint = std::move(endpoint);
  m_endpoint.connectTimeoutSeconds = std::min(m_endpoint.connectTimeoutSeconds, 5);
  m_endpoint.applicationName = "ferry-canary";
  m_schema = std::move(schema);
  m_switched = true;
}

std::vector<CanaryWrite> Canary::writes() const {
  std::lock_guard lock(m_mutex);
  return m_writes;
}

void Canary::loop(std::stop_token stop) {
  Endpoint e;
  connect::ConnectionSpec spec;
  std::string schema;
  const auto t0 = Clock::now();
  for (std::int64_t seq = 1; !stop.stop_requested(); ++seq) {
    {
      std::lock_guard lock(m_mutex);
      if (m_switched) {
        m_switched = false;
        e = {};
        if (m_ready) {
          e = std::move(*m_ready);
          m_ready.reset();
        }
      }
      spec = m_endpoint;
      schema = m_schema;
    }
    CanaryWrite w;
    w.seq = seq;
    w.start = Clock::now();
    core::Status s;
    if (!e.open()) s = openEndpoint(spec, e);
    if (s) {
      const std::string sql = "INSERT INTO " + qualified(spec, schema) + " (tag, seq, written_ms) VALUES (" +
                              (spec.engine == model::Engine::PostgreSQL ? PgConnection::quoteLiteral(m_tag)
                                                                        : MySqlConnection::quoteLiteral(m_tag)) +
                              ", " + std::to_string(seq) + ", " +
                              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count()) +
                              ")";
      s = e.pg ? e.pg->exec(sql) : e.my->exec(sql);
    }
    w.end = Clock::now();
    w.ok = s.ok();
    if (!s) {
      w.error = s.error().oneLine();
      // A refused write (the fence) leaves the session usable; a broken or
      // timed-out one starts again on a fresh connection.
      if (s.error().breaksConnection() || s.error().kind() == core::ErrorKind::Timeout) e = {};
    }
    {
      std::lock_guard lock(m_mutex);
      m_writes.push_back(std::move(w));
    }
    const auto due = t0 + m_interval * seq;
    while (!stop.stop_requested() && Clock::now() < due) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

core::Result<CanaryVerdict> Canary::verdict(const connect::ConnectionSpec& primary, const std::string& schema,
                                            Clock::time_point fenceAt) const {
  const auto ws = writes();
  CanaryVerdict v;
  std::set<std::int64_t> present;
  const std::string sql = "SELECT seq FROM " + qualified(primary, schema) + " WHERE tag = " +
                          (primary.engine == model::Engine::PostgreSQL ? PgConnection::quoteLiteral(m_tag)
                                                                       : MySqlConnection::quoteLiteral(m_tag));
  if (primary.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(primary);
    if (!c) return std::move(c).error();
    auto r = (*c)->query(sql);
    if (!r) return std::move(r).error();
    for (auto row : *r) present.insert(row.i64("seq"));
  } else {
    auto c = MySqlConnection::open(primary);
    if (!c) return std::move(c).error();
    auto r = (*c)->query(sql);
    if (!r) return std::move(r).error();
    for (auto row : *r) present.insert(row.i64("seq"));
  }
  std::vector<double> before;
  for (const auto& w : ws) {
    ++v.written;
    if (w.ok) {
      ++v.acknowledged;
      if (!present.contains(w.seq)) {
        ++v.lost;
        if (v.lostSeqs.size() < 20) v.lostSeqs.push_back(w.seq);
      }
      if (w.start < fenceAt) before.push_back(w.ms());
    } else {
      ++v.failed;
    }
  }
  if (!before.empty()) {
    std::sort(before.begin(), before.end());
    v.baselineMs = before[before.size() / 2];
  }
  // A write is delayed when it took clearly longer than usual (3x the median,
  // and at least 20 ms more): what a client notices.
  const double threshold = std::max(v.baselineMs * 3, v.baselineMs + 20.0);
  std::optional<Clock::time_point> firstBad, firstGoodAfter;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    const auto& w = ws[i];
    if (w.end < fenceAt) continue;
    const bool bad = !w.ok || w.ms() > threshold;
    v.series.emplace_back(std::chrono::duration<double, std::milli>(w.start - fenceAt).count(), w.ms(), w.ok);
    if (bad) {
      if (!firstBad) firstBad = w.start;
      firstGoodAfter.reset();
      if (w.ok) {
        v.netPauseMs += w.ms() - v.baselineMs;
      } else {
        v.netPauseMs += i + 1 < ws.size() ? std::chrono::duration<double, std::milli>(ws[i + 1].start - w.start).count() : w.ms();
      }
    } else if (firstBad && !firstGoodAfter) {
      firstGoodAfter = w.start;
    }
  }
  if (firstBad) {
    const auto end = firstGoodAfter ? *firstGoodAfter : ws.back().end;
    v.grossPauseMs = std::chrono::duration<double, std::milli>(end - *firstBad).count();
  }
  return v;
}

}  // namespace ferry::cutover
