#pragma once
/// TableRulesEditor: the project's table rules — include, exclude or rename
/// the source tables matching "schema.table" (a glob for include/exclude, the
/// exact name for a rename). Rules apply in order and the last matching
/// include/exclude wins, so the list can be reordered. Beside it, what the
/// rules make of every source table of the catalog read: excluded (greyed),
/// renamed or kept, and by which rule. Changes are requests (rulesEdited); the
/// page checks, keeps and re-evaluates them.

#include <string>
#include <utility>
#include <vector>

#include <QWidget>

#include "plan/project.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace ferry::app {

class TableRulesEditor : public QWidget {
  Q_OBJECT
public:
  enum class Action { Exclude, Include, Rename };

  explicit TableRulesEditor(QWidget* parent = nullptr);

  void setRules(const std::vector<plan::TableRule>& rules);
  /// The source tables of the catalog read (schema, table); empty before a run.
  void setTables(std::vector<std::pair<std::string, std::string>> tables);
  void showError(const QString& message);
  QString errorText() const;

  /// The form and views (tests drive them as a user would).
  QLineEdit* patternField() const { return m_pattern; }
  QComboBox* actionField() const { return m_action; }
  QLineEdit* renameField() const { return m_rename; }
  QTableWidget* list() const { return m_list; }
  QTableWidget* resultTable() const { return m_result; }
  QCheckBox* onlyChangedField() const { return m_onlyChanged; }
  QString summaryText() const;

  /// Checks a rule as the engine applies it; an empty string when it is fine.
  static QString problem(const plan::TableRule& rule);

signals:
  void rulesEdited(const std::vector<ferry::plan::TableRule>& rules);

private:
  void fillList();
  void fillResult();
  void loadSelected();
  void updateForm();
  void updateButtons();
  std::optional<plan::TableRule> formRule();
  void edit(std::vector<plan::TableRule> rules, int select);

  std::vector<plan::TableRule> m_rules;
  std::vector<std::pair<std::string, std::string>> m_tables;
  int m_pendingSelect = -1;

  QTableWidget* m_list = nullptr;
  QPushButton* m_up = nullptr;
  QPushButton* m_down = nullptr;
  QPushButton* m_remove = nullptr;
  QLineEdit* m_pattern = nullptr;
  QLabel* m_preview = nullptr;
  QComboBox* m_action = nullptr;
  QLineEdit* m_rename = nullptr;
  QPushButton* m_add = nullptr;
  QPushButton* m_update = nullptr;
  QLabel* m_error = nullptr;
  QLabel* m_summary = nullptr;
  QCheckBox* m_onlyChanged = nullptr;
  QTableWidget* m_result = nullptr;
};

}  // namespace ferry::app
