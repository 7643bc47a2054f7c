// Partitioned tables on all four engine pairs (#14 item 8). The fixtures
// tests/fixtures/{pg,mysql}_partitioned.sql hold PostgreSQL range (with a
// default partition and a partition in another schema), list, hash, range
// sub-partitioned by list and a keyless partitioned table; MariaDB RANGE,
// RANGE COLUMNS, LIST, LIST COLUMNS, HASH, KEY and RANGE over an expression
// sub-partitioned by HASH. Through the `ferry` binary each pair runs assess,
// copy, the target's partitions against the source's (bounds and rows per
// partition), diff, verify, the stream of changes that move rows between
// partitions, and verify again; a partition removed from the target shows in
// diff. In process: a partitioned copy stopped and resumed (its chunks are
// per partition), and refused when a partition was rewritten meanwhile.

#include <gtest/gtest.h>

#include <set>
#include <stop_token>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "run/copy_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kPgSource = "ferry_t_part_src";
constexpr const char* kMySource = "ferry_t_part_my";
constexpr const char* kTarget = "ferry_t_part_dst";

using Pair = test::EnginePair;
using test::pairName;

test::FerryRun ferry(const std::string& args) { return test::runFerry(FERRY_BINARY, args); }

/// Every finding code of an assessment's objects and columns, once per finding.
std::multiset<std::string> findingCodes(const nlohmann::json& j) {
  std::multiset<std::string> codes;
  for (const char* part : {"objects", "columns"}) {
    for (const auto& entry : j.at(part)) {
      for (const auto& c : entry.at("codes")) codes.insert(c.get<std::string>());
    }
  }
  return codes;
}

/// PostgreSQL: every partition with its parent and bound, and its rows.
constexpr const char* kPgPartitions =
    "SELECT c.relnamespace::regnamespace || '.' || c.relname || ' of ' || i.inhparent::regclass || ' ' || "
    "pg_get_expr(c.relpartbound, c.oid) || ': ' || "
    "(xpath('/row/n/text()', query_to_xml('SELECT count(*) AS n FROM ' || c.oid::regclass, false, true, '')))[1]::text "
    "FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.relispartition AND c.relkind IN ('r', 'p') "
    "ORDER BY 1";

/// MariaDB: every partition's definition.
constexpr const char* kMyPartitions =
    "SELECT TABLE_NAME, PARTITION_NAME, IFNULL(SUBPARTITION_NAME, '-'), PARTITION_METHOD, IFNULL(SUBPARTITION_METHOD, "
    "'-'), PARTITION_EXPRESSION, IFNULL(SUBPARTITION_EXPRESSION, '-'), IFNULL(PARTITION_DESCRIPTION, '-') "
    "FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL "
    "ORDER BY 1, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION";

class Partitioned : public ::testing::TestWithParam<Pair> {
protected:
  void SetUp() override {
    pair = GetParam();
    if (pair.pgSource) {
      test::recreatePgDatabase(kPgSource);
      test::runPsqlFile(kPgSource, test::fixturePath("pg_partitioned.sql"));
    } else {
      test::recreateMySqlDatabase(kMySource);
      test::runMariadbFile(kMySource, test::fixturePath("mysql_partitioned.sql"));
    }
    test::recreateDatabase(pair.pgTarget, kTarget);
    src = test::quotedUrl(pair.pgSource, pair.pgSource ? kPgSource : kMySource);
    tgt = test::quotedUrl(pair.pgTarget, kTarget);
    state = test::freshStatePath("ferry-partitioned-" + pairName(pair));
  }

  void TearDown() override {
    if (pair.pgSource) test::recreatePgDatabase(kPgSource);  // drops the kept slot with it
  }

  std::string onSource(const std::string& sql) {
    return test::sqlOn(pair.pgSource, pair.pgSource ? kPgSource : kMySource, sql);
  }
  std::string onTarget(const std::string& sql) {
    return pair.pgTarget ? test::psql(kTarget, sql) : test::mariadb(kTarget, sql);
  }
  /// A source table as the target names it.
  std::string target(const std::string& table) const {
    if (!pair.pgTarget) return "`" + table + "`";
    return std::string(pair.pgSource ? "parts" : kMySource) + "." + table;
  }
  std::string source(const std::string& table) const { return pair.pgSource ? "parts." + table : table; }

