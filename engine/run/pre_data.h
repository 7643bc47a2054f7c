#pragma once
// Internal to the copy orchestrator (run/copy_run.cpp): the pre-data script run
// while the copy starts. The statements of no table (schemas, types, sequences)
// run first; then, once the snapshot is taken, a creator thread on its own
// target connection creates the tables in the copy's order while the first
// chunks are copied, and a worker waits for a table before its first chunk. Creating
// the benchmark's 203 tables one after the other took 0.5-0.8 s in which one
// core had nothing to do (docs/copy.md).

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "run/copy_support.h"
#include "run/ddl_journal.h"
#include "run/post_data.h"

namespace ferry::run {

/// An error that says the object a pre-data statement makes exists already
/// (PostgreSQL 42P07 relation or sequence, 42710 type or domain, 42P06 schema;
/// MariaDB 1050 table or sequence, 1007 database).
bool preDataObjectExists(const TargetConnection& c, const core::Error& e);

/// Runs the session settings and the statements of no table on `admin`,
/// recorded in `journal`. `anyExisting` (a --tables run, which may follow
/// another into the same target): a schema, type or sequence that exists
/// already is logged, not an error.
core::Status runGlobalPreData(TargetConnection& admin, const PreDataPlan& plan, DdlJournal& journal, bool anyExisting);

class TableCreator {
public:
  /// Each statement is recorded in `journal`: on a resumed run a table the
  /// interrupted run created is kept (its chunks are told apart by their marks).
  TableCreator(TargetConnection conn, DdlJournal& journal);
  ~TableCreator();
  TableCreator(const TableCreator&) = delete;
  TableCreator& operator=(const TableCreator&) = delete;

  /// Starts creating `tables` (qualified target name and its statements), in
  /// that order, after running `session` on the creator's connection.
  void start(std::vector<std::string> session, std::vector<std::pair<std::string, std::vector<std::string>>> tables);
  /// Returns once `table` is created; at once for a table it was not given.
  core::Status waitFor(const std::string& table, std::stop_token stop);
  /// Waits until every table is created (or the first error).
  core::Status finish();
  /// Stops after the statement in flight and waits for the thread.
  void stop();

private:
  void createAll(std::stop_token stop, std::vector<std::string> session,
                 std::vector<std::pair<std::string, std::vector<std::string>>> tables);

  TargetConnection m_conn;
  DdlJournal& m_journal;
  std::mutex m_mutex;
  std::condition_variable_any m_changed;
  std::set<std::string> m_pending;  ///< given, not yet created
  bool m_done = false;
  std::optional<core::Error> m_error;
  std::jthread m_thread;  ///< last: joined before the members it uses go
};

}  // namespace ferry::run
