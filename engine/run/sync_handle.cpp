// The calls other threads make on a SyncRun: flow control, progress, the
// in-process hold (the cutover's drain).

#include <thread>

#include "run/sync_impl.h"
#include "run/sync_run.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

SyncRun::SyncRun(SyncRequest request) : m_request(std::move(request)), m_impl(std::make_unique<Impl>()) {
  m_impl->p.phase = "connecting";
  m_impl->maxRate = m_request.options.maxRowsPerSecond;
}

void SyncRun::pause() { m_impl->paused = true; }
void SyncRun::resume() { m_impl->paused = false; }
bool SyncRun::isPaused() const { return m_impl->paused.load(); }
void SyncRun::setMaxRowsPerSecond(std::int64_t rowsPerSecond) { m_impl->maxRate = std::max<std::int64_t>(0, rowsPerSecond); }
SyncRun::~SyncRun() = default;

core::Status SyncRun::runToAndHold(const std::string& position, std::chrono::milliseconds timeout,
                                   std::stop_token stop) {
  Impl& im = *m_impl;
  auto target = cdc::LogPosition::parse(position);
  if (!target) return std::move(target).error();
  const std::string appliedText = progress().appliedPosition;
  cdc::LogPosition applied;
  if (!appliedText.empty()) {
    auto a = cdc::LogPosition::parse(appliedText);
    if (!a) return std::move(a).error();
    applied = *a;
  }
  FERRY_TRY(im.hold.runTo(*target, applied, std::chrono::minutes(10), /*drain=*/true));
  im.markWanted = true;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (im.hold.heldAt() == target->text()) return {};
    const std::string phase = progress().phase;
    if (phase == "failed" || phase == "stopped" || phase == "caught-up") {
      im.hold.release();
      return Error(ErrorKind::Io, "the sync ended (" + phase + ") before it reached " + position);
    }
    if (stop.stop_requested()) {
      im.hold.release();
      return Error(ErrorKind::Cancelled, "stopped while the sync ran to " + position);
    }
    if (Clock::now() >= deadline) {
      im.hold.release();
      return Error(ErrorKind::Timeout, "the sync did not reach " + position + " within " +
                                           std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

void SyncRun::releaseHold() { m_impl->hold.release(); }

ChangedKeySet SyncRun::changedKeysSince(const std::string& position) const {
  return m_impl->changedKeys.since(position);
}

void SyncRun::refreshTables() { m_impl->refreshWanted = true; }

SyncRun::StopReason SyncRun::stopReason() const { return m_impl->stopReason.load(); }

std::string SyncRun::passableDdl() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->passableDdl;
}

SyncProgress SyncRun::progress() const {
  std::lock_guard lock(m_impl->mutex);
  SyncProgress p = m_impl->p;
  p.heartbeatLag = lagStatsOf(m_impl->heartbeatLag);
  p.commitLag = lagStatsOf(m_impl->commitLag);
  p.elapsedSeconds = std::chrono::duration<double>(Clock::now() - m_impl->started).count();
  p.paused = m_impl->paused.load();
  p.maxRowsPerSecond = m_impl->maxRate.load();
  p.hold = m_impl->hold.describe();
  p.heldAt = m_impl->hold.heldAt();
  if (p.paused || m_impl->hold.blocking()) {
    p.stalled = false;
    p.stallReason.clear();
  }
  return p;
}

}  // namespace ferry::run
