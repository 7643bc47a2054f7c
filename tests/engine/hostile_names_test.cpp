// Hostile identifiers on all four engine pairs (#14 item 4): the fixtures
// tests/fixtures/{pg,mysql}_hostile.sql name a schema (a database), tables,
// columns, indexes, constraints, an enum and its values and a sequence with
// quotes of every kind, backslashes, spaces, %, $, dots, Unicode (accents, CJK,
// right-to-left, emoji where the engine allows it), reserved words, leading
// digits, names equal but for case, the engines' length limits and text that
// injects SQL when quoted wrongly. Through the `ferry` binary, each pair runs
// inspect, assess, ddl, copy, diff, verify, a repair of tampered target rows,
// and the stream of inserts, updates and deletes on those tables; names the
// target cannot hold are renamed with a finding, never truncated or merged.

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "support/test_support.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPgSource = "ferry_t_hostile_pg";
const std::string kMySource = "ship \"yard\" $1 \xC3\xBCn\xC3\xAF";  // ship "yard" $1 ünï
constexpr const char* kTarget = "ferry_t_hostile_dst";
const std::string kPgSchema = "Ship \"Yard\" $1 \xC3\x9Cn\xC3\xAF";  // Ship "Yard" $1 Ünï

using Pair = test::EnginePair;
using test::pairName;

