// The secrets audit: every `ferry` subcommand, run by an account whose password
// is distinctive, given three ways — in the URL, in PGPASSWORD / MYSQL_PWD, in
// ~/.pgpass / ~/.my.cnf — in runs that succeed (copy with a rejected row, verify
// and repair with HTML reports, the stream, status, a cutover with command
// fences, the evidence pack, finish) and runs that fail on purpose (a wrong
// password, a missing database, a closed port, a sync that is not running).
// Then everything Ferry wrote is searched for the password: stdout and stderr
// (with -v), the run state and its WAL, the rejects, the reports, the evidence
// pack, what a fence command was given, and every file under HOME and the work
// directory. It must appear nowhere — not whole, not URL-encoded, not in part.
// (The workbench's files and the keychain are audited by keychain_test.)

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "support/test_support.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUser = "ferry_audit";
// ':' '@' '%' make the URL form differ from the plain one, and ':' must be
// escaped in ~/.pgpass; the fragments below are searched for on their own too.
const std::string kPassword = "Zx-4udit:S3cr3t@%q";
const std::string kPasswordInUrl = "Zx-4udit%3AS3cr3t%40%25q";
const std::string kWrong = "Wr0ng-4udit:N0peN0pe@%q";
const std::string kWrongInUrl = "Wr0ng-4udit%3AN0peN0pe%40%25q";
const std::vector<std::string> kNeedles = {kPassword, kPasswordInUrl, "S3cr3t", kWrong, kWrongInUrl, "N0peN0pe"};

constexpr const char* kSource = "ferry_t_audit_src";

enum class Given { Url, Environment, Files };

const char* name(Given g) {
  switch (g) {
    case Given::Url: return "url";
    case Given::Environment: return "env";
    case Given::Files: return "files";
  }
  return "?";
}

/// scheme://ferry:pw@host:port/db → scheme://ferry_audit[:password]@host:port/db
std::string auditUrl(const std::string& adminUrl, const std::string& passwordInUrl) {
  const auto start = adminUrl.find("://") + 3;
  const auto at = adminUrl.find('@', start);
  return adminUrl.substr(0, start) + kUser + (passwordInUrl.empty() ? "" : ":" + passwordInUrl) + adminUrl.substr(at);
}

