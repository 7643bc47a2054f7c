#include "app/verify/verify_detail_models.h"

#include <algorithm>

#include <QBrush>
#include <QFont>
#include <QStringList>

#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

/// Long values (JSON, text) are cut in the cell; the tooltip has them whole.
constexpr int kCellChars = 200;

QString joined(const std::vector<std::string>& items) {
  QStringList out;
  for (const auto& i : items) out << q(i);
  return out.join(QStringLiteral(", "));
}

}  // namespace

// ---------------------------------------------------------------- DifferenceModel

DifferenceModel::DifferenceModel(QObject* parent) : QAbstractTableModel(parent) {}

void DifferenceModel::setDifferences(std::vector<verify::Difference> differences) {
  beginResetModel();
  m_differences = std::move(differences);
  endResetModel();
}

int DifferenceModel::rowOfKey(const QString& key) const {
  for (size_t i = 0; i < m_differences.size(); ++i) {
    if (q(m_differences[i].key) == key) return static_cast<int>(i);
  }
  return -1;
}

int DifferenceModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_differences.size());
}

int DifferenceModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DifferenceModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(m_differences.size())) return {};
  const auto& d = m_differences[static_cast<size_t>(index.row())];
  if (role == Qt::DecorationRole && index.column() == KindColumn) {
    return widgets::StatusIcon::icon(d.kind == verify::DiffKind::Changed ? widgets::StatusKind::Warn
                                                                         : widgets::StatusKind::Fail);
  }
  if (role == Qt::ToolTipRole) {
    switch (d.kind) {
      case verify::DiffKind::Missing: return tr("The source has this row; the target does not.");
      case verify::DiffKind::Extra: return tr("The target has this row; the source does not.");
      case verify::DiffKind::Changed: return tr("Both sides have this row; the listed columns differ.");
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case KindColumn: return QLatin1String(verify::diffKindName(d.kind));
    case KeyColumn: return q(d.key);
    case ColumnsColumn: return joined(d.columns);
    default: return {};
  }
}

QVariant DifferenceModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case KindColumn: return tr("Kind");
    case KeyColumn: return tr("Key");
    case ColumnsColumn: return tr("Differing columns");
    default: return {};
  }
}

// ---------------------------------------------------------------- RowPairModel

RowPairModel::RowPairModel(QObject* parent) : QAbstractTableModel(parent) {}

QColor RowPairModel::differsColor() { return QColor(0xfd, 0xd8, 0xd5); }

QColor RowPairModel::absentColor() { return QColor(0xe6, 0xe6, 0xe6); }

void RowPairModel::clear() {
  beginResetModel();
  m_pair.reset();
  m_differs.clear();
  endResetModel();
}

void RowPairModel::setPair(const verify::RowPair& pair, const verify::Difference& difference) {
  beginResetModel();
  m_pair = pair;
  const size_t n = pair.columns.size();
  m_differs.assign(n, false);
  if (pair.sourceFound && pair.targetFound) {
    for (size_t i = 0; i < n; ++i) {
      const auto& s = i < pair.source.size() ? pair.source[i] : std::nullopt;
      const auto& t = i < pair.target.size() ? pair.target[i] : std::nullopt;
      const bool named =
          std::find(difference.columns.begin(), difference.columns.end(), pair.columns[i]) != difference.columns.end();
      m_differs[i] = named || s != t;
    }
  }
  endResetModel();
}

QStringList RowPairModel::differingColumns() const {
  QStringList out;
  if (!m_pair) return out;
  for (size_t i = 0; i < m_differs.size(); ++i) {
    if (m_differs[i]) out << q(m_pair->columns[i]);
  }
  return out;
}

bool RowPairModel::differs(size_t row) const { return row < m_differs.size() && m_differs[row]; }

int RowPairModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_pair ? 0 : static_cast<int>(m_pair->columns.size());
}

int RowPairModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RowPairModel::data(const QModelIndex& index, int role) const {
  if (!m_pair || !index.isValid() || index.row() >= static_cast<int>(m_pair->columns.size())) return {};
  const auto row = static_cast<size_t>(index.row());
  const int col = index.column();
  const bool sourceSide = col == SourceColumn;
  const bool valueCell = col == SourceColumn || col == TargetColumn;
  const bool absent = valueCell && !(sourceSide ? m_pair->sourceFound : m_pair->targetFound);
  const auto& values = sourceSide ? m_pair->source : m_pair->target;
  const std::optional<std::string> value = valueCell && !absent && row < values.size() ? values[row] : std::nullopt;
  const bool isNull = valueCell && !absent && !value;

  if (role == DiffersRole) return differs(row);
  if (role == AbsentRole) return absent;
  if (role == Qt::BackgroundRole) {
    if (absent) return QBrush(absentColor(), Qt::BDiagPattern);
    if (differs(row)) return QBrush(differsColor());
    return {};
  }
  if (role == Qt::FontRole && (differs(row) || isNull || absent)) {
    QFont f;
    f.setBold(differs(row));
    f.setItalic(isNull || absent);
    return f;
  }
  if (role == Qt::ForegroundRole && (isNull || absent)) return QBrush(QColor(0x75, 0x75, 0x75));
  if (role == Qt::ToolTipRole && value && static_cast<int>(value->size()) > kCellChars) return q(*value);
  if (role != Qt::DisplayRole) return {};
  if (col == NameColumn) return q(m_pair->columns[row]);
  if (absent) return row == 0 ? tr("(no row)") : QString();
  if (isNull) return QStringLiteral("NULL");
  QString text = q(*value);
  if (text.size() > kCellChars) text = text.left(kCellChars) + QChar(0x2026);
  return text;
}

QVariant RowPairModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn: return tr("Column");
    case SourceColumn: return m_pair && !m_pair->sourceFound ? tr("Source (no row)") : tr("Source");
    case TargetColumn: return m_pair && !m_pair->targetFound ? tr("Target (no row)") : tr("Target");
    default: return {};
  }
}

}  // namespace ferry::app
