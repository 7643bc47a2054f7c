// Live verification at one position: the source snapshot of a temporary slot,
// the target held by the sync at exactly that snapshot's position while every
// worker opens its target snapshot (docs/cdc.md).

#include <unistd.h>

#include "connect/mysql/mysql_connection.h"
#include "connect/mysql/mysql_stream.h"
#include "connect/pg/pg_replication.h"
#include "core/log.h"
#include "run/stream_hold.h"
#include "run/verify_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

core::Status beginTargetSnapshot(VerifyWorker& w) {
  if (w.pgTarget) {
    FERRY_TRY(w.pgTarget->exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
    // The snapshot is taken by the transaction's first statement, not by BEGIN.
    auto first = w.pgTarget->query("SELECT 1");
    if (!first) return std::move(first).error();
    return {};
  }
  // REPEATABLE READ makes WITH CONSISTENT SNAPSHOT mean anything (a session may have changed it).
  FERRY_TRY(w.myTarget->exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  return w.myTarget->exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

/// PostgreSQL: a temporary slot (dropped by the server with its connection)
/// exports the snapshot at its consistent point; every worker imports it.
core::Status pgSnapshot(const connect::ConnectionSpec& source, std::vector<VerifyWorker>& workers, LiveSnapshot& out) {
  connect::ExportedSnapshotOptions slotOptions;
  slotOptions.slotName = "ferry_verify_" + std::to_string(::getpid()) + "_" +
                         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  slotOptions.temporary = true;
  auto exported = connect::ExportedSnapshot::create(source, slotOptions);
  if (!exported) return std::move(exported).error().context("taking the source snapshot");
  out.position = (*exported)->slot().consistentPoint;
  for (auto& w : workers) FERRY_TRY(w.pgSource->importSnapshot((*exported)->snapshotName()));
  (*exported)->release();
  return {};
}

/// MariaDB: every worker's consistent-snapshot transaction at one binlog
/// position (one worker: binlog_snapshot_file/position; several: under a brief
/// global read lock, as for the copy). The stream's position of it is the
/// binlog file and offset.
core::Status binlogSnapshot(const connect::ConnectionSpec& source, std::vector<VerifyWorker>& workers,
                            LiveSnapshot& out) {
  std::vector<connect::MySqlConnection*> sessions;
  for (auto& w : workers) sessions.push_back(w.mySource.get());
  connect::BinlogPosition at;
  if (sessions.size() == 1 && sessions.front()->flavour() == model::Engine::MariaDB) {
    auto pos = sessions.front()->startConsistentSnapshot();
    if (!pos) return std::move(pos).error().context("taking the source snapshot");
    at = *pos;
  } else {
    auto coordinator = connect::MySqlConnection::open(source);
    if (!coordinator) return std::move(coordinator).error().context("source");
    auto shared = connect::startSharedSnapshot(**coordinator, sessions);
    if (!shared) return std::move(shared).error().context("taking the source snapshot");
    at = shared->position;
  }
  out.position = at.file + ":" + std::to_string(at.position);
  return {};
}

}  // namespace

core::Result<LiveSnapshot> snapshotAtOnePosition(const connect::ConnectionSpec& source,
                                                 std::vector<VerifyWorker>& workers, StreamHold& hold,
                                                 std::stop_token stop) {
  struct Release {
    StreamHold& h;
    ~Release() { h.release(); }
  } releaseOnExit{hold};
  const auto started = Clock::now();
  // 1. The sync applies nothing more, so it cannot pass the position taken next.
  FERRY_TRY(hold.hold());
  const auto held = Clock::now();
  // 2. The source snapshot and its exact position.
  LiveSnapshot out;
  if (source.engine == model::Engine::PostgreSQL) {
    FERRY_TRY(pgSnapshot(source, workers, out));
  } else {
    FERRY_TRY(binlogSnapshot(source, workers, out));
  }
  const auto snapshotTaken = Clock::now();
  // 3. The sync applies what committed before the position and holds there.
  FERRY_TRY(hold.runTo(out.position, stop));
  const auto reached = Clock::now();
  // 4. Every worker's target snapshot, while the target holds exactly that.
  for (auto& w : workers) {
    if (auto s = beginTargetSnapshot(w); !s) return std::move(s).error().context("opening the target snapshot");
  }
  hold.release();
  const auto end = Clock::now();
  out.holdMs = std::chrono::duration<double, std::milli>(end - started).count();
  out.pausedMs = std::chrono::duration<double, std::milli>((snapshotTaken - started) + (end - reached)).count();
  auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::to_string(static_cast<long long>(std::chrono::duration<double, std::milli>(b - a).count()));
  };
  core::log(core::LogLevel::Info, "verify: as of source position " + out.position + ": the sync was held " +
                                      ms(started, end) + " ms (applying nothing while it was held in " +
                                      ms(started, held) + " ms and the source snapshot taken in " +
                                      ms(held, snapshotTaken) + " ms; applying up to the position in " +
                                      ms(snapshotTaken, reached) + " ms; applying nothing again while the target "
                                      "snapshots opened in " + ms(reached, end) + " ms)");
  return out;
}

void endSnapshots(std::vector<VerifyWorker>& workers) {
  // Read-only transactions: nothing to keep. Each still holds its tables'
  // share locks (a source ALTER TABLE would wait on them) and its read view.
  for (auto& w : workers) {
    if (w.pgSource) (void)w.pgSource->exec("ROLLBACK");
    if (w.mySource) (void)w.mySource->exec("ROLLBACK");
    if (w.pgTarget) (void)w.pgTarget->exec("ROLLBACK");
    if (w.myTarget) (void)w.myTarget->exec("ROLLBACK");
  }
}

}  // namespace ferry::run
