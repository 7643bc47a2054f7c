// The sync's source side at the start of each attempt: the run's slot checked,
// then the stream opened from it (run/sync_support.h).

#include <chrono>
#include <thread>

#include "run/sync_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

core::Result<std::unique_ptr<cdc::ChangeSource>> openRunStream(connect::PgConnection& beat,
                                                                 const connect::ConnectionSpec& source,
                                                                 const cdc::PgSourceOptions& options,
                                                                 const std::function<bool()>& stopping) {
  const std::string& slot = options.slot;
  auto slotState = beat.query("SELECT wal_status, active_pid FROM pg_replication_slots WHERE slot_name = $1", {slot});
  if (!slotState) return std::move(slotState).error();
  if (slotState->empty()) {
    return Error(ErrorKind::NotFound, "replication slot " + slot + " of this run is gone from the source",
                 "The changes since the copy cannot be streamed: copy again (--abandon, then a new ferry migrate).");
  }
  if (slotState->row(0).str("wal_status") == "lost") {
    return Error(ErrorKind::Data,
                 "the source invalidated replication slot " + slot +
                     " (wal_status = lost: max_slot_wal_keep_size was exceeded)",
                 "The WAL the stream needs is gone: copy again (--abandon, then a new ferry migrate), and raise "
                 "max_slot_wal_keep_size.");
  }
  // A sync that was killed (or a link that was cut) leaves the slot "active"
  // until its walsender notices (SQLSTATE 55006): wait for it rather than fail.
  auto stream = cdc::openPgChangeSource(source, options);
  for (int i = 0; i < 100 && !stream && stream.error().sqlState() == "55006" && !stopping(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stream = cdc::openPgChangeSource(source, options);
  }
  return stream;
}

}  // namespace ferry::run
