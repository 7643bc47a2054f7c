#include "app/assessment/schema_map_editor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

/// The placement rules of assess::SchemaPlacement, as the column says them.
QString ruleText(const QString& rule) {
  if (rule == QLatin1String("schema_map")) return SchemaMapEditor::tr("schema map");
  if (rule == QLatin1String("target database")) return SchemaMapEditor::tr("the target URL's database");
  if (rule == QLatin1String("same name")) return SchemaMapEditor::tr("same name");
  return rule;
}

QTableWidgetItem* readOnly(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  return item;
}

}  // namespace

SchemaMapEditor::SchemaMapEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("schemaMapEditor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(10, 8, 10, 8);
  m_intro = new QLabel;
  m_intro->setWordWrap(true);
  layout->addWidget(m_intro);
  m_table = new QTableWidget(0, ColumnCount);
  m_table->setObjectName(QStringLiteral("schemaMapTable"));
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed);
  m_table->setAlternatingRowColors(true);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(24);
  const int widths[] = {220, 70, 220};
  for (int i = 0; i < 3; ++i) m_table->horizontalHeader()->resizeSection(i, widths[i]);
  m_table->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(m_table);
  auto* buttons = new QHBoxLayout;
  m_reset = new QPushButton(tr("Remove from the map"));
  m_reset->setObjectName(QStringLiteral("schemaMapReset"));
  m_reset->setToolTip(tr("Remove the selected schema's entry from the schema map"));
  m_reset->setEnabled(false);
  buttons->addWidget(m_reset);
  m_error = new QLabel;
  m_error->setObjectName(QStringLiteral("schemaMapError"));
  m_error->setStyleSheet(QStringLiteral("color: %1;")
                             .arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name()));
  m_error->hide();
  buttons->addWidget(m_error, 1);
  buttons->addStretch(0);
  layout->addLayout(buttons);
  layout->addSpacing(8);
  m_targetTitle = new QLabel;
  layout->addWidget(m_targetTitle);
  m_targetTable = new QTableWidget(0, 3);
  m_targetTable->setObjectName(QStringLiteral("schemaMapTargets"));
  m_targetTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_targetTable->setSelectionMode(QAbstractItemView::NoSelection);
  m_targetTable->setAlternatingRowColors(true);
  m_targetTable->verticalHeader()->hide();
  m_targetTable->verticalHeader()->setDefaultSectionSize(24);
  m_targetTable->horizontalHeader()->resizeSection(0, 220);
  m_targetTable->horizontalHeader()->resizeSection(1, 70);
  m_targetTable->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(m_targetTable);
  layout->addStretch(1);

  connect(m_table, &QTableWidget::itemChanged, this, &SchemaMapEditor::onItemChanged);
  connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
    const int row = m_table->currentRow();
    const auto* source = row >= 0 ? m_table->item(row, SourceColumn) : nullptr;
    m_reset->setEnabled(source && m_map.count(source->text().toStdString()) && !m_table->selectedItems().isEmpty());
  });
  connect(m_reset, &QPushButton::clicked, this, [this] {
    const int row = m_table->currentRow();
    if (row < 0) return;
    auto map = m_map;
    map.erase(m_table->item(row, SourceColumn)->text().toStdString());
    m_error->hide();
    emit schemaMapEdited(map);
  });
  setTargetEngine(m_target);
}

void SchemaMapEditor::setTargetEngine(model::Engine target) {
  m_target = target;
  const bool database = model::isMySqlFamily(target);
  m_table->setHorizontalHeaderLabels({tr("Source schema"), tr("Tables"),
                                      database ? tr("Target database") : tr("Target schema"), tr("Lands in")});
  m_targetTable->setHorizontalHeaderLabels({database ? tr("Target database") : tr("Target schema"), tr("Tables"),
                                            tr("From source schemas")});
  m_targetTitle->setText(database ? tr("<b>On the target</b> — the databases the DDL creates tables in")
                                  : tr("<b>On the target</b> — the schemas the DDL creates tables in"));
  m_intro->setText(tr("Where each source schema goes on the target%1. Double-click a target name to change it; an "
                      "empty name removes the entry. A schema not in the map keeps its name, or goes to the "
                      "database a MySQL/MariaDB target URL names (grey: where it goes without an entry).")
                       .arg(database ? tr(" (on MySQL/MariaDB a schema is a database)") : QString()));
}

