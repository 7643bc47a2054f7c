// The verification orchestrator: connections, counts, planning, workers,
// re-checks, repair.

#include "run/verify_run.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "ddl/quoting.h"
#include "run/assessment_run.h"
#include "run/stream_hold.h"
#include "run/verify_support.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using verify::TableStatus;

namespace {
/// A hold on the sync ends by itself this long after it took effect.
constexpr std::chrono::seconds kHoldLease{30};
/// How long the sync may take to apply up to the verification's position.
constexpr std::chrono::seconds kRunToTimeout{600};
}  // namespace

struct VerifyRun::Impl {
  mutable std::mutex mutex;
  std::string phase = "connecting";
  std::vector<verify::TableVerification> tables;  // guarded by mutex
  std::vector<verify::VerifyJob> jobs;            // same order as tables; fixed after planning
  std::vector<std::vector<plan::Chunk>> overflow;  // per table: chunks with unlisted differences
  std::vector<VerifyWorker> workers;
  std::atomic<int> chunksDone{0};
  std::atomic<int> chunksTotal{0};
  std::atomic<std::int64_t> rowsChecked{0};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void setPhase(const std::string& p) {
    std::lock_guard lock(mutex);
    phase = p;
    core::log(core::LogLevel::Info, "verify: " + p);
  }
  int indexOf(const std::string& label) const {
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (jobs[i].label() == label) return static_cast<int>(i);
    }
    return -1;
  }
};

VerifyRun::VerifyRun(VerifyRequest request) : m_request(std::move(request)), m_impl(std::make_unique<Impl>()) {
  m_flow.setMaxRowsPerSecond(m_request.options.maxRowsPerSecond);
}

VerifyRun::~VerifyRun() = default;

VerifyProgress VerifyRun::progress() const {
  VerifyProgress p;
  std::lock_guard lock(m_impl->mutex);
  p.phase = m_impl->phase;
  p.tables = m_impl->tables;
  p.chunksDone = m_impl->chunksDone.load();
  p.chunksTotal = m_impl->chunksTotal.load();
  p.rowsChecked = m_impl->rowsChecked.load();
  for (const auto& t : p.tables) p.differences += static_cast<std::int64_t>(t.differences.size()) + t.moreDifferences;
  p.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_impl->started).count();
  return p;
}

namespace {

struct ChunkTask {
  size_t table = 0;
  plan::Chunk chunk;
  int attempt = 0;
};

/// Runs `work(workerIndex)` on every worker and returns the first error.
template <typename F>
core::Status onWorkers(std::vector<VerifyWorker>& workers, F&& work) {
  std::mutex m;
  std::optional<Error> first;
  {
    std::vector<std::jthread> threads;
    for (size_t w = 0; w < workers.size(); ++w) {
      threads.emplace_back([&, w] {
        if (auto s = work(w); !s) {
          std::lock_guard lock(m);
          if (!first) first = s.error();
        }
      });
    }
  }
  if (first) return *first;
  return {};
}

}  // namespace

