#pragma once
/// CatalogTreeModel: a model::Catalog as a tree for the schema browser:
/// schema → Tables / Views / Sequences / Types / Routines → table →
/// Columns / Constraints / Indexes / Foreign keys / Triggers → member.
/// Every item carries a CatalogRef so the detail pane can find the object.

#include <memory>

#include <QStandardItemModel>

#include "model/catalog.h"

namespace ferry::app {

enum class CatalogNode {
  Schema, Group, Table, Column, PrimaryKey, Unique, Check, Index, ForeignKey, Trigger, View, Sequence, UserType, Routine
};

/// Where an item's object lives in the catalog: schema index, object index
/// (table, view, …) and member index (column, index, …); -1 when not relevant.
struct CatalogRef {
  CatalogNode kind = CatalogNode::Group;
  int schema = -1;
  int object = -1;
  int member = -1;
};

class CatalogTreeModel : public QStandardItemModel {
  Q_OBJECT
public:
  enum Column { NameColumn = 0, DetailColumn, ColumnCount };

  explicit CatalogTreeModel(QObject* parent = nullptr);

  /// Rebuilds the tree; the model keeps the catalog alive.
  void setCatalog(std::shared_ptr<const model::Catalog> catalog);
  const std::shared_ptr<const model::Catalog>& catalog() const { return m_catalog; }

  /// The reference stored on the Name item of `index`'s row.
  static CatalogRef refOf(const QModelIndex& index);

private:
  std::shared_ptr<const model::Catalog> m_catalog;
};

}  // namespace ferry::app
