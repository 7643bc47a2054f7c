// The data scan (`--scan-data`) against the sandbox servers: for every lossy code
// the type mapper emits, a table on the real source holds known offending rows and
// clean rows, and the scan must count exactly the offending ones and name one of
// them as an example. Plus the SQL builders' output and the sampled scan.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "assess/assessment.h"
#include "assess/data_scan.h"
#include "core/text.h"
#include "run/assessment_run.h"
#include "run/data_scan_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kDb = "ferry_t_scan";
constexpr const char* kAsciiDb = "ferry_t_scan_ascii";

bool hasExample(const assess::ScanResult& s, const std::string& key) {
  return std::find(s.exampleKeys.begin(), s.exampleKeys.end(), key) != s.exampleKeys.end();
}

/// Asserts the column's scan: `rows` affected, and `example` among the examples (when given).
void expectScan(assess::Assessment& a, const std::string& schema, const std::string& table, const std::string& column,
                const std::string& code, std::int64_t rows, const std::string& example = {}) {
  SCOPED_TRACE(schema + "." + table + "." + column + " " + code);
  const auto* c = a.findColumn(schema, table, column);
  ASSERT_NE(c, nullptr);
  if (!code.empty()) {
    EXPECT_TRUE(c->mapping.hasCode(code)) << core::join(c->mapping.codes(), ",");
  }
  ASSERT_TRUE(c->scan.has_value());
  EXPECT_EQ(c->scan->affectedRows, rows);
  EXPECT_FALSE(c->scan->sampled);
  if (!example.empty()) {
    EXPECT_TRUE(hasExample(*c->scan, example)) << core::join(c->scan->exampleKeys, " | ");
  }
  EXPECT_LE(c->scan->exampleKeys.size(), 5u);
  if (rows == 0) {
    EXPECT_TRUE(c->scan->exampleKeys.empty());
  }
}

model::Catalog inspect(const connect::ConnectionSpec& spec) {
  auto cat = run::inspect(spec, {});
  EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
  return cat ? *cat : model::Catalog{};
}

// ---------------------------------------------------------------- SQL builders (pure)

TEST(DataScanSql, MySqlPredicatesAndQuoting) {
  model::Table t;
  t.schema = "shop";
  t.name = "or`ders";
  t.primaryKey = model::PrimaryKey{"PRIMARY", {"id"}};
  model::Column id;
  id.name = "id";
  id.type.base = "int";
  id.nullable = false;
  model::Column flag;
  flag.name = "is`gift";
  flag.type.base = "tinyint";
  flag.type.declared = "tinyint(1)";
  t.columns = {id, flag};
  assess::ColumnAssessment ca;
  ca.schema = "shop";
  ca.table = t.name;
  ca.column = flag.name;
  ca.mapping.severity = typemap::Severity::Lossy;
  ca.mapping.findings.push_back({"MY2PG_TINYINT1_BOOLEAN", typemap::Severity::Lossy, "", ""});
  assess::ScanContext ctx;
  ctx.sourceEngine = model::Engine::MariaDB;
  ctx.sourceVersion = {10, 11, 6, "10.11.6-MariaDB"};
  auto scan = assess::buildTableScan(ctx, t, {&ca});
  ASSERT_TRUE(scan.has_value());
  EXPECT_FALSE(scan->sampled);
  EXPECT_EQ(scan->sql,
            "SELECT count(*) AS ferry_rows, COALESCE(SUM(CASE WHEN (`is``gift` NOT IN (0, 1)) THEN 1 ELSE 0 END), 0) AS n0, "
            "GROUP_CONCAT(CASE WHEN (`is``gift` NOT IN (0, 1)) THEN CONCAT('id=', `id`) END SEPARATOR X'1E' LIMIT 5) AS ex0 "
            "FROM `shop`.`or``ders`");
  t.estimatedRows = 5'000'000;
  scan = assess::buildTableScan(ctx, t, {&ca});
  ASSERT_TRUE(scan.has_value());
  EXPECT_TRUE(scan->sampled);
  EXPECT_TRUE(core::endsWith(scan->sql, "FROM `shop`.`or``ders` WHERE MOD(CRC32(CONCAT_WS(CHAR(31), `id`)), 5) = 0"))
      << scan->sql;
  // MySQL (not MariaDB) has no LIMIT inside GROUP_CONCAT.
  ctx.sourceEngine = model::Engine::MySQL;
  ctx.sourceVersion = {8, 0, 36, "8.0.36"};
  scan = assess::buildTableScan(ctx, t, {&ca});
  ASSERT_TRUE(scan.has_value());
  EXPECT_EQ(scan->sql.find("LIMIT 5"), std::string::npos);
}

