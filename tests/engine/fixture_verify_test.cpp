// The type fixtures of the round-trip tests (one table per type family, one row
// per edge value) and Sakila, copied by the real copy engine on all four engine
// pairs and checked by the verifier: every value of a column the assessment
// calls exact or widened must be identical; differences may appear only in
// columns it calls lossy (or in rows the copy rejected, which the reject file holds).

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>

#include "core/text.h"
#include "run/assessment_run.h"
#include "run/copy_run.h"
#include "run/sync_run.h"
#include "run/verify_run.h"
#include "support/test_support.h"

namespace ferry::rt {
std::string mariaDbFixture();
std::string pgFixture();
}  // namespace ferry::rt

namespace ferry {
namespace {

constexpr const char* kSrc = "ferry_t_fx_src";  // both engines; PostgreSQL schema "rt"

struct FxPair {
  const char* name;
  bool pgSource;
  bool pgTarget;
  const char* targetDb;
};

connect::ConnectionSpec specOf(bool pg, const std::string& db) { return pg ? test::pgSpec(db) : test::mysqlSpec(db); }

std::string writeFile(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/ferry-fx-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

struct Outcome {
  verify::VerifyReport report;
  assess::Assessment assessment;
  std::int64_t rejected = 0;
};

/// Runs between the copy and the verification (the streaming test: its changes
/// and the sync), with the copy's run state and project.
using AfterCopy = std::function<void(const std::string& statePath, const plan::Project& project)>;

/// Copies source → target with every table whose mapping is automatic (tables
/// with an unsupported column are left out, as a user would), then verifies.
Outcome copyAndVerify(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target,
                      plan::Project project, const std::string& name, const AfterCopy& afterCopy = {}) {
  Outcome out;
  run::AssessRequest areq;
  areq.source = source;
  areq.target = target;
  areq.project = project;
  auto a = run::runAssessment(areq);
  EXPECT_TRUE(a.ok()) << a.error().oneLine();
  if (!a.ok()) return out;
  std::set<std::string> unsupported;
  for (const auto& c : a->columns) {
    if (c.mapping.conversion == typemap::ConversionId::Unsupported) unsupported.insert(c.schema + "." + c.table);
  }
  for (const auto& t : unsupported) project.tableRules.push_back({t, true, ""});
  a = run::runAssessment(areq = {source, target, model::Engine::PostgreSQL, project, {}, false, {}});
  out.assessment = std::move(*a);

  run::CopyRequest creq;
  creq.source = source;
  creq.target = target;
  creq.project = project;
  creq.options.statePath = "/tmp/ferry-fx-" + name + ".state";
  std::remove(creq.options.statePath.c_str());
  std::remove((creq.options.statePath + ".rejects.jsonl").c_str());
  creq.options.onError = copy::OnError::Skip;  // a lossy value the target refuses goes to the reject file
  creq.options.jobs = 2;
  creq.options.keepSlot = static_cast<bool>(afterCopy);
  run::CopyRun copy(creq);
  auto copied = copy.run({});
  EXPECT_TRUE(copied.ok()) << name << ": " << copied.error().oneLine();
  if (!copied.ok()) return out;
  out.rejected = copied->final.rowsRejected;
  if (afterCopy) {
    afterCopy(creq.options.statePath, project);
    if (::testing::Test::HasFatalFailure()) return out;
  }

  run::VerifyRequest vreq;
  vreq.source = source;
  vreq.target = target;
  vreq.project = project;
  vreq.options.jobs = 2;
  run::VerifyRun vr(vreq);
  auto r = vr.run({});
  EXPECT_TRUE(r.ok()) << name << ": " << r.error().oneLine();
  if (r.ok()) out.report = std::move(*r);
  return out;
}

/// Differences only where the assessment said a value may change.
void expectOnlyLossyDifferences(const Outcome& o, const std::string& name) {
  ASSERT_FALSE(o.report.tables.empty()) << name;
  int lossyDiffs = 0;
  std::int64_t missing = 0;
  for (const auto& t : o.report.tables) {
    EXPECT_NE(t.status, verify::TableStatus::Error) << name << " " << t.label() << ": " << t.error;
    EXPECT_EQ(t.moreDifferences, 0) << name << " " << t.label();
    for (const auto& d : t.differences) {
      if (d.kind == verify::DiffKind::Missing) {
        ++missing;  // a rejected row
        continue;
      }
      EXPECT_EQ(d.kind, verify::DiffKind::Changed) << name << " " << t.label() << " " << d.key;
      for (const auto& col : d.columns) {
        const assess::ColumnAssessment* ca = nullptr;
        for (const auto& c : o.assessment.columns) {
          if (c.schema == t.schema && c.table == t.table && c.targetColumn == col) ca = &c;
        }
        ASSERT_NE(ca, nullptr) << col;
        const bool mayDiffer = ca->mapping.severity == typemap::Severity::Lossy;
        EXPECT_TRUE(mayDiffer) << name << ": " << t.label() << " row " << d.key << " column " << col << " ("
                               << ca->sourceType << " → " << ca->mapping.targetType << ", "
                               << typemap::severityName(ca->mapping.severity) << ") differs";
        lossyDiffs += mayDiffer ? 1 : 0;
      }
    }
  }
  EXPECT_EQ(missing, o.rejected) << name << ": rows missing on the target must be exactly the rejected ones";
  std::cout << "[fixture verify] " << name << ": " << o.report.tables.size() << " tables, " << o.report.rowsChecked
            << " rows; " << lossyDiffs << " differing values, all in lossy columns; " << o.rejected
            << " rejected rows, all reported missing\n";
}

class FixtureVerify : public ::testing::TestWithParam<FxPair> {
protected:
  static void SetUpTestSuite() {
    test::recreateMySqlDatabase(kSrc);
    test::runMariadbFile(kSrc, writeFile("mariadb.sql", rt::mariaDbFixture()));
    test::recreatePgDatabase(kSrc);
    test::runPsqlFile(kSrc, writeFile("pg.sql", rt::pgFixture()));
  }
};

TEST_P(FixtureVerify, EveryNonLossyValueIdentical) {
  const FxPair p = GetParam();
  plan::Project project;
  if (p.pgTarget) {
    test::recreatePgDatabase(p.targetDb);
  } else {
    test::mariadb("", std::string("DROP DATABASE IF EXISTS `") + p.targetDb + "`");
    project.schemaMap[p.pgSource ? "rt" : kSrc] = p.targetDb;
  }
  const auto o = copyAndVerify(specOf(p.pgSource, kSrc), specOf(p.pgTarget, p.pgTarget ? p.targetDb : ""), project, p.name);
  expectOnlyLossyDifferences(o, p.name);
}

INSTANTIATE_TEST_SUITE_P(AllPairs, FixtureVerify,
                         ::testing::Values(FxPair{"my_to_pg", false, true, "ferry_t_fx_dst1"},
                                           FxPair{"my_to_my", false, false, "ferry_t_fx_dst2"},
                                           FxPair{"pg_to_pg", true, true, "ferry_t_fx_dst3"},
                                           FxPair{"pg_to_my", true, false, "ferry_t_fx_dst4"}),
                         [](const auto& param) { return std::string(param.param.name); });

// Every fixture value through the stream (issue 11, item 4): after the copy each
// row is deleted and inserted again, then updated in place with every column
// sent, on the source; the sync applies them (every insert run loaded in bulk,
// the updates and deletes batched), and the target must again hold exactly what
// the copy wrote — the verifier finds differences only where the mapping is lossy.
// On a MariaDB target the copy rejects some lossy rows (NaN into DECIMAL): the
// source changes only the rows the target holds (a change to a rejected row
// would stop the stream, as it should).
void streamFixture(bool pgTarget, const char* name) {
  constexpr const char* kStreamSrc = "ferry_t_fx_stream";
  const std::string dst = pgTarget ? "ferry_t_fx_dst5" : "ferry_t_fx_dst6";
  test::recreatePgDatabase(kStreamSrc);
  test::runPsqlFile(kStreamSrc, writeFile("pg-stream.sql", rt::pgFixture()));
  plan::Project project;
  if (pgTarget) {
    test::recreatePgDatabase(dst);
  } else {
    test::mariadb("", "DROP DATABASE IF EXISTS `" + dst + "`");
    project.schemaMap["rt"] = dst;
  }
  const auto source = test::pgSpec(kStreamSrc);
  const auto target = pgTarget ? test::pgSpec(dst) : test::mysqlSpec("");
  const auto o = copyAndVerify(source, target, project, name, [&](const std::string& state,
                                                                 const plan::Project& copied) {
    std::string sql = "BEGIN;\n";
    for (const auto& table : core::split(core::trim(test::psql(kStreamSrc,
             "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON "
             "n.oid = c.relnamespace WHERE n.nspname = 'rt' AND c.relkind = 'r'")), ',')) {
      std::string rows = "true";
      if (!pgTarget) {
        if (core::trim(test::mariadb("", "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" +
                                             dst + "' AND table_name = '" + table + "'")) == "0") {
          continue;  // left out of the migration
        }
        rows = "id = ANY('{" + core::trim(test::mariadb("", "SELECT GROUP_CONCAT(id) FROM `" + dst + "`.`" + table + "`")) +
               "}'::int[])";
      }
      sql += "CREATE TEMP TABLE \"keep_" + table + "\" AS SELECT * FROM rt.\"" + table + "\" WHERE " + rows + ";\n" +
             "DELETE FROM rt.\"" + table + "\" WHERE " + rows + ";\n" + "INSERT INTO rt.\"" + table +
             "\" SELECT * FROM \"keep_" + table + "\";\n" + "UPDATE rt.\"" + table + "\" SET id = id WHERE " + rows +
             ";\n";
    }
    test::psql(kStreamSrc, sql + "COMMIT;");
    run::SyncRequest req;
    req.source = source;
    req.target = target;
    req.project = copied;
    req.options.statePath = state;
    req.options.untilCaughtUp = true;
    req.options.heartbeatMs = 50;
    req.options.bulkInsertMinRows = 1;  // every run of inserts in bulk (PostgreSQL: COPY)
    run::SyncRun sync(req);
    auto synced = sync.run({});
    ASSERT_TRUE(synced.ok()) << synced.error().oneLine() << "\n" << synced.error().statement();
    EXPECT_GT(synced->final.inserts, 30);
    EXPECT_EQ(synced->final.inserts, synced->final.deletes) << "every copied row out and in again";
    EXPECT_EQ(synced->final.updates, synced->final.inserts);
    EXPECT_TRUE(synced->divergences.empty());
  });
  test::psql("postgres", std::string("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
                                     "database = '") + kStreamSrc + "' AND NOT active");
  expectOnlyLossyDifferences(o, name);
  if (!pgTarget) test::mariadb("", "DROP DATABASE IF EXISTS `" + dst + "`");
}

// The same from a MariaDB source (issue 12, item 3): every row the copy wrote is
// deleted and inserted again, then moved to another key and back (MariaDB logs
// no row event for an UPDATE that changes nothing), all through the binlog.
void streamMariaDbFixture(bool pgTarget, const char* name) {
  constexpr const char* kStreamSrc = "ferry_t_fx_mstream";
  const std::string dst = pgTarget ? "ferry_t_fx_dst7" : "ferry_t_fx_dst8";
  test::recreateMySqlDatabase(kStreamSrc);
  test::runMariadbFile(kStreamSrc, writeFile("mariadb-stream.sql", rt::mariaDbFixture()));
  plan::Project project;
  if (pgTarget) {
    test::recreatePgDatabase(dst);
  } else {
    test::mariadb("", "DROP DATABASE IF EXISTS `" + dst + "`");
    project.schemaMap[kStreamSrc] = dst;
  }
  const auto source = test::mysqlSpec(kStreamSrc);
  const auto target = pgTarget ? test::pgSpec(dst) : test::mysqlSpec("");
  const auto o = copyAndVerify(source, target, project, name, [&](const std::string& state,
                                                                 const plan::Project& copied) {
    std::string sql = "SET time_zone = '+00:00'; START TRANSACTION;\n";
    std::int64_t held = 0;
    for (const auto& table : core::split(core::trim(test::mariadb(kStreamSrc,
             "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE "
             "TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")), ',')) {
      // The rows the target holds (a table left out of the migration, or a row the copy rejected, is not changed).
      std::string ids;
      if (pgTarget) {
        if (core::trim(test::psql(dst, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" +
                                           std::string(kStreamSrc) + "' AND table_name = '" + table + "'")) == "0") {
          continue;
        }
        ids = core::trim(test::psql(dst, "SELECT string_agg(id::text, ',') FROM \"" + std::string(kStreamSrc) +
                                             "\".\"" + table + "\""));
      } else {
        if (core::trim(test::mariadb("", "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" +
                                             dst + "' AND table_name = '" + table + "'")) == "0") {
          continue;
        }
        ids = core::trim(test::mariadb("", "SELECT GROUP_CONCAT(id) FROM `" + dst + "`.`" + table + "`"));
      }
      if (ids.empty() || ids == "NULL") continue;
      held += static_cast<std::int64_t>(core::split(ids, ',').size());
      const std::string t = "`" + table + "`";
      sql += "CREATE TEMPORARY TABLE `keep_" + table + "` AS SELECT * FROM " + t + " WHERE id IN (" + ids + ");\n" +
             "DELETE FROM " + t + " WHERE id IN (" + ids + ");\n" + "INSERT INTO " + t + " SELECT * FROM `keep_" +
             table + "`;\n" + "UPDATE " + t + " SET id = id + 1000000 WHERE id IN (" + ids + ");\n" + "UPDATE " + t +
             " SET id = id - 1000000 WHERE id >= 1000000;\n";
    }
    test::mariadb(kStreamSrc, sql + "COMMIT;");
    run::SyncRequest req;
    req.source = source;
    req.target = target;
    req.project = copied;
    req.options.statePath = state;
    req.options.untilCaughtUp = true;
    req.options.heartbeatMs = 50;
    req.options.bulkInsertMinRows = 1;  // every run of inserts in bulk where the target has a bulk path
    run::SyncRun sync(req);
    auto synced = sync.run({});
    ASSERT_TRUE(synced.ok()) << synced.error().oneLine() << "\n" << synced.error().statement();
    EXPECT_GT(held, 30);
    EXPECT_EQ(synced->final.inserts, held) << "every row the target holds out and in again";
    EXPECT_EQ(synced->final.deletes, held);
    EXPECT_EQ(synced->final.updates, 2 * held) << "to another key and back";
    EXPECT_TRUE(synced->divergences.empty());
  });
  expectOnlyLossyDifferences(o, name);
  if (!pgTarget) test::mariadb("", "DROP DATABASE IF EXISTS `" + dst + "`");
}

TEST(FixtureStream, EveryValueArrivesInPostgresAsTheCopyWroteIt) { streamFixture(true, "pg_to_pg_streamed"); }
TEST(FixtureStream, EveryMariaDbValueArrivesInPostgresAsTheCopyWroteIt) { streamMariaDbFixture(true, "my_to_pg_streamed"); }
TEST(FixtureStream, EveryMariaDbValueArrivesInMariaDbAsTheCopyWroteIt) { streamMariaDbFixture(false, "my_to_my_streamed"); }
TEST(FixtureStream, EveryValueArrivesInMariaDbAsTheCopyWroteIt) { streamFixture(false, "pg_to_my_streamed"); }

TEST(SakilaVerify, CopiesToPostgresAndMariaDbVerifyClean) {
  if (test::sakilaDir().empty()) GTEST_SKIP() << "../shared/datasets/sakila is not present";
  test::runMariadbFile("", test::sakilaDir() + "/sakila-schema.sql");
  test::runMariadbFile("", test::sakilaDir() + "/sakila-data.sql");
  test::recreatePgDatabase("ferry_t_fx_sakila");
  auto pg = copyAndVerify(test::mysqlSpec("sakila"), test::pgSpec("ferry_t_fx_sakila"), {}, "sakila_to_pg");
  EXPECT_TRUE(pg.report.identical()) << verify::renderText(pg.report);
  EXPECT_EQ(pg.report.tables.size(), 16u);
  EXPECT_EQ(pg.report.rowsChecked, 47273);
  plan::Project project;
  project.schemaMap["sakila"] = "ferry_t_fx_sakila";
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_fx_sakila");
  auto my = copyAndVerify(test::mysqlSpec("sakila"), test::mysqlSpec(), project, "sakila_to_mariadb");
  EXPECT_TRUE(my.report.identical()) << verify::renderText(my.report);
  EXPECT_EQ(my.report.rowsChecked, 47273);
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_fx_sakila");
}

}  // namespace
}  // namespace ferry
