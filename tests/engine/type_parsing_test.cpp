// Parsing of declared type text into base names and facets (no server needed).

#include <gtest/gtest.h>

#include "introspect/introspector.h"

namespace ferry {
namespace {

using introspect::parsePgDeclaredType;

TEST(PgDeclaredType, Facets) {
  auto n = parsePgDeclaredType("numeric(10,2)");
  EXPECT_EQ(n.base, "numeric");
  EXPECT_EQ(n.precision, 10);
  EXPECT_EQ(n.scale, 2);
  auto v = parsePgDeclaredType("character varying(20)");
  EXPECT_EQ(v.base, "character varying");
  EXPECT_EQ(v.length, 20);
  auto ts = parsePgDeclaredType("timestamp(3) with time zone");
  EXPECT_EQ(ts.base, "timestamp with time zone");
  EXPECT_EQ(ts.precision, 3);
  auto iv = parsePgDeclaredType("interval day to second(2)");
  EXPECT_EQ(iv.base, "interval day to second");
  EXPECT_EQ(iv.precision, 2);
  auto arr = parsePgDeclaredType("integer[]");
  EXPECT_EQ(arr.base, "integer");
  EXPECT_EQ(arr.arrayDims, 1);
  auto plain = parsePgDeclaredType("double precision");
  EXPECT_EQ(plain.base, "double precision");
  EXPECT_FALSE(plain.precision.has_value());
  auto bits = parsePgDeclaredType("bit varying(16)");
  EXPECT_EQ(bits.length, 16);
  auto quoted = parsePgDeclaredType("\"My(Schema)\".\"T\"");
  EXPECT_EQ(quoted.base, "\"My(Schema)\".\"T\"");
  EXPECT_FALSE(quoted.precision.has_value());
}

}  // namespace
}  // namespace ferry

// ===========================================================================
// MySQL / MariaDB COLUMN_TYPE parsing (parseMySqlColumnType) — MySQL side.
// ===========================================================================

