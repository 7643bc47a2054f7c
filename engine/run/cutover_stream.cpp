// The forward stream as a cutover drives it (run/cutover_stream.h).

#include "run/cutover_stream.h"

#include <mutex>
#include <optional>
#include <thread>

#include "core/log.h"
#include "run/stream_hold.h"
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
  core::Result<ChangedKeySet> changedKeys(const std::string& position, std::chrono::milliseconds) override {
    return m_sync.changedKeysSince(position);
  }
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
    // The verification's hold (run/stream_hold.h), within the pause's budget; its
    // lease ends it should this process die holding it.
    auto hold = holdRunningSync(m_statePath, std::chrono::minutes(10), timeout);
    if (!hold) return std::move(hold).error();
    if (!*hold) return Error(ErrorKind::Io, "the sync running on " + m_statePath + " stopped", "See ferry status.");
    m_hold = std::move(*hold);
    FERRY_TRY(m_hold->hold());
    return m_hold->drainTo(position, stop);
  }

  void release() override { m_hold.reset(); }  // the hold's destructor releases it

  core::Result<ChangedKeySet> changedKeys(const std::string& position, std::chrono::milliseconds timeout) override {
    auto r = sendSyncCommand(m_statePath, {0, "changed-keys", 0, position}, static_cast<int>(timeout.count()));
    if (!r) return std::move(r).error().context("asking the sync for the keys it changed");
    if (!r->ok) return Error(ErrorKind::Io, "the sync could not list the keys it changed: " + r->message);
    auto text = m_store->loadSetting(kChangedKeysSetting);
    if (!text) return std::move(text).error();
    if (!*text) return Error(ErrorKind::NotFound, "the sync listed no changed keys");
    auto j = nlohmann::json::parse(**text, nullptr, false);
    if (j.is_discarded()) return Error(ErrorKind::Data, "the sync's list of changed keys is unreadable");
    return changedKeysFromJson(j);
  }

  core::Status refreshTables() override {
    auto r = sendSyncCommand(m_statePath, {0, "refresh", 0, ""}, 30'000);
    if (!r) return std::move(r).error().context("asking the sync to stream the canary table");
    return {};
  }

  core::Status stop() override {
    m_hold.reset();
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
  std::unique_ptr<StreamHold> m_hold;
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
