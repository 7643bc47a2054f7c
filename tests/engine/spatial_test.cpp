// Spatial columns across engines (issue "Field report", finding 4), against the
// sandbox's MariaDB and PostgreSQL with Debian's PostGIS: MySQL spatial types
// land in PostGIS geometry with their subtype and SRID and SPATIAL indexes as
// GiST; without PostGIS in PostgreSQL's own point/path/polygon and WKB bytes;
// PostGIS lands in MariaDB's spatial types; PostGIS → PostgreSQL creates the
// extension. Every copy verifies identical by coordinates, a changed coordinate
// is found, and a value the target cannot hold is rejected, never changed.

#include <gtest/gtest.h>

#include "core/text.h"
#include "run/assessment_run.h"
#include "run/copy_run.h"
#include "run/verify_run.h"
#include "support/test_support.h"

namespace ferry {
namespace {

constexpr const char* kMySource = "ferry_t_geo";
constexpr const char* kPgSource = "ferry_t_geo_src";
constexpr const char* kRole = "ferry_t_geo_user";
constexpr const char* kRolePassword = "geo-pw-2718";

std::string statePath(const std::string& name) { return test::freshStatePath("ferry-geo-test-" + name); }

core::Result<run::CopySummary> copy(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target,
                                    const std::string& name, copy::OnError onError = copy::OnError::Stop) {
  run::CopyRequest req;
  req.source = source;
  req.target = target;
  req.options.statePath = statePath(name);
  req.options.jobs = 2;
  req.options.onError = onError;
  run::CopyRun run(req);
  return run.run({});
}

verify::VerifyReport verifyAll(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target) {
  run::VerifyRequest req;
  req.source = source;
  req.target = target;
  req.options.jobs = 2;
  run::VerifyRun run(req);
  auto report = run.run({});
  EXPECT_TRUE(report.ok()) << (report ? "" : report.error().oneLine());
  return report ? *report : verify::VerifyReport{};
}

/// "id:kind:columns" of every difference, sorted by the report's order.
std::string differences(const verify::VerifyReport& r) {
  std::vector<std::string> out;
  for (const auto& t : r.tables) {
    if (!t.error.empty()) out.push_back(t.table + " error " + t.error);
    for (const auto& d : t.differences) {
      out.push_back(d.key + ":" + verify::diffKindName(d.kind) + ":" + core::join(d.columns, ","));
    }
  }
  return core::join(out, " ");
}

std::string pg(const std::string& db, const std::string& sql) { return core::trim(test::psql(db, sql)); }
std::string my(const std::string& db, const std::string& sql) { return core::trim(test::mariadb(db, sql)); }

class Spatial : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreateMySqlDatabase(kMySource);
    test::mariadb(kMySource,
                  "CREATE TABLE places (id INT PRIMARY KEY, pos POINT REF_SYSTEM_ID=4326 NOT NULL, route LINESTRING, "
                  "area POLYGON REF_SYSTEM_ID=4326, shape GEOMETRY, multi MULTIPOLYGON, coll GEOMETRYCOLLECTION, "
                  "SPATIAL INDEX pos_idx (pos)); "
                  "INSERT INTO places VALUES "
                  "(1, ST_GeomFromText('POINT(1.5 -2.25)', 4326), ST_GeomFromText('LINESTRING(0 0,1 1,2 0.5)'), "
                  " ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326), ST_GeomFromText('POINT(3 4)', 3857), "
                  " ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))'), "
                  " ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))')), "
                  "(2, ST_GeomFromText('POINT(-71.060316 48.432044)', 4326), NULL, "
                  " ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))', 4326), "
                  " ST_GeomFromText('LINESTRING(0.1 0.2,0.3 0.4)'), NULL, NULL), "
                  "(3, ST_GeomFromText('POINT(1e20 0.000001)', 4326), NULL, NULL, NULL, NULL, NULL)");
    test::recreatePgDatabase(kPgSource);
    test::psql(kPgSource,
               "CREATE EXTENSION postgis; "
               "CREATE TABLE sites (id int PRIMARY KEY, pos geometry(Point,4326) NOT NULL, zone geography(Polygon,4326), "
               "anything geometry, track geometry(LineString,3857)); "
               "CREATE INDEX sites_pos ON sites USING gist (pos); "
               "INSERT INTO sites VALUES "
               "(1, 'SRID=4326;POINT(1.5 -2.25)', 'POLYGON((0 0,1 0,1 1,0 0))', 'SRID=3857;POINT(3 4)', "
               " 'SRID=3857;LINESTRING(0 0,1 1)'), "
               "(2, 'SRID=4326;POINT(2 3)', NULL, 'MULTIPOINT((1 2),(3 4))', NULL), "
               "(3, 'SRID=4326;POINT(4 5)', NULL, 'POINT Z (1 2 3)', NULL)");
  }
};

