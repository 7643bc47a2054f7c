#pragma once
/// What a verification needs from a running sync to compare both sides at one
/// source position (docs/cdc.md, "Live verification"): hold the sync, take the
/// source snapshot (its position X), run the sync to X, open the target's
/// snapshots, release. run/sync_hold.h is the sync's side of it.

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>

#include "core/result.h"

namespace ferry::run {

class StreamHold {
public:
  virtual ~StreamHold() = default;
  /// Returns once the sync applies nothing more (after the transaction in flight).
  virtual core::Status hold() = 0;
  /// Returns once the sync has applied (and committed) every source transaction
  /// that committed before `position`, and none after, and holds there.
  virtual core::Status runTo(const std::string& position, std::stop_token stop) = 0;
  /// A cutover's drain: as runTo(), and a sync already past `position` (only
  /// Ferry's own transactions commit after a fence) holds where it is.
  virtual core::Status drainTo(const std::string& position, std::stop_token stop) { return runTo(position, stop); }
  /// Lets the sync go on. Never fails: a hold that cannot be released ends with its lease.
  virtual void release() = 0;
};

/// The sync running on the run state `statePath`, held through the control
/// channel (the run state; run/sync_control.h). The sync ends a hold by itself
/// `lease` after it took effect. runTo() fails after `runToTimeout`, and each
/// answer it waits for takes at most that too (30 s at most). nullptr when no
/// sync is running there.
core::Result<std::unique_ptr<StreamHold>> holdRunningSync(const std::string& statePath,
                                                          std::chrono::milliseconds lease,
                                                          std::chrono::milliseconds runToTimeout);

}  // namespace ferry::run
