#include "app/bridge/engine_bridge.h"

#include <mutex>
#include <thread>

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "core/log.h"
#include "run/assessment_run.h"
#include "run/session.h"
#include "run/state_path.h"

namespace ferry::app {

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ConnectionTestOutcome>();
  qRegisterMetaType<CutoverOutcome>();
  qRegisterMetaType<PlanOutcome>();
  qRegisterMetaType<EvidenceOutcome>();
  qRegisterMetaType<CatalogOutcome>();
  qRegisterMetaType<AssessmentOutcome>();
  qRegisterMetaType<SchemaDecisionOutcome>();
  qRegisterMetaType<EvaluationOutcome>();
  qRegisterMetaType<CopyOutcome>();
  qRegisterMetaType<SyncOutcome>();
  qRegisterMetaType<AbandonOutcome>();
  qRegisterMetaType<StatePathOutcome>();
  qRegisterMetaType<VerifyOutcome>();
  qRegisterMetaType<RepairOutcome>();
  qRegisterMetaType<RowPairOutcome>();
  // 4 threads: source and target tests plus two catalog loads may run at once;
  // each holds one connection, so more would only queue on the servers.
  m_pool.setMaxThreadCount(4);
  // The engine's log goes to this bridge instead of stderr. The sink runs under
  // the log's lock, so resetting it in the destructor waits for a call in
  // flight; a queued call to a destroyed bridge is dropped by Qt.
  core::setLogSink([this](core::LogLevel level, std::string_view line) {
    QMetaObject::invokeMethod(
        this,
        [this, level = static_cast<int>(level), text = QString::fromUtf8(line.data(), static_cast<int>(line.size()))] {
          emit engineMessage(level, text);
        },
        Qt::QueuedConnection);
  });
}

/// One running copy: the run (its progress and flow control are thread-safe)
/// and the thread that drives it; the thread is joined before the run dies.
struct EngineBridge::CopyJob {
  std::unique_ptr<run::CopyRun> run;
  std::jthread thread;
  ~CopyJob() {
    if (thread.joinable()) {
      thread.request_stop();
      run->flow().resume();  // a paused run must see the stop
      thread.join();
    }
  }
};

/// One running sync: the run (its progress and flow control are thread-safe)
/// and the thread that drives it; the thread is joined before the run dies. A
/// paused sync checks the stop before the pause, so no resume is needed.
struct EngineBridge::SyncJob {
  std::unique_ptr<run::SyncRun> run;
  std::jthread thread;
  ~SyncJob() {
    if (thread.joinable()) {
      thread.request_stop();
      thread.join();
    }
  }
};

/// One verification: the run (its progress and flow control are thread-safe),
/// the thread that drives run() and later repair(), and a lock so a rowPair()
/// on the pool never shares the run's worker connections with them.
struct EngineBridge::VerifyJob {
  std::unique_ptr<run::VerifyRun> run;
  std::jthread thread;
  std::mutex connections;
  bool busy = false;      ///< GUI thread only: run() or repair() in flight
  bool released = false;  ///< GUI thread only: forget the job once its thread is done
  void stop() {
    thread.request_stop();
    run->flow().resume();  // a throttled run must see the stop
  }
  ~VerifyJob() {
    if (thread.joinable()) {
      stop();
      thread.join();
    }
  }
};

struct EngineBridge::CutoverJob {
  mutable std::mutex mutex;
  run::CutoverProgress progress;          // rehearsal, rollback: from their callbacks
  std::unique_ptr<run::CutoverRun> run;   // gates, cutover: asked directly
  std::jthread thread;                    // last: joined before the rest goes
};

EngineBridge::~EngineBridge() {
  core::setLogSink({});
  for (auto& entry : m_cutovers) {
    if (entry.second->run) entry.second->run->abort();  // before its switch; after it, it finishes
  }
  m_cutovers.clear();
  m_copies.clear();  // stops and joins running copies while `this` still exists
  m_syncs.clear();   // likewise the syncs (each stops after its transaction in flight)
  // Stop every verification first: a rowPair() task waiting for a run's lock
  // must get it before the pool is waited for.
  for (auto& entry : m_verifies) entry.second->stop();
  m_verifies.clear();
  m_pool.waitForDone();
}

