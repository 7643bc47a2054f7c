#pragma once
/// The cutover (docs/cutover.md): gates checked live, then — each step timed —
/// sequences set ahead, the fence, the fence position, the drain of the stream
/// to exactly that position, the final sequence values, the switch. A step
/// that fails, or that would take the write pause past its budget, aborts: the
/// fence is lifted and the source is primary and writable again. After the
/// switch the old source stays fenced and the forward slot is dropped.
///
/// Every step is recorded in the run state as it starts and ends ("cutover"),
/// so `ferry cutover --recover` can finish or undo a cutover whose process was
/// killed: before the switch it lifts the fence, after it it completes it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "connect/connection_spec.h"
#include "core/result.h"
#include "cutover/canary.h"
#include "cutover/fence.h"
#include "plan/project.h"
#include "state/run_state_store.h"

namespace ferry::run {

struct CutoverOptions {
  std::string statePath;  ///< the run's state (required)
  cutover::FenceOptions fence;
  int maxLagMs = 500;           ///< heartbeat lag allowed …
  int stableSeconds = 5;        ///< … continuously for this long before the fence
  int maxTxnAgeSeconds = 10;    ///< no source write transaction older than this
  int maxPauseMs = 2000;        ///< the write pause's budget, fence to switch
  /// After the drain, the rows the stream changed since the last verification
  /// are compared on both sides for at most this long (the newest first); 0: not checked.
  int changedCheckMs = 200;
  std::int64_t sequenceHeadroom = 1000;  ///< target counters set this far ahead of the source's before the fence
  int verifyMaxAgeHours = 24;   ///< the last identical verification must be this recent
  int gateWaitSeconds = 120;    ///< how long the live gates may take to pass before the cutover gives up
  std::set<std::string> force;  ///< gates skipped (never lag, txn-age or fence)
  bool noReverse = false;       ///< no way back prepared (and no reverse gate)
  /// A rollback: instead of a new way back, the forward run (this state) is
  /// re-armed on the target before the fence (run/cutover_rollback.cpp).
  std::string rearmForwardState;
  /// Run right after the switch, inside the pause (a rollback lifts the old
  /// source's fence there, before the application reaches it); its failure
  /// fails the cutover after the switch.
  std::function<core::Result<std::string>()> afterSwitch;
  /// Only the gates, live, then stop: nothing fenced or prepared (the Plan page).
  bool gatesOnly = false;
  /// Canary writes through the application's endpoint (PgBouncer, or the
  /// source as the application reaches it), as the application's role; none: no canary.
  std::optional<connect::ConnectionSpec> canary;
  int canaryMs = 20;
  /// Tests only: FERRY_CUTOVER_FAIL_AT=<step> makes the process die at that step.
  std::string failAt;
};

struct CutoverRequest {
  connect::ConnectionSpec source;
  connect::ConnectionSpec target;
  plan::Project project;
  CutoverOptions options;
};

struct CutoverGate {
  std::string name;  ///< "lag", "txn-age", "prepared", "verify", "sequences", "reverse", "fence", "roles"
  bool ok = false;
  bool forced = false;
  std::string detail;
  std::string fix;
};

struct CutoverStep {
  std::string name;  ///< "sequences-ahead", "fence", "fence-position", "drain", "sequences", "switch", …
  double ms = 0;
  bool inPause = false;  ///< between the fence and the switch: part of the write pause
  std::string detail;
};

struct SequenceValue {
  std::string name;    ///< the target's sequence or "schema.table (AUTO_INCREMENT)"
  std::string source;  ///< the source's counter ("" unknown)
  std::int64_t next = 0;  ///< the target's next value after the step
};

/// The check inside the pause: the rows whose keys the stream changed since
/// the last verification, compared on both sides after the drain.
struct ChangedRowsCheck {
  std::string since;     ///< the position the changed keys cover from
  bool complete = false; ///< every key changed since the last verification was listed
  std::string note;      ///< why not complete, or where the time box ended it
  std::int64_t changed = 0;      ///< keys listed
  std::int64_t checked = 0;      ///< keys compared
  std::int64_t notCompared = 0;  ///< keys of tables outside the verification (keyless, the canary)
  std::int64_t differenceCount = 0;
  std::vector<std::string> differences;  ///< the first ones, for a person
};
nlohmann::json changedRowsCheckJson(const ChangedRowsCheck& c);

struct CutoverReport {
  std::string result;  ///< "switched", "aborted", "failed"
  std::vector<CutoverGate> gates;
  std::vector<CutoverStep> steps;
  double writePauseMs = 0;  ///< Ferry's: the fence taking effect to the switch done
  std::int64_t fenceAtMs = 0;  ///< when the fence began (Unix ms): a client's latency log is read around it
  std::string fencePosition;
  std::string drainedTo;
  std::vector<SequenceValue> sequences;
  std::string reverse;      ///< the reverse stream's start ("" none)
  std::string reverseState; ///< its run state (ferry sync --state it keeps the old source current)
  std::string abortedBy;    ///< the gate or step that aborted it
  std::string message;      ///< why, for a person
  std::string fence;        ///< what the fence does (describe())
  std::optional<cutover::CanaryVerdict> canary;  ///< with a canary
  std::optional<ChangedRowsCheck> changedRows;   ///< the check after the drain (when made)
};

nlohmann::json cutoverReportJson(const CutoverReport& r);
/// Every cutover and rollback that ended (switched or aborted), kept in the
/// run state ("cutover_history") for the plan and the evidence pack.
void appendCutoverHistory(state::RunStateStore& st, const std::string& kind, const nlohmann::json& report);

/// What a running cutover shows (the workbench's Cutover page).
struct CutoverProgress {
  std::string phase;  ///< "gates", "preparing", "fenced", "switched", "aborted", "failed"
  std::vector<CutoverGate> gates;
  std::vector<CutoverStep> steps;
  double lagMs = 0;
  double stableForSeconds = 0;
  /// The canary's writes so far: (seconds since its first, latency ms, acknowledged).
  std::vector<std::tuple<double, double, bool>> canary;
  /// The number of the canary's writes before canary.front() (only the last
  /// 1,500 are handed over each time).
  std::size_t canaryFirst = 0;
  std::string stage;  ///< a rehearsal: "cutover" or "rollback"
};

class CutoverRun {
public:
  explicit CutoverRun(CutoverRequest request);
  ~CutoverRun();
  CutoverRun(const CutoverRun&) = delete;
  CutoverRun& operator=(const CutoverRun&) = delete;

