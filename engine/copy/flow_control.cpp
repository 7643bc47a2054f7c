#include "copy/flow_control.h"

#include <thread>

namespace ferry::copy {

void FlowControl::pause() { m_paused.store(true); }

void FlowControl::resume() {
  {
    std::lock_guard lock(m_mutex);
    m_paused.store(false);
  }
  m_resumed.notify_all();
}

bool FlowControl::admit(std::int64_t rows, std::stop_token stop) {
  {
    std::unique_lock lock(m_mutex);
    m_resumed.wait(lock, stop, [this] { return !m_paused.load(); });
    if (stop.stop_requested()) return false;
  }
  const std::int64_t rate = m_rate.load();
  if (rate <= 0) return true;
  std::chrono::steady_clock::time_point until;
  {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (m_next < now) m_next = now;
    until = m_next;
    m_next += std::chrono::nanoseconds(rows * 1'000'000'000LL / rate);
  }
  // Sleep in short slices so a stop request (Ctrl-C) is honoured within 50 ms.
  while (std::chrono::steady_clock::now() < until) {
    if (stop.stop_requested()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        until - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
  }
  return !stop.stop_requested();
}

}  // namespace ferry::copy
