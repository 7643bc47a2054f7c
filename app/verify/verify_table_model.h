#pragma once
/// VerifyTableModel: one row per table of a verification, refreshed from each
/// polled run::VerifyProgress (and, at the end, from the report): status with
/// its icon, exact row counts on both sides, chunks compared (a progress bar)
/// and the number of differing rows.

#include <vector>

#include <QAbstractTableModel>

#include "verify/verify_result.h"

namespace ferry::app {

class VerifyTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { TableColumn, StatusColumn, SourceRowsColumn, TargetRowsColumn, ChunksColumn, RowsCheckedColumn,
                DifferencesColumn, ColumnCount };

  explicit VerifyTableModel(QObject* parent = nullptr);

  /// Takes a new picture; a changed set of tables resets the model.
  void update(const std::vector<verify::TableVerification>& tables);
  void clear();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  const verify::TableVerification& tableAt(int row) const { return m_tables.at(static_cast<size_t>(row)); }
  /// Row of "schema.table" (the source's name), -1 when absent.
  int rowOf(const QString& label) const;

private:
  std::vector<verify::TableVerification> m_tables;
};

/// Differences of a table: the listed ones plus those only counted.
std::int64_t differenceCount(const verify::TableVerification& t);

}  // namespace ferry::app
