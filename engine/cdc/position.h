#pragma once
/// Stream positions, one type per engine. PostgreSQL: a WAL LSN. The
/// MySQL/MariaDB position (binlog file and offset, GTID) comes with the binlog
/// source (part 2). A position is stored as text (run state, target table) and
/// compared as a number.

#include <compare>
#include <cstdint>
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

}  // namespace ferry::cdc
