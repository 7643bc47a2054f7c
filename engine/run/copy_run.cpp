// The copy orchestrator: state, snapshot, planning, workers (chunks and each
// finished table's index builds), the post-data that waits for every table.

#include "run/copy_run.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
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
#include "run/post_data.h"
#include "run/pre_data.h"
#include "run/state_path.h"
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
  std::string statePath;  ///< resolved once the servers are known
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
  p.statePath = m_impl->statePath;
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
    const auto post = t->postStage.load();
    tp.status = t->failed ? "failed"
                : post == TableRuntime::PostStage::Indexed ? "indexed"
                : post == TableRuntime::PostStage::Indexing ? "indexing"
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

/// One unit of work for the copy workers: a chunk, or a step of the post-data
/// of a table whose chunks are all in.
struct Task {
  enum class Kind { Chunk, Build, Attach, Analyze, ForeignKey };
  Kind kind = Kind::Chunk;
  TableRuntime* table = nullptr;
  std::int64_t chunkId = 0;
  plan::Chunk chunk;
  std::string sql;  ///< Build: its statement
  std::size_t foreignKey = 0;  ///< ForeignKey: its index in the post-data plan
};

/// What follows a table's finished `done` step: after its last chunk each index
/// build (its own task, so one table's indexes build in parallel), after the last
/// build its attaches (one task: each takes the table's lock), then ANALYZE
/// (which would wait for the builds' locks anyway).
std::vector<Task> tasksAfter(TableRuntime& t, Task::Kind done) {
  if (done == Task::Kind::Chunk && !t.builds.empty()) {
    std::vector<Task> next;
    t.buildsLeft = static_cast<int>(t.builds.size());
    for (const auto& b : t.builds) next.push_back({Task::Kind::Build, &t, 0, {}, b});
    // The index of the key the chunks were cut by goes last: the rows arrived in
    // that key's order, so its sort is nearly free, while any other index needs a
    // real one (benchmark: narrow's key 0.8 s, its qty index 1.4-1.7 s). The
    // longer build starts first and the chain ends sooner.
    if (!t.job.keyColumns.empty()) {
      std::vector<std::string> cols;
      for (const auto& k : t.job.keyColumns) {
        const auto col = std::find_if(t.job.columns.begin(), t.job.columns.end(),
                                      [&](const auto& c) { return c.sourceName == k; });
        cols.push_back(ddl::quoteIdent(t.job.targetEngine, col != t.job.columns.end() ? col->targetName : k));
      }
      const std::string onKey = "(" + core::join(cols, ", ") + ")";
      std::stable_partition(next.begin(), next.end(), [&](const Task& b) { return !core::endsWith(b.sql, onKey); });
    }
    return next;
  }
  if ((done == Task::Kind::Chunk || done == Task::Kind::Build) && !t.attaches.empty()) {
    return {Task{Task::Kind::Attach, &t, 0, {}, {}}};
  }
  if (done != Task::Kind::Analyze) return {Task{Task::Kind::Analyze, &t, 0, {}, {}}};
  return {};
}

/// The workers' shared queue. Workers wait instead of exiting while a task in
/// flight may still queue more (a table's post-data follows its last chunk).
struct Pool {
  std::mutex mutex;
  std::condition_variable_any changed;
  std::deque<Task> queue;
  int inFlight = 0;  ///< tasks being run
  int running = 0;   ///< workers not yet exited
  std::optional<Error> firstError;
};

/// Everything copyOneChunk needs besides the chunk.
struct ChunkEnv {
  const CopyOptions& options;
  const std::string& runId;
  const copy::MarksTable& marks;
  copy::FlowControl& flow;
  state::RunStateStore& state;
  std::function<void(TableRuntime&, std::int64_t, const copy::Reject&)> recordReject;
  std::atomic<bool> mysqlLoadData{true};  ///< turned off by the first refusal of LOAD DATA LOCAL
};

