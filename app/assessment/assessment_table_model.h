#pragma once
/// AssessmentTableModel: one row per mapped column of an assessment (schema,
/// table, column, source type, target type, severity, codes, message, override),
/// and AssessmentFilterProxy, which filters it by severity, table, finding code
/// and free text for the Assessment page's mapping table.

#include <memory>

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include "app/assessment/assessment_evaluation.h"

namespace ferry::app {

class AssessmentTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { SchemaColumn, TableColumn, NameColumn, SourceTypeColumn, TargetTypeColumn, SeverityColumn,
                CodesColumn, MessageColumn, OverrideColumn, ColumnCount };
  enum Role {
    SeverityRole = Qt::UserRole + 1,  ///< int (typemap::Severity) on every cell of a row
    SortRole,                         ///< what the proxy sorts by (severity by gravity, the rest by text)
    KeyRole,                          ///< "schema.table.column"
    OverriddenRole,                   ///< bool
  };

  explicit AssessmentTableModel(QObject* parent = nullptr);

  /// Shows `evaluation`'s columns. When the rows are the same columns as before
  /// (an override was applied), the cells are updated in place so selection,
  /// sorting and scrolling stay where the user left them.
  void setEvaluation(std::shared_ptr<const AssessmentEvaluation> evaluation);
  const assess::ColumnAssessment* columnAt(int row) const;
  /// Row of a column, -1 when the assessment has none.
  int rowOf(const QString& schema, const QString& table, const QString& column) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
  std::shared_ptr<const AssessmentEvaluation> m_eval;
};

class AssessmentFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
public:
  explicit AssessmentFilterProxy(QObject* parent = nullptr);

  /// Bit i set: show severity i (typemap::Severity order). All bits: no filter.
  void setSeverityMask(int mask);
  /// "schema.table"; empty: every table.
  void setTableFilter(const QString& table);
  /// One finding code; empty: any.
  void setCodeFilter(const QString& code);
  /// Case-insensitive text found in any cell; empty: no filter.
  void setSearchText(const QString& text);

  static constexpr int kAllSeverities = 0x1f;

protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
  int m_severities = kAllSeverities;
  QString m_table;
  QString m_code;
  QString m_search;
};

}  // namespace ferry::app
