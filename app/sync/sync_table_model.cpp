#include "app/sync/sync_table_model.h"

#include <algorithm>
#include <cmath>

#include <QLocale>

namespace ferry::app {

namespace {

QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

/// Weight of the newest poll in the smoothed rate: at 4 polls a second this
/// averages over roughly the last two seconds, as on the Run page. The stream
/// commits in groups (up to 100 ms apart), so single polls jump.
constexpr double kRateSmoothing = 0.15;

}  // namespace

SyncTableModel::SyncTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SyncTableModel::clear() {
  beginResetModel();
  m_rows.clear();
  m_lastSeconds = -1;
  endResetModel();
}

void SyncTableModel::update(const run::SyncProgress& progress) {
  // Only a streaming sync has a rate; a stopped one shows its counts alone.
  const bool streaming = progress.phase == "streaming";
  const double dt = m_lastSeconds >= 0 ? progress.elapsedSeconds - m_lastSeconds : 0;
  m_lastSeconds = progress.elapsedSeconds;
  bool sameTables = progress.rowsByTable.size() == m_rows.size();
  if (sameTables) {
    size_t i = 0;
    for (const auto& entry : progress.rowsByTable) sameTables = sameTables && m_rows[i++].table == entry.first;
  }
  if (!sameTables) {
    // A table got its first change: rebuild, keeping the rates of the known ones.
    std::vector<Row> rows;
    rows.reserve(progress.rowsByTable.size());
    for (const auto& [table, n] : progress.rowsByTable) {
      auto known = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row& r) { return r.table == table; });
      Row row{table, n, known != m_rows.end() && streaming ? known->rate : 0};
      if (known != m_rows.end() && streaming && dt > 0) {
        row.rate = kRateSmoothing * static_cast<double>(n - known->rows) / dt + (1 - kRateSmoothing) * known->rate;
      }
      rows.push_back(std::move(row));
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    return;
  }
  size_t i = 0;
  for (const auto& entry : progress.rowsByTable) {
    Row& row = m_rows[i++];
    if (!streaming) {
      row.rate = 0;
    } else if (dt > 0) {
      row.rate = kRateSmoothing * static_cast<double>(entry.second - row.rows) / dt + (1 - kRateSmoothing) * row.rate;
    }
    row.rows = entry.second;
  }
  if (!m_rows.empty()) emit dataChanged(index(0, 0), index(static_cast<int>(m_rows.size()) - 1, ColumnCount - 1));
}

int SyncTableModel::rowOf(const QString& qualifiedName) const {
  const std::string name = qualifiedName.toStdString();
  for (size_t i = 0; i < m_rows.size(); ++i)
    if (m_rows[i].table == name) return static_cast<int>(i);
  return -1;
}

std::int64_t SyncTableModel::rowsOf(const QString& qualifiedName) const {
  const int row = rowOf(qualifiedName);
  return row < 0 ? 0 : m_rows[static_cast<size_t>(row)].rows;
}

int SyncTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }

int SyncTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant SyncTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size())) return {};
  const Row& row = m_rows[static_cast<size_t>(index.row())];
  if (role == Qt::TextAlignmentRole && index.column() != TableColumn)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && index.column() == RowsColumn) {
    return tr("Rows inserted, updated or deleted in this table by this sync");
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case TableColumn: return QString::fromStdString(row.table);
    case RowsColumn: return number(row.rows);
    case RateColumn: return row.rate > 0.5 ? number(std::llround(row.rate)) : QString();
    default: return {};
  }
}

QVariant SyncTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case TableColumn: return tr("Table");
    case RowsColumn: return tr("Rows applied");
    case RateColumn: return tr("Rows/s");
    default: return {};
  }
}

}  // namespace ferry::app
