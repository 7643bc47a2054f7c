#pragma once
/// ObjectDetailView: the schema browser's right-hand pane. Shows the selected
/// catalog object's properties as a two-column table and, for views, routines
/// and triggers (and PostgreSQL index definitions), its source text in a
/// read-only SqlEditor.

#include <QWidget>

#include "app/schema_browser/catalog_tree_model.h"

class QLabel;
class QTableWidget;

namespace ferry::widgets {
class SqlEditor;
}

namespace ferry::app {

class ObjectDetailView : public QWidget {
  Q_OBJECT
public:
  explicit ObjectDetailView(QWidget* parent = nullptr);

  /// Shows the object `ref` points to in `catalog`; clears the pane for groups.
  void showObject(const model::Catalog& catalog, const CatalogRef& ref);
  void clearObject();

  /// The value shown for property `name` ("Declared type"), for tests.
  QString property(const QString& name) const;
  QString title() const;

private:
  void setTitle(const QString& kind, const QString& name);
  void add(const QString& name, const QString& value);
  void setDefinition(const QString& sql);

  QLabel* m_kind = nullptr;
  QLabel* m_title = nullptr;
  QTableWidget* m_props = nullptr;
  QLabel* m_definitionLabel = nullptr;
  widgets::SqlEditor* m_definition = nullptr;
};

}  // namespace ferry::app
