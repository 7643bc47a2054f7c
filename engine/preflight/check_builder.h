#pragma once
// Internal helper of the preflight checks: builds CheckResult values tersely.

#include <string>
#include <vector>

#include "preflight/preflight.h"

namespace ferry::preflight::detail {

class Checks {
public:
  explicit Checks(Role role) : m_role(role) {}
  void pass(std::string id, std::string title, std::string detail) {
    add(std::move(id), std::move(title), CheckStatus::Pass, std::move(detail), {});
  }
  void warn(std::string id, std::string title, std::string detail, std::string fix) {
    add(std::move(id), std::move(title), CheckStatus::Warn, std::move(detail), std::move(fix));
  }
  void fail(std::string id, std::string title, std::string detail, std::string fix) {
    add(std::move(id), std::move(title), CheckStatus::Fail, std::move(detail), std::move(fix));
  }
  /// pass when ok, else `failStatus` with the fix.
  void expect(bool ok, std::string id, std::string title, std::string detail, std::string fix,
              CheckStatus failStatus = CheckStatus::Fail) {
    add(std::move(id), std::move(title), ok ? CheckStatus::Pass : failStatus, std::move(detail),
        ok ? std::string() : std::move(fix));
  }
  std::vector<CheckResult> take() { return std::move(m_checks); }

private:
  void add(std::string id, std::string title, CheckStatus status, std::string detail, std::string fix) {
    m_checks.push_back({std::string(roleName(m_role)) + "." + id, m_role, std::move(title), status,
                        std::move(detail), std::move(fix)});
  }
  Role m_role;
  std::vector<CheckResult> m_checks;
};

/// "a, b, c and 4 more" for listing offending objects in one line.
inline std::string listSome(const std::vector<std::string>& names, size_t shown = 5) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < shown; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

/// "1 table", "3 tables".
inline std::string countNoun(size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace ferry::preflight::detail
