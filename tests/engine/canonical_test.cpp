// The canonical forms of docs/verification.md, value class by value class:
// what must compare equal across the two engines' spellings, and what must not.

#include <gtest/gtest.h>

#include "verify/canonical.h"

namespace ferry::verify {
namespace {

std::string c(ValueClass k, std::string_view v) { return canonical(k, v); }

TEST(Canonical, IntegersAndNumerics) {
  EXPECT_EQ(c(ValueClass::Integer, "007"), "7");
  EXPECT_EQ(c(ValueClass::Integer, "-0"), "0");
  EXPECT_EQ(c(ValueClass::Integer, "+12"), "12");
  EXPECT_EQ(c(ValueClass::Integer, "12a"), "?12a");
  EXPECT_EQ(c(ValueClass::Numeric, "1.50"), "1.5");
  EXPECT_EQ(c(ValueClass::Numeric, "1.5"), c(ValueClass::Numeric, "01.500"));
  EXPECT_EQ(c(ValueClass::Numeric, "-0.00"), "0");
  EXPECT_EQ(c(ValueClass::Numeric, "10"), "10");
  EXPECT_EQ(c(ValueClass::Numeric, "100.000"), "100");
  EXPECT_EQ(c(ValueClass::Numeric, ".5"), "0.5");
  EXPECT_EQ(c(ValueClass::Numeric, "NaN"), "NaN");
  EXPECT_NE(c(ValueClass::Numeric, "1.01"), c(ValueClass::Numeric, "1.1"));
}

TEST(Canonical, FloatsCompareAsTheirBinaryValue) {
  // PostgreSQL prints the shortest exact text, MariaDB an exponent without '+'.
  EXPECT_EQ(c(ValueClass::Float8, "1e+20"), c(ValueClass::Float8, "1e20"));
  EXPECT_EQ(c(ValueClass::Float8, "0.1"), c(ValueClass::Float8, "0.10000000000000001"));
  EXPECT_NE(c(ValueClass::Float8, "0.1"), c(ValueClass::Float8, "0.10000000000000002"));
  EXPECT_EQ(c(ValueClass::Float8, "-0"), "0");
  // A MariaDB FLOAT read as DOUBLE equals PostgreSQL's real text of the same float.
  EXPECT_EQ(c(ValueClass::Float4, "0.3333333432674408"), c(ValueClass::Float4, "0.33333334"));
  EXPECT_NE(c(ValueClass::Float4, "0.33333334"), c(ValueClass::Float4, "0.33333337"));
  EXPECT_EQ(c(ValueClass::Float8, "Infinity"), c(ValueClass::Float8, "inf"));
}

TEST(Canonical, BooleansTemporalsAndIntervals) {
  EXPECT_EQ(c(ValueClass::Bool, "t"), "true");
  EXPECT_EQ(c(ValueClass::Bool, "1"), "true");
  EXPECT_EQ(c(ValueClass::Bool, "f"), "false");
  EXPECT_EQ(c(ValueClass::Timestamp, "2024-01-01 10:00:00"), "2024-01-01T10:00:00.000000");
  EXPECT_EQ(c(ValueClass::Timestamp, "2024-01-01 10:00:00.5"), c(ValueClass::Timestamp, "2024-01-01 10:00:00.500000"));
  EXPECT_NE(c(ValueClass::Timestamp, "2024-01-01 10:00:00.000001"), c(ValueClass::Timestamp, "2024-01-01 10:00:00"));
  // Offsets are applied: the same instant in two zones is one value.
  EXPECT_EQ(c(ValueClass::TimestampTz, "2024-01-01 10:00:00+02"), "2024-01-01T08:00:00.000000Z");
  EXPECT_EQ(c(ValueClass::TimestampTz, "2024-01-01 01:30:00+05:30"), "2023-12-31T20:00:00.000000Z");
  EXPECT_EQ(c(ValueClass::TimestampTz, "2024-02-28 23:00:00-02"), "2024-02-29T01:00:00.000000Z");
  EXPECT_EQ(c(ValueClass::TimestampTz, "infinity"), "infinity");
  EXPECT_EQ(c(ValueClass::Time, "26:00:00"), "26:00:00.000000");
  EXPECT_EQ(c(ValueClass::Time, "-838:59:59.5"), "-838:59:59.500000");
  EXPECT_EQ(c(ValueClass::Interval, "1 year 2 mons 3 days 04:05:06.5"), "P14M3DT14706500000U");
  EXPECT_EQ(c(ValueClass::Interval, "-838:59:59.5"), c(ValueClass::Interval, "-838:59:59.500"));
  EXPECT_EQ(c(ValueClass::Interval, "00:00:00"), "P0M0DT0U");
  // Stored and printed differently (a faithful copy keeps the form), so not the same value here.
  EXPECT_NE(c(ValueClass::Interval, "1 day"), c(ValueClass::Interval, "24:00:00"));
}

TEST(Canonical, BytesJsonArraysAndText) {
  EXPECT_EQ(c(ValueClass::Bytes, std::string_view("\x00\xff", 2)), "00ff");
  EXPECT_EQ(c(ValueClass::ByteaHex, "\\x00FF"), "00ff");
  EXPECT_EQ(c(ValueClass::Json, R"({"b": [1, 2], "a": {"y": 1, "x": null}})"), R"({"a":{"x":null,"y":1},"b":[1,2]})");
  EXPECT_NE(c(ValueClass::Json, R"({"a": 1})"), c(ValueClass::Json, R"({"a": "1"})"));
  EXPECT_EQ(c(ValueClass::PgArray, R"({a,"b c",NULL})"), R"({"a","b c",NULL})");
  EXPECT_EQ(c(ValueClass::PgArray, R"({"a","b c","NULL"})"), R"({"a","b c","NULL"})");  // the text NULL stays text
  EXPECT_EQ(c(ValueClass::PgArray, R"({{1,2},{3,4}})"), R"({{"1","2"},{"3","4"}})");
  EXPECT_EQ(c(ValueClass::Text, "a "), "a ");  // a trailing space counts in text…
  EXPECT_EQ(c(ValueClass::PaddedChar, "a   "), "a");  // …not in CHAR(n)
  EXPECT_EQ(c(ValueClass::Uuid, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

TEST(Canonical, NullIsNotTheEmptyString) {
  EXPECT_NE(hashValue(std::nullopt), hashValue(std::string_view("")));
  EXPECT_NE(hashValue(std::string_view("a")), hashValue(std::string_view("b")));
}

TEST(Canonical, BytesHashAlikeFromABlobAndFromByteaHex) {
  std::string scratch;
  const std::string raw("\x00\xff\x10" "ab", 5);
  const auto blob = hashCanonical(ValueClass::Bytes, raw, scratch);
  EXPECT_EQ(hashCanonical(ValueClass::ByteaHex, "\\x00ff106162", scratch), blob);
  EXPECT_EQ(hashCanonical(ValueClass::ByteaHex, "\\x00FF106162", scratch), blob);  // hex case does not count
  EXPECT_NE(hashCanonical(ValueClass::ByteaHex, "\\x00ff106163", scratch), blob);  // one byte more or other
  EXPECT_NE(hashCanonical(ValueClass::ByteaHex, "\\x00ff1061", scratch), blob);
  EXPECT_NE(hashCanonical(ValueClass::Bytes, std::string_view(), scratch), hashValue(std::nullopt));
  // Not bytea text: compared as the unparsable text it is.
  EXPECT_EQ(hashCanonical(ValueClass::ByteaHex, "0a0b", scratch), hashValue(std::string_view("?0a0b")));
}

TEST(Canonical, JsonHashIgnoresKeyOrderAndSpacingButNotValues) {
  std::string scratch;
  const auto h = [&](std::string_view j) { return hashCanonical(ValueClass::Json, j, scratch); };
  EXPECT_EQ(h(R"({"b": [1, 2.5, {"y": null, "x": true}], "a": "s"})"), h(R"({"a":"s","b":[1,2.5,{"x":true,"y":null}]})"));
  EXPECT_EQ(h("1.0"), h("1.00"));  // numbers as doubles print
  EXPECT_EQ(h(R"({"a":1,"a":2})"), h(R"({"a":2})"));  // the last of duplicate keys, as jsonb keeps it
  EXPECT_NE(h("[1,2]"), h("[2,1]"));                 // arrays keep their order
  EXPECT_NE(h(R"({"a":[1]})"), h(R"({"a":1})"));
  EXPECT_NE(h(R"({"a":"1"})"), h(R"({"a":1})"));
  EXPECT_NE(h(R"({"a":{}})"), h(R"({"a":[]})"));
  EXPECT_NE(h(R"({"ab":1,"c":2})"), h(R"({"a":1,"bc":2})"));  // keys are length-prefixed
  EXPECT_EQ(h("{not json"), hashValue(std::string_view("?{not json")));
  // A 20 MB document: hashed from the parser's events, equal to itself spelled differently.
  std::string big = "[";
  std::string spaced = "[ ";
  for (int i = 0; i < 200000; ++i) {
    const std::string n = std::to_string(i);
    big += (i ? "," : "") + std::string("{\"k\":") + n + ",\"v\":\"" + std::string(80, 'x') + "\"}";
    spaced += (i ? ", " : "") + std::string("{ \"v\" : \"") + std::string(80, 'x') + "\", \"k\" : " + n + " }";
  }
  big += "]";
  spaced += " ]";
  EXPECT_EQ(h(big), h(spaced));
}

TEST(Canonical, ClassesFromTargetTypes) {
  using model::Engine;
  EXPECT_EQ(classify(Engine::PostgreSQL, "numeric(10,2)"), ValueClass::Numeric);
  EXPECT_EQ(classify(Engine::PostgreSQL, "timestamp(6) with time zone"), ValueClass::TimestampTz);
  EXPECT_EQ(classify(Engine::PostgreSQL, "timestamp(3) without time zone"), ValueClass::Timestamp);
  EXPECT_EQ(classify(Engine::PostgreSQL, "text[]"), ValueClass::PgArray);
  EXPECT_EQ(classify(Engine::PostgreSQL, "real"), ValueClass::Float4);
  EXPECT_EQ(classify(Engine::PostgreSQL, "character(10)"), ValueClass::PaddedChar);
  EXPECT_EQ(classify(Engine::PostgreSQL, "character varying(10)"), ValueClass::Text);
  EXPECT_EQ(classify(Engine::PostgreSQL, "\"shop\".\"mood\""), ValueClass::Text);
  EXPECT_EQ(classify(Engine::MariaDB, "DATETIME(6)"), ValueClass::Timestamp);
  EXPECT_EQ(classify(Engine::MariaDB, "BIGINT UNSIGNED"), ValueClass::Integer);
  EXPECT_EQ(classify(Engine::MariaDB, "LONGBLOB"), ValueClass::Bytes);
  EXPECT_EQ(classify(Engine::MariaDB, "FLOAT"), ValueClass::Float4);
  EXPECT_EQ(classify(Engine::MariaDB, "REAL"), ValueClass::Float8);
  EXPECT_EQ(classify(Engine::MariaDB, "tinyint(1)"), ValueClass::Integer);
}

}  // namespace
}  // namespace ferry::verify
