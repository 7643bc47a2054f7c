#pragma once
/// The change-source seam: one implementation per source engine. PostgreSQL:
/// logical replication with pgoutput from the slot the copy created. (The
/// MySQL/MariaDB binlog source of part 2 implements the same interface.)

#include <memory>
#include <optional>
#include <string>

#include "cdc/change_event.h"
#include "connect/connection_spec.h"
#include "core/result.h"

namespace ferry::cdc {

class ChangeSource {
public:
  virtual ~ChangeSource() = default;
  /// The next event, or nullopt when none came within `timeoutMs`. Keepalives are
  /// answered inside (at once when the server asks).
  virtual core::Result<std::optional<ChangeEvent>> next(int timeoutMs) = 0;
  /// Everything up to `durable` is applied and durable on the target: the source
  /// may forget it. Never called with a position past an unapplied transaction.
  virtual core::Status confirm(const PgPosition& durable) = 0;
  /// Keeps the link alive without reading (a paused or throttled stream): a
  /// status update when the last one is older than the interval the server
  /// expects.
  virtual core::Status keepAlive() = 0;
  /// From another thread: make a call blocked on the source fail at once (its
  /// link hangs without breaking); the source is unusable afterwards.
  virtual void abortIo() = 0;
  /// The server's end of WAL as last reported: every change before it was delivered.
  virtual PgPosition serverEnd() const = 0;
  virtual PgPosition confirmed() const = 0;
};

struct PgSourceOptions {
  std::string slot;
  std::string publication;
  PgPosition start;  ///< resume point (0/0: the slot's confirmed position)
};

core::Result<std::unique_ptr<ChangeSource>> openPgChangeSource(const connect::ConnectionSpec& source,
                                                               const PgSourceOptions& options);

}  // namespace ferry::cdc