  /// MariaDB source: rows of one partition.
  std::string myRows(const std::string& table, const std::string& partition) {
    return core::trim(test::mariadb(kMySource, "SELECT COUNT(*) FROM " + table + " PARTITION (" + partition + ")"));
  }
  std::string pgTargetRows(const std::string& table) {
    return core::trim(test::psql(kTarget, "SELECT count(*) FROM ONLY " + std::string(kMySource) + "." + table));
  }

  void checkPartitionsAfterCopy() {
    if (pair.pgSource && pair.pgTarget) {
      // The same partitions, bounds and rows in each (the archive one in its own schema).
      const std::string want = test::psql(kPgSource, kPgPartitions);
      EXPECT_EQ(test::psql(kTarget, kPgPartitions), want);
      EXPECT_NE(want.find("parts_archive.events_old of parts.events FOR VALUES FROM (MINVALUE)"), std::string::npos) << want;
      EXPECT_NE(want.find("parts.sales_2025_web of parts.sales_2025 FOR VALUES IN ('web'): 242"), std::string::npos) << want;
    } else if (!pair.pgSource && !pair.pgTarget) {
      EXPECT_EQ(test::mariadb(kTarget, kMyPartitions), test::mariadb(kMySource, kMyPartitions));
      for (const std::string p : {"y2025", "y2026", "ymax"}) {
        EXPECT_EQ(core::trim(test::mariadb(kTarget, "SELECT COUNT(*) FROM orders PARTITION (" + p + ")")),
                  myRows("orders", p));
      }
    } else if (!pair.pgSource) {
      // MariaDB RANGE / RANGE COLUMNS / LIST / LIST COLUMNS / HASH / KEY → declarative partitions.
      for (const std::string p : {"p2024", "p2025", "pmax"}) EXPECT_EQ(pgTargetRows("events_" + p), myRows("events", p));
      for (const std::string p : {"low", "high"}) EXPECT_EQ(pgTargetRows("tickets_" + p), myRows("tickets", p));
      for (const std::string p : {"europe", "america", "asia"}) {
        EXPECT_EQ(pgTargetRows("customers_" + p), myRows("customers", p));
      }
      for (const std::string p : {"dach", "other"}) EXPECT_EQ(pgTargetRows("stores_" + p), myRows("stores", p));
      EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT count(*) FROM pg_partition_tree('ferry_t_part_my.sessions') "
                                               "WHERE isleaf")),
                "3");
      EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT pg_get_expr(relpartbound, oid) FROM pg_class "
                                               "WHERE oid = 'ferry_t_part_my.events_p2024'::regclass")),
                "FOR VALUES FROM (MINVALUE) TO ('2025-01-01')");
      // RANGE over YEAR(): one plain table.
      EXPECT_EQ(core::trim(test::psql(kTarget, "SELECT relkind FROM pg_class WHERE oid = 'ferry_t_part_my.orders'::regclass")),
                "r");
    } else {
      // PostgreSQL → MariaDB: flattened.
      EXPECT_EQ(core::trim(test::mariadb(kTarget, "SELECT COUNT(*) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA "
                                                  "= DATABASE() AND PARTITION_NAME IS NOT NULL")),
                "0");
    }
  }

  void changeSource() {
    if (pair.pgSource) {
      onSource("INSERT INTO parts.events VALUES (10001, '2025-03-01', 'new', '{\"a\":1}'), (10002, '2020-01-01', 'old', "
               "NULL), (10003, '2031-01-01', 'future', NULL)");
      onSource("UPDATE parts.events SET happened_at = '2026-06-01' WHERE id = 10001");  // to another partition
      onSource("UPDATE parts.events SET kind = 'changed' WHERE id BETWEEN 1 AND 50");
      onSource("DELETE FROM parts.events WHERE id BETWEEN 100 AND 120");
      onSource("INSERT INTO parts.sales VALUES (5001, '2025-05-05', 'web', 9.99), (5002, '2025-05-05', 'fax', 1.00)");
      onSource("UPDATE parts.sales SET channel = 'web' WHERE id = 5002");  // sub-partition to sub-partition
      onSource("UPDATE parts.customers SET region = 'us' WHERE id = 7");
      onSource("DELETE FROM parts.sessions WHERE id % 10 = 0");
      onSource("UPDATE parts.readings SET value = -1 WHERE sensor = 150");  // keyless: whole-row identity
      onSource("UPDATE parts.readings SET sensor = 5 WHERE sensor = 199");
    } else {
      onSource("INSERT INTO events VALUES (10001, '2025-03-01', 'new'), (10002, '2020-01-01', 'old'), "
               "(10003, '2031-01-01', 'future')");
      onSource("UPDATE events SET happened_at = '2026-06-01' WHERE id = 10001");
      onSource("UPDATE events SET kind = 'changed' WHERE id BETWEEN 1 AND 50");
      onSource("DELETE FROM events WHERE id BETWEEN 100 AND 120");
      onSource("UPDATE customers SET region_id = 6 WHERE id = 7");
      onSource("DELETE FROM sessions WHERE id % 10 = 0");
      onSource("INSERT INTO orders VALUES (9001, '2026-02-02 10:00:00', 5.00)");
      onSource("UPDATE orders SET ordered_at = '2027-03-03 00:00:00' WHERE id = 9001");
      onSource("UPDATE tickets SET priority = 9 WHERE id = 1");
      onSource("INSERT INTO carts VALUES (1001, 3)");
    }
  }

  Pair pair{};
  std::string src, tgt, state;
};

