// Round trip of every mapping Ferry claims `exact` or `widened` (issue 3, item 9),
// against the real sandbox servers, for the four engine pairs:
//
//   1. a source table per type family holds the type's edge values;
//   2. the source catalog is read and assessed for the target engine; for every
//      column whose severity is exact or widened the target DDL is applied to an
//      empty database, each value is read as text (with the session rules the copy
//      must use), converted with the column's converter, loaded, read back and
//      compared under a strict, type-aware equality.
//
// Columns with another severity are skipped and counted (printed per pair), so the
// coverage is visible. A difference is a failed claim: the message names the pair,
// table, column, both types and both values.

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "introspect/introspector.h"
#include "support/test_support.h"
#include "typemap/value_converter.h"

namespace ferry {
namespace {

using model::Engine;
using typemap::Severity;

constexpr const char* kSrcDb = "ferry_t_rt_src";  // source database (both engines)
constexpr const char* kDstDb = "ferry_t_rt_dst";  // target database (both engines)
constexpr const char* kPgSchema = "rt";           // PostgreSQL source schema

bool isPg(Engine e) { return e == Engine::PostgreSQL; }
const char* pairSide(Engine e) { return isPg(e) ? "PostgreSQL" : "MariaDB"; }

std::string lower(std::string s) { return core::toLower(s); }

// ---------------------------------------------------------------------------
// Source fixtures: one table per type family, one column per type, one row per edge.
// Every table has `id int` as its first column and primary key; all other columns
// are nullable so that a row may hold NULL in any column.
// ---------------------------------------------------------------------------

const std::string kEmoji = "\xF0\x9F\x98\x80";       // U+1F600, 4 bytes
const std::string kMaxCodePoint = "\xF4\x8F\xBF\xBF";  // U+10FFFF, 4 bytes
const std::string kCombining = "e\xCC\x81";            // e + U+0301
const std::string kZwjFamily = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";

/// A JSON array nested `depth` levels deep: [[[…1…]]].
std::string nestedJson(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + "1" + std::string(static_cast<std::size_t>(depth), ']'); }

std::string mariaDbFixture() {
  const std::string bin = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
  std::ostringstream s;
  s << "SET time_zone = '+00:00';\n"
       "SET sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';\n";
  // Integers and YEAR.
  s << "CREATE TABLE ints (id INT PRIMARY KEY, t TINYINT, tu TINYINT UNSIGNED, s SMALLINT, su SMALLINT UNSIGNED,"
       " m MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED, t1 TINYINT(1), y YEAR);\n"
       "INSERT INTO ints VALUES\n"
       " (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, -128, 1901),\n"
       " (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807,"
       " 18446744073709551615, 127, 2155),\n"
       " (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),\n"
       " (4, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, 1, 2000),\n"
       " (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  // Fixed-point.
  const std::string n35 = std::string(35, '9');
  const std::string f30 = std::string(30, '9');
  const std::string tiny30 = "0." + std::string(29, '0') + "1";
  s << "CREATE TABLE decimals (id INT PRIMARY KEY, d65_30 DECIMAL(65,30), d65_0 DECIMAL(65,0), d38_10 DECIMAL(38,10),"
       " d10_2 DECIMAL(10,2), d1_0 DECIMAL(1,0), d30_30 DECIMAL(30,30), du DECIMAL(10,2) UNSIGNED);\n"
       "INSERT INTO decimals VALUES\n"
       " (1, " << n35 << "." << f30 << ", " << std::string(65, '9') << ", " << std::string(28, '9') << ".9999999999,"
       " 99999999.99, 9, 0." << f30 << ", 99999999.99),\n"
       " (2, -" << n35 << "." << f30 << ", -" << std::string(65, '9') << ", -" << std::string(28, '9') << ".9999999999,"
       " -99999999.99, -9, -0." << f30 << ", 0),\n"
       " (3, 0, 0, 0, 0, 0, 0, 0.01),\n"
       " (4, " << tiny30 << ", 1, 0.0000000001, 0.01, 1, " << tiny30 << ", 1.10),\n"
       " (5, -" << tiny30 << ", -1, -0.0000000001, -0.01, -1, -" << tiny30 << ", 12345678.90),\n"
       " (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  // Floating point: extremes, smallest normal and subnormal, values FLOAT must round.
  s << "CREATE TABLE floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE, fmd FLOAT(7,3), dmd DOUBLE(20,6));\n"
       "INSERT INTO floats VALUES\n"
       " (1, 3.4028234663852886e38, 1.7976931348623157e308, 9999.999, 12345678901234.123456),\n"
       " (2, -3.4028234663852886e38, -1.7976931348623157e308, -9999.999, -12345678901234.123456),\n"
       " (3, 1.1754943508222875e-38, 2.2250738585072014e-308, 0.001, 0.000001),\n"
       " (4, 1.401298464324817e-45, 4.9406564584124654e-324, -0.001, -0.000001),\n"
       " (5, -1.401298464324817e-45, -4.9406564584124654e-324, 0, 0),\n"
       " (6, 0, 0, 0, 0),\n"
       " (7, -0e0, -0e0, 0, 0),\n"
       " (8, 1.2345677, 0.1, 1.5, 0.1),\n"
       " (9, 16777217, 9007199254740993, 1234.567, 1.0e14),\n"
       " (10, 0.1, 0.3333333333333333, 0.1, 0.333333),\n"
       " (11, NULL, NULL, NULL, NULL);\n";
  // BIT.
  s << "CREATE TABLE bits (id INT PRIMARY KEY, b1 BIT(1), b7 BIT(7), b8 BIT(8), b9 BIT(9), b63 BIT(63), b64 BIT(64));\n"
       "INSERT INTO bits VALUES\n"
       " (1, b'0', b'0000000', b'00000000', b'000000000', 0, 0),\n"
       " (2, b'1', b'1111111', b'11111111', b'111111111', 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF),\n"
       " (3, b'1', b'1010101', b'10000000', b'100000000', 1, 0x8000000000000000),\n"
       " (4, b'0', b'0000001', b'00000001', b'000000001', 0x4000000000000000, 1),\n"
       " (5, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  // Strings: binary collations (exact claims), a _ci one (review), CHAR, other charsets.
  s << "CREATE TABLE strings (id INT PRIMARY KEY, v10 VARCHAR(10)" << bin
    << ", vnp VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin, v3 VARCHAR(10) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin,"
       " vl1 VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin, va VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin,"
       " tt TINYTEXT" << bin << ", tx TEXT" << bin << ", lt LONGTEXT" << bin << ", vci VARCHAR(10), ch CHAR(10)" << bin << ");\n"
       "INSERT INTO strings VALUES\n"
       " (1, REPEAT('" << kEmoji << "', 10), REPEAT('" << kEmoji << "', 10), REPEAT('\xE2\x82\xAC', 10),"
       " REPEAT('\xC3\xBF', 10), REPEAT('~', 10), REPEAT('" << kEmoji << "', 63), REPEAT('" << kEmoji << "', 16383),"
       " REPEAT('" << kEmoji << "', 1000000), REPEAT('" << kEmoji << "', 10), REPEAT('" << kEmoji << "', 10)),\n"
       " (2, 'a''b\"c\\\\d\\te\\n', CONCAT('" << kMaxCodePoint << "', '" << kCombining << "', ' x  '),"
       " '\xEF\xBF\xBD\xE4\xB8\xAD\\r\\Z', '\xE2\x82\xAC\xE2\x80\x9A\xC2\xA0\xC3\xBF', CONCAT('\\t', CHAR(1), CHAR(31), CHAR(127), ' '),"
       " '" << kZwjFamily << " \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D', CONCAT('line1\\r\\nline2', CHAR(1), '\\\\'),"
       " '  leading and trailing  ', 'Abc  ', ' a b '),\n"
       " (3, '', '', '', '', '', '', '', '', '', ''),\n"
       " (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),\n"
       " (5, 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b', 'a\\0b');\n";
  // The longest VARCHAR a utf8mb4 row with an INT key can have (65535-byte row limit).
  s << "CREATE TABLE longvarchar (id INT PRIMARY KEY, v VARCHAR(16382)" << bin << ");\n"
       "INSERT INTO longvarchar VALUES (1, REPEAT('" << kEmoji << "', 16382)), (2, REPEAT('a', 16382)), (3, ''), (4, NULL);\n";
  // MEDIUMTEXT at its byte limit (16777215): 4194303 four-byte characters.
  s << "CREATE TABLE mediumtext_max (id INT PRIMARY KEY, mt MEDIUMTEXT" << bin << ");\n"
       "INSERT INTO mediumtext_max VALUES (1, REPEAT('" << kEmoji << "', 4194303)), (2, CONCAT(REPEAT('x', 16777214), 'y')),"
       " (3, ''), (4, NULL);\n";
  // Binary strings: 0x00 and 0xFF, every byte value, empty vs NULL.
  s << "CREATE TABLE binaries (id INT PRIMARY KEY, vb VARBINARY(255), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB, bn BINARY(4));\n"
       "INSERT INTO binaries VALUES\n"
       " (1, REPEAT(X'00FF', 127), REPEAT(X'FF', 255), REPEAT(X'00', 65535), REPEAT(X'FF00', 100000), REPEAT(X'00FF', 500000), X'00000000'),\n"
       " (2, X'00', X'FF', X'5C27225C30', X'0D0A1A09', X'C3', X'FFFFFFFF'),\n"
       " (3, '', '', '', '', '', X'00'),\n"
       " (4, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  s << "INSERT INTO binaries (id, lb) VALUES (5, UNHEX(CONCAT(";
  for (int b = 0; b < 256; ++b) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%s'%02X'", b == 0 ? "" : ",", b);
    s << hex;
  }
  s << ")));\n";
  // Temporal types: MySQL's ranges (zero dates are not edges of the exact claims).
  s << "CREATE TABLE temporals (id INT PRIMARY KEY, d DATE, dt DATETIME, dt6 DATETIME(6), ts6 TIMESTAMP(6) NULL,"
       " tm TIME, tm6 TIME(6), tm3 TIME(3));\n"
       "INSERT INTO temporals VALUES\n"
       " (1, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000',"
       " '-838:59:59', '-838:59:59.000000', '-838:59:59.000'),\n"
       " (2, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999',"
       " '838:59:59', '838:59:59.000000', '838:59:59.000'),\n"
       " (3, '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.000001', '2024-02-29 12:34:56.100000',"
       " '00:00:00', '-00:00:00.000001', '-00:00:00.001'),\n"
       " (4, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00.500000', '2000-01-01 00:00:00.000000',"
       " '24:00:00', '23:59:59.999999', '-837:59:59.999'),\n"
       " (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  // ENUM (every member, '' as a member, a label PostgreSQL enums cannot hold) and SET.
  const std::string long64 = std::string(64, 'L');
  s << "CREATE TABLE enums (id INT PRIMARY KEY, e ENUM('a','b','c'), ee ENUM('','x','y z','it''s'),"
       " eu ENUM('', '" << kEmoji << kEmoji << "', 'caf\xC3\xA9') " << bin << ","
       " s SET('a','b','c'), s1 SET('x'));\n"
       "INSERT INTO enums VALUES\n"
       " (1, 'a', '', '', '', ''),\n"
       " (2, 'b', 'x', '" << kEmoji << kEmoji << "', 'a', 'x'),\n"
       " (3, 'c', 'y z', 'caf\xC3\xA9', 'a,b', NULL),\n"
       " (4, NULL, 'it''s', NULL, 'a,b,c', ''),\n"
       " (5, 'a', NULL, '', 'c', 'x'),\n"
       " (6, NULL, NULL, NULL, NULL, NULL);\n";
  s << "CREATE TABLE enum_long_label (id INT PRIMARY KEY, e ENUM('', 'short', '" << long64 << "'));\n"
       "INSERT INTO enum_long_label VALUES (1, ''), (2, 'short'), (3, '" << long64 << "'), (4, NULL);\n";
  // JSON (MariaDB: LONGTEXT + json_valid): text kept as written.
  s << "CREATE TABLE jsons (id INT PRIMARY KEY, j JSON);\n"
       "INSERT INTO jsons VALUES\n"
       " (1, '{\"b\":1,\"a\":[1,2,{\"c\":null}]}'),\n"
       " (2, '[]'), (3, '{}'), (4, 'null'), (5, 'true'),\n"
       " (6, '\"\\\\u00e9\\\\ud83d\\\\ude00 " << kEmoji << "\"'),\n"
       " (7, '{\"n\":-0.0,\"big\":123456789012345678901234567890,\"e\":1e308,\"f\":1.50}'),\n"
       " (8, '  { \"a\" :  1 , \"a\" : 2 }  '),\n"
       " (9, '" << nestedJson(31) << "'),\n"
       " (10, NULL);\n";
  // MariaDB-only types.
  s << "CREATE TABLE netids (id INT PRIMARY KEY, u UUID, i6 INET6, i4 INET4);\n"
       "INSERT INTO netids VALUES\n"
       " (1, '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0'),\n"
       " (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '255.255.255.255'),\n"
       " (3, '123e4567-e89b-12d3-a456-426614174000', '::ffff:1.2.3.4', '1.2.3.4'),\n"
       " (4, '01234567-89AB-CDEF-8123-456789ABCDEF', '::1.2.3.4', '127.0.0.1'),\n"
       " (5, NULL, '2001:db8::1', NULL),\n"
       " (6, NULL, 'fe80::1:0:0:0', NULL),\n"
       " (7, NULL, NULL, NULL);\n";
  // Spatial (exact only between MariaDB servers).
  s << "CREATE TABLE geo (id INT PRIMARY KEY, g GEOMETRY, p POINT);\n"
       "INSERT INTO geo VALUES\n"
       " (1, ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'), ST_GeomFromText('POINT(1.5 -2.25)')),\n"
       " (2, ST_GeomFromText('POINT(1.7976931348623157e308 -1.7976931348623157e308)'), ST_GeomFromText('POINT(0 0)', 4326)),\n"
       " (3, NULL, NULL);\n";
  return s.str();
}

std::string pgFixture() {
  std::ostringstream s;
  s << "SET client_min_messages = warning;\n"
       "CREATE SCHEMA rt;\n"
       "CREATE TYPE rt.mood AS ENUM ('sad', 'ok', 'Sad', 'it''s complicated', '" << kEmoji << "', 'trailing ', ' leading');\n"
       "CREATE DOMAIN rt.plain_int AS integer;\n"
       "CREATE DOMAIN rt.pos_int AS integer CHECK (VALUE > 0);\n"
       "CREATE TYPE rt.pair AS (a integer, b text);\n";
  s << "CREATE TABLE rt.ints (id integer PRIMARY KEY, s smallint, i integer, b bigint, bo boolean, pi rt.plain_int,"
       " po rt.pos_int, o oid);\n"
       "INSERT INTO rt.ints VALUES\n"
       " (1, -32768, -2147483648, -9223372036854775808, false, -2147483648, 1, 0),\n"
       " (2, 32767, 2147483647, 9223372036854775807, true, 2147483647, 2147483647, 4294967295),\n"
       " (3, 0, 0, 0, NULL, 0, NULL, NULL),\n"
       " (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  s << "CREATE TABLE rt.serials (id serial PRIMARY KEY, v integer);\n"
       "INSERT INTO rt.serials VALUES (1, 1), (2147483647, 2), (-2147483648, 3), (0, 4);\n";
  s << "CREATE TABLE rt.numerics (id integer PRIMARY KEY, n numeric, n10_2 numeric(10,2), n65_30 numeric(65,30),"
       " n1000 numeric(1000,0), n1000s numeric(1000,1000), nneg numeric(5,-2), r real, d double precision, m money);\n"
       "INSERT INTO rt.numerics VALUES\n"
       " (1, 'NaN', 99999999.99, '" << std::string(35, '9') << "." << std::string(30, '9') << "', '" << std::string(1000, '9')
    << "', '0." << std::string(1000, '9') << "', 9999900, '3.4028235e38', '1.7976931348623157e308', '92233720368547758.07'),\n"
       " (2, 'Infinity', -99999999.99, '-" << std::string(35, '9') << "." << std::string(30, '9') << "', '-" << std::string(1000, '9')
    << "', '-0." << std::string(1000, '9') << "', -9999900, '-3.4028235e38', '-1.7976931348623157e308', '-92233720368547758.08'),\n"
       " (3, '-Infinity', 0, 0, 0, 0, 0, 'NaN', 'NaN', 0),\n"
       " (4, '0." << std::string(16382, '0') << "1', 0.01, '0." << std::string(29, '0') << "1', 1, '0." << std::string(999, '0')
    << "1', 100, 'Infinity', 'Infinity', 0.01),\n"
       " (5, '-1e131071', -0.01, 1, -1, '-0." << std::string(999, '0') << "1', -100, '-Infinity', '-Infinity', -0.01),\n"
       " (6, '1.50', 1.5, 1.5, 2, 0.5, 0, '-0', '-0', 1.5),\n"
       " (7, '0.000', NULL, NULL, NULL, NULL, NULL, '1.17549435e-38', '2.2250738585072014e-308', NULL),\n"
       " (8, NULL, NULL, NULL, NULL, NULL, NULL, '1e-45', '5e-324', NULL),\n"
       " (9, NULL, NULL, NULL, NULL, NULL, NULL, '0.1', '0.1', NULL),\n"
       " (10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  s << "CREATE TABLE rt.strings (id integer PRIMARY KEY, c1 character(1), c10 character(10), c255 character(255),"
       " v10 varchar(10), vnolen varchar, t text, nm name, ch \"char\", cc text COLLATE \"C\");\n"
       "INSERT INTO rt.strings VALUES\n"
       " (1, '" << kEmoji << "', repeat('" << kEmoji << "', 10), repeat('" << kEmoji << "', 255), repeat('" << kEmoji << "', 10),"
       " repeat('" << kEmoji << "', 100000), repeat('" << kEmoji << "', 1000000), repeat('" << kEmoji << "', 15) || 'abc', 'z', 'x'),\n"
       " (2, 'a', 'a''b\"c\\d', 'x', E'\\t\\n\\r\\x01\\x1f\\x7f \\\\', E'" << kMaxCodePoint << kCombining << "  ', '"
    << kZwjFamily << " \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D', repeat('n', 63), E'\\x01', 'trailing  '),\n"
       " (3, '', '', '', '', '', '', '', '', ''),\n"
       " (4, ' ', 'ab   ', '  lead', 'trail   ', ' ', ' ', ' ', ' ', ' '),\n"
       " (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  // MariaDB's 65535-byte row limit: a utf8mb4 VARCHAR(16383) leaves 3 bytes for the rest of the row.
  s << "CREATE TABLE rt.longvarchar (id integer PRIMARY KEY, v varchar(16383));\n"
       "INSERT INTO rt.longvarchar VALUES (1, repeat('" << kEmoji << "', 16383)), (2, ''), (3, NULL);\n";
  s << "CREATE TABLE rt.binaries (id integer PRIMARY KEY, b bytea);\n"
       "INSERT INTO rt.binaries VALUES (1, '\\x00ff00ff'), (2, (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea)"
       " FROM generate_series(0, 255) g)), (3, '\\x'), (4, NULL), (5, decode(repeat('00ff', 500000), 'hex'));\n";
  s << "CREATE TABLE rt.bits (id integer PRIMARY KEY, b1 bit(1), b8 bit(8), b63 bit(63), b64 bit(64), b65 bit(65),"
       " vb varbit(10), vbu varbit);\n"
       "INSERT INTO rt.bits VALUES\n"
       " (1, B'0', B'00000000', B'" << std::string(63, '0') << "', B'" << std::string(64, '0') << "', B'" << std::string(65, '0')
    << "', B'', B''),\n"
       " (2, B'1', B'11111111', B'" << std::string(63, '1') << "', B'" << std::string(64, '1') << "', B'" << std::string(65, '1')
    << "', B'1111111111', B'" << std::string(100, '1') << "'),\n"
       " (3, B'1', B'10000000', B'1" << std::string(62, '0') << "', B'1" << std::string(63, '0') << "', B'1" << std::string(64, '0')
    << "', B'01', B'0001'),\n"
       " (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  s << "CREATE TABLE rt.temporals (id integer PRIMARY KEY, d date, ts timestamp(6), tstz timestamptz, t time, t0 time(0),"
       " ttz timetz, iv interval, iv3 interval(3), ivd interval day to second);\n"
       "INSERT INTO rt.temporals VALUES\n"
       " (1, '4713-01-01 BC', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC', '00:00:00', '00:00:00',"
       " '00:00:00+15:59', '178000000 years', '-178000000 years', '-2147483648 days -2147483647:59:59.999999'),\n"
       " (2, '5874897-12-31', '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00', '24:00:00', '24:00:00',"
       " '24:00:00-15:59', '-178000000 years', '1 year 2 mons 3 days 04:05:06.789', '2147483647 days 2147483647:59:59.999999'),\n"
       " (3, 'infinity', 'infinity', 'infinity', '23:59:59.999999', '23:59:59', '12:00:00.5+05:30',"
       " '-1 days +02:03:04.000001', '00:00:00.001', '00:00:00'),\n"
       " (4, '-infinity', '-infinity', '-infinity', '00:00:00.000001', '12:00:00', '00:00:00-00:01',"
       " '0', '-00:00:00.001', '-1 days'),\n"
       " (5, '2000-02-29', '2000-02-29 12:34:56.123456', '2000-02-29 12:34:56.123456+05:30', '12:34:56.123456', '12:34:56',"
       " NULL, '1 mon -1 days', NULL, '838:59:59'),\n"
       " (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  s << "CREATE TABLE rt.misc (id integer PRIMARY KEY, u uuid, ine inet, ci cidr, mac macaddr, mac8 macaddr8, j json,"
       " jb jsonb, x xml, tv tsvector, tq tsquery, pt point, ln line, ls lseg, bx box, pa path, pg polygon, ci2 circle,"
       " r4 int4range, rn numrange, rts tstzrange, rd daterange, mr int4multirange, lsn pg_lsn, mood rt.mood, comp rt.pair);\n"
       "INSERT INTO rt.misc VALUES\n"
       " (1, '00000000-0000-0000-0000-000000000000', '0.0.0.0', '0.0.0.0/0', '00:00:00:00:00:00', '00:00:00:00:00:00:00:00',"
       " '{\"b\":1,\"a\":[1,2,{\"c\":null}],\"a\":3}', '{\"b\":1,\"a\":[1,2,{\"c\":null}]}', '<a x=\"1\">t&amp;</a>',"
       " 'a:1A fat cat', 'fat & (rat | !cat)', '(1.7976931348623157e308,-1.7976931348623157e308)', '{1,-1,0}',"
       " '[(0,0),(1,1)]', '(1,1),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(2,0))', '<(0,0),5e-324>',"
       " '[-2147483648,2147483647)', '(,)', '[\"2000-01-01 00:00:00+00\",infinity)', 'empty', '{[1,2), [5,6)}',"
       " '0/0', 'sad', '(-2147483648,\"a,\\\"b\\\" \")'),\n"
       " (2, 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '2001:db8::/32',"
       " 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff', '  [1, 2.50, 1e400, \"\\u0000\", \"\\ud83d\\ude00\"]  ',"
       " '[1.50, -0, 1e-7, \"\\ud83d\\ude00\", {\"z\":1,\"a\":{}}]', '<?xml version=\"1.0\"?><r/>', '', '!a', '(0,0)',"
       " '{0,1,0}', '[(0,0),(0,0)]', '(0,0),(0,0)', '((0,0))', '((0,0))', '<(1,2),0>', 'empty', '[-1e-1000,1e1000]',"
       " '(-infinity,infinity)', '[-infinity,infinity)', '{}', 'FFFFFFFF/FFFFFFFF', '" << kEmoji << "', '(,)'),\n"
       " (3, '123e4567-e89b-12d3-a456-426614174000', '::ffff:1.2.3.4', '10.0.0.0/8', '08:00:2b:01:02:03',"
       " '08:00:2b:01:02:03:04:05', '" << nestedJson(40) << "', '" << nestedJson(40) << "', '', 'x:1,2,3', 'a:*', '(1,2)',"
       " '{1,1,1}', '[(1,2),(3,4)]', '(3,4),(1,2)', '[(1,2)]', '((1,2))', '<(0,0),1>', '[0,1)', '[1.5,2.5]',"
       " '[\"2000-01-01 00:00:00+00\",\"2000-01-01 00:00:00.000001+00\")', '[2000-01-01,2000-01-02)', '{(,)}', '1/1',"
       " 'trailing ', NULL),\n"
       " (4, '01234567-89ab-cdef-0123-456789abcdef', '192.168.1.1/24', NULL, NULL, NULL, 'null', 'null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
       " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ' leading', NULL),\n"
       " (5, NULL, NULL, NULL, NULL, NULL, '{\"k\":\"" << kEmoji << "\"}', '\"\\u00e9\"', NULL, NULL, NULL, NULL, NULL,"
       " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Sad', NULL),\n"
       " (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
       " NULL, NULL, NULL, NULL, NULL, 'it''s complicated', NULL),\n"
       " (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
       " NULL, NULL, NULL, NULL, NULL, 'ok', NULL),\n"
       " (8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
       " NULL, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  s << "CREATE TABLE rt.arrays (id integer PRIMARY KEY, ia integer[], ta text[], ia2 integer[][], na numeric[], ba boolean[],"
       " ma rt.mood[]);\n"
       "INSERT INTO rt.arrays VALUES\n"
       " (1, '{-2147483648,2147483647,NULL}', '{\"\",NULL,\"NULL\",\"a,b\",\"q\\\"\\\\\",\"" << kEmoji << "\"}',"
       " '{{1,NULL},{3,4}}', '{NaN,Infinity,-1.50}', '{t,f,NULL}', '{sad,\"trailing \"}'),\n"
       " (2, '{}', '{}', '{{{1}}}', '{}', '{}', '{}'),\n"
       " (3, '[0:1]={1,2}', '{\" \"}', '{{NULL}}', '{0.000}', '{NULL}', '{NULL}'),\n"
       " (4, NULL, NULL, NULL, NULL, NULL, NULL);\n";
  return s.str();
}

// ---------------------------------------------------------------------------
// Sessions with the rules copy must honour (docs/design-notes.md).
// ---------------------------------------------------------------------------

struct Session {
  Engine engine = Engine::PostgreSQL;
  std::unique_ptr<connect::PgConnection> pg;
  std::unique_ptr<connect::MySqlConnection> my;

  static std::unique_ptr<Session> open(Engine e, const std::string& db) {
    auto s = std::make_unique<Session>();
    s->engine = e;
    if (isPg(e)) {
      auto c = connect::PgConnection::open(test::pgSpec(db));
      if (!c) {
        ADD_FAILURE() << c.error().oneLine();
        return nullptr;
      }
      s->pg = std::move(*c);
      // PgConnection::open sets intervalstyle = iso_8601 for the catalog; the converters read 'postgres'.
      auto st = s->pg->exec("SET intervalstyle = postgres; SET datestyle = ISO");
      EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().oneLine());
    } else {
      auto c = connect::MySqlConnection::open(test::mysqlSpec(db));
      if (!c) {
        ADD_FAILURE() << c.error().oneLine();
        return nullptr;
      }
      s->my = std::move(*c);  // open() sets utf8mb4 and time_zone '+00:00'
      auto st = s->my->exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'");
      EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().oneLine());
    }
    return s;
  }
  core::Result<connect::QueryResult> query(const std::string& sql) { return isPg(engine) ? pg->query(sql) : my->query(sql); }
  std::string ident(const std::string& name) const {
    return isPg(engine) ? connect::PgConnection::quoteIdent(name) : connect::MySqlConnection::quoteIdent(name);
  }
  std::string table(const std::string& schema, const std::string& name) const { return ident(schema) + "." + ident(name); }
};

// ---------------------------------------------------------------------------
// Type-aware, strict equality.
// ---------------------------------------------------------------------------

enum class Kind { Text, Int, Bool, Decimal, Float4, Float8, Timestamp, Duration, Bits, Bytes, JsonB, Uuid, Inet };

bool isMySqlInt(const std::string& b) {
  return b == "tinyint" || b == "smallint" || b == "mediumint" || b == "int" || b == "integer" || b == "bigint" || b == "year";
}

Kind kindOf(Engine srcEngine, const model::DataType& t) {
  const std::string b = lower(t.base);
  if (t.arrayDims > 0) return Kind::Text;
  if (isPg(srcEngine)) {
    if (b == "smallint" || b == "integer" || b == "bigint" || b == "oid") return Kind::Int;
    if (b == "boolean") return Kind::Bool;
    if (b == "numeric" || b == "decimal") return Kind::Decimal;
    if (b == "real") return Kind::Float4;
    if (b == "double precision") return Kind::Float8;
    if (b == "date" || core::startsWith(b, "timestamp")) return Kind::Timestamp;
    if (b == "time without time zone" || b == "time") return Kind::Duration;
    if (b == "bit" || b == "bit varying" || b == "varbit") return Kind::Bits;
    if (b == "bytea") return Kind::Bytes;
    if (b == "jsonb") return Kind::JsonB;
    if (b == "uuid") return Kind::Uuid;
    return Kind::Text;
  }
  if (isMySqlInt(b)) return Kind::Int;
  if (b == "decimal" || b == "numeric") return Kind::Decimal;
  if (b == "float") return Kind::Float4;
  if (b == "double" || b == "real") return Kind::Float8;
  if (b == "date" || b == "datetime" || b == "timestamp") return Kind::Timestamp;
  if (b == "time") return Kind::Duration;
  if (b == "bit") return Kind::Bits;
  if (b == "binary" || b == "varbinary" || core::endsWith(b, "blob") || b == "geometry" || b == "point" ||
      b == "linestring" || b == "polygon" || core::startsWith(b, "multi") || b == "geometrycollection") {
    return Kind::Bytes;
  }
  if (b == "uuid") return Kind::Uuid;
  if (b == "inet4" || b == "inet6") return Kind::Inet;
  return Kind::Text;
}

/// True when a MySQL/MariaDB column of this declared type is written as a hex literal.
bool isMySqlBinaryTarget(const std::string& targetType) {
  const std::string t = lower(targetType);
  for (const char* p : {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "geometry", "point",
                        "linestring", "polygon", "multi", "geomcollection"}) {
    if (core::startsWith(t, p)) return true;
  }
  return false;
}

std::string normInt(std::string s) {
  bool neg = false;
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  while (i + 1 < s.size() && s[i] == '0') ++i;
  std::string digits = s.substr(i);
  if (digits == "0") neg = false;
  return (neg ? "-" : "") + digits;
}

std::optional<std::string> normBool(const std::string& s) {
  if (s == "t" || s == "true" || s == "1") return std::string("1");
  if (s == "f" || s == "false" || s == "0") return std::string("0");
  return std::nullopt;
}

/// Strips trailing fractional zeros (and a bare point): "1.500" → "1.5", "2.00" → "2".
std::string stripScaleZeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// The scale of "numeric(p,s)" / "DECIMAL(p,s)"; nullopt when not given.
std::optional<int> declaredScale(const std::string& type) {
  const auto comma = type.find(',');
  const auto close = type.find(')');
  if (comma == std::string::npos || close == std::string::npos || close < comma) return std::nullopt;
  return std::atoi(type.substr(comma + 1, close - comma - 1).c_str());
}

bool parseDouble(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

bool parseFloat(const std::string& s, float& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtof(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

template <typename T>
bool sameIeee(T a, T b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Days since 1970-01-01 (proleptic Gregorian, astronomical years).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// A parsed date / timestamp: an instant as (days, microseconds of the day) in UTC
/// when an offset is present, or local otherwise; ±infinity kept as text.
struct Instant {
  std::string special;
  std::int64_t days = 0;
  std::int64_t micros = 0;
  bool operator==(const Instant& o) const { return special == o.special && days == o.days && micros == o.micros; }
};

std::optional<std::int64_t> parseFraction(const std::string& s, std::size_t& pos) {
  std::int64_t us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) {
      if (n >= 6) return std::nullopt;  // finer than a microsecond: not a value either engine stores
      us = us * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    for (; n < 6; ++n) us *= 10;
  }
  return us;
}

std::optional<Instant> parseInstant(std::string s) {
  Instant r;
  if (s == "infinity" || s == "-infinity") {
    r.special = s;
    return r;
  }
  bool bc = false;
  if (core::endsWith(s, " BC")) {
    bc = true;
    s = s.substr(0, s.size() - 3);
  }
  std::size_t pos = 0;
  std::int64_t y = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) y = y * 10 + (s[pos++] - '0');
  if (pos + 6 > s.size() || s[pos] != '-' || s[pos + 3] != '-') return std::nullopt;
  const int mo = std::atoi(s.substr(pos + 1, 2).c_str());
  const int d = std::atoi(s.substr(pos + 4, 2).c_str());
  pos += 6;
  if (bc) y = 1 - y;
  r.days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (pos < s.size() && s[pos] == ' ') {
    ++pos;
    if (pos + 8 > s.size() || s[pos + 2] != ':' || s[pos + 5] != ':') return std::nullopt;
    const std::int64_t hh = std::atoi(s.substr(pos, 2).c_str());
    const std::int64_t mi = std::atoi(s.substr(pos + 3, 2).c_str());
    const std::int64_t ss = std::atoi(s.substr(pos + 6, 2).c_str());
    pos += 8;
    auto us = parseFraction(s, pos);
    if (!us) return std::nullopt;
    r.micros = ((hh * 60 + mi) * 60 + ss) * 1000000 + *us;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos] == '-' ? -1 : 1;
      const std::string off = s.substr(pos + 1);
      std::int64_t secs = std::atoi(off.substr(0, 2).c_str()) * 3600;
      if (off.size() >= 5) secs += std::atoi(off.substr(3, 2).c_str()) * 60;
      if (off.size() >= 8) secs += std::atoi(off.substr(6, 2).c_str());
      r.micros -= sign * secs * 1000000;
      pos = s.size();
    }
    while (r.micros < 0) {
      r.micros += 86400LL * 1000000;
      --r.days;
    }
    while (r.micros >= 86400LL * 1000000) {
      r.micros -= 86400LL * 1000000;
      ++r.days;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return r;
}

/// [-]H+:MM:SS[.ffffff] → signed microseconds.
std::optional<std::int64_t> parseDuration(const std::string& s) {
  std::size_t pos = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) ++pos;
  const auto c1 = s.find(':', pos);
  if (c1 == std::string::npos || c1 + 6 > s.size() || s[c1 + 3] != ':') return std::nullopt;
  const std::int64_t h = std::atoll(s.substr(pos, c1 - pos).c_str());
  const std::int64_t m = std::atoi(s.substr(c1 + 1, 2).c_str());
  const std::int64_t sec = std::atoi(s.substr(c1 + 4, 2).c_str());
  pos = c1 + 6;
  auto us = parseFraction(s, pos);
  if (!us || pos != s.size()) return std::nullopt;
  const std::int64_t v = ((h * 60 + m) * 60 + sec) * 1000000 + *us;
  return neg ? -v : v;
}

std::string bytesToBits(const std::string& bytes, std::int64_t n) {
  std::string bits;
  for (unsigned char ch : bytes) {
    for (int i = 7; i >= 0; --i) bits += ((ch >> i) & 1U) != 0 ? '1' : '0';
  }
  const auto want = static_cast<std::size_t>(n);
  if (bits.size() > want) {
    if (bits.find('1') < bits.size() - want) return "<" + std::to_string(bits.size()) + " bits: " + bits + ">";
    bits = bits.substr(bits.size() - want);
  } else if (bits.size() < want) {
    bits.insert(0, want - bits.size(), '0');
  }
  return bits;
}

std::optional<std::string> pgByteaToBytes(const std::string& s) {
  if (!core::startsWith(s, "\\x") || s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 2; i < s.size(); i += 2) out += static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}

std::string hexOf(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char ch : bytes) {
    out += kHex[ch >> 4];
    out += kHex[ch & 0xF];
  }
  return out;
}

/// A canonical JSON text for jsonb equality: object keys sorted (the last of a
/// duplicate wins, as in jsonb), strings decoded and re-escaped, numbers and
/// literals kept exactly as written. Nothing else is normalised.
class JsonCanon {
public:
  explicit JsonCanon(const std::string& s) : m_s(s) {}
  std::optional<std::string> run() {
    std::string out;
    ws();
    if (!value(out)) return std::nullopt;
    ws();
    if (m_p != m_s.size()) return std::nullopt;
    return out;
  }

private:
  void ws() {
    while (m_p < m_s.size() && (m_s[m_p] == ' ' || m_s[m_p] == '\t' || m_s[m_p] == '\n' || m_s[m_p] == '\r')) ++m_p;
  }
  bool value(std::string& out) {
    if (m_p >= m_s.size()) return false;
    const char c = m_s[m_p];
    if (c == '{') {
      ++m_p;
      std::map<std::string, std::string> members;
      ws();
      if (m_p < m_s.size() && m_s[m_p] == '}') {
        ++m_p;
      } else {
        for (;;) {
          ws();
          std::string key;
          if (!string(key)) return false;
          ws();
          if (m_p >= m_s.size() || m_s[m_p] != ':') return false;
          ++m_p;
          ws();
          std::string v;
          if (!value(v)) return false;
          members[key] = v;
          ws();
          if (m_p < m_s.size() && m_s[m_p] == ',') {
            ++m_p;
            continue;
          }
          if (m_p < m_s.size() && m_s[m_p] == '}') {
            ++m_p;
            break;
          }
          return false;
        }
      }
      out += '{';
      bool first = true;
      for (const auto& [k, v] : members) {
        if (!first) out += ',';
        first = false;
        out += k + ":" + v;
      }
      out += '}';
      return true;
    }
    if (c == '[') {
      ++m_p;
      out += '[';
      ws();
      if (m_p < m_s.size() && m_s[m_p] == ']') {
        ++m_p;
        out += ']';
        return true;
      }
      for (bool first = true;; first = false) {
        if (!first) out += ',';
        ws();
        if (!value(out)) return false;
        ws();
        if (m_p < m_s.size() && m_s[m_p] == ',') {
          ++m_p;
          continue;
        }
        if (m_p < m_s.size() && m_s[m_p] == ']') {
          ++m_p;
          out += ']';
          return true;
        }
        return false;
      }
    }
    if (c == '"') return string(out);
    const std::size_t start = m_p;
    while (m_p < m_s.size() && std::strchr(",]} \t\r\n", m_s[m_p]) == nullptr) ++m_p;
    if (m_p == start) return false;
    out += m_s.substr(start, m_p - start);
    return true;
  }
  static void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool hex4(std::uint32_t& v) {
    if (m_p + 4 > m_s.size()) return false;
    v = static_cast<std::uint32_t>(std::stoul(m_s.substr(m_p, 4), nullptr, 16));
    m_p += 4;
    return true;
  }
  /// Decodes a JSON string and writes it back with only '"', '\\' and controls escaped.
  bool string(std::string& out) {
    if (m_p >= m_s.size() || m_s[m_p] != '"') return false;
    ++m_p;
    std::string raw;
    while (m_p < m_s.size() && m_s[m_p] != '"') {
      if (m_s[m_p] != '\\') {
        raw += m_s[m_p++];
        continue;
      }
      ++m_p;
      if (m_p >= m_s.size()) return false;
      const char e = m_s[m_p++];
      switch (e) {
        case 'n': raw += '\n'; break;
        case 't': raw += '\t'; break;
        case 'r': raw += '\r'; break;
        case 'b': raw += '\b'; break;
        case 'f': raw += '\f'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && m_p + 6 <= m_s.size() && m_s[m_p] == '\\' && m_s[m_p + 1] == 'u') {
            m_p += 2;
            std::uint32_t lo = 0;
            if (!hex4(lo)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(raw, cp);
          break;
        }
        default: raw += e;
      }
    }
    if (m_p >= m_s.size()) return false;
    ++m_p;
    out += '"';
    for (unsigned char ch : raw) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", ch);
        out += buf;
      } else {
        out += static_cast<char>(ch);
      }
    }
    out += '"';
    return true;
  }
  const std::string& m_s;
  std::size_t m_p = 0;
};

std::optional<std::string> inetBytes(std::string s) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return "4:" + std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return "6:" + std::string(reinterpret_cast<char*>(buf), 16);
  return std::nullopt;
}

/// The fields a comparison needs about one tested column.
struct ColumnCase {
  const assess::ColumnAssessment* ca = nullptr;
  const model::Column* src = nullptr;
  Kind kind = Kind::Text;
  bool sourceIsMySqlFloat = false;
};

/// Compares one source value with what came back from the target: "" when equal,
/// otherwise why not.
std::string compareValues(const ColumnCase& cc, Engine srcEngine, Engine dstEngine, const std::string& a, const std::string& b) {
  const auto& m = cc.ca->mapping;
  switch (cc.kind) {
    case Kind::Text:
      return a == b ? "" : "text differs";
    case Kind::Int:
      if (lower(m.targetType) == "boolean") return "integer mapped to boolean";
      return normInt(a) == normInt(b) ? "" : "integers differ";
    case Kind::Bool: {
      auto x = normBool(a);
      auto y = normBool(b);
      return x && y && *x == *y ? "" : "booleans differ";
    }
    case Kind::Decimal: {
      if (a == b) return "";
      const auto ss = cc.src->type.scale;
      const auto ts = declaredScale(m.targetType);
      if (ss && ts && *ts > *ss && stripScaleZeros(a) == stripScaleZeros(b)) return "";
      return "decimals differ";
    }
    case Kind::Float4: {
      float x = 0;
      float y = 0;
      if (!parseFloat(a, x) || !parseFloat(b, y)) return "unparsable float";
      return sameIeee(x, y) ? "" : "IEEE single values differ";
    }
    case Kind::Float8: {
      double x = 0;
      double y = 0;
      if (!parseDouble(a, x) || !parseDouble(b, y)) return "unparsable double";
      return sameIeee(x, y) ? "" : "IEEE double values differ";
    }
    case Kind::Timestamp: {
      auto x = parseInstant(a);
      auto y = parseInstant(b);
      if (!x || !y) return a == b ? "" : "unparsable timestamps differ";
      return *x == *y ? "" : "timestamps differ (to the microsecond)";
    }
    case Kind::Duration: {
      auto x = parseDuration(a);
      auto y = parseDuration(b);
      if (!x || !y) return a == b ? "" : "unparsable times differ";
      return *x == *y ? "" : "times differ (to the microsecond)";
    }
    case Kind::Bits: {
      const std::int64_t n = m.conversionContext.bitLength > 0 ? m.conversionContext.bitLength
                                                                : static_cast<std::int64_t>(std::max(a.size(), b.size()));
      const std::string x = isPg(srcEngine) ? a : bytesToBits(a, n);
      const std::string y = isPg(dstEngine) ? b : bytesToBits(b, n);
      return x == y ? "" : "bit strings differ (" + x + " vs " + y + ")";
    }
    case Kind::Bytes: {
      auto x = isPg(srcEngine) ? pgByteaToBytes(a) : std::optional<std::string>(a);
      auto y = isPg(dstEngine) ? pgByteaToBytes(b) : std::optional<std::string>(b);
      return x && y && *x == *y ? "" : "bytes differ";
    }
    case Kind::JsonB: {
      auto x = JsonCanon(a).run();
      auto y = JsonCanon(b).run();
      if (!x || !y) return a == b ? "" : "unparsable JSON differs";
      return *x == *y ? "" : "JSON values differ";
    }
    case Kind::Uuid:
      return lower(a) == lower(b) ? "" : "UUIDs differ";
    case Kind::Inet: {
      auto x = inetBytes(a);
      auto y = inetBytes(b);
      return x && y && *x == *y ? "" : "addresses differ";
    }
  }
  return "unknown kind";
}

std::string shown(const std::string& v) {
  std::string out;
  const std::size_t limit = 120;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) {
    const auto ch = static_cast<unsigned char>(v[i]);
    if (ch < 0x20 || ch == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (v.size() > limit) out += "… (" + std::to_string(v.size()) + " bytes)";
  return "'" + out + "'";
}

std::string shownOpt(const std::optional<std::string>& v) { return v ? shown(*v) : "NULL"; }

/// Documented exceptions to the severities (docs/typemap.md "Known exceptions"): the
/// converter must fail loudly on them rather than move a changed value.
bool documentedException(typemap::ConversionId id, const std::string& value) {
  if (id == typemap::ConversionId::MySqlTextToPgText) return value.find('\0') != std::string::npos;
  return false;
}

std::string writeTemp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/ferry-rt-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string shellQuote(const std::string& s) { return "'" + core::replaceAll(s, "'", "'\\''") + "'"; }

/// Runs a script on the target database through psql / mariadb without aborting the
/// test: a script that does not apply is a finding about one table, reported by the caller.
bool runSqlFile(Engine e, const std::string& path, std::string& output, bool stopOnError = true) {
  if (isPg(e)) {
    return test::runCommand(std::string("psql -X -q -v ON_ERROR_STOP=") + (stopOnError ? "1" : "0") + " -At " +
                                shellQuote(test::pgUrl(kDstDb)) + " -f " + shellQuote(path) + " 2>&1",
                            &output) == 0;
  }
  const auto spec = test::mysqlSpec();
  std::string cmd = "mariadb --batch --default-character-set=utf8mb4 -h " + shellQuote(spec.host) + " -P " +
                    std::to_string(spec.effectivePort()) + " -u " + shellQuote(spec.user);
  if (spec.password) cmd = "MYSQL_PWD=" + shellQuote(*spec.password) + " " + cmd;
  return test::runCommand(cmd + (stopOnError ? "" : " --force") + " < " + shellQuote(path) + " 2>&1", &output) == 0;
}

model::Catalog readCatalog(Engine e) {
  introspect::IntrospectOptions o;
  if (isPg(e)) {
    auto conn = connect::PgConnection::open(test::pgSpec(kSrcDb));
    EXPECT_TRUE(conn.ok()) << (conn ? "" : conn.error().oneLine());
    if (!conn) return {};
    o.schemas = {kPgSchema};
    auto cat = introspect::introspectPostgres(**conn, o);
    EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
    return cat ? *cat : model::Catalog{};
  }
  auto conn = connect::MySqlConnection::open(test::mysqlSpec());
  EXPECT_TRUE(conn.ok()) << (conn ? "" : conn.error().oneLine());
  if (!conn) return {};
  o.schemas = {kSrcDb};
  auto cat = introspect::introspectMySql(**conn, o);
  EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
  return cat ? *cat : model::Catalog{};
}

model::ServerVersion serverVersion(Engine e) {
  if (isPg(e)) {
    auto c = connect::PgConnection::open(test::pgSpec());
    return c ? (*c)->serverVersion() : model::ServerVersion{};
  }
  auto c = connect::MySqlConnection::open(test::mysqlSpec());
  return c ? (*c)->serverVersion() : model::ServerVersion{};
}

const model::Column* sourceColumn(const model::Catalog& cat, const assess::ColumnAssessment& ca) {
  const model::Table* t = cat.table(ca.schema, ca.table);
  return t == nullptr ? nullptr : t->column(ca.column);
}

struct PairStats {
  int exact = 0;
  int widened = 0;
  std::map<Severity, int> skipped;
  std::vector<std::string> skippedList;
  int tables = 0;
  int values = 0;
  int nonNullValues = 0;
  int minPerColumn = 1 << 30;
  int maxPerColumn = 0;
  int documentedExceptions = 0;
  int failures = 0;
};

/// Runs the whole round trip for one engine pair. Failures are reported with
/// ADD_FAILURE; the statistics are printed.
void roundTrip(Engine src, Engine dst, const plan::Project& project, const std::string& label) {
  const std::string pair = std::string(pairSide(src)) + "→" + pairSide(dst) + label;
  const model::Catalog catalog = readCatalog(src);
  ASSERT_FALSE(catalog.schemas.empty()) << pair << ": no source catalog";
  auto a = assess::assess(catalog, {dst, serverVersion(dst)}, project);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();

  PairStats st;
  std::map<std::string, std::vector<ColumnCase>> byTable;  // source table → tested columns (source order)
  for (const auto& ca : a->columns) {
    const Severity sev = ca.mapping.severity;
    if (sev != Severity::Exact && sev != Severity::Widened) {
      ++st.skipped[sev];
      st.skippedList.push_back(ca.table + "." + ca.column + " " + ca.sourceType + " → " + ca.mapping.targetType + " [" +
                               typemap::severityName(sev) + ": " + core::join(ca.mapping.codes(), ",") + "]");
      continue;
    }
    (sev == Severity::Exact ? st.exact : st.widened)++;
    ColumnCase cc;
    cc.ca = &ca;
    cc.src = sourceColumn(catalog, ca);
    ASSERT_NE(cc.src, nullptr) << ca.table << "." << ca.column;
    cc.kind = kindOf(src, cc.src->type);
    cc.sourceIsMySqlFloat = !isPg(src) && lower(cc.src->type.base) == "float";
    byTable[ca.table].push_back(cc);
  }

  // Target: an empty database; schemas/types first, then each table on its own so
  // that one table's DDL failing does not hide the others.
  ddl::TargetModel model = a->target;
  const std::string dstSchemaFor = isPg(dst) ? "" : kDstDb;  // MariaDB: the source schema becomes ferry_t_rt_dst
  if (!isPg(dst)) {
    for (auto& s : model.schemas) s = kDstDb;
    for (auto& t : model.tables) t.schema = kDstDb;
    for (auto& r : model.restarts) r.schema = kDstDb;
    for (auto& q : model.sequences) q.schema = kDstDb;
  }
  if (isPg(dst)) {
    test::recreatePgDatabase(kDstDb);
  } else {
    test::mariadb("", std::string("DROP DATABASE IF EXISTS `") + kDstDb + "`");
  }
  ddl::TargetModel typesOnly = model;
  typesOnly.tables.clear();
  typesOnly.restarts.clear();
  const auto typesScript = ddl::generate(typesOnly);
  {
    // Every statement is tried (no stop on error) so that one type failing is reported
    // without hiding the tables that do not use it.
    std::string out;
    const bool ok = runSqlFile(dst, writeTemp("types.sql", typesScript.preData), out, /*stopOnError=*/false);
    if (!ok || out.find("ERROR") != std::string::npos) {
      ADD_FAILURE() << pair << ": schema/type DDL does not apply:\n" << out << "\n" << typesScript.preData;
    }
  }

  auto srcSession = Session::open(src, isPg(src) ? kSrcDb : "");
  auto dstSession = Session::open(dst, isPg(dst) ? kDstDb : "");
  ASSERT_TRUE(srcSession && dstSession);

  for (const auto& [tableName, cases] : byTable) {
    if (cases.size() < 2) continue;  // only the key is exact: nothing of this table's types to test
    const ddl::TableDef* tdef = nullptr;
    const std::string targetTable = cases.front().ca->targetTable;
    for (const auto& t : model.tables) {
      if (t.name == targetTable) tdef = &t;
    }
    if (tdef == nullptr) {
      ADD_FAILURE() << pair << ": no target table for " << tableName;
      continue;
    }
    ++st.tables;
    ddl::TargetModel one = model;
    one.enums.clear();
    one.domains.clear();
    one.sequences.clear();
    one.ranges.clear();
    one.composites.clear();
    one.tables = {*tdef};
    // Columns without an automatic mapping need an override before any migration; they
    // are left out of the table rather than created with a type the target lacks.
    std::set<std::string> unsupported;
    for (const auto& ca : a->columns) {
      if (ca.table == tableName && ca.mapping.severity == Severity::Unsupported) unsupported.insert(ca.targetColumn);
    }
    std::erase_if(one.tables[0].columns, [&](const ddl::ColumnDef& c) { return unsupported.count(c.name) != 0; });
    std::vector<ddl::RestartDef> restarts;
    for (const auto& r : model.restarts) {
      if (r.table == tdef->name) restarts.push_back(r);
    }
    one.restarts = restarts;
    const auto script = ddl::generate(one);
    std::string ddlOut;
    const std::string preFile = writeTemp("pre-" + tableName + ".sql", script.preData);
    const std::string targetSchema = isPg(dst) ? tdef->schema : dstSchemaFor;
    {
      // Apply without aborting the pair: a failure here is a finding about this table.
      const bool ok = runSqlFile(dst, preFile, ddlOut);
      if (!ok) {
        ++st.failures;
        std::string cols;
        for (const auto& cc : cases) cols += " " + cc.ca->column + " " + cc.ca->sourceType + "→" + cc.ca->mapping.targetType;
        ADD_FAILURE() << pair << ": pre-data DDL of table " << tableName << " does not apply (columns:" << cols
                      << "):\n" << ddlOut << "\n" << script.preData;
        continue;
      }
    }
    // The row key: the first tested column named id.
    const ColumnCase* idCase = nullptr;
    for (const auto& cc : cases) {
      if (cc.ca->column == "id") idCase = &cc;
    }
    if (idCase == nullptr) {
      ADD_FAILURE() << pair << ": " << tableName << ".id is not exact";
      continue;
    }

    // Read the source.
    std::string list;
    for (const auto& cc : cases) {
      if (!list.empty()) list += ", ";
      const std::string q = srcSession->ident(cc.ca->column);
      // MariaDB reader rules: FLOAT through DOUBLE (the text protocol prints 6 digits); BIT
      // as its raw bytes (Connector/C++ getString() turns BIT into a decimal number, the
      // converter reads the bytes the text protocol sends).
      const std::string b = lower(cc.src->type.base);
      list += cc.sourceIsMySqlFloat ? "CAST(" + q + " AS DOUBLE)" : (!isPg(src) && b == "bit") ? "CAST(" + q + " AS BINARY)" : q;
    }
    const std::string srcSchema = isPg(src) ? kPgSchema : kSrcDb;
    auto rows = srcSession->query("SELECT " + list + " FROM " + srcSession->table(srcSchema, tableName) + " ORDER BY " +
                                  srcSession->ident("id"));
    ASSERT_TRUE(rows.ok()) << rows.error().oneLine();

    // Convert and load: the row by its key, then each value on its own so that a
    // failure names exactly one value.
    const std::string tq = dstSession->table(targetSchema, tdef->name);
    const std::string idq = dstSession->ident(idCase->ca->targetColumn);
    std::size_t idIndex = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (&cases[i] == idCase) idIndex = i;
    }
    auto literal = [&](const ColumnCase& cc, const std::string& v) {
      return isMySqlBinaryTarget(cc.ca->mapping.targetType) ? "X'" + hexOf(v) + "'" : connect::MySqlConnection::quoteLiteral(v);
    };
    std::vector<std::optional<std::string>> keys;  // converted id per row
    std::set<std::pair<std::size_t, std::size_t>> expectedMissing;  // documented exceptions: not loaded
    for (std::size_t r = 0; r < rows->size(); ++r) {
      const auto& idText = rows->at(r, idIndex);
      auto key = typemap::convertValue(idCase->ca->mapping.conversion, idText ? std::optional<std::string_view>(*idText) : std::nullopt,
                                       idCase->ca->mapping.conversionContext);
      ASSERT_TRUE(key.ok() && *key) << pair << ": key of " << tableName;
      const std::string keyText = **key;
      keys.push_back(keyText);
      std::string insError;
      if (isPg(dst)) {
        auto q = dstSession->pg->query("INSERT INTO " + tq + " (" + idq + ") OVERRIDING SYSTEM VALUE VALUES ($1)", {keyText});
        if (!q.ok()) insError = q.error().oneLine();
      } else {
        auto q = dstSession->my->exec("INSERT INTO " + tq + " (" + idq + ") VALUES (" + literal(*idCase, keyText) + ")");
        if (!q.ok()) insError = q.error().oneLine();
      }
      ASSERT_TRUE(insError.empty()) << pair << ": " << tableName << " key " << keyText << ": " << insError;
      for (std::size_t c = 0; c < cases.size(); ++c) {
        if (c == idIndex) continue;
        const ColumnCase& cc = cases[c];
        const auto& m = cc.ca->mapping;
        const auto& v = rows->at(r, c);
        const std::string where = pair + ": " + tableName + "." + cc.ca->column + " (" + cc.ca->sourceType + " → " + m.targetType +
                                  ", " + typemap::severityName(m.severity) + ", converter " + typemap::conversionName(m.conversion) + ")";
        auto conv = typemap::convertValue(m.conversion, v ? std::optional<std::string_view>(*v) : std::nullopt, m.conversionContext);
        if (v && documentedException(m.conversion, *v)) {
          ++st.documentedExceptions;
          expectedMissing.insert({r, c});
          EXPECT_FALSE(conv.ok()) << where << ": documented exception value " << shown(*v)
                                  << " must make the converter fail, but it gave " << (conv.ok() ? shownOpt(*conv) : "");
          continue;
        }
        if (!conv.ok()) {
          ++st.failures;
          ADD_FAILURE() << where << ": the converter rejects source value " << shownOpt(v) << ": " << conv.error().oneLine();
          expectedMissing.insert({r, c});
          continue;
        }
        if (!*conv) {
          if (v) {
            ++st.failures;
            ADD_FAILURE() << where << ": the converter turned source value " << shown(*v) << " into NULL";
          }
          continue;  // NULL: the row already holds it
        }
        std::string upError;
        if (isPg(dst)) {
          auto q = dstSession->pg->query("UPDATE " + tq + " SET " + dstSession->ident(cc.ca->targetColumn) + " = $1 WHERE " + idq + " = $2",
                                         {**conv, keyText});
          if (!q.ok()) upError = q.error().oneLine();
        } else {
          auto q = dstSession->my->exec("UPDATE " + tq + " SET " + dstSession->ident(cc.ca->targetColumn) + " = " + literal(cc, **conv) +
                                        " WHERE " + idq + " = " + literal(*idCase, keyText));
          if (!q.ok()) upError = q.error().oneLine();
        }
        if (!upError.empty()) {
          ++st.failures;
          expectedMissing.insert({r, c});
          ADD_FAILURE() << where << ": the target rejects source value " << shown(*v) << " (converted " << shown(**conv)
                        << "): " << upError;
        }
      }
    }

    // Post-data (keys, checks) runs after the load, as in a migration: the loaded
    // values must satisfy the target's constraints.
    if (!script.postData.empty()) {
      const std::string postFile = writeTemp("post-" + tableName + ".sql", script.postData);
      std::string out;
      const bool ok = runSqlFile(dst, postFile, out);
      if (!ok) {
        ++st.failures;
        ADD_FAILURE() << pair << ": post-data DDL of table " << tableName << " fails on the loaded values:\n" << out << "\n" << script.postData;
      }
    }

    // Read back and compare.
    std::string tlist;
    for (const auto& cc : cases) {
      if (!tlist.empty()) tlist += ", ";
      const std::string q = dstSession->ident(cc.ca->targetColumn);
      const std::string tt = lower(cc.ca->mapping.targetType);
      const bool targetFloat = !isPg(dst) && core::startsWith(tt, "float");
      const bool targetBit = !isPg(dst) && core::startsWith(tt, "bit");
      tlist += targetFloat ? "CAST(" + q + " AS DOUBLE)" : targetBit ? "CAST(" + q + " AS BINARY)" : q;
    }
    auto back = dstSession->query("SELECT " + tlist + " FROM " + tq + " ORDER BY " + idq);
    ASSERT_TRUE(back.ok()) << back.error().oneLine();
    ASSERT_EQ(back->size(), rows->size()) << pair << ": " << tableName;
    // Rows are matched by key, not by position: the target may order keys differently.
    std::map<std::string, std::size_t> byKey;
    for (std::size_t r = 0; r < back->size(); ++r) byKey[normInt(back->at(r, idIndex).value_or(""))] = r;
    for (std::size_t c = 0; c < cases.size(); ++c) {
      const ColumnCase& cc = cases[c];
      int n = 0;
      for (std::size_t r = 0; r < rows->size(); ++r) {
        ++n;
        ++st.values;
        const auto& v = rows->at(r, c);
        if (v) ++st.nonNullValues;
        if (expectedMissing.count({r, c}) != 0) continue;
        const auto it = byKey.find(normInt(*keys[r]));
        if (it == byKey.end()) {
          ADD_FAILURE() << pair << ": " << tableName << " row with key " << *keys[r] << " is missing on the target";
          continue;
        }
        const auto& w = back->at(it->second, c);
        const std::string where = pair + ": " + tableName + "." + cc.ca->column + " (" + cc.ca->sourceType + " → " +
                                  cc.ca->mapping.targetType + ", " + typemap::severityName(cc.ca->mapping.severity) + ")";
        if (!v || !w) {
          if (v.has_value() != w.has_value()) {
            ++st.failures;
            ADD_FAILURE() << where << ": source " << shownOpt(v) << ", target " << shownOpt(w);
          }
          continue;
        }
        const std::string why = compareValues(cc, src, dst, *v, *w);
        if (!why.empty()) {
          ++st.failures;
          ADD_FAILURE() << where << ": " << why << ": source " << shown(*v) << ", target " << shown(*w);
        }
      }
      st.minPerColumn = std::min(st.minPerColumn, n);
      st.maxPerColumn = std::max(st.maxPerColumn, n);
    }
  }

  std::cout << "[round trip] " << pair << ": " << st.exact + st.widened << " columns tested (" << st.exact << " exact, "
            << st.widened << " widened) in " << st.tables << " tables, " << st.values << " values (" << st.nonNullValues
            << " non-NULL; " << st.minPerColumn << ".." << st.maxPerColumn << " per column), " << st.documentedExceptions
            << " documented-exception values refused as documented, " << st.failures << " failures; skipped:";
  for (const auto& [sev, n] : st.skipped) std::cout << " " << typemap::severityName(sev) << "=" << n;
  std::cout << "\n";
  for (const auto& s : st.skippedList) std::cout << "    skipped " << s << "\n";
}

class RoundTrip : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreateMySqlDatabase(kSrcDb);
    test::runMariadbFile(kSrcDb, writeTemp("mariadb-fixture.sql", mariaDbFixture()));
    test::recreatePgDatabase(kSrcDb);
    test::runPsqlFile(kSrcDb, writeTemp("pg-fixture.sql", pgFixture()));
  }
};

TEST_F(RoundTrip, MariaDbToPostgres) { roundTrip(Engine::MariaDB, Engine::PostgreSQL, plan::Project{}, ""); }

TEST_F(RoundTrip, MariaDbToPostgresWithOptions) {
  // The options that turn more MariaDB columns into exact/widened claims.
  plan::Project project;
  project.mappingOptions = {{"tinyint1_as", "smallint"}, {"json_as", "json"}};
  roundTrip(Engine::MariaDB, Engine::PostgreSQL, project, " (tinyint1_as=smallint, json_as=json)");
}

TEST_F(RoundTrip, PostgresToMariaDb) { roundTrip(Engine::PostgreSQL, Engine::MariaDB, plan::Project{}, ""); }

TEST_F(RoundTrip, PostgresToPostgres) { roundTrip(Engine::PostgreSQL, Engine::PostgreSQL, plan::Project{}, ""); }

TEST_F(RoundTrip, MariaDbToMariaDb) { roundTrip(Engine::MariaDB, Engine::MariaDB, plan::Project{}, ""); }

}  // namespace
}  // namespace ferry
