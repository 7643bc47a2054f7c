// Values too large for LOAD DATA or a statement's text into a MariaDB target
// (#14 item 5): a row with a value over 8 MB is written alone by a prepared
// INSERT with long data, between LOAD DATA statements of the same chunk; the
// rows before and after it still load. Values compared by md5 on both servers.
// A MariaDB binary string of 1 MiB or more goes into a PostgreSQL COPY as bytea
// hex written a piece at a time. The 256 MiB sizes and the memory bound are
// bench/huge-values'.

#include <gtest/gtest.h>

#include "connect/mysql/mysql_connection.h"
#include "core/text.h"
#include "preflight/preflight.h"
#include "run/copy_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

TEST(HugeValues, RowsWithValuesOver8MbReachMariaDbBetweenLoadDataRows) {
  const std::string src = "ferry_t_huge_rows";
  const std::string dst = "ferry_t_huge_rows_dst";
  test::recreatePgDatabase(src);
  // 12 MB of incompressible bytes in row 2, a 15 MB text in row 4, small rows around them.
  // Inserted in id order, so the chunk reads them in that order.
  test::psql(src, "CREATE TABLE t (id int PRIMARY KEY, b bytea, s text); "
                  "INSERT INTO t SELECT g, CASE WHEN g = 2 THEN (SELECT string_agg(decode(md5(h::text), 'hex'), ''::bytea) "
                  "FROM generate_series(1, 786432) h) ELSE decode(md5(g::text), 'hex') END, "
                  "CASE WHEN g = 4 THEN repeat('ab€', 3 * 1024 * 1024) ELSE 'small ' || g END "
                  "FROM generate_series(1, 6) g");
  test::recreateMySqlDatabase(dst);

  // Pre-flight sees the largest value.
  auto pg = connect::PgConnection::open(test::pgSpec(src));
  ASSERT_TRUE(pg.ok()) << pg.error().oneLine();
  auto largest = preflight::largestPgValue(**pg, 10'000);
  ASSERT_TRUE(largest.ok()) << largest.error().oneLine();
  EXPECT_EQ(largest->column, "public.t.s");
  EXPECT_EQ(largest->bytes, 3 * 1024 * 1024 * 5);  // 'ab€' is 5 bytes of UTF-8

  // Which statements wrote the rows: the server's counters around the copy.
  auto counter = [](const std::string& name) {
    return std::stoll(core::trim(test::mariadb("", "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                                                   "WHERE VARIABLE_NAME = '" + name + "'")));
  };
  const auto executesBefore = counter("COM_STMT_EXECUTE");
  const auto loadsBefore = counter("COM_LOAD");

  run::CopyRequest req;
  req.source = test::pgSpec(src);
  req.target = test::mysqlSpec(dst);
  req.options.statePath = test::freshStatePath("ferry-huge-rows");
  req.options.jobs = 1;
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->final.tables.at(0).rowsWritten, 6);
  // Rows 2 and 4 by prepared INSERTs; 1, 3 and 5–6 by three LOAD DATA statements.
  EXPECT_GE(counter("COM_STMT_EXECUTE") - executesBefore, 2);
  EXPECT_GE(counter("COM_LOAD") - loadsBefore, 3);
  const std::string want = test::psql(src, "SELECT id || ' ' || md5(b) || ' ' || md5(convert_to(s, 'UTF8')) || ' ' || "
                                           "octet_length(b) FROM t ORDER BY id");
  const std::string got = test::mariadb(dst, "SELECT CONCAT(id, ' ', MD5(b), ' ', MD5(s), ' ', LENGTH(b)) FROM t ORDER BY id");
  EXPECT_EQ(got, want);
  EXPECT_NE(want.find(" 12582912\n"), std::string::npos) << "the 12 MB row is in the comparison";
  test::recreatePgDatabase(src);
  test::mariadb("", "DROP DATABASE IF EXISTS " + dst);
}

TEST(HugeValues, LargeBinaryStringsReachPostgresAsHexWrittenInPieces) {
  const std::string src = "ferry_t_huge_blobs";
  const std::string dst = "ferry_t_huge_blobs_dst";
  test::recreateMySqlDatabase(src);
  // 3 MiB of bytes that do not repeat in row 2 (written as bytea hex 1 MiB at a
  // time, writePgRowInPieces), small and NULL values around it.
  test::mariadb(src, "SET SESSION group_concat_max_len = 1073741824; "
                     "CREATE TABLE t (id INT PRIMARY KEY, b LONGBLOB, s TEXT); "
                     "INSERT INTO t SELECT seq, IF(seq = 2, (SELECT GROUP_CONCAT(UNHEX(MD5(h.seq)) ORDER BY h.seq SEPARATOR '') "
                     "FROM seq_1_to_196608 h), IF(seq = 4, NULL, UNHEX(MD5(seq)))), CONCAT('row\t', seq) FROM seq_1_to_5");
  test::recreatePgDatabase(dst);
  run::CopyRequest req;
  req.source = test::mysqlSpec(src);
  req.target = test::pgSpec(dst);
  req.options.statePath = test::freshStatePath("ferry-huge-blobs");
  req.options.jobs = 1;
  run::CopyRun copy(req);
  auto r = copy.run({});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->final.tables.at(0).rowsWritten, 5);
  const std::string want = test::mariadb(src, "SELECT CONCAT(id, ' ', IFNULL(MD5(b), '-'), ' ', IFNULL(LENGTH(b), 0), "
                                              "' ', MD5(s)) FROM t ORDER BY id");
  const std::string got = test::psql(dst, "SELECT id || ' ' || coalesce(md5(b), '-') || ' ' || "
                                          "coalesce(octet_length(b), 0) || ' ' || md5(s) FROM " + src + ".t ORDER BY id");
  EXPECT_EQ(got, want);
  EXPECT_NE(want.find(" 3145728 "), std::string::npos) << want;
  test::mariadb("", "DROP DATABASE IF EXISTS " + src);
  test::recreatePgDatabase(dst);
}

}  // namespace
}  // namespace ferry
