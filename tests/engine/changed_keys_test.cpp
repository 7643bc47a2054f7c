// The keys a sync changed, as the cutover's check asks for them (run/changed_keys.h).

#include <gtest/gtest.h>

#include "run/changed_keys.h"

namespace ferry {
namespace {

TEST(ChangedKeys, SinceAMarkListsOnlyLaterKeysNewestFirstOncePerKey) {
  run::ChangedKeys keys;
  keys.start("0/100");
  keys.add("public.items", {"1"});
  keys.add("public.items", {"2"});
  keys.mark("0/200");  // a verification held the sync here
  keys.add("public.items", {"3"});
  keys.add("public.other", {"a", "b"});
  keys.add("public.items", {"2"});  // changed again: once, and now the newest
  const auto s = keys.since("0/200");
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.since, "0/200");
  EXPECT_EQ(s.count(), 3);
  ASSERT_EQ(s.keys.at("public.items").size(), 2u);
  EXPECT_EQ(s.keys.at("public.items")[0], std::vector<std::string>{"2"});
  EXPECT_EQ(s.keys.at("public.items")[1], std::vector<std::string>{"3"});
  EXPECT_EQ(s.keys.at("public.other")[0], (std::vector<std::string>{"a", "b"}));
  // The same position however it is written.
  EXPECT_TRUE(keys.since("0/0200").complete);
}

TEST(ChangedKeys, AnUnknownPositionGivesEverythingTrackedAndSaysWhy) {
  run::ChangedKeys keys;
  keys.start("0/100");
  keys.add("public.items", {"1"});
  const auto s = keys.since("0/50");
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.since, "0/100");
  EXPECT_EQ(s.count(), 1);
  EXPECT_NE(s.reason.find("did not run through 0/50"), std::string::npos) << s.reason;
  EXPECT_NE(keys.since("").reason.find("no stream position"), std::string::npos);
  // A reconnect starts nothing over.
  keys.start("0/300");
  EXPECT_EQ(keys.since("0/100").count(), 1);
}

TEST(ChangedKeys, PastItsCapacityItStartsAgainAndSaysSo) {
  run::ChangedKeys keys(3);
  keys.start("0/100");
  keys.mark("0/200");
  for (int i = 0; i < 5; ++i) keys.add("public.items", {std::to_string(i)});
  const auto s = keys.since("0/200");
  EXPECT_FALSE(s.complete);
  EXPECT_NE(s.reason.find("more than 3 keys"), std::string::npos) << s.reason;
  EXPECT_EQ(s.count(), 2);  // the ones after it started again
}

TEST(ChangedKeys, JsonRoundTrip) {
  run::ChangedKeySet s;
  s.complete = true;
  s.since = "mariadb-bin.000003:1234";
  s.keys["db.t"] = {{"1", "x"}, {"2", "y"}};
  const auto back = run::changedKeysFromJson(run::changedKeysJson(s));
  EXPECT_EQ(back.complete, true);
  EXPECT_EQ(back.since, s.since);
  EXPECT_EQ(back.keys, s.keys);
}

}  // namespace
}  // namespace ferry