TEST(DataScanSql, PgSampleAndNoKey) {
  model::Table t;
  t.schema = "public";
  t.name = "m";
  t.estimatedRows = 4'000'000;
  model::Column r;
  r.name = "Val";
  r.type.base = "real";
  t.columns = {r};
  assess::ColumnAssessment ca;
  ca.schema = "public";
  ca.table = "m";
  ca.column = "Val";
  ca.mapping.severity = typemap::Severity::Lossy;
  ca.mapping.findings.push_back({"PG2MY_FLOAT_SPECIAL", typemap::Severity::Lossy, "", ""});
  assess::ScanContext ctx;
  ctx.sourceEngine = model::Engine::PostgreSQL;
  ctx.sourceVersion = {15, 0, 0, "15.0"};
  ctx.targetEngine = model::Engine::MySQL;
  auto scan = assess::buildTableScan(ctx, t, {&ca});
  ASSERT_TRUE(scan.has_value());
  EXPECT_TRUE(scan->keyColumns.empty());
  EXPECT_EQ(scan->sql,
            "SELECT count(*) AS ferry_rows, count(*) FILTER (WHERE (\"Val\"::text IN ('NaN', 'Infinity', '-Infinity'))) AS n0, "
            "NULL::text[] AS ex0 FROM \"public\".\"m\" TABLESAMPLE SYSTEM (25.000000) REPEATABLE (42)");
  // A column without lossy findings is not scanned at all.
  ca.mapping.findings.clear();
  ca.mapping.severity = typemap::Severity::Exact;
  EXPECT_FALSE(assess::buildTableScan(ctx, t, {&ca}).has_value());
}

TEST(DataScanSql, CodesWithAMethod) {
  using assess::ScanMethod;
  EXPECT_EQ(assess::scanMethod(model::Engine::MariaDB, "MY2PG_JSON_DUPLICATE_KEYS"), ScanMethod::Client);
  EXPECT_EQ(assess::scanMethod(model::Engine::PostgreSQL, "PG2MY_JSON_DUPLICATE_KEYS"), ScanMethod::Server);
  EXPECT_EQ(assess::scanMethod(model::Engine::PostgreSQL, "MY2PG_ZERO_DATE"), ScanMethod::None);
  EXPECT_EQ(assess::scanMethod(model::Engine::MySQL, "MY2PG_CHAR_PADDING"), ScanMethod::None);
}

TEST(DataScanSql, NewLossyCodesAreServerSide) {
  using assess::ScanMethod;
  for (const char* code : {"PG2MY_UUID_VARIANT", "PG2MY_JSON_DEPTH", "PG2MY_ENUM_TRAILING_SPACE"}) {
    EXPECT_EQ(assess::scanMethod(model::Engine::PostgreSQL, code), ScanMethod::Server) << code;
  }
  EXPECT_EQ(assess::scanMethod(model::Engine::MariaDB, "MY_ENUM_MEMBER_UNREADABLE"), ScanMethod::Server);
  EXPECT_EQ(assess::scanMethod(model::Engine::MySQL, "MY_ENUM_MEMBER_UNREADABLE"), ScanMethod::Server);
  EXPECT_EQ(assess::scanMethod(model::Engine::PostgreSQL, "MY_ENUM_MEMBER_UNREADABLE"), ScanMethod::None);
  model::Column c;
  c.name = "doc";
  assess::ColumnAssessment ca;
  assess::ScanContext ctx;
  ctx.sourceEngine = model::Engine::PostgreSQL;
  ctx.targetEngine = model::Engine::MariaDB;
  EXPECT_EQ(assess::lossPredicate(ctx, c, ca, "PG2MY_JSON_DEPTH").value_or(""),
            "jsonb_path_exists(\"doc\"::jsonb, 'strict $.**{31} ? (@.type() == \"object\" || @.type() == \"array\")')");
}

