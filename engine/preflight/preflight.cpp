#include "preflight/preflight.h"

#include <algorithm>

namespace ferry::preflight {

const char* checkStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Warn: return "warn";
    case CheckStatus::Fail: return "fail";
  }
  return "fail";
}

const char* roleName(Role r) { return r == Role::Source ? "source" : "target"; }

bool Report::hasFailures() const { return count(CheckStatus::Fail) > 0; }

int Report::count(CheckStatus s) const {
  return static_cast<int>(std::count_if(checks.begin(), checks.end(), [&](const CheckResult& c) { return c.status == s; }));
}

void Report::append(std::vector<CheckResult> more) {
  for (auto& c : more) checks.push_back(std::move(c));
}

nlohmann::json toJson(const Report& report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : report.checks) {
    checks.push_back({{"id", c.id},
                      {"role", roleName(c.role)},
                      {"title", c.title},
                      {"status", checkStatusName(c.status)},
                      {"detail", c.detail},
                      {"fix", c.fix}});
  }
  return {{"ok", !report.hasFailures()},
          {"summary",
           {{"pass", report.count(CheckStatus::Pass)},
            {"warn", report.count(CheckStatus::Warn)},
            {"fail", report.count(CheckStatus::Fail)}}},
          {"checks", checks}};
}

}  // namespace ferry::preflight
