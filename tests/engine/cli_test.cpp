// The `ferry` binary end to end: exit codes (0 ok, 1 error, 2 usage), one-line
// errors that name the cause and the fix with no secret and no stack trace,
// and the documented JSON of inspect and preflight.

#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kDb = "ferry_t_cli";

struct Run {
  int code;
  std::string out;   // stdout
  std::string err;   // stderr
};

Run ferry(const std::string& args) {
  char errTemplate[] = "/tmp/ferry-cli-err-XXXXXX";
  const int fd = mkstemp(errTemplate);
  close(fd);
  Run r{};
  r.code = test::runCommand("{ " + std::string(FERRY_BINARY) + " " + args + " 2>" + errTemplate + " </dev/null; }", &r.out);
  test::runCommand(std::string("cat ") + errTemplate, &r.err);
  std::remove(errTemplate);
  return r;
}

std::string withPassword(std::string url, const std::string& password) {
  // scheme://user:password@… → replace the password part.
  const auto userStart = url.find("://") + 3;
  const auto at = url.find('@', userStart);
  const auto colon = url.find(':', userStart);
  return url.substr(0, colon + 1) + password + url.substr(at);
}

class Cli : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreatePgDatabase(kDb);
    test::runPsqlFile(kDb, test::fixturePath("pg_types.sql"));
  }
};

void expectOneLineError(const Run& r, const std::string& mustContain, const std::string& secret = {}) {
  EXPECT_EQ(r.code, 1) << r.err;
  const std::string err = core::trim(r.err);
  EXPECT_EQ(err.find('\n'), std::string::npos) << "more than one line: " << err;
  EXPECT_TRUE(core::startsWith(err, "ferry: error: ")) << err;
  EXPECT_NE(err.find(mustContain), std::string::npos) << err;
  EXPECT_EQ(err.find("terminate"), std::string::npos) << err;
  if (!secret.empty()) {
    EXPECT_EQ(err.find(secret), std::string::npos) << err;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  }
}

TEST_F(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(ferry("").code, 2);
  EXPECT_EQ(ferry("inspect").code, 2);
  EXPECT_EQ(ferry("no-such-command").code, 2);
  auto bad = ferry("inspect localhost:5432");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("not a connection URL"), std::string::npos) << bad.err;
  EXPECT_EQ(ferry("--help").code, 0);
}

TEST_F(Cli, WrongPasswordOnBothEngines) {
  const std::string secret = "N0t-The-Pw-4711";
  expectOneLineError(ferry("inspect '" + withPassword(test::pgUrl(kDb), secret) + "'"), "refused the login", secret);
  expectOneLineError(ferry("inspect '" + withPassword(test::mysqlUrl(), secret) + "'"), "refused the login", secret);
  auto json = ferry("inspect --json '" + withPassword(test::pgUrl(kDb), secret) + "'");
  EXPECT_EQ(json.code, 1);
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["error"]["kind"], "auth_failed");
  EXPECT_EQ(json.out.find(secret), std::string::npos);
}

TEST_F(Cli, UnreachableHost) {
  expectOneLineError(ferry("inspect postgresql://ferry@127.0.0.1:1/x"), "connection refused");
  expectOneLineError(ferry("inspect mysql://ferry@no-such-host.invalid/"), "cannot resolve host name");
}

TEST_F(Cli, TlsDemandedButNotOffered) {
  // The sandbox's servers offer TLS; its PgBouncer does not.
  const char* bouncer = std::getenv("FERRY_TEST_PGBOUNCER_URL");
  ASSERT_NE(bouncer, nullptr);
  expectOneLineError(ferry("inspect '" + std::string(bouncer) + "?sslmode=require'"), "does not offer TLS");
}

TEST_F(Cli, MissingDatabase) {
  expectOneLineError(ferry("inspect '" + test::pgUrl("ferry_no_such_db") + "'"), "has no database 'ferry_no_such_db'");
  expectOneLineError(ferry("inspect '" + test::mysqlUrl("ferry_no_such_db") + "'"), "has no database 'ferry_no_such_db'");
}

