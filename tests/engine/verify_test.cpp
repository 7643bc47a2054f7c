// Verification against the sandbox servers, on all four engine pairs: a
// faithful copy verifies clean, each deliberate corruption of the target is
// reported with its exact key, kind and column, reordered JSON keys are not a
// difference, and repair restores identity without re-copying whole tables.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "run/copy_run.h"
#include "run/verify_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

using verify::DiffKind;
using verify::TableStatus;

constexpr const char* kMySource = "ferry_t_vsrc";  // MariaDB source database
constexpr const char* kPgSource = "ferry_t_vpg";   // PostgreSQL source database

enum class Side { Pg, My };

struct Pair {
  const char* name;
  Side source;
  Side target;
  const char* targetDb;  // PG database or MariaDB database the copy writes into
};

connect::ConnectionSpec spec(Side s, const std::string& db) { return s == Side::Pg ? test::pgSpec(db) : test::mysqlSpec(db); }

/// Source tables `vt` (keyed, one column per value class) and `vk` (keyless).
void createSources() {
  test::recreateMySqlDatabase(kMySource);
  test::mariadb(kMySource,
                "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'; "
                "CREATE TABLE vt (id INT PRIMARY KEY, name VARCHAR(50), ts DATETIME(6), amount DECIMAL(10,2), "
                "flag TINYINT(1), data JSON, bin BLOB, note TEXT NULL, d DATE, f FLOAT, dbl DOUBLE, t TIME(6)); "
                "INSERT INTO vt SELECT seq, CONCAT('name ', seq, IF(seq % 7 = 0, ' é😀', '')), "
                "TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq * 61 SECOND + INTERVAL seq MICROSECOND, seq / 8, seq % 2, "
                "CONCAT('{\"a\": ', seq, ', \"b\": [1, 2, {\"c\": \"x\"}]}'), UNHEX(SHA2(seq, 256)), "
                "CASE seq % 10 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE CONCAT('n', seq) END, "
                "DATE'2020-02-29' + INTERVAL seq DAY, seq / 3, seq / 7, SEC_TO_TIME(seq * 37.5) FROM seq_1_to_3000; "
                "UPDATE vt SET d = '0000-00-00' WHERE id = 3000; "
                "CREATE TABLE vk (a INT, b VARCHAR(20)); INSERT INTO vk SELECT seq % 50, CONCAT('b', seq) FROM seq_1_to_400;");
  test::recreatePgDatabase(kPgSource);
  test::psql(kPgSource,
             "CREATE TABLE vt (id bigint PRIMARY KEY, name text, ts timestamp(6), amount numeric(10,2), flag boolean, "
             "data jsonb, j json, bin bytea, note text, d date, f real, dbl double precision, t interval, "
             "tags text[], tstz timestamptz); "
             "INSERT INTO vt SELECT g, 'name ' || g || CASE WHEN g % 7 = 0 THEN ' é😀' ELSE '' END, "
             "timestamp '2024-01-01' + g * interval '61 seconds' + g * interval '1 microsecond', g / 8.0, g % 2 = 1, "
             "jsonb_build_object('a', g, 'b', jsonb_build_array(1, 2, jsonb_build_object('c', 'x'))), "
             "json_build_object('a', g, 'b', 'y'), sha256(g::text::bytea), "
             "CASE g % 10 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'n' || g END, date '2020-02-29' + g, g / 3.0, g / 7.0, "
             "g * interval '37.5 seconds', ARRAY['a', 'b c', g::text], timestamptz '2024-06-01 12:00:00+02' + g * interval '1 hour' "
             "FROM generate_series(1, 3000) g; "
             "CREATE TABLE vk (a int, b varchar(20)); INSERT INTO vk SELECT g % 50, 'b' || g FROM generate_series(1, 400) g; "
             "ANALYZE");
}

plan::Project projectFor(const Pair& p) {
  plan::Project project;
  if (p.target == Side::My) project.schemaMap[p.source == Side::My ? kMySource : "public"] = p.targetDb;
  return project;
}

