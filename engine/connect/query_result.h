#pragma once
/// QueryResult: a small, fully buffered result (catalog queries, settings,
/// checks). Bulk data never goes through it: copy and verify stream instead.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ferry::connect {

class QueryResult;

/// One row of a QueryResult; column access by name, asserting the column exists.
class RowView {
public:
  RowView(const QueryResult& result, std::size_t row) : m_result(&result), m_row(row) {}
  bool isNull(std::string_view column) const;
  /// The text value; empty string for NULL.
  const std::string& str(std::string_view column) const;
  std::optional<std::string> opt(std::string_view column) const;
  std::int64_t i64(std::string_view column, std::int64_t ifNull = 0) const;
  std::optional<std::int64_t> optI64(std::string_view column) const;
  /// Accepts t/f, true/false, 1/0, YES/NO (both engines' spellings).
  bool boolean(std::string_view column) const;
  /// A PostgreSQL text[] rendered as text, or a separator-joined string, split into parts.
  std::vector<std::string> array(std::string_view column) const;

private:
  const std::optional<std::string>& cell(std::string_view column) const;
  const QueryResult* m_result;
  std::size_t m_row;
};

class QueryResult {
public:
  QueryResult() = default;
  explicit QueryResult(std::vector<std::string> columns);

  void addRow(std::vector<std::optional<std::string>> row) { m_rows.push_back(std::move(row)); }
  std::size_t size() const { return m_rows.size(); }
  bool empty() const { return m_rows.empty(); }
  const std::vector<std::string>& columns() const { return m_columns; }
  /// -1 when there is no such column.
  int columnIndex(std::string_view name) const;
  const std::optional<std::string>& at(std::size_t row, std::size_t col) const { return m_rows[row][col]; }
  RowView row(std::size_t i) const { return RowView(*this, i); }

  class Iterator {
  public:
    Iterator(const QueryResult& r, std::size_t i) : m_r(&r), m_i(i) {}
    RowView operator*() const { return RowView(*m_r, m_i); }
    Iterator& operator++() { ++m_i; return *this; }
    bool operator!=(const Iterator& o) const { return m_i != o.m_i; }
  private:
    const QueryResult* m_r;
    std::size_t m_i;
  };
  Iterator begin() const { return Iterator(*this, 0); }
  Iterator end() const { return Iterator(*this, m_rows.size()); }

private:
  std::vector<std::string> m_columns;
  std::unordered_map<std::string, int> m_index;
  std::vector<std::vector<std::optional<std::string>>> m_rows;
};

/// Parses a PostgreSQL array literal of text ("{a,\"b c\",NULL}").
std::vector<std::string> parsePgTextArray(std::string_view literal);

}  // namespace ferry::connect
