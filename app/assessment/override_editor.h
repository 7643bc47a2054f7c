#pragma once
/// OverrideEditor: the side panel of the mapping table for one column — what
/// Ferry chose and why, a target type to use instead, and the per-column
/// mapping options that matter for that source type (only those). "Apply"
/// and "Clear" are requests; the page updates the project and re-evaluates.

#include <QGroupBox>
#include <QHash>
#include <QStringList>

#include "assess/assessment.h"
#include "plan/project.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace ferry::app {

class OverrideEditor : public QGroupBox {
  Q_OBJECT
public:
  explicit OverrideEditor(QWidget* parent = nullptr);

  /// Shows `column`. `current` is its override in the project (null: none),
  /// `defaults` the project's mapping options as JSON (shown as "project default"),
  /// `optionKeys` the mapping options relevant to this column.
  void setColumn(const assess::ColumnAssessment& column, const plan::ColumnOverride* current,
                 const nlohmann::json& defaults, const QStringList& optionKeys, model::Engine targetEngine);
  /// Back to "select a column".
  void clearColumn();
  bool hasColumn() const { return !m_column.isEmpty(); }

  /// Puts the cursor in the target type field (double-click on a target type cell).
  void focusTargetType();
  /// The override the fields describe (schema/table/column of the shown column).
  plan::ColumnOverride currentOverride() const;
  /// The combo of one option (tests), null when not shown.
  QComboBox* optionBox(const QString& key) const { return m_options.value(key); }

  /// Accepted values of a per-column mapping option ("tinyint1_as" → boolean, smallint).
  static QStringList optionValues(const QString& key);
  /// The options the editor offers, in display order.
  static const QStringList& optionKeys();
  /// Suggestions for a target type field on `target`; any text is accepted.
  static QStringList typeSuggestions(model::Engine target);

signals:
  void applyRequested(const ferry::plan::ColumnOverride& override);
  void clearRequested(const QString& schema, const QString& table, const QString& column);

private:
  QLabel* m_title = nullptr;
  QLabel* m_facts = nullptr;
  QComboBox* m_targetType = nullptr;
  QWidget* m_optionsBox = nullptr;
  QFormLayout* m_optionsForm = nullptr;
  QLabel* m_noOptions = nullptr;
  QLabel* m_findings = nullptr;
  QPushButton* m_apply = nullptr;
  QPushButton* m_clear = nullptr;
  QHash<QString, QComboBox*> m_options;
  QString m_schema, m_table, m_column;
};

}  // namespace ferry::app
