#pragma once
/// Where a copy run keeps its state, and whose it is. Without --state the file
/// belongs to its project (PROJECT.state, beside the project file) or, with no
/// project, to its source and target: it is named after both servers' identity
/// and database in the state directory, so two migrations run from one folder
/// never share a file, and a reboot does not wipe it (it is not under /tmp). A
/// state file names the servers it was made for and is refused with others,
/// recognised by identity rather than by the URL's text (docs/copy.md, "Run state").

#include <string>

#include "connect/connection_spec.h"
#include "core/result.h"
#include "run/session.h"
#include "state/run_state_store.h"

namespace ferry::run {

/// $FERRY_STATE_DIR, else $XDG_STATE_HOME/ferry, else ~/.local/state/ferry.
std::string stateDirectory();

/// PROJECT.state when `projectPath` is given; else
/// <stateDirectory>/<source db>-to-<target db>-<16 hex digits of both serverKeys>.state.
std::string defaultStatePath(const ServerInfo& source, const ServerInfo& target, const std::string& projectPath);

/// Connects to both (when there is no project) and returns defaultStatePath.
core::Result<std::string> resolveStatePath(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target,
                                           const std::string& projectPath, const OpenOptions& options = {});

/// A new run: records the servers. A resumed run: refuses servers other than the
/// recorded ones with a message naming both sides (a file from before servers
/// were recorded gets them now).
core::Status checkRunServers(state::RunStateStore& store, bool resume, const ServerInfo& source,
                             const ServerInfo& target);

}  // namespace ferry::run
