#include "app/schema_browser/object_detail_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStringList>
#include <QTableWidget>
#include <QVBoxLayout>

#include "widgets/sql_editor.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString opt(const std::optional<std::string>& s) { return s ? q(*s) : QStringLiteral("—"); }
QString yesNo(bool b) { return b ? QObject::tr("yes") : QObject::tr("no"); }
QString joined(const std::vector<std::string>& v) {
  QStringList l;
  for (const auto& s : v) l << q(s);
  return l.join(QStringLiteral(", "));
}
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

template <typename T>
const T* at(const std::vector<T>& v, int i) {
  return i >= 0 && i < static_cast<int>(v.size()) ? &v[static_cast<size_t>(i)] : nullptr;
}

}  // namespace

ObjectDetailView::ObjectDetailView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  m_kind = new QLabel;
  m_kind->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
  m_title = new QLabel;
  m_title->setObjectName(QStringLiteral("detailTitle"));
  QFont f = m_title->font();
  f.setPointSizeF(f.pointSizeF() * 1.3);
  f.setBold(true);
  m_title->setFont(f);
  m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_props = new QTableWidget(0, 2);
  m_props->setObjectName(QStringLiteral("detailProperties"));
  m_props->setHorizontalHeaderLabels({tr("Property"), tr("Value")});
  m_props->verticalHeader()->hide();
  m_props->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  m_props->horizontalHeader()->setStretchLastSection(true);
  m_props->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_props->setWordWrap(true);
  m_definitionLabel = new QLabel(tr("Definition"));
  m_definition = new widgets::SqlEditor;
  m_definition->setObjectName(QStringLiteral("detailDefinition"));
  m_definition->setReadOnly(true);
  layout->addWidget(m_kind);
  layout->addWidget(m_title);
  layout->addWidget(m_props, 1);
  layout->addWidget(m_definitionLabel);
  layout->addWidget(m_definition, 2);
  clearObject();
}

void ObjectDetailView::clearObject() {
  m_kind->setText(tr("Nothing selected"));
  m_title->setText(tr("Select an object in the tree"));
  m_props->setRowCount(0);
  setDefinition(QString());
}

void ObjectDetailView::setTitle(const QString& kind, const QString& name) {
  m_kind->setText(kind);
  m_title->setText(name);
  m_props->setRowCount(0);
  setDefinition(QString());
}

void ObjectDetailView::add(const QString& name, const QString& value) {
  const int r = m_props->rowCount();
  m_props->insertRow(r);
  m_props->setItem(r, 0, new QTableWidgetItem(name));
  auto* v = new QTableWidgetItem(value.isEmpty() ? QStringLiteral("—") : value);
  v->setToolTip(value);
  m_props->setItem(r, 1, v);
}

void ObjectDetailView::setDefinition(const QString& sql) {
  m_definition->setPlainText(sql);
  m_definition->setVisible(!sql.isEmpty());
  m_definitionLabel->setVisible(!sql.isEmpty());
}

QString ObjectDetailView::property(const QString& name) const {
  for (int r = 0; r < m_props->rowCount(); ++r)
    if (m_props->item(r, 0)->text() == name) return m_props->item(r, 1)->text();
  return {};
}

QString ObjectDetailView::title() const { return m_title->text(); }

