#pragma once
/// Pre-flight checks: named checks of what the later phases (snapshot, CDC,
/// loading) need from the source and the target, each pass / warn / fail with
/// a one-line fix. Nothing here writes to a server.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ferry::connect {
class PgConnection;
class MySqlConnection;
}  // namespace ferry::connect

namespace ferry::preflight {

enum class CheckStatus { Pass, Warn, Fail };
const char* checkStatusName(CheckStatus s);  ///< "pass", "warn", "fail"

enum class Role { Source, Target };
const char* roleName(Role r);

struct CheckResult {
  std::string id;        ///< stable name, e.g. "source.wal_level"
  Role role = Role::Source;
  std::string title;     ///< what is checked, e.g. "wal_level is logical"
  CheckStatus status = CheckStatus::Pass;
  std::string detail;    ///< what was found, e.g. "wal_level = replica"
  std::string fix;       ///< one sentence saying what to change (empty on pass)
};

struct Report {
  std::vector<CheckResult> checks;
  bool hasFailures() const;
  int count(CheckStatus s) const;
  void append(std::vector<CheckResult> more);
};

/// Checks for a PostgreSQL server used as the source (logical replication).
core::Result<std::vector<CheckResult>> checkPgSource(connect::PgConnection& conn);
/// Checks for a MySQL/MariaDB server used as the source (binlog CDC). Table
/// checks cover `schemas` (the databases to migrate), or all when empty.
core::Result<std::vector<CheckResult>> checkMySqlSource(connect::MySqlConnection& conn,
                                                        const std::vector<std::string>& schemas = {});
/// Checks for a PostgreSQL target (may create schemas and tables).
core::Result<std::vector<CheckResult>> checkPgTarget(connect::PgConnection& conn);
/// Checks for a MySQL/MariaDB target (may create databases and tables, load data).
/// `database`: the database the target URL names (its grants count too); empty: none.
core::Result<std::vector<CheckResult>> checkMySqlTarget(connect::MySqlConnection& conn, const std::string& database = {});

/// The largest value a source column of unbounded size holds (bytea, text,
/// json, BLOB/TEXT, …), measured table by table within `timeoutMs` in all.
struct LargestValue {
  std::string column;       ///< "schema.table.column" of the largest seen
  std::int64_t bytes = -1;  ///< -1: no such column
  std::vector<std::string> notMeasured;  ///< tables whose scan ran out of time
};
core::Result<LargestValue> largestPgValue(connect::PgConnection& conn, int timeoutMs);
/// `schemas`: the databases to migrate (all when empty).
core::Result<LargestValue> largestMySqlValue(connect::MySqlConnection& conn, const std::vector<std::string>& schemas,
                                             int timeoutMs);
/// A MySQL/MariaDB target: every value must fit its max_allowed_packet
/// (`target.max_allowed_packet`), a statement or a value sent in pieces alike.
CheckResult checkValuesFitPacket(const LargestValue& largest, std::int64_t maxAllowedPacket);

nlohmann::json toJson(const Report& report);

}  // namespace ferry::preflight
