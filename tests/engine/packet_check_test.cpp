// The pre-flight's largest-value check against a MySQL/MariaDB target's
// max_allowed_packet (#14 item 5), without servers.

#include <gtest/gtest.h>

#include "preflight/preflight.h"

namespace ferry {
namespace {

using preflight::CheckStatus;

TEST(PacketCheck, TheLargestValueAgainstMaxAllowedPacket) {
  preflight::LargestValue v;
  v.column = "public.blobs.b";
  v.bytes = 268435456;  // 256 MiB
  auto tight = preflight::checkValuesFitPacket(v, 268435456);
  EXPECT_EQ(tight.id, "target.max_allowed_packet");
  EXPECT_EQ(tight.status, CheckStatus::Fail) << "the row around the value needs room too";
  EXPECT_NE(tight.detail.find("public.blobs.b"), std::string::npos) << tight.detail;
  EXPECT_NE(tight.fix.find("SET GLOBAL max_allowed_packet"), std::string::npos);

  auto roomy = preflight::checkValuesFitPacket(v, 1073741824);
  EXPECT_EQ(roomy.status, CheckStatus::Pass);
  EXPECT_NE(roomy.detail.find("256 MB"), std::string::npos) << roomy.detail;

  v.notMeasured = {"public.huge"};
  auto unknown = preflight::checkValuesFitPacket(v, 1073741824);
  EXPECT_EQ(unknown.status, CheckStatus::Warn);
  EXPECT_NE(unknown.detail.find("public.huge"), std::string::npos) << unknown.detail;

  EXPECT_EQ(preflight::checkValuesFitPacket({}, 16777216).status, CheckStatus::Pass) << "no unbounded column";
}

}  // namespace
}  // namespace ferry
