#include "run/state_path.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/log.h"

namespace ferry::run {

namespace {

/// FNV-1a, 64 bits: the same name on every run and release.
std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// A database name as a file-name part: letters, digits, '-', '_' and '.' kept.
std::string fileSafe(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    out += std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '_';
  }
  if (out.size() > 40) out.resize(40);
  return out.empty() ? std::string("server") : out;
}

std::string describe(const std::string& serverKey, const std::string& url) {
  return url.empty() ? serverKey : url + " (" + serverKey + ")";
}

}  // namespace

std::string stateDirectory() {
  if (const char* dir = std::getenv("FERRY_STATE_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg == '/') return std::string(xdg) + "/ferry";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.local/state/ferry";
}

std::string defaultStatePath(const ServerInfo& source, const ServerInfo& target, const std::string& projectPath) {
  if (!projectPath.empty()) return projectPath + ".state";
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(fnv1a64(serverKey(source) + "\n" + serverKey(target))));
  return stateDirectory() + "/" + fileSafe(source.database) + "-to-" + fileSafe(target.database) + "-" + hash + ".state";
}

core::Result<std::string> resolveStatePath(const connect::ConnectionSpec& source, const connect::ConnectionSpec& target,
                                           const std::string& projectPath, const OpenOptions& options) {
  if (!projectPath.empty()) return projectPath + ".state";
  auto src = testConnection(source, options);
  if (!src) return std::move(src).error().context("source");
  auto dst = testConnection(target, options);
  if (!dst) return std::move(dst).error().context("target");
  const std::string path = defaultStatePath(*src, *dst, projectPath);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) {
    return core::Error(core::ErrorKind::Io, "cannot create the run-state folder " +
                                                std::filesystem::path(path).parent_path().string() + ": " + ec.message(),
                       "Give a state file with --state FILE, or set FERRY_STATE_DIR to a writable folder.");
  }
  return path;
}

core::Status checkRunServers(state::RunStateStore& store, bool resume, const ServerInfo& source,
                             const ServerInfo& target) {
  const state::RunServers now{serverKey(source), serverKey(target)};
  if (!resume) return store.saveServers(now);
  auto recorded = store.loadServers();
  if (!recorded) return std::move(recorded).error();
  if (!*recorded) {
    core::log(core::LogLevel::Info, "the run state " + store.path() +
                                        " predates server identities; recording this run's source and target");
    return store.saveServers(now);
  }
  if ((*recorded)->source == now.source && (*recorded)->target == now.target) return {};
  auto run = store.loadRun();
  const std::string sourceUrl = run ? run->sourceUrl : std::string();
  const std::string targetUrl = run ? run->targetUrl : std::string();
  return core::Error(core::ErrorKind::Usage,
                     "the run state " + store.path() + " belongs to another migration: it was made for source " +
                         describe((*recorded)->source, sourceUrl) + " and target " +
                         describe((*recorded)->target, targetUrl) + ", and this run reads " + now.source +
                         " and writes " + now.target,
                     "Resume it with its own source and target, or start this migration with another --state FILE "
                     "(or none: each source and target pair gets its own file).");
}

}  // namespace ferry::run
