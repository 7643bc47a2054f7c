#include "cdc/position.h"

#include <charconv>

#include "connect/pg/pg_replication.h"
#include "core/text.h"

namespace ferry::cdc {

using core::Error;
using core::ErrorKind;

std::string LogPosition::text() const {
  if (!binlog) return connect::formatLsn(lsn);
  std::string n = std::to_string(fileNumber());
  if (n.size() < 6) n.insert(0, 6 - n.size(), '0');
  return n + ":" + std::to_string(offset());
}

core::Result<LogPosition> LogPosition::parse(std::string_view whole) {
  const std::string trimmed = core::trim(whole);
  std::string_view text = trimmed;
  if (const auto space = text.rfind(' '); space != std::string_view::npos) text = text.substr(space + 1);
  if (text.find('/') != std::string_view::npos) {
    auto lsn = connect::parseLsn(text);
    if (!lsn) return std::move(lsn).error();
    return LogPosition{*lsn};
  }
  const auto colon = text.rfind(':');
  const auto bad = [&] {
    return Error(ErrorKind::Usage, "not a log position: '" + std::string(text) + "'",
                 "A PostgreSQL LSN looks like 16/B374D848, a binlog position like mariadb-bin.000003:1234.");
  };
  if (colon == std::string_view::npos) return bad();
  std::string_view file = text.substr(0, colon);
  if (const auto dot = file.rfind('.'); dot != std::string_view::npos) file = file.substr(dot + 1);
  std::uint32_t number = 0, offset = 0;
  const auto off = text.substr(colon + 1);
  if (file.empty() || std::from_chars(file.data(), file.data() + file.size(), number).ptr != file.data() + file.size() ||
      off.empty() || std::from_chars(off.data(), off.data() + off.size(), offset).ptr != off.data() + off.size()) {
    return bad();
  }
  return LogPosition::binlogAt(number, offset);
}

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
