#pragma once
/// ConversionId names the value converter copy and CDC apply to every value of a
/// column; ConversionContext carries the per-column facts a converter needs. Both
/// are filled by mapColumn(), so a column's mapping says how its values move.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "typemap/mapping_options.h"

namespace ferry::typemap {

enum class ConversionId {
  Identity,                     ///< the source text is valid target input as it is
  Unsupported,                  ///< no converter: any non-NULL value is an error
  // MySQL/MariaDB → PostgreSQL
  MySqlTinyintToBool,           ///< '0' → 'f', any other integer → 't'
  MySqlUnsignedBigintChecked,   ///< error above 9223372036854775807 (bigint-with-check mode)
  MySqlDate,                    ///< zero / partial dates → NULL or the sentinel
  MySqlDatetime,                ///< as MySqlDate, for DATETIME text
  MySqlDatetimeToTimestamptz,   ///< DATETIME read in the stated zone → timestamptz text with that zone
  MySqlTimestampToTimestamptz,  ///< TIMESTAMP read with session time_zone '+00:00' → '…+00'
  MySqlTimeToInterval,          ///< '-838:59:59.5' → interval text (validated)
  MySqlTimeToTime,              ///< error outside 00:00:00..24:00:00
  MySqlYear2ToYear,             ///< YEAR(2) '70'..'99' → 1970..1999, '00'..'69' → 2000..2069
  MySqlBitToBitString,          ///< BIT(n) raw bytes → n-character '0101…'
  MySqlSetToTextArray,          ///< 'a,b' → '{"a","b"}'
  MySqlEnumChecked,             ///< error for '' (MySQL's invalid-ENUM marker) unless it is a member
  MySqlTextToPgText,            ///< error on a 0x00 byte (PostgreSQL text cannot hold it)
  MySqlBytesToBytea,            ///< raw bytes → '\x…' hex
  MySqlJsonToJsonb,             ///< error on \u0000 (jsonb cannot hold it)
  MySqlGeometryToEwkb,          ///< SRID + WKB bytes → PostGIS hex EWKB (SRID kept)
  MySqlGeometryToPgPoint,       ///< POINT → point '(x,y)'; another type is an error
  MySqlGeometryToPgPath,        ///< LINESTRING → open path '[(x,y),…]'
  MySqlGeometryToPgPolygon,     ///< POLYGON without holes → polygon '((x,y),…)'; a hole is an error
  MySqlGeometryToWkbBytea,      ///< SRID + WKB bytes → bytea '\x…' of the WKB (the SRID is dropped)
  MySqlGeometryToEwkt,          ///< SRID + WKB bytes → 'SRID=4326;POINT(1.5 -2.25)'
  PgGeometryToMySql,            ///< PostGIS hex EWKB → SRID + WKB bytes; Z/M coordinates are an error
  // PostgreSQL → MySQL/MariaDB
  PgBoolToTinyint,              ///< 't' → '1', 'f' → '0'
  PgNumericToDecimal,           ///< error on NaN/±Infinity and digits beyond DECIMAL(p,s)
  PgFloatToDouble,              ///< error on NaN/±Infinity
  PgDateToDate,                 ///< error on ±infinity, BC and years before 1000
  PgTimestampToDatetime,        ///< as PgDateToDate for timestamps
  PgTimestamptzToUtcDatetime,   ///< '2024-01-01 10:00:00+02' → '2024-01-01 08:00:00'
  PgIntervalToTime,             ///< '1 day 02:00:00' → '26:00:00'; error beyond ±838:59:59 or with months
  PgByteaToBytes,               ///< '\x00ff' → the raw bytes
  PgBitToMySqlBit,              ///< '0101' → big-endian bytes of that integer
  PgArrayToJson,                ///< '{1,NULL,"a b"}' → '[1,null,"a b"]'
  PgMoneyToDecimal,             ///< '-$1,234.50' → '-1234.50'
};

/// Stable snake_case name: "identity", "mysql_tinyint_to_bool", …
const char* conversionName(ConversionId id);

/// How PostgreSQL array elements are written in JSON.
enum class JsonElement { String, Number, Boolean };

struct ConversionContext {
  ZeroDateAs zeroDateAs = ZeroDateAs::Null;
  std::string zeroDateSentinel = "0001-01-01";
  std::string timeZone = "UTC";            ///< zone DATETIME values are read in (MySqlDatetimeToTimestamptz)
  std::int64_t bitLength = 0;              ///< n of BIT(n) / bit(n)
  std::optional<int> precision;            ///< DECIMAL(p,s) limits for PgNumericToDecimal
  std::optional<int> scale;
  std::vector<std::string> members;        ///< ENUM / SET members
  JsonElement arrayElement = JsonElement::String;
};

}  // namespace ferry::typemap
