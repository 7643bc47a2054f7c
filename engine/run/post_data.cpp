// The post-data script of a copy, taken apart per table, and the runner that
// executes it on the workers' target connections (resumable, cancellable).

#include "run/post_data.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "core/log.h"
#include "core/text.h"
#include "ddl/quoting.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

namespace {

enum class Stage { Session, Build, Attach, ForeignKey, Validate, Finish };

/// `u` is the statement upper-cased (keywords compare case-insensitively).
Stage stageOf(const std::string& u, bool mysql) {
  if (core::startsWith(u, "SET ")) return Stage::Session;
  if (core::startsWith(u, "CREATE UNIQUE INDEX ") || core::startsWith(u, "CREATE INDEX ")) return Stage::Build;
  if (u.find(" FOREIGN KEY ") != std::string::npos) return Stage::ForeignKey;
  if (u.find(" VALIDATE CONSTRAINT ") != std::string::npos) return Stage::Validate;
  if (core::startsWith(u, "SELECT SETVAL") || core::startsWith(u, "ALTER SEQUENCE ") ||
      u.find(" RESTART WITH ") != std::string::npos || u.find(" AUTO_INCREMENT = ") != std::string::npos) {
    return Stage::Finish;
  }
  // MySQL: one ALTER TABLE per table adds its keys, indexes and checks.
  if (mysql && core::startsWith(u, "ALTER TABLE ")) return Stage::Build;
  return Stage::Attach;
}

/// Length of the quoted identifier starting at `pos` ("a""b" or `a``b`), 0 if none.
std::size_t quotedLength(std::string_view s, std::size_t pos, char q) {
  if (pos >= s.size() || s[pos] != q) return 0;
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    if (s[i] != q) continue;
    if (i + 1 < s.size() && s[i + 1] == q) {
      ++i;  // a doubled quote inside the identifier
      continue;
    }
    return i + 1 - pos;
  }
  return 0;
}

/// A qualified name as ddl::qualified() writes it, read at `pos`.
struct NameAt {
  std::string_view schema;  ///< quoted, as written
  std::string_view text;    ///< "schema"."name", as written
  std::size_t end = 0;
};

std::optional<NameAt> qualifiedAt(std::string_view s, std::size_t pos, char q) {
  const std::size_t a = quotedLength(s, pos, q);
  if (a == 0 || pos + a >= s.size() || s[pos + a] != '.') return std::nullopt;
  const std::size_t b = quotedLength(s, pos + a + 1, q);
  if (b == 0) return std::nullopt;
  return NameAt{s.substr(pos, a), s.substr(pos, a + 1 + b), pos + a + 1 + b};
}

struct Parsed {
  Stage stage = Stage::Attach;
  std::string table;       ///< qualified target table; empty when not recognised
  std::string referenced;  ///< foreign keys: the referenced table
  std::string constraint;  ///< foreign keys and VALIDATE: the quoted constraint name
};

/// Recognises the statement shapes the DDL generators write
/// (tests/golden/*post_data.sql); anything else stays unattributed.
Parsed parseStatement(const std::string& statement, bool mysql) {
  const std::string u = core::toUpper(statement);
  const char q = mysql ? '`' : '"';
  const std::string_view s = statement;
  Parsed p;
  p.stage = stageOf(u, mysql);
  if (p.stage == Stage::Build && !mysql) {
    // CREATE [UNIQUE] INDEX "name" ON "schema"."table" …
    const std::size_t pos = core::startsWith(u, "CREATE UNIQUE INDEX ") ? 20 : 13;
    const std::size_t len = quotedLength(s, pos, q);
    if (len > 0 && u.compare(pos + len, 4, " ON ") == 0) {
      if (auto n = qualifiedAt(s, pos + len + 4, q)) p.table = n->text;
    }
    return p;
  }
  if (p.stage == Stage::Finish && !mysql) {
    // ALTER SEQUENCE "s"."seq" OWNED BY "s"."t"."c", and
    // SELECT setval(…) FROM (SELECT … FROM "s"."t") AS ferry_next
    const std::size_t owned = u.find(" OWNED BY ");
    const std::size_t from = core::endsWith(u, ") AS FERRY_NEXT") ? u.rfind(" FROM ") : std::string::npos;
    const std::size_t at = owned != std::string::npos ? owned + 10 : from != std::string::npos ? from + 6 : std::string::npos;
    if (at != std::string::npos) {
      if (auto n = qualifiedAt(s, at, q)) {
        p.table = n->text;
        return p;
      }
    }
  }
  if (!core::startsWith(u, "ALTER TABLE ")) return p;
  // ALTER TABLE [ONLY] "schema"."table" …
  std::size_t pos = 12;
  if (u.compare(pos, 5, "ONLY ") == 0) pos += 5;
  auto n = qualifiedAt(s, pos, q);
  if (!n) return p;
  p.table = n->text;
  if (p.stage == Stage::ForeignKey && u.compare(n->end, 16, " ADD CONSTRAINT ") == 0) {
    // … ADD CONSTRAINT "name" FOREIGN KEY (…) REFERENCES "schema"."table" (…)
    const std::size_t len = quotedLength(s, n->end + 16, q);
    p.constraint = s.substr(n->end + 16, len);
    const std::size_t r = u.find(") REFERENCES ", n->end);
    if (r != std::string::npos) {
      if (auto ref = qualifiedAt(s, r + 13, q)) p.referenced = ref->text;
    }
  } else if (p.stage == Stage::Validate && u.compare(n->end, 21, " VALIDATE CONSTRAINT ") == 0) {
    p.constraint = core::trim(s.substr(n->end + 21));
  }
  return p;
}

