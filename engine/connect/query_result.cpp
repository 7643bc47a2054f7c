#include "connect/query_result.h"

#include <cassert>
#include <stdexcept>

#include "core/text.h"

namespace ferry::connect {

QueryResult::QueryResult(std::vector<std::string> columns) : m_columns(std::move(columns)) {
  for (std::size_t i = 0; i < m_columns.size(); ++i) m_index.emplace(m_columns[i], static_cast<int>(i));
}

int QueryResult::columnIndex(std::string_view name) const {
  auto it = m_index.find(std::string(name));
  return it == m_index.end() ? -1 : it->second;
}

const std::optional<std::string>& RowView::cell(std::string_view column) const {
  const int idx = m_result->columnIndex(column);
  if (idx < 0) {
    // A query and its reader disagree: a bug, not a runtime condition.
    throw std::logic_error("query result has no column '" + std::string(column) + "'");
  }
  return m_result->at(m_row, static_cast<std::size_t>(idx));
}

bool RowView::isNull(std::string_view column) const { return !cell(column).has_value(); }

const std::string& RowView::str(std::string_view column) const {
  static const std::string empty;
  const auto& c = cell(column);
  return c ? *c : empty;
}

std::optional<std::string> RowView::opt(std::string_view column) const { return cell(column); }

std::int64_t RowView::i64(std::string_view column, std::int64_t ifNull) const {
  auto v = optI64(column);
  return v ? *v : ifNull;
}

std::optional<std::int64_t> RowView::optI64(std::string_view column) const {
  const auto& c = cell(column);
  if (!c || c->empty()) return std::nullopt;
  try {
    return static_cast<std::int64_t>(std::stoll(*c));
  } catch (const std::exception&) {
    // Out of range (e.g. a sequence's unsigned max): saturate rather than fail.
    try {
      long double d = std::stold(*c);
      if (d > 9.2e18L) return INT64_MAX;
      if (d < -9.2e18L) return INT64_MIN;
      return static_cast<std::int64_t>(d);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
}

bool RowView::boolean(std::string_view column) const {
  const auto& c = cell(column);
  if (!c) return false;
  const std::string v = core::toLower(*c);
  return v == "t" || v == "true" || v == "1" || v == "yes" || v == "on" || v == "y";
}

std::vector<std::string> RowView::array(std::string_view column) const {
  const auto& c = cell(column);
  if (!c) return {};
  return parsePgTextArray(*c);
}

std::vector<std::string> parsePgTextArray(std::string_view s) {
  std::vector<std::string> out;
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return out;
  s = s.substr(1, s.size() - 2);
  if (s.empty()) return out;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::string item;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        item += s[i++];
      }
      ++i;  // closing quote
    } else {
      while (i < s.size() && s[i] != ',') item += s[i++];
    }
    out.push_back(std::move(item));
    if (i >= s.size()) break;
    ++i;  // comma
  }
  return out;
}

}  // namespace ferry::connect