void SchemaMapEditor::setSchemaMap(const std::map<std::string, std::string>& map) {
  m_map = map;
  m_error->hide();
  fill();
}

void SchemaMapEditor::setSourceSchemas(const QList<QPair<QString, int>>& schemas) {
  m_schemas = schemas;
  fill();
}

void SchemaMapEditor::setPlacements(const QHash<QString, Landing>& landings,
                                    const QHash<QString, QMap<QString, int>>& placements, bool evaluated) {
  m_landings = landings;
  m_placements = placements;
  m_evaluated = evaluated;
  fill();
}

void SchemaMapEditor::fitRows(QTableWidget* table, int maxRows) {
  const int rows = qBound(1, table->rowCount(), maxRows);
  const int height = table->horizontalHeader()->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize() +
                     2 * table->frameWidth() + 2;
  table->setFixedHeight(height);
}

void SchemaMapEditor::fillTargets() {
  // Target schema → tables and the source schemas they come from.
  QMap<QString, QPair<int, QStringList>> targets;
  for (auto it = m_placements.begin(); it != m_placements.end(); ++it) {
    for (auto t = it.value().begin(); t != it.value().end(); ++t) {
      auto& entry = targets[t.key()];
      entry.first += t.value();
      entry.second << it.key();
    }
  }
  m_targetTable->setRowCount(static_cast<int>(targets.size()));
  int row = 0;
  for (auto it = targets.begin(); it != targets.end(); ++it, ++row) {
    auto* name = readOnly(it.key());
    QFont f = name->font();
    f.setBold(true);
    name->setFont(f);
    m_targetTable->setItem(row, 0, name);
    auto* count = readOnly(QString::number(it.value().first));
    count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_targetTable->setItem(row, 1, count);
    QStringList sources = it.value().second;
    sources.sort();
    auto* from = readOnly(sources.join(QStringLiteral(", ")));
    if (sources.size() > 1) {
      from->setForeground(widgets::SeverityIcon::color(widgets::SeverityLevel::Review));
      from->setToolTip(tr("Several source schemas share this target: their table names must not clash."));
    }
    m_targetTable->setItem(row, 2, from);
  }
  m_targetTitle->setVisible(m_evaluated);
  m_targetTable->setVisible(m_evaluated);
  fitRows(m_targetTable, 8);
}

int SchemaMapEditor::rowOf(const QString& sourceSchema) const {
  for (int r = 0; r < m_table->rowCount(); ++r)
    if (m_table->item(r, SourceColumn)->text() == sourceSchema) return r;
  return -1;
}

bool SchemaMapEditor::editTarget(const QString& sourceSchema, const QString& target) {
  const int row = rowOf(sourceSchema);
  if (row < 0) return false;
  m_table->item(row, TargetColumn)->setText(target);  // itemChanged: as an edit of the cell
  return true;
}

