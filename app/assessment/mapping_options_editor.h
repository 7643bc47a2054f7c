#pragma once
/// MappingOptionsEditor: every project-wide mapping option (typemap::optionInfos:
/// key, accepted values, default, description), the options of the current
/// engine pair first and emphasised, the others dimmed but editable. Each row
/// shows whether the project changes the default and how many columns the
/// option shaped. A change is a request (optionEdited): the page checks it with
/// the engine, keeps it and re-evaluates; a refused value stays in its field,
/// marked, with the engine's error above the rows.

#include <QHash>
#include <QMap>
#include <QWidget>

#include <nlohmann/json.hpp>

#include "model/catalog.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace ferry::app {

class MappingOptionsEditor : public QWidget {
  Q_OBJECT
public:
  explicit MappingOptionsEditor(QWidget* parent = nullptr);

  /// The migration's engines: their pair's options come first, emphasised.
  void setEngines(model::Engine source, model::Engine target);
  /// Shows the project's options (a key it does not set shows its default)
  /// and clears a shown error.
  void setOptions(const nlohmann::json& projectOptions);
  /// Columns per option key of the current evaluation ("shaped by").
  void setUsage(const QHash<QString, int>& columnsPerKey);
  /// Marks `key`'s field and shows the engine's `message` (with those of
  /// other fields still refused), until setOptions shows the project again.
  void showError(const QString& key, const QString& message);
  QString errorText() const;

  /// The field of one option (tests): a QComboBox, QLineEdit or QSpinBox.
  QWidget* field(const QString& key) const;
  /// Number of options the project sets to something else than the default.
  int changedCount() const;

signals:
  /// The user chose `value` for `key` (a string, bool or integer as in the project file).
  void optionEdited(const QString& key, const nlohmann::json& value);

private:
  struct Row {
    QString key;
    QWidget* field = nullptr;
    QComboBox* combo = nullptr;
    QLineEdit* line = nullptr;
    QSpinBox* spin = nullptr;
    QLabel* name = nullptr;
    QLabel* state = nullptr;
    QLabel* usage = nullptr;
    QLabel* description = nullptr;
    QToolButton* reset = nullptr;
    nlohmann::json defaultValue;
    nlohmann::json value;
  };
  void buildRows();
  void emitEdit(Row& row, const nlohmann::json& value);
  void showValue(Row& row);
  void updateEmphasis();
  QWidget* section(int pair);

  QLabel* m_intro = nullptr;
  QLabel* m_error = nullptr;
  QVBoxLayout* m_sections = nullptr;
  QWidget* m_sectionWidgets[2] = {nullptr, nullptr};
  QLabel* m_sectionTitles[2] = {nullptr, nullptr};
  QHash<QString, Row*> m_rows;
  std::vector<std::unique_ptr<Row>> m_rowStore;
  model::Engine m_source = model::Engine::MySQL;
  model::Engine m_target = model::Engine::PostgreSQL;
  QMap<QString, QString> m_errors;  ///< refused values: key → the engine's message
  bool m_filling = false;  ///< setOptions in progress: field signals are not edits
};

}  // namespace ferry::app
