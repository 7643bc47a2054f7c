#include "support/test_support.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "core/text.h"

namespace ferry::test {
namespace {

std::string envOrFail(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    ADD_FAILURE() << name << " is not set: start the sandbox and run eval \"$(scripts/sandbox env)\"";
    return {};
  }
  return v;
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string withDatabase(std::string url, const std::string& database) {
  if (database.empty()) return url;
  std::string query;
  if (auto q = url.find('?'); q != std::string::npos) {
    query = url.substr(q);
    url = url.substr(0, q);
  }
  const auto schemeEnd = url.find("://");
  const auto slash = url.find('/', schemeEnd + 3);
  if (slash != std::string::npos) url = url.substr(0, slash);
  return url + "/" + database + query;
}

std::string psqlCommand(const std::string& database) {
  return "psql -X -q -v ON_ERROR_STOP=1 -At " + shellQuote(pgUrl(database));
}

std::string mariadbCommand(const std::string& database) {
  auto spec = mysqlSpec();
  std::string cmd = "mariadb --batch --skip-column-names --default-character-set=utf8mb4 -h " +
                    shellQuote(spec.host) + " -P " + std::to_string(spec.effectivePort()) + " -u " +
                    shellQuote(spec.user);
  if (spec.password) cmd = "MYSQL_PWD=" + shellQuote(*spec.password) + " " + cmd;
  if (!database.empty()) cmd += " " + shellQuote(database);
  return cmd;
}

}  // namespace

std::string pgUrl(const std::string& database) { return withDatabase(envOrFail("FERRY_TEST_PG_URL"), database); }
std::string mysqlUrl(const std::string& database) {
  return withDatabase(envOrFail("FERRY_TEST_MYSQL_URL"), database);
}

connect::ConnectionSpec pgSpec(const std::string& database) {
  auto r = connect::ConnectionSpec::parse(pgUrl(database));
  if (!r) ADD_FAILURE() << r.error().oneLine();
  return r ? *r : connect::ConnectionSpec{};
}

connect::ConnectionSpec mysqlSpec(const std::string& database) {
  auto r = connect::ConnectionSpec::parse(mysqlUrl(database));
  if (!r) ADD_FAILURE() << r.error().oneLine();
  return r ? *r : connect::ConnectionSpec{};
}

const std::vector<EnginePair>& allEnginePairs() {
  static const std::vector<EnginePair> kPairs{{true, true}, {true, false}, {false, true}, {false, false}};
  return kPairs;
}

std::string pairName(const EnginePair& p) {
  return std::string(p.pgSource ? "Postgres" : "MariaDb") + "To" + (p.pgTarget ? "Postgres" : "MariaDb");
}

void recreateDatabase(bool pg, const std::string& name) {
  if (pg) {
    recreatePgDatabase(name);
  } else {
    recreateMySqlDatabase(name);
  }
}

std::string quotedUrl(bool pg, const std::string& database) {
  return "'" + (pg ? pgUrl(database) : mysqlUrl(database)) + "'";
}

std::string sqlOn(bool pg, const std::string& database, const std::string& sql) {
  return pg ? psql(database, sql) : mariadb(database, sql);
}

FerryRun runFerry(const std::string& binary, const std::string& args) {
  const std::string errPath = "/tmp/ferry-test-" + std::to_string(::getpid()) + ".err";
  FerryRun r;
  r.code = runCommand("{ timeout 300 " + binary + " " + args + " 2>" + errPath + " </dev/null; }", &r.out);
  std::ifstream in(errPath);
  std::stringstream s;
  s << in.rdbuf();
  r.err = s.str();
  std::remove(errPath.c_str());
  return r;
}

int runCommand(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf{};
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void recreatePgDatabase(const std::string& name) {
  // A logical slot keeps its database from being dropped (a stream test's kept
  // slot); one still in use (a walsender a test's stream left, not yet gone)
  // is ended first, and dropped once it is free.
  const std::string slots = "FROM pg_replication_slots WHERE database = '" + name + "'";
  psql("postgres", "SELECT pg_terminate_backend(active_pid) " + slots + " AND active");
  for (int i = 0; i < 100; ++i) {
    psql("postgres", "SELECT pg_drop_replication_slot(slot_name) " + slots + " AND NOT active");
    if (core::trim(psql("postgres", "SELECT count(*) " + slots)) == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  psql("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  psql("postgres", "CREATE DATABASE \"" + name + "\"");
}

void recreateMySqlDatabase(const std::string& name) {
  mariadb("", "DROP DATABASE IF EXISTS `" + name + "`; CREATE DATABASE `" + name +
                  "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
}

void runPsqlFile(const std::string& database, const std::string& path) {
  std::string out;
  const int rc = runCommand(psqlCommand(database) + " -f " + shellQuote(path), &out);
  ASSERT_EQ(rc, 0) << "psql -f " << path << " failed:\n" << out;
}

void runMariadbFile(const std::string& database, const std::string& path) {
  std::string out;
  const int rc = runCommand(mariadbCommand(database) + " < " + shellQuote(path), &out);
  ASSERT_EQ(rc, 0) << "mariadb < " << path << " failed:\n" << out;
}

std::string psql(const std::string& database, const std::string& sql) {
  std::string out;
  const int rc = runCommand(psqlCommand(database) + " -c " + shellQuote(sql), &out);
  EXPECT_EQ(rc, 0) << "psql failed on: " << sql << "\n" << out;
  return out;
}

std::string mariadb(const std::string& database, const std::string& sql) {
  std::string out;
  const int rc = runCommand(mariadbCommand(database) + " -e " + shellQuote(sql), &out);
  EXPECT_EQ(rc, 0) << "mariadb failed on: " << sql << "\n" << out;
  return out;
}

std::string freshStatePath(const std::string& stem) {
  const std::string path = "/tmp/" + stem + ".state";
  for (const char* suffix : {"", "-wal", "-shm", ".rejects.jsonl"}) std::remove((path + suffix).c_str());
  return path;
}

int killAtRandomMoments(const std::string& command, int times, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> after(150, 900);
  int running = 0;
  for (int k = 0; k < times; ++k) {
    const pid_t pid = fork();
    if (pid < 0) {
      ADD_FAILURE() << "fork failed";
      return running;
    }
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", ("exec " + command + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(after(rng)));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) ++running;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  return running;
}

std::string fixturePath(const std::string& name) { return std::string(FERRY_SOURCE_DIR) + "/tests/fixtures/" + name; }

std::string sakilaDir() {
  const std::string dir = std::string(FERRY_SHARED_DATASETS) + "/sakila";
  struct stat st {};
  return stat((dir + "/sakila-schema.sql").c_str(), &st) == 0 ? dir : std::string();
}

}  // namespace ferry::test
