// The copy's value encodings and script splitting (no server needed).

#include <gtest/gtest.h>

#include "copy/copy_text.h"
#include "run/copy_support.h"

namespace ferry {
namespace {

TEST(CopyText, PgCopyFieldsRoundTrip) {
  const std::vector<std::optional<std::string>> values = {
      std::string("plain"), std::nullopt, std::string(""), std::string("tab\there"), std::string("line\nbreak\r"),
      std::string("back\\slash"), std::string("\\N"), std::string("é😀")};
  std::string line;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) line += '\t';
    copy::appendPgCopyField(line, values[i] ? std::optional<std::string_view>(*values[i]) : std::nullopt);
  }
  EXPECT_EQ(line.find('\n'), std::string::npos);  // one line per row
  copy::TextRow parsed;
  copy::parsePgCopyLine(line, parsed);
  ASSERT_EQ(parsed.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(parsed[i], values[i]) << i;
  std::string escaped = "x";
  copy::appendPgCopyField(escaped, std::string_view("\\a\tbc\nd\r\\"));
  EXPECT_EQ(escaped, "x\\\\a\\tbc\\nd\\r\\\\");
}

TEST(CopyText, PgCopyEscapesFromTheServer) {
  copy::TextRow parsed;
  copy::parsePgCopyLine("a\\bb\\fc\\vd\t\\101\\x41\\\\", parsed);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0], std::string("a\bb\fc\vd"));
  EXPECT_EQ(parsed[1], std::string("AA\\"));
}

TEST(CopyText, RowsCutAnywhereComeOutWhole) {
  copy::CopyTextRows rows;
  std::vector<std::string> seen;
  auto onRow = [&](const copy::CopyTextRows::Row& row) -> core::Status {
    std::string line;
    for (const auto& f : row) line += (f ? std::string(*f) : std::string("NULL")) + "|";
    seen.push_back(line);
    return {};
  };
  for (std::string_view piece : {"1\ta\\tb\n2\t", "\\N\n", "3", "\tc\n"}) ASSERT_TRUE(rows.feed(piece, onRow).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"1|a\tb|", "2|NULL|", "3|c|"}));
  // A row the callback refuses stops the feed with its error.
  auto refused = rows.feed("4\td\n", [](const copy::CopyTextRows::Row&) -> core::Status {
    return core::Error(core::ErrorKind::Data, "no");
  });
  EXPECT_FALSE(refused.ok());
}

TEST(CopyText, ByteaColumnsComeAsTheirBytesFromHexOrEscapeForm) {
  copy::CopyTextRows rows;
  rows.setByteaColumns({false, true});
  std::vector<std::string> seen;
  auto onRow = [&](const copy::CopyTextRows::Row& row) -> core::Status {
    seen.push_back(std::string(*row[0]) + "|" + (row[1] ? std::string(*row[1]) : std::string("NULL")));
    return {};
  };
  // What COPY text sends for '\x00ff5c41'::bytea (hex), the same in escape form, NULL, an empty one.
  ASSERT_TRUE(rows.feed("\\\\x00\t\\\\x00ff5c41\n", onRow).ok());
  ASSERT_TRUE(rows.feed("b\t\\\\000\\\\377\\\\\\\\A\n", onRow).ok());
  ASSERT_TRUE(rows.feed("c\t\\N\nd\t\\\\x\n", onRow).ok());
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], std::string("\\x00|") + std::string("\x00\xff\x5c\x41", 4)) << "only the flagged column is decoded";
  EXPECT_EQ(seen[1], std::string("b|") + std::string("\x00\xff\\A", 4));
  EXPECT_EQ(seen[2], "c|NULL");
  EXPECT_EQ(seen[3], "d|");
  auto bad = rows.feed("e\t\\\\x0g\n", onRow);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("bytea"), std::string::npos);
}

TEST(CopyText, MySqlLiterals) {
  std::string out;
  copy::appendMySqlLiteral(out, std::string_view("it's \\ ok"), false);
  EXPECT_EQ(out, "'it''s \\ ok'");  // the session sets NO_BACKSLASH_ESCAPES
  out.clear();
  copy::appendMySqlLiteral(out, std::string_view("\x00\xff", 2), true);
  EXPECT_EQ(out, "X'00FF'");
  out.clear();
  copy::appendMySqlLiteral(out, std::nullopt, true);
  EXPECT_EQ(out, "NULL");
}

TEST(CopyText, ScriptsSplitOutsideQuotesAndComments) {
  const auto parts = run::splitStatements(
      "-- header; with a semicolon\nCREATE TABLE \"a;b\" (x text DEFAULT 'x;''y');\n"
      "COMMENT ON TABLE t IS 'semi;colon';\n-- trailing comment only\n");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "CREATE TABLE \"a;b\" (x text DEFAULT 'x;''y')");
  EXPECT_EQ(parts[1], "COMMENT ON TABLE t IS 'semi;colon'");
}

}  // namespace
}  // namespace ferry
