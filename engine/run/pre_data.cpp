// The pre-data of a copy: statements of no table first, then the tables created
// on a thread of their own while the copy starts (run/pre_data.h).

#include "run/pre_data.h"

#include "core/log.h"
#include "core/text.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;

namespace {

core::Status execOn(TargetConnection& c, const std::string& sql) { return c.pg ? c.pg->exec(sql) : c.my->exec(sql); }

/// `CREATE SCHEMA IF NOT EXISTS "s"` of a schema that exists: PostgreSQL
/// checks CREATE on the database before it looks, so a role that may write in
/// the target schema but not create schemas would fail on it for nothing.
bool existingPgSchema(connect::PgConnection& pg, const std::string& statement) {
  constexpr std::string_view head = "CREATE SCHEMA IF NOT EXISTS ";
  if (!core::startsWith(statement, head)) return false;
  std::string name = core::trim(std::string_view(statement).substr(head.size()));
  if (name.size() < 2 || name.front() != '"' || name.back() != '"') return false;
  name = core::replaceAll(name.substr(1, name.size() - 2), "\"\"", "\"");
  auto r = pg.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", {name});
  return r && !r->empty();
}

}  // namespace

bool preDataObjectExists(const TargetConnection& c, const Error& e) {
  if (c.pg) {
    const std::string& s = e.sqlState();
    return s == "42P07" || s == "42710" || s == "42P06";
  }
  return e.vendorCode() == 1050 || e.vendorCode() == 1007;
}

core::Status runGlobalPreData(TargetConnection& admin, const PreDataPlan& plan, DdlJournal& journal, bool anyExisting) {
  for (const auto& s : plan.session) FERRY_TRY(execOn(admin, s));
  const auto exists = [&](const Error& e) { return preDataObjectExists(admin, e); };
  for (const auto& s : plan.global) {
    if (admin.pg && existingPgSchema(*admin.pg, s)) continue;
    FERRY_TRY(journal.run(admin, s, exists, "pre-data", {}, anyExisting));
  }
  return {};
}

TableCreator::TableCreator(TargetConnection conn, DdlJournal& journal) : m_conn(std::move(conn)), m_journal(journal) {}

TableCreator::~TableCreator() { stop(); }

void TableCreator::start(std::vector<std::string> session,
                         std::vector<std::pair<std::string, std::vector<std::string>>> tables) {
  {
    std::lock_guard lock(m_mutex);
    for (const auto& t : tables) m_pending.insert(t.first);
    m_done = false;
  }
  m_thread = std::jthread([this, session = std::move(session), tables = std::move(tables)](std::stop_token stop) mutable {
    createAll(stop, std::move(session), std::move(tables));
  });
}

void TableCreator::createAll(std::stop_token stop, std::vector<std::string> session,
                             std::vector<std::pair<std::string, std::vector<std::string>>> tables) {
  auto fail = [&](Error e) {
    std::lock_guard lock(m_mutex);
    m_error = std::move(e);
    m_done = true;
    m_changed.notify_all();
  };
  for (const auto& s : session) {
    if (auto st = execOn(m_conn, s); !st) return fail(std::move(st).error());
  }
  for (const auto& [table, statements] : tables) {
    if (stop.stop_requested()) return fail(Error(ErrorKind::Cancelled, "copy stopped"));
    const auto exists = [&](const Error& e) { return preDataObjectExists(m_conn, e); };
    for (const auto& s : statements) {
      if (auto st = m_journal.run(m_conn, s, exists, "pre-data"); !st) {
        Error e = std::move(st).error();
        if (preDataObjectExists(m_conn, e) && e.hint().empty()) {
          e.withHint("The target has a table of that name already. Copy into an empty target, drop the table, "
                     "or copy into the existing tables with --data-only.");
        }
        return fail(std::move(e));
      }
    }
    std::lock_guard lock(m_mutex);
    m_pending.erase(table);
    m_changed.notify_all();
  }
  std::lock_guard lock(m_mutex);
  m_done = true;
  m_changed.notify_all();
}

core::Status TableCreator::waitFor(const std::string& table, std::stop_token stop) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, stop, [&] { return m_pending.count(table) == 0 || m_done; });
  if (m_pending.count(table) == 0) return {};
  if (m_error) return *m_error;
  return Error(ErrorKind::Cancelled, "copy stopped");
}

core::Status TableCreator::finish() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_done || !m_thread.joinable(); });
  if (m_error) return *m_error;
  return {};
}

void TableCreator::stop() {
  if (!m_thread.joinable()) return;
  m_thread.request_stop();
  m_thread.join();
}

}  // namespace ferry::run
