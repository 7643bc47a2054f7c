#pragma once
/// EngineBridge: the one seam between the engine and Qt (DESIGN.md "GUI").
/// Every engine call that touches a server runs on the bridge's own thread
/// pool; the outcome comes back as a signal delivered on the GUI thread, so the
/// event loop never waits for a database. Requests are identified by the id
/// the start function returns, so several pages can share one bridge.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QMetaType>
#include <QObject>
#include <QThreadPool>

#include "app/assessment/assessment_evaluation.h"
#include "connect/connection_spec.h"
#include "core/error.h"
#include "introspect/introspector.h"
#include "model/catalog.h"
#include "preflight/preflight.h"
#include "run/copy_run.h"
#include "run/cutover_run.h"
#include "run/evidence_pack.h"
#include "run/sync_run.h"
#include "run/verify_run.h"

namespace ferry::app {

/// What "Test connection" found: the server's identity and the role's
/// pre-flight checks. `error` is set when the connection (or the checks) failed.
struct ConnectionTestOutcome {
  std::optional<core::Error> error;
  model::Engine engine = model::Engine::PostgreSQL;  ///< the real flavour
  model::ServerVersion version;
  std::string user;
  std::string database;
  std::optional<preflight::Report> report;  ///< absent when the checks could not run
  std::optional<core::Error> preflightError;
};

/// A catalog read by inspect, shared read-only between the model and the views.
struct CatalogOutcome {
  std::optional<core::Error> error;
  std::shared_ptr<const model::Catalog> catalog;
};

/// What "Run assessment" needs: the source, and either a real target server
/// (its catalog is read for the schema diff) or just a target engine.
struct AssessmentRequest {
  connect::ConnectionSpec source;
  std::optional<connect::ConnectionSpec> target;
  model::Engine targetEngine = model::Engine::PostgreSQL;  ///< used when there is no target server
  plan::Project project;  ///< mapping options, overrides, table rules, schemas
};

/// The catalogs an assessment was computed from (kept by the page so an
/// override re-evaluates without a server) and the first evaluation.
struct AssessmentOutcome {
  std::optional<core::Error> error;        ///< the source could not be read or mapped
  std::optional<core::Error> targetError;  ///< the target could not be read: no diff, engine from the form
  std::shared_ptr<const model::Catalog> source;
  /// Every non-system schema of the target (a schema map edit may point at
  /// any of them); each evaluation diffs only the schemas the mapping writes to.
  std::shared_ptr<const model::Catalog> target;
  assess::TargetSpec targetSpec;
  std::shared_ptr<const AssessmentEvaluation> evaluation;
};

/// A re-evaluation after an edit of the mapping: the catalogs a run already
/// read and the edited project. No server is involved.
struct EvaluationRequest {
  std::shared_ptr<const model::Catalog> source;
  std::shared_ptr<const model::Catalog> target;  ///< null: no schema diff
  assess::TargetSpec targetSpec;
  plan::Project project;
};

/// The new evaluation, or the engine's error (a bad option value, say).
struct EvaluationOutcome {
  std::optional<core::Error> error;
  std::shared_ptr<const AssessmentEvaluation> evaluation;
  qint64 elapsedMs = 0;  ///< time spent evaluating on the pool
};

/// How a copy run ended: the summary, or the error (one line, never a
/// password); `last` is the final progress either way.
struct CopyOutcome {
  std::optional<core::Error> error;
  std::optional<run::CopySummary> summary;
  run::CopyProgress last;
};

/// How a sync ended: the summary (stopped or caught up), or the error (one
/// line, never a password) with why the stream stopped (a divergence and a
/// schema change need different answers); `last` is the final progress either way.
struct SyncOutcome {
  std::optional<core::Error> error;
  std::optional<run::SyncSummary> summary;
  run::SyncProgress last;
  run::SyncRun::StopReason stopReason = run::SyncRun::StopReason::None;
  /// Stopped at a new source column: the change and the proposal the run state holds.
  std::optional<run::PendingSchemaChange> schemaChange;
  /// Stopped at a MariaDB schema change the stream does not follow: its GTID
  /// (SyncRun::passableDdl), passed once the DBA says the target matches.
  std::string passableDdl;
};

/// How a verification ended: the report, or the error (one line, never a
/// password); `last` is the final progress either way.
struct VerifyOutcome {
  std::optional<core::Error> error;
  std::optional<verify::VerifyReport> report;
  run::VerifyProgress last;
};

/// What a cutover job does: only the gates, a rehearsal (cutover, then back),
/// the cutover, the rollback, or finishing the migration.
enum class CutoverMode { Gates, Rehearse, Cutover, Rollback, Finish };

/// How a cutover job ended: its report(s), or the error (one line, never a password).
struct CutoverOutcome {
  CutoverMode mode = CutoverMode::Gates;
  std::optional<core::Error> error;
  std::optional<run::CutoverReport> report;       ///< gates, cutover, rollback
  std::optional<run::RehearsalReport> rehearsal;  ///< a rehearsal
  std::string finished;                           ///< finish: what was done
  run::CutoverProgress last;
};

/// The Plan page's summary of a run (run::planSummary), or why not.
struct PlanOutcome {
  std::optional<core::Error> error;
  std::string summaryJson;
};

/// The evidence pack as HTML (run::evidencePackHtml), or why not.
struct EvidenceOutcome {
  std::optional<core::Error> error;
  std::string html;
};

/// The replication slots an abandoned run had on its source, or why not.
struct AbandonOutcome {
  std::optional<core::Error> error;
  std::vector<std::string> slotsDropped;
};

/// A schema-change decision run on the target (run::applySchemaDecision), or why not.
struct SchemaDecisionOutcome {
  std::optional<core::Error> error;
  std::vector<std::string> applied;  ///< the statements run
};

/// The run-state file of a source and target (run::resolveStatePath), or why not.
struct StatePathOutcome {
  std::optional<core::Error> error;
  std::string path;
};

/// What a repair did per table, or why it stopped.
struct RepairOutcome {
  std::optional<core::Error> error;
  std::vector<run::TableRepair> repairs;
};

/// Both sides of one differing row (VerifyRun::rowPair).
struct RowPairOutcome {
  std::optional<core::Error> error;
  std::optional<verify::RowPair> pair;
};

class EngineBridge : public QObject {
  Q_OBJECT
public:
  explicit EngineBridge(QObject* parent = nullptr);
  /// Waits for running requests (bounded by the connect timeout of their specs).
  ~EngineBridge() override;