template <typename T, typename Fn, typename Done>
quint64 EngineBridge::start(Fn work, Done done) {
  const quint64 id = m_nextId++;
  auto* watcher = new QFutureWatcher<T>(this);
  // The watcher lives on the GUI thread: its finished() is a queued event, so
  // `done` runs there and emits the result signal on the GUI thread.
  connect(watcher, &QFutureWatcher<T>::finished, this, [this, watcher, id, done] {
    --m_pending;
    emit pendingChanged(m_pending);
    done(id, watcher->result());
    watcher->deleteLater();
  });
  ++m_pending;
  emit pendingChanged(m_pending);
  watcher->setFuture(QtConcurrent::run(&m_pool, std::move(work)));
  return id;
}

quint64 EngineBridge::testConnection(const connect::ConnectionSpec& spec, preflight::Role role) {
  auto work = [spec, role]() -> ConnectionTestOutcome {
    ConnectionTestOutcome out;
    auto info = run::testConnection(spec);
    if (!info) {
      out.error = info.error();
      return out;
    }
    out.engine = info->engine;
    out.version = info->version;
    out.user = info->user;
    out.database = info->database;
    const bool source = role == preflight::Role::Source;
    auto report = run::runPreflight(source ? &spec : nullptr, source ? nullptr : &spec);
    if (report) {
      out.report = std::move(*report);
    } else {
      out.preflightError = report.error();
    }
    return out;
  };
  return start<ConnectionTestOutcome>(std::move(work), [this](quint64 id, const ConnectionTestOutcome& o) {
    emit connectionTested(id, o);
  });
}

quint64 EngineBridge::inspect(const connect::ConnectionSpec& spec, const introspect::IntrospectOptions& what) {
  auto work = [spec, what]() -> CatalogOutcome {
    CatalogOutcome out;
    auto catalog = run::inspect(spec, what);
    if (catalog) {
      out.catalog = std::make_shared<const model::Catalog>(std::move(*catalog));
    } else {
      out.error = catalog.error();
    }
    return out;
  };
  return start<CatalogOutcome>(std::move(work), [this](quint64 id, const CatalogOutcome& o) {
    emit catalogLoaded(id, o);
  });
}

quint64 EngineBridge::runAssessment(const AssessmentRequest& request) {
  auto work = [request]() -> AssessmentOutcome {
    AssessmentOutcome out;
    introspect::IntrospectOptions what;
    what.schemas = request.project.schemas;
    auto source = run::inspect(request.source, what);
    if (!source) {
      out.error = std::move(source).error().context("source");
      return out;
    }
    out.source = std::make_shared<const model::Catalog>(std::move(*source));
    out.targetSpec.engine = request.targetEngine;
    if (request.target) {
      // Every non-system schema: naming the mapped schemas would fail while they do not exist yet.
      auto target = run::inspect(*request.target, introspect::IntrospectOptions{});
      if (target) {
        if (auto server = run::testConnection(*request.target); server) {
          out.targetSpec = run::targetSpecOf(*server);
          if (auto caps = run::addTargetCapabilities(*request.target, *out.source, out.targetSpec); !caps) {
            target = std::move(caps).error();
          }
        } else {
          target = std::move(server).error();
        }
      }
      if (target) {
        out.target = std::make_shared<const model::Catalog>(std::move(*target));
      } else {
        out.targetError = std::move(target).error().context("target");
        out.targetSpec.engine = request.target->engine;
      }
    }
    auto first = evaluateAssessment(*out.source, out.targetSpec, request.project, out.target.get());
    if (!first) {
      out.error = std::move(first).error();
      return out;
    }
    out.evaluation = std::make_shared<const AssessmentEvaluation>(std::move(*first));
    return out;
  };
  return start<AssessmentOutcome>(std::move(work), [this](quint64 id, const AssessmentOutcome& o) {
    emit assessmentFinished(id, o);
  });
}

