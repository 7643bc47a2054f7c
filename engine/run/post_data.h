#pragma once
// Internal to the copy orchestrator (run/copy_run.cpp): the post-data script
// taken apart so that a table's index builds start as soon as its last chunk is
// in, while other tables are still being copied, and the statements that must
// wait for every table (foreign keys, their validation, sequence values).

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "run/copy_support.h"
#include "run/ddl_journal.h"

namespace ferry::run {

/// What one table needs once its last chunk is in: its index builds (each on
/// its own connection, in parallel: PostgreSQL builds of one table do not block
/// each other; a MySQL table has one ALTER TABLE), then the constraints attached
/// to them and its checks (one connection, in script order).
struct TablePostData {
  std::vector<std::string> builds;
  std::vector<std::string> attaches;
};

/// Which tables the statements may touch: a statement is attributed to a table
/// by the exact qualified name ddl::qualified() gives its target table.
struct PostDataScope {
  model::Engine target = model::Engine::PostgreSQL;
  std::set<std::string> allTables;     ///< every table the project copies
  std::set<std::string> copiedTables;  ///< the tables this run copies (--tables)
  std::map<std::string, std::int64_t> estimatedRows;  ///< by qualified target name (the source's estimate)
  bool subset() const { return copiedTables.size() < allTables.size(); }
};

struct ForeignKeyStep {
  std::string table;       ///< the referencing table, qualified
  std::string referenced;  ///< the referenced table, qualified
  std::string add;         ///< ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …
  std::string validate;    ///< PostgreSQL: ALTER TABLE … VALIDATE CONSTRAINT …; else empty
};

struct PostDataPlan {
  std::vector<std::string> session;              ///< SET …: every connection, before the copy
  std::map<std::string, TablePostData> tables;  ///< by qualified target name
  /// Builds and attaches that name no table of the project: run after every
  /// table is copied (full runs only).
  std::vector<std::string> otherBuilds;
  std::vector<std::string> otherAttaches;
  /// One at a time (each locks two tables); their validations in parallel. A
  /// foreign key between two tables of the run is added as soon as both have
  /// their indexes and statistics, while other tables are still being copied.
  std::vector<ForeignKeyStep> foreignKeys;
  std::vector<std::string> validates;  ///< VALIDATEs that follow no foreign key of the script
  std::vector<std::string> finish;       ///< sequence values, identity restarts, AUTO_INCREMENT
  /// Run `finish` on one connection: MariaDB 10.11 can hang for good on two
  /// `ALTER TABLE … AUTO_INCREMENT` of tables linked by a foreign key at once
  /// (seen with Sakila's store/staff, in "Committing alter table to storage engine").
  bool serialFinish = false;
  /// Left out because they concern a table this run does not copy (or, for a
  /// foreign key, whose other end it does not copy).
  std::vector<std::string> skipped;
};

/// The pre-data script taken apart: session settings, statements of no single
/// table (schemas, types, domains, sequences), and each table's own statements
/// (its CREATE TABLE and COMMENT ONs), so that a table is created just before its
/// first chunk while the snapshot is taken and other tables are copied.
struct PreDataPlan {
  std::vector<std::string> session;  ///< SET …: on every connection that runs the script
  std::vector<std::string> global;   ///< before any table
  std::vector<std::pair<std::string, std::vector<std::string>>> tables;  ///< by qualified target name, script order
  std::size_t skipped = 0;  ///< statements of tables this run does not copy (--tables)
};

/// A subset run (--tables) keeps only the statements of its tables (and every
/// statement of no table).
PreDataPlan planPreData(const std::string& script, const PostDataScope& scope);

/// Splits the post-data script. A subset run (--tables) keeps only the
/// statements of its tables, foreign keys only when both ends are copied in this
/// run, and statements it cannot attribute to any table are left out.
PostDataPlan planPostData(const std::string& script, const PostDataScope& scope);

std::string analyzeStatement(model::Engine target, const std::string& qualifiedTable);

/// Runs post-data statements on the workers' target connections. A statement in
/// flight can be interrupted from another thread (cancelRunning) so that a stop
/// does not wait for a long index build. On a resumed run, a statement the
/// interrupted run finished is skipped, and one it had started whose object
/// exists ("already exists", by SQLSTATE or error number) is logged as already
/// present: the DDL statements are atomic, so an object that exists is complete.
class PostDataRunner {
public:
  /// `control` is an idle connection to the same target, used only to cancel.
  /// `journal` records each statement in the run state (run/ddl_journal.h).
  PostDataRunner(std::vector<TargetConnection*> conns, TargetConnection& control, DdlJournal& journal);
  ~PostDataRunner();
  PostDataRunner(const PostDataRunner&) = delete;
  PostDataRunner& operator=(const PostDataRunner&) = delete;

  /// Reads each connection's server-side id (needed to cancel its statements).
  core::Status prepare();
  /// Runs one statement of the script on connection `index`, recorded in the
  /// journal (after `prefix`: session settings that are not part of it).
  core::Status run(size_t index, const std::string& sql, std::string_view prefix = {});
  /// Runs a statement that is not recorded: session settings, ANALYZE.
  core::Status runSession(size_t index, const std::string& sql);
  /// Cancels the statements running on the connections now (pg_cancel_backend,
  /// KILL QUERY). Call from the thread that coordinates the workers.
  void cancelRunning();
  /// Runs each statement once, on up to `maxConnections` connections in
  /// parallel; stops at the first error or when `stop` is requested.
  core::Status runParallel(const std::vector<std::string>& statements, std::stop_token stop, size_t maxConnections = 0);

  /// Adds one foreign key on connection `index` (one ADD at a time across
  /// threads: two locking the same pair of tables in opposite order could
  /// deadlock), then validates it.
  core::Status runForeignKey(size_t index, const ForeignKeyStep& fk);

  size_t size() const { return m_conns.size(); }
  bool mysql() const { return m_conns.front()->my != nullptr; }

private:
  std::vector<TargetConnection*> m_conns;
  TargetConnection& m_control;
  DdlJournal& m_journal;
  std::vector<std::int64_t> m_serverIds;                   ///< backend pid / CONNECTION_ID()
  std::unique_ptr<std::atomic<bool>[]> m_busy;             ///< a statement runs on connection i
  std::mutex m_foreignKeyMutex;
};

/// The statements of `plan` that wait for every table: the unattributed ones,
/// the foreign keys not added yet (`added[i]` for plan.foreignKeys[i]), their
/// validation, sequence values. Stops at the first error.
core::Status runFinalPostData(PostDataRunner& runner, const PostDataPlan& plan, const std::vector<bool>& added,
                              std::stop_token stop);

}  // namespace ferry::run
