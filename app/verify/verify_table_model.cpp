#include "app/verify/verify_table_model.h"

#include <QBrush>
#include <QFont>
#include <QStringList>
#include <QLocale>

#include "widgets/progress_delegate.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

using verify::TableStatus;

}  // namespace

std::int64_t differenceCount(const verify::TableVerification& t) {
  return static_cast<std::int64_t>(t.differences.size()) + t.moreDifferences;
}

VerifyTableModel::VerifyTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void VerifyTableModel::clear() {
  beginResetModel();
  m_tables.clear();
  endResetModel();
}

void VerifyTableModel::update(const std::vector<verify::TableVerification>& tables) {
  bool same = tables.size() == m_tables.size();
  for (size_t i = 0; same && i < tables.size(); ++i) same = tables[i].label() == m_tables[i].label();
  if (!same) {
    beginResetModel();
    m_tables = tables;
    endResetModel();
    return;
  }
  m_tables = tables;
  if (!m_tables.empty()) emit dataChanged(index(0, 0), index(static_cast<int>(m_tables.size()) - 1, ColumnCount - 1));
}

int VerifyTableModel::rowOf(const QString& label) const {
  for (size_t i = 0; i < m_tables.size(); ++i) {
    if (q(m_tables[i].label()) == label) return static_cast<int>(i);
  }
  return -1;
}

int VerifyTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_tables.size());
}

int VerifyTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant VerifyTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(m_tables.size())) return {};
  const auto& t = m_tables[static_cast<size_t>(index.row())];
  const int col = index.column();
  const std::int64_t diffs = differenceCount(t);
  if (role == widgets::ProgressDelegate::FractionRole && col == ChunksColumn) {
    if (t.chunksTotal <= 0) return {};  // quick check or an empty table: no chunks, no bar
    return static_cast<double>(t.chunksDone) / static_cast<double>(t.chunksTotal);
  }
  if (role == Qt::DecorationRole && col == StatusColumn) {
    switch (t.status) {
      case TableStatus::Pending: return {};
      case TableStatus::Checking: return widgets::StatusIcon::icon(widgets::StatusKind::Info);
      case TableStatus::Ok: return widgets::StatusIcon::icon(widgets::StatusKind::Pass);
      case TableStatus::Mismatch: return widgets::StatusIcon::icon(widgets::StatusKind::Fail);
      case TableStatus::Error: return widgets::StatusIcon::icon(widgets::StatusKind::Warn);
    }
    return {};
  }
  if (role == Qt::ForegroundRole) {
    if (col == StatusColumn) {
      switch (t.status) {
        case TableStatus::Pending: return QBrush(QColor(0x75, 0x75, 0x75));
        case TableStatus::Checking: return QBrush(widgets::StatusIcon::color(widgets::StatusKind::Info));
        case TableStatus::Ok: return QBrush(widgets::StatusIcon::color(widgets::StatusKind::Pass).darker(115));
        case TableStatus::Mismatch: return QBrush(widgets::StatusIcon::color(widgets::StatusKind::Fail));
        case TableStatus::Error: return QBrush(widgets::StatusIcon::color(widgets::StatusKind::Fail).darker(120));
      }
    }
    if (col == DifferencesColumn && diffs > 0) return QBrush(widgets::StatusIcon::color(widgets::StatusKind::Fail));
    if ((col == SourceRowsColumn || col == TargetRowsColumn) && t.sourceRows >= 0 && t.targetRows >= 0 &&
        t.sourceRows != t.targetRows) {
      return QBrush(widgets::StatusIcon::color(widgets::StatusKind::Fail));
    }
    return {};
  }
  if (role == Qt::FontRole && col == DifferencesColumn && diffs > 0) {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (role == Qt::TextAlignmentRole && col >= SourceRowsColumn && col != ChunksColumn)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole) {
    if (col == StatusColumn && !t.error.empty()) return q(t.error);
    if (col == StatusColumn && !t.statistics.empty()) {
      QStringList lines;
      for (const auto& s : t.statistics) lines << q(s);
      return tr("Column statistics that differ:\n%1").arg(lines.join(QLatin1Char('\n')));
    }
    if (col == TableColumn && (t.targetSchema != t.schema || t.targetTable != t.table))
      return tr("Target: %1.%2").arg(q(t.targetSchema), q(t.targetTable));
    if (col == ChunksColumn) {
      QString tip = tr("%1 of %2 chunks compared").arg(t.chunksDone).arg(t.chunksTotal);
      if (t.chunksServerHashed > 0) tip += tr("; %1 decided by server checksums").arg(t.chunksServerHashed);
      if (t.sampled) tip += tr("; a sample of the table's chunks");
      return tip;
    }
    if (col == DifferencesColumn && t.moreDifferences > 0)
      return tr("%1 listed, %2 more found but not listed").arg(number(static_cast<std::int64_t>(t.differences.size())),
                                                               number(t.moreDifferences));
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  switch (col) {
    case TableColumn: return q(t.label());
    case StatusColumn: return QLatin1String(verify::tableStatusName(t.status));
    case SourceRowsColumn: return t.sourceRows < 0 ? QStringLiteral("—") : number(t.sourceRows);
    case TargetRowsColumn: return t.targetRows < 0 ? QStringLiteral("—") : number(t.targetRows);
    case ChunksColumn:
      if (t.chunksTotal > 0)
        return QStringLiteral("%1 / %2%3").arg(t.chunksDone).arg(t.chunksTotal).arg(t.sampled ? tr(" (sample)") : QString());
      return t.status == TableStatus::Ok || t.status == TableStatus::Mismatch ? QStringLiteral("—") : QString();
    case RowsCheckedColumn: return number(t.rowsChecked);
    case DifferencesColumn: return number(diffs);
    default: return {};
  }
}

QVariant VerifyTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case TableColumn: return tr("Table");
    case StatusColumn: return tr("Status");
    case SourceRowsColumn: return tr("Source rows");
    case TargetRowsColumn: return tr("Target rows");
    case ChunksColumn: return tr("Chunks");
    case RowsCheckedColumn: return tr("Rows checked");
    case DifferencesColumn: return tr("Differences");
    default: return {};
  }
}

}  // namespace ferry::app
