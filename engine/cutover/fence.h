#pragma once
/// The fence of a cutover: what stops the application's writes on the side
/// that is primary now, points the application at the other side, and — before
/// the switch, or for a rollback — lifts itself again, exactly. One contract for
/// every kind (docs/cutover.md): once fence() returns, no application write can
/// commit on the fenced side; the position read after it is final.
///
///  - pgbouncer: PAUSE the database on PgBouncer's admin console (clients wait,
///    they do not fail; a PAUSE that does not finish in time is undone by
///    RESUME), repoint it by rewriting a file PgBouncer's configuration
///    includes, RELOAD, RESUME.
///  - read-only: the server refuses the application's writes. PostgreSQL: the
///    write privileges of every other role on the migrated tables are revoked
///    (and granted back by unfence); MariaDB: read_only = ON (holders of READ
///    ONLY ADMIN are refused by the gate). Sessions still holding a write
///    transaction are ended in both.
///  - command: the DBA's own commands (fence, switch, unfence), given the new
///    side's URL without password in FERRY_NEW_URL.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connect/connection_spec.h"
#include "core/result.h"

namespace ferry::cutover {

enum class FenceKind { PgBouncer, ReadOnly, Command };
const char* fenceKindName(FenceKind kind);
core::Result<FenceKind> parseFenceKind(const std::string& name);

struct FenceOptions {
  FenceKind kind = FenceKind::ReadOnly;
  /// pgbouncer: the admin console, the database name the application uses, and
  /// the file of [databases] lines PgBouncer's configuration includes.
  connect::ConnectionSpec pgbouncerAdmin;
  std::string pgbouncerDb;
  std::string pgbouncerInclude;
  /// command: shell commands (/bin/sh -c) run with FERRY_NEW_URL set.
  std::string fenceCommand;
  std::string switchCommand;
  std::string unfenceCommand;
  std::chrono::milliseconds commandTimeout{30'000};
};

/// What a fence acts on: the side primary now (fenced), the side the
/// application goes to, and the tables the application writes on the fenced
/// side ({schema, table}).
struct FenceScope {
  connect::ConnectionSpec primary;
  connect::ConnectionSpec next;
  std::vector<std::pair<std::string, std::string>> tables;
};

/// A gate's verdict: passed, what was seen, and the fix when it failed.
struct GateCheck {
  bool ok = true;
  std::string detail;
  std::string fix;
};

class Fence {
public:
  virtual ~Fence() = default;
  virtual FenceKind kind() const = 0;
  /// The fence gate: this fence can stop every application writer of the
  /// primary (and, pgbouncer, repoint the application).
  virtual core::Result<GateCheck> check() = 0;
  /// Keeps what fence() is about to do (record() as it will be once in force)
  /// before it changes anything, so a process killed in the middle can be
  /// undone from it.
  using Persist = std::function<void(const nlohmann::json& record)>;
  /// Stops the application's writes on the primary within `timeout`; on
  /// failure nothing of it stays in force.
  virtual core::Status fence(std::chrono::milliseconds timeout, const Persist& persist) = 0;
  /// Points the application at the next side (after the drain).
  virtual core::Status switchOver() = 0;
  /// Lifts the fence on the primary: undoes exactly what fence() did (an abort
  /// before the switch, a rollback, a recovery). A fence not in force: nothing.
  virtual core::Status unfence() = 0;
  /// What fence() did, kept in the run state so another process can undo it
  /// (ferry cutover --recover); restored by makeFence(…, record).
  virtual nlohmann::json record() const = 0;
  /// One sentence: what fence() does and how unfence() undoes it.
  virtual std::string describe() const = 0;
};

core::Result<std::unique_ptr<Fence>> makeFence(const FenceOptions& options, const FenceScope& scope,
                                               const nlohmann::json& record = nullptr);

/// Runs `command` with /bin/sh -c, FERRY_NEW_URL=`newUrl` added to the
/// environment, for at most `timeout` (then it is killed). Its output goes to
/// the log. Fails when it exits non-zero, naming the exit status and its last
/// output line.
core::Status runHook(const std::string& what, const std::string& command, const std::string& newUrl,
                     std::chrono::milliseconds timeout);

}  // namespace ferry::cutover
