#pragma once
/// The control channel of a running sync: `ferry ctl` (and the cutover, later)
/// writes a numbered command into the run state; the sync polls for it every
/// 50 ms (every 5 ms while a verification holds it), carries it out, and writes an acknowledgement with the same
/// number and its state after the command. The run state is SQLite in WAL mode,
/// so both processes read and write it at once; no socket, no port, and a
/// command survives nothing it should not (a sync started later ignores the
/// commands numbered before its start).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "state/run_state_store.h"

namespace ferry::run {

struct SyncCommand {
  std::int64_t seq = 0;
  std::string command;  ///< "pause", "resume", "stop", "max-rate"; a verification's "hold", "run-to", "release";
                        ///< a cutover's "changed-keys" (since `position`, answered in the setting kChangedKeysSetting)
  std::int64_t value = 0;  ///< max-rate: rows per second (0 = unlimited); hold, run-to: the lease in ms
  std::string position;    ///< run-to: the source position to apply up to
};

/// What the sync answered.
struct SyncCommandAck {
  std::int64_t seq = 0;
  bool ok = false;
  std::string message;
  bool paused = false;
  std::int64_t maxRowsPerSecond = 0;
};

/// The newest command, when its number is above `afterSeq`.
core::Result<std::optional<SyncCommand>> readSyncCommand(const state::RunStateStore& store, std::int64_t afterSeq);
/// The number of the newest command written (0: none), so a sync starting now
/// ignores the ones before it.
core::Result<std::int64_t> lastSyncCommandSeq(const state::RunStateStore& store);
core::Status ackSyncCommand(state::RunStateStore& store, const SyncCommandAck& ack);

class SyncRun;
class SyncHold;

/// Where a sync answers "changed-keys": run/changed_keys.h's JSON.
inline constexpr const char* kChangedKeysSetting = "changed_keys";

/// Carries out `command` on the running `sync` and its verification `hold`
/// (`applied`: the sync's applied position now), filling `ack`'s ok and
/// message; true when the command asks the sync to stop.
bool carryOutSyncCommand(const SyncCommand& command, SyncRun& sync, SyncHold& hold, const std::string& applied,
                         state::RunStateStore& store, SyncCommandAck& ack);

/// `ferry ctl`: parses "pause", "resume", "stop", "max-rate=N" (also "set
/// max-rate=N" split in two by the shell).
core::Result<SyncCommand> parseSyncCommand(const std::string& text);
/// Sends `command` to the sync running on `statePath` and waits up to
/// `timeoutMs` for its answer. No running sync (no live process recorded in its
/// progress) is an error that says so.
core::Result<SyncCommandAck> sendSyncCommand(const std::string& statePath, SyncCommand command, int timeoutMs);

}  // namespace ferry::run