std::string sourceDb(const Pair& p) { return p.source == Side::My ? kMySource : kPgSource; }

/// The qualified name of a copied table on the target.
std::string targetTable(const Pair& p, const std::string& table) {
  if (p.target == Side::My) return "`" + std::string(p.targetDb) + "`.`" + table + "`";
  return (p.source == Side::My ? std::string(kMySource) : std::string("public")) + "." + table;
}

void targetSql(const Pair& p, const std::string& sql) {
  if (p.target == Side::Pg) {
    test::psql(p.targetDb, sql);
  } else {
    test::mariadb(p.targetDb, "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'; " + sql);
  }
}

void copyPair(const Pair& p) {
  if (p.target == Side::Pg) {
    test::recreatePgDatabase(p.targetDb);
  } else {
    test::mariadb("", std::string("DROP DATABASE IF EXISTS `") + p.targetDb + "`");
  }
  run::CopyRequest req;
  req.source = spec(p.source, sourceDb(p));
  req.target = spec(p.target, p.target == Side::Pg ? p.targetDb : "");
  req.project = projectFor(p);
  req.options.statePath = std::string("/tmp/ferry-verify-test-") + p.name + ".state";
  std::remove(req.options.statePath.c_str());
  req.options.jobs = 2;
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << p.name << ": " << r.error().oneLine();
}

run::VerifyRequest verifyRequest(const Pair& p, verify::HashMode mode) {
  run::VerifyRequest req;
  req.source = spec(p.source, sourceDb(p));
  req.target = spec(p.target, p.target == Side::Pg ? p.targetDb : "");
  req.project = projectFor(p);
  req.options.jobs = 2;
  req.options.hash = mode;
  req.options.limits.maxRows = 700;  // several chunks per table
  return req;
}

const verify::TableVerification* find(const verify::VerifyReport& r, const std::string& table) {
  for (const auto& t : r.tables) {
    if (t.table == table) return &t;
  }
  return nullptr;
}

