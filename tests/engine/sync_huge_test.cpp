// Huge values through the change stream on all four engine pairs (#14 item 5):
// after a copy, the source inserts a row with a 12 MiB binary value and a 10 MiB
// text, gives another row a 9 MiB value, changes the huge row's small column,
// deletes and inserts small rows; `ferry sync --until caught-up` makes the target
// identical (md5 of every value on both servers). Such a change goes alone, its
// values as parameters: PostgreSQL targets get a bytea's bytes as a binary
// parameter (from a PostgreSQL source they arrive already decoded, see the
// PgOutput test), MySQL/MariaDB targets a prepared statement with long data —
// counted here by the server's COM_STMT_EXECUTE. The 256 MiB sizes and the
// memory bound are bench/huge-values'.

#include <gtest/gtest.h>

#include "core/text.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kPgSource = "ferry_t_huge_sync_src";
constexpr const char* kMySource = "ferry_t_huge_sync_my";
constexpr const char* kTarget = "ferry_t_huge_sync_dst";

using Pair = test::EnginePair;
using test::pairName;
test::FerryRun ferry(const std::string& args) { return test::runFerry(FERRY_BINARY, args); }

std::int64_t mariadbCounter(const std::string& name) {
  return std::stoll(core::trim(test::mariadb("", "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                                                 "WHERE VARIABLE_NAME = '" + name + "'")));
}

class HugeValuesStream : public ::testing::TestWithParam<Pair> {
protected:
  void SetUp() override {
    pair = GetParam();
    if (pair.pgSource) {
      test::recreatePgDatabase(kPgSource);
      onSource("CREATE TABLE t (id int PRIMARY KEY, b bytea, s text); "
               "INSERT INTO t SELECT g, decode(md5(g::text), 'hex'), 'small ' || g FROM generate_series(1, 3) g");
    } else {
      test::recreateMySqlDatabase(kMySource);
      onSource("CREATE TABLE t (id int PRIMARY KEY, b LONGBLOB, s LONGTEXT) CHARACTER SET utf8mb4; "
               "INSERT INTO t SELECT seq, UNHEX(MD5(seq)), CONCAT('small ', seq) FROM seq_1_to_3");
    }
    test::recreateDatabase(pair.pgTarget, kTarget);
    src = test::quotedUrl(pair.pgSource, pair.pgSource ? kPgSource : kMySource);
    tgt = test::quotedUrl(pair.pgTarget, kTarget);
    state = test::freshStatePath("ferry-huge-sync-" + pairName(pair));
  }

  void TearDown() override {
    if (pair.pgSource) test::recreatePgDatabase(kPgSource);  // drops the kept slot with it
  }

  std::string onSource(const std::string& sql) {
    return test::sqlOn(pair.pgSource, pair.pgSource ? kPgSource : kMySource, sql);
  }

  /// `mib` MiB of bytes that do not repeat (16 bytes of md5 per step).
  std::string bytesExpr(int mib, int seed) const {
    const std::string steps = std::to_string(mib * 65536);
    const std::string s = std::to_string(seed);
    if (pair.pgSource) {
      return "(SELECT string_agg(decode(md5((h + " + s + ")::text), 'hex'), ''::bytea ORDER BY h) FROM "
             "generate_series(1, " + steps + ") h)";
    }
    return "(SELECT GROUP_CONCAT(UNHEX(MD5(seq + " + s + ")) ORDER BY seq SEPARATOR '') FROM seq_1_to_" + steps + ")";
  }

  /// Every row as "id md5(b) md5(s) length(b)" ("-" and 0 for a NULL b).
  std::string rows(bool source) {
    const bool pg = source ? pair.pgSource : pair.pgTarget;
    const std::string db = source ? (pair.pgSource ? kPgSource : kMySource) : kTarget;
    // A MariaDB database becomes a PostgreSQL schema of its name.
    const std::string qualified = pg && !source && !pair.pgSource ? std::string(kMySource) + ".t" : "t";
    if (pg) {
      return test::psql(db, "SELECT id || ' ' || coalesce(md5(b), '-') || ' ' || md5(convert_to(s, 'UTF8')) || ' ' || "
                            "coalesce(octet_length(b), 0) FROM " + qualified + " ORDER BY id");
    }
    return test::mariadb(db, "SELECT CONCAT(id, ' ', IFNULL(MD5(b), '-'), ' ', MD5(s), ' ', IFNULL(LENGTH(b), 0)) "
                             "FROM t ORDER BY id");
  }

  Pair pair{};
  std::string src, tgt, state;
};

TEST_P(HugeValuesStream, ChangesWithHugeValuesApplyAloneAndArriveWhole) {
  const std::string urls = " --source " + src + " --target " + tgt;
  auto copy = ferry("copy --keep-slot --state " + state + urls);
  ASSERT_EQ(copy.code, 0) << copy.err << copy.out;

  if (!pair.pgSource) onSource("SET GLOBAL group_concat_max_len = 1073741824");
  const std::string session = pair.pgSource ? "" : "SET SESSION group_concat_max_len = 1073741824; ";
  onSource(session + "INSERT INTO t VALUES (10, " + bytesExpr(12, 0) + ", REPEAT('ab€', 2 * 1024 * 1024))");
  onSource(session + "UPDATE t SET b = " + bytesExpr(9, 7) + " WHERE id = 1");
  onSource("UPDATE t SET s = 'short again' WHERE id = 10");
  onSource("DELETE FROM t WHERE id = 2");
  onSource("INSERT INTO t VALUES (11, NULL, 'after')");

  const std::int64_t executes = pair.pgTarget ? 0 : mariadbCounter("COM_STMT_EXECUTE");
  auto sync = ferry("sync --until caught-up --json --state " + state + urls);
  ASSERT_EQ(sync.code, 0) << sync.out.substr(0, 2000) << sync.err;
  if (!pair.pgTarget) {
    // Row 10's insert and row 1's update at least (and, from a MariaDB source,
    // the update of row 10, whose binlog image holds the 12 MiB value again).
    EXPECT_GE(mariadbCounter("COM_STMT_EXECUTE") - executes, pair.pgSource ? 2 : 3);
  }

  const std::string want = rows(true);
  EXPECT_NE(want.find("10 "), std::string::npos);
  EXPECT_NE(want.find(" 12582912\n"), std::string::npos) << want;
  EXPECT_NE(want.find(" 9437184\n"), std::string::npos) << want;
  EXPECT_NE(want.find("11 - "), std::string::npos) << want;
  EXPECT_EQ(rows(false), want);
  auto verify = ferry("verify --state " + state + urls);
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Pairs, HugeValuesStream,
                         ::testing::ValuesIn(test::allEnginePairs()),
                         [](const ::testing::TestParamInfo<Pair>& p) { return pairName(p.param); });

}  // namespace
}  // namespace ferry
