#pragma once
/// A link that hangs without breaking — a stalled middlebox, a server that
/// stopped answering, a network path that drops packets without a reset — leaves
/// a blocking call waiting for ever: TCP keepalives do not end a connection with
/// data in flight, and nothing is refused. The sync's loop ticks this watchdog on
/// every turn; when it has not ticked for `timeout`, the watchdog calls `abort`
/// (which shuts the connections' sockets down), the blocked call fails as a lost
/// connection, and the sync reconnects from the target's stored position as for
/// any lost link (docs/cdc.md, "Lost connections").

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace ferry::run {

class IoWatchdog {
public:
  using Clock = std::chrono::steady_clock;

  IoWatchdog(std::chrono::seconds timeout, std::function<void()> abort) : m_timeout(timeout) {
    tick();
    if (timeout.count() <= 0) return;
    m_thread = std::jthread([this, abort = std::move(abort)](std::stop_token stop) {
      while (!stop.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (stop.stop_requested()) break;
        if (!m_fired && overdue()) {
          m_fired = true;
          abort();
        }
      }
    });
  }
  ~IoWatchdog() = default;  // the jthread stops and joins first
  IoWatchdog(const IoWatchdog&) = delete;
  IoWatchdog& operator=(const IoWatchdog&) = delete;

  /// The loop came back from its calls.
  void tick() { m_last = Clock::now().time_since_epoch().count(); }
  /// It aborted the connections: the error that follows is its doing.
  bool fired() const { return m_fired.load(); }
  /// The loop has not ticked for the timeout: a call hung (whoever ended it —
  /// this watchdog, or a client library's own read timeout).
  bool overdue() const {
    return m_timeout.count() > 0 && Clock::now() - Clock::time_point(Clock::duration(m_last.load())) > m_timeout;
  }
  std::chrono::seconds timeout() const { return m_timeout; }

private:
  std::chrono::seconds m_timeout;
  std::atomic<Clock::rep> m_last{0};
  std::atomic<bool> m_fired{false};
  std::jthread m_thread;  // last: stopped before the members it reads go
};

}  // namespace ferry::run
