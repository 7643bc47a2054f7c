// The project file: round trip, no password ever stored, unknown keys kept.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "plan/project.h"

namespace ferry {
namespace {

TEST(Project, StripsPasswordsAndRoundTrips) {
  plan::Project p;
  p.name = "Shop";
  p.source.url = "mysql://app:S3cr3t@src:3306/shop?ssl-mode=REQUIRED";
  p.target.url = "postgresql://app:pw@dst/shop";
  p.schemas = {"shop"};
  p.extra["future_section"] = {{"x", 1}};
  const std::string path = "/tmp/ferry-project-test.ferry.json";
  ASSERT_TRUE(p.save(path).ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  EXPECT_EQ(text.find("S3cr3t"), std::string::npos);
  EXPECT_EQ(text.find(":pw@"), std::string::npos);
  auto back = plan::Project::load(path);
  ASSERT_TRUE(back.ok()) << back.error().oneLine();
  EXPECT_EQ(back->name, "Shop");
  EXPECT_EQ(back->source.url, "mysql://app@src:3306/shop?ssl-mode=REQUIRED");
  EXPECT_EQ(back->target.url, "postgresql://app@dst/shop");
  EXPECT_EQ(back->schemas, std::vector<std::string>{"shop"});
  EXPECT_EQ(back->extra["future_section"]["x"], 1);
  std::remove(path.c_str());
}

TEST(Project, RejectsForeignAndBrokenFiles) {
  auto notOurs = plan::Project::fromJson(nlohmann::json{{"hello", 1}});
  ASSERT_FALSE(notOurs.ok());
  EXPECT_EQ(notOurs.error().kind(), core::ErrorKind::Usage);
  auto newer = plan::Project::fromJson(nlohmann::json{{"ferry_project", 99}});
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().kind(), core::ErrorKind::Unsupported);
  const std::string path = "/tmp/ferry-project-broken.json";
  std::ofstream(path) << "{ not json";
  auto broken = plan::Project::load(path);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message().find("not valid JSON"), std::string::npos);
  std::remove(path.c_str());
  auto missing = plan::Project::load("/nonexistent/dir/p.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind(), core::ErrorKind::Io);
}

TEST(Project, StripPassword) {
  EXPECT_EQ(plan::stripPassword("mysql://u:p@h/"), "mysql://u@h/");
  EXPECT_EQ(plan::stripPassword("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(plan::stripPassword("postgresql://h/db"), "postgresql://h/db");
}

}  // namespace
}  // namespace ferry
