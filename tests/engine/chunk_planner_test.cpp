// The chunk planner: ranges cover every key exactly once, sizes follow the limits,
// and predicates are valid SQL on both engines (checked against the sandbox in
// the copy tests; here their text).

#include <gtest/gtest.h>

#include "plan/chunk_planner.h"

namespace ferry {
namespace {

using plan::Chunk;
using plan::ChunkKind;
using plan::ChunkLimits;
using plan::KeyBound;

TEST(ChunkPlanner, RowsPerChunkFollowsRowAndByteLimits) {
  EXPECT_EQ(plan::rowsPerChunk({1'000'000, 50'000'000}, {}), 100'000);  // 50 B rows: the row limit
  EXPECT_EQ(plan::rowsPerChunk({1'000'000, 4'000'000'000}, {}), 16'777);  // 4 KB rows: the byte limit
  EXPECT_EQ(plan::rowsPerChunk({0, 0}, {}), 100'000);
  EXPECT_EQ(plan::rowsPerChunk({10, 1LL << 40}, {}), 1);
}

TEST(ChunkPlanner, IntegerRangesCoverTheKeyOnce) {
  const auto chunks = plan::planIntegerRanges(1, 1'000'000, {1'000'000, 50'000'000}, {});
  ASSERT_EQ(chunks.size(), 10u);
  EXPECT_FALSE(chunks.front().lower.has_value());  // open below: rows under min still belong
  EXPECT_FALSE(chunks.back().upper.has_value());   // open above: rows over max still belong
  for (size_t i = 1; i < chunks.size(); ++i) {
    ASSERT_TRUE(chunks[i].lower.has_value());
    ASSERT_TRUE(chunks[i - 1].upper.has_value());
    EXPECT_EQ(*chunks[i].lower, *chunks[i - 1].upper) << "chunk " << i << " must start where the previous ends";
    EXPECT_EQ(chunks[i].ordinal, static_cast<int>(i));
  }
  EXPECT_EQ(chunks[1].lower->values, std::vector<std::string>{"100001"});
}

TEST(ChunkPlanner, IntegerRangesSurviveExtremeSpansAndTinyTables) {
  const auto wide = plan::planIntegerRanges(INT64_MIN, INT64_MAX, {300'000, 30'000'000}, {});
  ASSERT_EQ(wide.size(), 3u);
  for (size_t i = 1; i < wide.size(); ++i) EXPECT_EQ(*wide[i].lower, *wide[i - 1].upper);
  const auto tiny = plan::planIntegerRanges(5, 5, {1, 10}, {});
  ASSERT_EQ(tiny.size(), 1u);
  EXPECT_FALSE(tiny[0].lower.has_value());
  EXPECT_FALSE(tiny[0].upper.has_value());
  // More chunks wanted than distinct keys: no empty [x, x) chunk is produced.
  const auto dense = plan::planIntegerRanges(1, 3, {1'000'000, 1'000'000}, {});
  for (const auto& c : dense) {
    if (c.lower && c.upper) {
      EXPECT_NE(*c.lower, *c.upper);
    }
  }
  EXPECT_EQ(plan::planIntegerRanges(10, 1, {0, 0}, {}).front().kind, ChunkKind::Whole);
}

TEST(ChunkPlanner, BoundariesAndCtid) {
  const std::vector<KeyBound> b = {{{"1", "m"}}, {{"2", "c"}}};
  const auto chunks = plan::planFromBoundaries(b, {300, 0});
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_FALSE(chunks[0].lower);
  EXPECT_EQ(*chunks[0].upper, b[0]);
  EXPECT_EQ(*chunks[1].lower, b[0]);
  EXPECT_EQ(*chunks[2].lower, b[1]);
  EXPECT_FALSE(chunks[2].upper);

  const auto ctid = plan::planCtidRanges(1000, {250'000, 8'192'000}, {});  // 250 rows a page
  ASSERT_EQ(ctid.size(), 3u);
  EXPECT_EQ(ctid[0].lowerPage, 0);
  EXPECT_EQ(ctid[0].upperPage, 400);
  EXPECT_EQ(ctid[1].lowerPage, 400);
  EXPECT_EQ(ctid[2].upperPage, 0);  // open above
  for (const auto& c : ctid) EXPECT_EQ(c.kind, ChunkKind::CtidRange);

  // Sized by bytes too: 64 MB of 8 kB pages, whatever the rows (none known).
  const auto big = plan::planCtidRanges(100'000, {0, 0}, {}, 8192);
  ASSERT_EQ(big.size(), 13u);
  EXPECT_EQ(big[1].lowerPage, 8192);
  EXPECT_EQ(big[12].lowerPage, 12 * 8192);
  EXPECT_EQ(big[12].upperPage, 0);
  plan::ChunkLimits small;
  small.maxBytes = 1 << 20;  // 32 pages of 32 kB
  EXPECT_EQ(plan::planCtidRanges(100, {100, 3'276'800}, small, 32768)[0].upperPage, 32);
}

TEST(ChunkPlanner, Predicates) {
  Chunk c;
  c.kind = ChunkKind::KeyRange;
  c.lower = KeyBound{{"100"}};
  c.upper = KeyBound{{"200"}};
  EXPECT_EQ(plan::chunkPredicate(model::Engine::PostgreSQL, {"id"}, {true}, c), "\"id\" >= 100 AND \"id\" < 200");
  EXPECT_EQ(plan::chunkPredicate(model::Engine::MariaDB, {"id"}, {true}, c), "`id` >= 100 AND `id` < 200");
  Chunk composite;
  composite.kind = ChunkKind::KeyRange;
  composite.lower = KeyBound{{"7", "O'Brien"}};
  EXPECT_EQ(plan::chunkPredicate(model::Engine::PostgreSQL, {"a", "b"}, {true, false}, composite),
            "(\"a\", \"b\") >= (7, 'O''Brien')");
  Chunk ctid;
  ctid.kind = ChunkKind::CtidRange;
  ctid.lowerPage = 400;
  ctid.upperPage = 800;
  EXPECT_EQ(plan::chunkPredicate(model::Engine::PostgreSQL, {}, {}, ctid),
            "ctid >= '(400,0)'::tid AND ctid < '(800,0)'::tid");
  EXPECT_EQ(plan::chunkPredicate(model::Engine::MySQL, {}, {}, plan::planWhole({}).front()), "TRUE");
}

}  // namespace
}  // namespace ferry