TEST_F(Cli, InspectJsonHasTheDocumentedShape) {
  auto r = ferry("inspect --json --schema shop '" + test::pgUrl(kDb) + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["engine"], "postgresql");
  EXPECT_TRUE(j["server_version"].is_string());
  ASSERT_EQ(j["schemas"].size(), 1u);
  const auto& s = j["schemas"][0];
  EXPECT_EQ(s["name"], "shop");
  for (const char* key : {"tables", "views", "routines", "sequences", "types"}) {
    EXPECT_TRUE(s[key].is_array()) << key;
  }
  const nlohmann::json* customers = nullptr;
  for (const auto& t : s["tables"]) {
    if (t["name"] == "customers") customers = &t;
  }
  ASSERT_NE(customers, nullptr);
  for (const char* key : {"columns", "indexes", "foreign_keys", "checks", "triggers"}) {
    EXPECT_TRUE((*customers)[key].is_array()) << key;
  }
  EXPECT_EQ((*customers)["kind"], "table");
  EXPECT_EQ((*customers)["estimated_rows"], 50);
  EXPECT_EQ((*customers)["primary_key"]["columns"], nlohmann::json::array({"customer_id"}));
  const auto& email = (*customers)["columns"][1];
  EXPECT_EQ(email["name"], "email");
  EXPECT_EQ(email["type"], "shop.email");
  EXPECT_EQ(email["nullable"], false);
  EXPECT_TRUE(email["default"].is_null());
  EXPECT_EQ((*customers)["columns"][3]["default"], "now()");
}

TEST_F(Cli, InspectTextTree) {
  auto r = ferry("inspect --schema shop '" + test::pgUrl(kDb) + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("schema shop"), std::string::npos);
  EXPECT_NE(r.out.find("partitioned_table orders"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FOREIGN KEY orders_customer_fk (customer_id) → shop.customers (customer_id) ON DELETE CASCADE"),
            std::string::npos);
}

TEST_F(Cli, PreflightPassesOnTheSandbox) {
  auto r = ferry("preflight --json --source '" + test::mysqlUrl() + "' --target '" + test::pgUrl(kDb) + "'");
  auto j = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> status;
  for (const auto& c : j["checks"]) status[c["id"]] = c["status"];
  EXPECT_EQ(status["source.log_bin"], "pass");
  EXPECT_EQ(status["source.binlog_format"], "pass");
  EXPECT_EQ(status["source.binlog_row_image"], "pass");
  EXPECT_EQ(status["source.server_id"], "pass");
  EXPECT_EQ(status["source.grant_replication_slave"], "pass");
  EXPECT_EQ(status["target.create_schema"], "pass");
  EXPECT_EQ(r.code, j["ok"].get<bool>() ? 0 : 1);

  auto pg = ferry("preflight --json --source '" + test::pgUrl(kDb) + "'");
  auto pj = nlohmann::json::parse(pg.out);
  std::map<std::string, std::string> pgStatus;
  for (const auto& c : pj["checks"]) pgStatus[c["id"]] = c["status"];
  EXPECT_EQ(pgStatus["source.wal_level"], "pass");
  EXPECT_EQ(pgStatus["source.replication_role"], "pass");
  EXPECT_EQ(pgStatus["source.replication_slots"], "pass");
  // The fixture's unlogged sessions table has no primary key.
  EXPECT_EQ(pgStatus["source.replica_identity"], "warn");
}

TEST_F(Cli, PreflightFailsForAnAccountWithoutReplicationGrants) {
  auto spec = test::mysqlSpec();
  const std::string url = "mysql://ferry_limited:ferry-limited@" + spec.host + ":" + std::to_string(spec.effectivePort()) + "/";
  auto r = ferry("preflight --source '" + url + "'");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  source.grant_replication_slave"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GRANT REPLICATION SLAVE ON *.*"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ferry-limited"), std::string::npos);
}

}  // namespace
}  // namespace ferry