  /// Connects, reads the server's identity, then runs the checks of `role`.
  quint64 testConnection(const connect::ConnectionSpec& spec, preflight::Role role);
  /// Reads the catalog of `spec` (schemas as in `what`).
  quint64 inspect(const connect::ConnectionSpec& spec, const introspect::IntrospectOptions& what);

  /// Reads the source catalog (and the target's, when a target server is
  /// given), then maps, renders the DDL and diffs — all off the GUI thread.
  quint64 runAssessment(const AssessmentRequest& request);
  /// Maps, renders the DDL and diffs again on cached catalogs (evaluateAssessment)
  /// on the pool; evaluated() carries the result. On a large catalog this takes
  /// seconds, so the GUI thread never runs it.
  quint64 evaluate(EvaluationRequest request);

  /// Starts a copy run on its own thread (it may last hours, so not the pool);
  /// copyFinished() reports the end. The id names the run in the calls below.
  quint64 startCopy(run::CopyRequest request);
  /// The run's current progress (a cheap snapshot; the page polls it, the
  /// engine never pushes). nullopt for an unknown or finished run.
  std::optional<run::CopyProgress> copyProgress(quint64 copyId) const;
  /// Flow control of a running copy; false when the run is unknown or over.
  bool pauseCopy(quint64 copyId);
  bool resumeCopy(quint64 copyId);
  bool setCopyMaxRate(quint64 copyId, qint64 rowsPerSecond);
  /// Asks the run to stop; copyFinished() follows once its workers are out.
  bool cancelCopy(quint64 copyId);
  bool isCopyPaused(quint64 copyId) const;
  /// Gives up the run recorded in `statePath` on the pool (run::abandonCopyRun:
  /// drops its replication slots); copyAbandoned() reports the end.
  quint64 abandonCopy(const connect::ConnectionSpec& source, const std::string& statePath);
  /// Runs the decision on the schema change a sync stopped at (run::applySchemaDecision)
  /// on the pool; schemaDecisionApplied() follows.
  quint64 applySchemaDecision(const std::string& statePath, const connect::ConnectionSpec& target, const std::string& sql);
  /// Names the run-state file of `source` and `target` on the pool (connects to
  /// both for their identities; run::resolveStatePath); statePathResolved() follows.
  quint64 resolveStatePath(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target);