  /// The whole cutover. An Error when it could not run at all (the run state,
  /// connections before anything changed) or when recovery is needed; an
  /// aborted cutover is a report with result "aborted" (the source primary).
  core::Result<CutoverReport> run(std::stop_token stop);
  CutoverProgress progress() const;
  /// Asks a running cutover to abort at the next step before the switch.
  void abort();

  struct Impl;

private:
  CutoverRequest m_request;
  std::unique_ptr<Impl> m_impl;
};

/// `ferry cutover --recover`: finishes or undoes a cutover whose process died,
/// from what the run state recorded, so that exactly one side is primary:
/// before the switch the fence is lifted (the source primary again); after it,
/// the remaining steps are done. The fence's options must be given again.
core::Result<CutoverReport> recoverCutover(const CutoverRequest& request);

/// `ferry rollback`: the cutover's choreography the other way, on the way
/// back's run state — fence the new primary, drain the reverse stream to the
/// fence position, sequences, switch back — then the old source's own fence is
/// lifted and the forward stream can start again from the old source's
/// current position (PostgreSQL: a new slot). `request` is the forward run's
/// (its source is the old side); its fence options stop writes on the new
/// side. Every write made on the new side before the rollback is on the old
/// side after it. Result "rolled-back", or "aborted" (the new side still primary).
core::Result<CutoverReport> rollbackCutover(const CutoverRequest& request, std::stop_token stop,
                                            const std::function<void(const CutoverProgress&)>& onProgress = {});

/// `ferry cutover --rehearse`: the cutover, then the rollback at once; both
/// reports, kept in the run state's rehearsal history (`rehearsals`).
struct RehearsalReport {
  std::string result;  ///< "rehearsed", or the step that stopped it ("aborted", "failed")
  CutoverReport cutover;
  std::optional<CutoverReport> rollback;
  std::string message;  ///< why it failed (the rollback could not run), for a person
};
core::Result<RehearsalReport> rehearseCutover(const CutoverRequest& request, std::stop_token stop,
                                              const std::function<void(const CutoverProgress&)>& onProgress = {});
nlohmann::json rehearsalJson(const RehearsalReport& r);
/// The rehearsals kept in the run state, oldest first.
core::Result<nlohmann::json> rehearsalHistory(const std::string& statePath);

/// `ferry finish`: ends the migration after the soak — the way back stops (a
/// sync running on its state is told to), its slot and publication are
/// dropped, nothing is lifted on the old source, and the cutover record says
/// finished.
core::Result<nlohmann::json> finishMigration(const CutoverRequest& request);

}  // namespace ferry::run
