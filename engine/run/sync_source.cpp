// The sync's source side at the start of each attempt: the run's slot checked,
// then the stream opened from it (run/sync_support.h).

#include <chrono>
#include <thread>

#include "core/text.h"
#include "run/sync_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

core::Result<SourceTypesAt> readSourceTypes(const connect::ConnectionSpec& source, const std::set<std::string>& labels) {
  auto conn = connect::PgConnection::open(source);
  if (!conn) return std::move(conn).error().context("source");
  SourceTypesAt out;
  auto lsn = (*conn)->query("SELECT pg_current_wal_lsn()::text AS lsn");
  if (!lsn) return std::move(lsn).error();
  auto at = cdc::PgPosition::parse(lsn->row(0).str("lsn"));
  if (!at) return std::move(at).error();
  out.lsn = *at;
  std::set<std::string> schemas;
  for (const auto& l : labels) schemas.insert(connect::PgConnection::quoteLiteral(l.substr(0, l.find('.'))));
  if (schemas.empty()) return out;
  auto cols = (*conn)->query(
      "SELECT n.nspname || '.' || c.relname AS t, a.attname AS c, a.atttypid::bigint AS oid, a.atttypmod AS typmod "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND n.nspname IN (" +
      core::join(std::vector<std::string>(schemas.begin(), schemas.end()), ", ") + ")");
  if (!cols) return std::move(cols).error().context("reading the source's column types");
  for (auto row : *cols) {
    const std::string t = row.str("t");
    if (!labels.contains(t)) continue;
    out.types[t][row.str("c")] = {static_cast<std::uint32_t>(row.i64("oid")), static_cast<std::int32_t>(row.i64("typmod"))};
  }
  return out;
}

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
