#include "app/assessment/assessment_views.h"

#include <map>

#include <QHeaderView>
#include <QStandardItemModel>
#include <QTableWidget>

#include "widgets/severity_icon.h"

namespace ferry::app::assessment_views {

namespace {

using typemap::Severity;

QString q(const std::string& s) { return QString::fromStdString(s); }

/// One tree row: name, type, severity (icon on the name and the severity cell).
QList<QStandardItem*> treeRow(const QString& name, const QString& type, Severity severity, const QString& key) {
  auto* n = new QStandardItem(widgets::SeverityIcon::icon(levelOf(severity)), name);
  n->setData(key, kKeyRole);
  auto* t = new QStandardItem(type);
  auto* s = new QStandardItem(QLatin1String(typemap::severityName(severity)));
  s->setForeground(widgets::SeverityIcon::color(levelOf(severity)));
  for (auto* item : {n, t, s}) {
    item->setEditable(false);
    item->setToolTip(type.isEmpty() ? name : name + QStringLiteral(" — ") + type);
  }
  return {n, t, s};
}

/// Sorts by the engine severity (UserRole), not by its name.
class SeverityItem : public QTableWidgetItem {
public:
  using QTableWidgetItem::QTableWidgetItem;
  bool operator<(const QTableWidgetItem& other) const override {
    return data(Qt::UserRole).toInt() < other.data(Qt::UserRole).toInt();
  }
};

void setSeverity(QStandardItem* nameItem, Severity severity) {
  nameItem->setIcon(widgets::SeverityIcon::icon(levelOf(severity)));
  QStandardItem* parentRow = nameItem->parent() ? nameItem->parent() : nameItem->model()->invisibleRootItem();
  QStandardItem* s = parentRow->child(nameItem->row(), TreeSeverity);
  s->setText(QLatin1String(typemap::severityName(severity)));
  s->setForeground(widgets::SeverityIcon::color(levelOf(severity)));
}

void setHeaders(QStandardItemModel* model, const QString& typeTitle) {
  model->clear();
  model->setColumnCount(TreeColumnCount);
  model->setHorizontalHeaderLabels({QObject::tr("Name"), typeTitle, QObject::tr("Severity")});
}

struct Names {
  std::string schema, table, column, type;
};

/// Builds schema → table → column under `model`, with `names` choosing source
/// or target names; returns the table items by source "schema.table".
template <typename NameFn>
std::map<std::string, QStandardItem*> buildColumns(QStandardItemModel* model, const assess::Assessment& a, NameFn names,
                                                   std::map<std::string, QStandardItem*>& schemas,
                                                   std::map<std::string, Severity>& worst) {
  std::map<std::string, QStandardItem*> tables;
  for (const auto& c : a.columns) {
    const Names n = names(c);
    auto& schemaItem = schemas[c.schema];
    if (!schemaItem) {
      auto row = treeRow(q(n.schema), QObject::tr("schema"), Severity::Exact, q(c.schema));
      model->appendRow(row);
      schemaItem = row.first();
    }
    const std::string tableKey = c.schema + "." + c.table;
    auto& tableItem = tables[tableKey];
    if (!tableItem) {
      auto row = treeRow(q(n.table), QObject::tr("table"), Severity::Exact, q(tableKey));
      schemaItem->appendRow(row);
      tableItem = row.first();
    }
    tableItem->appendRow(treeRow(q(n.column), q(n.type), c.mapping.severity, q(tableKey + "." + c.column)));
    worst[tableKey] = typemap::worse(worst[tableKey], c.mapping.severity);
    worst[c.schema] = typemap::worse(worst[c.schema], c.mapping.severity);
  }
  return tables;
}

void finishSeverities(std::map<std::string, QStandardItem*>& items, std::map<std::string, Severity>& worst) {
  for (auto& [key, item] : items) setSeverity(item, worst[key]);
}

}  // namespace

void fillSourceTree(QStandardItemModel* model, const assess::Assessment& a) {
  setHeaders(model, QObject::tr("Source type"));
  std::map<std::string, QStandardItem*> schemas;
  std::map<std::string, Severity> worst;
  auto tables = buildColumns(model, a, [](const assess::ColumnAssessment& c) {
    return Names{c.schema, c.table, c.column, c.sourceType};
  }, schemas, worst);
  for (const auto& o : a.objects) {
    const std::string tableKey = o.schema + "." + o.table;
    QStandardItem* parent = nullptr;
    if (!o.table.empty() && tables.count(tableKey)) {
      parent = tables[tableKey];
      worst[tableKey] = typemap::worse(worst[tableKey], o.finding.severity);
    } else if (schemas.count(o.schema)) {
      parent = schemas[o.schema];
    } else {
      continue;
    }
    worst[o.schema] = typemap::worse(worst[o.schema], o.finding.severity);
    auto row = treeRow(q(o.name), q(o.kind), o.finding.severity, q(tableKey + "#" + o.kind + ":" + o.name));
    row.first()->setToolTip(q(o.finding.code + ": " + o.finding.message));
    QFont f = row.first()->font();
    f.setItalic(true);
    row.first()->setFont(f);
    parent->appendRow(row);
  }
  finishSeverities(tables, worst);
  finishSeverities(schemas, worst);
}

void fillTargetTree(QStandardItemModel* model, const assess::Assessment& a) {
  setHeaders(model, QObject::tr("Target type"));
  std::map<std::string, QStandardItem*> schemas;
  std::map<std::string, Severity> worst;
  auto tables = buildColumns(model, a, [](const assess::ColumnAssessment& c) {
    return Names{c.targetSchema, c.targetTable, c.targetColumn, c.mapping.targetType};
  }, schemas, worst);
  // Table-level findings (triggers, indexes, keys) concern the target table too.
  for (const auto& o : a.objects) {
    const std::string tableKey = o.schema + "." + o.table;
    if (!o.table.empty() && tables.count(tableKey)) worst[tableKey] = typemap::worse(worst[tableKey], o.finding.severity);
  }
  finishSeverities(tables, worst);
  finishSeverities(schemas, worst);
}

void fillObjectFindings(QTableWidget* table, const assess::Assessment& a) {
  table->setSortingEnabled(false);
  table->clearContents();
  table->setRowCount(static_cast<int>(a.objects.size()));
  int row = 0;
  for (const auto& o : a.objects) {
    const auto level = levelOf(o.finding.severity);
    auto* sev = new SeverityItem(widgets::SeverityIcon::icon(level), QLatin1String(typemap::severityName(o.finding.severity)));
    sev->setData(Qt::UserRole, static_cast<int>(o.finding.severity));
    QString object = q(o.schema);
    if (!o.table.empty()) object += QLatin1Char('.') + q(o.table);
    if (!o.name.empty() && o.name != o.table) object += QStringLiteral(" · ") + q(o.name);
    const QStringList cells = {q(o.kind), object, q(o.finding.code), q(o.finding.message), q(o.finding.action)};
    table->setItem(row, 0, sev);
    for (int i = 0; i < cells.size(); ++i) {
      auto* item = new QTableWidgetItem(cells[i]);
      item->setToolTip(cells[i]);
      table->setItem(row, i + 1, item);
    }
    ++row;
  }
  table->setSortingEnabled(true);
}

void fillDiff(QTableWidget* table, const assess::SchemaDiff& diff) {
  table->setSortingEnabled(false);
  table->clearContents();
  table->setRowCount(static_cast<int>(diff.entries.size()));
  int row = 0;
  for (const auto& e : diff.entries) {
    auto* kind = new QTableWidgetItem(QLatin1String(assess::diffKindName(e.kind)));
    switch (e.kind) {
      case assess::DiffKind::Added: kind->setForeground(widgets::SeverityIcon::color(widgets::SeverityLevel::Exact)); break;
      case assess::DiffKind::Changed: kind->setForeground(widgets::SeverityIcon::color(widgets::SeverityLevel::Review)); break;
      case assess::DiffKind::Missing: kind->setForeground(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported)); break;
    }
    QFont f = kind->font();
    f.setBold(true);
    kind->setFont(f);
    QString object = q(e.schema);
    if (!e.table.empty()) object += QLatin1Char('.') + q(e.table);
    if (!e.name.empty() && e.name != e.table && e.name != e.schema) object += QLatin1Char('.') + q(e.name);
    QStringList details;
    for (const auto& d : e.details) details << q(d);
    table->setItem(row, 0, kind);
    table->setItem(row, 1, new QTableWidgetItem(q(e.objectType)));
    table->setItem(row, 2, new QTableWidgetItem(object));
    auto* detail = new QTableWidgetItem(details.join(QStringLiteral("; ")));
    detail->setToolTip(e.ddl.empty() ? details.join(QLatin1Char('\n')) : q(e.ddl));
    table->setItem(row, 3, detail);
    ++row;
  }
  table->setSortingEnabled(true);
}

}  // namespace ferry::app::assessment_views
