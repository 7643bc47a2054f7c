// The copy orchestrator: state, snapshot, planning, workers, post-data.

#include "run/copy_run.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "connect/mysql/mysql_stream.h"
#include "connect/pg/pg_replication.h"
#include "core/log.h"
#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "ddl/quoting.h"
#include "run/assessment_run.h"
#include "run/copy_support.h"
#include "state/run_state_store.h"

namespace ferry::run {

using connect::MySqlConnection;
using connect::PgConnection;
using core::Error;
using core::ErrorKind;

struct CopyRun::Impl {
  mutable std::mutex mutex;
  std::string phase = "connecting";
  std::string snapshotText;
  std::vector<std::unique_ptr<TableRuntime>> tables;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::mutex rejectMutex;
  std::ofstream rejectFile;
};

CopyRun::CopyRun(CopyRequest request) : m_request(std::move(request)), m_impl(std::make_unique<Impl>()) {
  m_flow.setMaxRowsPerSecond(m_request.options.maxRowsPerSecond);
}

CopyRun::~CopyRun() = default;

CopyProgress CopyRun::progress() const {
  CopyProgress p;
  std::lock_guard lock(m_impl->mutex);
  p.phase = m_impl->phase;
  p.snapshot = m_impl->snapshotText;
  p.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_impl->started).count();
  for (const auto& t : m_impl->tables) {
    TableProgress tp;
    tp.schema = t->job.sourceSchema;
    tp.table = t->job.sourceTable;
    tp.estimatedRows = t->job.estimatedRows;
    tp.rowsRead = t->rowsRead.load();
    tp.rowsWritten = t->rowsWritten.load();
    tp.rowsRejected = t->rowsRejected.load();
    tp.bytes = t->bytes.load();
    tp.chunksDone = t->chunksDone.load();
    tp.chunksTotal = t->chunksTotal;
    tp.seconds = t->seconds.load();
    tp.status = t->failed ? "failed"
                : tp.chunksDone == tp.chunksTotal && tp.chunksTotal > 0 ? "copied"
                : tp.rowsRead > 0 || tp.chunksDone > 0 ? "copying"
                                                      : "pending";
    p.rowsWritten += tp.rowsWritten;
    p.rowsRejected += tp.rowsRejected;
    p.bytes += tp.bytes;
    p.tables.push_back(std::move(tp));
  }
  return p;
}

namespace {

void setPhase(CopyRun::Impl& impl, const std::string& phase) {
  std::lock_guard lock(impl.mutex);
  impl.phase = phase;
  core::log(core::LogLevel::Info, "copy: " + phase);
}

}  // namespace

