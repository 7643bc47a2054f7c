#pragma once
/// The Verify page's drill-down: DifferenceModel lists one table's differing
/// rows (kind, key, columns); RowPairModel shows one of them side by side —
/// column | source | target, canonical values — marking the cells that differ
/// and, for a missing or extra row, the side that has no row.

#include <optional>
#include <string>
#include <vector>

#include <QAbstractTableModel>

#include "verify/chunk_compare.h"

namespace ferry::app {

class DifferenceModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { KindColumn, KeyColumn, ColumnsColumn, ColumnCount };

  explicit DifferenceModel(QObject* parent = nullptr);

  void setDifferences(std::vector<verify::Difference> differences);
  void clear() { setDifferences({}); }
  const std::vector<verify::Difference>& differences() const { return m_differences; }
  const verify::Difference& differenceAt(int row) const { return m_differences.at(static_cast<size_t>(row)); }
  /// Row of a key ("id=17"), -1 when absent.
  int rowOfKey(const QString& key) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
  std::vector<verify::Difference> m_differences;
};

class RowPairModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { NameColumn, SourceColumn, TargetColumn, ColumnCount };
  /// bool: the source and target values of this row (column) differ.
  static constexpr int DiffersRole = Qt::UserRole + 1;
  /// bool: this side has no such row (missing on the target, or extra on it).
  static constexpr int AbsentRole = Qt::UserRole + 2;

  explicit RowPairModel(QObject* parent = nullptr);

  /// Shows `pair`; `difference` names the columns the verification found different.
  void setPair(const verify::RowPair& pair, const verify::Difference& difference);
  void clear();
  bool hasPair() const { return m_pair.has_value(); }
  const std::optional<verify::RowPair>& pair() const { return m_pair; }
  /// Names of the columns whose cells are marked as differing.
  QStringList differingColumns() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  /// Background of a differing cell (light red), of an absent side (grey).
  static QColor differsColor();
  static QColor absentColor();

private:
  bool differs(size_t row) const;

  std::optional<verify::RowPair> m_pair;
  std::vector<bool> m_differs;  ///< per column (row of this model)
};

}  // namespace ferry::app
