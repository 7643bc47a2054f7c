// Spatial values between MySQL's SRID + WKB bytes and PostGIS hex EWKB, their
// text by coordinates, PostgreSQL's built-in types, and malformed input (an
// error, never a crash or a changed value). Bytes were taken from MariaDB 10.11
// (HEX(col)) and PostGIS 3.3 (the text output of geometry).

#include <gtest/gtest.h>

#include "typemap/spatial.h"
#include "typemap/value_converter.h"
#include "verify/canonical.h"

namespace ferry {
namespace {

namespace sp = typemap::spatial;

std::string bytes(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

// MariaDB: ST_GeomFromText('POINT(1.5 -2.25)', 4326).
const std::string kMyPoint = bytes("E61000000101000000000000000000F83F00000000000002C0");
// PostGIS: 'SRID=4326;POINT(1.5 -2.25)'::geometry.
constexpr const char* kPgPoint = "0101000020E6100000000000000000F83F00000000000002C0";
// MariaDB: POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1)) with SRID 0.
const std::string kMyPolygonWithHole = bytes(
    "0000000001030000000200000005000000000000000000000000000000000000000000000000002440000000000000000000000000000024"
    "400000000000002440000000000000000000000000000024400000000000000000000000000000000004000000000000000000F03F0000"
    "00000000F03F0000000000000040000000000000F03F00000000000000400000000000000040000000000000F03F000000000000F03F");

TEST(Spatial, MySqlBytesBecomePostgisEwkbWithTheSridAndBack) {
  auto ewkb = sp::mysqlToEwkbHex(kMyPoint);
  ASSERT_TRUE(ewkb.ok()) << ewkb.error().message();
  EXPECT_EQ(*ewkb, kPgPoint);
  auto back = sp::ewkbHexToMysql(kPgPoint);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, kMyPoint);
  // SRID 0: plain WKB, no SRID flag.
  auto plain = sp::mysqlToEwkbHex(kMyPolygonWithHole);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->substr(0, 10), "0103000000");
  auto round = sp::ewkbHexToMysql(*plain);
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(*round, kMyPolygonWithHole);
}

TEST(Spatial, TextByCoordinatesIsTheSameFromEitherSide) {
  EXPECT_EQ(*sp::mysqlToText(kMyPoint), "SRID=4326;POINT(1.5 -2.25)");
  EXPECT_EQ(*sp::ewkbHexToText(kPgPoint), "SRID=4326;POINT(1.5 -2.25)");
  EXPECT_EQ(*sp::mysqlToText(kMyPolygonWithHole), "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))");
  // PostGIS: 'SRID=3857;MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))', and a collection.
  EXPECT_EQ(*sp::ewkbHexToText(
                               "0106000020110F0000020000000103000000010000000400000000000000000000000000000000000000000000000000F03F"
                               "0000000000000000000000000000F03F000000000000F03F0000000000000000000000000000000001030000000100000004"
                               "0000000000000000001440000000000000144000000000000018400000000000001440000000000000184000000000000018"
                               "4000000000000014400000000000001440"),
            "SRID=3857;MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))");
  // POINT Z (1 2 3): EWKB's Z flag.
  EXPECT_EQ(*sp::ewkbHexToText("0101000080000000000000F03F00000000000000400000000000000840"), "POINT Z (1 2 3)");
  // Big-endian WKB reads the same.
  EXPECT_EQ(*sp::ewkbToText(bytes("00000000013FF8000000000000C002000000000000")), "POINT(1.5 -2.25)");
  // Verification compares these texts: one changed coordinate differs.
  EXPECT_EQ(verify::canonical(verify::ValueClass::GeometryMySql, kMyPoint),
            verify::canonical(verify::ValueClass::GeometryEwkbHex, kPgPoint));
  EXPECT_NE(verify::canonical(verify::ValueClass::GeometryEwkbHex, "0101000020E6100000000000000000F83F01000000000002C0"),
            verify::canonical(verify::ValueClass::GeometryEwkbHex, kPgPoint));
  EXPECT_EQ(verify::classify(model::Engine::PostgreSQL, "\"gis\".geometry(Point,4326)"), verify::ValueClass::GeometryEwkbHex);
  EXPECT_EQ(verify::classify(model::Engine::MariaDB, "POINT REF_SYSTEM_ID=4326"), verify::ValueClass::GeometryMySql);
  EXPECT_EQ(verify::classify(model::Engine::PostgreSQL, "point"), verify::ValueClass::PgGeometric);
}

TEST(Spatial, ZAndMCoordinatesAreRefusedForMySqlNeverDropped) {
  auto z = sp::ewkbHexToMysql("0101000080000000000000F03F00000000000000400000000000000840");
  ASSERT_FALSE(z.ok());
  EXPECT_NE(z.error().message().find("Z coordinates"), std::string::npos) << z.error().message();
  auto viaConverter = typemap::convertValue(typemap::ConversionId::PgGeometryToMySql,
                                            std::string_view("0101000080000000000000F03F00000000000000400000000000000840"), {});
  EXPECT_FALSE(viaConverter.ok());
}

TEST(Spatial, PostgresBuiltInTypesHoldOnlyWhatTheyCan) {
  EXPECT_EQ(*sp::mysqlToPgPoint(kMyPoint), "(1.5,-2.25)");
  EXPECT_FALSE(sp::mysqlToPgPoint(kMyPolygonWithHole).ok());  // not a point
  auto hole = sp::mysqlToPgPolygon(kMyPolygonWithHole);
  ASSERT_FALSE(hole.ok());
  EXPECT_NE(hole.error().message().find("2 rings"), std::string::npos) << hole.error().message();
  // LINESTRING(0 0,1 1) with SRID 0 → an open path.
  EXPECT_EQ(*sp::mysqlToPgPath(bytes("000000000102000000020000000000000000000000000000000000000000000000"
                                     "0000F03F000000000000F03F")),
            "[(0,0),(1,1)]");
  EXPECT_EQ(sp::normalizeNumbers("((1.50,-2.250),(1e+20,0.10))"), "((1.5,-2.25),(1e+20,0.1))");
  // bytea of the WKB: the SRID is dropped (the mapping says so).
  auto wkb = typemap::convertValue(typemap::ConversionId::MySqlGeometryToWkbBytea, std::string_view(kMyPoint), {});
  ASSERT_TRUE(wkb.ok());
  EXPECT_EQ(**wkb, "\\x0101000000000000000000f83f00000000000002c0");
}

TEST(Spatial, MalformedValuesAreErrors) {
  for (const std::string& bad : {std::string(), std::string("\x01\x02", 2), kMyPoint.substr(0, 12),
                                 std::string(4, '\0') + "\x01\x09\x00\x00\x00" + std::string(16, '\0'),
                                 std::string(4, '\0') + "\x07\x01\x00\x00\x00"}) {
    EXPECT_FALSE(sp::mysqlToText(bad).ok());
    EXPECT_FALSE(sp::mysqlToEwkbHex(bad).ok());
  }
  EXPECT_FALSE(sp::ewkbHexToText("01010000").ok());
  EXPECT_FALSE(sp::ewkbHexToText("zz").ok());
  // A collection nested past any real geometry's depth.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "010700000001000000";
  EXPECT_FALSE(sp::ewkbHexToText(deep).ok());
  // The canonical form of garbage can only equal the same garbage.
  EXPECT_EQ(verify::canonical(verify::ValueClass::GeometryEwkbHex, "zz").front(), '?');
}

TEST(Spatial, PostgisTypeFacets) {
  auto t = sp::parsePostgisType("geometry", "public.geometry(MultiPolygonZM,3857)");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->srid, 3857);
  EXPECT_TRUE(t->hasZ());
  EXPECT_TRUE(t->hasM());
  EXPECT_EQ(t->baseSubtype(), "MultiPolygon");
  auto g = sp::parsePostgisType("geography", "public.geography");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->srid, 4326);
  EXPECT_TRUE(g->subtype.empty());
  EXPECT_FALSE(sp::parsePostgisType("integer", "integer").has_value());
  EXPECT_EQ(sp::ogcTypeName("geomcollection"), "GeometryCollection");
}

}  // namespace
}  // namespace ferry
