#include "app/schema_browser/catalog_tree_model.h"

#include <QLocale>
#include <QStringList>

namespace ferry::app {

namespace {

constexpr int kKindRole = Qt::UserRole + 1;
constexpr int kSchemaRole = Qt::UserRole + 2;
constexpr int kObjectRole = Qt::UserRole + 3;
constexpr int kMemberRole = Qt::UserRole + 4;

QString q(const std::string& s) { return QString::fromStdString(s); }

QString joined(const std::vector<std::string>& v) {
  QStringList l;
  for (const auto& s : v) l << q(s);
  return l.join(QStringLiteral(", "));
}

QList<QStandardItem*> row(const QString& name, const QString& detail, CatalogRef ref) {
  auto* n = new QStandardItem(name);
  n->setEditable(false);
  n->setData(static_cast<int>(ref.kind), kKindRole);
  n->setData(ref.schema, kSchemaRole);
  n->setData(ref.object, kObjectRole);
  n->setData(ref.member, kMemberRole);
  n->setToolTip(detail.isEmpty() ? name : name + QStringLiteral(" — ") + detail);
  auto* d = new QStandardItem(detail);
  d->setEditable(false);
  if (ref.kind == CatalogNode::Group || ref.kind == CatalogNode::Schema) {
    QFont f = n->font();
    f.setBold(true);
    n->setFont(f);
  }
  return {n, d};
}

QStandardItem* group(QStandardItem* parent, const QString& title, int count, int schema, int object = -1) {
  auto items = row(QStringLiteral("%1 (%2)").arg(title).arg(count), QString(), {CatalogNode::Group, schema, object, -1});
  parent->appendRow(items);
  return items.first();
}

QString rowsText(std::int64_t estimate) {
  if (estimate < 0) return QObject::tr("rows unknown");
  return QObject::tr("≈ %1 rows").arg(QLocale().toString(static_cast<qlonglong>(estimate)));
}

void addTable(QStandardItem* parent, const model::Table& t, int s, int ti) {
  QString detail = rowsText(t.estimatedRows);
  if (!t.storageEngine.empty()) detail += QStringLiteral(" · ") + q(t.storageEngine);
  if (t.kind != model::TableKind::Table) detail += QStringLiteral(" · ") + q(model::tableKindName(t.kind));
  auto items = row(q(t.name), detail, {CatalogNode::Table, s, ti, -1});
  parent->appendRow(items);
  QStandardItem* item = items.first();

  QStandardItem* cols = group(item, QObject::tr("Columns"), static_cast<int>(t.columns.size()), s, ti);
  for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
    const auto& c = t.columns[static_cast<size_t>(i)];
    QString d = q(c.type.declared);
    if (!c.nullable) d += QStringLiteral(" NOT NULL");
    if (c.identity != model::Identity::None) d += QStringLiteral(" · ") + q(model::identityName(c.identity));
    cols->appendRow(row(q(c.name), d, {CatalogNode::Column, s, ti, i}));
  }

  const int nCons = (t.primaryKey ? 1 : 0) + static_cast<int>(t.uniques.size() + t.checks.size());
  QStandardItem* cons = group(item, QObject::tr("Constraints"), nCons, s, ti);
  if (t.primaryKey)
    cons->appendRow(row(q(t.primaryKey->name.empty() ? std::string("PRIMARY") : t.primaryKey->name),
                        QObject::tr("primary key (%1)").arg(joined(t.primaryKey->columns)), {CatalogNode::PrimaryKey, s, ti, 0}));
  for (int i = 0; i < static_cast<int>(t.uniques.size()); ++i) {
    const auto& u = t.uniques[static_cast<size_t>(i)];
    cons->appendRow(row(q(u.name), QObject::tr("unique (%1)").arg(joined(u.columns)), {CatalogNode::Unique, s, ti, i}));
  }
  for (int i = 0; i < static_cast<int>(t.checks.size()); ++i) {
    const auto& c = t.checks[static_cast<size_t>(i)];
    cons->appendRow(row(q(c.name), QObject::tr("check %1").arg(q(c.expression)), {CatalogNode::Check, s, ti, i}));
  }

  QStandardItem* idx = group(item, QObject::tr("Indexes"), static_cast<int>(t.indexes.size()), s, ti);
  for (int i = 0; i < static_cast<int>(t.indexes.size()); ++i) {
    const auto& x = t.indexes[static_cast<size_t>(i)];
    QStringList keys;
    for (const auto& k : x.keys) keys << q(k.column ? *k.column : k.expression.value_or("?"));
    QString d = q(x.method) + QStringLiteral(" (") + keys.join(QStringLiteral(", ")) + QLatin1Char(')');
    if (x.primary) d = QStringLiteral("primary · ") + d;
    else if (x.unique) d = QStringLiteral("unique · ") + d;
    idx->appendRow(row(q(x.name), d, {CatalogNode::Index, s, ti, i}));
  }

