#pragma once
/// Streaming reads and consistent snapshots on MySQL/MariaDB: the types
/// MySqlConnection::stream() and MySqlConnection::startConsistentSnapshot() use, and
/// the shared-snapshot sequence for several copy workers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ferry::connect {

class MySqlConnection;

/// One streamed row: a view per column (text protocol bytes, binary-safe), nullopt
/// for NULL. Valid only during the callback: the next row reuses the storage.
using MySqlRow = std::vector<std::optional<std::string_view>>;
/// Receives each row; returning an Error stops the stream.
using MySqlRowSink = std::function<core::Status(const MySqlRow& row)>;

struct MySqlStreamOptions {
  /// Session net_write_timeout while streaming. With a streamed (unbuffered) result
  /// the server writes as fast as we read; when the consumer stalls (the target
  /// builds an index, waits on a lock, the run is throttled or paused) the server's
  /// write blocks and, after net_write_timeout (default 60 s), it aborts the query.
  /// One hour rides out any such stall yet still frees the server thread of a
  /// client that vanished without closing its socket. 0 leaves the session alone.
  int netWriteTimeoutSeconds = 3600;
  /// Called once with the column labels before the first row (may be empty).
  std::function<core::Status(const std::vector<std::string>& columns)> onColumns;
};

/// Rows delivered and the bytes of their values (NULLs count 0).
struct MySqlStreamStats {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

/// The binlog coordinates of a snapshot: where the change stream must start so that
/// it neither misses nor repeats a transaction the snapshot does (not) contain.
struct BinlogPosition {
  std::string file;          ///< "mariadb-bin.000042"
  std::uint64_t position = 0;
  /// MariaDB: BINLOG_GTID_POS(file, position) ("0-1-123"); MySQL: Executed_Gtid_Set.
  /// Empty when the server does not use GTIDs.
  std::string gtidPosition;
};

struct SharedSnapshotOptions {
  /// lock_wait_timeout for FLUSH TABLES WITH READ LOCK. While FTWRL waits for a long
  /// statement it already blocks every new write on the server, so it must give up
  /// quickly instead of stalling the application: 10 s is far beyond a healthy
  /// wait and short enough that the application barely notices a failed attempt.
  int lockWaitTimeoutSeconds = 10;
};

/// Result of startSharedSnapshot(): one position that every worker's snapshot shares,
/// and how long the global read lock cost (reported to the user: writes stall then).
struct SharedSnapshot {
  BinlogPosition position;
  std::chrono::microseconds lockWait{0};  ///< waiting for FTWRL to be granted
  std::chrono::microseconds lockHeld{0};  ///< from FTWRL granted to UNLOCK TABLES
};

/// For several workers that must see one point in time: takes FLUSH TABLES WITH READ
/// LOCK on `coordinator`, starts a consistent-snapshot, read-only transaction on every
/// worker, reads the binlog position, and unlocks — always, even on failure (then any
/// worker transactions started are rolled back). Works on MySQL and MariaDB; needs the
/// RELOAD privilege. `coordinator` must not be one of the workers.
core::Result<SharedSnapshot> startSharedSnapshot(MySqlConnection& coordinator,
                                                 std::span<MySqlConnection* const> workers,
                                                 const SharedSnapshotOptions& options = {});

}  // namespace ferry::connect
