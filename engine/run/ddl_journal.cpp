// The run's DDL statements, recorded as they start and end (run/ddl_journal.h).

#include "run/ddl_journal.h"

#include "core/log.h"

namespace ferry::run {

namespace {

std::string headOf(const std::string& statement) {
  std::string one;
  for (char ch : statement.substr(0, 160)) one += ch == '\n' ? ' ' : ch;
  return one + (statement.size() > 160 ? "…" : "");
}

}  // namespace

core::Result<std::unique_ptr<DdlJournal>> DdlJournal::open(state::RunStateStore& st, bool resuming) {
  std::map<std::string, state::DdlStatus> before;
  if (resuming) {
    auto steps = st.ddlSteps();
    if (!steps) return std::move(steps).error();
    before = std::move(*steps);
  }
  return std::unique_ptr<DdlJournal>(new DdlJournal(st, resuming, resuming && !st.ddlJournalKept(), std::move(before)));
}

core::Status DdlJournal::run(TargetConnection& c, const std::string& sql, const Exists& exists, std::string_view what,
                             std::string_view prefix, bool anyExisting) {
  const auto before = m_before.find(sql);
  if (before != m_before.end() && before->second == state::DdlStatus::Done) {
    core::log(core::LogLevel::Info, std::string(what) + ": done by the interrupted run: " + headOf(sql));
    return {};
  }
  FERRY_TRY(m_state.markDdl(sql, state::DdlStatus::Started));
  const std::string full = prefix.empty() ? sql : std::string(prefix) + sql;
  auto st = c.pg ? c.pg->exec(full) : c.my->exec(full);
  if (!st) {
    core::Error e = std::move(st).error();
    const bool startedBefore = m_resuming && (before != m_before.end() || m_legacy);
    if (!exists(e) || (!anyExisting && !startedBefore)) {
      // A DDL statement that failed had no effect, unless the connection went
      // away (it may have committed first): only then it stays "started", and a
      // resumed run may find its object.
      if (!e.breaksConnection()) (void)m_state.forgetDdl(sql);
    }
    if (!exists(e)) return e;
    if (!anyExisting && !startedBefore) {
      if (m_resuming) {
        e.withHint("The target has it already, but the interrupted run had not started this statement: something "
                   "else made it. Drop or rename that object, then run --resume again.");
      }
      return e;
    }
    core::log(core::LogLevel::Info, std::string(what) + ": already present" +
                                        (anyExisting && !startedBefore ? " on the target: " : " from the interrupted run: ") +
                                        headOf(sql));
  }
  return m_state.markDdl(sql, state::DdlStatus::Done);
}

}  // namespace ferry::run
