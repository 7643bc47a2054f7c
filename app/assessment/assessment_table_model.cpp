#include "app/assessment/assessment_table_model.h"

#include <QBrush>
#include <QFont>

#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString codesOf(const assess::ColumnAssessment& c) {
  QStringList codes;
  for (const auto& code : c.mapping.codes()) codes << q(code);
  return codes.join(QStringLiteral(", "));
}

QString findingsToolTip(const assess::ColumnAssessment& c) {
  QString html;
  for (const auto& f : c.mapping.findings) {
    html += QStringLiteral("<p><b>%1</b> (%2): %3<br><i>%4</i></p>")
                .arg(q(f.code), QLatin1String(typemap::severityName(f.severity)), q(f.message).toHtmlEscaped(),
                     q(f.action).toHtmlEscaped());
  }
  return html.isEmpty() ? QObject::tr("Maps exactly: every value round-trips.") : html;
}

}  // namespace

AssessmentTableModel::AssessmentTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void AssessmentTableModel::setEvaluation(std::shared_ptr<const AssessmentEvaluation> evaluation) {
  const bool sameRows = [&] {
    if (!m_eval || !evaluation) return false;
    const auto& a = m_eval->assessment.columns;
    const auto& b = evaluation->assessment.columns;
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i].schema != b[i].schema || a[i].table != b[i].table || a[i].column != b[i].column) return false;
    return true;
  }();
  if (sameRows) {
    m_eval = std::move(evaluation);
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  m_eval = std::move(evaluation);
  endResetModel();
}

const assess::ColumnAssessment* AssessmentTableModel::columnAt(int row) const {
  if (!m_eval || row < 0 || row >= rowCount()) return nullptr;
  return &m_eval->assessment.columns[static_cast<size_t>(row)];
}

int AssessmentTableModel::rowOf(const QString& schema, const QString& table, const QString& column) const {
  if (!m_eval) return -1;
  const auto& cols = m_eval->assessment.columns;
  for (size_t i = 0; i < cols.size(); ++i)
    if (q(cols[i].schema) == schema && q(cols[i].table) == table && q(cols[i].column) == column) return static_cast<int>(i);
  return -1;
}

int AssessmentTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_eval ? 0 : static_cast<int>(m_eval->assessment.columns.size());
}

int AssessmentTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AssessmentTableModel::data(const QModelIndex& index, int role) const {
  const auto* c = columnAt(index.row());
  if (!c) return {};
  const auto level = levelOf(c->mapping.severity);
  switch (role) {
    case SeverityRole: return static_cast<int>(c->mapping.severity);
    case KeyRole: return q(c->schema + "." + c->table + "." + c->column);
    case OverriddenRole: return c->overridden();
    case SortRole:
      if (index.column() == SeverityColumn) return static_cast<int>(c->mapping.severity);
      return data(index, Qt::DisplayRole).toString().toLower();
    default: break;
  }
  switch (index.column()) {
    case SchemaColumn: return role == Qt::DisplayRole ? q(c->schema) : QVariant();
    case TableColumn: return role == Qt::DisplayRole ? q(c->table) : QVariant();
    case NameColumn: return role == Qt::DisplayRole ? q(c->column) : QVariant();
    case SourceTypeColumn: return role == Qt::DisplayRole || role == Qt::ToolTipRole ? q(c->sourceType) : QVariant();
    case TargetTypeColumn:
      if (role == Qt::DisplayRole) return q(c->mapping.targetType);
      if (role == Qt::ToolTipRole)
        return c->overridden() ? tr("Override (%1). Ferry's choice: %2").arg(q(c->overrideSource), q(c->ferryTargetType))
                               : tr("Double-click to override the target type");
      if (role == Qt::FontRole && c->overridden()) {
        QFont f;
        f.setBold(true);
        return f;
      }
      if (role == Qt::BackgroundRole && c->overridden()) return QBrush(QColor(0xe3, 0xee, 0xfb));
      return {};
    case SeverityColumn:
      if (role == Qt::DisplayRole) return QLatin1String(typemap::severityName(c->mapping.severity));
      if (role == Qt::DecorationRole) return widgets::SeverityIcon::icon(level);
      if (role == Qt::ToolTipRole) return findingsToolTip(*c);
      return {};
    case CodesColumn:
      if (role == Qt::DisplayRole || role == Qt::ToolTipRole) return codesOf(*c);
      return {};
    case MessageColumn:
      if (role == Qt::DisplayRole) return q(c->message());
      if (role == Qt::ToolTipRole) return findingsToolTip(*c);
      return {};
    case OverrideColumn:
      if (role == Qt::DisplayRole) return c->overridden() ? QStringLiteral("✎ %1").arg(q(c->overrideSource)) : QString();
      if (role == Qt::ToolTipRole && c->overridden())
        return tr("Set in the project (%1); Ferry would choose %2").arg(q(c->overrideSource), q(c->ferryTargetType));
      if (role == Qt::ForegroundRole && c->overridden()) return QBrush(QColor(0x1f, 0x5f, 0xb4));
      return {};
    default: return {};
  }
}

QVariant AssessmentTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case SchemaColumn: return tr("Schema");
    case TableColumn: return tr("Table");
    case NameColumn: return tr("Column");
    case SourceTypeColumn: return tr("Source type");
    case TargetTypeColumn: return tr("Target type");
    case SeverityColumn: return tr("Severity");
    case CodesColumn: return tr("Codes");
    case MessageColumn: return tr("Message");
    case OverrideColumn: return tr("Override");
    default: return {};
  }
}

AssessmentFilterProxy::AssessmentFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(AssessmentTableModel::SortRole);
}

void AssessmentFilterProxy::setSeverityMask(int mask) {
  m_severities = mask;
  invalidateFilter();
}

void AssessmentFilterProxy::setTableFilter(const QString& table) {
  m_table = table;
  invalidateFilter();
}

void AssessmentFilterProxy::setCodeFilter(const QString& code) {
  m_code = code;
  invalidateFilter();
}

void AssessmentFilterProxy::setSearchText(const QString& text) {
  m_search = text.trimmed();
  invalidateFilter();
}

bool AssessmentFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const auto* m = static_cast<const AssessmentTableModel*>(sourceModel());
  const auto* c = m->columnAt(sourceRow);
  if (!c) return false;
  if ((m_severities & (1 << static_cast<int>(c->mapping.severity))) == 0) return false;
  if (!m_table.isEmpty() && m_table != QString::fromStdString(c->schema + "." + c->table)) return false;
  if (!m_code.isEmpty() && !c->mapping.hasCode(m_code.toStdString())) return false;
  if (m_search.isEmpty()) return true;
  for (int col = 0; col < AssessmentTableModel::ColumnCount; ++col) {
    const QString text = m->index(sourceRow, col, sourceParent).data(Qt::DisplayRole).toString();
    if (text.contains(m_search, Qt::CaseInsensitive)) return true;
  }
  return false;
}

}  // namespace ferry::app