/// Copies one chunk (retrying deadlocks) and records it in the run state.
core::Status copyOneChunk(WorkerConnections& w, TableRuntime& t, const Task& task, ChunkEnv& env, std::stop_token stop) {
  if (!t.began.exchange(true)) t.startedNs = std::chrono::steady_clock::now().time_since_epoch().count();
  copy::CopierContext ctx;
  ctx.pgSource = w.pgSource.get();
  ctx.mySource = w.mySource.get();
  ctx.pgTarget = w.target.pg.get();
  ctx.myTarget = w.target.my.get();
  ctx.flow = &env.flow;
  ctx.stop = stop;
  ctx.onError = env.options.onError;
  ctx.runId = env.runId;
  ctx.marks = env.marks;
  ctx.mysqlLoadData = &env.mysqlLoadData;
  ctx.onReject = [&, chunk = task.chunkId](const copy::Reject& r) { env.recordReject(t, chunk, r); };
  std::int64_t live = 0;       // rows this chunk already showed in the live progress
  std::int64_t liveBytes = 0;  // and bytes
  ctx.onProgress = [&](std::int64_t rows, std::int64_t bytes) {
    live += rows;
    liveBytes += bytes;
    t.rowsRead += rows;
    t.bytes += bytes;
  };
  (void)env.state.markChunkRunning(task.chunkId);
  auto counts = copy::copyChunk(t.job, task.chunkId, task.chunk, ctx);
  // A deadlock or serialization failure rolled the chunk back whole:
  // copy it again (3 attempts, with a short pause for the other party). A lost
  // connection is not retried on the same dead connection: the run stops and
  // --resume copies the chunk again on new ones.
  for (int attempt = 1; !counts && counts.error().retryable() && !counts.error().breaksConnection() && attempt < 3 &&
                        !stop.stop_requested();
       ++attempt) {
    core::log(core::LogLevel::Warning, t.job.label() + " chunk " + std::to_string(task.chunkId) + ": " +
                                           counts.error().oneLine() + " — retrying");
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
    (void)env.state.markChunkFailed(task.chunkId, counts.error().oneLine());
    if (counts.error().kind() != ErrorKind::Cancelled) t.failed = true;
    return counts.error();
  }
  t.rowsRead += counts->rowsRead - live;
  t.rowsWritten += counts->rowsWritten;
  t.rowsRejected += counts->rowsRejected;
  t.bytes += counts->bytes - liveBytes;
  (void)env.state.markChunkDone(task.chunkId, {counts->rowsRead, counts->rowsWritten, counts->rowsRejected, counts->bytes});
  const auto started = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(t.startedNs.load()));
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return {};
}

/// Runs one post-data step of a table on connection `index`.
/// `copyGoingOn`: chunks are still queued, so the other workers keep the
/// servers busy. A PostgreSQL index build then runs in one process: its
/// parallel workers would only compete with the copy (bench/copy, three runs
/// each way: 4.30-4.44 s and 8.3-8.6 CPU-s without them, 4.55-4.68 s and
/// 8.6-8.9 CPU-s with the server's default of two). Once nothing else is
/// left, the server's own setting applies.
core::Status runTableStep(PostDataRunner& runner, std::size_t index, const Task& task, bool copyGoingOn,
                          std::stop_token stop) {
  TableRuntime& t = *task.table;
  auto none = TableRuntime::PostStage::None;
  t.postStage.compare_exchange_strong(none, TableRuntime::PostStage::Indexing);
  switch (task.kind) {
    case Task::Kind::Build:
      if (!runner.mysql()) {
        return runner.run(index, task.sql,
                          copyGoingOn ? "SET max_parallel_maintenance_workers = 0; "
                                      : "RESET max_parallel_maintenance_workers; ");
      }
      return runner.run(index, task.sql);
    case Task::Kind::Attach:
      for (const auto& sql : t.attaches) {
        if (stop.stop_requested()) return Error(ErrorKind::Cancelled, "copy stopped");
        FERRY_TRY(runner.run(index, sql));
      }
      return {};
    case Task::Kind::Analyze: {
      const std::string table = t.job.qualifiedTarget();
      // Statistics only guide the planner: a table ANALYZE cannot handle (PostgreSQL
      // 15 fails on numeric values beyond double's range) keeps the copy going.
      if (auto analyzed = runner.runSession(index, analyzeStatement(t.job.targetEngine, table)); !analyzed) {
        if (stop.stop_requested()) return analyzed;
        std::string why = analyzed.error().oneLine();
        if (why.size() > 300) why = why.substr(0, 300) + "…";
        core::log(core::LogLevel::Warning, "ANALYZE " + table + ": " + why + " — going on without it");
      }
      t.postStage = TableRuntime::PostStage::Indexed;
      return {};
    }
    case Task::Kind::Chunk:
    case Task::Kind::ForeignKey: break;
  }
  return Error(ErrorKind::Internal, "a chunk is not a post-data step");
}