void SchemaMapEditor::fill() {
  const QSignalBlocker block(m_table);
  const int current = m_table->currentRow();
  // Every schema of the catalog, then map entries for schemas the catalog read does not have.
  QList<QPair<QString, int>> rows = m_schemas;
  for (const auto& [source, target] : m_map) {
    bool known = false;
    for (const auto& s : std::as_const(m_schemas)) known |= s.first == q(source);
    if (!known) rows.append({q(source), -1});
  }
  // Target schema → the source schemas placed there, to warn when several share one.
  QHash<QString, QStringList> sharing;
  for (auto it = m_placements.begin(); it != m_placements.end(); ++it)
    for (auto t = it.value().begin(); t != it.value().end(); ++t) sharing[t.key()] << it.key();
  const QColor dim = palette().color(QPalette::Disabled, QPalette::WindowText);
  m_table->setRowCount(static_cast<int>(rows.size()));
  for (int r = 0; r < m_table->rowCount(); ++r) {
    const QString source = rows[r].first;
    const int tables = rows[r].second;
    m_table->setItem(r, SourceColumn, readOnly(source));
    auto* count = readOnly(tables < 0 ? QString() : QString::number(tables));
    count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->setItem(r, TablesColumn, count);
    const auto mapped = m_map.find(source.toStdString());
    const Landing landing = m_landings.value(source);
    const bool landed = m_evaluated && !landing.target.isEmpty();
    auto* target = new QTableWidgetItem(mapped != m_map.end() ? q(mapped->second) : landed ? landing.target : source);
    target->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable);
    if (mapped == m_map.end()) {
      target->setForeground(dim);
      target->setToolTip(landed && landing.rule == QLatin1String("target database")
                             ? tr("No entry in the schema map: the target URL's database. Double-click to change.")
                             : tr("No entry in the schema map: the same name. Double-click to change."));
    } else {
      QFont f = target->font();
      f.setBold(true);
      target->setFont(f);
      target->setToolTip(tr("Mapped by the project's schema map. Double-click to change."));
    }
    m_table->setItem(r, TargetColumn, target);
    QString placed;
    QColor color;
    if (tables < 0) {
      placed = tr("not in the catalog read: the entry is kept");
      color = dim;
    } else if (!m_evaluated) {
      placed = QStringLiteral("–");
    } else if (m_placements.value(source).isEmpty() && landing.target.isEmpty()) {
      placed = tr("not migrated: no table of it is included");
      color = dim;
    } else if (m_placements.value(source).isEmpty()) {
      placed = tr("%1 — no table (%2)").arg(landing.target, ruleText(landing.rule));
    } else {
      QStringList parts;
      const QMap<QString, int> targets = m_placements.value(source);
      for (auto t = targets.begin(); t != targets.end(); ++t) {
        QStringList others = sharing.value(t.key());
        others.removeAll(source);
        QString part = t.value() == 1 ? tr("%1 — 1 table").arg(t.key()) : tr("%1 — %2 tables").arg(t.key()).arg(t.value());
        if (!others.isEmpty()) part += tr(" (shared with %1)").arg(others.join(QStringLiteral(", ")));
        parts << part;
        if (!others.isEmpty()) color = widgets::SeverityIcon::color(widgets::SeverityLevel::Review);
      }
      placed = parts.join(QStringLiteral(", "));
      if (!landing.rule.isEmpty()) placed += QStringLiteral(" (%1)").arg(ruleText(landing.rule));
    }
    auto* placedItem = readOnly(placed);
    placedItem->setToolTip(placed);
    if (color.isValid()) placedItem->setForeground(color);
    m_table->setItem(r, PlacedColumn, placedItem);
  }
  if (current >= 0 && current < m_table->rowCount()) m_table->selectRow(current);
  const int selected = m_table->selectedItems().isEmpty() ? -1 : m_table->currentRow();
  m_reset->setEnabled(selected >= 0 && m_map.count(m_table->item(selected, SourceColumn)->text().toStdString()));
  fitRows(m_table, 12);
  fillTargets();
}

void SchemaMapEditor::onItemChanged(QTableWidgetItem* item) {
  if (item->column() != TargetColumn) return;
  const QString source = m_table->item(item->row(), SourceColumn)->text();
  const QString target = item->text().trimmed();
  auto map = m_map;
  if (target.isEmpty()) {
    map.erase(source.toStdString());
  } else {
    map[source.toStdString()] = target.toStdString();
  }
  // Queued: the table is rebuilt from the new map, which must not happen inside its own itemChanged.
  QMetaObject::invokeMethod(
      this,
      [this, map] {
        if (map == m_map) {
          fill();  // back to how the entry looks (e.g. an emptied cell shows the source name again)
          return;
        }
        m_error->hide();
        emit schemaMapEdited(map);
      },
      Qt::QueuedConnection);
}

void SchemaMapEditor::showError(const QString& message) {
  m_error->setText(message);
  m_error->show();
  fill();
}

QString SchemaMapEditor::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

}  // namespace ferry::app
