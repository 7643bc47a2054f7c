// Pre-flight checks for MySQL/MariaDB sources and targets.

#include <cstdio>
#include <set>

#include "connect/mysql/mysql_connection.h"
#include "core/text.h"
#include "preflight/check_builder.h"
#include "preflight/preflight.h"

namespace ferry::preflight {

using detail::Checks;
using detail::countNoun;
using detail::listSome;

namespace {

// Global privileges of the current account (CURRENT_USER is 'user'@'host').
constexpr const char* kMySqlGlobalPrivileges = R"sql(
SELECT PRIVILEGE_TYPE AS priv
FROM information_schema.USER_PRIVILEGES
WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                       SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
)sql";

constexpr const char* kMySqlDatabasePrivileges = R"sql(
SELECT PRIVILEGE_TYPE AS priv
FROM information_schema.SCHEMA_PRIVILEGES
WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                       SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
)sql";

constexpr const char* kMySqlTablesWithoutKey = R"sql(
SELECT CONCAT(t.TABLE_SCHEMA, '.', t.TABLE_NAME) AS name
FROM information_schema.TABLES t
WHERE t.TABLE_TYPE = 'BASE TABLE'
  AND t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') {schema_filter}
  AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c
                  WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
                    AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE'))
ORDER BY 1
)sql";

constexpr const char* kMySqlNonTransactional = R"sql(
SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' (', ENGINE, ')') AS name
FROM information_schema.TABLES
WHERE TABLE_TYPE = 'BASE TABLE' AND ENGINE NOT IN ('InnoDB')
  AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') {schema_filter}
ORDER BY 1
)sql";

std::string variable(connect::MySqlConnection& conn, const std::string& name, bool* exists = nullptr) {
  auto r = conn.query("SHOW GLOBAL VARIABLES LIKE " + connect::MySqlConnection::quoteLiteral(name));
  if (!r || r->empty()) {
    if (exists) *exists = false;
    return {};
  }
  if (exists) *exists = true;
  return r->row(0).str("Value");
}

/// Limits a table query to the migrated databases ({schema_filter} token).
std::string withSchemaFilter(std::string sql, const std::vector<std::string>& schemas, const char* column) {
  std::string filter;
  if (!schemas.empty()) {
    std::vector<std::string> quoted;
    for (const auto& s : schemas) quoted.push_back(connect::MySqlConnection::quoteLiteral(s));
    filter = std::string("AND ") + column + " IN (" + core::join(quoted, ", ") + ")";
  }
  return core::replaceAll(std::move(sql), "{schema_filter}", filter);
}

std::vector<std::string> names(const connect::QueryResult& r) {
  std::vector<std::string> out;
  for (auto row : r) out.push_back(row.str("name"));
  return out;
}

core::Result<std::set<std::string>> globalPrivileges(connect::MySqlConnection& conn) {
  auto r = conn.query(kMySqlGlobalPrivileges);
  if (!r) return std::move(r).error().context("reading the account's privileges");
  std::set<std::string> out;
  for (auto row : *r) out.insert(core::toUpper(row.str("priv")));
  return out;
}

}  // namespace