TEST(DataScanSql, JsonDuplicateKeys) {
  EXPECT_FALSE(assess::jsonHasDuplicateKeys(R"({"a":1,"b":{"a":2}})"));
  EXPECT_FALSE(assess::jsonHasDuplicateKeys(R"([{"a":1},{"a":2}])"));
  EXPECT_TRUE(assess::jsonHasDuplicateKeys(R"({"a":1,"a":2})"));
  EXPECT_TRUE(assess::jsonHasDuplicateKeys(R"({"x":[{"k":1,"k":1}]})"));
  EXPECT_TRUE(assess::jsonHasDuplicateKeys("{not json"));
}

// ---------------------------------------------------------------- MariaDB → PostgreSQL

class ScanMySqlSource : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreateMySqlDatabase(kDb);
    test::mariadb(kDb, R"SQL(
SET SESSION sql_mode = '';
CREATE TABLE lossy (
  id INT PRIMARY KEY,
  flag TINYINT(1), clean_flag TINYINT(1), big BIGINT UNSIGNED,
  d DATE, dt DATETIME, ts TIMESTAMP NULL DEFAULT NULL, t TIME,
  e ENUM('a','b'), j JSON, clean_d DATE);
INSERT INTO lossy (id, flag, clean_flag, clean_d) VALUES (1, 0, 0, '2024-01-01'), (2, 1, 1, '1000-01-01');
INSERT INTO lossy (id, flag, clean_flag) VALUES (3, 2, 1), (4, -1, 0);
INSERT INTO lossy (id, big) VALUES (5, 18446744073709551615), (50, 9223372036854775807);
INSERT INTO lossy (id, d) VALUES (6, '0000-00-00'), (7, '2024-00-15'), (70, '0001-01-01');
INSERT INTO lossy (id, dt) VALUES (8, '2024-05-00 10:00:00'), (80, '2024-05-01 10:00:00');
INSERT INTO lossy (id, ts) VALUES (9, '0000-00-00 00:00:00'), (90, '2030-01-01 00:00:00');
INSERT INTO lossy (id, t) VALUES (10, '-01:00:00'), (11, '25:00:00'), (12, '24:00:00'), (13, '00:00:00');
INSERT INTO lossy (id, e) VALUES (14, 'zzz'), (15, 'a');
INSERT INTO lossy (id, j) VALUES (16, '{"a":1,"a":2}'), (17, '{"x":{"k":1,"k":2}}'), (18, '[{"a":1},{"a":2}]');
CREATE TABLE nokey (v TINYINT(1));
INSERT INTO nokey VALUES (0), (1), (7), (7);
CREATE TABLE ck (a INT, b VARCHAR(10), flag TINYINT(1), PRIMARY KEY (a, b));
INSERT INTO ck VALUES (1, 'x', 3), (1, 'y', 1);
CREATE TABLE future (id INT PRIMARY KEY, at DATETIME);
INSERT INTO future VALUES (1, '2038-01-19 03:14:07'), (2, '2038-01-19 03:14:08'), (3, '2100-01-01 00:00:00');
CREATE TABLE big (id INT PRIMARY KEY, flag TINYINT(1), j JSON);
INSERT INTO big (id, flag, j)
  SELECT seq, 5, '{"a":1,"a":1}' FROM seq_1_to_3000;
ANALYZE TABLE big;
)SQL");
    // 4-byte characters (U+1F41F) in ENUM/SET members: information_schema shows them as '?'.
    const std::string fish = "\xF0\x9F\x90\x9F";
    test::mariadb(kDb, "CREATE TABLE emoji (id INT PRIMARY KEY, e ENUM('ok','" + fish + "','x?') CHARACTER SET utf8mb4, "
                       "s SET('a','" + fish + "b') CHARACTER SET utf8mb4, clean ENUM('ok','x?') CHARACTER SET utf8mb4); "
                       "INSERT INTO emoji VALUES (1, 'ok', 'a', 'ok'), (2, '" + fish + "', '" + fish + "b', 'x?'), "
                       "(3, 'x?', 'a," + fish + "b', 'ok'), (4, NULL, '', NULL), (5, '" + fish + "', 'a', 'x?')");
  }
  static void TearDownTestSuite() { test::mariadb("", std::string("DROP DATABASE IF EXISTS ") + kDb); }

  static run::AssessRequest request() {
    run::AssessRequest req;
    req.source = test::mysqlSpec(kDb);
    req.targetEngine = model::Engine::PostgreSQL;
    req.project.mappingOptions = {{"unsigned_bigint_as", "bigint_check"}, {"time_as", "time"}};
    req.scanData = true;
    return req;
  }
};

