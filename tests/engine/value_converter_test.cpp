// Value converters, value by value at each type's edges: NULL, empty strings,
// min/max integers, zero dates, microseconds, negative TIME, NaN/infinity,
// non-ASCII text and the bytes 0x00 and 0xFF.

#include <gtest/gtest.h>

#include "typemap/value_converter.h"

namespace ferry {
namespace {

using typemap::ConversionContext;
using typemap::ConversionId;

std::optional<std::string> ok(ConversionId id, std::string_view in, const ConversionContext& ctx = {}) {
  auto r = typemap::convertValue(id, in, ctx);
  EXPECT_TRUE(r.ok()) << typemap::conversionName(id) << " '" << in << "': " << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : std::nullopt;
}

std::string fails(ConversionId id, std::string_view in, const ConversionContext& ctx = {}) {
  auto r = typemap::convertValue(id, in, ctx);
  EXPECT_FALSE(r.ok()) << typemap::conversionName(id) << " '" << in << "' converted to '" << (r.ok() && *r ? **r : "NULL") << "'";
  if (r.ok()) return {};
  EXPECT_EQ(r.error().kind(), core::ErrorKind::Data);
  return r.error().message();
}

using S = std::optional<std::string>;

TEST(ValueConverter, NullStaysNullForEveryConversion) {
  for (int i = 0; i <= static_cast<int>(ConversionId::PgMoneyToDecimal); ++i) {
    const auto id = static_cast<ConversionId>(i);
    auto r = typemap::convertValue(id, std::nullopt, {});
    ASSERT_TRUE(r.ok()) << typemap::conversionName(id);
    EXPECT_FALSE(r->has_value()) << typemap::conversionName(id);
    EXPECT_STRNE(typemap::conversionName(id), "");
  }
}

TEST(ValueConverter, IdentityAndUnsupported) {
  EXPECT_EQ(ok(ConversionId::Identity, ""), S(""));
  EXPECT_EQ(ok(ConversionId::Identity, "-2147483648"), S("-2147483648"));
  EXPECT_EQ(ok(ConversionId::Identity, "Zoë 東京"), S("Zoë 東京"));
  fails(ConversionId::Unsupported, "POINT(1 2)");
}

TEST(ValueConverter, MySqlTinyintToBool) {
  EXPECT_EQ(ok(ConversionId::MySqlTinyintToBool, "0"), S("f"));
  EXPECT_EQ(ok(ConversionId::MySqlTinyintToBool, "1"), S("t"));
  EXPECT_EQ(ok(ConversionId::MySqlTinyintToBool, "2"), S("t"));
  EXPECT_EQ(ok(ConversionId::MySqlTinyintToBool, "-128"), S("t"));
  EXPECT_EQ(ok(ConversionId::MySqlTinyintToBool, "127"), S("t"));
  fails(ConversionId::MySqlTinyintToBool, "");
  fails(ConversionId::MySqlTinyintToBool, "yes");
}

TEST(ValueConverter, MySqlUnsignedBigintChecked) {
  EXPECT_EQ(ok(ConversionId::MySqlUnsignedBigintChecked, "0"), S("0"));
  EXPECT_EQ(ok(ConversionId::MySqlUnsignedBigintChecked, "9223372036854775807"), S("9223372036854775807"));
  EXPECT_EQ(fails(ConversionId::MySqlUnsignedBigintChecked, "18446744073709551615"),
            "value 18446744073709551615 exceeds bigint (max 9223372036854775807)");
  fails(ConversionId::MySqlUnsignedBigintChecked, "9223372036854775808");
  fails(ConversionId::MySqlUnsignedBigintChecked, "-1");
}

TEST(ValueConverter, MySqlZeroDates) {
  ConversionContext nullMode;
  ConversionContext sentinel;
  sentinel.zeroDateAs = typemap::ZeroDateAs::Sentinel;
  EXPECT_EQ(ok(ConversionId::MySqlDate, "0000-00-00", nullMode), std::nullopt);
  EXPECT_EQ(ok(ConversionId::MySqlDate, "2024-00-15", nullMode), std::nullopt);
  EXPECT_EQ(ok(ConversionId::MySqlDate, "2024-05-00", sentinel), S("0001-01-01"));
  EXPECT_EQ(ok(ConversionId::MySqlDate, "1000-01-01"), S("1000-01-01"));
  EXPECT_EQ(ok(ConversionId::MySqlDate, "9999-12-31"), S("9999-12-31"));
  EXPECT_EQ(ok(ConversionId::MySqlDatetime, "0000-00-00 00:00:00", sentinel), S("0001-01-01 00:00:00"));
  EXPECT_EQ(ok(ConversionId::MySqlDatetime, "0000-00-00 00:00:00.000000", nullMode), std::nullopt);
  EXPECT_EQ(ok(ConversionId::MySqlDatetime, "9999-12-31 23:59:59.999999"), S("9999-12-31 23:59:59.999999"));
}

TEST(ValueConverter, MySqlDatetimeAndTimestampToTimestamptz) {
  ConversionContext ctx;
  EXPECT_EQ(ok(ConversionId::MySqlDatetimeToTimestamptz, "2024-01-01 10:00:00.123456", ctx), S("2024-01-01 10:00:00.123456+00"));
  ctx.timeZone = "+02:00";
  EXPECT_EQ(ok(ConversionId::MySqlDatetimeToTimestamptz, "2024-01-01 10:00:00", ctx), S("2024-01-01 10:00:00+02:00"));
  ctx.timeZone = "Europe/Berlin";
  EXPECT_EQ(ok(ConversionId::MySqlDatetimeToTimestamptz, "2024-07-01 10:00:00", ctx), S("2024-07-01 10:00:00 Europe/Berlin"));
  EXPECT_EQ(ok(ConversionId::MySqlDatetimeToTimestamptz, "0000-00-00 00:00:00", ctx), std::nullopt);
  EXPECT_EQ(ok(ConversionId::MySqlTimestampToTimestamptz, "2038-01-19 03:14:07.999999"), S("2038-01-19 03:14:07.999999+00"));
  EXPECT_EQ(ok(ConversionId::MySqlTimestampToTimestamptz, "1970-01-01 00:00:01"), S("1970-01-01 00:00:01+00"));
  EXPECT_EQ(ok(ConversionId::MySqlTimestampToTimestamptz, "0000-00-00 00:00:00"), std::nullopt);
}

TEST(ValueConverter, MySqlTime) {
  EXPECT_EQ(ok(ConversionId::MySqlTimeToInterval, "-838:59:59"), S("-838:59:59"));
  EXPECT_EQ(ok(ConversionId::MySqlTimeToInterval, "838:59:59.000000"), S("838:59:59.000000"));
  EXPECT_EQ(ok(ConversionId::MySqlTimeToInterval, "-00:00:00.000001"), S("-00:00:00.000001"));
  fails(ConversionId::MySqlTimeToInterval, "839:00:00");
  fails(ConversionId::MySqlTimeToInterval, "12:61:00");
  EXPECT_EQ(ok(ConversionId::MySqlTimeToTime, "23:59:59.999999"), S("23:59:59.999999"));
  EXPECT_EQ(ok(ConversionId::MySqlTimeToTime, "24:00:00"), S("24:00:00"));
  fails(ConversionId::MySqlTimeToTime, "24:00:01");
  fails(ConversionId::MySqlTimeToTime, "-00:00:01");
  fails(ConversionId::MySqlTimeToTime, "100:00:00");
}

TEST(ValueConverter, MySqlYear2) {
  EXPECT_EQ(ok(ConversionId::MySqlYear2ToYear, "70"), S("1970"));
  EXPECT_EQ(ok(ConversionId::MySqlYear2ToYear, "99"), S("1999"));
  EXPECT_EQ(ok(ConversionId::MySqlYear2ToYear, "00"), S("2000"));
  EXPECT_EQ(ok(ConversionId::MySqlYear2ToYear, "69"), S("2069"));
  EXPECT_EQ(ok(ConversionId::MySqlYear2ToYear, "2155"), S("2155"));
  fails(ConversionId::MySqlYear2ToYear, "7");
}

TEST(ValueConverter, MySqlBitToBitString) {
  ConversionContext ctx;
  ctx.bitLength = 5;
  EXPECT_EQ(ok(ConversionId::MySqlBitToBitString, std::string_view("\x05", 1), ctx), S("00101"));
  EXPECT_EQ(ok(ConversionId::MySqlBitToBitString, std::string_view("\x00", 1), ctx), S("00000"));
  EXPECT_EQ(ok(ConversionId::MySqlBitToBitString, std::string_view("\x1f", 1), ctx), S("11111"));
  fails(ConversionId::MySqlBitToBitString, std::string_view("\xff", 1), ctx);
  ctx.bitLength = 64;
  EXPECT_EQ(ok(ConversionId::MySqlBitToBitString, std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff", 8), ctx),
            S(std::string(64, '1')));
  ctx.bitLength = 16;
  EXPECT_EQ(ok(ConversionId::MySqlBitToBitString, std::string_view("\x01", 1), ctx), S("0000000000000001"));
}

TEST(ValueConverter, MySqlSetToTextArray) {
  EXPECT_EQ(ok(ConversionId::MySqlSetToTextArray, "a,b"), S("{\"a\",\"b\"}"));
  EXPECT_EQ(ok(ConversionId::MySqlSetToTextArray, ""), S("{}"));
  EXPECT_EQ(ok(ConversionId::MySqlSetToTextArray, "x"), S("{\"x\"}"));
  EXPECT_EQ(ok(ConversionId::MySqlSetToTextArray, "a\"q,b\\s,é"), S("{\"a\\\"q\",\"b\\\\s\",\"é\"}"));
}

TEST(ValueConverter, MySqlEnumChecked) {
  ConversionContext ctx;
  ctx.members = {"new", "paid"};
  EXPECT_EQ(ok(ConversionId::MySqlEnumChecked, "paid", ctx), S("paid"));
  EXPECT_EQ(fails(ConversionId::MySqlEnumChecked, "", ctx), "value '' is MySQL's invalid-ENUM marker, not a member");
  ctx.members = {"", "new"};
  EXPECT_EQ(ok(ConversionId::MySqlEnumChecked, "", ctx), S(""));
}

TEST(ValueConverter, MySqlTextAndBytes) {
  EXPECT_EQ(ok(ConversionId::MySqlTextToPgText, ""), S(""));
  EXPECT_EQ(ok(ConversionId::MySqlTextToPgText, "naïve 😀"), S("naïve 😀"));
  fails(ConversionId::MySqlTextToPgText, std::string_view("a\0b", 3));
  EXPECT_EQ(ok(ConversionId::MySqlBytesToBytea, std::string_view("\x00\xff\x10", 3)), S("\\x00ff10"));
  EXPECT_EQ(ok(ConversionId::MySqlBytesToBytea, ""), S("\\x"));
}

TEST(ValueConverter, MySqlJsonToJsonb) {
  EXPECT_EQ(ok(ConversionId::MySqlJsonToJsonb, "{\"a\": [1, \"é\"]}"), S("{\"a\": [1, \"é\"]}"));
  fails(ConversionId::MySqlJsonToJsonb, "{\"a\": \"x\\u0000y\"}");
  EXPECT_EQ(ok(ConversionId::MySqlJsonToJsonb, "{\"a\": \"\\\\u0000\"}"), S("{\"a\": \"\\\\u0000\"}"));  // an escaped backslash
}

TEST(ValueConverter, PgBoolToTinyint) {
  EXPECT_EQ(ok(ConversionId::PgBoolToTinyint, "t"), S("1"));
  EXPECT_EQ(ok(ConversionId::PgBoolToTinyint, "f"), S("0"));
  fails(ConversionId::PgBoolToTinyint, "");
}

TEST(ValueConverter, PgNumericToDecimal) {
  ConversionContext ctx;
  ctx.precision = 65;
  ctx.scale = 30;
  const std::string maxInt(35, '9');
  EXPECT_EQ(ok(ConversionId::PgNumericToDecimal, maxInt + "." + std::string(30, '9'), ctx), S(maxInt + "." + std::string(30, '9')));
  fails(ConversionId::PgNumericToDecimal, "1" + maxInt, ctx);
  fails(ConversionId::PgNumericToDecimal, "0." + std::string(31, '1'), ctx);
  EXPECT_EQ(ok(ConversionId::PgNumericToDecimal, "1.5000000000000000000000000000000000", ctx), S("1.5000000000000000000000000000000000"));
  EXPECT_EQ(fails(ConversionId::PgNumericToDecimal, "NaN", ctx), "value NaN has no MySQL DECIMAL form");
  fails(ConversionId::PgNumericToDecimal, "Infinity", ctx);
  fails(ConversionId::PgNumericToDecimal, "-Infinity", ctx);
  ctx.precision = 10;
  ctx.scale = 2;
  EXPECT_EQ(ok(ConversionId::PgNumericToDecimal, "-99999999.99", ctx), S("-99999999.99"));
  EXPECT_EQ(ok(ConversionId::PgNumericToDecimal, "0.00", ctx), S("0.00"));
}

TEST(ValueConverter, PgFloatToDouble) {
  EXPECT_EQ(ok(ConversionId::PgFloatToDouble, "1.7976931348623157e+308"), S("1.7976931348623157e+308"));
  EXPECT_EQ(ok(ConversionId::PgFloatToDouble, "-0"), S("-0"));
  EXPECT_EQ(ok(ConversionId::PgFloatToDouble, "5e-324"), S("5e-324"));
  fails(ConversionId::PgFloatToDouble, "NaN");
  fails(ConversionId::PgFloatToDouble, "Infinity");
  fails(ConversionId::PgFloatToDouble, "-Infinity");
}

TEST(ValueConverter, PgDatesAndTimestamps) {
  EXPECT_EQ(ok(ConversionId::PgDateToDate, "1000-01-01"), S("1000-01-01"));
  EXPECT_EQ(ok(ConversionId::PgDateToDate, "9999-12-31"), S("9999-12-31"));
  EXPECT_EQ(fails(ConversionId::PgDateToDate, "infinity"), "value infinity has no MySQL DATE/DATETIME form");
  fails(ConversionId::PgDateToDate, "-infinity");
  fails(ConversionId::PgDateToDate, "0999-12-31");
  fails(ConversionId::PgDateToDate, "0044-03-15 BC");
  fails(ConversionId::PgDateToDate, "10000-01-01");
  EXPECT_EQ(ok(ConversionId::PgTimestampToDatetime, "2024-02-29 23:59:59.999999"), S("2024-02-29 23:59:59.999999"));
  fails(ConversionId::PgTimestampToDatetime, "infinity");
  fails(ConversionId::PgTimestampToDatetime, "0001-01-01 00:00:00 BC");
}

TEST(ValueConverter, PgTimestamptzToUtcDatetime) {
  EXPECT_EQ(ok(ConversionId::PgTimestamptzToUtcDatetime, "2024-01-01 10:00:00+02"), S("2024-01-01 08:00:00"));
  EXPECT_EQ(ok(ConversionId::PgTimestamptzToUtcDatetime, "2024-01-01 01:00:00.123456+02"), S("2023-12-31 23:00:00.123456"));
  EXPECT_EQ(ok(ConversionId::PgTimestamptzToUtcDatetime, "2024-02-28 22:30:00-05:30"), S("2024-02-29 04:00:00"));
  EXPECT_EQ(ok(ConversionId::PgTimestamptzToUtcDatetime, "1900-01-01 00:00:00+00:19:32"), S("1899-12-31 23:40:28"));
  EXPECT_EQ(ok(ConversionId::PgTimestamptzToUtcDatetime, "9999-12-31 23:59:59.999999+00"), S("9999-12-31 23:59:59.999999"));
  fails(ConversionId::PgTimestamptzToUtcDatetime, "9999-12-31 23:00:00-02");
  fails(ConversionId::PgTimestamptzToUtcDatetime, "infinity");
  fails(ConversionId::PgTimestamptzToUtcDatetime, "0500-01-01 00:00:00+00");
}

TEST(ValueConverter, PgIntervalToTime) {
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "00:00:00"), S("00:00:00"));
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "1 day 02:00:00"), S("26:00:00"));
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "-838:59:59"), S("-838:59:59"));
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "34 days 22:59:59"), S("838:59:59"));
  fails(ConversionId::PgIntervalToTime, "34 days 22:59:59.5");  // TIME stops at 838:59:59.000000
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "-3 days"), S("-72:00:00"));
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "1 day -02:00:00"), S("22:00:00"));
  EXPECT_EQ(ok(ConversionId::PgIntervalToTime, "-00:00:00.000001"), S("-00:00:00.000001"));
  fails(ConversionId::PgIntervalToTime, "839:00:00");
  fails(ConversionId::PgIntervalToTime, "1 mon");
  fails(ConversionId::PgIntervalToTime, "1 year 00:00:01");
  fails(ConversionId::PgIntervalToTime, "P1D");
}