TEST_P(Partitioned, RecreatedMappedOrFlattenedAndKeptInSync) {
  auto assess = ferry("assess --format json --source " + src + " --target " + tgt);
  ASSERT_EQ(assess.code, 0) << assess.err;
  const auto codes = findingCodes(nlohmann::json::parse(assess.out));
  if (pair.pgSource == pair.pgTarget) {
    EXPECT_EQ(codes.count("PARTITIONING_NOT_RECREATED"), 0u) << "same engine: every partitioning is recreated";
    EXPECT_EQ(codes.count("PARTITIONING_MAPPED"), 0u);
  } else if (pair.pgSource) {
    EXPECT_EQ(codes.count("PARTITIONING_NOT_RECREATED"), 5u) << "each of the five partitioned tables";
    EXPECT_EQ(codes.count("KEY_TEXT_AS_VARCHAR"), 2u) << "text in the keys of customers and sales";
  } else {
    EXPECT_EQ(codes.count("PARTITIONING_NOT_RECREATED"), 1u) << "orders, by YEAR()";
    EXPECT_EQ(codes.count("PARTITIONING_MAPPED"), 6u) << "events, tickets, customers, stores, sessions, carts";
  }

  auto copy = ferry("copy --jobs 2 --keep-slot --state " + state + " --source " + src + " --target " + tgt);
  ASSERT_EQ(copy.code, 0) << copy.err << copy.out;
  checkPartitionsAfterCopy();
  auto diff = ferry("diff --json --source " + src + " --target " + tgt);
  ASSERT_EQ(diff.code, 0) << diff.err;
  EXPECT_TRUE(nlohmann::json::parse(diff.out).at("identical").get<bool>()) << diff.out.substr(0, 3000);
  const std::string urls = " --source " + src + " --target " + tgt;
  auto verify = ferry("verify --state " + state + urls);
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;

  changeSource();
  auto sync = ferry("sync --until caught-up --json --state " + state + urls);
  ASSERT_EQ(sync.code, 0) << sync.out.substr(0, 2000) << sync.err;
  auto after = ferry("verify --state " + state + urls);
  EXPECT_EQ(after.code, 0) << after.out << after.err;
  if (pair.pgTarget) {
    const std::string where = pair.pgSource ? "parts.events_2026" : "ferry_t_part_my.events_pmax";
    EXPECT_EQ(core::trim(onTarget("SELECT tableoid::regclass::text FROM " + target("events") + " WHERE id = 10001")), where)
        << "the row moved to its new partition on the target";
  }
  if (pair.pgSource && pair.pgTarget) {
    EXPECT_EQ(test::psql(kTarget, kPgPartitions), test::psql(kPgSource, kPgPartitions)) << "rows per partition";
  }

  // A partition (or the partitioning) taken away on the target shows in diff.
  if (pair.pgTarget && pair.pgSource) {
    onTarget("ALTER TABLE parts.sessions DETACH PARTITION parts.sessions_2");
    onTarget("DROP TABLE parts.sessions_2");
  } else if (pair.pgTarget) {
    onTarget("ALTER TABLE ferry_t_part_my.tickets DETACH PARTITION ferry_t_part_my.tickets_high");
  } else if (!pair.pgSource) {
    onTarget("ALTER TABLE tickets REMOVE PARTITIONING");
  }
  if (pair.pgTarget || !pair.pgSource) {
    auto changed = ferry("diff --json --source " + src + " --target " + tgt);
    ASSERT_EQ(changed.code, 0) << changed.err;
    const auto j = nlohmann::json::parse(changed.out);
    EXPECT_FALSE(j.at("identical").get<bool>()) << changed.out.substr(0, 2000);
    const std::string expected = pair.pgTarget && pair.pgSource ? "\"sessions_2\"" : !pair.pgTarget ? "\"partitioning\""
                                                                                                       : "\"tickets_high\"";
    EXPECT_NE(changed.out.find(expected), std::string::npos) << changed.out.substr(0, 2000);
  }
}