/// PostgreSQL `ALTER TABLE ONLY t ADD CONSTRAINT c … USING INDEX i` run again
/// answers 55000 ("index is already associated with a constraint"); 55000 has
/// other causes, so the catalog must confirm that a key of that table owns the index.
bool indexAlreadyAttached(connect::PgConnection& pg, const std::string& statement) {
  const std::string u = core::toUpper(statement);
  const std::size_t using_ = u.rfind(" USING INDEX ");
  if (!core::startsWith(u, "ALTER TABLE ONLY ") || using_ == std::string::npos) return false;
  auto table = qualifiedAt(statement, 17, '"');
  if (!table) return false;
  const std::string index = std::string(table->schema) + "." + core::trim(std::string_view(statement).substr(using_ + 13));
  auto r = pg.query("SELECT count(*) AS n FROM pg_constraint WHERE contype IN ('p', 'u', 'x') "
                    "AND conrelid = to_regclass($1) AND conindid = to_regclass($2)",
                    {std::string(table->text), index});
  return r && !r->empty() && r->row(0).i64("n") > 0;
}

/// An error that says the object the statement makes exists already.
/// Verified against PostgreSQL 15 and MariaDB 10.11 (with foreign_key_checks = 0,
/// as the worker sessions run).
bool alreadyPresent(TargetConnection& c, const std::string& statement, const Error& e) {
  if (c.pg) {
    const std::string& s = e.sqlState();
    // 42P07 duplicate relation (CREATE INDEX), 42710 duplicate object (a check
    // or foreign key of that name), 42P16 the table has a primary key already.
    if (s == "42P07" || s == "42710" || s == "42P16") return true;
    return s == "55000" && indexAlreadyAttached(*c.pg, statement);
  }
  // 1061 duplicate key name (ADD INDEX / UNIQUE), 1826 duplicate constraint name
  // (CHECK, FOREIGN KEY), 1068 multiple primary key defined.
  const int code = e.vendorCode();
  return code == 1061 || code == 1826 || code == 1068;
}

}  // namespace

PreDataPlan planPreData(const std::string& script, const PostDataScope& scope) {
  const char q = scope.target == model::Engine::PostgreSQL ? '"' : '`';
  PreDataPlan plan;
  std::map<std::string, std::size_t> index;  // table → position in plan.tables
  std::map<std::string, std::string> partitionOwner;  // a partition → its partitioned table
  for (auto& statement : splitStatements(script)) {
    const std::string u = core::toUpper(statement.substr(0, 40));
    if (core::startsWith(u, "SET ")) {
      plan.session.push_back(std::move(statement));
      continue;
    }
    // The shapes the generators write (tests/golden/*pre_data.sql).
    std::size_t pos = 0;
    for (std::string_view head : {"CREATE TABLE ", "CREATE UNLOGGED TABLE ", "COMMENT ON TABLE ", "COMMENT ON COLUMN "}) {
      if (core::startsWith(u, head)) pos = head.size();
    }
    const auto name = pos > 0 ? qualifiedAt(statement, pos, q) : std::nullopt;
    std::string table = name ? std::string(name->text) : std::string();
    // CREATE TABLE "s"."p" PARTITION OF "s"."parent" …: created with its
    // partitioned table, after it (sub-partitions after their parent partition).
    if (name && statement.compare(name->end, 14, " PARTITION OF ") == 0) {
      if (const auto parent = qualifiedAt(statement, name->end + 14, q)) {
        const auto owner = partitionOwner.find(std::string(parent->text));
        const std::string root = owner != partitionOwner.end() ? owner->second : std::string(parent->text);
        partitionOwner[table] = root;
        table = root;
      }
    }
    if (table.empty() || scope.allTables.count(table) == 0) {
      plan.global.push_back(std::move(statement));
    } else if (scope.copiedTables.count(table) == 0) {
      ++plan.skipped;
    } else {
      auto [it, added] = index.emplace(table, plan.tables.size());
      if (added) plan.tables.emplace_back(table, std::vector<std::string>{});
      plan.tables[it->second].second.push_back(std::move(statement));
    }
  }
  return plan;
}