TEST_F(ScanMySqlSource, EveryLossyCodeCountsItsRows) {
  auto a = run::runAssessment(request());
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  EXPECT_TRUE(a->scanned);
  expectScan(*a, kDb, "lossy", "flag", "MY2PG_TINYINT1_BOOLEAN", 2, "id=3");
  expectScan(*a, kDb, "lossy", "clean_flag", "MY2PG_TINYINT1_BOOLEAN", 0);
  expectScan(*a, kDb, "lossy", "big", "MY2PG_UNSIGNED_OVERFLOW", 1, "id=5");
  expectScan(*a, kDb, "lossy", "d", "MY2PG_ZERO_DATE", 2, "id=7");
  expectScan(*a, kDb, "lossy", "dt", "MY2PG_ZERO_DATE", 1, "id=8");
  expectScan(*a, kDb, "lossy", "ts", "MY2PG_ZERO_DATE", 1, "id=9");
  expectScan(*a, kDb, "lossy", "clean_d", "MY2PG_ZERO_DATE", 0);
  expectScan(*a, kDb, "lossy", "t", "MY2PG_TIME_RANGE", 2, "id=11");
  expectScan(*a, kDb, "lossy", "e", "MY2PG_ENUM_EMPTY_VALUE", 1, "id=14");
  expectScan(*a, kDb, "lossy", "j", "MY2PG_JSON_DUPLICATE_KEYS", 2, "id=17");
  // Examples name only offending rows.
  const auto* d = a->findColumn(kDb, "lossy", "d");
  ASSERT_TRUE(d && d->scan);
  for (const auto& k : d->scan->exampleKeys) EXPECT_TRUE(k == "id=6" || k == "id=7") << k;
  // The id column maps exactly and is not scanned.
  EXPECT_FALSE(a->findColumn(kDb, "lossy", "id")->scan.has_value());
}

TEST_F(ScanMySqlSource, NoKeyCountsWithoutExamplesAndCompositeKeysRender) {
  auto a = run::runAssessment(request());
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  expectScan(*a, kDb, "nokey", "v", "MY2PG_TINYINT1_BOOLEAN", 2);
  EXPECT_TRUE(a->findColumn(kDb, "nokey", "v")->scan->exampleKeys.empty());
  expectScan(*a, kDb, "ck", "flag", "MY2PG_TINYINT1_BOOLEAN", 1, "a=1,b=x");
}

TEST_F(ScanMySqlSource, SampledScanOnLargeTables) {
  auto req = request();
  req.scan.sampleThreshold = 300;  // big holds 3000 rows: about 1 key in 10
  auto a = run::runAssessment(req);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  for (const char* col : {"flag", "j"}) {
    SCOPED_TRACE(col);
    const auto* c = a->findColumn(kDb, "big", col);
    ASSERT_TRUE(c && c->scan);
    EXPECT_TRUE(c->scan->sampled);
    EXPECT_GT(c->scan->rowsScanned, 100);
    EXPECT_LT(c->scan->rowsScanned, 1000);
    EXPECT_EQ(c->scan->affectedRows, c->scan->rowsScanned);  // every row offends
    EXPECT_EQ(c->scan->exampleKeys.size(), 5u);
  }
  // The same sample on a second run.
  auto again = run::runAssessment(req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->findColumn(kDb, "big", "flag")->scan->rowsScanned, a->findColumn(kDb, "big", "flag")->scan->rowsScanned);
  // Small tables stay unsampled.
  EXPECT_FALSE(a->findColumn(kDb, "lossy", "flag")->scan->sampled);
  EXPECT_NE(assess::toText(*a).find("(sampled "), std::string::npos);
}