/// Waits until every worker of `pool` exited; on a stop, cancels the post-data
/// statements in flight until they are gone (a long index build must not hold
/// it up; repeated, because a statement may start just after a cancel).
void awaitWorkers(Pool& pool, PostDataRunner& runner, std::stop_token stop) {
  std::unique_lock lock(pool.mutex);
  if (pool.changed.wait(lock, stop, [&] { return pool.running == 0; })) return;
  // 200 ms: often enough that a stop feels immediate, rare enough to cost nothing.
  while (!pool.changed.wait_for(lock, std::chrono::milliseconds(200), [&] { return pool.running == 0; })) {
    lock.unlock();
    runner.cancelRunning();
    lock.lock();
  }
}

}  // namespace

core::Result<CopySummary> CopyRun::run(std::stop_token stop) {
  const auto& req = m_request;
  const auto& opt = req.options;
  const int jobs = workerCount(opt.jobs);

  // 1. What to copy: the assessment decides every target type and converter
  // (and reads both servers' identities; nothing is written before it).
  AssessRequest areq;
  areq.source = req.source;
  areq.target = req.target;
  areq.project = req.project;
  auto assessed = assessSource(areq);
  if (!assessed) return std::move(assessed).error();
  FERRY_TRY(refuseCopyOntoSource(*assessed));

  // 2. Run state: the file given, or the one of this project / source and target.
  std::string statePath = opt.statePath;
  if (statePath.empty()) {
    statePath = defaultStatePath(*assessed->sourceServer, *assessed->targetServer, opt.projectPath);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(statePath).parent_path(), ec);
  }
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->statePath = statePath;
  }
  core::log(core::LogLevel::Info, "copy: run state " + statePath);
  auto store = state::RunStateStore::open(statePath, opt.resume ? state::OpenMode::Resume : state::OpenMode::Create);
  if (!store) return std::move(store).error();
  auto& st = **store;
  if (opt.resume) {
    auto recorded = st.loadRun();
    if (!recorded) return std::move(recorded).error();
    if (recorded->status == state::RunStatus::Abandoned) {
      return Error(ErrorKind::Usage, "the run in " + statePath + " was abandoned",
                   "Start a new run with another --state file (and an empty target).");
    }
  }
  FERRY_TRY(checkRunServers(st, opt.resume, *assessed->sourceServer, *assessed->targetServer));
  auto journal = DdlJournal::open(st, opt.resume);
  if (!journal) return std::move(journal).error();

  auto jobs0 = copy::buildJobs(assessed->catalog, assessed->assessment);
  if (!jobs0) return std::move(jobs0).error();
  PostDataScope scope;
  scope.target = req.target.engine;
  for (auto& job : *jobs0) {
    const std::string targetName = job.qualifiedTarget();
    scope.allTables.insert(targetName);
    scope.estimatedRows[targetName] = job.estimatedRows;
    if (!tableSelected(opt.tablePatterns, job.label())) continue;
    scope.copiedTables.insert(targetName);
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
  const ddl::Script script = ddl::generate(assessed->assessment.target);
  if (!opt.resume) {
    state::RunInfo info;
    info.sourceUrl = req.source.toUrlWithoutPassword();
    info.targetUrl = req.target.toUrlWithoutPassword();
    info.projectJson = req.project.toJson().dump();
    auto created = st.createRun(info);
    if (!created) return std::move(created).error();
  }
  // Pre-data: the statements of no table now; the tables on a thread of their
  // own, in the copy's order, once the snapshot is taken, while chunks are
  // planned and copied (run/pre_data.h). A resumed run runs it again: what the
  // interrupted run made is accepted.
  std::unique_ptr<TableCreator> creator;
  std::function<void()> createTables = [] {};
  if (!opt.dataOnly) {
    PreDataPlan pre = planPreData(script.preData, scope);
    if (auto g = runGlobalPreData(*admin, pre, **journal, scope.subset()); !g) {
      return std::move(g).error().context("pre-data DDL on the target");
    }
    std::map<std::string, std::size_t> rank;
    for (const auto& t : m_impl->tables) {
      rank.emplace(t->job.qualifiedTarget(), rank.size());
    }
    std::stable_sort(pre.tables.begin(), pre.tables.end(), [&](const auto& a, const auto& b) {
      return (rank.count(a.first) ? rank[a.first] : rank.size()) < (rank.count(b.first) ? rank[b.first] : rank.size());
    });
    auto conn = openTarget(req.target);
    if (!conn) return std::move(conn).error().context("target");
    creator = std::make_unique<TableCreator>(std::move(*conn), **journal);
    createTables = [&creator, pre = std::move(pre)]() mutable {
      creator->start(std::move(pre.session), std::move(pre.tables));
    };
  }
  // Post-data: each table's own statements run as soon as its last chunk is in.
  PostDataPlan postData;
  if (!opt.dataOnly) {
    postData = planPostData(script.postData, scope);
    for (auto& t : m_impl->tables) {
      auto it = postData.tables.find(t->job.qualifiedTarget());
      if (it == postData.tables.end()) continue;
      t->builds = std::move(it->second.builds);
      t->attaches = std::move(it->second.attaches);
    }
    if (!postData.skipped.empty()) {
      core::log(core::LogLevel::Info, "post-data: " + std::to_string(postData.skipped.size()) +
                                          " statements left out: their tables (or a foreign key's other end) are "
                                          "not in this run's --tables");
    }
  }
  // The chunk marks: where a resumed run's interrupted run kept them, else in
  // ferry_state or, when this user may not create it, inside the target database.
  copy::MarksTable marks;
  {
    auto recorded = loadMarksTable(st);
    if (!recorded) return std::move(recorded).error();
    if (*recorded) {
      marks = **recorded;
      FERRY_TRY(copy::ensureMarksTableAt(admin->pg.get(), admin->my.get(), marks));
    } else if (opt.resume) {
      FERRY_TRY(copy::ensureMarksTableAt(admin->pg.get(), admin->my.get(), marks));  // a file from before: ferry_state
    } else {
      const auto& target = assessed->assessment;
      const std::string fallback = !assessed->targetServer->database.empty() && model::isMySqlFamily(target.targetEngine)
                                       ? assessed->targetServer->database
                                   : !target.target.schemas.empty() ? target.target.schemas.front()
                                                                    : std::string();
      auto made = copy::ensureMarksTable(admin->pg.get(), admin->my.get(), fallback);
      if (!made) return std::move(made).error().context("chunk marks on the target");
      marks = *made;
    }
    FERRY_TRY(saveMarksTable(st, marks));
  }
  auto runInfo = st.loadRun();
  if (!runInfo) return std::move(runInfo).error();
  const std::string runId = runInfo->runId;

  // 4. One snapshot for all workers.
  setPhase(*m_impl, "snapshot");
  std::vector<WorkerConnections> workers(static_cast<size_t>(jobs));
  SnapshotHolder snapshot;
  // Whatever way the run ends, its slot goes unless --keep-slot and the copy
  // finished: a failed run is resumed from a new snapshot, and a forgotten slot
  // makes the source keep its WAL.
  std::optional<state::SnapshotInfo> previousSnapshot;  // a resumed run: the interrupted run's
  if (opt.resume) {
    auto previous = st.loadSnapshot();
    if (!previous) return std::move(previous).error();
    previousSnapshot = *previous;
  }
  const bool streamFollows = opt.keepSlot;
  const bool pgSource = req.source.engine == model::Engine::PostgreSQL;
  // A resumed copy that the stream follows keeps the first snapshot's slot (the
  // stream starts at its position) and the publication made before it; the new
  // snapshot only serves the tables copied now, each of them whole.
  std::string streamSlot;
  if (streamFollows && pgSource && opt.resume && previousSnapshot && !previousSnapshot->slotName.empty()) {
    auto probe = PgConnection::open(req.source);
    if (!probe) return std::move(probe).error().context("source");
    auto kept = (*probe)->query("SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1",
                                {previousSnapshot->slotName});
    if (!kept) return std::move(kept).error();
    auto published = st.loadSetting("publication");
    if (!published) return std::move(published).error();
    if (!kept->empty() && kept->row(0).str("wal_status") != "lost" && *published) {
      streamSlot = previousSnapshot->slotName;
    } else {
      core::log(core::LogLevel::Warning,
                "resume: the first snapshot's slot " + previousSnapshot->slotName +
                    " is gone (or lost its WAL): the changes since then cannot be streamed, so ferry sync will refuse "
                    "this run; copy again from the start to stream (--abandon, then a new run)");
    }
  }
  // MariaDB: the binlog needs no slot; a resumed copy's stream starts at the
  // first snapshot's GTID position (the binlog keeps it, unless purged: the
  // stream then says so), and the tables copied now from their own snapshot's.
  const bool binlogKept = streamFollows && !pgSource && opt.resume && previousSnapshot &&
                          previousSnapshot->engine == state::SnapshotEngine::MariaDB &&
                          !previousSnapshot->binlogFile.empty();
  const bool keepFirstSnapshot = !streamSlot.empty() || binlogKept;
  // Whatever way the run ends, its slot goes unless the stream follows: a failed
  // run is resumed from a new snapshot, and a forgotten slot makes the source
  // keep its WAL. The stream's slot stays even when the copy fails, so that a
  // resumed copy can still be streamed from it (--abandon drops it).
  struct SlotRelease {
    SnapshotHolder& holder;
    const connect::ConnectionSpec& source;
    bool keep;
    ~SlotRelease() { holder.release(source, keep); }
  } slotRelease{snapshot, req.source, streamFollows && streamSlot.empty()};
  // --keep-slot (the stream follows): a publication of exactly the copied tables,
  // made before the slot.
  std::vector<std::pair<std::string, std::string>> publish;
  if (streamFollows && pgSource && streamSlot.empty()) {
    for (const auto& t : m_impl->tables) publish.emplace_back(t->job.sourceSchema, t->job.sourceTable);
  }
  auto snap = takeSnapshot(req, runId, workers, snapshot, publish, streamSlot);
  if (!snap) return std::move(snap).error();
  if (!publish.empty()) {
    std::size_t appendOnly = 0;
    for (const auto& [schema, table] : publish) appendOnly += std::count(opt.insertsOnly.begin(), opt.insertsOnly.end(), schema + "." + table);
    FERRY_TRY(st.saveSetting("publication", !opt.publication.empty()
                                                ? opt.publication
                                                : runPublications(runPublicationName(runId), appendOnly > 0,
                                                                  appendOnly < publish.size())));
  }
  if (streamFollows) {
    // The stream starts at the first snapshot's position: right for every chunk
    // copied under it ("single"); a resumed copy records each table's own
    // position ("per-table"); without the first slot it cannot be streamed.
    FERRY_TRY(st.saveSetting("stream_seam", !opt.resume ? "single" : keepFirstSnapshot ? "per-table" : "resumed"));
  }
  // The tables are created once the snapshot is taken, not before: a logical
  // slot waits until the transactions running when it starts have ended, and
  // when source and target share a server the creator's CREATE TABLEs made the
  // snapshot take 0.23-0.42 s instead of 0.08-0.15 s (bench/copy); a MySQL
  // source's FLUSH TABLES WITH READ LOCK would wait for them likewise.
  createTables();
  // The run's recorded snapshot is the stream's: a resumed copy under a kept
  // slot leaves the first one in place.
  if (!keepFirstSnapshot) FERRY_TRY(st.saveSnapshot(*snap));
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->snapshotText = describeSnapshot(*snap);
  }
  std::vector<TargetConnection*> targets;
  for (auto& w : workers) {
    auto t = openTarget(req.target);
    if (!t) return std::move(t).error().context("target");
    FERRY_TRY(prepareTargetSession(*t));
    w.target = std::move(*t);
    targets.push_back(&w.target);
  }
  PostDataRunner runner(targets, *admin, **journal);
  FERRY_TRY(runner.prepare());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    for (const auto& s : postData.session) FERRY_TRY(runner.runSession(i, s));
  }

  // 5. Chunks: planned once, then read back from the state on resume.
  setPhase(*m_impl, "planning");
  std::deque<PendingChunk> chunks;
  FERRY_TRY(planChunks(st, workers.front(), m_impl->tables, opt, chunks, *admin, runId, marks, keepFirstSnapshot));
  const std::string snapPosition =
      pgSource ? snap->consistentLsn : snap->binlogFile + ":" + std::to_string(snap->binlogPosition);
  if (keepFirstSnapshot) {
    // Each table copied now is copied whole under this snapshot: the stream
    // applies a change to it only from this position on. Tables finished before
    // keep the position they were copied at (the first snapshot's, when absent).
    auto recorded = st.loadSetting("stream_table_positions");
    if (!recorded) return std::move(recorded).error();
    nlohmann::json positions = *recorded ? nlohmann::json::parse(**recorded, nullptr, false) : nlohmann::json::object();
    if (!positions.is_object()) positions = nlohmann::json::object();
    for (const auto& t : m_impl->tables) {
      if (t->chunksDone < t->chunksTotal) positions[t->job.label()] = snapPosition;
    }
    FERRY_TRY(st.saveSetting("stream_table_positions", positions.dump()));
  }
  // Under a kept stream slot the changes since the first snapshot are the
  // stream's to apply: no warning about stale chunks.
  FERRY_TRY(checkSourceSinceSnapshot(st, workers.front(), m_impl->tables,
                                     keepFirstSnapshot ? std::nullopt : previousSnapshot, *snap));
  if (keepFirstSnapshot) {
    core::log(core::LogLevel::Info, "resume: the stream follows from the first snapshot's " +
                                        (pgSource ? "slot " + streamSlot : "binlog position") +
                                        "; tables copied now apply its changes from " + snapPosition);
  }
  // A table that cannot be split (keyless on MySQL) and is bigger than half a
  // chunk starts first (longest task first): in size order the benchmark's
  // keyless table was the last task, one 0.8 s stream while the other worker
  // had nothing left to copy.
  std::stable_partition(chunks.begin(), chunks.end(), [&](const PendingChunk& c) {
    return c.table->chunksTotal == 1 && c.table->job.estimatedRows > opt.limits.maxRows / 2;
  });

  // 6. Workers: chunks, largest tables first; a table whose last chunk is in
  // has its post-data steps queued in front, so its indexes build while other
  // tables are still being copied.
  setPhase(*m_impl, "copying");
  std::stop_source abortAll;
  std::stop_callback forward(stop, [&] { abortAll.request_stop(); });
  const std::string rejectPath = opt.rejectPath.empty() ? statePath + ".rejects.jsonl" : opt.rejectPath;
  auto recordReject = [&](TableRuntime& t, std::int64_t chunkId, const copy::Reject& r) {
    std::lock_guard lock(m_impl->rejectMutex);
    if (!m_impl->rejectFile.is_open()) m_impl->rejectFile.open(rejectPath, std::ios::app);
    // Values are printable (binary ones as 0x…); a server message could still
    // carry invalid UTF-8, which must not abort the run.
    m_impl->rejectFile << nlohmann::json{{"table", r.table}, {"key", r.key}, {"column", r.column},
                                         {"value", r.value}, {"reason", r.reason}}
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
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
  ChunkEnv env{opt, runId, marks, m_flow, st, recordReject};
  Pool pool;
  // A foreign key between two tables of the run is added (and validated) once
  // both have their indexes and statistics, while other tables are still being
  // copied; the rest wait for every table (runFinalPostData).
  std::vector<bool> foreignKeyQueued(postData.foreignKeys.size(), false);
  // Each foreign key's two ends, and the keys each table of the run takes part
  // in: a table that gets ready looks at its own keys only.
  std::vector<std::pair<TableRuntime*, TableRuntime*>> foreignKeyEnds(postData.foreignKeys.size(), {nullptr, nullptr});
  std::map<const TableRuntime*, std::vector<std::size_t>> foreignKeysOf;
  {
    std::map<std::string, TableRuntime*> byName;
    for (auto& t : m_impl->tables) byName[t->job.qualifiedTarget()] = t.get();
    for (std::size_t i = 0; i < postData.foreignKeys.size(); ++i) {
      const auto child = byName.find(postData.foreignKeys[i].table);
      const auto parent = byName.find(postData.foreignKeys[i].referenced);
      if (child == byName.end() || parent == byName.end()) continue;  // left for runFinalPostData
      foreignKeyEnds[i] = {child->second, parent->second};
      foreignKeysOf[child->second].push_back(i);
      if (parent->second != child->second) foreignKeysOf[parent->second].push_back(i);
    }
  }
  // The referencing table must be finished (its ANALYZE would conflict with the
  // foreign key's locks); the referenced one needs only its keys: validating
  // takes a ROW SHARE lock on it, which its ANALYZE does not conflict with, so
  // the two run side by side (the benchmark's wide → narrow validation, 0.36 s,
  // had waited for narrow's ANALYZE, 0.2 s, at the very end of the run).
  auto readyForeignKeys = [&](const TableRuntime& changed) {  // under pool.mutex
    std::vector<Task> ready;
    const auto mine = foreignKeysOf.find(&changed);
    if (mine == foreignKeysOf.end()) return ready;
    for (const std::size_t i : mine->second) {
      const auto [child, parent] = foreignKeyEnds[i];
      if (foreignKeyQueued[i] || child->postStage != TableRuntime::PostStage::Indexed ||
          !(parent->keysAttached || parent->postStage == TableRuntime::PostStage::Indexed)) {
        continue;
      }
      foreignKeyQueued[i] = true;
      ready.push_back({Task::Kind::ForeignKey, child, 0, {}, {}, i});
    }
    return ready;
  };
  for (auto& c : chunks) pool.queue.push_back({Task::Kind::Chunk, c.table, c.chunkId, std::move(c.chunk), {}});
  // Resume: tables whose chunks were all copied before go straight to post-data.
  for (auto& t : m_impl->tables) {
    if (t->chunksDone != t->chunksTotal) continue;
    auto next = tasksAfter(*t, Task::Kind::Chunk);
    for (auto it = next.rbegin(); it != next.rend(); ++it) pool.queue.push_front(std::move(*it));
  }
  auto worker = [&](std::size_t index) {
    const std::stop_token token = abortAll.get_token();
    while (true) {
      Task task;
      bool copyGoingOn = false;
      {
        std::unique_lock lock(pool.mutex);
        pool.changed.wait(lock, token, [&] { return !pool.queue.empty() || pool.inFlight == 0; });
        if (token.stop_requested() || pool.queue.empty()) break;
        task = std::move(pool.queue.front());
        copyGoingOn = std::any_of(pool.queue.begin(), pool.queue.end(),
                                  [](const Task& t) { return t.kind == Task::Kind::Chunk; });
        pool.queue.pop_front();
        ++pool.inFlight;
      }
      TableRuntime& t = *task.table;
      const bool chunk = task.kind == Task::Kind::Chunk;
      core::Status status;
      if (chunk && creator) {
        const std::string name = t.job.qualifiedTarget();
        if (auto made = creator->waitFor(name, token); !made) {
          status = std::move(made).error().context("pre-data DDL on the target (" + name + ")");
        }
      }
      if (status) {
        status = chunk                                 ? copyOneChunk(workers[index], t, task, env, token)
                 : task.kind == Task::Kind::ForeignKey ? runner.runForeignKey(index, postData.foreignKeys[task.foreignKey])
                                                       : runTableStep(runner, index, task, copyGoingOn, token);
      }
      std::vector<Task> next;
      if (status && chunk && ++t.chunksDone == t.chunksTotal) next = tasksAfter(t, task.kind);
      if (status && task.kind == Task::Kind::Build && --t.buildsLeft == 0) next = tasksAfter(t, task.kind);
      if (status && (task.kind == Task::Kind::Attach || task.kind == Task::Kind::Analyze)) next = tasksAfter(t, task.kind);
      {
        std::lock_guard lock(pool.mutex);
        --pool.inFlight;
        const bool analyzeNext =
            std::any_of(next.begin(), next.end(), [](const Task& n) { return n.kind == Task::Kind::Analyze; });
        if (analyzeNext) t.keysAttached = true;
        if (status && (analyzeNext || task.kind == Task::Kind::Analyze)) {
          // In front of the table's ANALYZE: a foreign key's ADD locks the
          // referenced table, so it goes first, and its validation then runs
          // beside the ANALYZE.
          auto ready = readyForeignKeys(t);
          next.insert(next.begin(), std::make_move_iterator(ready.begin()), std::make_move_iterator(ready.end()));
        }
        for (auto it = next.rbegin(); it != next.rend(); ++it) pool.queue.push_front(std::move(*it));
        if (!status) {
          // A statement cancelled because the run was already stopping is not the cause.
          if (!pool.firstError && (chunk || !token.stop_requested())) {
            pool.firstError = chunk ? status.error() : core::Error(status.error()).context("post-data DDL on the target");
          }
          abortAll.request_stop();
        }
      }
      pool.changed.notify_all();
      if (!status) break;
    }
    {
      std::lock_guard lock(pool.mutex);
      --pool.running;
    }
    pool.changed.notify_all();
  };
  {
    std::vector<std::jthread> threads;
    pool.running = static_cast<int>(workers.size());
    for (std::size_t i = 0; i < workers.size(); ++i) threads.emplace_back(worker, i);
    awaitWorkers(pool, runner, abortAll.get_token());
  }
  std::optional<Error> firstError = pool.firstError;
  if (creator && !firstError && !stop.stop_requested()) {
    // Every table with a chunk was waited for; this reports a table left over.
    if (auto made = creator->finish(); !made) firstError = std::move(made).error().context("pre-data DDL on the target");
  }
  if (creator) creator->stop();
  if (!firstError && !stop.stop_requested()) snapshot.release(req.source, streamFollows && streamSlot.empty());

  auto failed = [&](Error e) {
    setPhase(*m_impl, "failed");
    (void)st.setRunStatus(state::RunStatus::Failed);
    if (e.kind() == ErrorKind::Cancelled) {
      return Error(ErrorKind::Cancelled, "copy stopped before the end",
                   "Run the same command with --resume to finish: finished chunks are not copied again "
                   "(or give the run up with --abandon).");
    }
    e.withHint(e.hint() + (e.hint().empty() ? "" : " ") +
               "The state is kept: fix the cause and run again with --resume (or give the run up with --abandon).");
    return e;
  };
  if (firstError || stop.stop_requested()) {
    return failed(firstError ? *firstError : Error(ErrorKind::Cancelled, "copy stopped"));
  }

  // 7. What waits for every table: statements of no single table, foreign keys,
  // their validation, sequence values.
  setPhase(*m_impl, "indexing");
  if (auto done = runFinalPostData(runner, postData, foreignKeyQueued, abortAll.get_token()); !done) {
    Error e = std::move(done).error();
    if (e.kind() != ErrorKind::Cancelled) e.context("post-data DDL on the target");
    return failed(std::move(e));
  }
  (void)st.setRunStatus(state::RunStatus::Copied);
  // The marks only serve a resume; a finished run leaves nothing of Ferry's behind.
  if (auto dropped = copy::dropRunMarks(admin->pg.get(), admin->my.get(), marks, runId); !dropped) {
    core::log(core::LogLevel::Warning, "the chunk marks in " + marks.schema + "." + marks.table +
                                           " could not be removed: " + dropped.error().oneLine() +
                                           " — drop them by hand (DELETE … WHERE run_id = '" + runId + "')");
  }
  setPhase(*m_impl, "done");
  CopySummary summary;
  summary.final = progress();
  summary.statePath = statePath;
  summary.rejectPath = summary.final.rowsRejected > 0 ? rejectPath : "";
  summary.lockMilliseconds = static_cast<double>(snap->globalReadLockMs);
  return summary;
}

