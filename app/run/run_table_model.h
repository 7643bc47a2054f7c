#pragma once
/// RunTableModel: one row per table of a copy run, refreshed from each polled
/// run::CopyProgress. Rates and ETAs are computed here from the difference
/// between polls (the engine reports counters, not speeds).

#include <vector>

#include <QAbstractTableModel>
#include <QHash>

#include "run/copy_run.h"

namespace ferry::app {

class RunTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { TableColumn, StatusColumn, RowsColumn, MegabytesColumn, RateColumn, EtaColumn, RejectedColumn,
                ChunksColumn, ColumnCount };

  explicit RunTableModel(QObject* parent = nullptr);

  /// Takes a new picture of the run; `now` is the run's elapsed seconds.
  void update(const run::CopyProgress& progress);
  void clear();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  const run::TableProgress& tableAt(int row) const { return m_rows.at(static_cast<size_t>(row)).progress; }
  /// Row of "schema.table", -1 when absent.
  int rowOf(const QString& qualifiedName) const { return m_index.value(qualifiedName, -1); }
  /// Rows per second of a table, smoothed over the last polls.
  double rateAt(int row) const { return m_rows.at(static_cast<size_t>(row)).rate; }

private:
  struct Row {
    run::TableProgress progress;
    double rate = 0;         ///< rows/s, smoothed
    double lastSeconds = -1; ///< elapsed seconds at the previous poll
    std::int64_t lastRows = 0;
  };
  std::vector<Row> m_rows;
  QHash<QString, int> m_index;
};

/// "1:05", "12:00:03": a duration for the progress views.
QString formatDuration(double seconds);

}  // namespace ferry::app