PostDataPlan planPostData(const std::string& script, const PostDataScope& scope) {
  const bool mysql = scope.target != model::Engine::PostgreSQL;
  const bool subset = scope.subset();
  PostDataPlan plan;
  plan.serialFinish = mysql;
  std::map<std::string, std::size_t> keptForeignKeys;  // table + '\n' + constraint → plan.foreignKeys index
  auto rowsOf = [&](const std::string& table) {
    const auto it = scope.estimatedRows.find(table);
    return it == scope.estimatedRows.end() ? std::int64_t{-1} : it->second;
  };
  for (auto& statement : splitStatements(script)) {
    const Parsed p = parseStatement(statement, mysql);
    const bool copied = scope.copiedTables.count(p.table) > 0;
    const bool known = scope.allTables.count(p.table) > 0;
    switch (p.stage) {
      case Stage::Session: plan.session.push_back(std::move(statement)); break;
      case Stage::Build:
      case Stage::Attach: {
        if (copied) {
          auto& t = plan.tables[p.table];
          (p.stage == Stage::Build ? t.builds : t.attaches).push_back(std::move(statement));
        } else if (!known && !subset) {
          (p.stage == Stage::Build ? plan.otherBuilds : plan.otherAttaches).push_back(std::move(statement));
        } else {
          plan.skipped.push_back(std::move(statement));
        }
        break;
      }
      case Stage::ForeignKey: {
        const bool keep = !subset || (copied && scope.copiedTables.count(p.referenced) > 0);
        if (keep) {
          keptForeignKeys[p.table + "\n" + p.constraint] = plan.foreignKeys.size();
          plan.foreignKeys.push_back({p.table, p.referenced, std::move(statement), {}});
        } else {
          plan.skipped.push_back(std::move(statement));
        }
        break;
      }
      case Stage::Validate: {
        // Validates the foreign key added just before it in the script.
        const auto fk = keptForeignKeys.find(p.table + "\n" + p.constraint);
        if (!subset || fk != keptForeignKeys.end()) {
          // PostgreSQL checks a foreign key with one anti-join and picks a hash
          // join that reads the whole referenced table — right after the load that
          // first read also sets every row's hint bits. When the referencing table
          // is much smaller, probing the referenced key's index per row touches a
          // fraction of it (docs/copy.md), so the planner is told so.
          const std::int64_t child = rowsOf(p.table);
          const std::int64_t parent = fk == keptForeignKeys.end() ? -1 : rowsOf(plan.foreignKeys[fk->second].referenced);
          if (!mysql && child >= 0 && parent > 0 && child * 4 < parent) {
            statement = "SET enable_hashjoin = off; SET enable_mergejoin = off; " + statement +
                        "; RESET enable_hashjoin; RESET enable_mergejoin";
          }
          if (fk != keptForeignKeys.end() && plan.foreignKeys[fk->second].validate.empty()) {
            plan.foreignKeys[fk->second].validate = std::move(statement);
          } else {
            plan.validates.push_back(std::move(statement));
          }
        } else {
          plan.skipped.push_back(std::move(statement));
        }
        break;
      }
      case Stage::Finish:
        // Sequences belong to no table: setting one to the source's value is
        // right whatever this run copies.
        if (p.table.empty() || copied || (!known && !subset)) {
          plan.finish.push_back(std::move(statement));
        } else {
          plan.skipped.push_back(std::move(statement));
        }
        break;
    }
  }
  return plan;
}

std::string analyzeStatement(model::Engine target, const std::string& qualifiedTable) {
  return (target == model::Engine::PostgreSQL ? "ANALYZE " : "ANALYZE TABLE ") + qualifiedTable;
}

PostDataRunner::PostDataRunner(std::vector<TargetConnection*> conns, TargetConnection& control, DdlJournal& journal)
    : m_conns(std::move(conns)), m_control(control), m_journal(journal),
      m_serverIds(m_conns.size(), 0), m_busy(std::make_unique<std::atomic<bool>[]>(m_conns.size())) {}

PostDataRunner::~PostDataRunner() = default;