INSTANTIATE_TEST_SUITE_P(Pairs, Partitioned,
                         ::testing::ValuesIn(test::allEnginePairs()),
                         [](const ::testing::TestParamInfo<Pair>& p) { return pairName(p.param); });

/// A partitioned copy stopped after two chunks (of ~24) and resumed; then, when
/// a partition was rewritten in between, refused.
TEST(PartitionedCopy, ResumesPartitionByPartitionUnlessOneWasRewritten) {
  const std::string src = "ferry_t_part_resume";
  const std::string dst = "ferry_t_part_resume_dst";
  test::recreatePgDatabase(src);
  test::psql(src, "CREATE TABLE keyed (id int, part int, v text, PRIMARY KEY (id, part)) PARTITION BY LIST (part); "
                  "CREATE TABLE keyed_a PARTITION OF keyed FOR VALUES IN (0); "
                  "CREATE TABLE keyed_b PARTITION OF keyed FOR VALUES IN (1); "
                  "CREATE TABLE heap (a int, b text) PARTITION BY RANGE (a); "
                  "CREATE TABLE heap_low PARTITION OF heap FOR VALUES FROM (0) TO (500); "
                  "CREATE TABLE heap_high PARTITION OF heap DEFAULT; "
                  "INSERT INTO keyed SELECT g, g % 2, md5(g::text) FROM generate_series(1, 20000) g; "
                  "INSERT INTO heap SELECT g % 997, repeat('z', g % 30) FROM generate_series(1, 30000) g; "
                  "DELETE FROM heap WHERE a BETWEEN 100 AND 150");
  test::psql(src, "VACUUM ANALYZE keyed_a, keyed_b, heap_low, heap_high");
  const std::string multiset =
      "SELECT (SELECT count(*) || '|' || md5(string_agg(a || ':' || b, ',' ORDER BY a, b)) FROM heap) || '/' || "
      "(SELECT count(*) || '|' || md5(string_agg(id || v, ',' ORDER BY id)) FROM keyed)";
  auto stopped = [&](const std::string& name) {
    const std::string path = test::freshStatePath(name);
    test::recreatePgDatabase(dst);
    run::CopyRequest req;
    req.source = test::pgSpec(src);
    req.target = test::pgSpec(dst);
    req.options.statePath = path;
    req.options.jobs = 2;
    req.options.limits.maxRows = 2500;
    req.options.maxRowsPerSecond = 8000;
    std::stop_source stopper;
    run::CopyRun copy(req);
    std::int64_t total = 0;
    std::jthread watcher([&](std::stop_token done) {
      for (int i = 0; i < 3000 && !done.stop_requested(); ++i) {
        std::int64_t chunks = 0;
        total = 0;
        for (const auto& t : copy.progress().tables) {
          chunks += t.chunksDone;
          total += t.chunksTotal;
        }
        if (chunks >= 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      stopper.request_stop();
    });
    auto r = copy.run(stopper.get_token());
    watcher.request_stop();
    EXPECT_FALSE(r.ok()) << "the copy ended before it was stopped";
    EXPECT_GE(total, 16) << "each partition is cut into chunks of its own";
    req.options.resume = true;
    req.options.maxRowsPerSecond = 0;
    return req;
  };
  {
    auto req = stopped("ferry-part-resume");
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_TRUE(r.ok()) << r.error().oneLine();
    EXPECT_EQ(core::trim(test::psql(dst, multiset)), core::trim(test::psql(src, multiset)));
    EXPECT_EQ(core::trim(test::psql(dst, "SELECT count(*) FROM ONLY keyed_b")),
              core::trim(test::psql(src, "SELECT count(*) FROM ONLY keyed_b")));
  }
  {
    auto req = stopped("ferry-part-rewritten");
    test::psql(src, "VACUUM FULL heap_high");  // its rows move to other pages
    run::CopyRun resumed(req);
    auto r = resumed.run({});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().oneLine().find("was rewritten on the source"), std::string::npos) << r.error().oneLine();
  }
  test::recreatePgDatabase(src);
  test::recreatePgDatabase(dst);
}

}  // namespace
}  // namespace ferry
