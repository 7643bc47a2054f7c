#pragma once
/// SyncTableModel: one row per source table the sync has applied changes to
/// (run::SyncProgress::rowsByTable), with a rows/s rate computed here from the
/// difference between polls (the engine reports counters, not speeds).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QAbstractTableModel>

#include "run/sync_run.h"

namespace ferry::app {

class SyncTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { TableColumn, RowsColumn, RateColumn, ColumnCount };

  explicit SyncTableModel(QObject* parent = nullptr);

  /// Takes a new picture of the sync (its per-table counts and elapsed seconds).
  void update(const run::SyncProgress& progress);
  void clear();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  /// Row of "schema.table", -1 when the sync has applied nothing to it yet.
  int rowOf(const QString& qualifiedName) const;
  /// Rows applied to a table by this sync, 0 for an unknown one.
  std::int64_t rowsOf(const QString& qualifiedName) const;
  /// Rows per second of a row, smoothed over the last polls.
  double rateAt(int row) const { return m_rows.at(static_cast<size_t>(row)).rate; }

private:
  struct Row {
    std::string table;  ///< "schema.table" of the source
    std::int64_t rows = 0;
    double rate = 0;  ///< rows/s, smoothed
  };
  std::vector<Row> m_rows;  ///< sorted by table, as the engine's map
  double m_lastSeconds = -1;  ///< elapsed seconds at the previous poll
};

}  // namespace ferry::app