/// host and port of a sandbox URL ("127.0.0.1", "54329").
std::pair<std::string, std::string> hostPort(const std::string& url) {
  const auto at = url.find('@');
  const auto colon = url.find(':', at);
  const auto slash = url.find('/', colon);
  return {url.substr(at + 1, colon - at - 1), url.substr(colon + 1, slash - colon - 1)};
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

class SecretsAudit : public ::testing::TestWithParam<Given> {
protected:
  static void SetUpTestSuite() {
    // The account, on both servers, allowed what the sandbox's own account is.
    test::psql("ferry", "DO $$BEGIN CREATE ROLE " + std::string(kUser) +
                            " LOGIN SUPERUSER REPLICATION; EXCEPTION WHEN duplicate_object THEN NULL; END$$; "
                            "ALTER ROLE " + kUser + " PASSWORD '" + kPassword + "'");
    std::string my;
    for (const char* h : {"127.0.0.1", "localhost", "%"}) {
      const std::string account = std::string("'") + kUser + "'@'" + h + "'";
      my += "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + kPassword + "'; ALTER USER " + account +
            " IDENTIFIED BY '" + kPassword + "'; GRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION; ";
    }
    test::mariadb("", my);
    // A small source: a table with a key, one whose only row PostgreSQL's
    // bigint cannot hold (it goes to the rejects file), and a sequence-like counter.
    test::recreateMySqlDatabase(kSource);
    test::mariadb(kSource,
                  "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(8,2)); "
                  "INSERT INTO items (name, price) VALUES ('anchor', 12.50), ('rope', 3.10), ('sail', 99.99), ('oar', NULL); "
                  "CREATE TABLE big (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20)); "
                  "INSERT INTO big VALUES (1, 'fits'), (18446744073709551615, 'does not fit');");
  }

  void SetUp() override {
    given = GetParam();
    work = fs::path("/tmp") / ("ferry-secrets-audit-" + std::string(name(given)));
    fs::remove_all(work);
    fs::create_directories(work / "home");
    fs::create_directories(work / "out");
    target = std::string("ferry_t_audit_") + name(given);
    target2 = target + "_migrate";
    test::recreatePgDatabase(target);
    test::recreatePgDatabase(target2);
    const std::string pw = given == Given::Url ? kPasswordInUrl : "";
    src = auditUrl(test::mysqlUrl(kSource), pw);
    tgt = auditUrl(test::pgUrl(target), pw);
    tgt2 = auditUrl(test::pgUrl(target2), pw);
    const std::string wrong = given == Given::Url ? kWrongInUrl : "";
    wrongSrc = auditUrl(test::mysqlUrl(kSource), wrong);
    wrongTgt = auditUrl(test::pgUrl(target), wrong);
    writePasswordFiles(kPassword);
  }

  /// ~/.pgpass and ~/.my.cnf of the Files runs (they are not searched: the
  /// user wrote them); the other runs have an empty HOME.
  void writePasswordFiles(const std::string& password) {
    if (given != Given::Files) return;
    const auto [pgHost, pgPort] = hostPort(test::pgUrl());
    std::string escaped;
    for (char c : password) {
      if (c == ':' || c == '\\') escaped += '\\';
      escaped += c;
    }
    {
      std::ofstream f(work / "home" / ".pgpass");
      f << pgHost << ":" << pgPort << ":*:" << kUser << ":" << escaped << "\n";
    }
    ::chmod((work / "home" / ".pgpass").c_str(), 0600);
    std::ofstream f(work / "home" / ".my.cnf");
    f << "[client]\nuser=" << kUser << "\npassword=\"" << password << "\"\n";
  }

  /// Runs `ferry -v ARGS` as the account: stdout and stderr kept under
  /// work/out (searched at the end); returns the exit code.
  int ferry(const std::string& label, const std::string& args, const std::string& password = kPassword) {
    std::string env = "env -u PGPASSWORD -u MYSQL_PWD -u PGPASSFILE HOME=" + quote((work / "home").string()) + " ";
    if (given == Given::Environment) env += "PGPASSWORD=" + quote(password) + " MYSQL_PWD=" + quote(password) + " ";
    const std::string base = (work / "out" / (std::to_string(++runs) + "-" + label)).string();
    const std::string command = "{ cd " + quote(work.string()) + " && " + env + "timeout 180 " + FERRY_BINARY + " -v " +
                                args + " >" + quote(base + ".out") + " 2>" + quote(base + ".err") + " </dev/null; }";
    const int code = test::runCommand(command);
    codes[label] = code;
    return code;
  }

  std::string err(const std::string& label) const {
    for (const auto& e : fs::directory_iterator(work / "out")) {
      const std::string f = e.path().filename().string();
      if (f.size() > label.size() + 4 && f.ends_with("-" + label + ".err")) {
        std::ifstream in(e.path());
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
      }
    }
    return {};
  }

  /// Every file under the work directory (HOME included, the password files
  /// the test wrote excepted), searched for each needle.
  void expectNoSecretAnywhere() {
    int files = 0;
    std::uintmax_t bytes = 0;
    for (const auto& e : fs::recursive_directory_iterator(work)) {
      if (!e.is_regular_file()) continue;
      const std::string f = e.path().filename().string();
      if (f == ".pgpass" || f == ".my.cnf") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      const std::string content = s.str();
      ++files;
      bytes += content.size();
      for (const auto& needle : kNeedles) {
        const auto at = content.find(needle);
        EXPECT_EQ(at, std::string::npos) << e.path() << " holds \"" << needle << "\": …"
                                         << content.substr(at < 80 ? 0 : at - 80, 200) << "…";
      }
    }
    std::cout << "searched " << files << " files (" << bytes << " bytes) under " << work << "\n";
    EXPECT_GT(files, 30);  // the outputs of every run, the state, rejects, reports
  }

  Given given = Given::Url;
  fs::path work;
  std::string target, target2, src, tgt, tgt2, wrongSrc, wrongTgt;
  int runs = 0;
  std::map<std::string, int> codes;
};

TEST_P(SecretsAudit, NoPasswordInAnythingFerryWrites) {
  const std::string state = (work / "run.state").string();
  const std::string S = " --source " + quote(src);
  const std::string T = " --target " + quote(tgt);
  const std::string ST = " --state " + quote(state);

  // Catalog, checks, mapping, DDL.
  EXPECT_EQ(ferry("inspect", "inspect " + quote(src)), 0) << err("inspect");
  EXPECT_EQ(ferry("inspect-json", "inspect --json " + quote(tgt)), 0) << err("inspect-json");
  EXPECT_NE(ferry("preflight", "preflight --json" + S + T), 2) << err("preflight");
  EXPECT_EQ(ferry("assess", "assess --format html --out assess.html" + S + T), 0) << err("assess");
  EXPECT_EQ(ferry("assess-json", "assess --format json --scan-data" + S + T), 0) << err("assess-json");
  EXPECT_EQ(ferry("ddl", "ddl --out ddl.sql" + S + T), 0) << err("ddl");
  EXPECT_EQ(ferry("diff", "diff --json" + S + T), 0) << err("diff");

  // The copy (one row rejected), kept for the stream; verify, repair, report.
  EXPECT_EQ(ferry("copy", "copy --jobs 2 --on-error skip --keep-slot --json" + S + T + ST), 0) << err("copy");
  ASSERT_TRUE(fs::exists(state + ".rejects.jsonl")) << err("copy");
  // The state remembers the URLs; give them again only where the password is in them.
  const std::string again = given == Given::Url ? S + T : "";
  EXPECT_EQ(ferry("verify", "verify --json --report verify.html" + ST + again), 3) << err("verify");  // the rejected row
  EXPECT_EQ(ferry("status", "status --json" + ST + again), 0) << err("status");
  test::mariadb(kSource, "INSERT INTO items (name, price) VALUES ('keel', 450.00); UPDATE items SET price = 13 WHERE name = 'anchor'");
  EXPECT_EQ(ferry("sync", "sync --until caught-up --json" + ST + again), 0) << err("sync");
  EXPECT_EQ(ferry("migrate", "migrate --jobs 2 --on-error skip --until caught-up --json --state migrate.state" + S +
                                 " --target " + quote(tgt2)),
            0)
      << err("migrate");
  EXPECT_EQ(ferry("repair", "repair --json --report repair.html --tables " + std::string(kSource) + ".items" + S + T), 0)
      << err("repair");
  // A cutover through command fences; whatever its gates decide, it writes a
  // report and its steps into the state. What the switch command is given is kept.
  ferry("cutover", "cutover --json --fence command --fence-command true --unfence-command true "
                   "--switch-command 'printf %s \"$FERRY_NEW_URL\" > switch-url.txt' --no-reverse --force verify "
                   "--stable-s 1 --gate-wait-s 20 --max-lag-ms 5000" + ST + again);
  EXPECT_EQ(ferry("report", "report --out evidence.html" + ST + again), 0) << err("report");
  EXPECT_TRUE(fs::exists(work / "evidence.html"));

  // Failing on purpose: each error must name the cause without the password.
  auto failing = [&](const std::string& label, const std::string& args, const std::string& password = kPassword) {
    EXPECT_NE(ferry(label, args, password), 0) << label << " succeeded";
  };
  if (given == Given::Files) writePasswordFiles(kWrong);
  failing("inspect-wrong-password", "inspect " + quote(wrongSrc), kWrong);
  failing("copy-wrong-password", "copy --state wrong.state --source " + quote(wrongSrc) + " --target " + quote(wrongTgt),
          kWrong);
  failing("verify-wrong-password", "verify --source " + quote(wrongSrc) + " --target " + quote(wrongTgt), kWrong);
  if (given == Given::Files) writePasswordFiles(kPassword);
  EXPECT_NE(err("inspect-wrong-password").find("refused the login"), std::string::npos) << err("inspect-wrong-password");
  auto missingDb = tgt;
  missingDb.replace(missingDb.rfind('/'), std::string::npos, "/ferry_t_audit_no_such_db");
  failing("inspect-missing-db", "inspect " + quote(missingDb));
  auto closedPort = tgt;
  const auto port = hostPort(tgt).second;
  closedPort.replace(closedPort.find(":" + port), port.size() + 1, ":1");
  EXPECT_NE(err("inspect-missing-db").find("ferry_t_audit_no_such_db"), std::string::npos) << err("inspect-missing-db");
  failing("sync-closed-port", "sync --until caught-up --target " + quote(closedPort) + ST + (given == Given::Url ? S : ""));
  failing("ctl-no-sync", "ctl --timeout-ms 500" + ST + " pause");
  failing("rollback-nothing-switched", "rollback --json --fence command --fence-command true --unfence-command true" + ST +
                                           again);
  EXPECT_EQ(ferry("finish", "finish --json" + ST + again), 0) << err("finish");
  failing("finish-not-cut-over", "finish --json --state migrate.state" +
                                     (given == Given::Url ? S + " --target " + quote(tgt2) : std::string()));

  expectNoSecretAnywhere();
}

INSTANTIATE_TEST_SUITE_P(PasswordGiven, SecretsAudit, ::testing::Values(Given::Url, Given::Environment, Given::Files),
                         [](const ::testing::TestParamInfo<Given>& p) { return std::string(name(p.param)); });

}  // namespace
}  // namespace ferry
