#pragma once
// Runs a long engine call on its own thread while the command shows its
// progress and turns Ctrl-C into a stop request (copy, verify).

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <thread>

namespace ferry::cli {

/// Runs `work` and waits for it, waking every 25 ms so the command ends as soon
/// as the work does (a 250 ms sleep added up to 250 ms to every run).
/// `onTick(tty)` is called 4 times a second (the rate DESIGN.md asks of
/// pollers) when stderr is a terminal, every 5 s otherwise. When `interrupted`
/// turns true, `onInterrupt()` runs once and the work is asked to stop.
template <typename R>
R waitWithProgress(const std::function<R(std::stop_token)>& work, bool tty, const std::atomic<bool>& interrupted,
                   const std::function<void()>& onInterrupt, const std::function<void(bool)>& onTick) {
  std::stop_source stop;
  std::optional<R> result;
  std::atomic<bool> finished{false};
  std::jthread worker([&] {
    result.emplace(work(stop.get_token()));
    finished = true;
  });
  for (int ticks = 1; !finished; ++ticks) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (interrupted && !stop.stop_requested()) {
      onInterrupt();
      stop.request_stop();
    }
    if (ticks % 10 == 0 && (tty || ticks % 200 == 0)) onTick(tty);
  }
  worker.join();
  return std::move(*result);
}

}  // namespace ferry::cli