// MY_ENUM_MEMBER_UNREADABLE depends only on the source: the same rows for both targets.
TEST_F(ScanMySqlSource, EnumMembersWithFourByteCharacters) {
  auto a = run::runAssessment(request());
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  expectScan(*a, kDb, "emoji", "e", "MY_ENUM_MEMBER_UNREADABLE", 2, "id=5");
  expectScan(*a, kDb, "emoji", "s", "MY_ENUM_MEMBER_UNREADABLE", 2, "id=3");
  expectScan(*a, kDb, "emoji", "clean", "MY_ENUM_MEMBER_UNREADABLE", 0);  // a real '?' member: nothing lost
  for (const auto& k : a->findColumn(kDb, "emoji", "e")->scan->exampleKeys) EXPECT_TRUE(k == "id=2" || k == "id=5") << k;

  const auto catalog = inspect(test::mysqlSpec(kDb));
  auto my = assess::assess(catalog, {model::Engine::MariaDB, {10, 11, 0, "10.11.0"}, {}}, plan::Project{});
  ASSERT_TRUE(my.ok()) << my.error().oneLine();
  auto st = run::scanSourceData(test::mysqlSpec(kDb), catalog, *my);
  ASSERT_TRUE(st.ok()) << st.error().oneLine();
  expectScan(*my, kDb, "emoji", "e", "MY_ENUM_MEMBER_UNREADABLE", 2, "id=2");
  expectScan(*my, kDb, "emoji", "s", "MY_ENUM_MEMBER_UNREADABLE", 2, "id=2");
  expectScan(*my, kDb, "emoji", "clean", "MY_ENUM_MEMBER_UNREADABLE", 0);
}

