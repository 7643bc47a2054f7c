// Which target type changes only widen a column (the sync's --ddl auto-additive
// applies those by itself), as the servers print the types.

#include <gtest/gtest.h>

#include "ddl/type_widening.h"

namespace ferry {
namespace {

bool pg(const char* from, const char* to) { return ddl::isWidening(model::Engine::PostgreSQL, from, to); }
bool my(const char* from, const char* to) { return ddl::isWidening(model::Engine::MySQL, from, to); }

TEST(TypeWidening, PostgresWidenings) {
  EXPECT_TRUE(pg("integer", "bigint"));
  EXPECT_TRUE(pg("smallint", "integer"));
  EXPECT_TRUE(pg("integer", "numeric"));
  EXPECT_TRUE(pg("integer", "numeric(12,2)"));
  EXPECT_TRUE(pg("numeric(10,2)", "numeric(12,2)"));
  EXPECT_TRUE(pg("numeric(10,2)", "numeric(11,3)"));
  EXPECT_TRUE(pg("numeric(10,2)", "numeric"));
  EXPECT_TRUE(pg("character varying(10)", "character varying(200)"));
  EXPECT_TRUE(pg("character varying(10)", "character varying"));
  EXPECT_TRUE(pg("character varying(10)", "text"));
  EXPECT_TRUE(pg("real", "double precision"));
  EXPECT_TRUE(pg("timestamp(3) without time zone", "timestamp(6) without time zone"));
  EXPECT_TRUE(pg("timestamp(3) without time zone", "timestamp without time zone"));
  EXPECT_TRUE(pg("bit varying(5)", "bit varying(9)"));
}

TEST(TypeWidening, PostgresChangesThatNeedADecision) {
  EXPECT_FALSE(pg("bigint", "integer"));
  EXPECT_FALSE(pg("integer", "integer"));
  EXPECT_FALSE(pg("integer", "numeric(9,0)")) << "2147483647 has 10 digits";
  EXPECT_FALSE(pg("numeric(10,2)", "numeric(10,3)")) << "one integer digit fewer";
  EXPECT_FALSE(pg("numeric", "numeric(30,10)"));
  EXPECT_FALSE(pg("character varying(200)", "character varying(10)"));
  EXPECT_FALSE(pg("text", "character varying(10)"));
  EXPECT_FALSE(pg("character(5)", "character(10)")) << "padding changes the text";
  EXPECT_FALSE(pg("double precision", "real"));
  EXPECT_FALSE(pg("timestamp(6) without time zone", "timestamp(6) with time zone"));
  EXPECT_FALSE(pg("integer", "text"));
  EXPECT_FALSE(pg("integer[]", "bigint[]"));
}

TEST(TypeWidening, MySqlWidenings) {
  EXPECT_TRUE(my("int(11)", "bigint(20)"));
  EXPECT_TRUE(my("tinyint(4)", "smallint(6)"));
  EXPECT_TRUE(my("int(10) unsigned", "bigint(20)"));
  EXPECT_TRUE(my("int(10) unsigned", "bigint(20) unsigned"));
  EXPECT_TRUE(my("int(11)", "decimal(12,2)"));
  EXPECT_TRUE(my("decimal(10,2)", "decimal(12,4)"));
  EXPECT_TRUE(my("varchar(10)", "varchar(200)"));
  EXPECT_TRUE(my("varchar(100)", "text"));
  EXPECT_TRUE(my("varchar(20000)", "mediumtext"));
  EXPECT_TRUE(my("text", "longtext"));
  EXPECT_TRUE(my("varbinary(10)", "blob"));
  EXPECT_TRUE(my("float", "double"));
  EXPECT_TRUE(my("datetime(3)", "datetime(6)"));
  EXPECT_TRUE(my("datetime", "datetime(3)"));
}

TEST(TypeWidening, MySqlChangesThatNeedADecision) {
  EXPECT_FALSE(my("bigint(20)", "int(11)"));
  EXPECT_FALSE(my("int(11)", "int(10) unsigned")) << "negative values";
  EXPECT_FALSE(my("int(10) unsigned", "int(11)")) << "values above 2147483647";
  EXPECT_FALSE(my("varchar(20000)", "text")) << "20000 four-byte characters";
  EXPECT_FALSE(my("text", "varchar(100)"));
  EXPECT_FALSE(my("varchar(10)", "blob"));
  EXPECT_FALSE(my("char(5)", "char(10)"));
  EXPECT_FALSE(my("enum('a','b')", "enum('a','b','c')"));
  EXPECT_FALSE(my("int(11) zerofill", "bigint(20) zerofill"));
  EXPECT_FALSE(my("datetime(6)", "timestamp(6)"));
}

}  // namespace
}  // namespace ferry
