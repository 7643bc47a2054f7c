#pragma once
// Internal to the copy orchestrator: every pre- and post-data statement of a
// run is recorded in the run state as it starts and as it ends. A resumed run
// then skips what the interrupted run finished, and takes an "already exists"
// answer for its own work only when the interrupted run had started that very
// statement: an index or table of the same name that something else made in
// between is reported, not adopted.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "run/copy_support.h"
#include "state/run_state_store.h"

namespace ferry::run {

class DdlJournal {
public:
  using Exists = std::function<bool(const core::Error&)>;

  /// `resuming`: reads what the interrupted run recorded.
  static core::Result<std::unique_ptr<DdlJournal>> open(state::RunStateStore& st, bool resuming);

  /// Runs `prefix` + `sql` on `c` (the prefix holds session settings that are
  /// not part of the statement's identity). `exists` tells an answer meaning
  /// "the object is there already"; it is accepted when the interrupted run had
  /// started the statement, or always with `anyExisting` (schemas, types and
  /// sequences on a --tables run after another). `what` prefixes the log lines.
  core::Status run(TargetConnection& c, const std::string& sql, const Exists& exists, std::string_view what,
                   std::string_view prefix = {}, bool anyExisting = false);

private:
  DdlJournal(state::RunStateStore& st, bool resuming, bool legacy, std::map<std::string, state::DdlStatus> before)
      : m_state(st), m_resuming(resuming), m_legacy(legacy), m_before(std::move(before)) {}

  state::RunStateStore& m_state;
  bool m_resuming;
  bool m_legacy;  ///< resuming a state file that kept no journal: any "already exists" is accepted
  std::map<std::string, state::DdlStatus> m_before;  ///< read once; never changed after
};

}  // namespace ferry::run
