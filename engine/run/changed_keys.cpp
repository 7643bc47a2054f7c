#include "run/changed_keys.h"

#include <algorithm>

#include "cdc/position.h"

namespace ferry::run {

namespace {

bool samePosition(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto pa = cdc::LogPosition::parse(a);
  const auto pb = cdc::LogPosition::parse(b);
  return pa && pb && *pa == *pb;
}

}  // namespace

std::int64_t ChangedKeySet::count() const {
  std::int64_t n = 0;
  for (const auto& [t, ks] : keys) n += static_cast<std::int64_t>(ks.size());
  return n;
}

nlohmann::json changedKeysJson(const ChangedKeySet& s) {
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [t, ks] : s.keys) tables[t] = ks;
  return {{"complete", s.complete}, {"since", s.since}, {"reason", s.reason}, {"tables", tables}};
}

ChangedKeySet changedKeysFromJson(const nlohmann::json& j) {
  ChangedKeySet s;
  s.complete = j.value("complete", false);
  s.since = j.value("since", "");
  s.reason = j.value("reason", "");
  if (j.contains("tables") && j["tables"].is_object()) {
    for (const auto& [t, ks] : j["tables"].items()) s.keys[t] = ks.get<std::vector<std::vector<std::string>>>();
  }
  return s;
}

void ChangedKeys::start(const std::string& position) {
  std::lock_guard lock(m_mutex);
  if (m_started) return;  // a reconnect: what was applied before it stays
  m_started = true;
  m_entries.clear();
  m_marks.clear();
  m_overflowedAt.clear();
  m_start = position;
  m_marks.emplace_back(position, m_seq);
}

void ChangedKeys::mark(const std::string& position) {
  std::lock_guard lock(m_mutex);
  if (!m_marks.empty() && samePosition(m_marks.back().first, position)) return;
  m_marks.emplace_back(position, m_seq);
  if (m_marks.size() > 64) m_marks.erase(m_marks.begin());
}

void ChangedKeys::add(const std::string& table, const std::vector<std::string>& key) {
  std::string id = table;
  for (const auto& k : key) {
    id += '\x1f';
    id += k;
  }
  std::lock_guard lock(m_mutex);
  if (m_entries.size() >= m_capacity && !m_entries.contains(id)) {
    // Too many to check in a pause anyway: start again from here.
    m_overflowedAt = m_marks.empty() ? m_start : m_marks.back().first;
    m_entries.clear();
    m_marks.clear();
    m_start.clear();
  }
  Entry& e = m_entries[id];
  if (e.table.empty()) {
    e.table = table;
    e.key = key;
  }
  e.seq = ++m_seq;
}

ChangedKeySet ChangedKeys::since(const std::string& position) const {
  std::lock_guard lock(m_mutex);
  ChangedKeySet s;
  std::uint64_t from = 0;
  bool found = false;
  for (const auto& [p, seq] : m_marks) {
    if (!position.empty() && samePosition(p, position)) {
      from = seq;
      found = true;
    }
  }
  if (found) {
    s.complete = true;
    s.since = position;
  } else {
    s.since = m_marks.empty() ? m_overflowedAt : m_marks.front().first;
    s.reason = !m_overflowedAt.empty() ? "more than " + std::to_string(m_capacity) + " keys changed since " + position
               : position.empty()      ? "the last verification holds for no stream position"
                                       : "the stream did not run through " + position + " in this process";
  }
  std::vector<const Entry*> newest;
  for (const auto& [id, e] : m_entries) {
    if (e.seq > from) newest.push_back(&e);
  }
  std::sort(newest.begin(), newest.end(), [](const Entry* a, const Entry* b) { return a->seq > b->seq; });
  for (const Entry* e : newest) s.keys[e->table].push_back(e->key);
  return s;
}

}  // namespace ferry::run
