// The fence's kinds, the command fence and hooks, and the sessions a fence ends.

#include "cutover/fence.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"
#include "core/text.h"
#include "cutover/fence_kinds.h"

extern char** environ;

namespace ferry::cutover {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

const char* fenceKindName(FenceKind kind) {
  switch (kind) {
    case FenceKind::PgBouncer: return "pgbouncer";
    case FenceKind::ReadOnly: return "read-only";
    case FenceKind::Command: return "command";
  }
  return "?";
}

core::Result<FenceKind> parseFenceKind(const std::string& name) {
  if (name == "pgbouncer") return FenceKind::PgBouncer;
  if (name == "read-only") return FenceKind::ReadOnly;
  if (name == "command") return FenceKind::Command;
  return Error(ErrorKind::Usage, "unknown fence '" + name + "'", "Use --fence pgbouncer, read-only or command.");
}

core::Status runHook(const std::string& what, const std::string& command, const std::string& newUrl,
                     std::chrono::milliseconds timeout) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Error(ErrorKind::Io, std::string("pipe: ") + std::strerror(errno));
  // The environment, with FERRY_NEW_URL set (replaced when inherited).
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!core::startsWith(*e, "FERRY_NEW_URL=")) env.emplace_back(*e);
  }
  env.push_back("FERRY_NEW_URL=" + newUrl);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Error(ErrorKind::Io, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: a timeout kills what it started too
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    ::execve("/bin/sh", const_cast<char**>(argv), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string output;
  const auto deadline = Clock::now() + timeout;
  bool timedOut = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    std::array<char, 4096> buf{};
    const ssize_t n = ::read(out[0], buf.data(), buf.size());
    if (n <= 0) break;  // the command closed its output: it ended (or detached)
    output.append(buf.data(), static_cast<std::size_t>(n));
    if (output.size() > 65536) output.erase(0, output.size() - 65536);
  }
  ::close(out[0]);
  int status = 0;
  if (timedOut) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  } else {
    // Output closed: wait for the exit, within what is left of the time.
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (Clock::now() >= deadline) {
        timedOut = true;
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      ::usleep(2000);
    }
  }
  const auto lines = core::split(core::trim(output), '\n');
  for (const auto& l : lines) {
    if (!core::trim(l).empty()) core::log(core::LogLevel::Info, what + ": " + l);
  }
  const std::string last = lines.empty() ? std::string() : core::trim(lines.back());
  if (timedOut) {
    return Error(ErrorKind::Timeout,
                 "the " + what + " did not finish within " + std::to_string(timeout.count()) + " ms and was killed",
                 "Make the command finish sooner, or check what it waits for.");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                              : "signal " + std::to_string(WTERMSIG(status));
    return Error(ErrorKind::Config, "the " + what + " failed (" + how + ")" + (last.empty() ? "" : ": " + last),
                 "Run the command by hand to see what it needs.");
  }
  return {};
}

namespace {

core::Status endWritersOn(const connect::ConnectionSpec& side) {
  if (side.engine == model::Engine::PostgreSQL) {
    auto c = connect::PgConnection::open(side);
    if (!c) return std::move(c).error();
    return endWriters(**c);
  }
  auto c = connect::MySqlConnection::open(side);
  if (!c) return std::move(c).error();
  return endWriters(**c);
}

/// The DBA's commands: Ferry cannot see what they stop, so its gate only checks
/// that they are given; after the fence command the write transactions still
/// open are ended, and the canary is the proof.
class CommandFence final : public Fence {
public:
  CommandFence(FenceOptions options, FenceScope scope) : m_o(std::move(options)), m_s(std::move(scope)) {}
  FenceKind kind() const override { return FenceKind::Command; }

