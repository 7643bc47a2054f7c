#include "cdc/position.h"

#include <charconv>

#include "core/text.h"

namespace ferry::cdc {

using core::Error;
using core::ErrorKind;

std::string Gtid::text() const {
  return std::to_string(domain) + "-" + std::to_string(serverId) + "-" + std::to_string(seq);
}

bool GtidPosition::covers(const Gtid& g) const {
  const auto it = domains.find(g.domain);
  return it != domains.end() && it->second.seq >= g.seq;
}

bool GtidPosition::coversAll(const GtidPosition& other) const {
  for (const auto& [domain, g] : other.domains) {
    if (!covers(g)) return false;
  }
  return true;
}

std::string GtidPosition::text() const {
  std::string out;
  for (const auto& [domain, g] : domains) {
    if (!out.empty()) out += ',';
    out += g.text();
  }
  return out;
}

core::Result<GtidPosition> GtidPosition::parse(std::string_view text) {
  GtidPosition out;
  const auto bad = [&](const std::string& why) {
    return Error(ErrorKind::Data, "not a MariaDB GTID position: \"" + std::string(text) + "\" (" + why + ")",
                 "A GTID position is domain-server-sequence per domain, comma-separated: 0-1-100,1-2-50.");
  };
  for (auto part : core::split(std::string(text), ',')) {
    part = core::trim(part);
    if (part.empty()) continue;
    const auto fields = core::split(part, '-');
    if (fields.size() != 3) return bad("\"" + part + "\" has " + std::to_string(fields.size()) + " fields");
    std::uint64_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
      const auto& f = fields[static_cast<std::size_t>(i)];
      auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v[i]);
      if (ec != std::errc() || end != f.data() + f.size() || f.empty()) return bad("\"" + f + "\" is not a number");
    }
    if (v[0] > UINT32_MAX || v[1] > UINT32_MAX) return bad("a domain or server id above 2^32");
    const Gtid g{static_cast<std::uint32_t>(v[0]), static_cast<std::uint32_t>(v[1]), v[2]};
    if (out.domains.contains(g.domain)) return bad("domain " + std::to_string(g.domain) + " twice");
    out.domains[g.domain] = g;
  }
  return out;
}

}  // namespace ferry::cdc