core::Result<verify::VerifyReport> VerifyRun::run(std::stop_token stop) {
  const auto& req = m_request;
  const auto& opt = req.options;
  Impl& im = *m_impl;
  im.started = std::chrono::steady_clock::now();
  const int jobs = workerCount(opt.jobs);

  // 1. What to compare, decided like the copy: assessment, then jobs.
  AssessRequest areq;
  areq.source = req.source;
  areq.target = req.target;
  areq.project = req.project;
  auto assessed = assessSource(areq);
  if (!assessed) return std::move(assessed).error();
  // Comparing a table with itself would say "identical" about a copy never made.
  FERRY_TRY(refuseCopyOntoSource(*assessed));
  auto built = verify::buildVerifyJobs(assessed->catalog, assessed->assessment);
  if (!built) return std::move(built).error();
  for (auto& job : *built) {
    if (!tableSelected(opt.tablePatterns, job.label())) continue;
    verify::TableVerification t;
    t.schema = job.copy.sourceSchema;
    t.table = job.copy.sourceTable;
    t.targetSchema = job.copy.targetSchema;
    t.targetTable = job.copy.targetTable;
    std::lock_guard lock(im.mutex);
    im.jobs.push_back(std::move(job));
    im.tables.push_back(std::move(t));
  }
  if (im.jobs.empty()) {
    return Error(ErrorKind::Usage, "no table matches", "Check --tables patterns (schema.table globs) and the project.");
  }
  im.overflow.assign(im.jobs.size(), {});

  // 2. Connections: a source and a target per worker.
  im.workers.resize(static_cast<size_t>(jobs));
  for (auto& w : im.workers) FERRY_TRY(openWorker(req.source, req.target, w));
  std::optional<LiveSnapshot> live;
  std::unique_ptr<StreamHold> hold;
  if (!opt.live.syncStatePath.empty()) {
    auto running = holdRunningSync(opt.live.syncStatePath, kHoldLease, kRunToTimeout);
    if (!running) return std::move(running).error();
    hold = std::move(*running);
  }
  if (hold) {
    im.setPhase("snapshot");
    auto at = snapshotAtOnePosition(req.source, im.workers, *hold, stop);
    if (!at) {
      endSnapshots(im.workers);
      return std::move(at).error();
    }
    live = *at;
  }
  struct EndSnapshots {
    std::vector<VerifyWorker>* workers;
    ~EndSnapshots() {
      if (workers) endSnapshots(*workers);
    }
  } endLive{live ? &im.workers : nullptr};

  // 3. Exact counts (and, for --quick, column statistics) on both sides.
  im.setPhase("counting");
  std::atomic<size_t> nextTable{0};
  FERRY_TRY(onWorkers(im.workers, [&](size_t w) -> core::Status {
    for (size_t i = nextTable++; i < im.jobs.size() && !stop.stop_requested(); i = nextTable++) {
      auto counted = countTable(im.jobs[i], im.workers[w], opt.quick);
      std::lock_guard lock(im.mutex);
      auto& t = im.tables[i];
      if (!counted) {
        t.status = TableStatus::Error;
        t.error = counted.error().oneLine();
        continue;
      }
      t.sourceRows = counted->sourceRows;
      t.targetRows = counted->targetRows;
      t.statistics = counted->statistics;
    }
    return {};
  }));
  if (stop.stop_requested()) return Error(ErrorKind::Cancelled, "verify stopped");

  // 4. Chunks, largest tables first; --sample keeps a deterministic share of each table's.
  std::deque<ChunkTask> queue;
  if (!opt.quick) {
    im.setPhase("planning");
    std::vector<size_t> order(im.jobs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::max<std::int64_t>(im.tables[a].sourceRows, 0) > std::max<std::int64_t>(im.tables[b].sourceRows, 0);
    });
    for (size_t i : order) {
      if (im.tables[i].status == TableStatus::Error) continue;
      auto chunks = planVerifyChunks(im.jobs[i], im.tables[i].sourceRows, im.workers.front(), opt.limits);
      if (!chunks) {
        std::lock_guard lock(im.mutex);
        im.tables[i].status = TableStatus::Error;
        im.tables[i].error = chunks.error().oneLine();
        continue;
      }
      const auto chosen = sampleChunks(im.jobs[i].label(), *chunks, opt.samplePercent);
      std::lock_guard lock(im.mutex);
      im.tables[i].chunksTotal = static_cast<int>(chosen.size());
      im.tables[i].sampled = chosen.size() < chunks->size();
      for (const auto& c : chosen) queue.push_back({i, c, 0});
    }
    im.chunksTotal = static_cast<int>(queue.size());
  }

  // 5. Workers compare chunks; a chunk with differences may be compared again (live data).
  im.setPhase("checking");
  std::mutex queueMutex;
  std::condition_variable_any queueChanged;
  int inFlight = 0;
  std::stop_source abortAll;
  std::stop_callback forward(stop, [&] { abortAll.request_stop(); });
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::chrono::steady_clock::time_point> tableStarted(im.jobs.size(), t0);
  FERRY_TRY(onWorkers(im.workers, [&](size_t w) -> core::Status {
    while (true) {
      ChunkTask task;
      {
        std::unique_lock lock(queueMutex);
        queueChanged.wait(lock, abortAll.get_token(), [&] { return !queue.empty() || inFlight == 0; });
        if (abortAll.get_token().stop_requested() || queue.empty()) return {};
        task = std::move(queue.front());
        queue.pop_front();
        ++inFlight;
      }
      const auto& job = im.jobs[task.table];
      {
        std::lock_guard lock(im.mutex);
        auto& t = im.tables[task.table];
        if (t.status == TableStatus::Pending) {
          t.status = TableStatus::Checking;
          tableStarted[task.table] = std::chrono::steady_clock::now();
        }
      }
      verify::CompareContext ctx = im.workers[w].context(opt.hash, &m_flow, abortAll.get_token());
      ctx.maxDifferences = opt.maxDifferencesPerTable;
      ctx.onRows = [&](std::int64_t rows) { im.rowsChecked += rows; };
      auto outcome = verify::compareChunk(job, task.chunk, ctx);
      bool requeued = false;
      if (outcome && !outcome->differences.empty() && task.attempt < opt.live.recheckRounds) {
        // Live data: the difference may be a change not yet applied. Compare again later.
        if (opt.live.waitUntilApplied) {
          if (auto s = opt.live.waitUntilApplied(opt.live.sourcePosition, abortAll.get_token()); !s) outcome = s.error();
        }
        if (outcome && opt.live.recheckDelay.count() > 0) std::this_thread::sleep_for(opt.live.recheckDelay);
        if (outcome) {
          std::lock_guard lock(queueMutex);
          queue.push_back({task.table, task.chunk, task.attempt + 1});
          requeued = true;
        }
      }
      {
        std::lock_guard lock(im.mutex);
        auto& t = im.tables[task.table];
        if (!outcome) {
          if (outcome.error().kind() != ErrorKind::Cancelled) {
            t.status = TableStatus::Error;
            t.error = outcome.error().oneLine();
          }
        } else if (requeued) {
          ++t.chunksRechecked;
        } else {
          t.rowsChecked += outcome->sourceRows;
          t.chunksServerHashed += outcome->serverHashed ? 1 : 0;
          t.convertedValues += outcome->convertedValues;
          for (auto& d : outcome->differences) t.differences.push_back(std::move(d));
          t.moreDifferences += outcome->moreDifferences;
          if (outcome->moreDifferences > 0) im.overflow[task.table].push_back(task.chunk);
          ++t.chunksDone;
          ++im.chunksDone;
          t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - tableStarted[task.table]).count();
          if (t.chunksDone == t.chunksTotal && t.status == TableStatus::Checking) {
            t.status = TableStatus::Pending;  // decided below, once differences are reconciled
            finishTable(job, t, opt.maxDifferencesPerTable);
          }
        }
      }
      {
        std::lock_guard lock(queueMutex);
        --inFlight;
      }
      queueChanged.notify_all();
    }
  }));
  if (stop.stop_requested()) {
    im.setPhase("failed");
    return Error(ErrorKind::Cancelled, "verify stopped", "Run it again: verification changes nothing.");
  }

  // 6. Tables without chunks (quick mode, empty tables) are decided by their counts and statistics.
  verify::VerifyReport report;
  {
    std::lock_guard lock(im.mutex);
    for (size_t i = 0; i < im.tables.size(); ++i) {
      auto& t = im.tables[i];
      if (t.status == TableStatus::Pending || t.status == TableStatus::Checking) {
        finishTable(im.jobs[i], t, opt.maxDifferencesPerTable);
      }
    }
    report.tables = im.tables;
  }
  report.sourceUrl = req.source.toUrlWithoutPassword();
  report.targetUrl = req.target.toUrlWithoutPassword();
  report.level = opt.quick ? "quick" : "full";
  report.samplePercent = opt.samplePercent;
  if (live) {
    report.asOfPosition = live->position;
    report.syncHeldMs = live->holdMs;
    report.syncPausedMs = live->pausedMs;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - im.started).count();
  int server = 0, chunks = 0;
  for (const auto& t : report.tables) {
    report.rowsChecked += t.rowsChecked;
    server += t.chunksServerHashed;
    chunks += t.chunksDone;
  }
  report.method = opt.quick ? "counts and column statistics"
                  : server == 0 ? "row digests"
                  : server == chunks ? "server checksums"
                                     : "server checksums and row digests";
  im.setPhase("done");
  if (!opt.live.syncStatePath.empty()) recordVerification(opt.live.syncStatePath, report);
  return report;
}