  core::Result<GateCheck> check() override {
    if (m_o.fenceCommand.empty() || m_o.unfenceCommand.empty()) {
      return GateCheck{false, "the command fence needs --fence-command and --unfence-command",
                       "Give the commands that stop and allow the application's writes on the source."};
    }
    return GateCheck{true, "fence, switch and unfence commands given", ""};
  }
  core::Status fence(std::chrono::milliseconds timeout, const Persist& persist) override {
    m_inForce = true;  // a failed or timed-out command may have done part of it: unfence undoes it
    persist(record());
    auto s = runHook("fence command", m_o.fenceCommand, newUrl(), timeout);
    if (!s) {
      (void)unfence();
      return s;
    }
    // However the command stops new writes, a transaction that had already
    // written could still commit after the fence position: such sessions are
    // ended (their transactions roll back, never acknowledged).
    if (auto e = endWritersOn(m_s.primary); !e) {
      (void)unfence();
      return std::move(e).error().context("ending the write transactions open after the fence command");
    }
    return {};
  }
  core::Status switchOver() override {
    if (m_o.switchCommand.empty()) return {};  // the application is switched by the DBA's deploy
    return runHook("switch command", m_o.switchCommand, newUrl(), m_o.commandTimeout);
  }
  core::Status unfence() override {
    if (!m_inForce) return {};
    FERRY_TRY(runHook("unfence command", m_o.unfenceCommand, newUrl(), m_o.commandTimeout));
    m_inForce = false;
    return {};
  }
  nlohmann::json record() const override { return {{"kind", "command"}, {"in_force", m_inForce}}; }
  std::string describe() const override {
    return "runs the fence command (" + m_o.fenceCommand + "); unfence runs " + m_o.unfenceCommand;
  }
  void restore(const nlohmann::json& r) { m_inForce = r.value("in_force", false); }

private:
  std::string newUrl() const { return m_s.next.toUrlWithoutPassword(); }
  FenceOptions m_o;
  FenceScope m_s;
  bool m_inForce = false;
};

}  // namespace

core::Result<std::unique_ptr<Fence>> makeFence(const FenceOptions& options, const FenceScope& scope,
                                               const nlohmann::json& record) {
  switch (options.kind) {
    case FenceKind::Command: {
      auto f = std::make_unique<CommandFence>(options, scope);
      if (record.is_object()) f->restore(record);
      return std::unique_ptr<Fence>(std::move(f));
    }
    case FenceKind::PgBouncer: return makePgBouncerFence(options, scope, record);
    case FenceKind::ReadOnly:
      if (scope.primary.engine == model::Engine::PostgreSQL) return makePgReadOnlyFence(options, scope, record);
      return makeMariaDbReadOnlyFence(options, scope, record);
  }
  return Error(ErrorKind::Internal, "unknown fence");
}

core::Result<std::vector<std::string>> openWriters(connect::PgConnection& c, bool end) {
  std::vector<std::string> found;
  {
    // Another session holding a transaction id has written (or locked rows for
    // writing): it could commit after the fence.
    auto r = c.query(
        "SELECT pid, usename, coalesce(client_addr::text, 'local') AS addr, "
        "extract(epoch FROM now() - xact_start)::bigint AS age FROM pg_stat_activity "
        "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database() "
        "AND usename IS DISTINCT FROM current_user AND backend_type = 'client backend'");
    if (!r) return std::move(r).error();
    for (auto row : *r) {
      found.push_back("pid " + row.str("pid") + " (" + row.str("usename") + "@" + row.str("addr") + ", in a transaction for " +
                      row.str("age") + " s)");
      // PostgreSQL 14+ waits (up to 1 s) for the backend to be gone: a commit
      // it was making lands before the fence position is read, not after.
      if (end) {
        FERRY_TRY(c.query(c.serverVersion().atLeast(14) ? "SELECT pg_terminate_backend($1::int, 1000)"
                                                        : "SELECT pg_terminate_backend($1::int)",
                          {row.str("pid")}));
      }
    }
  }
  return found;
}

core::Result<std::vector<std::string>> openWriters(connect::MySqlConnection& c, bool end) {
  std::vector<std::string> found;
  auto r = c.query(
      "SELECT t.trx_mysql_thread_id AS id, p.USER AS u, p.HOST AS h, "
      "TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age FROM information_schema.INNODB_TRX t "
      "JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
      "WHERE t.trx_mysql_thread_id <> CONNECTION_ID() AND (t.trx_rows_modified > 0 OR t.trx_is_read_only = 0 "
      "AND t.trx_rows_locked > 0) AND p.USER <> SUBSTRING_INDEX(CURRENT_USER(), '@', 1)");
  if (!r) return std::move(r).error();
  for (auto row : *r) {
    found.push_back("connection " + row.str("id") + " (" + row.str("u") + "@" + row.str("h") + ", in a transaction for " +
                    row.str("age") + " s)");
    if (end) FERRY_TRY(c.exec("KILL CONNECTION " + row.str("id")));
  }
  return found;
}

namespace {

template <typename Conn>
core::Status endWritersPasses(Conn& conn, int passes) {
  for (int pass = 0; pass < passes; ++pass) {
    if (pass > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto ended = openWriters(conn, true);
    if (!ended) return std::move(ended).error();
    for (const auto& w : *ended) core::log(core::LogLevel::Warning, "fence: ended " + w + ": its transaction rolls back");
  }
  return {};
}

}  // namespace

core::Status endWriters(connect::PgConnection& c, int passes) { return endWritersPasses(c, passes); }
core::Status endWriters(connect::MySqlConnection& c, int passes) { return endWritersPasses(c, passes); }

}  // namespace ferry::cutover
