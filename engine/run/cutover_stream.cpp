// The forward stream as a cutover drives it (run/cutover_stream.h).

#include "run/cutover_stream.h"

#include <mutex>
#include <optional>
#include <thread>

#include "core/log.h"
#include "run/sync_control.h"
#include "run/sync_run.h"
#include "run/sync_support.h"
#include "state/run_state_store.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

/// A sync of our own, on a thread of this process.
class OwnStream final : public ForwardStream {
public:
  explicit OwnStream(const CutoverRequest& req) : m_sync(requestOf(req)) {
    m_thread = std::jthread([this](std::stop_token stop) {
      auto r = m_sync.run(stop);
      std::lock_guard lock(m_mutex);
      if (!r) m_error = std::move(r).error();
      m_ended = true;
    });
  }
  ~OwnStream() override {
    m_thread.request_stop();
  }

  core::Result<LagReading> lag() override {
    {
      std::lock_guard lock(m_mutex);
      if (m_ended) return m_error ? *m_error : Error(ErrorKind::Io, "the sync ended");
    }
    const auto p = m_sync.progress();
    return LagReading{p.heartbeatLag.last, p.heartbeatsApplied, 100};
  }
  core::Status drainTo(const std::string& position, std::chrono::milliseconds timeout, std::stop_token stop) override {
    return m_sync.runToAndHold(position, timeout, stop);
  }
  void release() override { m_sync.releaseHold(); }
  core::Status refreshTables() override { return {}; }  // started after the tables were added
  core::Status stop() override {
    m_thread.request_stop();
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    if (m_error && m_error->kind() != ErrorKind::Cancelled) return *m_error;
    return {};
  }

private:
  static SyncRequest requestOf(const CutoverRequest& req) {
    SyncRequest r;
    r.source = req.source;
    r.target = req.target;
    r.project = req.project;
    r.options.statePath = req.options.statePath;
    r.options.heartbeatMs = 100;
    r.options.controlChannel = false;
    return r;
  }
  SyncRun m_sync;
  std::mutex m_mutex;
  std::optional<Error> m_error;
  bool m_ended = false;
  std::jthread m_thread;  // last: joined before the members it uses go
};

/// The sync another process runs (ferry sync, ferry migrate, the workbench).
class OtherStream final : public ForwardStream {
public:
  OtherStream(std::string statePath, std::unique_ptr<state::RunStateStore> store)
      : m_statePath(std::move(statePath)), m_store(std::move(store)) {}
  ~OtherStream() override { release(); }

  core::Result<LagReading> lag() override {
    auto p = progress();
    if (!p) return std::move(p).error();
    if (!syncRunning(*p)) return Error(ErrorKind::Io, "the sync running on " + m_statePath + " stopped", "See ferry status.");
    return LagReading{(*p)["lag_ms"].value("last", 0.0), p->value("heartbeats_applied", std::int64_t{0}), 1000};
  }

  core::Status drainTo(const std::string& position, std::chrono::milliseconds timeout, std::stop_token stop) override {
    const auto deadline = Clock::now() + timeout;
    auto left = [&] {
      return static_cast<int>(std::max<long long>(
          1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
    };
    const std::int64_t lease = 600'000;  // a cutover that dies holding it: the sync goes on after 10 min
    auto held = sendSyncCommand(m_statePath, {0, "hold", lease, ""}, left());
    if (!held) return std::move(held).error().context("holding the sync");
    m_holding = true;
    auto to = sendSyncCommand(m_statePath, {0, "run-to", lease, position}, left());
    if (!to) return std::move(to).error().context("running the sync to " + position);
    if (!to->ok) return Error(ErrorKind::Io, "the sync refused to run to " + position + ": " + to->message);
    const auto wanted = cdc::LogPosition::parse(position);
    if (!wanted) return std::move(wanted).error();
    while (!stop.stop_requested()) {
      auto p = progress();
      if (!p) return std::move(p).error();
      const auto at = cdc::LogPosition::parse(p->value("held_at", std::string{}));
      if (at && *at == *wanted) return {};
      if (!syncRunning(*p)) return Error(ErrorKind::Io, "the sync stopped while it ran to " + position);
      if (Clock::now() >= deadline) {
        return Error(ErrorKind::Timeout, "the sync did not reach " + position + " in time");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Error(ErrorKind::Cancelled, "stopped while the sync ran to " + position);
  }

  void release() override {
    if (!m_holding) return;
    m_holding = false;
    if (auto r = sendSyncCommand(m_statePath, {0, "release", 0, ""}, 10'000); !r) {
      core::log(core::LogLevel::Warning, "cutover: could not release the sync (" + r.error().oneLine() +
                                             "); it goes on by itself when the hold's lease ends");
    }
  }

  core::Status refreshTables() override {
    auto r = sendSyncCommand(m_statePath, {0, "refresh", 0, ""}, 30'000);
    if (!r) return std::move(r).error().context("asking the sync to stream the canary table");
    return {};
  }

  core::Status stop() override {
    m_holding = false;
    auto r = sendSyncCommand(m_statePath, {0, "stop", 0, ""}, 10'000);
    if (!r) return std::move(r).error().context("stopping the sync");
    const auto until = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < until) {
      auto p = progress();
      if (p && !syncRunning(*p)) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Error(ErrorKind::Timeout, "the sync did not stop within 10 s", "Stop it (ferry ctl stop) before the slot is dropped.");
  }

private:
  core::Result<nlohmann::json> progress() {
    auto text = m_store->loadSetting(kSyncProgressSetting);
    if (!text) return std::move(text).error();
    if (!*text) return Error(ErrorKind::NotFound, "the sync saved no progress");
    auto j = nlohmann::json::parse(**text, nullptr, false);
    if (j.is_discarded()) return Error(ErrorKind::Data, "the sync's saved progress is unreadable");
    return j;
  }
  std::string m_statePath;
  std::unique_ptr<state::RunStateStore> m_store;
  bool m_holding = false;
};

}  // namespace

core::Result<std::unique_ptr<ForwardStream>> openForwardStream(const CutoverRequest& req, std::stop_token) {
  auto store = state::RunStateStore::open(req.options.statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto running = syncRunningOn(**store);
  if (!running) return std::move(running).error();
  if (*running) {
    core::log(core::LogLevel::Info, "cutover: taking over the sync running on " + req.options.statePath);
    return std::unique_ptr<ForwardStream>(std::make_unique<OtherStream>(req.options.statePath, std::move(*store)));
  }
  core::log(core::LogLevel::Info, "cutover: no sync runs on the run: streaming in this process");
  return std::unique_ptr<ForwardStream>(std::make_unique<OwnStream>(req));
}

}  // namespace ferry::run
