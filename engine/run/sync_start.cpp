// Where a run's stream starts, read from its run state: the copy's snapshot
// (a PostgreSQL slot and publication, or a MariaDB binlog position and GTID
// position) and the seam between the copy and the stream (run/sync_support.h).

#include "run/copy_support.h"
#include "run/sync_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

core::Result<StreamStart> loadStreamStart(state::RunStateStore& st, const std::string& statePath,
                                          model::Engine sourceEngine) {
  StreamStart out;
  auto info = st.loadRun();
  if (!info) return std::move(info).error();
  if (info->status == state::RunStatus::Abandoned) {
    return Error(ErrorKind::Usage, "the run in " + statePath + " was abandoned", "Start a new run (ferry migrate).");
  }
  if (info->status != state::RunStatus::Copied) {
    return Error(ErrorKind::Usage, "the copy of the run in " + statePath + " has not finished",
                 "Finish it first: ferry copy --resume --keep-slot with the same state file.");
  }
  out.runId = info->runId;
  out.migrationId = info->runId;
  if (auto m = st.loadSetting("migration_id"); m && *m && !(*m)->empty()) out.migrationId = **m;
  auto snapshot = st.loadSnapshot();
  if (!snapshot) return std::move(snapshot).error();
  auto seam = st.loadSetting("stream_seam");
  if (!seam) return std::move(seam).error();
  const bool pg = sourceEngine == model::Engine::PostgreSQL;
  if (pg) {
    auto publication = st.loadSetting("publication");
    if (!publication) return std::move(publication).error();
    if (!*snapshot || (*snapshot)->slotName.empty() || !*publication) {
      return Error(ErrorKind::Usage, "the copy of this run kept no replication slot to stream from",
                   "Copy with --keep-slot (or use ferry migrate), which keeps the snapshot's slot and publication.");
    }
    out.slot = (*snapshot)->slotName;
    out.publication = **publication;
    auto at = cdc::LogPosition::parse((*snapshot)->consistentLsn);
    if (!at) return std::move(at).error();
    out.snapshot = *at;
    out.snapshotText = (*snapshot)->consistentLsn;
  } else {
    if (!*snapshot || (*snapshot)->engine != state::SnapshotEngine::MariaDB || (*snapshot)->binlogFile.empty() || !*seam) {
      return Error(ErrorKind::Usage, "the copy of this run recorded no binlog position to stream from",
                   "Copy with --keep-slot (or use ferry migrate) from a MariaDB source with log_bin on: the copy then "
                   "records its snapshot's binlog and GTID position.");
    }
    auto at = cdc::LogPosition::parse((*snapshot)->binlogFile + ":" + std::to_string((*snapshot)->binlogPosition));
    if (!at) return std::move(at).error();
    out.snapshot = *at;
    auto gtid = cdc::GtidPosition::parse((*snapshot)->gtidPosition);
    if (!gtid) return std::move(gtid).error().context("the snapshot's GTID position");
    out.gtid = *gtid;
    out.snapshotText = (*snapshot)->gtidPosition + " " + (*snapshot)->binlogFile + ":" +
                       std::to_string((*snapshot)->binlogPosition);
    out.binlogBase = (*snapshot)->binlogFile.substr(0, (*snapshot)->binlogFile.rfind('.'));
  }
  // Where each table's changes start to apply: the stream's start, or — a
  // resumed copy — the position of the snapshot the table was copied under.
  if (*seam && **seam == "per-table") {
    auto recorded = st.loadSetting("stream_table_positions");
    if (!recorded) return std::move(recorded).error();
    const auto j = nlohmann::json::parse(recorded->value_or("{}"), nullptr, false);
    if (!j.is_object()) return Error(ErrorKind::Data, "the run state's stream_table_positions is not valid JSON");
    for (const auto& [label, position] : j.items()) {
      auto p = cdc::LogPosition::parse(position.get<std::string>());
      if (!p) return std::move(p).error();
      out.tableFrom[label] = *p;
    }
  } else if (!*seam || **seam != "single") {
    return Error(ErrorKind::Unsupported,
                 "the copy of this run was resumed after the first snapshot's " +
                     std::string(pg ? "slot was gone" : "binlog position was lost") +
                     ", so the changes between its snapshots cannot be streamed",
                 "Copy again from the start (--abandon, then ferry migrate into an empty target).");
  }
  auto marks = loadMarksTable(st);
  if (!marks) return std::move(marks).error();
  if (*marks) out.marks = **marks;
  return out;
}

core::Result<ResumePoint> resumePointOf(const StreamStart& start, const std::optional<cdc::StoredPosition>& stored,
                                        bool binlog) {
  ResumePoint out;
  out.applied = start.snapshot;
  out.gtid = start.gtid;
  out.text = start.snapshotText;
  if (!stored) return out;
  auto p = cdc::LogPosition::parse(stored->position);
  if (!p) return std::move(p).error().context("the target's stored position");
  out.applied = *p;
  out.text = stored->position;
  out.transactions = stored->transactions;
  out.rows = stored->rows;
  if (binlog) {
    const auto space = stored->position.rfind(' ');
    auto g = cdc::GtidPosition::parse(space == std::string::npos ? std::string() : stored->position.substr(0, space));
    if (!g) return std::move(g).error().context("the target's stored position");
    out.gtid = *g;
  }
  return out;
}

}  // namespace ferry::run