// MariaDB 10.11 TIMESTAMP stops at 2038, so MY2MY_TIMESTAMP_RANGE (a MariaDB 11.5+
// source) cannot be produced here; its predicate is run on a DATETIME column instead.
TEST_F(ScanMySqlSource, TimestampRangePredicateOnTheServer) {
  const auto catalog = inspect(test::mysqlSpec(kDb));
  auto a = assess::assess(catalog, {model::Engine::MariaDB, {10, 11, 0, "10.11.0"}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  auto* c = a->findColumn(kDb, "future", "at");
  ASSERT_NE(c, nullptr);
  c->mapping.findings.push_back({"MY2MY_TIMESTAMP_RANGE", typemap::Severity::Lossy, "", ""});
  c->mapping.severity = typemap::Severity::Lossy;
  auto st = run::scanSourceData(test::mysqlSpec(kDb), catalog, *a);
  ASSERT_TRUE(st.ok()) << st.error().oneLine();
  expectScan(*a, kDb, "future", "at", "MY2MY_TIMESTAMP_RANGE", 2, "id=2");
}

// ---------------------------------------------------------------- PostgreSQL → MySQL/MariaDB

/// uuid values around MariaDB's rule (byte 6 >= 0x80 with byte 8 in 0x01..0x80 is refused):
/// 1 and 2 are refused, the rest fit.
const std::vector<std::pair<int, std::string>> kUuids = {
    {1, "01234567-89ab-cdef-0123-456789abcdef"},  // version c, byte 8 = 0x01
    {2, "01234567-89ab-8def-8023-456789abcdef"},  // byte 8 = 0x80 still refused
    {3, "01234567-89ab-8def-0023-456789abcdef"},  // byte 8 = 0x00 accepted
    {4, "01234567-89ab-fdef-8123-456789abcdef"},  // byte 8 = 0x81 accepted
    {5, "01234567-89ab-7def-0123-456789abcdef"},  // version 7
    {6, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},  // v4
};

std::string nested(int depth, const std::string& open, const std::string& inner, const std::string& close) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

/// JSON documents around MariaDB's depth limit (31 nested arrays/objects pass, 32 fail):
/// 11, 13 and 15 are refused.
const std::vector<std::pair<int, std::string>> kJsonDocs = {
    {10, nested(31, "[", "", "]")},
    {11, nested(32, "[", "", "]")},
    {12, nested(31, "{\"a\":", "1", "}")},
    {13, nested(32, "{\"a\":", "1", "}")},
    {14, "{\"s\": \"" + nested(40, "[", "", "]") + "\", \"t\": [1, 2]}"},  // brackets in a string do not nest
    {15, "[1, {\"x\": [2, " + nested(29, "[", "3", "]") + "]}]"},             // 3 + 29 = 32
    {16, "[1, {\"x\": [2, " + nested(28, "[", "3", "]") + "]}]"},             // 31
};

class ScanPgSource : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreatePgDatabase(kDb);
    test::psql(kDb, R"SQL(
CREATE TABLE lossy (
  id int PRIMARY KEY,
  r real, d8 double precision, clean_r real, n numeric(10,2), nu numeric, np numeric(70,40), tx text,
  dd date, ts timestamp, tz timestamptz, iv interval, vb bit varying(8), vbu bit varying,
  jb jsonb, js json, na numeric[], fa float8[]);
INSERT INTO lossy (id, r, clean_r) VALUES (1, 'NaN', 1.5), (2, 'Infinity', -2), (3, 1.25, 0);
INSERT INTO lossy (id, d8) VALUES (4, '-Infinity'), (5, 1e300);
INSERT INTO lossy (id, n) VALUES (6, 'NaN'), (7, 12345678.99);
INSERT INTO lossy (id, nu) VALUES (8, 1e40), (9, 0.1234567890123456789012345678901), (10, 'Infinity'),
  (11, 1.500000000000000000000000000000000000), (12, 99999999999999999999999999999999999.5);
INSERT INTO lossy (id, np) VALUES (13, 1.1234567890123456789012345678901), (14, 0.5);
INSERT INTO lossy (id, tx) VALUES (15, 'abcdef'), (16, 'ééééé');
INSERT INTO lossy (id, dd) VALUES (17, 'infinity'), (18, '0999-12-31'), (19, '1000-01-01 BC'), (20, '1000-01-01'), (21, '9999-12-31');
INSERT INTO lossy (id, ts) VALUES (22, '-infinity'), (23, '2024-01-01 10:00:00');
INSERT INTO lossy (id, tz) VALUES (24, '9999-12-31 23:00:00-02'), (25, '9999-12-31 23:00:00+00');
INSERT INTO lossy (id, iv) VALUES (26, '1 mon'), (27, '839 hours'), (28, '838:59:59'), (29, '-3 days 02:00:00');
INSERT INTO lossy (id, vb) VALUES (30, B'01'), (31, B'00000001');
INSERT INTO lossy (id, vbu) VALUES (32, B'1'), (33, B'10101010');
INSERT INTO lossy (id, jb) VALUES (34, '{"a": 1.00000000000000000001}'), (35, '{"a": 12345678901234567890, "b": [0.1, 2.5e-3]}');
INSERT INTO lossy (id, js) VALUES (36, '{"a":1,"a":2}'), (37, '{"b":[{"c":1,"c":2}]}'), (38, '{"a":{"a":1}}');
INSERT INTO lossy (id, na) VALUES (39, '{1,NaN}'), (40, '{1.00000000000000000001}'), (41, '{1.5,2}');
INSERT INTO lossy (id, fa) VALUES (42, '{1,Infinity}'), (43, '{0.1,-2.5}');
CREATE TABLE nokey (v real);
INSERT INTO nokey VALUES ('NaN'), (1);
CREATE TABLE big (id int PRIMARY KEY, r real);
INSERT INTO big SELECT g, 'NaN' FROM generate_series(1, 20000) g;
ANALYZE big;
CREATE TABLE inf (id int PRIMARY KEY, v numeric);
INSERT INTO inf VALUES (1, 'Infinity'), (2, '-Infinity'), (3, 'NaN'), (4, 2);
CREATE TYPE mood AS ENUM ('ok', 'meh ', 'x');
CREATE TABLE maria (id int PRIMARY KEY, u uuid, jb jsonb, js json, m mood);
INSERT INTO maria (id, m) VALUES (30, 'meh '), (31, 'ok'), (32, 'meh '), (33, 'x');
)SQL");
    std::string values;
    for (const auto& [id, u] : kUuids) values += std::string(values.empty() ? "" : ", ") + "(" + std::to_string(id) + ", '" + u + "')";
    test::psql(kDb, "INSERT INTO maria (id, u) VALUES " + values);
    values.clear();
    for (const auto& [id, doc] : kJsonDocs) values += std::string(values.empty() ? "" : ", ") + "(" + std::to_string(id) + ", '" + doc + "', '" + doc + "')";
    test::psql(kDb, "INSERT INTO maria (id, jb, js) VALUES " + values);
  }

  /// How many of `literals` the real MariaDB refuses: `test` is a SQL expression over
  /// the literal `?` that is 1 when the server rejects it.
  static int mariaDbRejects(const std::vector<std::string>& literals, const std::string& test) {
    std::vector<std::string> parts;
    for (const auto& l : literals) {
      std::string e = test;
      e.replace(e.find('?'), 1, "'" + l + "'");
      parts.push_back(e);
    }
    const std::string out = test::mariadb("", "SELECT " + core::join(parts, " + "));
    return std::stoi(out);
  }
  static void TearDownTestSuite() { test::psql("postgres", std::string("DROP DATABASE IF EXISTS ") + kDb); }

  static assess::Assessment assessFor(model::Engine target, const model::ServerVersion& version) {
    const auto catalog = inspect(test::pgSpec(kDb));
    plan::Project project;
    project.mappingOptions = {{"pg_text_as", "varchar"}, {"pg_text_varchar_length", 5}, {"interval_as", "time"}};
    auto a = assess::assess(catalog, {target, version, {}}, project);
    EXPECT_TRUE(a.ok()) << (a ? "" : a.error().oneLine());
    if (!a) return {};
    auto st = run::scanSourceData(test::pgSpec(kDb), catalog, *a);
    EXPECT_TRUE(st.ok()) << (st ? "" : st.error().oneLine());
    return *a;
  }
};

