#include "state/run_state.h"

#include <array>
#include <utility>

namespace ferry::state {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> parseName(const std::array<std::pair<Enum, const char*>, N>& names,
                              std::string_view name) {
  for (const auto& [value, text] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
const char* nameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<RunStatus, const char*>, 5> kRunStatusNames{{
    {RunStatus::Planned, "planned"},
    {RunStatus::Copying, "copying"},
    {RunStatus::Copied, "copied"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Abandoned, "abandoned"},
}};
constexpr std::array<std::pair<TableStatus, const char*>, 5> kTableStatusNames{{
    {TableStatus::Pending, "pending"},
    {TableStatus::Copying, "copying"},
    {TableStatus::Copied, "copied"},
    {TableStatus::Indexed, "indexed"},
    {TableStatus::Failed, "failed"},
}};
constexpr std::array<std::pair<ChunkStatus, const char*>, 4> kChunkStatusNames{{
    {ChunkStatus::Pending, "pending"},
    {ChunkStatus::Running, "running"},
    {ChunkStatus::Done, "done"},
    {ChunkStatus::Failed, "failed"},
}};
constexpr std::array<std::pair<SnapshotEngine, const char*>, 3> kSnapshotEngineNames{{
    {SnapshotEngine::PostgreSQL, "postgresql"},
    {SnapshotEngine::MySQL, "mysql"},
    {SnapshotEngine::MariaDB, "mariadb"},
}};

}  // namespace

const char* runStatusName(RunStatus status) { return nameOf(kRunStatusNames, status); }
const char* tableStatusName(TableStatus status) { return nameOf(kTableStatusNames, status); }
const char* chunkStatusName(ChunkStatus status) { return nameOf(kChunkStatusNames, status); }
const char* snapshotEngineName(SnapshotEngine engine) {
  return nameOf(kSnapshotEngineNames, engine);
}

std::optional<RunStatus> parseRunStatus(std::string_view name) {
  return parseName(kRunStatusNames, name);
}
std::optional<TableStatus> parseTableStatus(std::string_view name) {
  return parseName(kTableStatusNames, name);
}
std::optional<ChunkStatus> parseChunkStatus(std::string_view name) {
  return parseName(kChunkStatusNames, name);
}
std::optional<SnapshotEngine> parseSnapshotEngine(std::string_view name) {
  return parseName(kSnapshotEngineNames, name);
}

std::string urlWithoutPassword(std::string_view url) {
  // scheme://user:password@host/... → scheme://user@host/...; the user info
  // ends at the last '@' before the path, so a password may contain '@'.
  const size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos) return std::string(url);
  const size_t authority = schemeEnd + 3;
  size_t authorityEnd = url.find_first_of("/?#", authority);
  if (authorityEnd == std::string_view::npos) authorityEnd = url.size();
  const size_t at = url.substr(0, authorityEnd).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  const size_t colon = url.substr(0, at).find(':', authority);
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, colon)) + std::string(url.substr(at));
}

bool truncateUtf8(std::string& value, std::size_t maxBytes) {
  if (value.size() <= maxBytes) return false;
  size_t cut = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  value.resize(cut);
  return true;
}

}  // namespace ferry::state