quint64 EngineBridge::evaluate(EvaluationRequest request) {
  auto work = [request = std::move(request)]() -> EvaluationOutcome {
    EvaluationOutcome out;
    QElapsedTimer clock;
    clock.start();
    auto evaluation = evaluateAssessment(*request.source, request.targetSpec, request.project, request.target.get());
    if (evaluation) {
      out.evaluation = std::make_shared<const AssessmentEvaluation>(std::move(*evaluation));
    } else {
      out.error = std::move(evaluation).error();
    }
    out.elapsedMs = clock.elapsed();
    return out;
  };
  return start<EvaluationOutcome>(std::move(work), [this](quint64 id, const EvaluationOutcome& o) {
    emit evaluated(id, o);
  });
}

quint64 EngineBridge::startCopy(run::CopyRequest request) {
  const quint64 id = m_nextId++;
  auto job = std::make_unique<CopyJob>();
  job->run = std::make_unique<run::CopyRun>(std::move(request));
  run::CopyRun* copy = job->run.get();
  ++m_pending;
  emit pendingChanged(m_pending);
  job->thread = std::jthread([this, id, copy](std::stop_token stop) {
    CopyOutcome out;
    auto result = copy->run(stop);
    if (result) {
      out.last = result->final;
      out.summary = std::move(*result);
    } else {
      out.error = result.error();
      out.last = copy->progress();
      out.last.phase = "failed";
    }
    // Queued: runs on the GUI thread; dropped if the bridge is gone by then.
    QMetaObject::invokeMethod(this, [this, id, out = std::move(out)]() mutable { onCopyDone(id, std::move(out)); },
                              Qt::QueuedConnection);
  });
  m_copies.emplace(id, std::move(job));
  return id;
}

quint64 EngineBridge::abandonCopy(const connect::ConnectionSpec& source, const std::string& statePath) {
  auto work = [source, statePath]() -> AbandonOutcome {
    AbandonOutcome out;
    auto dropped = run::abandonCopyRun(source, statePath);
    if (dropped) {
      out.slotsDropped = std::move(*dropped);
    } else {
      out.error = dropped.error();
    }
    return out;
  };
  return start<AbandonOutcome>(std::move(work),
                               [this](quint64 id, const AbandonOutcome& out) { emit copyAbandoned(id, out); });
}

quint64 EngineBridge::applySchemaDecision(const std::string& statePath, const connect::ConnectionSpec& target,
                                          const std::string& sql) {
  auto work = [statePath, target, sql]() -> SchemaDecisionOutcome {
    SchemaDecisionOutcome out;
    auto applied = run::applySchemaDecision(statePath, target, sql);
    if (applied) {
      out.applied = std::move(*applied);
    } else {
      out.error = applied.error();
    }
    return out;
  };
  return start<SchemaDecisionOutcome>(
      std::move(work), [this](quint64 id, const SchemaDecisionOutcome& out) { emit schemaDecisionApplied(id, out); });
}

quint64 EngineBridge::resolveStatePath(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target) {
  auto work = [source, target]() -> StatePathOutcome {
    StatePathOutcome out;
    auto path = run::resolveStatePath(source, target, {});
    if (path) {
      out.path = std::move(*path);
    } else {
      out.error = path.error();
    }
    return out;
  };
  return start<StatePathOutcome>(std::move(work),
                                 [this](quint64 id, const StatePathOutcome& out) { emit statePathResolved(id, out); });
}

void EngineBridge::onCopyDone(quint64 copyId, CopyOutcome outcome) {
  auto it = m_copies.find(copyId);
  if (it == m_copies.end()) return;
  it->second->thread.join();  // it posted this as its last act: the join is immediate
  m_copies.erase(it);
  --m_pending;
  emit pendingChanged(m_pending);
  emit copyFinished(copyId, outcome);
}

EngineBridge::CopyJob* EngineBridge::copyJob(quint64 copyId) const {
  auto it = m_copies.find(copyId);
  return it == m_copies.end() ? nullptr : it->second.get();
}

std::optional<run::CopyProgress> EngineBridge::copyProgress(quint64 copyId) const {
  const CopyJob* job = copyJob(copyId);
  if (!job) return std::nullopt;
  return job->run->progress();
}

bool EngineBridge::pauseCopy(quint64 copyId) {
  CopyJob* job = copyJob(copyId);
  if (job) job->run->flow().pause();
  return job != nullptr;
}

