#pragma once
/// Spatial values between the engines' binary forms, and their text by
/// coordinates (the canonical form verification compares). Pure functions.
///
/// - MySQL/MariaDB store a geometry as a 4-byte little-endian SRID followed by
///   its WKB (OGC well-known binary); their text protocol returns those bytes.
/// - PostGIS prints geometry and geography as hex EWKB: WKB whose type word may
///   carry the flags 0x80000000 (Z), 0x40000000 (M) and 0x20000000 (an SRID
///   follows the type word); ISO WKB marks Z/M instead by adding 1000/2000/3000
///   to the type. Both are read; EWKB is written.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ferry::typemap::spatial {

/// The OGC type name of a MySQL spatial base type ("point" → "Point",
/// "geomcollection" → "GeometryCollection"); empty when `base` is not spatial.
std::string ogcTypeName(std::string_view mysqlBase);

/// A PostGIS column type's facets: "public.geometry(PointZ,4326)" →
/// {geography=false, subtype "PointZ", srid 4326}. nullopt when not geometry/geography.
struct PostgisType {
  bool geography = false;
  std::string subtype;  ///< "Point", "MultiPolygonZM", … ; empty: any geometry
  int srid = 0;
  bool hasZ() const;
  bool hasM() const;
  std::string baseSubtype() const;  ///< without the Z/M suffix
};
std::optional<PostgisType> parsePostgisType(std::string_view baseName, std::string_view declared);

/// MySQL internal bytes → PostGIS hex EWKB (the SRID kept in the EWKB header).
core::Result<std::string> mysqlToEwkbHex(std::string_view mysql);
/// PostGIS hex EWKB → MySQL internal bytes. Z or M coordinates are an error:
/// MySQL and MariaDB store only x and y.
core::Result<std::string> ewkbHexToMysql(std::string_view hex);
/// MySQL internal bytes → standard (ISO) WKB without the SRID.
core::Result<std::string> mysqlToWkb(std::string_view mysql);

/// The geometry's text by coordinates: "SRID=4326;POINT(1.5 -2.25)" (no "SRID=…;"
/// for SRID 0), numbers in their shortest round-trip form, Z/M written as
/// "POINT Z (1 2 3)". Reads MySQL internal bytes, or (E)WKB.
core::Result<std::string> mysqlToText(std::string_view mysql);
core::Result<std::string> ewkbToText(std::string_view ewkb);
core::Result<std::string> ewkbHexToText(std::string_view hex);

/// PostgreSQL's built-in geometric types from MySQL internal bytes: a POINT as
/// point "(x,y)", a LINESTRING as an open path "[(x,y),…]", a POLYGON with no
/// interior ring as polygon "((x,y),…)". Anything else (another type, a hole) is
/// an error: the built-in types cannot hold it.
core::Result<std::string> mysqlToPgPoint(std::string_view mysql);
core::Result<std::string> mysqlToPgPath(std::string_view mysql);
core::Result<std::string> mysqlToPgPolygon(std::string_view mysql);

/// A built-in geometric value's text with every number in its shortest form
/// ("(1.50,-2.250)" → "(1.5,-2.25)"), for comparing values by coordinates.
std::string normalizeNumbers(std::string_view text);

}  // namespace ferry::typemap::spatial