  /// Starts a sync (the change stream after a copy that kept its slot) on its
  /// own thread: it runs until stopped, caught up or failed; syncFinished()
  /// reports the end. The id names the run in the calls below.
  quint64 startSync(run::SyncRequest request);
  /// The sync's current progress (a cheap snapshot the page polls); nullopt
  /// for an unknown or finished sync.
  std::optional<run::SyncProgress> syncProgress(quint64 syncId) const;
  /// Flow control of a running sync (after the source transaction in flight);
  /// false when the sync is unknown or over.
  bool pauseSync(quint64 syncId);
  bool resumeSync(quint64 syncId);
  bool setSyncMaxRate(quint64 syncId, qint64 rowsPerSecond);
  /// Asks the sync to stop after the transaction in flight; syncFinished() follows.
  bool cancelSync(quint64 syncId);

  /// Starts a verification on its own thread; verifyFinished() reports the end.
  /// The finished run stays open (its worker connections) for rowPair() and
  /// repairVerified() until releaseVerify(); the id names it in those calls.
  quint64 startVerify(run::VerifyRequest request);
  /// The verification's current progress; nullopt for an unknown id.
  std::optional<run::VerifyProgress> verifyProgress(quint64 verifyId) const;
  /// Asks a running verification or repair to stop; its finished signal follows.
  bool cancelVerify(quint64 verifyId);
  /// True while the run verifies or repairs (rowPair waits for it meanwhile).
  bool isVerifyBusy(quint64 verifyId) const;
  /// Fetches both sides of one difference of a finished verification on the
  /// pool; rowPairFetched() carries the request id returned. 0: unknown run.
  quint64 fetchRowPair(quint64 verifyId, const std::string& table, const verify::Difference& difference);
  /// Repairs the differing rows of `report` (from that run) on the run's own
  /// thread; repairFinished() follows. Verify again (a new run) to prove it.
  bool startRepair(quint64 verifyId, verify::VerifyReport report);
  /// Forgets a run and closes its connections off the GUI thread; a busy run
  /// is stopped first and forgotten once it ends.
  void releaseVerify(quint64 verifyId);

  /// Starts a cutover job on its own thread; cutoverFinished() reports the end.
  quint64 startCutover(run::CutoverRequest request, CutoverMode mode);
  /// Its progress now (gates, steps, the canary); nullopt when unknown or over.
  std::optional<run::CutoverProgress> cutoverProgress(quint64 cutoverId) const;
  /// Asks it to abort before its switch (after the switch, forward is the only way).
  bool abortCutover(quint64 cutoverId);
  /// Reads the Plan page's summary of the run on the pool; planLoaded() follows.
  quint64 loadPlan(std::string statePath);
  /// Writes the evidence pack on the pool; evidenceBuilt() follows.
  quint64 buildEvidence(run::EvidenceRequest request);

