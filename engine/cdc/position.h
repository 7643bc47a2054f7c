#pragma once
/// Stream positions, one type per engine. PostgreSQL: a WAL LSN. MariaDB: a
/// GTID position, the last transaction applied in each replication domain. A
/// position is stored as text (run state, target table).

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ferry::cdc {

struct PgPosition {
  std::uint64_t lsn = 0;
  auto operator<=>(const PgPosition&) const = default;
  bool valid() const { return lsn != 0; }
  /// "16/B374D848"
  std::string text() const;
  static core::Result<PgPosition> parse(std::string_view text);
};

/// One MariaDB transaction's GTID: domain-server-sequence.
struct Gtid {
  std::uint32_t domain = 0;
  std::uint32_t serverId = 0;
  std::uint64_t seq = 0;
  bool operator==(const Gtid&) const = default;
  std::string text() const;  ///< "0-1-100"
};

/// MariaDB's GTID position ("0-1-100,1-2-50", @@gtid_binlog_pos and
/// @slave_connect_state): per replication domain, the last transaction it
/// covers. Sequence numbers are ordered only within a domain, so a transaction
/// is covered when its own domain's sequence has reached it — never by
/// comparing across domains (Debezium PR 7503, Maxwell 2150 got that wrong).
/// Not totally ordered: no operator<.
struct GtidPosition {
  std::map<std::uint32_t, Gtid> domains;
  /// Whether `g` is at or before this position (applied, if this is the applied position).
  bool covers(const Gtid& g) const;
  /// Moves g's domain to g.
  void advance(const Gtid& g) { domains[g.domain] = g; }
  /// Every domain of `other` covered here.
  bool coversAll(const GtidPosition& other) const;
  std::string text() const;  ///< domains in order, comma-separated; "" when empty
  static core::Result<GtidPosition> parse(std::string_view text);
};

}  // namespace ferry::cdc