  QStandardItem* fks = group(item, QObject::tr("Foreign keys"), static_cast<int>(t.foreignKeys.size()), s, ti);
  for (int i = 0; i < static_cast<int>(t.foreignKeys.size()); ++i) {
    const auto& f = t.foreignKeys[static_cast<size_t>(i)];
    fks->appendRow(row(q(f.name), QStringLiteral("(%1) → %2.%3").arg(joined(f.columns), q(f.refSchema), q(f.refTable)),
                       {CatalogNode::ForeignKey, s, ti, i}));
  }

  QStandardItem* trg = group(item, QObject::tr("Triggers"), static_cast<int>(t.triggers.size()), s, ti);
  for (int i = 0; i < static_cast<int>(t.triggers.size()); ++i) {
    const auto& g = t.triggers[static_cast<size_t>(i)];
    QStringList ev;
    for (const auto& e : g.events) ev << q(e);
    trg->appendRow(row(q(g.name), q(g.timing) + QLatin1Char(' ') + ev.join(QStringLiteral(" OR ")), {CatalogNode::Trigger, s, ti, i}));
  }
}

}  // namespace

CatalogTreeModel::CatalogTreeModel(QObject* parent) : QStandardItemModel(0, ColumnCount, parent) {
  setHorizontalHeaderLabels({tr("Name"), tr("Details")});
}

void CatalogTreeModel::setCatalog(std::shared_ptr<const model::Catalog> catalog) {
  removeRows(0, rowCount());
  m_catalog = std::move(catalog);
  if (!m_catalog) return;
  QStandardItem* root = invisibleRootItem();
  for (int s = 0; s < static_cast<int>(m_catalog->schemas.size()); ++s) {
    const auto& sc = m_catalog->schemas[static_cast<size_t>(s)];
    auto items = row(q(sc.name), sc.tables.size() == 1 ? tr("1 table") : tr("%1 tables").arg(sc.tables.size()), {CatalogNode::Schema, s, -1, -1});
    root->appendRow(items);
    QStandardItem* schema = items.first();

    QStandardItem* tables = group(schema, tr("Tables"), static_cast<int>(sc.tables.size()), s);
    for (int t = 0; t < static_cast<int>(sc.tables.size()); ++t) addTable(tables, sc.tables[static_cast<size_t>(t)], s, t);

    if (!sc.views.empty()) {
      QStandardItem* views = group(schema, tr("Views"), static_cast<int>(sc.views.size()), s);
      for (int i = 0; i < static_cast<int>(sc.views.size()); ++i) {
        const auto& v = sc.views[static_cast<size_t>(i)];
        views->appendRow(row(q(v.name), v.materialized ? tr("materialized view") : tr("view"), {CatalogNode::View, s, i, -1}));
      }
    }
    if (!sc.sequences.empty()) {
      QStandardItem* seqs = group(schema, tr("Sequences"), static_cast<int>(sc.sequences.size()), s);
      for (int i = 0; i < static_cast<int>(sc.sequences.size()); ++i) {
        const auto& x = sc.sequences[static_cast<size_t>(i)];
        seqs->appendRow(row(q(x.name), q(x.dataType) + (x.ownedBy ? tr(" · owned by %1").arg(q(*x.ownedBy)) : QString()),
                            {CatalogNode::Sequence, s, i, -1}));
      }
    }
    if (!sc.types.empty()) {
      QStandardItem* types = group(schema, tr("Types"), static_cast<int>(sc.types.size()), s);
      for (int i = 0; i < static_cast<int>(sc.types.size()); ++i) {
        const auto& x = sc.types[static_cast<size_t>(i)];
        types->appendRow(row(q(x.name), q(model::userTypeKindName(x.kind)), {CatalogNode::UserType, s, i, -1}));
      }
    }
    if (!sc.routines.empty()) {
      QStandardItem* routines = group(schema, tr("Routines"), static_cast<int>(sc.routines.size()), s);
      for (int i = 0; i < static_cast<int>(sc.routines.size()); ++i) {
        const auto& x = sc.routines[static_cast<size_t>(i)];
        QString d = q(model::routineKindName(x.kind)) + QStringLiteral(" (") + q(x.arguments) + QLatin1Char(')');
        if (!x.returnType.empty()) d += QStringLiteral(" → ") + q(x.returnType);
        routines->appendRow(row(q(x.name), d, {CatalogNode::Routine, s, i, -1}));
      }
    }
  }
}

CatalogRef CatalogTreeModel::refOf(const QModelIndex& index) {
  const QModelIndex n = index.siblingAtColumn(NameColumn);
  if (!n.isValid()) return {};
  return {static_cast<CatalogNode>(n.data(kKindRole).toInt()), n.data(kSchemaRole).toInt(), n.data(kObjectRole).toInt(),
          n.data(kMemberRole).toInt()};
}

}  // namespace ferry::app
