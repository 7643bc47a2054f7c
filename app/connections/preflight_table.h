#pragma once
/// PreflightTable: the pre-flight checks of one role as a table — status icon,
/// what is checked, what was found, and the one-sentence fix — failures first
/// so the thing to change is on top.

#include <QString>
#include <QTableWidget>

#include "preflight/preflight.h"

namespace ferry::app {

class PreflightTable : public QTableWidget {
  Q_OBJECT
public:
  /// Column order; the check id is kept in Qt::UserRole of the Status cell.
  enum Column { StatusColumn = 0, TitleColumn, FoundColumn, FixColumn, ColumnCount };

  explicit PreflightTable(QWidget* parent = nullptr);

  void setReport(const preflight::Report& report);
  void clearReport();

  /// The row of check `id` ("source.binlog_format"), or -1.
  int rowOf(const QString& id) const;
  /// "pass" / "warn" / "fail" of check `id`, or an empty string.
  QString statusOf(const QString& id) const;
};

}  // namespace ferry::app