namespace ferry {
namespace {

using introspect::parseMySqlColumnType;

TEST(MySqlColumnType, IntegersWithUnsignedAndZerofill) {
  auto t = parseMySqlColumnType("int(10) unsigned zerofill");
  EXPECT_EQ(t.declared, "int(10) unsigned zerofill");
  EXPECT_EQ(t.base, "int");
  EXPECT_TRUE(t.isUnsigned);
  EXPECT_TRUE(t.zerofill);
  EXPECT_FALSE(t.length.has_value());
  EXPECT_FALSE(t.precision.has_value());
  auto s = parseMySqlColumnType("bigint(20)");
  EXPECT_EQ(s.base, "bigint");
  EXPECT_FALSE(s.isUnsigned);
  EXPECT_FALSE(s.zerofill);
  auto m8 = parseMySqlColumnType("int unsigned");  // MySQL 8.0.19+ drops the display width
  EXPECT_EQ(m8.base, "int");
  EXPECT_TRUE(m8.isUnsigned);
  EXPECT_EQ(parseMySqlColumnType("tinyint(1)").base, "tinyint");
  EXPECT_EQ(parseMySqlColumnType("TINYINT(3) UNSIGNED").base, "tinyint");
  EXPECT_TRUE(parseMySqlColumnType("TINYINT(3) UNSIGNED").isUnsigned);
}

TEST(MySqlColumnType, DecimalsAndFloats) {
  auto d = parseMySqlColumnType("decimal(12,2)");
  EXPECT_EQ(d.base, "decimal");
  EXPECT_EQ(d.precision, 12);
  EXPECT_EQ(d.scale, 2);
  auto du = parseMySqlColumnType("decimal(65,30) unsigned");
  EXPECT_EQ(du.precision, 65);
  EXPECT_EQ(du.scale, 30);
  EXPECT_TRUE(du.isUnsigned);
  auto d0 = parseMySqlColumnType("decimal(5)");
  EXPECT_EQ(d0.precision, 5);
  EXPECT_EQ(d0.scale, 0);
  auto f = parseMySqlColumnType("float(7,3)");
  EXPECT_EQ(f.base, "float");
  EXPECT_EQ(f.precision, 7);
  EXPECT_EQ(f.scale, 3);
  auto dbl = parseMySqlColumnType("double");
  EXPECT_EQ(dbl.base, "double");
  EXPECT_FALSE(dbl.precision.has_value());
  EXPECT_FALSE(dbl.scale.has_value());
  auto dz = parseMySqlColumnType("double(16,4) unsigned zerofill");
  EXPECT_EQ(dz.precision, 16);
  EXPECT_EQ(dz.scale, 4);
  EXPECT_TRUE(dz.zerofill);
}

TEST(MySqlColumnType, StringsBinariesAndBits) {
  auto v = parseMySqlColumnType("varchar(255)");
  EXPECT_EQ(v.base, "varchar");
  EXPECT_EQ(v.length, 255);
  EXPECT_EQ(parseMySqlColumnType("char(10)").length, 10);
  EXPECT_EQ(parseMySqlColumnType("binary(16)").length, 16);
  EXPECT_EQ(parseMySqlColumnType("varbinary(300)").length, 300);
  EXPECT_EQ(parseMySqlColumnType("tinytext").length, 255);
  EXPECT_EQ(parseMySqlColumnType("text").length, 65535);
  EXPECT_EQ(parseMySqlColumnType("mediumblob").length, 16777215);
  EXPECT_EQ(parseMySqlColumnType("longtext").length, 4294967295LL);
  auto b = parseMySqlColumnType("bit(8)");
  EXPECT_EQ(b.base, "bit");
  EXPECT_EQ(b.length, 8);
  EXPECT_EQ(parseMySqlColumnType("bit(64)").length, 64);
  EXPECT_EQ(parseMySqlColumnType("json").base, "json");
  EXPECT_FALSE(parseMySqlColumnType("json").length.has_value());
  EXPECT_EQ(parseMySqlColumnType("geometry").base, "geometry");
  EXPECT_EQ(parseMySqlColumnType("uuid").base, "uuid");
}

TEST(MySqlColumnType, Temporal) {
  auto dt = parseMySqlColumnType("datetime(6)");
  EXPECT_EQ(dt.base, "datetime");
  EXPECT_EQ(dt.precision, 6);
  EXPECT_EQ(parseMySqlColumnType("datetime").precision, 0);
  EXPECT_EQ(parseMySqlColumnType("timestamp(3)").precision, 3);
  EXPECT_EQ(parseMySqlColumnType("time").precision, 0);
  EXPECT_EQ(parseMySqlColumnType("year(4)").base, "year");
  EXPECT_FALSE(parseMySqlColumnType("date").precision.has_value());
}

TEST(MySqlColumnType, EnumAndSetMembers) {
  auto e = parseMySqlColumnType("enum('a','b''c')");
  EXPECT_EQ(e.base, "enum");
  EXPECT_EQ(e.values, (std::vector<std::string>{"a", "b'c"}));
  EXPECT_FALSE(e.length.has_value());
  auto s = parseMySqlColumnType("set('x','y')");
  EXPECT_EQ(s.base, "set");
  EXPECT_EQ(s.values, (std::vector<std::string>{"x", "y"}));
  // Commas, parentheses, blanks and an empty member inside the quotes are data.
  auto tricky = parseMySqlColumnType("enum('a,b','(c)',' d ','','it''s')");
  EXPECT_EQ(tricky.values, (std::vector<std::string>{"a,b", "(c)", " d ", "", "it's"}));
  // MySQL writes backslashes escaped.
  auto bs = parseMySqlColumnType("enum('back\\\\slash','x')");
  EXPECT_EQ(bs.values, (std::vector<std::string>{"back\\slash", "x"}));
  auto sakila = parseMySqlColumnType("enum('G','PG','PG-13','R','NC-17')");
  EXPECT_EQ(sakila.values.size(), 5u);
  EXPECT_EQ(sakila.values[2], "PG-13");
}

}  // namespace
}  // namespace ferry
