#pragma once
/// The canary of a cutover (docs/cutover.md, "Canary"): a row written every
/// few milliseconds through the application's endpoint (PgBouncer, or a URL
/// given) into a small table of Ferry's that the stream replicates like the
/// others. Each acknowledged write is recorded; after the switch every one of
/// them must be on the side that is primary now, and the writes' latencies
/// give the write pause as a client saw it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connect/connection_spec.h"
#include "core/result.h"

namespace ferry::cutover {

/// The canary table's name; it lives in the schema (database) of the run's first table.
inline constexpr const char* kCanaryTable = "ferry_canary";

struct CanaryWrite {
  std::int64_t seq = 0;
  std::chrono::steady_clock::time_point start, end;
  bool ok = false;
  std::string error;
  double ms() const { return std::chrono::duration<double, std::milli>(end - start).count(); }
};

struct CanaryVerdict {
  std::int64_t written = 0;       ///< attempts
  std::int64_t acknowledged = 0;  ///< writes whose commit was acknowledged
  std::int64_t failed = 0;        ///< writes that failed (not acknowledged: nothing to lose)
  std::int64_t lost = 0;          ///< acknowledged, and missing on the primary
  std::vector<std::int64_t> lostSeqs;  ///< the first few
  double baselineMs = 0;  ///< median latency before the cutover's fence
  double grossPauseMs = 0;  ///< first delayed or failed write to the first normal one after
  double netPauseMs = 0;    ///< the delayed time summed
  /// Every write after `from` (ms since it, latency ms, ok) for a chart.
  std::vector<std::tuple<double, double, bool>> series;
};

/// Creates the canary table on `side` when missing and lets `appUser` write it.
core::Status createCanaryTable(const connect::ConnectionSpec& side, const std::string& schema, const std::string& appUser);

class Canary {
public:
  /// Writes `tag`-ged rows through `endpoint` into schema.ferry_canary every `interval`.
  Canary(connect::ConnectionSpec endpoint, std::string schema, std::string tag, std::chrono::milliseconds interval);
  ~Canary();
  Canary(const Canary&) = delete;
  Canary& operator=(const Canary&) = delete;

  void start();
  void stop();
  /// Before the fence: opens the connection switchTo() will use, as an
  /// application whose deploy warmed its new pool does — a login (tens of
  /// milliseconds, more under load) is then not part of the pause it sees.
  /// A failure only logs: switchTo() then logs in itself.
  void prepareSwitch(connect::ConnectionSpec endpoint);
  /// From now on writes go to `endpoint` (a cross-engine switch: the
  /// application's own deploy, played by the canary).
  void switchTo(connect::ConnectionSpec endpoint, std::string schema);
  std::vector<CanaryWrite> writes() const;
  /// The verdict against `primary` (where every acknowledged write must be),
  /// the latency baseline taken from the writes that started before `fenceAt`.
  core::Result<CanaryVerdict> verdict(const connect::ConnectionSpec& primary, const std::string& schema,
                                      std::chrono::steady_clock::time_point fenceAt) const;

  struct Endpoint;

private:
  void loop(std::stop_token stop);
  std::unique_ptr<Endpoint> m_ready;  ///< prepareSwitch()'s connection, guarded by m_mutex
  mutable std::mutex m_mutex;
  connect::ConnectionSpec m_endpoint;
  std::string m_schema;
  bool m_switched = false;
  std::string m_tag;
  std::chrono::milliseconds m_interval;
  std::vector<CanaryWrite> m_writes;
  std::jthread m_thread;
};

}  // namespace ferry::cutover
