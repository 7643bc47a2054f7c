#pragma once
/// SchemaMapEditor: the project's schema map — for every source schema of the
/// catalog read (a MySQL/MariaDB database is a schema here), the target schema
/// (or, on a MySQL/MariaDB target, database) it goes to; unlisted schemas keep
/// their name, or go where the engine's placement rule sends them (a MySQL/MariaDB
/// target URL's database). Beside each row, where the evaluation placed it and
/// by which rule. Edits are made
/// in the table's target column and are requests (schemaMapEdited); the page
/// keeps them and re-evaluates.

#include <map>
#include <string>

#include <QHash>
#include <QList>
#include <QMap>
#include <QPair>
#include <QWidget>

#include "model/catalog.h"

class QLabel;
class QPushButton;
class QTableWidget;
class QTableWidgetItem;

namespace ferry::app {

class SchemaMapEditor : public QWidget {
  Q_OBJECT
public:
  enum Column { SourceColumn, TablesColumn, TargetColumn, PlacedColumn, ColumnCount };

  explicit SchemaMapEditor(QWidget* parent = nullptr);

  void setSchemaMap(const std::map<std::string, std::string>& map);
  /// The catalog's source schemas with their table counts, in catalog order; empty before a run.
  void setSourceSchemas(const QList<QPair<QString, int>>& schemas);
  /// Where each source schema lands in the evaluation (assess::SchemaPlacement:
  /// target schema and rule) and its tables there (target schema → tables).
  struct Landing {
    QString target;
    QString rule;  ///< "schema_map", "target database", "same name"
  };
  void setPlacements(const QHash<QString, Landing>& landings, const QHash<QString, QMap<QString, int>>& tables,
                     bool evaluated);
  void setTargetEngine(model::Engine target);
  void showError(const QString& message);
  QString errorText() const;

  QTableWidget* table() const { return m_table; }
  /// The target side: every target schema the evaluation writes to.
  QTableWidget* targetTable() const { return m_targetTable; }
  /// The row of a source schema, -1 when absent.
  int rowOf(const QString& sourceSchema) const;
  /// Types a target name into a schema's row, as a user editing the cell would.
  bool editTarget(const QString& sourceSchema, const QString& target);

signals:
  void schemaMapEdited(const std::map<std::string, std::string>& map);

private:
  void fill();
  void fillTargets();
  /// Shows all rows of `table` up to `maxRows`, so a short list leaves no empty frame.
  static void fitRows(QTableWidget* table, int maxRows);
  void onItemChanged(QTableWidgetItem* item);

  std::map<std::string, std::string> m_map;
  QList<QPair<QString, int>> m_schemas;
  QHash<QString, Landing> m_landings;
  QHash<QString, QMap<QString, int>> m_placements;
  bool m_evaluated = false;
  model::Engine m_target = model::Engine::PostgreSQL;

  QLabel* m_intro = nullptr;
  QTableWidget* m_table = nullptr;
  QPushButton* m_reset = nullptr;
  QLabel* m_targetTitle = nullptr;
  QTableWidget* m_targetTable = nullptr;
  QLabel* m_error = nullptr;
};

}  // namespace ferry::app
