#pragma once
// Private to run/: the forward stream as a cutover drives it — the sync running
// elsewhere (through the control channel, run/sync_control.h) or one the
// cutover runs itself.

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>

#include "core/result.h"
#include "run/changed_keys.h"
#include "run/cutover_run.h"

namespace ferry::run {

struct LagReading {
  double lastMs = 0;                  ///< the last heartbeat's lag
  std::int64_t heartbeatsApplied = 0; ///< grows with every heartbeat applied
  double intervalMs = 0;              ///< how often a fresh reading can be expected
};

class ForwardStream {
public:
  virtual ~ForwardStream() = default;
  /// The stream's lag now; an error when it stopped.
  virtual core::Result<LagReading> lag() = 0;
  /// Applies everything that committed on the source before `position` and
  /// holds there (the drain), within `timeout`.
  virtual core::Status drainTo(const std::string& position, std::chrono::milliseconds timeout, std::stop_token stop) = 0;
  /// Lets a held stream go on (an abort).
  virtual void release() = 0;
  /// Ends the stream (after the switch).
  virtual core::Status stop() = 0;
  /// The keys the stream applied changes to since `position` (its last
  /// verification's), within `timeout`.
  virtual core::Result<ChangedKeySet> changedKeys(const std::string& position, std::chrono::milliseconds timeout) = 0;
  /// The run's tables changed (the canary's was added): stream them too.
  virtual core::Status refreshTables() = 0;
};

/// The sync running on the run's state, or else a new one in this process
/// (heartbeats every 100 ms) started from the target's stored position.
core::Result<std::unique_ptr<ForwardStream>> openForwardStream(const CutoverRequest& req, std::stop_token stop);

}  // namespace ferry::run