TEST_F(ScanPgSource, EveryLossyCodeCountsItsRowsForMySql) {
  auto a = assessFor(model::Engine::MySQL, {8, 0, 36, "8.0.36"});
  EXPECT_TRUE(a.scanned);
  expectScan(a, "public", "lossy", "r", "PG2MY_FLOAT_SPECIAL", 2, "id=1");
  expectScan(a, "public", "lossy", "d8", "PG2MY_FLOAT_SPECIAL", 1, "id=4");
  expectScan(a, "public", "lossy", "clean_r", "PG2MY_FLOAT_SPECIAL", 0);
  expectScan(a, "public", "lossy", "n", "PG2MY_NUMERIC_NAN", 1, "id=6");
  expectScan(a, "public", "lossy", "nu", "PG2MY_NUMERIC_UNCONSTRAINED", 3, "id=9");  // 8, 9, 10; 11 and 12 fit
  expectScan(a, "public", "lossy", "np", "PG2MY_NUMERIC_PRECISION", 1, "id=13");
  expectScan(a, "public", "lossy", "tx", "PG2MY_TEXT_VARCHAR", 1, "id=15");
  expectScan(a, "public", "lossy", "dd", "PG2MY_DATE_RANGE", 3, "id=19");
  expectScan(a, "public", "lossy", "ts", "PG2MY_DATE_RANGE", 1, "id=22");
  expectScan(a, "public", "lossy", "tz", "PG2MY_DATE_RANGE", 1, "id=24");
  expectScan(a, "public", "lossy", "iv", "PG2MY_INTERVAL_RANGE", 2, "id=27");
  expectScan(a, "public", "lossy", "vb", "PG2MY_VARBIT_LENGTH", 1, "id=30");
  expectScan(a, "public", "lossy", "vbu", "PG2MY_VARBIT_LENGTH", 1, "id=32");
  expectScan(a, "public", "lossy", "jb", "PG2MY_JSON_NUMBER_PRECISION", 1, "id=34");
  expectScan(a, "public", "lossy", "js", "PG2MY_JSON_DUPLICATE_KEYS", 2, "id=37");
  expectScan(a, "public", "lossy", "na", "PG2MY_ARRAY_NUMBERS", 2, "id=40");
  expectScan(a, "public", "lossy", "fa", "PG2MY_ARRAY_NUMBERS", 1, "id=42");
  expectScan(a, "public", "nokey", "v", "PG2MY_FLOAT_SPECIAL", 1);
}

TEST_F(ScanPgSource, MariaDbTargetCountsOnlyNonFiniteArrayElements) {
  auto a = assessFor(model::Engine::MariaDB, {10, 11, 0, "10.11.0"});
  // MariaDB keeps JSON as text, so only NaN/Infinity elements fail.
  expectScan(a, "public", "lossy", "na", "PG2MY_ARRAY_NUMBERS", 1, "id=39");
  expectScan(a, "public", "lossy", "nu", "PG2MY_NUMERIC_UNCONSTRAINED", 3, "id=8");
}