/// The sandbox URL of `database`, the name percent-encoded.
std::string urlOf(bool pg, const std::string& database) {
  std::string base = pg ? test::pgUrl() : test::mysqlUrl();
  base = base.substr(0, base.find('/', base.find('@')));
  return base + "/" + core::percentEncode(database);
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

test::FerryRun ferry(const std::string& args) { return test::runFerry(FERRY_BINARY, args); }

class HostileNames : public ::testing::TestWithParam<Pair> {
protected:
  void SetUp() override {
    pair = GetParam();
    // Fresh source (the stream below changes it) and target.
    if (pair.pgSource) {
      test::recreatePgDatabase(kPgSource);
      test::runPsqlFile(kPgSource, test::fixturePath("pg_hostile.sql"));
    } else {
      test::mariadb("", "DROP DATABASE IF EXISTS `" + kMySource + "`; CREATE DATABASE `" + kMySource +
                            "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      test::runMariadbFile(kMySource, test::fixturePath("mysql_hostile.sql"));
    }
    if (pair.pgTarget) {
      test::recreatePgDatabase(kTarget);
    } else {
      test::recreateMySqlDatabase(kTarget);
    }
    src = shellQuote(urlOf(pair.pgSource, pair.pgSource ? kPgSource : kMySource));
    tgt = shellQuote(urlOf(pair.pgTarget, kTarget));
    state = test::freshStatePath("ferry-hostile-" + pairName(pair));
  }

  void TearDown() override {
    // A PostgreSQL source keeps the copy's slot for the stream: drop it with the database.
    if (pair.pgSource) test::recreatePgDatabase(kPgSource);
  }

  /// SQL on the source / target, by engine.
  std::string onSource(const std::string& sql) {
    return pair.pgSource ? test::psql(kPgSource, sql) : test::mariadb(kMySource, sql);
  }
  std::string onTarget(const std::string& sql) {
    return pair.pgTarget ? test::psql(kTarget, sql) : test::mariadb(kTarget, sql);
  }

  /// `schema.table` quoted for the source / target (the target's schema: the
  /// PostgreSQL schema of the same name, or the target database on MariaDB).
  std::string sourceTable(const std::string& table) const {
    return pair.pgSource ? "\"" + dq(kPgSchema) + "\".\"" + dq(table) + "\"" : "`" + bq(table) + "`";
  }
  std::string targetTable(const std::string& table) const {
    if (!pair.pgTarget) return "`" + bq(table) + "`";
    const std::string schema = pair.pgSource ? kPgSchema : kMySource;
    return "\"" + dq(schema) + "\".\"" + dq(table) + "\"";
  }
  std::string sourceColumn(const std::string& c) const { return pair.pgSource ? "\"" + dq(c) + "\"" : "`" + bq(c) + "`"; }
  std::string targetColumn(const std::string& c) const { return pair.pgTarget ? "\"" + dq(c) + "\"" : "`" + bq(c) + "`"; }
  static std::string dq(const std::string& s) { return replaceAll(s, "\"", "\"\""); }
  static std::string bq(const std::string& s) { return replaceAll(s, "`", "``"); }
  static std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
  }

  Pair pair{};
  std::string src, tgt, state;
};

const std::string kRobert = "Robert'); DROP TABLE students;--";

TEST_P(HostileNames, EveryStepKeepsEveryName) {
  // inspect: every table by its exact name.
  auto inspect = ferry("inspect --json " + src);
  ASSERT_EQ(inspect.code, 0) << inspect.err;
  std::set<std::string> tables;
  const auto catalog = nlohmann::json::parse(inspect.out);
  for (const auto& s : catalog.at("schemas")) {
    for (const auto& t : s.at("tables")) tables.insert(t.at("name").get<std::string>());
  }
  for (const std::string t : {"order", kRobert.c_str(), "Mixed", "mixed", "MIXED", "42 answers"}) {
    EXPECT_TRUE(tables.count(t)) << "inspect lost table " << t << "; it listed: " << nlohmann::json(tables).dump();
  }

  // assess: what the target cannot hold is renamed with a finding.
  auto assess = ferry("assess --format json --source " + src + " --target " + tgt);
  ASSERT_EQ(assess.code, 0) << assess.err;
  std::set<std::string> codes;
  const auto aj = nlohmann::json::parse(assess.out);
  std::function<void(const nlohmann::json&)> collect = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      if (j.contains("code") && j.at("code").is_string()) codes.insert(j.at("code").get<std::string>());
      if (j.contains("codes") && j.at("codes").is_array()) {
        for (const auto& c : j.at("codes")) codes.insert(c.get<std::string>());
      }
      for (const auto& [k, v] : j.items()) collect(v);
    } else if (j.is_array()) {
      for (const auto& v : j) collect(v);
    }
  };
  collect(aj);
  if (pair.pgSource && !pair.pgTarget) {
    EXPECT_TRUE(codes.count("NAME_NOT_REPRESENTABLE")) << "the emoji column";
    EXPECT_TRUE(codes.count("NAME_MADE_UNIQUE")) << "columns Name and name";
  }
  if (!pair.pgSource && pair.pgTarget) {
    EXPECT_TRUE(codes.count("NAME_TOO_LONG")) << "64 characters, 75 bytes";
  }
  if (pair.pgSource == pair.pgTarget) {
    EXPECT_FALSE(codes.count("NAME_NOT_REPRESENTABLE") || codes.count("NAME_MADE_UNIQUE") || codes.count("NAME_TOO_LONG"))
        << "a same-engine copy renames nothing";
  }

  auto ddl = ferry("ddl --source " + src + " --target " + tgt);
  ASSERT_EQ(ddl.code, 0) << ddl.err;

  // copy, then the target's schema against the mapped source, then the rows.
  auto copy = ferry("copy --jobs 2 --keep-slot --json --state " + state + " --source " + src + " --target " + tgt);
  ASSERT_EQ(copy.code, 0) << copy.err << copy.out;
  auto diff = ferry("diff --json --source " + src + " --target " + tgt);
  ASSERT_EQ(diff.code, 0) << diff.err;
  EXPECT_TRUE(nlohmann::json::parse(diff.out).at("identical").get<bool>()) << diff.out.substr(0, 3000);
  const std::string urls = " --source " + src + " --target " + tgt;  // the state keeps no password
  auto verify = ferry("verify --state " + state + urls);
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;

  // repair: a changed row and a missing one on the target.
  onTarget("UPDATE " + targetTable("order") + " SET " + targetColumn("from") + " = 'tampered' WHERE " +
           targetColumn("select") + " = 3");
  onTarget("DELETE FROM " + targetTable(kRobert) + " WHERE id = 3");
  onTarget("UPDATE " + targetTable("42 answers") + " SET " + targetColumn("%s%n") + " = NULL WHERE " + targetColumn("0") +
           " = 0");
  auto repair = ferry("repair --json --source " + src + " --target " + tgt);
  EXPECT_EQ(repair.code, 0) << repair.out.substr(0, 2000) << repair.err;
  EXPECT_EQ(onTarget("SELECT " + targetColumn("from") + " FROM " + targetTable("order") + " WHERE " +
                     targetColumn("select") + " = 3"),
            "f3\n");

  // The stream: inserts, updates and deletes on the hostile tables.
  onSource("INSERT INTO " + sourceTable("order") + " (" + sourceColumn("select") + ", " + sourceColumn("from") + ", " +
           sourceColumn("日本語の列") + ", " + sourceColumn("it's") + ") VALUES (10, 'ten', '十', 'o''k')");
  onSource("UPDATE " + sourceTable("order") + " SET " + sourceColumn("price%") + " = 7.25, " + sourceColumn("a.b") +
           " = 'x.y' WHERE " + sourceColumn("select") + " = 1");
  onSource("UPDATE " + sourceTable(kRobert) + " SET note = 'up''dated' WHERE id = 1");
  onSource("DELETE FROM " + sourceTable("MIXED") + " WHERE id = 3");
  onSource("INSERT INTO " + sourceTable("mixed") + " VALUES (2, 'lower two')");
  onSource("UPDATE " + sourceTable("42 answers") + " SET " + sourceColumn("%s%n") + " = '%p' WHERE " + sourceColumn("0") +
           " = 42");
  auto sync = ferry("sync --until caught-up --json --state " + state + urls);
  ASSERT_EQ(sync.code, 0) << sync.out.substr(0, 2000) << sync.err;
  auto after = ferry("verify --state " + state + urls);
  EXPECT_EQ(after.code, 0) << after.out << after.err;
  EXPECT_EQ(onTarget("SELECT count(*) FROM " + targetTable("MIXED")), "2\n");
  EXPECT_EQ(onTarget("SELECT v FROM " + targetTable("mixed") + " WHERE id = 2"), "lower two\n");
  EXPECT_EQ(onTarget("SELECT note FROM " + targetTable(kRobert) + " WHERE id = 1"), "up'dated\n");
}

INSTANTIATE_TEST_SUITE_P(Pairs, HostileNames,
                         ::testing::ValuesIn(test::allEnginePairs()),
                         [](const ::testing::TestParamInfo<Pair>& p) { return pairName(p.param); });

}  // namespace
}  // namespace ferry
