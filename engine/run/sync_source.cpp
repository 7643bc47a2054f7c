// The sync's source side at the start of each attempt: an ordinary session
// (heartbeats, marks, the log end) and the change stream, per engine
// (run/sync_support.h).

#include <chrono>
#include <functional>
#include <thread>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/sync_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using connect::MySqlConnection;
using connect::PgConnection;

namespace {

constexpr const char* kHeartbeatSchema = "ferry_heartbeat";
constexpr const char* kHeartbeatTable = "ferry_heartbeat.beat";

class PgSession final : public SourceSession {
public:
  explicit PgSession(std::unique_ptr<PgConnection> c) : m_conn(std::move(c)) {}
  core::Result<cdc::LogPosition> heartbeat(const std::string& content) override {
    auto r = m_conn->query(
        "SELECT pg_logical_emit_message(true, $1, $2)::text AS l, pg_current_wal_insert_lsn()::text AS w",
        {cdc::kHeartbeatPrefix, content});
    if (!r) {
      Error e = std::move(r).error();
      if (e.breaksConnection()) return e;
      return Error(e.kind(), e.message(), "Grant EXECUTE on pg_logical_emit_message to the source user to measure it exactly.");
    }
    return cdc::LogPosition::parse(r->row(0).str("w"));
  }
  core::Status mark() override { return m_conn->exec("SELECT pg_logical_emit_message(true, 'ferry_mark', '')"); }
  core::Result<cdc::LogPosition> logEnd() override {
    // The insert position: asynchronously committed transactions lie past the write position.
    auto r = m_conn->query("SELECT pg_current_wal_insert_lsn()::text AS l");
    if (!r) return std::move(r).error();
    return cdc::LogPosition::parse(r->row(0).str("l"));
  }
  void shutdownSocket() override { m_conn->shutdownSocket(); }
  PgConnection& conn() { return *m_conn; }

private:
  std::unique_ptr<PgConnection> m_conn;
};

core::Result<cdc::LogPosition> binlogEnd(MySqlConnection& c) {
  auto r = c.query("SHOW MASTER STATUS");
  if (!r) return std::move(r).error();
  if (r->empty()) {
    return Error(ErrorKind::Config, "the source writes no binlog (SHOW MASTER STATUS is empty)",
                 "Start it with log_bin (and binlog_format=ROW, binlog_row_image=FULL, binlog_row_metadata=FULL).");
  }
  return cdc::LogPosition::parse(r->row(0).str("File") + ":" + r->row(0).str("Position"));
}

class MariaDbSession final : public SourceSession {
public:
  MariaDbSession(std::unique_ptr<MySqlConnection> c, std::string runId) : m_conn(std::move(c)), m_runId(std::move(runId)) {}
  core::Result<cdc::LogPosition> heartbeat(const std::string& content) override {
    if (!m_prepared) {
      auto made = m_conn->exec(std::string("CREATE DATABASE IF NOT EXISTS ") + kHeartbeatSchema);
      if (made) {
        made = m_conn->exec(std::string("CREATE TABLE IF NOT EXISTS ") + kHeartbeatTable +
                            " (run_id VARCHAR(100) NOT NULL PRIMARY KEY, beat VARCHAR(255) NOT NULL) ENGINE=InnoDB");
      }
      if (!made) return refused(std::move(made).error());
      m_prepared = true;
    }
    auto w = m_conn->exec(std::string("INSERT INTO ") + kHeartbeatTable + " (run_id, beat) VALUES (" +
                          MySqlConnection::quoteLiteral(m_runId) + ", " + MySqlConnection::quoteLiteral(content) +
                          ") ON DUPLICATE KEY UPDATE beat = VALUES(beat)");
    if (!w) return refused(std::move(w).error());
    return binlogEnd(*m_conn);
  }
  core::Status mark() override {
    auto h = heartbeat("mark");
    if (!h) return std::move(h).error();
    return {};
  }
  core::Result<cdc::LogPosition> logEnd() override { return binlogEnd(*m_conn); }
  void shutdownSocket() override {}

private:
  static Error refused(Error e) {
    if (e.breaksConnection()) return e;
    return Error(e.kind(), e.message(),
                 "Heartbeats are a row of ferry_heartbeat.beat on the source: GRANT CREATE, INSERT, UPDATE ON "
                 "ferry_heartbeat.* to the source user to measure the lag in milliseconds (without it, the binlog's "
                 "whole-second event times).");
  }
  std::unique_ptr<MySqlConnection> m_conn;
  std::string m_runId;
  bool m_prepared = false;
};

/// How each column of the streamed tables prints, from the catalog
/// (cdc::binlog::ValueText): what the row layout cannot tell.
core::Result<std::map<std::string, cdc::binlog::ValueText>> readValueTexts(MySqlConnection& c,
                                                                        const std::set<std::string>& tables) {
  std::set<std::string> schemas;
  for (const auto& t : tables) schemas.insert(MySqlConnection::quoteLiteral(t.substr(0, t.find('.'))));
  std::map<std::string, cdc::binlog::ValueText> out;
  if (schemas.empty()) return out;
  auto r = c.query("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS d, "
                   "coalesce(NUMERIC_SCALE, -1) AS scale, coalesce(CHARACTER_SET_NAME, '') AS cs "
                   "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (" +
                   core::join(std::vector<std::string>(schemas.begin(), schemas.end()), ", ") + ")");
  if (!r) return std::move(r).error().context("reading the source's column types");
  for (auto row : *r) {
    const std::string table = row.str("s") + "." + row.str("t");
    if (!tables.contains(table)) continue;
    const std::string type = core::toLower(row.str("d"));
    cdc::binlog::ValueText v;
    v.form = type == "uuid"    ? cdc::binlog::TextForm::Uuid
             : type == "inet6" ? cdc::binlog::TextForm::Inet6
             : type == "inet4" ? cdc::binlog::TextForm::Inet4
                               : cdc::binlog::TextForm::Plain;
    const auto scale = row.i64("scale");
    if (type == "double" && scale >= 0 && scale < 31) v.fixedDecimals = static_cast<int>(scale);
    v.charset = row.str("cs");
    out[table + "." + row.str("c")] = std::move(v);
  }
  return out;
}

core::Result<RunSource> openPgSource(const connect::ConnectionSpec& source, const RunSourceOptions& options,
                                     const std::function<bool()>& stopping) {
  auto conn = PgConnection::open(source);
  if (!conn) return std::move(conn).error().context("source");
  // The heartbeat commits with a local flush: the walsender sends only flushed
  // WAL, so under synchronous_commit = off (the sandbox's, and many busy
  // servers') a heartbeat waited up to wal_writer_delay (200 ms) before it could
  // even be decoded — the lag measured the source's WAL writer, not the stream
  // (bench/cdc: p50 ~210 ms at any rate). One flush per heartbeat.
  (void)(*conn)->exec("SET synchronous_commit = local");
  auto session = std::make_unique<PgSession>(std::move(*conn));
  const std::string& slot = options.pg.slot;
  auto slotState =
      session->conn().query("SELECT wal_status, active_pid FROM pg_replication_slots WHERE slot_name = $1", {slot});
  if (!slotState) return std::move(slotState).error();
  if (slotState->empty()) {
    return Error(ErrorKind::NotFound, "replication slot " + slot + " of this run is gone from the source",
                 "The changes since the copy cannot be streamed: copy again (--abandon, then a new ferry migrate).");
  }
  if (slotState->row(0).str("wal_status") == "lost") {
    return Error(ErrorKind::Data,
                 "the source invalidated replication slot " + slot +
                     " (wal_status = lost: max_slot_wal_keep_size was exceeded)",
                 "The WAL the stream needs is gone: copy again (--abandon, then a new ferry migrate), and raise "
                 "max_slot_wal_keep_size.");
  }
  // A sync that was killed (or a link that was cut) leaves the slot "active"
  // until its walsender notices (SQLSTATE 55006): wait for it rather than fail.
  auto stream = cdc::openPgChangeSource(source, options.pg);
  for (int i = 0; i < 100 && !stream && stream.error().sqlState() == "55006" && !stopping(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stream = cdc::openPgChangeSource(source, options.pg);
  }
  if (!stream) return std::move(stream).error();
  return RunSource{std::move(session), std::move(*stream)};
}

core::Result<RunSource> openMariaDbSource(const connect::ConnectionSpec& source, const RunSourceOptions& options) {
  connect::MySqlOpenOptions mo;
  mo.ioTimeoutSeconds = options.ioTimeoutSeconds;
  auto conn = MySqlConnection::open(source, mo);
  if (!conn) return std::move(conn).error().context("source");
  if ((*conn)->flavour() != model::Engine::MariaDB) {
    return Error(ErrorKind::Unsupported,
                 "the change stream from MySQL " + (*conn)->serverVersion().text + " is not built yet",
                 "Ferry streams MariaDB's binlog (10.5+); MySQL 8 writes v2 row events and GTID sets, which no "
                 "MySQL server here could test. Copy and verify work with MySQL.");
  }
  auto texts = readValueTexts(**conn, options.tables);
  if (!texts) return std::move(texts).error();
  auto session = std::make_unique<MariaDbSession>(std::move(*conn), options.runId);
  cdc::MariaDbSourceOptions so;
  so.serverId = options.serverId;
  so.start = options.gtidStart;
  so.tables = options.tables;
  so.heartbeatTable = kHeartbeatTable;
  so.binlogBase = options.binlogBase;
  so.skipServerIds = options.skipServerIds;
  so.textOf = [texts = std::move(*texts)](const std::string& schema, const std::string& table,
                                          const std::string& column) {
    const auto it = texts.find(schema + "." + table + "." + column);
    return it == texts.end() ? cdc::binlog::ValueText{} : it->second;
  };
  auto stream = cdc::openMariaDbChangeSource(source, so);
  if (!stream) return std::move(stream).error();
  return RunSource{std::move(session), std::move(*stream)};
}

}  // namespace

core::Result<SourceTypesAt> readSourceTypes(const connect::ConnectionSpec& source, const std::set<std::string>& labels) {
  SourceTypesAt out;
  // A binlog source's type changes are met at their ALTER in the stream: nothing to compare with.
  if (source.engine != model::Engine::PostgreSQL) return out;
  auto conn = PgConnection::open(source);
  if (!conn) return std::move(conn).error().context("source");
  auto lsn = (*conn)->query("SELECT pg_current_wal_lsn()::text AS lsn");
  if (!lsn) return std::move(lsn).error();
  auto at = cdc::LogPosition::parse(lsn->row(0).str("lsn"));
  if (!at) return std::move(at).error();
  out.lsn = *at;
  std::set<std::string> schemas;
  for (const auto& l : labels) schemas.insert(PgConnection::quoteLiteral(l.substr(0, l.find('.'))));
  if (schemas.empty()) return out;
  auto cols = (*conn)->query(
      "SELECT n.nspname || '.' || c.relname AS t, a.attname AS c, a.atttypid::bigint AS oid, a.atttypmod AS typmod "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND n.nspname IN (" +
      core::join(std::vector<std::string>(schemas.begin(), schemas.end()), ", ") + ")");
  if (!cols) return std::move(cols).error().context("reading the source's column types");
  for (auto row : *cols) {
    const std::string t = row.str("t");
    if (!labels.contains(t)) continue;
    out.types[t][row.str("c")] = {static_cast<std::uint32_t>(row.i64("oid")), static_cast<std::int32_t>(row.i64("typmod"))};
  }
  return out;
}

core::Result<RunSource> openRunSource(const connect::ConnectionSpec& source, const RunSourceOptions& options,
                                      const std::function<bool()>& stopping) {
  if (source.engine == model::Engine::PostgreSQL) return openPgSource(source, options, stopping);
  return openMariaDbSource(source, options);
}

std::uint32_t defaultServerId(const std::string& runId) {
  // FNV-1a of the run id, in 0x40000000–0x7fffffff.
  std::uint32_t h = 2166136261u;
  for (unsigned char c : runId) h = (h ^ c) * 16777619u;
  return 0x40000000u | (h & 0x3fffffffu);
}

}  // namespace ferry::run