core::Status PostDataRunner::prepare() {
  if (m_conns.empty()) return Error(ErrorKind::Internal, "no target connection for post-data");
  for (std::size_t i = 0; i < m_conns.size(); ++i) {
    if (m_conns[i]->pg) {
      m_serverIds[i] = m_conns[i]->pg->backendPid();
      continue;
    }
    auto r = m_conns[i]->my->query("SELECT CONNECTION_ID() AS id");
    if (!r) return std::move(r).error();
    m_serverIds[i] = r->row(0).i64("id");
  }
  return {};
}

core::Status PostDataRunner::run(std::size_t index, const std::string& sql, std::string_view prefix) {
  TargetConnection& c = *m_conns[index];
  m_busy[index] = true;
  auto st = m_journal.run(
      c, sql, [&](const Error& e) { return alreadyPresent(c, sql, e); }, "post-data", prefix);
  m_busy[index] = false;
  return st;
}

core::Status PostDataRunner::runSession(std::size_t index, const std::string& sql) {
  TargetConnection& c = *m_conns[index];
  m_busy[index] = true;
  core::Status st;
  if (c.pg) {
    st = c.pg->exec(sql);
  } else if (core::startsWith(core::toUpper(sql.substr(0, 8)), "ANALYZE ")) {
    // ANALYZE TABLE answers with rows; they must be read before the next statement.
    auto r = c.my->query(sql);
    if (!r) st = r.error();
  } else {
    st = c.my->exec(sql);
  }
  m_busy[index] = false;
  return st;
}

void PostDataRunner::cancelRunning() {
  for (std::size_t i = 0; i < m_conns.size(); ++i) {
    if (!m_busy[i]) continue;
    // An idle session ignores the cancel; a statement that ends meanwhile is
    // harmless to cancel too: the run is stopping anyway.
    const std::string id = std::to_string(m_serverIds[i]);
    core::Status st = m_control.pg ? m_control.pg->exec("SELECT pg_cancel_backend(" + id + ")")
                                   : m_control.my->exec("KILL QUERY " + id);
    if (!st) core::log(core::LogLevel::Warning, "could not cancel a post-data statement: " + st.error().oneLine());
  }
}

core::Status PostDataRunner::runParallel(const std::vector<std::string>& statements, std::stop_token stop,
                                         std::size_t maxConnections) {
  if (statements.empty()) return {};
  const std::size_t n = std::min(maxConnections > 0 ? maxConnections : m_conns.size(), m_conns.size());
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable_any done;
  std::size_t running = n;
  std::optional<Error> firstError;
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < n; ++w) {
      threads.emplace_back([&, w] {
        for (std::size_t i = next++; i < statements.size() && !stop.stop_requested(); i = next++) {
          {
            std::lock_guard lock(mutex);
            if (firstError) break;
          }
          auto st = run(w, statements[i]);
          if (!st) {
            std::lock_guard lock(mutex);
            if (!firstError && !stop.stop_requested()) firstError = st.error();
            break;
          }
        }
        {
          std::lock_guard lock(mutex);
          --running;
        }
        done.notify_all();
      });
    }
    std::unique_lock lock(mutex);
    if (!done.wait(lock, stop, [&] { return running == 0; })) {
      lock.unlock();
      cancelRunning();  // a long VALIDATE must not hold up a stop
    }
  }
  if (firstError) return *firstError;
  if (stop.stop_requested()) return Error(ErrorKind::Cancelled, "copy stopped");
  return {};
}

core::Status PostDataRunner::runForeignKey(std::size_t index, const ForeignKeyStep& fk) {
  {
    std::lock_guard lock(m_foreignKeyMutex);
    FERRY_TRY(run(index, fk.add));
  }
  return fk.validate.empty() ? core::Status{} : run(index, fk.validate);
}

core::Status runFinalPostData(PostDataRunner& runner, const PostDataPlan& plan, const std::vector<bool>& added,
                              std::stop_token stop) {
  FERRY_TRY(runner.runParallel(plan.otherBuilds, stop));
  FERRY_TRY(runner.runParallel(plan.otherAttaches, stop));
  std::vector<std::string> adds;
  std::vector<std::string> validates;
  for (std::size_t i = 0; i < plan.foreignKeys.size(); ++i) {
    if (i < added.size() && added[i]) continue;
    adds.push_back(plan.foreignKeys[i].add);
    if (!plan.foreignKeys[i].validate.empty()) validates.push_back(plan.foreignKeys[i].validate);
  }
  validates.insert(validates.end(), plan.validates.begin(), plan.validates.end());
  FERRY_TRY(runner.runParallel(adds, stop, 1));
  FERRY_TRY(runner.runParallel(validates, stop));
  return runner.runParallel(plan.finish, stop, plan.serialFinish ? 1 : 0);
}

}  // namespace ferry::run