bool EngineBridge::resumeCopy(quint64 copyId) {
  CopyJob* job = copyJob(copyId);
  if (job) job->run->flow().resume();
  return job != nullptr;
}

bool EngineBridge::setCopyMaxRate(quint64 copyId, qint64 rowsPerSecond) {
  CopyJob* job = copyJob(copyId);
  if (job) job->run->flow().setMaxRowsPerSecond(std::max<qint64>(0, rowsPerSecond));
  return job != nullptr;
}

bool EngineBridge::cancelCopy(quint64 copyId) {
  CopyJob* job = copyJob(copyId);
  if (!job) return false;
  job->thread.request_stop();
  job->run->flow().resume();  // so the page shows "running" again; admit() wakes on the stop anyway
  return true;
}

bool EngineBridge::isCopyPaused(quint64 copyId) const {
  const CopyJob* job = copyJob(copyId);
  return job && job->run->flow().paused();
}

quint64 EngineBridge::startSync(run::SyncRequest request) {
  const quint64 id = m_nextId++;
  auto job = std::make_unique<SyncJob>();
  const std::string statePath = request.options.statePath;
  job->run = std::make_unique<run::SyncRun>(std::move(request));
  run::SyncRun* sync = job->run.get();
  ++m_pending;
  emit pendingChanged(m_pending);
  job->thread = std::jthread([this, id, sync, statePath](std::stop_token stop) {
    SyncOutcome out;
    auto result = sync->run(stop);
    if (result) {
      out.last = result->final;
      out.summary = std::move(*result);
    } else {
      out.error = result.error();
      out.last = sync->progress();
      // The engine names its own end ("failed", "stopped" when stopped while reconnecting).
      if (out.last.phase != "failed" && out.last.phase != "stopped") out.last.phase = "failed";
    }
    out.stopReason = sync->stopReason();
    out.passableDdl = sync->passableDdl();
    if (out.stopReason == run::SyncRun::StopReason::SchemaChange) {
      if (auto pending = run::pendingSchemaChange(statePath); pending && *pending) out.schemaChange = **pending;
    }
    // Queued: runs on the GUI thread; dropped if the bridge is gone by then.
    QMetaObject::invokeMethod(this, [this, id, out = std::move(out)]() mutable { onSyncDone(id, std::move(out)); },
                              Qt::QueuedConnection);
  });
  m_syncs.emplace(id, std::move(job));
  return id;
}

void EngineBridge::onSyncDone(quint64 syncId, SyncOutcome outcome) {
  auto it = m_syncs.find(syncId);
  if (it == m_syncs.end()) return;
  it->second->thread.join();  // it posted this as its last act: the join is immediate
  m_syncs.erase(it);
  --m_pending;
  emit pendingChanged(m_pending);
  emit syncFinished(syncId, outcome);
}

EngineBridge::SyncJob* EngineBridge::syncJob(quint64 syncId) const {
  auto it = m_syncs.find(syncId);
  return it == m_syncs.end() ? nullptr : it->second.get();
}

std::optional<run::SyncProgress> EngineBridge::syncProgress(quint64 syncId) const {
  const SyncJob* job = syncJob(syncId);
  if (!job) return std::nullopt;
  return job->run->progress();
}

bool EngineBridge::pauseSync(quint64 syncId) {
  SyncJob* job = syncJob(syncId);
  if (job) job->run->pause();
  return job != nullptr;
}

bool EngineBridge::resumeSync(quint64 syncId) {
  SyncJob* job = syncJob(syncId);
  if (job) job->run->resume();
  return job != nullptr;
}

bool EngineBridge::setSyncMaxRate(quint64 syncId, qint64 rowsPerSecond) {
  SyncJob* job = syncJob(syncId);
  if (job) job->run->setMaxRowsPerSecond(std::max<qint64>(0, rowsPerSecond));
  return job != nullptr;
}

bool EngineBridge::cancelSync(quint64 syncId) {
  SyncJob* job = syncJob(syncId);
  if (!job) return false;
  job->thread.request_stop();
  return true;
}

