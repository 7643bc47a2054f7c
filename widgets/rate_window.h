#pragma once
/// Per-second rates of running totals over the last few seconds of polls, for
/// live figures and charts (the Run page's rows/s and MB/s, the Verify page's
/// rows/s). Totals move in bursts (a chunk at a time), so a window of a few
/// seconds keeps the rate from jumping between 0 and peaks.

#include <array>
#include <cstdint>
#include <deque>

namespace ferry::widgets {

class RateWindow {
public:
  explicit RateWindow(double seconds) : m_seconds(seconds) {}

  /// Records the totals at `elapsed` seconds (up to two counters).
  void add(double elapsed, std::int64_t first, std::int64_t second = 0) {
    m_samples.push_back({elapsed, {first, second}});
    while (m_samples.size() > 2 && m_samples.front().elapsed < elapsed - m_seconds) m_samples.pop_front();
  }
  /// Counter `which` per second over the window; 0 before two samples.
  double rate(std::size_t which = 0) const {
    if (m_samples.size() < 2) return 0;
    const double dt = m_samples.back().elapsed - m_samples.front().elapsed;
    if (dt <= 0) return 0;
    return static_cast<double>(m_samples.back().totals[which] - m_samples.front().totals[which]) / dt;
  }
  void clear() { m_samples.clear(); }

private:
  struct Sample {
    double elapsed;
    std::array<std::int64_t, 2> totals;
  };
  double m_seconds;
  std::deque<Sample> m_samples;
};

}  // namespace ferry::widgets
