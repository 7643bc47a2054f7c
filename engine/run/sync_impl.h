#pragma once
// Private to run/: the state a SyncRun shares between its stream loop
// (sync_run.cpp) and the calls other threads make on it (sync_handle.cpp).

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "core/log.h"
#include "run/changed_keys.h"
#include "run/sync_hold.h"
#include "run/sync_run.h"
#include "run/sync_support.h"

namespace ferry::run {

struct SyncRun::Impl {
  mutable std::mutex mutex;
  SyncProgress p;
  LagWindow heartbeatLag;
  LagWindow commitLag;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<SyncRun::StopReason> stopReason{SyncRun::StopReason::None};
  std::string passableDdl;  // guarded by mutex
  std::atomic<bool> paused{false};
  std::atomic<std::int64_t> maxRate{0};
  SyncHold hold;                     // a verification's hold (run/sync_hold.h)
  ChangedKeys changedKeys;           // for the cutover's check inside its pause
  std::atomic<bool> markWanted{false};  // run-to: make sure a transaction after its position comes
  std::atomic<bool> refreshWanted{false};  // the run's tables are read again (ferry ctl refresh)

  template <typename F>
  void update(F&& f) {
    std::lock_guard lock(mutex);
    f(p);
  }
  void setPhase(const std::string& phase) {
    update([&](SyncProgress& s) { s.phase = phase; });
    core::log(core::LogLevel::Info, "sync: " + phase);
  }
};

}  // namespace ferry::run