core::Result<std::vector<TableRepair>> VerifyRun::repair(const verify::VerifyReport& report, std::stop_token stop) {
  Impl& im = *m_impl;
  if (im.workers.empty()) return Error(ErrorKind::Internal, "repair before verify");
  std::vector<size_t> todo;
  for (const auto& t : report.tables) {
    const int i = im.indexOf(t.label());
    if (i >= 0 && t.status == TableStatus::Mismatch) todo.push_back(static_cast<size_t>(i));
  }
  std::vector<TableRepair> done(todo.size());
  std::atomic<size_t> next{0};
  for (auto& w : im.workers) FERRY_TRY(verify::prepareRepairSession(w.targetSide()));
  im.setPhase("repairing");
  FERRY_TRY(onWorkers(im.workers, [&](size_t w) -> core::Status {
    for (size_t n = next++; n < todo.size() && !stop.stop_requested(); n = next++) {
      const size_t i = todo[n];
      const auto& job = im.jobs[i];
      const auto* t = &report.tables[0];
      for (const auto& rt : report.tables) {
        if (rt.label() == job.label()) t = &rt;
      }
      verify::CompareContext ctx = im.workers[w].context(verify::HashMode::Client, &m_flow, stop);
      TableRepair tr;
      tr.table = job.label();
      auto add = [&](const core::Result<verify::RepairCounts>& r) -> core::Status {
        if (!r) return Error(r.error()).context("repairing " + job.label());
        tr.counts.deleted += r->deleted;
        tr.counts.inserted += r->inserted;
        tr.counts.rejected += r->rejected;
        return {};
      };
      if (job.keyless() || (t->differences.empty() && im.overflow[i].empty())) {
        // Keyless rows cannot be addressed one by one; a count mismatch with no
        // listed row (sampled run) is settled by copying the table again.
        tr.how = "whole table";
        if (auto s = add(verify::repairWholeTable(job, ctx)); !s) return s;
      } else {
        tr.how = im.overflow[i].empty() ? "rows" : "rows and chunks";
        if (auto s = add(verify::repairRows(job, t->differences, ctx)); !s) return s;
        for (const auto& c : im.overflow[i]) {
          if (auto s = add(verify::repairChunk(job, c, ctx)); !s) return s;
        }
      }
      done[n] = std::move(tr);
    }
    return {};
  }));
  im.setPhase("done");
  return done;
}

core::Result<verify::RowPair> VerifyRun::rowPair(const std::string& table, const verify::Difference& difference) {
  Impl& im = *m_impl;
  const int i = im.indexOf(table);
  if (i < 0 || im.workers.empty()) return Error(ErrorKind::Usage, "unknown table " + table);
  // Worker 0 is idle once run() returned; the GUI calls this only then.
  verify::CompareContext ctx = im.workers.front().context(verify::HashMode::Client, nullptr, {});
  return verify::fetchRowPair(im.jobs[static_cast<size_t>(i)], difference, ctx);
}

}  // namespace ferry::run
