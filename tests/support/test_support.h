#pragma once
// Helpers for integration tests against the sandbox servers (scripts/sandbox).

#include <string>
#include <vector>

#include "connect/connection_spec.h"

namespace ferry::test {

/// FERRY_TEST_PG_URL with the database replaced by `database` (empty: keep).
/// Fails the current test when the variable is not set.
std::string pgUrl(const std::string& database = {});
std::string mysqlUrl(const std::string& database = {});
connect::ConnectionSpec pgSpec(const std::string& database = {});
connect::ConnectionSpec mysqlSpec(const std::string& database = {});

/// Drops and creates a PostgreSQL database / MySQL database (schema).
void recreatePgDatabase(const std::string& name);
void recreateMySqlDatabase(const std::string& name);

/// Runs a SQL file through psql / the mariadb client (which understand
/// DELIMITER and \ commands); fails the test on a non-zero exit.
void runPsqlFile(const std::string& database, const std::string& path);
void runMariadbFile(const std::string& database, const std::string& path);
/// Runs SQL text through psql / mariadb and returns its stdout (tab-separated, no headers).
std::string psql(const std::string& database, const std::string& sql);
std::string mariadb(const std::string& database, const std::string& sql);

/// Runs a shell command, returns exit code; stdout+stderr into `output`.
int runCommand(const std::string& command, std::string* output = nullptr);

/// The `ferry` binary run with `args` (shell words), stdin closed, five minutes
/// at most: its exit code, stdout and stderr apart.
struct FerryRun {
  int code = -1;
  std::string out;
  std::string err;
};
FerryRun runFerry(const std::string& binary, const std::string& args);

/// One of the four engine pairs the pair tests run on.
struct EnginePair {
  bool pgSource;
  bool pgTarget;
};
/// The four, for ::testing::ValuesIn.
const std::vector<EnginePair>& allEnginePairs();
/// "PostgresToMariaDb" and the like: a test name's part.
std::string pairName(const EnginePair& p);
/// Drops and creates `name` on the sandbox's PostgreSQL (pg) or MariaDB server.
void recreateDatabase(bool pg, const std::string& name);
/// The sandbox URL of `database` in single quotes, for a `ferry` command line.
std::string quotedUrl(bool pg, const std::string& database);
/// Runs `sql` in `database` on the sandbox's PostgreSQL (pg) or MariaDB server: its output.
std::string sqlOn(bool pg, const std::string& database, const std::string& sql);

/// "/tmp/<stem>.state", with any run state of that name (and its WAL, shared
/// memory and rejects files) left by an earlier run removed.
std::string freshStatePath(const std::string& stem);

/// Runs `command` (through sh, output discarded) `times` times, each SIGKILLed
/// after a random 150–900 ms (the sequence seeded by `seed`); returns how many
/// were still running when killed.
int killAtRandomMoments(const std::string& command, int times, unsigned seed);

std::string fixturePath(const std::string& name);   ///< tests/fixtures/<name>
std::string sakilaDir();                            ///< ../shared/datasets/sakila ("" when absent)

}  // namespace ferry::test