core::Result<std::vector<CheckResult>> checkMySqlSource(connect::MySqlConnection& conn,
                                                        const std::vector<std::string>& schemas) {
  Checks checks(Role::Source);
  const bool maria = conn.flavour() == model::Engine::MariaDB;
  const std::string product = model::engineDisplayName(conn.flavour());
  checks.pass("server_version", product + " version is supported", product + " " + conn.serverVersion().text);

  const std::string logBin = variable(conn, "log_bin");
  checks.expect(logBin == "ON", "log_bin", "the binary log is on", "log_bin = " + logBin,
                "Start the server with log_bin (e.g. log_bin=mysql-bin in my.cnf) and restart it.");
  const std::string format = variable(conn, "binlog_format");
  checks.expect(format == "ROW", "binlog_format", "binlog_format is ROW", "binlog_format = " + format,
                "Set binlog_format=ROW in my.cnf (and SET GLOBAL binlog_format='ROW'); existing sessions keep "
                "their format until they reconnect.");
  const std::string image = variable(conn, "binlog_row_image");
  checks.expect(image == "FULL", "binlog_row_image", "binlog_row_image is FULL", "binlog_row_image = " + image,
                "Set binlog_row_image=FULL in my.cnf and SET GLOBAL binlog_row_image='FULL'.");
  // The stream decodes each row by the TABLE_MAP logged with it, never by
  // today's catalog: it needs the column names, signedness and ENUM/SET members
  // that only binlog_row_metadata = FULL logs (MariaDB 10.5+, MySQL 8.0.1+).
  bool haveMetadata = false;
  const std::string metadata = variable(conn, "binlog_row_metadata", &haveMetadata);
  if (haveMetadata) {
    checks.expect(metadata == "FULL", "binlog_row_metadata", "binlog_row_metadata is FULL",
                  "binlog_row_metadata = " + metadata,
                  "Run SET GLOBAL binlog_row_metadata = FULL (and put binlog_row_metadata=FULL in my.cnf so it "
                  "survives a restart): the stream decodes rows by the column names and types logged with them.");
  } else {
    checks.expect(false, "binlog_row_metadata", "binlog_row_metadata is FULL",
                  "this server has no binlog_row_metadata",
                  std::string("The stream needs binlog_row_metadata = FULL: ") +
                      (maria ? "MariaDB 10.5 or later." : "MySQL 8.0.1 or later.") +
                      " The copy and the verification work without it.");
  }
  bool haveCompress = false;
  const std::string compress = variable(conn, "log_bin_compress", &haveCompress);
  if (haveCompress) {
    checks.pass("log_bin_compress", "compressed binlog events are read",
                "log_bin_compress = " + compress + (compress == "ON" ? " (the stream decompresses them)" : ""));
  }
  if (!maria) {
    // The stream reads MariaDB's binlog; MySQL 8's (v2 row events, GTID sets) has
    // no server here to be tested against, so the sync refuses it.
    checks.expect(false, "stream_source", "the change stream reads this server's binlog",
                  product + " " + conn.serverVersion().text,
                  "The change stream is built and tested for MariaDB 10.5+ only; copy and verify work with MySQL. "
                  "Stream from a MariaDB replica of this server, or copy again at cutover.",
                  CheckStatus::Warn);
  }
  const std::string serverId = variable(conn, "server_id");
  checks.expect(!serverId.empty() && serverId != "0", "server_id", "server_id is set", "server_id = " + serverId,
                "Set a non-zero, unique server_id in my.cnf and restart the server.");
  if (!maria) {
    const std::string gtid = variable(conn, "gtid_mode");
    checks.expect(gtid == "ON", "gtid_mode", "GTIDs are on", "gtid_mode = " + gtid,
                  "Enable gtid_mode=ON with enforce_gtid_consistency=ON so a stream can resume by GTID.",
                  CheckStatus::Warn);
  }

  auto privs = globalPrivileges(conn);
  if (!privs) return std::move(privs).error();
  auto has = [&](const char* p) { return privs->count("ALL PRIVILEGES") > 0 || privs->count(p) > 0; };
  checks.expect(has("REPLICATION SLAVE"), "grant_replication_slave", "the account may read the binlog (REPLICATION SLAVE)",
                has("REPLICATION SLAVE") ? "granted" : "not granted",
                "Run GRANT REPLICATION SLAVE ON *.* TO the migration account.");
  const char* monitor = maria && conn.serverVersion().atLeast(10, 5) ? "BINLOG MONITOR" : "REPLICATION CLIENT";
  checks.expect(has(monitor), "grant_binlog_monitor",
                std::string("the account may read binlog positions (") + monitor + ")",
                has(monitor) ? "granted" : "not granted",
                std::string("Run GRANT ") + monitor + " ON *.* TO the migration account.");
  // Heartbeats: a row of ferry_heartbeat.beat every 200 ms, timed on apply.
  bool heartbeatGranted = has("CREATE") && has("INSERT") && has("UPDATE");
  if (!heartbeatGranted) {
    auto onSchema = conn.query(
        "SELECT GROUP_CONCAT(PRIVILEGE_TYPE) AS p FROM information_schema.SCHEMA_PRIVILEGES WHERE "
        "'ferry_heartbeat' LIKE TABLE_SCHEMA AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "
        "'''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')");
    if (onSchema && !onSchema->empty()) {
      const std::string p = core::toUpper(onSchema->row(0).str("p"));
      heartbeatGranted = p.find("CREATE") != std::string::npos && p.find("INSERT") != std::string::npos &&
                         p.find("UPDATE") != std::string::npos;
    }
  }
  checks.expect(heartbeatGranted, "grant_heartbeat",
                "the stream may write its heartbeat row (CREATE, INSERT, UPDATE on ferry_heartbeat.*)",
                heartbeatGranted ? "granted" : "not granted",
                "Run GRANT CREATE, INSERT, UPDATE ON ferry_heartbeat.* TO the migration account; without it the "
                "stream's lag is measured from the binlog's commit times, in whole seconds.",
                CheckStatus::Warn);
  checks.expect(has("SELECT"), "grant_select", "the account may read every table (SELECT)",
                has("SELECT") ? "granted globally" : "not granted globally",
                "Run GRANT SELECT ON *.* (or on each migrated database) TO the migration account.",
                CheckStatus::Warn);
  checks.expect(has("RELOAD"), "grant_reload", "parallel snapshots may take a brief global read lock (RELOAD)",
                has("RELOAD") ? "granted" : "not granted",
                "Run GRANT RELOAD ON *.* TO the migration account, or copy with --jobs 1.", CheckStatus::Warn);

  auto keyless = conn.query(withSchemaFilter(kMySqlTablesWithoutKey, schemas, "t.TABLE_SCHEMA"));
  if (!keyless) return std::move(keyless).error().context("looking for tables without a key");
  const auto noKey = names(*keyless);
  checks.expect(noKey.empty(), "tables_without_key", "every table has a primary or unique key",
                noKey.empty() ? "all tables have a key"
                              : countNoun(noKey.size(), "table") + " without key: " + listSome(noKey),
                "Add a primary key; without one, replicated updates and deletes must match whole rows and "
                "the copy cannot be split into chunks.",
                CheckStatus::Warn);

  auto nonTx = conn.query(withSchemaFilter(kMySqlNonTransactional, schemas, "TABLE_SCHEMA"));
  if (!nonTx) return std::move(nonTx).error().context("looking for non-InnoDB tables");
  const auto plain = names(*nonTx);
  checks.expect(plain.empty(), "transactional_tables", "every table is transactional (InnoDB)",
                plain.empty() ? "all tables use InnoDB" : listSome(plain),
                "Convert them with ALTER TABLE … ENGINE=InnoDB; other engines have no consistent snapshot.",
                CheckStatus::Warn);

  // Binlog retention: the stream must be able to resume after an outage.
  long long seconds = 0;
  bool haveSeconds = false;
  const std::string expireSeconds = variable(conn, "binlog_expire_logs_seconds", &haveSeconds);
  if (haveSeconds && !expireSeconds.empty()) seconds = std::stoll(expireSeconds);
  if (seconds == 0) {
    const std::string days = variable(conn, "expire_logs_days");
    if (!days.empty()) seconds = static_cast<long long>(std::stod(days) * 86400);
  }
  // The copy's estimated duration: the migrated data at 25 MB/s, half what
  // bench/copy measured MariaDB → PostgreSQL on the 2-core reference machine
  // (56 MB/s), for index builds and slower links.
  constexpr double kEstimateBytesPerSecond = 25.0 * 1024 * 1024;
  double copySeconds = 0;
  auto size = conn.query(withSchemaFilter(
      "SELECT coalesce(SUM(DATA_LENGTH), 0) AS bytes FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
      "AND TABLE_SCHEMA NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema') {schema_filter}",
      schemas, "TABLE_SCHEMA"));
  if (size && !size->empty()) copySeconds = static_cast<double>(size->row(0).i64("bytes")) / kEstimateBytesPerSecond;
  const auto hours = [](double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", s / 3600.0);
    return std::string(text);
  };
  if (seconds == 0) {
    checks.pass("binlog_retention", "binlogs are kept long enough to resume", "binlogs never expire automatically");
  } else {
    // Kept at least a day, and three times the copy's estimate: the stream starts
    // from the snapshot's position only after the copy ends.
    const bool enough = seconds >= 86400 && static_cast<double>(seconds) >= 3 * copySeconds;
    checks.expect(enough, "binlog_retention", "binlogs are kept long enough to resume",
                  "your binlogs are kept " + hours(static_cast<double>(seconds)) + " hours; the copy is estimated to take " +
                      hours(copySeconds) + " hours",
                  "Keep binlogs at least a day and well beyond the copy (binlog_expire_logs_seconds): the stream "
                  "starts from the snapshot's position when the copy ends, and a paused migration resumes from its "
                  "stored one.",
                  CheckStatus::Warn);
  }
  return checks.take();
}

