// MariaDB GTID positions: parsed, printed, and compared per domain only.

#include <gtest/gtest.h>

#include "cdc/position.h"

namespace ferry {
namespace {

using cdc::Gtid;
using cdc::GtidPosition;

TEST(GtidPosition, ParsesAndPrintsInDomainOrder) {
  auto p = GtidPosition::parse("1-2-50, 0-1-100");
  ASSERT_TRUE(p.ok()) << p.error().oneLine();
  EXPECT_EQ(p->text(), "0-1-100,1-2-50");
  auto empty = GtidPosition::parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->text(), "");
  EXPECT_EQ(GtidPosition::parse("0-1-18446744073709551615")->text(), "0-1-18446744073709551615");
}

TEST(GtidPosition, RefusesWhatIsNotAPosition) {
  for (const char* bad : {"0-1", "0-1-2-3", "a-1-2", "0-1-", "0-1-100,0-2-5", "4294967296-1-1", "0-1-1x"}) {
    auto p = GtidPosition::parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_NE(p.error().hint().find("domain-server-sequence"), std::string::npos);
    }
  }
}

TEST(GtidPosition, CoversATransactionByItsOwnDomainOnly) {
  auto p = *GtidPosition::parse("0-1-100,1-2-50");
  EXPECT_TRUE(p.covers({0, 1, 100}));
  EXPECT_TRUE(p.covers({0, 7, 99})) << "sequence numbers are the domain's, whoever wrote them";
  EXPECT_FALSE(p.covers({0, 1, 101}));
  EXPECT_FALSE(p.covers({1, 2, 51})) << "domain 1 is at 50, whatever domain 0 says";
  EXPECT_TRUE(p.covers({1, 2, 7}));
  EXPECT_FALSE(p.covers({2, 1, 1})) << "a domain the position has never seen is not covered";
  p.advance({1, 2, 51});
  EXPECT_TRUE(p.covers({1, 2, 51}));
  EXPECT_EQ(p.text(), "0-1-100,1-2-51");
  EXPECT_TRUE(p.coversAll(*GtidPosition::parse("0-1-90,1-2-51")));
  EXPECT_FALSE(p.coversAll(*GtidPosition::parse("0-1-90,2-1-1")));
}

}  // namespace
}  // namespace ferry
