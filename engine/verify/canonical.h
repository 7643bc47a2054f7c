#pragma once
/// The canonical text form of a value, defined once for both engines
/// (docs/verification.md). Verification compares in the target's domain: a
/// target value is read as the target prints it; a source value is read as the
/// copy reads it, passed through the same typemap converter the copy used, and
/// then both are brought to the canonical form of the target column's class.
/// Two values are equal exactly when their canonical forms are equal.

#include <optional>
#include <string>
#include <string_view>

#include "model/catalog.h"

namespace ferry::verify {

enum class ValueClass {
  Text,         ///< bytes as they are (trailing spaces count)
  PaddedChar,   ///< CHAR(n): trailing spaces do not count (both engines' CHAR semantics)
  Integer,      ///< decimal, no sign for zero, no leading zeros
  Numeric,      ///< decimal with trailing fractional zeros removed ("1.50" = "1.5", "-0.0" = "0")
  Float4,       ///< parsed, rounded to float, shortest round-trip text
  Float8,       ///< parsed as double, shortest round-trip text
  Bool,         ///< "true" / "false" (t, 1, true / f, 0, false)
  Date,         ///< YYYY-MM-DD as printed
  Timestamp,    ///< YYYY-MM-DDTHH:MM:SS.ffffff (six fraction digits)
  TimestampTz,  ///< converted to UTC: YYYY-MM-DDTHH:MM:SS.ffffffZ
  Time,         ///< [-]HH:MM:SS.ffffff (hours may exceed 24: MySQL TIME)
  Interval,     ///< months, days, microseconds: "P<m>M<d>DT<us>U"
  Bytes,        ///< lower-case hex of the raw bytes (MySQL BLOB/BINARY as read)
  ByteaHex,     ///< PostgreSQL bytea text '\x…' → lower-case hex without the prefix
  Json,         ///< parsed and printed with sorted keys and no spaces
  Uuid,         ///< lower case
  PgArray,      ///< PostgreSQL array text with every element quoted the same way
  /// Spatial values by coordinates: "SRID=4326;POINT(1.5 -2.25)" (typemap::spatial),
  /// read from PostGIS hex EWKB, from MySQL's SRID + WKB bytes, or (PostgreSQL's
  /// built-in point/path/polygon) from their text with every number made shortest.
  GeometryEwkbHex,
  GeometryMySql,
  PgGeometric,
};

const char* valueClassName(ValueClass c);

/// The class of a column from the target's type text as the assessment wrote it
/// ("numeric(10,2)", "timestamp(6) with time zone", "DATETIME(6)", "BLOB", …).
/// Unknown and user-defined types are Text (compared byte for byte).
ValueClass classify(model::Engine targetEngine, std::string_view targetType);

/// Writes the canonical form of `in` (class `c`) to `out`. A value that does not
/// parse as its class keeps its text with a "?" prefix, so it can only equal the
/// same unparsable text on the other side and the difference shows it.
void canonicalize(ValueClass c, std::string_view in, std::string& out);
std::string canonical(ValueClass c, std::string_view in);

/// 64-bit hash of one canonical value; NULL hashes differently from every text,
/// including the empty string.
std::uint64_t hashValue(std::optional<std::string_view> canonicalValue);

/// The hash of `in`'s canonical form (class `c`), computed without a canonical
/// copy where values grow large: Bytes and ByteaHex hash their raw bytes as
/// they are read (a 256 MB bytea arrives as 512 MB of hex and is decoded on
/// the fly; a BLOB and a bytea of the same bytes hash alike), and Json is hashed
/// from the parser's events — objects by their members' hashes in key order —
/// without building the document. Other classes: hashValue(canonical form),
/// `scratch` holding it. Both sides of a column must use the same function.
std::uint64_t hashCanonical(ValueClass c, std::string_view in, std::string& scratch);

}  // namespace ferry::verify