core::Result<std::vector<CheckResult>> checkMySqlTarget(connect::MySqlConnection& conn, const std::string& database) {
  Checks checks(Role::Target);
  const std::string product = model::engineDisplayName(conn.flavour());
  checks.pass("server_version", product + " version is supported", product + " " + conn.serverVersion().text);
  auto privs = globalPrivileges(conn);
  if (!privs) return std::move(privs).error();
  auto onDatabase = [&](const std::string& db) -> core::Result<std::set<std::string>> {
    std::set<std::string> out;
    if (db.empty()) return out;
    // SCHEMA_PRIVILEGES lists grants ON db.* (a pattern such as `shop\_%` matches by LIKE).
    auto r = conn.query(std::string(kMySqlDatabasePrivileges) + " AND " + connect::MySqlConnection::quoteLiteral(db) +
                        " LIKE TABLE_SCHEMA");
    if (!r) return std::move(r).error().context("reading the account's database privileges");
    for (auto row : *r) out.insert(core::toUpper(row.str("priv")));
    return out;
  };
  auto dbPrivs = onDatabase(database);
  if (!dbPrivs) return std::move(dbPrivs).error();
  const bool all = privs->count("ALL PRIVILEGES") > 0;
  std::vector<std::string> missing;
  for (const char* p : {"CREATE", "ALTER", "INDEX", "INSERT", "UPDATE", "DELETE", "DROP", "REFERENCES"}) {
    if (!all && privs->count(p) == 0 && dbPrivs->count(p) == 0) missing.emplace_back(p);
  }
  const std::string where = database.empty() ? std::string("*.*") : "`" + database + "`.*";
  checks.expect(missing.empty(), "create_tables",
                database.empty() ? "the account may create and load databases and tables"
                                 : "the account may create and load tables in " + database,
                missing.empty() ? "all needed privileges granted" : "missing " + core::join(missing, ", "),
                "Run GRANT " + (missing.empty() ? std::string("ALL") : core::join(missing, ", ")) + " ON " + where +
                    " TO the migration account.");
  // The chunk marks: ferry_state when the account may create it, else inside the target database.
  auto marksPrivs = onDatabase("ferry_state");
  if (!marksPrivs) return std::move(marksPrivs).error();
  const bool ownDatabase = all || privs->count("CREATE") > 0 || marksPrivs->count("CREATE") > 0;
  checks.pass("chunk_marks", "Ferry's chunk marks have a place",
              ownDatabase || database.empty()
                  ? std::string("database ferry_state (created by the copy, dropped when it ends)")
                  : "this account may not create the database ferry_state: the marks go into `" + database +
                        "`.`ferry_chunk_marks`, dropped when the copy ends");
  const std::string localInfile = variable(conn, "local_infile");
  checks.expect(localInfile == "ON", "local_infile", "LOAD DATA LOCAL INFILE is allowed", "local_infile = " + localInfile,
                "SET GLOBAL local_infile = ON for a faster load; otherwise Ferry falls back to multi-row INSERT.",
                CheckStatus::Warn);
  // The change stream into this target: a commit must be durable when it
  // returns (Ferry confirms the source's position from it), and MySQL cannot
  // keep triggers from firing on applied rows.
  const std::string flushAtCommit = variable(conn, "innodb_flush_log_at_trx_commit");
  checks.expect(flushAtCommit == "1", "flush_at_commit", "a commit is durable when it returns (stream)",
                "innodb_flush_log_at_trx_commit = " + flushAtCommit,
                "Set innodb_flush_log_at_trx_commit = 1 while Ferry streams into this server. With " + flushAtCommit +
                    " the redo log is flushed about once a second, so Ferry confirms the source's position only a "
                    "flush interval after each commit (the slot keeps a little more WAL); nothing is lost.",
                CheckStatus::Warn);
  if (!database.empty()) {
    auto triggers = conn.query("SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
                               connect::MySqlConnection::quoteLiteral(database));
    if (!triggers) return std::move(triggers).error().context("counting the target's triggers");
    const auto n = triggers->row(0).i64("n");
    checks.expect(n == 0, "target_triggers", "no trigger fires on rows the stream applies",
                  n == 0 ? std::string("no triggers in ") + database
                         : countNoun(static_cast<std::size_t>(n), "trigger") + " in " + database,
                  "MySQL/MariaDB cannot turn triggers off for one session: each fires again on rows the source's "
                  "own trigger already changed. Create the triggers at cutover, not before the stream.",
                  CheckStatus::Warn);
  }
  return checks.take();
}

}  // namespace ferry::preflight