quint64 EngineBridge::startVerify(run::VerifyRequest request) {
  const quint64 id = m_nextId++;
  auto job = std::make_shared<VerifyJob>();
  job->run = std::make_unique<run::VerifyRun>(std::move(request));
  job->busy = true;
  VerifyJob* raw = job.get();
  ++m_pending;
  emit pendingChanged(m_pending);
  job->thread = std::jthread([this, id, raw](std::stop_token stop) {
    VerifyOutcome out;
    {
      std::lock_guard lock(raw->connections);
      auto result = raw->run->run(stop);
      out.last = raw->run->progress();
      if (result) {
        out.report = std::move(*result);
      } else {
        out.error = result.error();
        out.last.phase = "failed";
      }
    }
    // Queued: runs on the GUI thread; dropped if the bridge is gone by then.
    QMetaObject::invokeMethod(
        this,
        [this, id, out = std::move(out)] {
          endVerifyWork(id);
          emit verifyFinished(id, out);
        },
        Qt::QueuedConnection);
  });
  m_verifies.emplace(id, std::move(job));
  return id;
}

std::shared_ptr<EngineBridge::VerifyJob> EngineBridge::verifyJob(quint64 verifyId) const {
  auto it = m_verifies.find(verifyId);
  return it == m_verifies.end() ? nullptr : it->second;
}

void EngineBridge::endVerifyWork(quint64 verifyId) {
  auto it = m_verifies.find(verifyId);
  if (it == m_verifies.end()) return;
  it->second->thread.join();  // it posted this as its last act: the join is immediate
  it->second->busy = false;
  --m_pending;
  emit pendingChanged(m_pending);
  if (it->second->released) {
    auto job = std::move(it->second);
    m_verifies.erase(it);
    dropVerifyJob(std::move(job));
  }
}

void EngineBridge::dropVerifyJob(std::shared_ptr<VerifyJob> job) {
  // The run closes its worker connections as it dies, which talks to the
  // servers: let a pool thread do it, never the GUI thread.
  m_pool.start([job = std::move(job)]() mutable { job.reset(); });
}

std::optional<run::VerifyProgress> EngineBridge::verifyProgress(quint64 verifyId) const {
  auto job = verifyJob(verifyId);
  if (!job) return std::nullopt;
  return job->run->progress();
}

bool EngineBridge::cancelVerify(quint64 verifyId) {
  auto job = verifyJob(verifyId);
  if (!job || !job->busy) return false;
  job->stop();
  return true;
}

bool EngineBridge::isVerifyBusy(quint64 verifyId) const {
  auto job = verifyJob(verifyId);
  return job && job->busy;
}

quint64 EngineBridge::fetchRowPair(quint64 verifyId, const std::string& table, const verify::Difference& difference) {
  auto job = verifyJob(verifyId);
  if (!job || job->released) return 0;
  auto work = [job, table, difference]() -> RowPairOutcome {
    RowPairOutcome out;
    std::lock_guard lock(job->connections);  // waits while the run verifies or repairs
    auto pair = job->run->rowPair(table, difference);
    if (pair) {
      out.pair = std::move(*pair);
    } else {
      out.error = pair.error();
    }
    return out;
  };
  return start<RowPairOutcome>(std::move(work), [this](quint64 id, const RowPairOutcome& o) { emit rowPairFetched(id, o); });
}

bool EngineBridge::startRepair(quint64 verifyId, verify::VerifyReport report) {
  auto job = verifyJob(verifyId);
  if (!job || job->busy || job->released) return false;
  job->busy = true;
  ++m_pending;
  emit pendingChanged(m_pending);
  VerifyJob* raw = job.get();
  job->thread = std::jthread([this, verifyId, raw, report = std::move(report)](std::stop_token stop) {
    RepairOutcome out;
    {
      std::lock_guard lock(raw->connections);
      auto done = raw->run->repair(report, stop);
      if (done) {
        out.repairs = std::move(*done);
      } else {
        out.error = done.error();
      }
    }
    QMetaObject::invokeMethod(
        this,
        [this, verifyId, out = std::move(out)] {
          endVerifyWork(verifyId);
          emit repairFinished(verifyId, out);
        },
        Qt::QueuedConnection);
  });
  return true;
}

