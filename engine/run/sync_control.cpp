#include "run/sync_control.h"

#include <chrono>
#include <thread>


#include "core/log.h"
#include "core/text.h"
#include "run/stream_hold.h"
#include "run/sync_hold.h"
#include "run/sync_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

namespace {

constexpr const char* kCommandSetting = "sync_control";
constexpr const char* kAckSetting = "sync_control_ack";

core::Result<std::optional<nlohmann::json>> loadJson(const state::RunStateStore& store, const char* key) {
  auto text = store.loadSetting(key);
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<nlohmann::json>{};
  auto j = nlohmann::json::parse(**text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Error(ErrorKind::Data, std::string("the run state's ") + key + " is not valid JSON",
                 "Another program wrote it; run ferry ctl again.");
  }
  return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace

core::Result<std::int64_t> lastSyncCommandSeq(const state::RunStateStore& store) {
  auto j = loadJson(store, kCommandSetting);
  if (!j) return std::move(j).error();
  if (!*j) return std::int64_t{0};
  return (**j).value("seq", std::int64_t{0});
}

core::Result<std::optional<SyncCommand>> readSyncCommand(const state::RunStateStore& store, std::int64_t afterSeq) {
  auto j = loadJson(store, kCommandSetting);
  if (!j) return std::move(j).error();
  if (!*j) return std::optional<SyncCommand>{};
  SyncCommand c;
  c.seq = (**j).value("seq", std::int64_t{0});
  if (c.seq <= afterSeq) return std::optional<SyncCommand>{};
  c.command = (**j).value("command", std::string{});
  c.value = (**j).value("value", std::int64_t{0});
  c.position = (**j).value("position", std::string{});
  return std::optional<SyncCommand>(std::move(c));
}

core::Status ackSyncCommand(state::RunStateStore& store, const SyncCommandAck& ack) {
  nlohmann::json j{{"seq", ack.seq},       {"ok", ack.ok},
                   {"message", ack.message}, {"paused", ack.paused},
                   {"max_rate", ack.maxRowsPerSecond}};
  return store.saveSetting(kAckSetting, j.dump());
}

bool carryOutSyncCommand(const SyncCommand& c, SyncRun& sync, SyncHold& hold, const std::string& applied,
                         state::RunStateStore& store, SyncCommandAck& ack) {
  const auto lease = std::chrono::milliseconds(c.value > 0 ? c.value : 30000);
  if (c.command == "pause") {
    sync.pause();
    ack.message = "paused after the transaction in flight";
  } else if (c.command == "resume") {
    sync.resume();
    ack.message = "resumed";
  } else if (c.command == "max-rate") {
    sync.setMaxRowsPerSecond(c.value);
    ack.message = c.value > 0 ? "at most " + std::to_string(c.value) + " rows/s" : "no rate limit";
  } else if (c.command == "hold") {
    hold.hold(lease);
    ack.message = "held after the transaction in flight";
  } else if (c.command == "run-to" || c.command == "drain-to") {
    // Only from a hold: the open group (committed by the hold) could hold
    // transactions past the position otherwise.
    auto target = cdc::LogPosition::parse(c.position);
    auto appliedNow = cdc::LogPosition::parse(applied);
    core::Status s = !hold.blocking() ? Error(ErrorKind::Usage, "the sync is not held", "Send hold first.")
                     : !target        ? core::Status(target.error())
                     : !appliedNow    ? core::Status(appliedNow.error())
                                      : hold.runTo(*target, *appliedNow, lease, c.command == "drain-to");
    ack.ok = s.ok();
    ack.message = s ? "running to " + target->text() : s.error().message();
  } else if (c.command == "release") {
    hold.release();
    ack.message = "released";
  } else if (c.command == "changed-keys") {
    const ChangedKeySet keys = sync.changedKeysSince(c.position);
    const auto saved = store.saveSetting(kChangedKeysSetting, changedKeysJson(keys).dump());
    ack.ok = saved.ok();
    ack.message = saved ? std::to_string(keys.count()) + " key(s) changed since " + (keys.since.empty() ? "?" : keys.since)
                        : saved.error().oneLine();
  } else if (c.command == "refresh") {
    sync.refreshTables();
    ack.message = "reading the run's tables again";
  } else if (c.command == "stop") {
    ack.message = "stopping after the transaction in flight";
    return true;
  } else {
    ack.ok = false;
    ack.message = "unknown command '" + c.command + "'";
  }
  return false;
}

core::Result<SyncCommand> parseSyncCommand(const std::string& text) {
  SyncCommand c;
  if (text == "pause" || text == "resume" || text == "stop" || text == "refresh") {
    c.command = text;
    return c;
  }
  const std::string prefix = "max-rate=";
  if (core::startsWith(text, prefix)) {
    const std::string n = text.substr(prefix.size());
    std::int64_t v = 0;
    bool ok = !n.empty() && n.size() < 16;
    for (char ch : n) ok = ok && ch >= '0' && ch <= '9';
    if (ok) v = std::stoll(n);
    if (!ok) {
      return Error(ErrorKind::Usage, "max-rate takes a whole number of rows per second, not '" + n + "'",
                   "For example: ferry ctl --state FILE set max-rate=5000 (0 = unlimited).");
    }
    c.command = "max-rate";
    c.value = v;
    return c;
  }
  return Error(ErrorKind::Usage, "unknown sync command '" + text + "'",
               "Use pause, resume, stop or set max-rate=N.");
}

core::Result<SyncCommandAck> sendSyncCommand(const std::string& statePath, SyncCommand command, int timeoutMs) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto& st = **store;
  auto progress = loadJson(st, kSyncProgressSetting);
  if (!progress) return std::move(progress).error();
  const auto phase = *progress ? (**progress).value("phase", std::string{}) : std::string{};
  const auto pid = *progress ? (**progress).value("pid", std::int64_t{0}) : std::int64_t{0};
  if (!*progress || !syncRunning(**progress)) {
    return Error(ErrorKind::NotFound, "no sync is running on " + statePath +
                                          (phase.empty() ? "" : " (its last sync is " + phase + ")"),
                 "Start one with ferry sync --state " + statePath + "; ferry ctl talks to a running sync only.");
  }
  auto last = lastSyncCommandSeq(st);
  if (!last) return std::move(last).error();
  command.seq = *last + 1;
  nlohmann::json j{
      {"seq", command.seq}, {"command", command.command}, {"value", command.value}, {"position", command.position}};
  FERRY_TRY(st.saveSetting(kCommandSetting, j.dump()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    auto ack = loadJson(st, kAckSetting);
    if (!ack) return std::move(ack).error();
    if (*ack && (**ack).value("seq", std::int64_t{0}) == command.seq) {
      SyncCommandAck a;
      a.seq = command.seq;
      a.ok = (**ack).value("ok", false);
      a.message = (**ack).value("message", std::string{});
      a.paused = (**ack).value("paused", false);
      a.maxRowsPerSecond = (**ack).value("max_rate", std::int64_t{0});
      if (!a.ok) return Error(ErrorKind::Usage, "the sync refused '" + command.command + "': " + a.message);
      return a;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Error(ErrorKind::Timeout,
               "the sync (pid " + std::to_string(pid) + ") did not answer '" + command.command + "' within " +
                   std::to_string(timeoutMs / 1000) + " s",
               "It reads commands between transactions: a very large source transaction or a lost server delays "
               "the answer. The command stays queued; see ferry status.");
}

namespace {

class ControlChannelHold final : public StreamHold {
public:
  ControlChannelHold(std::string statePath, std::chrono::milliseconds lease, std::chrono::milliseconds runToTimeout)
      : m_statePath(std::move(statePath)), m_lease(lease), m_runToTimeout(runToTimeout) {}
  ~ControlChannelHold() override { release(); }
  ControlChannelHold(const ControlChannelHold&) = delete;
  ControlChannelHold& operator=(const ControlChannelHold&) = delete;

  core::Status hold() override {
    auto ack = sendSyncCommand(m_statePath, {0, "hold", m_lease.count(), ""}, ackMs());
    if (!ack) {
      // Unanswered (a long source transaction in flight), the hold stays queued:
      // a newer command replaces it, so the sync never holds for nobody.
      (void)sendSyncCommand(m_statePath, {0, "release", 0, ""}, 1'000);
      return std::move(ack).error().context("holding the sync");
    }
    m_holding = true;
    return {};
  }

  core::Status runTo(const std::string& position, std::stop_token stop) override {
    return runTo("run-to", position, stop);
  }
  core::Status drainTo(const std::string& position, std::stop_token stop) override {
    return runTo("drain-to", position, stop);
  }

  void release() override {
    if (!m_holding) return;
    m_holding = false;
    if (auto ack = sendSyncCommand(m_statePath, {0, "release", 0, ""}, 10'000); !ack) {
      core::log(core::LogLevel::Warning, "verify: could not release the sync (" + ack.error().oneLine() +
                                             "); it goes on by itself when the hold's lease ends");
    }
  }

private:
  core::Status runTo(const char* command, const std::string& position, std::stop_token stop) {
    auto ack = sendSyncCommand(m_statePath, {0, command, m_lease.count(), position}, ackMs());
    if (!ack) return std::move(ack).error().context("running the sync to " + position);
    auto store = state::RunStateStore::open(m_statePath, state::OpenMode::Resume);
    if (!store) return std::move(store).error();
    const auto deadline = std::chrono::steady_clock::now() + m_runToTimeout;
    // Compared as positions: the sync shows a binlog position by its file's number only.
    const auto wanted = cdc::LogPosition::parse(position);
    if (!wanted) return std::move(wanted).error();
    while (!stop.stop_requested()) {
      auto progress = loadJson(**store, kSyncProgressSetting);
      if (!progress) return std::move(progress).error();
      if (*progress) {
        const auto held = cdc::LogPosition::parse((**progress).value("held_at", std::string{}));
        if (held && *held == *wanted) return {};
        if (!syncRunning(**progress)) {
          return Error(ErrorKind::Io, "the sync stopped while it ran to " + position,
                       "See ferry status; start it again and verify again.");
        }
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return Error(ErrorKind::Timeout,
                     "the sync did not reach " + position + " within " + std::to_string(m_runToTimeout.count()) + " ms",
                     "It is far behind the source: let it catch up (ferry status shows the lag), then verify again.");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Error(ErrorKind::Cancelled, "verify stopped");
  }

  std::string m_statePath;
  std::chrono::milliseconds m_lease;
  std::chrono::milliseconds m_runToTimeout;
  /// How long an answer to hold / run-to may take: 30 s, or less when the
  /// whole run-to must be quicker (a cutover's pause budget).
  int ackMs() const { return static_cast<int>(std::min<std::int64_t>(30'000, std::max<std::int64_t>(1, m_runToTimeout.count()))); }
  bool m_holding = false;
};

}  // namespace

core::Result<std::unique_ptr<StreamHold>> holdRunningSync(const std::string& statePath,
                                                          std::chrono::milliseconds lease,
                                                          std::chrono::milliseconds runToTimeout) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto running = syncRunningOn(**store);
  if (!running) return std::move(running).error();
  if (!*running) return std::unique_ptr<StreamHold>{};
  return std::unique_ptr<StreamHold>(std::make_unique<ControlChannelHold>(statePath, lease, runToTimeout));
}

}  // namespace ferry::run
