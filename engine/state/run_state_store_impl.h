#pragma once
// RunStateStore's private state, shared by the .cpp files of the store.
// Internal to engine/state.

#include <memory>
#include <mutex>

#include "state/run_state_store.h"
#include "state/sqlite_db.h"

namespace ferry::state {

struct RunStateStore::Impl {
  std::unique_ptr<detail::SqliteDb> db;
  /// Serializes every call: the connection is opened SQLITE_OPEN_NOMUTEX and
  /// shared by all workers.
  std::mutex mutex;
  /// False for a file written before the ddl_steps table existed.
  bool ddlJournalKept = true;
};

}  // namespace ferry::state

/// Prepares `sqlText` on `db` into `var`, returning the error from the
/// enclosing function on failure.
#define FERRY_STATE_PREPARE(var, db, sqlText)          \
  auto var##Result_ = (db).prepare(sqlText);             \
  if (!var##Result_.ok()) return std::move(var##Result_).error(); \
  detail::Statement& var = var##Result_.value()