core::Result<std::vector<std::string>> abandonCopyRun(const connect::ConnectionSpec& source,
                                                      const std::string& statePath) {
  auto store = state::RunStateStore::open(statePath, state::OpenMode::Resume);
  if (!store) return std::move(store).error();
  auto info = (*store)->loadRun();
  if (!info) return std::move(info).error();
  std::vector<std::string> dropped;
  if (source.engine == model::Engine::PostgreSQL) {
    auto probe = PgConnection::open(source);  // a clear error for a wrong URL, instead of nothing dropped
    if (!probe) return std::move(probe).error().context("source");
    dropped = dropRunSlots(source, runSlotPrefix(info->runId), 5000);
    if (auto pub = dropRunPublication(source, runPublicationName(info->runId)); !pub) {
      core::log(core::LogLevel::Warning, "could not drop publication " + runPublicationName(info->runId) + ": " +
                                             pub.error().oneLine());
    }
    auto left = (*probe)->query("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE $1",
                                {runSlotPrefix(info->runId) + "%"});
    if (!left) return std::move(left).error();
    if (!left->empty()) {
      return Error(ErrorKind::Data, "replication slot " + left->row(0).str("slot_name") + " of this run is still in use",
                   "Stop the ferry process that holds it (or wait for it to end), then run --abandon again.");
    }
  }
  FERRY_TRY((*store)->setRunStatus(state::RunStatus::Abandoned));
  return dropped;
}

}  // namespace ferry::run