core::Result<CopySummary> CopyRun::run(std::stop_token stop) {
  const auto& req = m_request;
  const auto& opt = req.options;
  const int jobs = opt.jobs > 0 ? opt.jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));

  // 1. Run state.
  auto store = state::RunStateStore::open(opt.statePath, opt.resume ? state::OpenMode::Resume : state::OpenMode::Create);
  if (!store) return std::move(store).error();
  auto& st = **store;

  // 2. What to copy: the assessment decides every target type and converter.
  AssessRequest areq;
  areq.source = req.source;
  areq.target = req.target;
  areq.project = req.project;
  auto assessment = runAssessment(areq);
  if (!assessment) return std::move(assessment).error();
  introspect::IntrospectOptions what;
  what.schemas = req.project.schemas;
  auto catalog = inspect(req.source, what);
  if (!catalog) return std::move(catalog).error().context("source");
  auto jobs0 = copy::buildJobs(*catalog, *assessment);
  if (!jobs0) return std::move(jobs0).error();
  for (auto& job : *jobs0) {
    if (!opt.tablePatterns.empty() &&
        std::none_of(opt.tablePatterns.begin(), opt.tablePatterns.end(),
                     [&](const std::string& p) { return core::globMatch(p, job.label()); })) {
      continue;
    }
    auto t = std::make_unique<TableRuntime>();
    t->job = std::move(job);
    std::lock_guard lock(m_impl->mutex);  // progress() may be reading the list
    m_impl->tables.push_back(std::move(t));
  }
  {
    // Largest tables first, so the long ones start while the short ones fill the gaps.
    std::lock_guard lock(m_impl->mutex);
    std::stable_sort(m_impl->tables.begin(), m_impl->tables.end(),
                     [](const auto& a, const auto& b) { return a->job.estimatedBytes > b->job.estimatedBytes; });
  }
  if (m_impl->tables.empty()) {
    return Error(ErrorKind::Usage, "no table matches", "Check --tables patterns (schema.table globs) and the project.");
  }

  // 3. The target: pre-data DDL and the chunk-mark table.
  setPhase(*m_impl, "schema");
  auto admin = openTarget(req.target);
  if (!admin) return std::move(admin).error().context("target");
  const ddl::Script script = ddl::generate(assessment->target);
  if (!opt.resume) {
    state::RunInfo info;
    info.sourceUrl = req.source.toUrlWithoutPassword();
    info.targetUrl = req.target.toUrlWithoutPassword();
    info.projectJson = req.project.toJson().dump();
    auto created = st.createRun(info);
    if (!created) return std::move(created).error();
    if (!opt.dataOnly) {
      if (auto ddlStatus = runScript(*admin, script.preData); !ddlStatus) {
        return std::move(ddlStatus).error().context("pre-data DDL on the target");
      }
    }
  }
  FERRY_TRY(copy::ensureMarksTable(admin->pg.get(), admin->my.get()));
  auto runInfo = st.loadRun();
  if (!runInfo) return std::move(runInfo).error();
  const std::string runId = runInfo->runId;

  // 4. One snapshot for all workers.
  setPhase(*m_impl, "snapshot");
  std::vector<WorkerConnections> workers(static_cast<size_t>(jobs));
  SnapshotHolder snapshot;
  auto snap = takeSnapshot(req, runId, workers, snapshot);
  if (!snap) return std::move(snap).error();
  FERRY_TRY(st.saveSnapshot(*snap));
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->snapshotText = describeSnapshot(*snap);
  }
  for (auto& w : workers) {
    auto t = openTarget(req.target);
    if (!t) return std::move(t).error().context("target");
    FERRY_TRY(prepareTargetSession(*t));
    w.pgTarget = std::move(t->pg);
    w.myTarget = std::move(t->my);
  }

  // 5. Chunks: planned once, then read back from the state on resume.
  setPhase(*m_impl, "planning");
  std::deque<PendingChunk> queue;
  FERRY_TRY(planChunks(st, workers.front(), m_impl->tables, opt, queue, *admin, runId));

  // 6. Workers.
  setPhase(*m_impl, "copying");
  std::optional<Error> firstError;
  std::mutex queueMutex;
  std::stop_source abortAll;
  std::stop_callback forward(stop, [&] { abortAll.request_stop(); });
  const std::string rejectPath = opt.rejectPath.empty() ? opt.statePath + ".rejects.jsonl" : opt.rejectPath;
  auto recordReject = [&](TableRuntime& t, std::int64_t chunkId, const copy::Reject& r) {
    std::lock_guard lock(m_impl->rejectMutex);
    if (!m_impl->rejectFile.is_open()) m_impl->rejectFile.open(rejectPath, std::ios::app);
    m_impl->rejectFile << nlohmann::json{{"table", r.table}, {"key", r.key}, {"column", r.column},
                                         {"value", r.value}, {"reason", r.reason}}
                              .dump()
                       << "\n";
    m_impl->rejectFile.flush();
    state::RejectRecord rec;
    rec.tableId = t.stateId;
    rec.chunkId = chunkId;
    rec.keyText = r.key;
    rec.column = r.column;
    rec.valueText = r.value;
    rec.reason = r.reason;
    (void)st.addReject(rec);
  };
  {
    std::vector<std::jthread> threads;
    for (auto& w : workers) {
      threads.emplace_back([&, wp = &w] {
        while (!abortAll.get_token().stop_requested()) {
          PendingChunk task;
          {
            std::lock_guard lock(queueMutex);
            if (queue.empty()) return;
            task = queue.front();
            queue.pop_front();
          }
          TableRuntime& t = *task.table;
          if (!t.began.exchange(true)) {
            t.startedNs = std::chrono::steady_clock::now().time_since_epoch().count();
          }
          copy::CopierContext ctx;
          ctx.pgSource = wp->pgSource.get();
          ctx.mySource = wp->mySource.get();
          ctx.pgTarget = wp->pgTarget.get();
          ctx.myTarget = wp->myTarget.get();
          ctx.flow = &m_flow;
          ctx.stop = abortAll.get_token();
          ctx.onError = opt.onError;
          ctx.runId = runId;
          ctx.onReject = [&, chunk = task.chunkId](const copy::Reject& r) { recordReject(t, chunk, r); };
          std::int64_t live = 0;       // rows this chunk already showed in the live progress
          std::int64_t liveBytes = 0;  // and bytes
          ctx.onProgress = [&](std::int64_t rows, std::int64_t bytes) {
            live += rows;
            liveBytes += bytes;
            t.rowsRead += rows;
            t.bytes += bytes;
          };
          (void)st.markChunkRunning(task.chunkId);
          auto counts = copy::copyChunk(t.job, task.chunkId, task.chunk, ctx);
          // A deadlock or serialization failure rolled the chunk back whole:
          // copy it again (3 attempts, with a short pause for the other party).
          for (int attempt = 1; !counts && counts.error().retryable() && attempt < 3 &&
                                !abortAll.get_token().stop_requested();
               ++attempt) {
            core::log(core::LogLevel::Warning, t.job.label() + " chunk " + std::to_string(task.chunkId) +
                                                   ": " + counts.error().oneLine() + " — retrying");
            t.rowsRead -= live;
            t.bytes -= liveBytes;
            live = 0;
            liveBytes = 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
            counts = copy::copyChunk(t.job, task.chunkId, task.chunk, ctx);
          }
          if (!counts) {
            t.rowsRead -= live;
            t.bytes -= liveBytes;
            (void)st.markChunkFailed(task.chunkId, counts.error().oneLine());
            if (counts.error().kind() != ErrorKind::Cancelled) t.failed = true;
            std::lock_guard lock(queueMutex);
            if (!firstError) firstError = counts.error();
            abortAll.request_stop();
            return;
          }
          t.rowsRead += counts->rowsRead - live;
          t.rowsWritten += counts->rowsWritten;
          t.rowsRejected += counts->rowsRejected;
          t.bytes += counts->bytes - liveBytes;
          (void)st.markChunkDone(task.chunkId, {counts->rowsRead, counts->rowsWritten, counts->rowsRejected, counts->bytes});
          ++t.chunksDone;
          const auto started = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(t.startedNs.load()));
          t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        }
      });
    }
  }
  snapshot.release(req.source, opt.keepSlot || firstError.has_value() || stop.stop_requested());

  if (firstError || stop.stop_requested()) {
    setPhase(*m_impl, "failed");
    (void)st.setRunStatus(state::RunStatus::Failed);
    Error e = firstError ? *firstError : Error(ErrorKind::Cancelled, "copy stopped");
    if (e.kind() == ErrorKind::Cancelled) {
      e = Error(ErrorKind::Cancelled, "copy stopped before the end",
                "Run the same command with --resume to finish the remaining chunks.");
    } else {
      e.withHint(e.hint() + (e.hint().empty() ? "" : " ") + "The state is kept: fix the cause and run again with --resume.");
    }
    return e;
  }

  // 7. Keys, indexes, constraints, sequence values, statistics.
  setPhase(*m_impl, "indexing");
  std::vector<TargetConnection> targets(workers.size());
  std::vector<TargetConnection*> targetPtrs;
  for (size_t i = 0; i < workers.size(); ++i) {
    targets[i].pg = std::move(workers[i].pgTarget);
    targets[i].my = std::move(workers[i].myTarget);
    targetPtrs.push_back(&targets[i]);
  }
  if (!opt.dataOnly) {
    if (auto ddlStatus = runPostData(targetPtrs, script.postData); !ddlStatus) {
      return std::move(ddlStatus).error().context("post-data DDL on the target");
    }
  }
  FERRY_TRY(analyzeTables(targetPtrs, m_impl->tables));
  (void)st.setRunStatus(state::RunStatus::Copied);
  setPhase(*m_impl, "done");
  CopySummary summary;
  summary.final = progress();
  summary.statePath = opt.statePath;
  summary.rejectPath = summary.final.rowsRejected > 0 ? rejectPath : "";
  summary.lockMilliseconds = static_cast<double>(snap->globalReadLockMs);
  return summary;
}

}  // namespace ferry::run
