#pragma once
/// Fills the Assessment page's secondary views from an evaluation: the source
/// and target trees (schema → table → column, each with the worst severity
/// below it), the object findings table and the schema diff table.

#include <QString>

#include "app/assessment/assessment_evaluation.h"

class QStandardItemModel;
class QTableWidget;

namespace ferry::app {

namespace assessment_views {

/// Item data role holding "schema.table.column" of the source column (both trees),
/// so a selection in one tree can find its counterpart in the other.
constexpr int kKeyRole = Qt::UserRole + 11;

enum TreeColumn { TreeName = 0, TreeType, TreeSeverity, TreeColumnCount };

/// Source tree: source names and declared types; object findings (indexes,
/// triggers, views, routines) under their table or schema.
void fillSourceTree(QStandardItemModel* model, const assess::Assessment& a);
/// Target tree: target names (after renames and shortening) and target types.
void fillTargetTree(QStandardItemModel* model, const assess::Assessment& a);
/// One row per object finding: severity, kind, object, code, message, action.
void fillObjectFindings(QTableWidget* table, const assess::Assessment& a);
/// One row per diff entry: change, object type, object, details.
void fillDiff(QTableWidget* table, const assess::SchemaDiff& diff);

}  // namespace assessment_views

}  // namespace ferry::app
