#pragma once
/// A verification's hold on a running sync: live verification at one position
/// (docs/cdc.md) needs the target to hold exactly the source's snapshot at a
/// position X that is only known once the source snapshot exists. So the sync is
/// first held (it applies nothing after the transaction in flight, so it cannot
/// pass X), then told to run to X: it applies every source transaction that
/// committed before X and holds again before the first that did not. The
/// verification opens its target snapshots while it holds there, and releases it.
///
/// A hold is leased: a verification that dies while holding the sync never
/// stops it for longer than the lease — the sync goes on by itself and says so.
/// Thread-safe; the stream loop asks it between source transactions.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "cdc/position.h"
#include "core/result.h"

namespace ferry::run {

class SyncHold {
public:
  using Clock = std::chrono::steady_clock;

  /// Holds after the transaction in flight, for at most `lease`.
  void hold(std::chrono::milliseconds lease) {
    std::lock_guard lock(m_mutex);
    m_active = true;
    m_target.reset();
    m_reached = false;
    m_until = Clock::now() + lease;
    m_lease = lease;
  }

  /// Applies what committed before `target`, then holds there (lease counted
  /// from then). Refused when the target already holds more (`applied` is past
  /// `target`): its snapshot at `target` cannot be had any more.
  ///
  /// A cutover's drain (`drain`): the source is fenced, so whatever committed
  /// past the fence position is Ferry's own (heartbeats, its log-end mark);
  /// already past `target` means drained: held at once.
  core::Status runTo(cdc::LogPosition target, cdc::LogPosition applied, std::chrono::milliseconds lease,
                     bool drain = false) {
    if (applied > target && drain) {
      std::lock_guard lock(m_mutex);
      m_active = true;
      m_target = target;
      m_reached = true;
      m_lease = lease;
      m_until = Clock::now() + lease;
      return {};
    }
    if (applied > target) {
      return core::Error(core::ErrorKind::Usage,
                         "the sync has applied up to " + applied.text() + ", past " + target.text(),
                         "Hold it first, then take the source snapshot and run it to the snapshot's position.");
    }
    std::lock_guard lock(m_mutex);
    m_active = true;
    m_target = target;
    m_reached = false;
    m_lease = lease;
    m_until = Clock::now() + std::chrono::hours(24);  // running, not holding: the lease starts at the target
    return {};
  }

  void release() {
    std::lock_guard lock(m_mutex);
    m_active = false;
    m_target.reset();
    m_reached = false;
  }

  /// The stream must apply nothing now.
  bool blocking() const {
    std::lock_guard lock(m_mutex);
    return m_active && (!m_target || m_reached);
  }

  /// Running to a target not reached yet: that target.
  std::optional<cdc::LogPosition> runningTo() const {
    std::lock_guard lock(m_mutex);
    if (m_active && m_target && !m_reached) return m_target;
    return std::nullopt;
  }

  /// The stream has applied and committed everything before the target.
  void reached() {
    std::lock_guard lock(m_mutex);
    m_reached = true;
    m_until = Clock::now() + m_lease;
  }

  /// The stream starts again from the target's stored position (a lost
  /// connection): it runs to the target again.
  void restart() {
    std::lock_guard lock(m_mutex);
    if (m_target && m_reached) {
      m_reached = false;
      m_until = Clock::now() + std::chrono::hours(24);
    }
  }

  /// The lease ran out: the hold ends; true once, for the log.
  bool expire() {
    std::lock_guard lock(m_mutex);
    if (!m_active || Clock::now() < m_until) return false;
    m_active = false;
    m_target.reset();
    m_reached = false;
    return true;
  }

  bool active() const {
    std::lock_guard lock(m_mutex);
    return m_active;
  }

  /// Where it holds: the target once reached, "" otherwise.
  std::string heldAt() const {
    std::lock_guard lock(m_mutex);
    return m_active && m_target && m_reached ? m_target->text() : std::string();
  }

  /// For the progress: "", "held", "running to X", "held at X".
  std::string describe() const {
    std::lock_guard lock(m_mutex);
    if (!m_active) return {};
    if (!m_target) return "held";
    return (m_reached ? "held at " : "running to ") + m_target->text();
  }

private:
  mutable std::mutex m_mutex;
  bool m_active = false;
  std::optional<cdc::LogPosition> m_target;
  bool m_reached = false;
  Clock::time_point m_until{};
  std::chrono::milliseconds m_lease{0};
};

}  // namespace ferry::run