  /// Number of requests still running (tests and the status bar use it).
  int pending() const { return m_pending; }

signals:
  void connectionTested(quint64 requestId, const ferry::app::ConnectionTestOutcome& outcome);
  void catalogLoaded(quint64 requestId, const ferry::app::CatalogOutcome& outcome);
  void assessmentFinished(quint64 requestId, const ferry::app::AssessmentOutcome& outcome);
  void evaluated(quint64 requestId, const ferry::app::EvaluationOutcome& outcome);
  void copyFinished(quint64 copyId, const ferry::app::CopyOutcome& outcome);
  void syncFinished(quint64 syncId, const ferry::app::SyncOutcome& outcome);
  void copyAbandoned(quint64 requestId, const ferry::app::AbandonOutcome& outcome);
  void schemaDecisionApplied(quint64 requestId, const ferry::app::SchemaDecisionOutcome& outcome);
  void statePathResolved(quint64 requestId, const ferry::app::StatePathOutcome& outcome);
  void verifyFinished(quint64 verifyId, const ferry::app::VerifyOutcome& outcome);
  void repairFinished(quint64 verifyId, const ferry::app::RepairOutcome& outcome);
  void rowPairFetched(quint64 requestId, const ferry::app::RowPairOutcome& outcome);
  void cutoverFinished(quint64 cutoverId, const ferry::app::CutoverOutcome& outcome);
  void planLoaded(quint64 requestId, const ferry::app::PlanOutcome& outcome);
  void evidenceBuilt(quint64 requestId, const ferry::app::EvidenceOutcome& outcome);
  /// A line the engine logged (core::log) on any thread, delivered on the GUI
  /// thread: the Run page shows the warnings ("LOAD DATA LOCAL INFILE refused…",
  /// "resume: 2 source tables changed…") that the command line prints to stderr.
  void engineMessage(int level, const QString& text);
  /// Emitted when pending() changes, for busy indicators.
  void pendingChanged(int pending);

private:
  template <typename T, typename Fn, typename Done>
  quint64 start(Fn work, Done done);

  struct CopyJob;
  CopyJob* copyJob(quint64 copyId) const;
  void onCopyDone(quint64 copyId, CopyOutcome outcome);

  struct SyncJob;
  SyncJob* syncJob(quint64 syncId) const;
  void onSyncDone(quint64 syncId, SyncOutcome outcome);

  struct CutoverJob;
  void onCutoverDone(quint64 cutoverId, CutoverOutcome outcome);
  std::map<quint64, std::unique_ptr<CutoverJob>> m_cutovers;

  struct VerifyJob;
  std::shared_ptr<VerifyJob> verifyJob(quint64 verifyId) const;
  /// The job's thread posted its last act: join it, then forget a released job.
  void endVerifyWork(quint64 verifyId);
  void dropVerifyJob(std::shared_ptr<VerifyJob> job);

  QThreadPool m_pool;
  std::map<quint64, std::unique_ptr<CopyJob>> m_copies;
  std::map<quint64, std::unique_ptr<SyncJob>> m_syncs;
  /// Shared with pool tasks (rowPair) that may outlive a release.
  std::map<quint64, std::shared_ptr<VerifyJob>> m_verifies;
  quint64 m_nextId = 1;
  int m_pending = 0;
};

}  // namespace ferry::app

Q_DECLARE_METATYPE(ferry::app::ConnectionTestOutcome)
Q_DECLARE_METATYPE(ferry::app::CatalogOutcome)
Q_DECLARE_METATYPE(ferry::app::AssessmentOutcome)
Q_DECLARE_METATYPE(ferry::app::EvaluationOutcome)
Q_DECLARE_METATYPE(ferry::app::CopyOutcome)
Q_DECLARE_METATYPE(ferry::app::SyncOutcome)
Q_DECLARE_METATYPE(ferry::app::AbandonOutcome)
Q_DECLARE_METATYPE(ferry::app::SchemaDecisionOutcome)
Q_DECLARE_METATYPE(ferry::app::StatePathOutcome)
Q_DECLARE_METATYPE(ferry::app::VerifyOutcome)
Q_DECLARE_METATYPE(ferry::app::RepairOutcome)
Q_DECLARE_METATYPE(ferry::app::RowPairOutcome)
Q_DECLARE_METATYPE(ferry::app::CutoverOutcome)
Q_DECLARE_METATYPE(ferry::app::PlanOutcome)
Q_DECLARE_METATYPE(ferry::app::EvidenceOutcome)
