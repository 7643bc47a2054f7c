// VerifyPage's drill-down: a table's differences, and one difference's two
// rows fetched through the bridge and shown side by side.
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QTableView>

#include "app/verify/verify_detail_models.h"
#include "app/verify/verify_page.h"
#include "app/verify/verify_table_model.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

/// "1 row", "3 rows" (the workbench ships no translations for Qt's %n plurals).
QString counted(std::int64_t n, const QString& one, const QString& many) {
  return QStringLiteral("%1 %2").arg(number(n), n == 1 ? one : many);
}

QString kindSentence(verify::DiffKind kind) {
  switch (kind) {
    case verify::DiffKind::Missing: return VerifyPage::tr("missing on the target");
    case verify::DiffKind::Extra: return VerifyPage::tr("extra on the target (not in the source)");
    case verify::DiffKind::Changed: return VerifyPage::tr("changed");
  }
  return {};
}

}  // namespace

void VerifyPage::showTable(int row) {
  m_rowPairRequest = 0;
  m_rowPair->clear();
  if (row < 0 || row >= m_model->rowCount()) {
    m_shownTable.clear();
    m_differences->clear();
    m_differenceTitle->setText(tr("Differences — select a table"));
    setRowPairNote(tr("Select a difference to see both rows side by side."));
    return;
  }
  const auto& t = m_model->tableAt(row);
  m_shownTable = q(t.label());
  m_differences->setDifferences(t.differences);
  int missing = 0, extra = 0, changed = 0;
  for (const auto& d : t.differences) {
    (d.kind == verify::DiffKind::Missing ? missing : d.kind == verify::DiffKind::Extra ? extra : changed)++;
  }
  QString title = tr("<b>%1</b> — %2")
                      .arg(m_shownTable.toHtmlEscaped(), counted(differenceCount(t), tr("difference"), tr("differences")));
  if (!t.differences.empty()) title += tr(": %1 changed, %2 missing, %3 extra").arg(changed).arg(missing).arg(extra);
  if (t.moreDifferences > 0) title += tr(" (%1 more not listed)").arg(number(t.moreDifferences));
  if (!t.statistics.empty()) title += tr(" · column statistics differ");
  if (t.status == verify::TableStatus::Error) title += QStringLiteral(" · ") + q(t.error).toHtmlEscaped();
  m_differenceTitle->setText(title);
  if (t.differences.empty()) {
    setRowPairNote(t.status == verify::TableStatus::Ok ? tr("Identical: no row differs.") : tr("No rows listed."));
  } else if (!m_busy && m_report) {
    m_differenceView->setCurrentIndex(m_differences->index(0, DifferenceModel::KindColumn));
  } else {
    setRowPairNote(tr("Select a difference to see both rows side by side."));
  }
}

void VerifyPage::showDifference(int row) {
  m_rowPairRequest = 0;
  m_rowPair->clear();
  if (row < 0 || row >= m_differences->rowCount()) {
    setRowPairNote(tr("Select a difference to see both rows side by side."));
    return;
  }
  if (m_busy || !m_report || m_verifyId == 0) {
    setRowPairNote(tr("The rows can be read once the verification has finished."));
    return;
  }
  m_rowPairDifference = m_differences->differenceAt(row);
  m_rowPairRequest = m_bridge->fetchRowPair(m_verifyId, m_shownTable.toStdString(), m_rowPairDifference);
  setRowPairNote(tr("Reading %1 on both sides…").arg(q(m_rowPairDifference.key).toHtmlEscaped()));
}

void VerifyPage::onRowPair(quint64 requestId, const RowPairOutcome& outcome) {
  if (requestId == 0 || requestId != m_rowPairRequest) return;
  m_rowPairRequest = 0;
  if (outcome.error) {
    setRowPairNote(QStringLiteral("<span style=\"color:%1\">%2</span>")
                       .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name(),
                            q(outcome.error->oneLine()).toHtmlEscaped()));
  } else {
    const auto& pair = *outcome.pair;
    m_rowPair->setPair(pair, m_rowPairDifference);
    QString what;
    if (!pair.sourceFound && !pair.targetFound) {
      what = tr("neither side has this row now");
    } else if (!pair.targetFound) {
      what = tr("only the source has this row");
    } else if (!pair.sourceFound) {
      what = tr("only the target has this row");
    } else {
      const QStringList cols = m_rowPair->differingColumns();
      what = cols.isEmpty() ? tr("both sides are equal now") : counted(cols.size(), tr("column differs"), tr("columns differ"));
    }
    setRowPairNote(tr("<b>%1</b> %2 — %3: %4")
                       .arg(m_shownTable.toHtmlEscaped(), q(m_rowPairDifference.key).toHtmlEscaped(),
                            kindSentence(m_rowPairDifference.kind), what));
  }
  emit rowPairShown();
}

void VerifyPage::setRowPairNote(const QString& text) { m_rowPairTitle->setText(text); }

}  // namespace ferry::app
