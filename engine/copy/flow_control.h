#pragma once
/// Shared by all copy workers: a rows-per-second throttle that can be changed
/// while running, and a pause gate. Workers call admit() per batch.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>

namespace ferry::copy {

class FlowControl {
public:
  /// 0 = unlimited.
  void setMaxRowsPerSecond(std::int64_t rate) { m_rate.store(rate); }
  std::int64_t maxRowsPerSecond() const { return m_rate.load(); }
  void pause();
  void resume();
  bool paused() const { return m_paused.load(); }

  /// Blocks while paused, then for as long as the throttle needs before `rows`
  /// more may pass. False when the stop token asks to stop.
  bool admit(std::int64_t rows, std::stop_token stop);

private:
  std::atomic<std::int64_t> m_rate{0};
  std::atomic<bool> m_paused{false};
  std::mutex m_mutex;
  std::condition_variable_any m_resumed;
  /// Token bucket: when the next row may pass, in steady-clock time.
  std::chrono::steady_clock::time_point m_next{};
};

}  // namespace ferry::copy