void EngineBridge::releaseVerify(quint64 verifyId) {
  auto it = m_verifies.find(verifyId);
  if (it == m_verifies.end()) return;
  if (it->second->busy) {
    it->second->released = true;
    it->second->stop();
    return;
  }
  auto job = std::move(it->second);
  m_verifies.erase(it);
  dropVerifyJob(std::move(job));
}

// ---- cutover ---------------------------------------------------------------

quint64 EngineBridge::startCutover(run::CutoverRequest request, CutoverMode mode) {
  const quint64 id = m_nextId++;
  auto job = std::make_unique<CutoverJob>();
  if (mode == CutoverMode::Gates || mode == CutoverMode::Cutover) {
    if (mode == CutoverMode::Gates) {
      request.options.gatesOnly = true;
      request.options.canary.reset();
    }
    job->run = std::make_unique<run::CutoverRun>(request);
  }
  CutoverJob* j = job.get();
  ++m_pending;
  emit pendingChanged(m_pending);
  job->thread = std::jthread([this, id, j, mode, request = std::move(request)](std::stop_token stop) {
    CutoverOutcome out;
    out.mode = mode;
    auto keep = [j](const run::CutoverProgress& p) {
      std::lock_guard lock(j->mutex);
      j->progress = p;
    };
    if (j->run) {
      auto r = j->run->run(stop);
      if (r) out.report = std::move(*r); else out.error = r.error();
      out.last = j->run->progress();
    } else if (mode == CutoverMode::Rehearse) {
      auto r = run::rehearseCutover(request, stop, keep);
      if (r) out.rehearsal = std::move(*r); else out.error = r.error();
    } else if (mode == CutoverMode::Rollback) {
      auto r = run::rollbackCutover(request, stop, keep);
      if (r) out.report = std::move(*r); else out.error = r.error();
    } else {
      auto r = run::finishMigration(request);
      if (r) out.finished = r->dump(); else out.error = r.error();
    }
    if (!j->run) {
      std::lock_guard lock(j->mutex);
      out.last = j->progress;
    }
    QMetaObject::invokeMethod(this, [this, id, out = std::move(out)]() mutable { onCutoverDone(id, std::move(out)); },
                              Qt::QueuedConnection);
  });
  m_cutovers.emplace(id, std::move(job));
  return id;
}

void EngineBridge::onCutoverDone(quint64 cutoverId, CutoverOutcome outcome) {
  auto it = m_cutovers.find(cutoverId);
  if (it == m_cutovers.end()) return;
  it->second->thread.join();
  m_cutovers.erase(it);
  --m_pending;
  emit pendingChanged(m_pending);
  emit cutoverFinished(cutoverId, outcome);
}

std::optional<run::CutoverProgress> EngineBridge::cutoverProgress(quint64 cutoverId) const {
  auto it = m_cutovers.find(cutoverId);
  if (it == m_cutovers.end()) return std::nullopt;
  if (it->second->run) return it->second->run->progress();
  std::lock_guard lock(it->second->mutex);
  return it->second->progress;
}

bool EngineBridge::abortCutover(quint64 cutoverId) {
  auto it = m_cutovers.find(cutoverId);
  if (it == m_cutovers.end()) return false;
  if (it->second->run) it->second->run->abort();
  it->second->thread.request_stop();
  return true;
}

quint64 EngineBridge::loadPlan(std::string statePath) {
  auto work = [statePath]() -> PlanOutcome {
    PlanOutcome out;
    auto s = run::planSummary(statePath);
    if (s) out.summaryJson = s->dump(); else out.error = s.error();
    return out;
  };
  return start<PlanOutcome>(std::move(work), [this](quint64 id, const PlanOutcome& out) { emit planLoaded(id, out); });
}

quint64 EngineBridge::buildEvidence(run::EvidenceRequest request) {
  auto work = [request]() -> EvidenceOutcome {
    EvidenceOutcome out;
    auto html = run::evidencePackHtml(request);
    if (html) out.html = std::move(*html); else out.error = html.error();
    return out;
  };
  return start<EvidenceOutcome>(std::move(work), [this](quint64 id, const EvidenceOutcome& out) { emit evidenceBuilt(id, out); });
}

}  // namespace ferry::app
