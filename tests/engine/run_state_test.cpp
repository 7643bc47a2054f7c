// Whose run state is it (issue "Field report", finding 3): without --state a run's
// file belongs to its source and target (or its project), so unrelated copies
// from one folder never collide; a state file used with another source or target
// is refused naming both, and the same server reached by another URL is accepted.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "core/text.h"
#include "run/copy_run.h"
#include "run/state_path.h"
#include "support/test_support.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class RunState : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("ferry-state-test-" + std::to_string(getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    setenv("FERRY_STATE_DIR", (m_dir / "states").c_str(), 1);
    for (const char* db : {"ferry_t_state_a", "ferry_t_state_b"}) {
      test::recreateMySqlDatabase(db);
      test::mariadb(db, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
      test::recreatePgDatabase(db);
    }
  }
  void TearDown() override {
    unsetenv("FERRY_STATE_DIR");
    fs::remove_all(m_dir);
  }

  /// `ferry copy` run from the test's folder (the working directory of a user).
  int ferry(const std::string& args, std::string* out) {
    return test::runCommand("cd '" + m_dir.string() + "' && " + std::string(FERRY_BINARY) + " copy " + args + " 2>&1", out);
  }

  static std::string pair(const std::string& db) {
    return "--source '" + test::mysqlUrl(db) + "' --target '" + test::pgUrl(db) + "'";
  }

  fs::path m_dir;
};

std::string stateLine(const std::string& out) {
  for (const auto& line : core::split(out, '\n')) {
    if (core::startsWith(line, "run state: ")) return line.substr(11);
  }
  return {};
}

TEST_F(RunState, TwoMigrationsFromOneFolderEachGetTheirOwnFile) {
  std::string a;
  std::string b;
  ASSERT_EQ(ferry(pair("ferry_t_state_a"), &a), 0) << a;
  ASSERT_EQ(ferry(pair("ferry_t_state_b"), &b), 0) << b;  // used to fail: "ferry-copy.state already exists"
  const std::string fileA = stateLine(a);
  const std::string fileB = stateLine(b);
  ASSERT_FALSE(fileA.empty()) << a;
  EXPECT_NE(fileA, fileB);
  EXPECT_TRUE(fs::exists(fileA));
  EXPECT_TRUE(fs::exists(fileB));
  EXPECT_EQ(fs::path(fileA).parent_path(), m_dir / "states");  // not the working folder, not /tmp's reboot-wiped files
  EXPECT_NE(fileA.find("ferry_t_state_a-to-ferry_t_state_a-"), std::string::npos) << fileA;
  EXPECT_FALSE(fs::exists(m_dir / "ferry-copy.state"));
  // Running A again finds A's own file (and asks for --resume), never B's.
  std::string again;
  EXPECT_NE(ferry(pair("ferry_t_state_a"), &again), 0);
  EXPECT_NE(again.find(fileA), std::string::npos) << again;
  // The name comes from the servers' identities, not the URL's text: another
  // spelling of the same source and target names the same file.
  auto viaSocket = run::resolveStatePath(test::mysqlSpec("ferry_t_state_a"), test::pgSpec("ferry_t_state_a"), "");
  ASSERT_TRUE(viaSocket.ok()) << viaSocket.error().oneLine();
  EXPECT_EQ(*viaSocket, fileA);
  const char* socket = std::getenv("FERRY_SANDBOX_MYSQL_SOCKET");
  if (socket != nullptr) {
    auto local = test::mysqlSpec("ferry_t_state_a");
    local.host = "localhost";
    local.socket = socket;
    auto resolved = run::resolveStatePath(local, test::pgSpec("ferry_t_state_a"), "");
    ASSERT_TRUE(resolved.ok()) << resolved.error().oneLine();
    EXPECT_EQ(*resolved, fileA);
  }
  // With a project, the state sits beside it.
  auto withProject = run::resolveStatePath(test::mysqlSpec("ferry_t_state_a"), test::pgSpec("ferry_t_state_a"),
                                           (m_dir / "shop.ferry.json").string());
  ASSERT_TRUE(withProject.ok());
  EXPECT_EQ(*withProject, (m_dir / "shop.ferry.json.state").string());
}

TEST_F(RunState, AStateFileUsedWithAnotherSourceIsRefusedNamingBoth) {
  const std::string state = (m_dir / "shared.state").string();
  std::string out;
  // A run of A, stopped before the end, leaves its state.
  test::mariadb("ferry_t_state_a", "INSERT INTO t SELECT seq, 'z' FROM seq_3_to_20000");
  ASSERT_NE(ferry(pair("ferry_t_state_a") + " --state " + state + " --chunk-rows 100 --max-rate 2000 & sleep 1.5; kill -TERM $!; wait $!", &out), 0) << out;
  ASSERT_TRUE(fs::exists(state)) << out;
  // Resuming it with B's source and target is refused, naming both migrations.
  ASSERT_NE(ferry(pair("ferry_t_state_b") + " --state " + state + " --resume", &out), 0);
  EXPECT_NE(out.find("belongs to another migration"), std::string::npos) << out;
  EXPECT_NE(out.find("/ferry_t_state_a"), std::string::npos) << out;
  EXPECT_NE(out.find("/ferry_t_state_b"), std::string::npos) << out;
  EXPECT_EQ(core::trim(test::psql("ferry_t_state_b", "SELECT count(*) FROM pg_tables WHERE schemaname = 'ferry_t_state_b'")),
            "0");  // nothing was written into B
  // The same source and target through other URLs (the MariaDB socket) resume it.
  const char* socket = std::getenv("FERRY_SANDBOX_MYSQL_SOCKET");
  if (socket == nullptr) GTEST_SKIP() << "FERRY_SANDBOX_MYSQL_SOCKET is not set";
  auto source = test::mysqlSpec("ferry_t_state_a");
  source.host = "localhost";
  source.socket = socket;
  ASSERT_EQ(test::runCommand("cd '" + m_dir.string() + "' && MYSQL_PWD='" + source.password.value_or("") + "' " +
                                 std::string(FERRY_BINARY) + " copy --source '" + source.toUrlWithoutPassword() +
                                 "' --target '" + test::pgUrl("ferry_t_state_a") + "' --state " + state + " --resume 2>&1",
                             &out),
            0)
      << out;
  EXPECT_EQ(core::trim(test::psql("ferry_t_state_a", "SELECT count(*) FROM ferry_t_state_a.t")), "20000");
}

}  // namespace
}  // namespace ferry
