#pragma once
/// The keys a sync applied changes to, so that a cutover can compare exactly
/// those rows on both sides inside its pause ("the keys changed since the last
/// verified position", docs/cutover.md). The sync marks the positions a
/// verification held it at; the cutover asks for the keys changed since the
/// one its last verification holds for. Bounded: past `capacity` keys the set
/// starts again (the marks before are lost, and an answer for them says so).
/// Thread-safe: the stream loop adds, the control channel reads.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferry::run {

struct ChangedKeySet {
  /// Every change since `since` is in `keys` (false: the tracking began later,
  /// at `since`, or overflowed — the keys are those changed since then).
  bool complete = false;
  std::string since;  ///< the position the keys cover from
  std::string reason; ///< why not complete, for a person
  /// "schema.table" (source) → keys, each the source's key values in the
  /// copy's key-column order; the most recently changed first.
  std::map<std::string, std::vector<std::vector<std::string>>> keys;
  std::int64_t count() const;
};
nlohmann::json changedKeysJson(const ChangedKeySet& s);
ChangedKeySet changedKeysFromJson(const nlohmann::json& j);

class ChangedKeys {
public:
  explicit ChangedKeys(std::size_t capacity = 200'000) : m_capacity(capacity) {}
  /// Tracking starts at `position` (the stream's applied position); once per sync.
  void start(const std::string& position);
  /// A verification held the sync at `position`: keys from here on are "since" it.
  void mark(const std::string& position);
  void add(const std::string& table, const std::vector<std::string>& key);
  /// The keys changed since `position` (a mark, or "" for everything tracked).
  ChangedKeySet since(const std::string& position) const;

private:
  struct Entry {
    std::string table;
    std::vector<std::string> key;
    std::uint64_t seq = 0;
  };
  mutable std::mutex m_mutex;
  std::size_t m_capacity;
  std::uint64_t m_seq = 0;
  bool m_started = false;
  std::string m_start;
  std::string m_overflowedAt;  ///< the mark lost to an overflow ("" none)
  std::vector<std::pair<std::string, std::uint64_t>> m_marks;  ///< position → seq at the mark
  std::unordered_map<std::string, Entry> m_entries;             ///< table + key → newest change
};

}  // namespace ferry::run
