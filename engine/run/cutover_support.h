#pragma once
// Private to run/: the cutover's pieces (cutover_run.cpp orchestrates).

#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "connect/connection_spec.h"
#include "core/result.h"
#include "run/changed_keys.h"
#include "run/cutover_run.h"
#include "state/run_state.h"

namespace ferry::connect {
class PgConnection;
class MySqlConnection;
}  // namespace ferry::connect

namespace ferry::run {

/// The run-state setting the cutover keeps its record in (phase, fence, steps).
inline constexpr const char* kCutoverSetting = "cutover";

/// A Unix time in milliseconds as "2026-12-05 12:34:56 UTC", for a person.
std::string utcText(std::int64_t unixMs);

/// Drops a logical slot once no walsender holds it (retried for 10 s while a
/// stream that just ended lets go of it); none of that name: nothing to do.
core::Status dropSlotWhenFree(connect::PgConnection& c, const std::string& slot);

/// A fence a cutover or rollback recorded, to undo it from another step or
/// process: its kind and hook commands as recorded (`fenceKind`, the record's
/// "unfence_command" in `recordedOptions`), the other options from `options`.
core::Result<std::unique_ptr<cutover::Fence>> recordedFence(cutover::FenceOptions options, const std::string& fenceKind,
                                                            const nlohmann::json& recordedOptions,
                                                            const cutover::FenceScope& scope, const nlohmann::json& record);

/// One connection to a side, opened on first use and kept: a new login costs
/// tens of milliseconds (SCRAM), which a step inside the fence cannot spend.
class SideConnection {
public:
  explicit SideConnection(connect::ConnectionSpec spec);
  ~SideConnection();
  SideConnection(const SideConnection&) = delete;
  SideConnection& operator=(const SideConnection&) = delete;
  const connect::ConnectionSpec& spec() const { return m_spec; }
  bool isPg() const { return m_spec.engine == model::Engine::PostgreSQL; }
  core::Result<connect::PgConnection*> pg();
  core::Result<connect::MySqlConnection*> my();

private:
  connect::ConnectionSpec m_spec;
  std::unique_ptr<connect::PgConnection> m_pg;
  std::unique_ptr<connect::MySqlConnection> m_my;
};

/// The check after the drain (cutover_check.cpp): opened before the fence
/// (the tables' comparison jobs, one connection to each side, the last
/// verification's position), run inside it.
class ChangedRowsChecker {
public:
  static core::Result<std::unique_ptr<ChangedRowsChecker>> open(const CutoverRequest& req);
  ~ChangedRowsChecker();
  /// The position the run's last verification holds for ("" none or not live).
  const std::string& verifiedAt() const;
  /// Compares the rows of `keys` (the newest first) until `deadline`.
  core::Result<ChangedRowsCheck> check(const ChangedKeySet& keys, std::chrono::steady_clock::time_point deadline,
                                       std::stop_token stop);

  struct Impl;

private:
  ChangedRowsChecker();
  std::unique_ptr<Impl> m_impl;
};

/// The source's counters (PostgreSQL sequences, MariaDB AUTO_INCREMENT) of the
/// run's tables and their schemas, matched with the target's: each target
/// counter is raised (never lowered) so that its next value is at least the
/// source's next + `headroom`. With `dryRun` nothing is written. `missing`
/// gets the source counters the target has no counterpart for.
core::Result<std::vector<SequenceValue>> alignSequences(SideConnection& source, SideConnection& target,
                                                        const std::vector<state::TableState>& tables,
                                                        std::int64_t headroom, bool dryRun,
                                                        std::vector<std::string>* missing = nullptr);

/// The source's log end now, as the stream names positions ("0/1A2B3C8",
/// "mariadb-bin.000003:1234").
core::Result<std::string> sourceLogEnd(SideConnection& source);

/// Source write transactions older than `maxAgeSeconds` (other sessions than
/// Ferry's), and prepared / XA transactions: each one line.
core::Result<std::vector<std::string>> oldTransactions(SideConnection& source, int maxAgeSeconds);
core::Result<std::vector<std::string>> preparedTransactions(SideConnection& source);

/// The gates that do not change while the cutover waits: verification,
/// sequences, reverse path, fence, the application's roles on the target.
struct StaticGateInput {
  const CutoverRequest* request = nullptr;
  std::vector<state::TableState> tables;
  cutover::Fence* fence = nullptr;
};
std::vector<CutoverGate> staticGates(const StaticGateInput& in);

/// The way back (cutover_reverse.cpp). Its run state sits beside the forward
/// one: "x.state" → "x.reverse.state".
std::string reverseStatePath(const std::string& statePath);
/// The reverse gate: the target's log can be streamed, both sides can tag
/// Ferry's writes, every table maps back onto the one it came from with the
/// same column types (none widened beyond what the old side holds).
CutoverGate reverseGate(const CutoverRequest& req, const std::vector<state::TableState>& tables);
struct ReversePlan {
  std::string statePath;
  std::string start;  ///< the new side's position the way back streams from
};
/// Before the fence: the reverse run state (source = the target, target = the
/// source, the tables swapped, the same migration id) and its start on the
/// target (PostgreSQL: a publication and slot; MariaDB: the binlog position).
core::Result<ReversePlan> prepareReverse(const CutoverRequest& req, const std::string& migrationId,
                                         const std::vector<state::TableState>& tables);
/// A rollback, before its fence: the forward run's start again on the old
/// side — PostgreSQL: its publication and slot (the old ones were dropped at
/// the cutover), recorded as its snapshot; MariaDB: nothing (it resumes from
/// the GTID position its target stored). What it did, in words.
core::Result<std::string> rearmForward(const connect::ConnectionSpec& oldSide, const std::string& forwardState);
/// Drops the slot and publication a reverse run state names on `newSide`.
core::Status dropReverse(const connect::ConnectionSpec& newSide, const std::string& reverseState);

}  // namespace ferry::run