/// "changed id=10 [name]" lines, sorted, for exact comparison.
std::vector<std::string> describe(const verify::TableVerification& t) {
  std::vector<std::string> out;
  for (const auto& d : t.differences) {
    std::string s = std::string(verify::diffKindName(d.kind)) + " " + d.key;
    if (!d.columns.empty()) s += " [" + core::join(d.columns, ",") + "]";
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Verify : public ::testing::TestWithParam<Pair> {
protected:
  static void SetUpTestSuite() { createSources(); }
};

TEST_P(Verify, CleanCopyCorruptionsFoundRepairedAndCleanAgain) {
  const Pair p = GetParam();
  copyPair(p);
  if (HasFatalFailure()) return;

  // 1. A faithful copy: no difference, in every hash mode the pair allows.
  std::vector<verify::HashMode> modes{verify::HashMode::Client};
  if (p.source == p.target) modes.push_back(verify::HashMode::Server);
  for (auto mode : modes) {
    run::VerifyRun vr(verifyRequest(p, mode));
    auto r = vr.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
    ASSERT_EQ(r->tables.size(), 2u);
    for (const auto& t : r->tables) {
      EXPECT_EQ(t.status, TableStatus::Ok) << p.name << " " << t.table << ": " << core::join(describe(t), "; ")
                                           << core::join(t.statistics, "; ") << t.error;
      EXPECT_EQ(t.sourceRows, t.table == "vt" ? 3000 : 400);
      EXPECT_EQ(t.rowsChecked, t.sourceRows);
    }
    if (mode == verify::HashMode::Server) {
      EXPECT_GT(find(*r, "vt")->chunksServerHashed, 0);
    }
    // The zero date the mapping turns into NULL is counted, not hidden (MariaDB → PostgreSQL).
    if (p.source == Side::My && p.target == Side::Pg) {
      EXPECT_EQ(find(*r, "vt")->convertedValues, 1);
    }
  }

  // 2. Corrupt the target, one kind of damage per row.
  const std::string vt = targetTable(p, "vt");
  const bool pg = p.target == Side::Pg;
  targetSql(p, "UPDATE " + vt + " SET name = 'changed' WHERE id = 10");
  targetSql(p, "DELETE FROM " + vt + " WHERE id = 20");
  targetSql(p, "INSERT INTO " + vt + " (id, name) VALUES (100000, 'extra')");
  targetSql(p, "UPDATE " + vt + " SET ts = ts + " + (pg ? "interval '1 microsecond'" : "INTERVAL 1 MICROSECOND") +
                   " WHERE id = 30");
  targetSql(p, "UPDATE " + vt + " SET name = " + (pg ? "name || ' '" : "CONCAT(name, ' ')") + " WHERE id = 40");
  targetSql(p, pg ? "UPDATE " + vt + " SET bin = set_byte(bin, 5, get_byte(bin, 5) # 1) WHERE id = 50"
                  : "UPDATE " + vt + " SET bin = CONCAT(LEFT(bin, 5), CHAR(ASCII(SUBSTR(bin, 6, 1)) ^ 1), SUBSTR(bin, 7)) WHERE id = 50");
  targetSql(p, "UPDATE " + vt + " SET note = '' WHERE id = 60");    // NULL on the source
  targetSql(p, "UPDATE " + vt + " SET note = NULL WHERE id = 61");  // '' on the source
  // Reordered JSON keys and other spacing: the same document, not a difference.
  targetSql(p, "UPDATE " + vt + " SET data = '{\"b\":[1,2,{\"c\":\"x\"}],   \"a\":70}' WHERE id = 70");
  if (p.source == Side::Pg && pg) targetSql(p, "UPDATE " + vt + " SET j = '{\"b\" : \"y\", \"a\" : 71}' WHERE id = 71");
  targetSql(p, "DELETE FROM " + targetTable(p, "vk") + " WHERE b = 'b7'");

  const std::vector<std::string> expected{"changed id=10 [name]", "changed id=30 [ts]", "changed id=40 [name]",
                                          "changed id=50 [bin]",  "changed id=60 [note]", "changed id=61 [note]",
                                          "extra id=100000",      "missing id=20"};
  for (auto mode : modes) {
    run::VerifyRun vr(verifyRequest(p, mode));
    auto r = vr.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
    EXPECT_FALSE(r->identical());
    const auto* t = find(*r, "vt");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->status, TableStatus::Mismatch);
    EXPECT_EQ(describe(*t), expected) << p.name;
    EXPECT_EQ(t->sourceRows, 3000);
    EXPECT_EQ(t->targetRows, 3000);
    const auto* k = find(*r, "vk");
    ASSERT_NE(k, nullptr);
    ASSERT_EQ(k->differences.size(), 1u) << p.name;
    EXPECT_EQ(k->differences[0].kind, DiffKind::Missing);
    EXPECT_NE(k->differences[0].key.find("b=b7"), std::string::npos) << k->differences[0].key;
    if (mode == verify::HashMode::Server) {
      EXPECT_GT(t->chunksServerHashed, 0);  // the clean chunks
    }

    // The side-by-side view of the changed timestamp shows both values.
    verify::Difference ts;
    for (const auto& d : t->differences) {
      if (d.key == "id=30") ts = d;
    }
    auto pair = vr.rowPair(t->label(), ts);
    ASSERT_TRUE(pair.ok()) << pair.error().oneLine();
    ASSERT_TRUE(pair->sourceFound && pair->targetFound);
    const auto col = static_cast<size_t>(std::find(pair->columns.begin(), pair->columns.end(), "ts") - pair->columns.begin());
    ASSERT_LT(col, pair->columns.size());
    EXPECT_EQ(*pair->source[col], "2024-01-01T00:30:30.000030");
    EXPECT_EQ(*pair->target[col], "2024-01-01T00:30:30.000031");
  }

  // 3. Repair touches only the differing rows; the keyless table is copied again.
  {
    run::VerifyRun vr(verifyRequest(p, verify::HashMode::Auto));
    auto before = vr.run({});
    ASSERT_TRUE(before.ok());
    auto repaired = vr.repair(*before, {});
    ASSERT_TRUE(repaired.ok()) << repaired.error().oneLine();
    std::map<std::string, run::TableRepair> byTable;
    for (const auto& tr : *repaired) byTable[tr.table] = tr;
    const auto& rv = byTable.at(sourceDb(p) == kMySource ? std::string(kMySource) + ".vt" : "public.vt");
    EXPECT_EQ(rv.how, "rows");
    EXPECT_EQ(rv.counts.deleted, 7);   // 6 changed + 1 extra
    EXPECT_EQ(rv.counts.inserted, 7);  // 6 changed + 1 missing
    const auto& rk = byTable.at(sourceDb(p) == kMySource ? std::string(kMySource) + ".vk" : "public.vk");
    EXPECT_EQ(rk.how, "whole table");
    EXPECT_EQ(rk.counts.inserted, 400);
  }
  run::VerifyRun again(verifyRequest(p, verify::HashMode::Auto));
  auto after = again.run({});
  ASSERT_TRUE(after.ok());
  for (const auto& t : after->tables) {
    EXPECT_EQ(t.status, TableStatus::Ok) << p.name << " " << t.table << ": " << core::join(describe(t), "; ");
  }
}

INSTANTIATE_TEST_SUITE_P(AllPairs, Verify,
                         ::testing::Values(Pair{"my_to_pg", Side::My, Side::Pg, "ferry_t_vdst1"},
                                           Pair{"my_to_my", Side::My, Side::My, "ferry_t_vdst2"},
                                           Pair{"pg_to_pg", Side::Pg, Side::Pg, "ferry_t_vdst3"},
                                           Pair{"pg_to_my", Side::Pg, Side::My, "ferry_t_vdst4"}),
                         [](const auto& param) { return std::string(param.param.name); });

/// Two identical PostgreSQL databases with one table, for the live-data and CLI tests.
void identicalPgPair(const std::string& a, const std::string& b) {
  for (const auto& db : {a, b}) {
    test::recreatePgDatabase(db);
    test::psql(db, "CREATE TABLE t (id int PRIMARY KEY, v text); "
                   "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 2000) g");
  }
}

TEST(VerifyLive, AChunkThatDiffersIsCheckedAgainBeforeItIsReported) {
  identicalPgPair("ferry_t_vlive_a", "ferry_t_vlive_b");
  test::psql("ferry_t_vlive_b", "UPDATE t SET v = 'not yet replicated' WHERE id = 5");
  run::VerifyRequest req;
  req.source = test::pgSpec("ferry_t_vlive_a");
  req.target = test::pgSpec("ferry_t_vlive_b");
  req.options.jobs = 2;
  req.options.limits.maxRows = 500;
  req.options.live.recheckRounds = 2;
  req.options.live.sourcePosition = "0/ABC";
  std::vector<std::string> waitedFor;
  // The change-capture phase would wait until the target applied the source up
  // to the position; here "applying" is putting the row right.
  req.options.live.waitUntilApplied = [&](const std::string& position, std::stop_token) -> core::Status {
    waitedFor.push_back(position);
    test::psql("ferry_t_vlive_b", "UPDATE t SET v = 'v5' WHERE id = 5");
    return {};
  };
  {
    run::VerifyRun vr(req);
    auto r = vr.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
    EXPECT_TRUE(r->identical()) << verify::renderText(*r);
    EXPECT_EQ(r->tables.at(0).chunksRechecked, 1);
    EXPECT_EQ(waitedFor, std::vector<std::string>{"0/ABC"});
  }
  // A difference that stays after every re-check is reported.
  test::psql("ferry_t_vlive_b", "UPDATE t SET v = 'really different' WHERE id = 700");
  req.options.live.waitUntilApplied = nullptr;
  run::VerifyRun vr(req);
  auto r = vr.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  ASSERT_EQ(describe(r->tables.at(0)), std::vector<std::string>{"changed id=700 [v]"});
  EXPECT_EQ(r->tables.at(0).chunksRechecked, 2);
}

TEST(VerifySample, ASampleChecksSomeChunksButCountsStayExact) {
  identicalPgPair("ferry_t_vsample_a", "ferry_t_vsample_b");
  run::VerifyRequest req;
  req.source = test::pgSpec("ferry_t_vsample_a");
  req.target = test::pgSpec("ferry_t_vsample_b");
  req.options.jobs = 2;
  req.options.limits.maxRows = 100;  // 20 chunks
  req.options.samplePercent = 30;
  test::psql("ferry_t_vsample_b", "DELETE FROM t WHERE id = 2000");
  run::VerifyRun vr(req);
  auto r = vr.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  const auto& t = r->tables.at(0);
  EXPECT_TRUE(t.sampled);
  EXPECT_GT(t.chunksTotal, 0);
  EXPECT_LT(t.chunksTotal, 20);
  EXPECT_LT(t.rowsChecked, 2000);
  // Whatever the sample, the exact counts expose the missing row.
  EXPECT_EQ(t.sourceRows, 2000);
  EXPECT_EQ(t.targetRows, 1999);
  EXPECT_EQ(t.status, TableStatus::Mismatch);
  EXPECT_FALSE(r->identical());
}

TEST(VerifyCli, ExitCodesJsonReportAndRepair) {
  identicalPgPair("ferry_t_vcli_a", "ferry_t_vcli_b");
  const std::string args = " --source '" + test::pgUrl("ferry_t_vcli_a") + "' --target '" + test::pgUrl("ferry_t_vcli_b") + "'";
  const std::string bin = FERRY_BINARY;
  std::string out;
  EXPECT_EQ(test::runCommand(bin + " verify" + args, &out), 0) << out;
  test::psql("ferry_t_vcli_b", "DELETE FROM t WHERE id = 1999; UPDATE t SET v = NULL WHERE id = 3");
  const std::string html = "/tmp/ferry-verify-cli-report.html";
  std::remove(html.c_str());
  const std::string json = "/tmp/ferry-verify-cli.json";
  EXPECT_EQ(test::runCommand("(" + bin + " verify --json --report " + html + args + " >" + json + " 2>/dev/null)", &out), 3)
      << out;
  std::string text;
  ASSERT_EQ(test::runCommand("cat " + json, &text), 0);
  const auto j = nlohmann::json::parse(text);
  EXPECT_FALSE(j.at("identical").get<bool>());
  const auto& t = j.at("tables").at(0);
  EXPECT_EQ(t.at("schema"), "public");
  EXPECT_EQ(t.at("table"), "t");
  EXPECT_EQ(t.at("status"), "mismatch");
  EXPECT_EQ(t.at("source_rows"), 2000);
  EXPECT_EQ(t.at("target_rows"), 1999);
  std::set<std::string> diffs;
  for (const auto& d : t.at("differences")) {
    diffs.insert(d.at("kind").get<std::string>() + " " + d.at("key").get<std::string>() + " " +
                 core::join(d.at("columns").get<std::vector<std::string>>(), ","));
  }
  EXPECT_EQ(diffs, (std::set<std::string>{"changed id=3 v", "missing id=1999 "}));
  std::string page;
  ASSERT_EQ(test::runCommand("cat " + html, &page), 0);
  EXPECT_NE(page.find("Differences found"), std::string::npos);
  EXPECT_NE(page.find("id=1999"), std::string::npos);
  EXPECT_EQ(test::runCommand(bin + " repair" + args, &out), 0) << out;
  EXPECT_NE(out.find("1 rows deleted, 2 inserted"), std::string::npos) << out;
  EXPECT_EQ(test::runCommand(bin + " verify" + args, &out), 0) << out;
  // A wrong URL is an error (1), not a difference.
  EXPECT_EQ(test::runCommand(bin + " verify --source 'postgresql://ferry@127.0.0.1:1/x' --target '" +
                                 test::pgUrl("ferry_t_vcli_b") + "'", &out), 1) << out;
}

}  // namespace
}  // namespace ferry