void ObjectDetailView::showObject(const model::Catalog& catalog, const CatalogRef& ref) {
  const model::Schema* schema = at(catalog.schemas, ref.schema);
  if (!schema || ref.kind == CatalogNode::Group) {
    clearObject();
    return;
  }
  const model::Table* table = at(schema->tables, ref.object);
  const QString tableName = table ? q(schema->name) + QLatin1Char('.') + q(table->name) : QString();
  switch (ref.kind) {
    case CatalogNode::Schema:
      setTitle(tr("Schema"), q(schema->name));
      add(tr("Owner"), q(schema->owner));
      add(tr("Character set"), q(schema->charset));
      add(tr("Collation"), q(schema->collation));
      add(tr("Tables"), QString::number(schema->tables.size()));
      add(tr("Views"), QString::number(schema->views.size()));
      add(tr("Routines"), QString::number(schema->routines.size()));
      add(tr("Sequences"), QString::number(schema->sequences.size()));
      break;
    case CatalogNode::Table:
      if (!table) break;
      setTitle(tr("Table"), tableName);
      add(tr("Kind"), q(model::tableKindName(table->kind)));
      add(tr("Estimated rows"), table->estimatedRows < 0 ? tr("unknown") : number(table->estimatedRows));
      add(tr("Data size"), QLocale().formattedDataSize(table->dataBytes));
      add(tr("Index size"), QLocale().formattedDataSize(table->indexBytes));
      add(tr("Storage engine"), q(table->storageEngine));
      add(tr("Collation"), q(table->collation));
      add(tr("Primary key"), table->primaryKey ? joined(table->primaryKey->columns) : tr("none"));
      if (auto id = table->rowIdentity(); id && !table->primaryKey) add(tr("Row identity"), joined(*id));
      add(tr("Columns"), QString::number(table->columns.size()));
      if (table->autoIncrement) add(tr("Next AUTO_INCREMENT"), number(*table->autoIncrement));
      if (!table->replicaIdentity.empty()) add(tr("Replica identity"), q(table->replicaIdentity));
      if (table->partitionKey) add(tr("Partitioned by"), q(*table->partitionKey));
      if (table->parentTable) add(tr("Partition of"), q(*table->parentTable) + QLatin1Char(' ') + opt(table->partitionBound));
      if (table->subpartitionKey) add(tr("Sub-partitioned by"), q(*table->subpartitionKey));
      if (!table->partitionDefs.empty()) {
        // MySQL: each partition with its bound ("p2024 < '2025-01-01'", "europe in 1,2,3").
        const bool range = table->partitionKey && table->partitionKey->rfind("RANGE", 0) == 0;
        QStringList parts;
        for (const auto& p : table->partitionDefs) {
          QString s = q(p.name);
          if (p.description) s += (range ? QStringLiteral(" < ") : QStringLiteral(" in ")) + q(*p.description);
          if (!p.subpartitions.empty()) s += tr(" (%1 subpartitions)").arg(p.subpartitions.size());
          parts << s;
        }
        add(tr("Partitions"), parts.join(QStringLiteral("; ")));
      } else if (!table->partitions.empty()) {
        add(tr("Partitions"), joined(table->partitions));
      }
      add(tr("Comment"), opt(table->comment));
      break;
    case CatalogNode::Column: {
      const model::Column* c = table ? at(table->columns, ref.member) : nullptr;
      if (!c) break;
      setTitle(tr("Column of %1").arg(tableName), q(c->name));
      add(tr("Declared type"), q(c->type.declared));
      add(tr("Base type"), q(c->type.base));
      add(tr("Nullable"), yesNo(c->nullable));
      add(tr("Default"), opt(c->defaultExpr));
      if (c->onUpdate) add(tr("On update"), q(*c->onUpdate));
      add(tr("Identity"), q(model::identityName(c->identity)));
      add(tr("Generated"), c->generated == model::Generated::None
                               ? q(model::generatedName(c->generated))
                               : q(model::generatedName(c->generated)) + QStringLiteral(": ") + opt(c->generatedExpr));
      add(tr("Collation"), c->type.collation.empty() ? tr("(table default)") : q(c->type.collation));
      if (!c->type.charset.empty()) add(tr("Character set"), q(c->type.charset));
      if (!c->type.values.empty()) add(tr("Values"), joined(c->type.values));
      add(tr("Position"), QString::number(c->ordinal));
      add(tr("Comment"), opt(c->comment));
      break;
    }
    case CatalogNode::PrimaryKey:
      if (!table || !table->primaryKey) break;
      setTitle(tr("Primary key of %1").arg(tableName), q(table->primaryKey->name));
      add(tr("Columns"), joined(table->primaryKey->columns));
      break;
    case CatalogNode::Unique: {
      const auto* u = table ? at(table->uniques, ref.member) : nullptr;
      if (!u) break;
      setTitle(tr("Unique constraint of %1").arg(tableName), q(u->name));
      add(tr("Columns"), joined(u->columns));
      add(tr("Nulls not distinct"), yesNo(u->nullsNotDistinct));
      add(tr("Deferrable"), yesNo(u->deferrable));
      break;
    }
    case CatalogNode::Check: {
      const auto* c = table ? at(table->checks, ref.member) : nullptr;
      if (!c) break;
      setTitle(tr("Check constraint of %1").arg(tableName), q(c->name));
      add(tr("Validated"), yesNo(c->validated));
      setDefinition(q(c->expression));
      break;
    }
    case CatalogNode::Index: {
      const auto* x = table ? at(table->indexes, ref.member) : nullptr;
      if (!x) break;
      setTitle(tr("Index of %1").arg(tableName), q(x->name));
      add(tr("Method"), q(x->method));
      add(tr("Unique"), yesNo(x->unique));
      add(tr("Primary"), yesNo(x->primary));
      QStringList keys;
      for (const auto& k : x->keys) {
        QString s = k.column ? q(*k.column) : QLatin1Char('(') + q(k.expression.value_or("")) + QLatin1Char(')');
        if (k.prefixLength) s += QStringLiteral("(%1)").arg(*k.prefixLength);
        if (k.opclass) s += QLatin1Char(' ') + q(*k.opclass);
        if (k.descending) s += QStringLiteral(" DESC");
        keys << s;
      }
      add(tr("Keys"), keys.join(QStringLiteral(", ")));
      if (!x->include.empty()) add(tr("Include"), joined(x->include));
      add(tr("Predicate"), opt(x->predicate));
      add(tr("Visible"), yesNo(x->visible));
      add(tr("Comment"), opt(x->comment));
      if (x->definition) setDefinition(q(*x->definition));
      break;
    }
    case CatalogNode::ForeignKey: {
      const auto* f = table ? at(table->foreignKeys, ref.member) : nullptr;
      if (!f) break;
      setTitle(tr("Foreign key of %1").arg(tableName), q(f->name));
      add(tr("Columns"), joined(f->columns));
      add(tr("References"), QStringLiteral("%1.%2 (%3)").arg(q(f->refSchema), q(f->refTable), joined(f->refColumns)));
      add(tr("On delete"), q(f->onDelete));
      add(tr("On update"), q(f->onUpdate));
      add(tr("Match"), q(f->match));
      add(tr("Deferrable"), f->deferrable ? (f->initiallyDeferred ? tr("initially deferred") : tr("yes")) : tr("no"));
      add(tr("Validated"), yesNo(f->validated));
      break;
    }
    case CatalogNode::Trigger: {
      const auto* g = table ? at(table->triggers, ref.member) : nullptr;
      if (!g) break;
      setTitle(tr("Trigger on %1").arg(tableName), q(g->name));
      add(tr("Timing"), q(g->timing));
      add(tr("Events"), joined(g->events));
      add(tr("Level"), q(g->level));
      add(tr("Enabled"), yesNo(g->enabled));
      setDefinition(q(g->definition));
      break;
    }
    case CatalogNode::View: {
      const auto* v = at(schema->views, ref.object);
      if (!v) break;
      setTitle(v->materialized ? tr("Materialized view") : tr("View"), q(schema->name) + QLatin1Char('.') + q(v->name));
      add(tr("Check option"), opt(v->checkOption));
      add(tr("Comment"), opt(v->comment));
      setDefinition(q(v->definition));
      break;
    }
    case CatalogNode::Sequence: {
      const auto* x = at(schema->sequences, ref.object);
      if (!x) break;
      setTitle(tr("Sequence"), q(schema->name) + QLatin1Char('.') + q(x->name));
      add(tr("Data type"), q(x->dataType));
      add(tr("Start"), number(x->start));
      add(tr("Increment"), number(x->increment));
      add(tr("Min / max"), number(x->minValue) + QStringLiteral(" / ") + number(x->maxValue));
      add(tr("Cache"), number(x->cache));
      add(tr("Cycle"), yesNo(x->cycle));
      add(tr("Last value"), x->lastValue ? number(*x->lastValue) : tr("never used"));
      add(tr("Owned by"), opt(x->ownedBy));
      break;
    }
    case CatalogNode::UserType: {
      const auto* x = at(schema->types, ref.object);
      if (!x) break;
      setTitle(tr("Type (%1)").arg(q(model::userTypeKindName(x->kind))), q(schema->name) + QLatin1Char('.') + q(x->name));
      if (!x->labels.empty()) add(tr("Labels"), joined(x->labels));
      if (!x->baseType.empty()) add(tr("Base type"), q(x->baseType));
      if (x->kind == model::UserTypeKind::Domain) {
        add(tr("Not null"), yesNo(x->notNull));
        add(tr("Default"), opt(x->defaultExpr));
      }
      for (const auto& c : x->checks) add(tr("Check %1").arg(q(c.name)), q(c.expression));
      if (!x->attributes.empty()) add(tr("Attributes"), joined(x->attributes));
      break;
    }
    case CatalogNode::Routine: {
      const auto* x = at(schema->routines, ref.object);
      if (!x) break;
      setTitle(tr("Routine (%1)").arg(q(model::routineKindName(x->kind))), q(schema->name) + QLatin1Char('.') + q(x->name));
      add(tr("Arguments"), q(x->arguments));
      add(tr("Returns"), q(x->returnType));
      add(tr("Language"), q(x->language));
      add(tr("Deterministic"), yesNo(x->deterministic));
      setDefinition(q(x->definition));
      break;
    }
    case CatalogNode::Group:
      break;
  }
  m_props->resizeRowsToContents();
}

}  // namespace ferry::app
