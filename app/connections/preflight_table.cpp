#include "app/connections/preflight_table.h"

#include <algorithm>

#include <QHeaderView>

#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

widgets::StatusKind kindOf(preflight::CheckStatus s) {
  switch (s) {
    case preflight::CheckStatus::Pass: return widgets::StatusKind::Pass;
    case preflight::CheckStatus::Warn: return widgets::StatusKind::Warn;
    case preflight::CheckStatus::Fail: return widgets::StatusKind::Fail;
  }
  return widgets::StatusKind::Info;
}

int severity(preflight::CheckStatus s) {
  switch (s) {
    case preflight::CheckStatus::Fail: return 0;
    case preflight::CheckStatus::Warn: return 1;
    case preflight::CheckStatus::Pass: return 2;
  }
  return 3;
}

QTableWidgetItem* textItem(const std::string& text) {
  auto* item = new QTableWidgetItem(QString::fromStdString(text));
  item->setToolTip(item->text());
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  return item;
}

}  // namespace

PreflightTable::PreflightTable(QWidget* parent) : QTableWidget(0, ColumnCount, parent) {
  setHorizontalHeaderLabels({tr("Status"), tr("Check"), tr("Found"), tr("Fix")});
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setWordWrap(true);
  setAlternatingRowColors(true);
  verticalHeader()->hide();
  auto* h = horizontalHeader();
  h->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
  // Check, Found and Fix share the width: the two editors sit side by side, so
  // fixed widths would squeeze the fix sentence to nothing on the narrower one.
  h->setSectionResizeMode(TitleColumn, QHeaderView::Stretch);
  h->setSectionResizeMode(FoundColumn, QHeaderView::Stretch);
  h->setSectionResizeMode(FixColumn, QHeaderView::Stretch);
  setTextElideMode(Qt::ElideMiddle);
  setIconSize(QSize(16, 16));
}

void PreflightTable::setReport(const preflight::Report& report) {
  std::vector<preflight::CheckResult> checks = report.checks;
  std::stable_sort(checks.begin(), checks.end(),
                   [](const auto& a, const auto& b) { return severity(a.status) < severity(b.status); });
  setRowCount(0);
  setRowCount(static_cast<int>(checks.size()));
  for (int row = 0; row < rowCount(); ++row) {
    const auto& c = checks[static_cast<size_t>(row)];
    const auto kind = kindOf(c.status);
    auto* status = new QTableWidgetItem(widgets::StatusIcon::icon(kind), QString::fromLatin1(widgets::StatusIcon::label(kind)));
    status->setData(Qt::UserRole, QString::fromStdString(c.id));
    status->setToolTip(QString::fromStdString(c.id));
    status->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    setItem(row, StatusColumn, status);
    setItem(row, TitleColumn, textItem(c.title));
    setItem(row, FoundColumn, textItem(c.detail));
    setItem(row, FixColumn, textItem(c.fix.empty() ? std::string("—") : c.fix));
  }
  resizeRowsToContents();
}

void PreflightTable::clearReport() { setRowCount(0); }

int PreflightTable::rowOf(const QString& id) const {
  for (int row = 0; row < rowCount(); ++row) {
    if (const auto* it = item(row, StatusColumn); it && it->data(Qt::UserRole).toString() == id) return row;
  }
  return -1;
}

QString PreflightTable::statusOf(const QString& id) const {
  const int row = rowOf(id);
  return row < 0 ? QString() : item(row, StatusColumn)->text();
}

}  // namespace ferry::app
