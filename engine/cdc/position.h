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

/// A point in the source's log, totally ordered within one source server.
/// PostgreSQL: a WAL LSN. MariaDB: the binlog file's number and the offset in
/// it (file << 32 | offset) — the order the server wrote its transactions in;
/// the GTID position (below) is what a MariaDB stream resumes from.
struct LogPosition {
  std::uint64_t lsn = 0;
  bool binlog = false;
  auto operator<=>(const LogPosition&) const = default;
  bool valid() const { return lsn != 0; }
  static LogPosition binlogAt(std::uint32_t fileNumber, std::uint32_t offset) {
    return {(static_cast<std::uint64_t>(fileNumber) << 32) | offset, true};
  }
  std::uint32_t fileNumber() const { return static_cast<std::uint32_t>(lsn >> 32); }
  std::uint32_t offset() const { return static_cast<std::uint32_t>(lsn); }
  /// "16/B374D848"; a binlog position: the file's number and offset, "000003:1234".
  std::string text() const;
  /// Either form; a binlog position may name its file ("mariadb-bin.000003:1234")
  /// and may follow a GTID position ("0-1-100 mariadb-bin.000003:1234": the last word counts).
  static core::Result<LogPosition> parse(std::string_view text);
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