TEST(ValueConverter, PgByteaToBytes) {
  EXPECT_EQ(ok(ConversionId::PgByteaToBytes, "\\x00ff"), S(std::string("\x00\xff", 2)));
  EXPECT_EQ(ok(ConversionId::PgByteaToBytes, "\\x"), S(""));
  EXPECT_EQ(ok(ConversionId::PgByteaToBytes, "a\\000\\377\\\\"), S(std::string("a\x00\xff\\", 4)));  // escape format
  fails(ConversionId::PgByteaToBytes, "\\x0");
  fails(ConversionId::PgByteaToBytes, "\\xzz");
}

TEST(ValueConverter, PgBitToMySqlBit) {
  ConversionContext ctx;
  ctx.bitLength = 5;
  EXPECT_EQ(ok(ConversionId::PgBitToMySqlBit, "00101", ctx), S("\x05"));
  EXPECT_EQ(ok(ConversionId::PgBitToMySqlBit, "00000", ctx), S(std::string(1, '\0')));
  ctx.bitLength = 16;
  EXPECT_EQ(ok(ConversionId::PgBitToMySqlBit, "1111111100000000", ctx), S(std::string("\xff\x00", 2)));
  ctx.bitLength = 64;
  EXPECT_EQ(ok(ConversionId::PgBitToMySqlBit, std::string(64, '1'), ctx), S(std::string(8, '\xff')));
  fails(ConversionId::PgBitToMySqlBit, "012", ctx);
}

