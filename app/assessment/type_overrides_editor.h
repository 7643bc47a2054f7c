#pragma once
/// TypeOverridesEditor: the project's type-pattern overrides — every column
/// whose declared source type matches a glob ("tinyint(1)", "varchar(*)") gets
/// another target type and/or partial mapping options. A list in order (the
/// first matching pattern wins) with the columns each one decides, and a form
/// that previews what a pattern matches as it is typed and offers the options
/// that shaped those columns. Changes are requests (overridesEdited); the page
/// checks, keeps and re-evaluates them.

#include <optional>
#include <vector>

#include <QHash>
#include <QList>
#include <QWidget>

#include "model/catalog.h"
#include "plan/project.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace ferry::app {

/// One declared source type of the evaluation: how many columns have it and
/// which mapping options shaped them.
struct SourceTypeUsage {
  QString type;
  int columns = 0;
  QStringList optionKeys;
};

class TypeOverridesEditor : public QWidget {
  Q_OBJECT
public:
  explicit TypeOverridesEditor(QWidget* parent = nullptr);

  void setOverrides(const std::vector<plan::TypeOverride>& overrides);
  /// The declared source types of the evaluation (empty before a run).
  void setSourceTypes(const QList<SourceTypeUsage>& types);
  /// Columns each pattern decided in the evaluation (a column override or an
  /// earlier pattern takes the others); -1 per pattern when not evaluated yet.
  void setDecided(const QHash<QString, int>& columnsPerPattern, bool evaluated);
  void setTargetEngine(model::Engine target);
  void showError(const QString& message);
  QString errorText() const;

  /// The form (tests drive it as a user would).
  QLineEdit* patternField() const { return m_pattern; }
  QComboBox* targetTypeField() const { return m_targetType; }
  QComboBox* optionField(const QString& key) const;
  QTableWidget* list() const { return m_list; }
  /// The declared source types of the catalog, with the pattern that decides each.
  QTableWidget* typeTable() const { return m_typeTable; }
  /// What the form's pattern matches: "12 columns (tinyint(1))".
  QString previewText() const;

signals:
  void overridesEdited(const std::vector<ferry::plan::TypeOverride>& overrides);

private:
  void fillList();
  void fillTypes();
  void loadSelected();
  void updatePreview();
  void updateButtons();
  /// The override the form describes; nullopt (and the error shown) when incomplete.
  std::optional<plan::TypeOverride> formOverride();
  void edit(std::vector<plan::TypeOverride> overrides, int select);

  std::vector<plan::TypeOverride> m_overrides;
  QList<SourceTypeUsage> m_types;
  QHash<QString, int> m_decided;
  bool m_evaluated = false;
  int m_pendingSelect = -1;

  QTableWidget* m_list = nullptr;
  QPushButton* m_up = nullptr;
  QPushButton* m_down = nullptr;
  QPushButton* m_remove = nullptr;
  QLineEdit* m_pattern = nullptr;
  QLabel* m_preview = nullptr;
  QComboBox* m_targetType = nullptr;
  QFormLayout* m_form = nullptr;
  QLabel* m_noOptions = nullptr;
  QHash<QString, QComboBox*> m_options;
  QPushButton* m_add = nullptr;
  QPushButton* m_update = nullptr;
  QPushButton* m_new = nullptr;
  QLabel* m_error = nullptr;
  QTableWidget* m_typeTable = nullptr;
};

}  // namespace ferry::app