TEST_F(Spatial, MySqlToPostgisKeepsSubtypesSridsAndIndexesAndVerifiesByCoordinates) {
  const std::string db = "ferry_t_geo_gis";
  test::recreatePgDatabase(db);  // no PostGIS yet: the superuser's copy creates it
  run::AssessRequest areq;
  areq.source = test::mysqlSpec(kMySource);
  areq.target = test::pgSpec(db);
  auto a = run::runAssessment(areq);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  EXPECT_EQ(a->findColumn(kMySource, "places", "pos")->mapping.targetType, "\"public\".geometry(Point,4326)");
  EXPECT_EQ(a->findColumn(kMySource, "places", "shape")->mapping.targetType, "\"public\".geometry");
  EXPECT_TRUE(a->findColumn(kMySource, "places", "pos")->mapping.hasCode("MY2PG_POSTGIS_CREATED"));

  auto r = copy(test::mysqlSpec(kMySource), test::pgSpec(db), "gis");
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(pg(db, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"), "1");
  EXPECT_EQ(pg(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'ferry_t_geo.places'::regclass "
                   "AND attname IN ('pos', 'area', 'multi') ORDER BY attnum"),
            "geometry(Point,4326)\ngeometry(Polygon,4326)\ngeometry(MultiPolygon)");
  EXPECT_EQ(pg(db, "SELECT amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                   "WHERE c.relname = 'pos_idx'"),
            "gist");
  // The same geometries on both sides, as each server prints them (row 3 is left
  // out: MariaDB prints 1e20 where PostGIS prints 1e+20, one reason verification
  // compares coordinates rather than text).
  EXPECT_EQ(pg(db, "SELECT string_agg(public.ST_AsEWKT(shape), ' | ' ORDER BY id) FROM ferry_t_geo.places"),
            "SRID=3857;POINT(3 4) | LINESTRING(0.1 0.2,0.3 0.4)");
  EXPECT_EQ(my(kMySource, "SELECT GROUP_CONCAT(CONCAT('SRID=', ST_SRID(pos), ';', ST_AsText(pos)) ORDER BY id SEPARATOR ' | ') "
                          "FROM places WHERE id < 3"),
            pg(db, "SELECT string_agg(public.ST_AsEWKT(pos), ' | ' ORDER BY id) FROM ferry_t_geo.places WHERE id < 3"));
  auto report = verifyAll(test::mysqlSpec(kMySource), test::pgSpec(db));
  EXPECT_TRUE(report.identical()) << differences(report);
  // One coordinate moved by 1e-9 on the target is a difference in that column.
  pg(db, "UPDATE ferry_t_geo.places SET area = 'SRID=4326;POLYGON((0 0,10 0,10 10.000000001,0 10,0 0))' WHERE id = 1");
  report = verifyAll(test::mysqlSpec(kMySource), test::pgSpec(db));
  EXPECT_EQ(differences(report), "id=1:changed:area");
}

TEST_F(Spatial, WithoutPostgisBuiltInTypesAndWkbKeepTheCoordinatesAndAHoleIsRejected) {
  const std::string db = "ferry_t_geo_plain";
  test::recreatePgDatabase(db);
  test::psql(db, std::string("DROP ROLE IF EXISTS ") + kRole + "; CREATE ROLE " + kRole + " LOGIN PASSWORD '" +
                     kRolePassword + "'; GRANT CREATE ON DATABASE " + db + " TO " + kRole);
  auto target = test::pgSpec(db);
  target.user = kRole;
  target.password = kRolePassword;
  // PostGIS exists on the server, but only a superuser may create it: spatial_as=auto goes native.
  run::AssessRequest areq;
  areq.source = test::mysqlSpec(kMySource);
  areq.target = target;
  auto a = run::runAssessment(areq);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();
  EXPECT_EQ(a->findColumn(kMySource, "places", "pos")->mapping.targetType, "point");
  EXPECT_EQ(a->findColumn(kMySource, "places", "route")->mapping.targetType, "path");
  EXPECT_EQ(a->findColumn(kMySource, "places", "area")->mapping.targetType, "polygon");
  EXPECT_EQ(a->findColumn(kMySource, "places", "multi")->mapping.targetType, "bytea");
  EXPECT_TRUE(a->findColumn(kMySource, "places", "area")->mapping.hasCode("MY2PG_SPATIAL_POLYGON_HOLES"));
  // spatial_as=postgis is refused up front with the reason.
  areq.project.mappingOptions = {{"spatial_as", "postgis"}};
  auto refused = run::runAssessment(areq);
  ASSERT_TRUE(refused.ok());
  const auto& pos = refused->findColumn(kMySource, "places", "pos")->mapping;
  EXPECT_EQ(pos.severity, typemap::Severity::Unsupported);
  EXPECT_NE(pos.findings.front().message.find("only a superuser"), std::string::npos) << pos.findings.front().message;

  auto r = copy(test::mysqlSpec(kMySource), target, "plain", copy::OnError::Skip);
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->final.rowsRejected, 1);  // id 2: a polygon with a hole has no place in polygon
  EXPECT_EQ(pg(db, "SELECT pos::text FROM ferry_t_geo.places WHERE id = 1"), "(1.5,-2.25)");
  EXPECT_EQ(pg(db, "SELECT route::text FROM ferry_t_geo.places WHERE id = 1"), "[(0,0),(1,1),(2,0.5)]");
  EXPECT_EQ(pg(db, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"), "0");
  auto report = verifyAll(test::mysqlSpec(kMySource), target);
  EXPECT_EQ(differences(report), "id=2:missing:");
  test::psql(db, std::string("DROP SCHEMA ferry_t_geo CASCADE; REVOKE ALL ON DATABASE ") + db + " FROM " + kRole +
                     "; DROP ROLE " + kRole);
}

TEST_F(Spatial, PostgisToMariaDbSpatialTypesWithSridsAndSpatialIndex) {
  const std::string db = "ferry_t_geo_my";
  test::recreateMySqlDatabase(db);
  auto r = copy(test::pgSpec(kPgSource), test::mysqlSpec(db), "to-my", copy::OnError::Skip);
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->final.rowsRejected, 1);  // id 3: POINT Z has a coordinate MariaDB cannot store
  EXPECT_EQ(my(db, "SELECT CONCAT(G_GEOMETRY_COLUMN, ' ', GEOMETRY_TYPE, ' ', SRID) FROM information_schema.GEOMETRY_COLUMNS "
                   "WHERE G_TABLE_SCHEMA = 'ferry_t_geo_my' ORDER BY G_GEOMETRY_COLUMN"),
            "anything 0 0\npos 1 4326\ntrack 2 3857\nzone 3 4326");
  EXPECT_EQ(my(db, "SELECT INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'ferry_t_geo_my' AND "
                   "INDEX_NAME = 'sites_pos'"),
            "SPATIAL");
  EXPECT_EQ(my(db, "SELECT CONCAT(ST_SRID(anything), ';', ST_AsText(anything)) FROM sites WHERE id = 1"), "3857;POINT(3 4)");
  auto report = verifyAll(test::pgSpec(kPgSource), test::mysqlSpec(db));
  EXPECT_EQ(differences(report), "id=3:missing:");
}

TEST_F(Spatial, PostgisToPostgresCreatesTheExtensionAndVerifies) {
  const std::string db = "ferry_t_geo_pg2";
  test::recreatePgDatabase(db);
  auto r = copy(test::pgSpec(kPgSource), test::pgSpec(db), "pg2pg");
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(pg(db, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"), "1");
  EXPECT_EQ(pg(db, "SELECT public.ST_AsEWKT(anything) FROM public.sites WHERE id = 3"), "POINT(1 2 3)");
  auto report = verifyAll(test::pgSpec(kPgSource), test::pgSpec(db));
  EXPECT_TRUE(report.identical()) << differences(report);
}

}  // namespace
}  // namespace ferry