TEST(ValueConverter, PgArrayToJson) {
  ConversionContext num;
  num.arrayElement = typemap::JsonElement::Number;
  EXPECT_EQ(ok(ConversionId::PgArrayToJson, "{1,2}", num), S("[1,2]"));
  EXPECT_EQ(ok(ConversionId::PgArrayToJson, "{}", num), S("[]"));
  EXPECT_EQ(ok(ConversionId::PgArrayToJson, "{{1,NULL},{-9223372036854775808,4}}", num), S("[[1,null],[-9223372036854775808,4]]"));
  fails(ConversionId::PgArrayToJson, "{1,NaN}", num);
  fails(ConversionId::PgArrayToJson, "[0:1]={1,2}", num);
  ConversionContext text;
  EXPECT_EQ(ok(ConversionId::PgArrayToJson, "{a,\"b c\",NULL,\"NULL\",\"q\\\"x\",\"\",é}", text),
            S("[\"a\",\"b c\",null,\"NULL\",\"q\\\"x\",\"\",\"é\"]"));
  EXPECT_EQ(ok(ConversionId::PgArrayToJson, "{\"back\\\\slash\",\"tab\there\"}", text), S("[\"back\\\\slash\",\"tab\\there\"]"));
  ConversionContext boolean;
  boolean.arrayElement = typemap::JsonElement::Boolean;
  EXPECT_EQ(ok(ConversionId::PgArrayToJson, "{t,f,NULL}", boolean), S("[true,false,null]"));
  fails(ConversionId::PgArrayToJson, "{1,2", num);
}

TEST(ValueConverter, PgMoneyToDecimal) {
  EXPECT_EQ(ok(ConversionId::PgMoneyToDecimal, "$1,234.50"), S("1234.50"));
  EXPECT_EQ(ok(ConversionId::PgMoneyToDecimal, "-$92,233,720,368,547,758.08"), S("-92233720368547758.08"));
  EXPECT_EQ(ok(ConversionId::PgMoneyToDecimal, "($1.00)"), S("-1.00"));
  fails(ConversionId::PgMoneyToDecimal, "$");
}

}  // namespace
}  // namespace ferry
