#pragma once
/// The MySQL/MariaDB replication link: Connector/C's mariadb_rpl_open/fetch
/// (raw libmariadb, the one place Ferry uses it: DESIGN.md) opened as a replica
/// from a GTID position, handing out each binlog event whole. Decoding is
/// cdc/binlog_event.h's; the research notes are docs/research/mariadb-binlog.md.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connect/connection_spec.h"
#include "core/result.h"

namespace ferry::connect {

struct BinlogReaderOptions {
  /// Ferry's server_id as a replica: non-zero, unique among the source's replicas
  /// (a second connection with the same id makes the server end the first).
  std::uint32_t serverId = 0;
  /// Where to start: the GTID position of the last transaction already applied,
  /// per domain ("0-1-100,1-2-50"); "" = the oldest binlog the server has.
  std::string gtidStart;
  /// The server sends a HEARTBEAT event after this long without events.
  int heartbeatMs = 1000;
  /// A read that waits longer fails as a lost link (well above the heartbeat).
  int readTimeoutSeconds = 30;
};

class BinlogReader {
public:
  static core::Result<std::unique_ptr<BinlogReader>> open(const ConnectionSpec& spec, const BinlogReaderOptions& options);
  ~BinlogReader();
  BinlogReader(const BinlogReader&) = delete;
  BinlogReader& operator=(const BinlogReader&) = delete;

  /// The next event, whole (header, body, checksum); valid until the next call.
  /// Error 1236 (the binlog the position needs is gone) is said plainly.
  core::Result<std::string_view> next();
  /// From another thread: make a blocked next() fail at once.
  void abort();

private:
  struct Impl;
  explicit BinlogReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace ferry::connect
