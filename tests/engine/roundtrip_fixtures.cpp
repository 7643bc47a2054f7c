// Round-trip source fixtures (see roundtrip_support.h).

#include "roundtrip_support.h"

namespace ferry::rt {

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

}  // namespace ferry::rt
