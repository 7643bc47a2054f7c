#include "app/run/run_table_model.h"

#include <algorithm>
#include <cmath>

#include <QBrush>
#include <QColor>
#include <QLocale>

#include "widgets/progress_delegate.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

/// Weight of the newest poll in the smoothed rate: at 4 polls a second this
/// averages over roughly the last two seconds, enough to hide batch jitter.
constexpr double kRateSmoothing = 0.15;

}  // namespace

QString formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("—");
  const auto total = static_cast<qint64>(std::llround(seconds));
  const qint64 h = total / 3600;
  const qint64 m = (total / 60) % 60;
  const qint64 s = total % 60;
  if (h > 0) return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunTableModel::clear() {
  beginResetModel();
  m_rows.clear();
  m_index.clear();
  endResetModel();
}

void RunTableModel::update(const run::CopyProgress& progress) {
  bool sameTables = progress.tables.size() == m_rows.size();
  for (size_t i = 0; sameTables && i < m_rows.size(); ++i) {
    sameTables = m_rows[i].progress.schema == progress.tables[i].schema && m_rows[i].progress.table == progress.tables[i].table;
  }
  if (!sameTables) {
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    for (const auto& t : progress.tables) {
      m_index.insert(q(t.schema) + QLatin1Char('.') + q(t.table), static_cast<int>(m_rows.size()));
      m_rows.push_back(Row{t, 0, progress.elapsedSeconds, t.rowsRead});
    }
    endResetModel();
    return;
  }
  for (size_t i = 0; i < m_rows.size(); ++i) {
    Row& row = m_rows[i];
    const auto& t = progress.tables[i];
    const double dt = progress.elapsedSeconds - row.lastSeconds;
    if (dt > 0) {
      const double instant = static_cast<double>(t.rowsRead - row.lastRows) / dt;
      row.rate = t.status == "copying" ? kRateSmoothing * instant + (1 - kRateSmoothing) * row.rate : 0;
    }
    row.lastSeconds = progress.elapsedSeconds;
    row.lastRows = t.rowsRead;
    row.progress = t;
  }
  if (!m_rows.empty()) emit dataChanged(index(0, 0), index(static_cast<int>(m_rows.size()) - 1, ColumnCount - 1));
}

int RunTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }

int RunTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size())) return {};
  const Row& row = m_rows[static_cast<size_t>(index.row())];
  const auto& t = row.progress;
  const bool copied = t.dataCopied();
  // Rows streamed so far (committed rows lag by a chunk); the written count once done.
  const std::int64_t rows = copied ? t.rowsWritten : std::max(t.rowsRead, t.rowsWritten);
  if (role == widgets::ProgressDelegate::FractionRole && index.column() == RowsColumn) {
    if (copied) return 1.0;
    return t.estimatedRows > 0 ? static_cast<double>(rows) / static_cast<double>(t.estimatedRows) : 0.0;
  }
  if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
    if (t.status == "failed") return QBrush(QColor(0xc6, 0x28, 0x28));
    if (copied) return QBrush(QColor(0x2e, 0x7d, 0x32));
    return {};
  }
  if (role == Qt::ForegroundRole && index.column() == RejectedColumn && t.rowsRejected > 0) return QBrush(QColor(0xc6, 0x28, 0x28));
  if (role == Qt::TextAlignmentRole && index.column() >= MegabytesColumn)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && index.column() == RowsColumn) {
    return tr("%1 rows read, %2 written (committed), about %3 estimated")
        .arg(number(t.rowsRead), number(t.rowsWritten), number(t.estimatedRows));
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case TableColumn: return q(t.schema) + QLatin1Char('.') + q(t.table);
    case StatusColumn: return q(t.status);
    case RowsColumn:
      return copied ? number(rows) : tr("%1 / ~%2").arg(number(rows), number(t.estimatedRows));
    case MegabytesColumn: {
      const double mb = static_cast<double>(t.bytes) / 1e6;
      return QString::number(mb, 'f', mb < 10 ? 2 : 1);
    }
    case RateColumn: return row.rate > 0.5 ? number(std::llround(row.rate)) : QString();
    case EtaColumn:
      if (copied || t.status == "failed") return QString();
      if (row.rate > 0.5) return formatDuration(static_cast<double>(std::max<std::int64_t>(0, t.estimatedRows - rows)) / row.rate);
      return QString();
    case RejectedColumn: return number(t.rowsRejected);
    case ChunksColumn: return QStringLiteral("%1 / %2").arg(t.chunksDone).arg(t.chunksTotal);
    default: return {};
  }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case TableColumn: return tr("Table");
    case StatusColumn: return tr("Status");
    case RowsColumn: return tr("Rows (done / estimated)");
    case MegabytesColumn: return tr("MB");
    case RateColumn: return tr("Rows/s");
    case EtaColumn: return tr("ETA");
    case RejectedColumn: return tr("Rejected");
    case ChunksColumn: return tr("Chunks");
    default: return {};
  }
}

}  // namespace ferry::app