TEST_F(ScanPgSource, MariaDbUuidJsonDepthAndEnumSpaces) {
  auto a = assessFor(model::Engine::MariaDB, {10, 11, 0, "10.11.0"});
  // The expected counts are what the sandbox MariaDB really refuses.
  std::vector<std::string> uuids;
  for (const auto& p : kUuids) uuids.push_back(p.second);
  EXPECT_EQ(mariaDbRejects(uuids, "(CAST(? AS UUID) IS NULL)"), 2);
  std::vector<std::string> docs;
  for (const auto& p : kJsonDocs) docs.push_back(p.second);
  EXPECT_EQ(mariaDbRejects(docs, "(JSON_VALID(?) = 0)"), 3);

  expectScan(a, "public", "maria", "u", "PG2MY_UUID_VARIANT", 2, "id=2");
  expectScan(a, "public", "maria", "jb", "PG2MY_JSON_DEPTH", 3, "id=15");
  expectScan(a, "public", "maria", "js", "PG2MY_JSON_DEPTH", 3, "id=13");
  expectScan(a, "public", "maria", "m", "PG2MY_ENUM_TRAILING_SPACE", 2, "id=32");
  for (const auto& k : a.findColumn("public", "maria", "jb")->scan->exampleKeys) {
    EXPECT_TRUE(k == "id=11" || k == "id=13" || k == "id=15") << k;
  }
  for (const auto& k : a.findColumn("public", "maria", "u")->scan->exampleKeys) EXPECT_TRUE(k == "id=1" || k == "id=2") << k;
}

TEST_F(ScanPgSource, NumericInfinityForAnOlderPostgres) {
  auto a = assessFor(model::Engine::PostgreSQL, {13, 0, 0, "13.0"});
  expectScan(a, "public", "inf", "v", "PG2PG_NUMERIC_INFINITY", 2, "id=2");
}

TEST_F(ScanPgSource, SampledScanThroughRunAssessment) {
  run::AssessRequest req;
  req.source = test::pgSpec(kDb);
  req.targetEngine = model::Engine::MariaDB;
  req.scanData = true;
  req.scan.sampleThreshold = 2000;  // big holds 20000 rows: a 10 % page sample
  auto a = run::runAssessment(req);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  const auto* c = a->findColumn("public", "big", "r");
  ASSERT_TRUE(c && c->scan);
  EXPECT_TRUE(c->scan->sampled);
  EXPECT_GT(c->scan->rowsScanned, 0);
  EXPECT_LT(c->scan->rowsScanned, 20000);
  EXPECT_EQ(c->scan->affectedRows, c->scan->rowsScanned);
  EXPECT_EQ(c->scan->exampleKeys.size(), 5u);
  EXPECT_FALSE(a->findColumn("public", "lossy", "r")->scan->sampled);
  const auto json = assess::toJson(*a);
  EXPECT_TRUE(json.at("scanned").get<bool>());
}

// A SQL_ASCII source: the mapper emits PG2PG_SQL_ASCII only when it knows the source
// encoding, which the assessment does not pass yet, so the finding is added by hand.
TEST(ScanPgSqlAscii, NonAsciiBytesAreCounted) {
  test::psql("postgres", std::string("DROP DATABASE IF EXISTS ") + kAsciiDb);
  test::psql("postgres", std::string("CREATE DATABASE ") + kAsciiDb +
                             " ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  test::psql(kAsciiDb, "CREATE TABLE t (id int PRIMARY KEY, s text); "
                       "INSERT INTO t VALUES (1, 'plain'), (2, convert_from('\\x636166e9'::bytea, 'SQL_ASCII'))");
  const auto catalog = inspect(test::pgSpec(kAsciiDb));
  auto a = assess::assess(catalog, {model::Engine::PostgreSQL, {15, 0, 0, "15.0"}, {}}, plan::Project{});
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  auto* c = a->findColumn("public", "t", "s");
  ASSERT_NE(c, nullptr);
  c->mapping.findings.push_back({"PG2PG_SQL_ASCII", typemap::Severity::Lossy, "", ""});
  c->mapping.severity = typemap::Severity::Lossy;
  auto st = run::scanSourceData(test::pgSpec(kAsciiDb), catalog, *a);
  ASSERT_TRUE(st.ok()) << st.error().oneLine();
  expectScan(*a, "public", "t", "s", "PG2PG_SQL_ASCII", 1, "id=2");
  test::psql("postgres", std::string("DROP DATABASE IF EXISTS ") + kAsciiDb);
}

}  // namespace
}  // namespace ferry
