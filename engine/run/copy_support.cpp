// Helpers of the copy orchestrator: target sessions and scripts, the snapshot,
// chunk planning and resume.

#include "run/copy_support.h"

#include <chrono>
#include <ctime>
#include <thread>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "connect/mysql/mysql_stream.h"
#include "core/log.h"
#include "core/text.h"
#include "ddl/quoting.h"
#include "run/key_ranges.h"

namespace ferry::run {

using connect::MySqlConnection;
using connect::PgConnection;
using core::Error;
using core::ErrorKind;

core::Result<TargetConnection> openTarget(const connect::ConnectionSpec& spec) {
  TargetConnection t;
  if (spec.engine == model::Engine::PostgreSQL) {
    auto c = PgConnection::open(spec);
    if (!c) return std::move(c).error();
    t.pg = std::move(*c);
  } else {
    connect::MySqlOpenOptions options;
    options.localInfile = true;  // the copier loads through LOAD DATA LOCAL INFILE when the server allows it
    auto c = MySqlConnection::open(spec, options);
    if (!c) return std::move(c).error();
    t.my = std::move(*c);
  }
  return t;
}

core::Status prepareTargetSession(TargetConnection& t) {
  // maintenance_work_mem: index builds of the post-data phase sort in memory
  // instead of spilling to disk (256 MB per session: two or four sessions fit
  // comfortably next to the server's buffers on a small machine).
  if (t.pg) return t.pg->exec("SET synchronous_commit = off; SET maintenance_work_mem = '256MB'");
  // READ COMMITTED: parallel chunks insert disjoint key ranges; without gap
  // locks InnoDB has far fewer occasions to deadlock two of them.
  FERRY_TRY(t.my->exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  return t.my->exec(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', "
      "foreign_key_checks = 0, unique_checks = 0");
}

std::vector<std::string> splitStatements(const std::string& script) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  for (size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (quote) {
      cur += c;
      if (c == quote) {
        if (i + 1 < script.size() && script[i + 1] == quote) {
          cur += script[++i];  // doubled quote inside a quoted text
        } else {
          quote = 0;
        }
      }
      continue;
    }
    if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') ++i;
      cur += '\n';
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    if (c == ';') {
      if (!core::trim(cur).empty()) out.push_back(core::trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!core::trim(cur).empty()) out.push_back(core::trim(cur));
  return out;
}

std::vector<std::string> dropRunSlots(const connect::ConnectionSpec& source, const std::string& prefix, int waitMs,
                                      const std::string& keep) {
  std::vector<std::string> dropped;
  auto c = PgConnection::open(source);
  if (!c) return dropped;
  // A killed client's walsender may take a moment to notice and exit; its slot
  // stays "active" until then and cannot be dropped.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMs);
  while (true) {
    auto slots = (*c)->query("SELECT slot_name, active FROM pg_replication_slots WHERE slot_name LIKE $1", {prefix + "%"});
    if (!slots || slots->empty()) return dropped;
    bool anyActive = false;
    if (!keep.empty() && slots->size() == 1 && slots->row(0).str("slot_name") == keep) return dropped;
    for (auto row : *slots) {
      if (!keep.empty() && row.str("slot_name") == keep) continue;
      if (row.boolean("active")) {
        anyActive = true;
      } else if (auto st = connect::dropReplicationSlot(**c, row.str("slot_name")); !st) {
        core::log(core::LogLevel::Warning, "could not drop replication slot " + row.str("slot_name") + ": " +
                                               st.error().oneLine());
      } else {
        dropped.push_back(row.str("slot_name"));
      }
    }
    if (!anyActive || std::chrono::steady_clock::now() >= deadline) return dropped;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string runSlotPrefix(const std::string& runId) { return "ferry_" + runId.substr(0, 12) + "_"; }

void SnapshotHolder::release(const connect::ConnectionSpec& source, bool keep) {
  if (exported) {
    exported->release();
    exported.reset();
  }
  if (slotName.empty()) return;
  // This run's slot, and any a killed attempt of the same run left behind.
  if (!keep) dropRunSlots(source, slotName.substr(0, slotName.rfind('_') + 1), 5000, streamSlot);
  slotName.clear();
}

namespace {
/// The run_settings key of the marks table: "schema\ntable".
constexpr const char* kMarksSetting = "marks_table";
}  // namespace

core::Result<std::optional<copy::MarksTable>> loadMarksTable(const state::RunStateStore& store) {
  auto recorded = store.loadSetting(kMarksSetting);
  if (!recorded) return std::move(recorded).error();
  if (!*recorded) return std::optional<copy::MarksTable>{};
  const auto nl = (*recorded)->find('\n');
  return std::optional<copy::MarksTable>(copy::MarksTable{
      (*recorded)->substr(0, nl), nl == std::string::npos ? copy::kMarksTable : (*recorded)->substr(nl + 1)});
}

core::Status saveMarksTable(state::RunStateStore& store, const copy::MarksTable& marks) {
  return store.saveSetting(kMarksSetting, marks.schema + "\n" + marks.table);
}

std::string runPublicationName(const std::string& runId) { return "ferry_" + runId.substr(0, 12); }

core::Status createRunPublication(const connect::ConnectionSpec& source, const std::string& name,
                                  const std::vector<std::pair<std::string, std::string>>& tables,
                                  const std::set<std::string>& insertsOnly) {
  auto c = PgConnection::open(source);
  if (!c) return std::move(c).error().context("source");
  std::vector<std::string> names;      // every change
  std::vector<std::string> appendOnly;  // inserts only (--publish-inserts-only)
  std::vector<std::string> oids;
  for (const auto& [schema, table] : tables) {
    const std::string q = PgConnection::quoteIdent(schema) + "." + PgConnection::quoteIdent(table);
    if (insertsOnly.contains(schema + "." + table)) {
      appendOnly.push_back(q);
      continue;
    }
    names.push_back(q);
    oids.push_back(PgConnection::quoteLiteral(q) + "::regclass");
  }
  if (names.empty() && appendOnly.empty()) return {};
  // relreplident: d = default (the primary key), n = nothing, f = full, i = an index.
  if (!oids.empty()) {
    auto ids = (*c)->query(
        "SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid IN (" + core::join(oids, ", ") + ") AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT "
        "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))) ORDER BY 1");
    if (!ids) return std::move(ids).error().context("checking the replica identity of the source tables");
    if (!ids->empty()) {
      std::vector<std::string> bad;
      for (auto row : *ids) bad.push_back(row.str("name"));
      return Error(ErrorKind::Config,
                   "source table(s) without a replica identity: " + core::join(bad, ", ") +
                       " — in a publication of updates and deletes, the application's UPDATE and DELETE on them "
                       "would fail",
                   "Choose for each: give it a primary key or run ALTER TABLE … REPLICA IDENTITY FULL on the source; "
                   "or, for an append-only table, --publish-inserts-only " + bad.front() +
                       " (its updates and deletes are then not streamed); or leave it out (--tables). Then run again.");
    }
  }
  auto create = [&](const std::string& pub, const std::vector<std::string>& list, const char* with) -> core::Status {
    FERRY_TRY((*c)->exec("DROP PUBLICATION IF EXISTS " + PgConnection::quoteIdent(pub)));
    if (list.empty()) return {};
    if (auto made = (*c)->exec("CREATE PUBLICATION " + PgConnection::quoteIdent(pub) + " FOR TABLE " +
                               core::join(list, ", ") + with);
        !made) {
      Error e = std::move(made).error();
      if (e.kind() == ErrorKind::Privilege) {
        e.withHint("CREATE PUBLICATION … FOR TABLE needs ownership of every table: run the copy as their owner "
                   "(or a superuser), or have one create a publication and give it with --publication.");
      }
      return e.context("creating publication " + pub);
    }
    return {};
  };
  // A partitioned table's changes are published as its own (not as its
  // partitions'): the stream applies them to the table the copy filled, whatever
  // partitions the target has — none, the same, or others (docs/partitioning.md).
  const bool viaRoot = (*c)->serverVersion().atLeast(13);
  FERRY_TRY(create(name, names, viaRoot ? " WITH (publish_via_partition_root = true)" : ""));
  return create(insertsOnlyPublication(name), appendOnly,
                viaRoot ? " WITH (publish = 'insert', publish_via_partition_root = true)" : " WITH (publish = 'insert')");
}

std::string insertsOnlyPublication(const std::string& name) { return name + "_ins"; }

std::string runPublications(const std::string& name, bool withInsertsOnly, bool withAll) {
  std::vector<std::string> out;
  if (withAll) out.push_back(name);
  if (withInsertsOnly) out.push_back(insertsOnlyPublication(name));
  return core::join(out, ",");
}

core::Status checkUserPublication(const connect::ConnectionSpec& source, const std::string& name,
                                  const std::vector<std::pair<std::string, std::string>>& tables) {
  auto c = PgConnection::open(source);
  if (!c) return std::move(c).error().context("source");
  auto pub = (*c)->query("SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = $1",
                         {name});
  if (!pub) return std::move(pub).error().context("reading publication " + name);
  if (pub->empty()) {
    return Error(ErrorKind::NotFound, "the source has no publication " + name,
                 "Create it (CREATE PUBLICATION " + PgConnection::quoteIdent(name) +
                     " FOR TABLE …, as the tables' owner), or leave out --publication and let Ferry create one.");
  }
  auto r = pub->row(0);
  std::vector<std::string> missingOps;
  for (const char* op : {"insert", "update", "delete"}) {
    if (!r.boolean(std::string("pub") + op)) missingOps.emplace_back(op);
  }
  if (!missingOps.empty()) {
    return Error(ErrorKind::Config,
                 "publication " + name + " does not publish " + core::join(missingOps, ", ") +
                     ": those changes would never reach the target",
                 "ALTER PUBLICATION " + PgConnection::quoteIdent(name) + " SET (publish = 'insert, update, delete, "
                 "truncate').");
  }
  if (!r.boolean("pubtruncate")) {
    core::log(core::LogLevel::Warning, "publication " + name + " does not publish TRUNCATE: a TRUNCATE on the source "
                                                               "will not reach the target");
  }
  if ((*c)->serverVersion().atLeast(13)) {
    // Without publish_via_partition_root a partitioned table's changes arrive
    // under its partitions' names, which the stream does not apply.
    std::vector<std::string> partitioned;
    for (const auto& [schema, table] : tables) {
      partitioned.push_back(PgConnection::quoteLiteral(PgConnection::quoteIdent(schema) + "." +
                                                       PgConnection::quoteIdent(table)) + "::regclass");
    }
    auto parts = (*c)->query("SELECT p.pubviaroot AS via_root, (SELECT string_agg(c.oid::regclass::text, ', ') FROM pg_class c "
                             "WHERE c.relkind = 'p' AND c.oid IN (" + (partitioned.empty() ? std::string("0") : core::join(partitioned, ", ")) +
                             ")) AS partitioned FROM pg_publication p WHERE p.pubname = $1", {name});
    if (!parts) return std::move(parts).error().context("reading publication " + name);
    if (!parts->empty() && !parts->row(0).boolean("via_root") && parts->row(0).opt("partitioned")) {
      return Error(ErrorKind::Config,
                   "publication " + name + " publishes the partitioned table(s) " + *parts->row(0).opt("partitioned") +
                       " through their partitions: their changes would arrive under the partitions' names",
                   "ALTER PUBLICATION " + PgConnection::quoteIdent(name) +
                       " SET (publish_via_partition_root = true), then run again.");
    }
  }
  auto in = (*c)->query("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1", {name});
  if (!in) return std::move(in).error().context("reading the tables of publication " + name);
  std::set<std::pair<std::string, std::string>> published;
  for (auto row : *in) published.emplace(row.str("schemaname"), row.str("tablename"));
  std::vector<std::string> missing;
  for (const auto& t : tables) {
    if (!published.contains(t)) missing.push_back(t.first + "." + t.second);
  }
  if (!missing.empty()) {
    return Error(ErrorKind::Config,
                 "publication " + name + " lacks " + std::to_string(missing.size()) + " of the copied tables: " +
                     core::join(missing, ", ") + " — their changes would never reach the target",
                 "ALTER PUBLICATION " + PgConnection::quoteIdent(name) + " ADD TABLE …, or copy only the published "
                 "tables (--tables).");
  }
  return {};
}

core::Status dropRunPublication(const connect::ConnectionSpec& source, const std::string& name) {
  auto c = PgConnection::open(source);
  if (!c) return std::move(c).error().context("source");
  FERRY_TRY((*c)->exec("DROP PUBLICATION IF EXISTS " + PgConnection::quoteIdent(insertsOnlyPublication(name))));
  return (*c)->exec("DROP PUBLICATION IF EXISTS " + PgConnection::quoteIdent(name));
}

core::Result<state::SnapshotInfo> takeSnapshot(const CopyRequest& req, const std::string& runId,
                                               std::vector<WorkerConnections>& workers, SnapshotHolder& holder,
                                               const std::vector<std::pair<std::string, std::string>>& publish,
                                               const std::string& streamSlot) {
  state::SnapshotInfo info;
  info.capturedAt = std::chrono::system_clock::now();
  if (req.source.engine == model::Engine::PostgreSQL) {
    info.engine = state::SnapshotEngine::PostgreSQL;
    // A killed run can leave its slot behind (even one it never recorded, when
    // the kill came between creating and recording it): every slot of this run
    // goes before a new one is made — but the stream's, when a resumed copy
    // keeps the first snapshot's slot for the stream (streamSlot).
    const std::string prefix = runSlotPrefix(runId);
    dropRunSlots(req.source, prefix, 5000, streamSlot);
    holder.streamSlot = streamSlot;
    // The publication exists before the slot: pgoutput reads it through the
    // historic catalog of each decoded transaction.
    if (!publish.empty() && !req.options.publication.empty()) {
      FERRY_TRY(checkUserPublication(req.source, req.options.publication, publish));
    } else if (!publish.empty()) {
      const std::set<std::string> insertsOnly(req.options.insertsOnly.begin(), req.options.insertsOnly.end());
      FERRY_TRY(createRunPublication(req.source, runPublicationName(runId), publish, insertsOnly));
    }
    connect::ExportedSnapshotOptions so;
    // Milliseconds, not seconds: a resumed copy that keeps the first slot for the
    // stream made its own slot within the same second in the tests (name taken).
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count() %
                  1000000000000LL;
    if (prefix + std::to_string(millis) == streamSlot) ++millis;
    so.slotName = prefix + std::to_string(millis);
    auto exported = connect::ExportedSnapshot::create(req.source, so);
    if (!exported) return std::move(exported).error().context("creating the source snapshot");
    holder.exported = std::move(*exported);
    holder.slotName = holder.exported->slot().slotName;
    for (auto& w : workers) {
      auto c = PgConnection::open(req.source);
      if (!c) return std::move(c).error().context("source");
      FERRY_TRY((*c)->importSnapshot(holder.exported->snapshotName()));
      // The value converters read PostgreSQL's default interval style.
      FERRY_TRY((*c)->exec("SET LOCAL intervalstyle = postgres"));
      w.pgSource = std::move(*c);
    }
    info.slotName = holder.slotName;
    info.snapshotName = holder.exported->snapshotName();
    info.consistentLsn = holder.exported->slot().consistentPoint;
    // Every worker holds the snapshot now: the exporting connection may end.
    holder.exported->release();
    return info;
  }
  for (auto& w : workers) {
    auto c = MySqlConnection::open(req.source);
    if (!c) return std::move(c).error().context("source");
    // Chunk predicates quote text keys by doubling quotes only (plan::chunkPredicate).
    FERRY_TRY((*c)->exec("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"));
    w.mySource = std::move(*c);
  }
  const bool maria = workers.front().mySource->flavour() == model::Engine::MariaDB;
  info.engine = maria ? state::SnapshotEngine::MariaDB : state::SnapshotEngine::MySQL;
  if (workers.size() == 1 && maria) {
    auto pos = workers.front().mySource->startConsistentSnapshot();
    if (!pos) return std::move(pos).error().context("source snapshot");
    info.binlogFile = pos->file;
    info.binlogPosition = pos->position;
    info.gtidPosition = pos->gtidPosition;
    return info;
  }
  auto coordinator = MySqlConnection::open(req.source);
  if (!coordinator) return std::move(coordinator).error().context("source");
  std::vector<MySqlConnection*> ptrs;
  for (auto& w : workers) ptrs.push_back(w.mySource.get());
  auto shared = connect::startSharedSnapshot(**coordinator, ptrs);
  if (!shared) return std::move(shared).error().context("source snapshot");
  info.binlogFile = shared->position.file;
  info.binlogPosition = shared->position.position;
  info.gtidPosition = shared->position.gtidPosition;
  info.globalReadLockMs = std::chrono::duration_cast<std::chrono::milliseconds>(shared->lockHeld).count();
  core::log(core::LogLevel::Info, "global read lock held " + std::to_string(info.globalReadLockMs) +
                                      " ms while " + std::to_string(workers.size()) + " workers started their snapshot");
  return info;
}

std::string describeSnapshot(const state::SnapshotInfo& s) {
  if (s.engine == state::SnapshotEngine::PostgreSQL) return "slot " + s.slotName + " at " + s.consistentLsn;
  std::string out = s.binlogFile + ":" + std::to_string(s.binlogPosition);
  if (!s.gtidPosition.empty()) out += " (GTID " + s.gtidPosition + ")";
  return out;
}

namespace {

core::Result<connect::QueryResult> sourceQuery(WorkerConnections& w, const std::string& sql) {
  return w.pgSource ? w.pgSource->query(sql) : w.mySource->query(sql);
}

std::string boundJson(const std::optional<plan::KeyBound>& b) {
  return b ? nlohmann::json(b->values).dump() : std::string("null");
}

/// A ctid bound as the state stores it: the JSON string "(page,0)".
std::string pageJson(std::int64_t page) { return nlohmann::json("(" + std::to_string(page) + ",0)").dump(); }

/// The state's bounds back into a chunk: key values (an array), a ctid page (a
/// string) or an open end (null).
plan::Chunk chunkFromState(const state::ChunkState& c) {
  plan::Chunk chunk;
  chunk.ordinal = static_cast<int>(c.ordinal);
  const auto parse = [](const std::string& text) {
    return text.empty() ? nlohmann::json() : nlohmann::json::parse(text);
  };
  nlohmann::json lower = parse(c.lowerBoundJson);
  const nlohmann::json upper = parse(c.upperBoundJson);
  if (lower.is_object() && lower.contains("partition")) {  // a chunk of one partition
    chunk.partitionSchema = lower.at("partition").at(0).get<std::string>();
    chunk.partitionTable = lower.at("partition").at(1).get<std::string>();
    nlohmann::json inner = lower.at("lower");
    lower = std::move(inner);
  }
  const auto page = [](const nlohmann::json& j) {  // "(1200,0)" -> 1200
    const auto text = j.get<std::string>();
    return std::stoll(text.substr(1, text.find(',') - 1));
  };
  if (lower.is_object()) {  // {"null": true}: the rows whose split column is NULL
    chunk.kind = plan::ChunkKind::KeyNull;
    return chunk;
  }
  if (lower.is_string()) {
    chunk.kind = plan::ChunkKind::CtidRange;
    chunk.lowerPage = page(lower);
    chunk.upperPage = upper.is_string() ? page(upper) : 0;
    return chunk;
  }
  if (lower.is_array()) chunk.lower = plan::KeyBound{lower.get<std::vector<std::string>>()};
  if (upper.is_array()) chunk.upper = plan::KeyBound{upper.get<std::vector<std::string>>()};
  chunk.kind = chunk.lower || chunk.upper ? plan::ChunkKind::KeyRange : plan::ChunkKind::Whole;
  return chunk;
}

/// A resumed table's chunks are ranges of the columns they were cut by; if the
/// table's key or split column is another one now (an index added or dropped
/// since), those ranges would select other rows.
core::Status checkChunkColumnsUnchanged(const state::TableState& recorded, const copy::TableJob& job) {
  const std::string now = nlohmann::json(job.chunkColumns()).dump();
  const auto was = nlohmann::json::parse(recorded.keyColumnsJson, nullptr, false);
  if (was.is_discarded() || was.dump() == now) return {};
  return Error(ErrorKind::Data,
               job.label() + " was cut into chunks by " + was.dump() + " in the interrupted run, but would be by " + now +
                   " now (a key or an index changed on the source)",
               "Start a new run: empty the target's tables (or use a new target database) and run ferry copy without "
               "--resume, with a new --state file.");
}

/// The source heap's filenode (it changes when the table is rewritten).
core::Result<std::int64_t> sourceFilenode(WorkerConnections& w, const std::string& table) {
  // A partitioned table has no heap: the sum of its leaves' filenodes changes
  // when any of them is rewritten.
  auto r = sourceQuery(w, "SELECT COALESCE(pg_relation_filenode(t)::bigint, (SELECT sum(pg_relation_filenode(relid)::bigint)::bigint "
                          "FROM pg_partition_tree(t) WHERE isleaf), 0) AS filenode FROM (SELECT " +
                              ddl::quoteLiteral(table) + "::regclass AS t) AS x");
  if (!r) return std::move(r).error();
  return r->row(0).i64("filenode");
}

/// `filenode`: set for a table split into ctid ranges.
core::Result<std::vector<plan::Chunk>> planRelation(WorkerConnections& w, const copy::TableJob& job,
                                                    const plan::ChunkLimits& limits,
                                                    std::optional<std::int64_t>& filenode) {
  const plan::TableStats stats{job.estimatedRows, job.estimatedBytes};
  const model::Engine e = job.sourceEngine;
  const std::string table = ddl::qualified(e, job.sourceSchema, job.sourceTable);
  // No key on PostgreSQL: ranges of heap pages. Every worker reads the one
  // exported snapshot, in which a row's ctid does not change; a TID range scan
  // (PostgreSQL 14) reads just those pages. MySQL: one stream.
  if (job.keyColumns.empty() && w.pgSource && w.pgSource->serverVersion().atLeast(14)) {
    auto r = sourceQuery(w, "SELECT pg_relation_size(" + ddl::quoteLiteral(table) +
                                "::regclass) AS bytes, current_setting('block_size')::bigint AS page, "
                                "pg_relation_filenode(" + ddl::quoteLiteral(table) + "::regclass) AS filenode");
    if (!r) return std::move(r).error().context("planning " + job.label());
    const std::int64_t pageBytes = std::max<std::int64_t>(1, r->row(0).i64("page"));
    const std::int64_t pages = r->row(0).i64("bytes") / pageBytes;
    if (pages * pageBytes <= limits.maxBytes && job.estimatedRows <= limits.maxRows) return plan::planWhole(stats);
    filenode = r->row(0).i64("filenode");
    return plan::planCtidRanges(pages, stats, limits, pageBytes);
  }
  return planKeyRanges(job, stats, limits, [&](const std::string& sql) { return sourceQuery(w, sql); });
}

/// A PostgreSQL partitioned table: each leaf partition planned on its own (its
/// heap pages, its key range) and its chunks read from it, so workers copy
/// partitions in parallel and no chunk scans them all. `filenode`, when a leaf
/// is split into ctid ranges, is the sum of the leaves' filenodes.
core::Result<std::vector<plan::Chunk>> planTable(WorkerConnections& w, const copy::TableJob& job,
                                                 const plan::ChunkLimits& limits, std::optional<std::int64_t>& filenode) {
  if (job.partitions.empty()) return planRelation(w, job, limits, filenode);
  std::vector<plan::Chunk> out;
  bool ctid = false;
  for (const auto& p : job.partitions) {
    copy::TableJob leaf = job;
    leaf.partitions.clear();
    leaf.sourceSchema = p.schema;
    leaf.sourceTable = p.table;
    leaf.estimatedRows = p.estimatedRows;
    leaf.estimatedBytes = p.estimatedBytes;
    std::optional<std::int64_t> leafFilenode;
    auto chunks = planRelation(w, leaf, limits, leafFilenode);
    if (!chunks) return std::move(chunks).error().context("partition " + p.schema + "." + p.table);
    ctid |= leafFilenode.has_value();
    for (auto& c : *chunks) {
      c.ordinal = static_cast<int>(out.size());
      c.partitionSchema = p.schema;
      c.partitionTable = p.table;
      out.push_back(std::move(c));
    }
  }
  if (ctid) {
    auto f = sourceFilenode(w, ddl::qualified(job.sourceEngine, job.sourceSchema, job.sourceTable));
    if (!f) return std::move(f).error().context("planning " + job.label());
    filenode = *f;
  }
  if (out.empty()) out = plan::planWhole({job.estimatedRows, job.estimatedBytes});  // no partition at all
  return out;
}

/// Resume of a table split into ctid ranges: the rows must still be on the
/// pages the ranges were planned on. A rewrite (VACUUM FULL, CLUSTER, TRUNCATE,
/// some ALTER TABLEs) gives the heap a new filenode and moves them.
core::Status checkCtidChunksStillValid(state::RunStateStore& st, WorkerConnections& w, const TableRuntime& t,
                                       const std::vector<state::ChunkState>& chunks) {
  const bool ctid = std::any_of(chunks.begin(), chunks.end(),
                                [](const auto& c) { return chunkFromState(c).kind == plan::ChunkKind::CtidRange; });
  const bool unfinished = std::any_of(chunks.begin(), chunks.end(),
                                      [](const auto& c) { return c.status != state::ChunkStatus::Done; });
  if (!ctid || !unfinished || !w.pgSource) return {};
  auto recorded = st.sourceFilenode(t.stateId);
  if (!recorded) return std::move(recorded).error();
  if (!*recorded) return {};  // a state file written before filenodes were recorded
  auto now = sourceFilenode(w, ddl::qualified(t.job.sourceEngine, t.job.sourceSchema, t.job.sourceTable));
  if (!now) return std::move(now).error().context("checking " + t.job.label() + " on the source");
  if (*now == **recorded) return {};
  return Error(ErrorKind::Data,
               t.job.label() + " was rewritten on the source (VACUUM FULL, CLUSTER, TRUNCATE or an ALTER TABLE that "
                               "rewrites it) after the interrupted run split it into ranges of heap pages: its rows "
                               "moved to other pages, so finishing those ranges would lose or duplicate rows",
               "Start a new run: empty the target's tables (or use a new target database) and run ferry copy without "
               "--resume, with a new --state file.");
}

}  // namespace

core::Status planChunks(state::RunStateStore& st, WorkerConnections& planner,
                        std::vector<std::unique_ptr<TableRuntime>>& tables, const CopyOptions& options,
                        std::deque<PendingChunk>& queue, TargetConnection& target, const std::string& runId,
                        const copy::MarksTable& marks, bool wholeTables) {
  auto existing = st.listTables();
  if (!existing) return std::move(existing).error();
  std::map<std::string, state::TableState> known;
  for (const auto& t : *existing) known[t.sourceSchema + "." + t.sourceTable] = t;

  for (auto& rt : tables) {
    auto it = known.find(rt->job.label());
    if (it != known.end()) {
      rt->stateId = it->second.id;
      // A table is recorded before its chunks (two transactions): a run killed
      // in between left it without any, and it is planned now. Found under
      // AddressSanitizer, whose slower start put a kill in that window: the
      // resumed run then "finished" without copying the table.
      state::ChunkFilter mine;
      mine.tableId = rt->stateId;
      auto recorded = st.listChunks(mine);
      if (!recorded) return std::move(recorded).error();
      if (!recorded->empty()) {
        FERRY_TRY(checkCtidChunksStillValid(st, planner, *rt, *recorded));
        FERRY_TRY(checkChunkColumnsUnchanged(it->second, rt->job));
        continue;
      }
    }
    std::optional<std::int64_t> filenode;
    auto chunks = planTable(planner, rt->job, options.limits, filenode);
    if (!chunks) return std::move(chunks).error();
    if (it == known.end()) {
      state::TableState ts;
      ts.sourceSchema = rt->job.sourceSchema;
      ts.sourceTable = rt->job.sourceTable;
      ts.targetSchema = rt->job.targetSchema;
      ts.targetTable = rt->job.targetTable;
      ts.estimatedRows = rt->job.estimatedRows;
      // The columns its chunks are cut by (a keyless table's split column): a
      // resume checks they are still the same.
      ts.keyColumnsJson = nlohmann::json(rt->job.chunkColumns()).dump();
      auto ids = st.addTables({ts});
      if (!ids) return std::move(ids).error();
      rt->stateId = ids->front();
    }
    std::vector<state::ChunkState> cs;
    for (const auto& c : *chunks) {
      state::ChunkState s;
      s.tableId = rt->stateId;
      s.ordinal = c.ordinal;
      if (c.kind == plan::ChunkKind::CtidRange) {
        s.lowerBoundJson = pageJson(c.lowerPage);
        s.upperBoundJson = c.upperPage > 0 ? pageJson(c.upperPage) : "null";
      } else if (c.kind == plan::ChunkKind::KeyNull) {
        s.lowerBoundJson = R"({"null":true})";
        s.upperBoundJson = "null";
      } else {
        s.lowerBoundJson = boundJson(c.lower);
        s.upperBoundJson = boundJson(c.upper);
      }
      if (!c.partitionTable.empty()) {
        // {"partition": [schema, table], "lower": <the bound above>}
        nlohmann::json wrapped = {{"partition", {c.partitionSchema, c.partitionTable}},
                                  {"lower", nlohmann::json::parse(s.lowerBoundJson)}};
        s.lowerBoundJson = wrapped.dump();
      }
      cs.push_back(std::move(s));
    }
    auto chunkIds = st.addChunks(cs);
    if (!chunkIds) return std::move(chunkIds).error();
    if (filenode) FERRY_TRY(st.setSourceFilenode(rt->stateId, *filenode));
  }

  // Chunks a killed run left "running" are pending again; the target's marks
  // say which of them committed after all.
  auto reset = st.resetRunningChunks();
  if (!reset) return std::move(reset).error();
  std::set<std::int64_t> marked;
  const std::string select = "SELECT chunk_id FROM " + ddl::qualified(target.pg ? model::Engine::PostgreSQL : model::Engine::MySQL,
                                                                     marks.schema, marks.table) +
                            " WHERE run_id = " + ddl::quoteLiteral(runId);
  auto m = target.pg ? target.pg->query(select) : target.my->query(select);
  if (!m) return std::move(m).error().context("reading chunk marks on the target");
  for (auto row : *m) marked.insert(row.i64("chunk_id"));

  std::map<std::int64_t, TableRuntime*> byId;
  for (auto& rt : tables) byId[rt->stateId] = rt.get();
  auto chunks = st.listChunks();
  if (!chunks) return std::move(chunks).error();
  for (const auto& c : *chunks) {
    auto it = byId.find(c.tableId);
    if (it == byId.end()) continue;  // a table left out by --tables this time
    TableRuntime& rt = *it->second;
    ++rt.chunksTotal;
    if (c.status != state::ChunkStatus::Done && marked.count(c.id)) {
      FERRY_TRY(st.markChunkDone(c.id, c.counts));
    } else if (c.status != state::ChunkStatus::Done) {
      queue.push_back({&rt, c.id, chunkFromState(c)});
      continue;
    }
    ++rt.chunksDone;
    rt.rowsWritten += c.counts.rowsWritten;
    rt.rowsRead += c.counts.rowsRead;
  }
  if (!wholeTables) return {};
  // Tables copied in part: emptied, their chunks and marks forgotten, all queued.
  const auto engine = target.pg ? model::Engine::PostgreSQL : model::Engine::MySQL;
  for (auto& rt : tables) {
    if (rt->chunksDone == 0 || rt->chunksDone == rt->chunksTotal) continue;
    core::log(core::LogLevel::Info, "resume: " + rt->job.label() + " had " + std::to_string(rt->chunksDone) + " of " +
                                        std::to_string(rt->chunksTotal) +
                                        " chunks copied; it is copied again whole under the new snapshot, so the "
                                        "stream knows from which position its changes apply");
    const std::string truncate = "TRUNCATE TABLE " + ddl::qualified(engine, rt->job.targetSchema, rt->job.targetTable);
    FERRY_TRY(target.pg ? target.pg->exec(truncate) : target.my->exec(truncate));
    std::vector<std::string> ids;
    for (const auto& c : *chunks) {
      if (c.tableId == rt->stateId) ids.push_back(std::to_string(c.id));
    }
    if (!ids.empty()) {
      const std::string forget = "DELETE FROM " + ddl::qualified(engine, marks.schema, marks.table) +
                                 " WHERE run_id = " + ddl::quoteLiteral(runId) + " AND chunk_id IN (" +
                                 core::join(ids, ", ") + ")";
      FERRY_TRY(target.pg ? target.pg->exec(forget) : target.my->exec(forget));
    }
    FERRY_TRY(st.resetTableChunks(rt->stateId));
    std::erase_if(queue, [&](const PendingChunk& p) { return p.table == rt.get(); });
    for (const auto& c : *chunks) {
      if (c.tableId == rt->stateId) queue.push_back({rt.get(), c.id, chunkFromState(c)});
    }
    rt->chunksDone = 0;
    rt->rowsWritten = 0;
    rt->rowsRead = 0;
  }
  return {};
}

core::Status checkSourceSinceSnapshot(state::RunStateStore& st, WorkerConnections& w,
                                      const std::vector<std::unique_ptr<TableRuntime>>& tables,
                                      const std::optional<state::SnapshotInfo>& old, const state::SnapshotInfo& now) {
  const std::string advice =
      "Rows changed since then in the chunks copied before are stale on the target: run ferry verify (and ferry "
      "repair) once the copy is done, or start fresh (empty the target, delete the state file, run without --resume).";
  if (!w.pgSource) {
    if (!old || old->binlogFile.empty()) return {};
    if (old->binlogFile == now.binlogFile && old->binlogPosition == now.binlogPosition) {
      core::log(core::LogLevel::Info, "resume: the source's binlog has not moved since the interrupted run's snapshot (" +
                                          now.binlogFile + ":" + std::to_string(now.binlogPosition) +
                                          "): the resumed copy is exact");
      return {};
    }
    core::log(core::LogLevel::Warning,
              "resume: the source server wrote to its binlog since the interrupted run's snapshot (" + old->binlogFile +
                  ":" + std::to_string(old->binlogPosition) + " → " + now.binlogFile + ":" +
                  std::to_string(now.binlogPosition) + "); the unfinished chunks are copied from a new snapshot. " +
                  advice);
    return {};
  }
  auto stats = w.pgSource->query(
      "SELECT schemaname, relname, n_tup_ins + n_tup_upd + n_tup_del AS changes FROM pg_stat_user_tables");
  if (!stats) return std::move(stats).error().context("reading the source's table statistics");
  std::map<std::string, std::int64_t> byLabel;
  for (auto row : *stats) byLabel[row.str("schemaname") + "." + row.str("relname")] = row.i64("changes");
  std::map<std::int64_t, std::int64_t> current;
  for (const auto& t : tables) {
    const auto it = byLabel.find(t->job.label());
    if (it != byLabel.end()) current[t->stateId] = it->second;
  }
  if (old) {
    auto recorded = st.sourceChanges();
    if (!recorded) return std::move(recorded).error();
    std::vector<std::string> changed;
    std::size_t compared = 0;
    for (const auto& t : tables) {
      const auto was = recorded->find(t->stateId);
      const auto is = current.find(t->stateId);
      if (was == recorded->end() || is == current.end()) continue;
      ++compared;
      if (was->second != is->second) changed.push_back(t->job.label());
    }
    if (!changed.empty()) {
      const std::size_t shown = std::min<std::size_t>(changed.size(), 5);
      core::log(core::LogLevel::Warning,
                "resume: " + std::to_string(changed.size()) + " source table(s) changed since the interrupted run's snapshot (" +
                    core::join(std::vector<std::string>(changed.begin(), changed.begin() + static_cast<long>(shown)), ", ") +
                    (changed.size() > shown ? ", …" : "") + "); the unfinished chunks are copied from a new snapshot. " +
                    advice);
    } else if (compared > 0) {
      core::log(core::LogLevel::Info, "resume: the source tables' statistics show no change since the interrupted "
                                      "run's snapshot: the resumed copy is exact");
    }
  }
  return st.setSourceChanges(current);
}

}  // namespace ferry::run
