#include "app/verify/verify_page.h"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>

#include "app/connections/password_store.h"
#include "app/run/run_table_model.h"
#include "app/verify/verify_detail_models.h"
#include "app/verify/verify_table_model.h"
#include "widgets/busy_spinner.h"
#include "widgets/live_chart.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

/// The chart keeps the last 10 minutes, as on the Run page.
constexpr double kChartWindowSeconds = 600.0;

const QString kChunksSeries = QStringLiteral("chunks done");
const QString kRowsSeries = QStringLiteral("rows/s");
const QString kDifferencesSeries = QStringLiteral("differences");

/// "1 row", "3 rows": the workbench ships no translations, so Qt's %n plurals would print "row(s)".
QString counted(std::int64_t n, const QString& one, const QString& many) {
  return QStringLiteral("%1 %2").arg(number(n), n == 1 ? one : many);
}

bool hasMismatch(const verify::VerifyReport& r) {
  return std::any_of(r.tables.begin(), r.tables.end(),
                     [](const auto& t) { return t.status == verify::TableStatus::Mismatch; });
}

}  // namespace

VerifyPage::VerifyPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, ProjectProvider projectOf,
                       QWidget* parent)
    : QWidget(parent),
      m_bridge(bridge),
      m_passwords(passwords),
      m_specOf(std::move(specOf)),
      m_projectOf(std::move(projectOf)) {
  setObjectName(QStringLiteral("verifyPage"));
  buildUi();
  m_differenceTitle->setText(tr("Differences — select a table"));
  setRowPairNote(tr("Select a difference to see both rows side by side."));
  m_chart->setWindowSeconds(kChartWindowSeconds);
  m_poller = new QTimer(this);
  m_poller->setInterval(kPollMs);
  connect(m_poller, &QTimer::timeout, this, &VerifyPage::poll);
  connect(m_start, &QPushButton::clicked, this, &VerifyPage::start);
  connect(m_cancel, &QPushButton::clicked, this, &VerifyPage::cancel);
  connect(m_repair, &QPushButton::clicked, this, &VerifyPage::confirmRepair);
  connect(m_saveReport, &QPushButton::clicked, this, &VerifyPage::chooseReportFile);
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showTable(current.isValid() ? current.row() : -1); });
  connect(m_differenceView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showDifference(current.isValid() ? current.row() : -1); });
  connect(bridge, &EngineBridge::verifyFinished, this, &VerifyPage::onVerifyFinished);
  connect(bridge, &EngineBridge::repairFinished, this, &VerifyPage::onRepairFinished);
  connect(bridge, &EngineBridge::rowPairFetched, this, &VerifyPage::onRowPair);
  updateButtons();
}

VerifyPage::~VerifyPage() {
  // The main window may destroy the bridge first; it then closes every run itself.
  if (m_bridge) releaseRun();
}

void VerifyPage::setJobs(int jobs) { m_jobs->setValue(jobs); }
void VerifyPage::setSamplePercent(double percent) { m_sample->setValue(percent); }
void VerifyPage::setHashMode(int index) { m_hash->setCurrentIndex(index); }
void VerifyPage::setQuick(bool quick) { m_quick->setChecked(quick); }
void VerifyPage::setMaxRowsPerSecond(qint64 rate) {
  m_maxRate->setValue(static_cast<int>(std::clamp<qint64>(rate, 0, m_maxRate->maximum())));
}
void VerifyPage::setChunkRows(qint64 rows) {
  m_chunkRows->setValue(static_cast<int>(std::clamp<qint64>(rows, m_chunkRows->minimum(), m_chunkRows->maximum())));
}

QString VerifyPage::errorText() const { return m_error->text(); }

QString VerifyPage::logText() const { return m_log->toPlainText(); }

void VerifyPage::setError(const QString& text) {
  m_error->setVisible(!text.isEmpty());
  m_error->setText(text);
  m_error->setToolTip(text);
}

void VerifyPage::log(const QString& text, bool error) {
  const QString line = QStringLiteral("[%1] %2").arg(formatDuration(m_timeOffset + m_last.elapsedSeconds), text);
  if (error) {
    m_log->appendHtml(QStringLiteral("<span style=\"color:%1\">%2</span>")
                          .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name(), line.toHtmlEscaped()));
  } else {
    m_log->appendPlainText(line);
  }
}

void VerifyPage::updateButtons() {
  const bool busy = isBusy();
  m_start->setEnabled(!busy);
  m_cancel->setEnabled(m_busy);
  const bool repairable = !busy && m_verifyId != 0 && m_report && hasMismatch(*m_report) && m_liveSync.isEmpty();
  m_repair->setEnabled(repairable);
  m_repair->setToolTip(m_liveSync.isEmpty() ? QString()
                                            : tr("A sync is running: stop it first — a repair writing under a "
                                                 "running stream would race it"));
  m_saveReport->setEnabled(!busy && m_report.has_value());
  for (QWidget* w : std::initializer_list<QWidget*>{m_jobs, m_sample, m_hash, m_quick, m_chunkRows}) w->setEnabled(!busy);
}

void VerifyPage::releaseRun() {
  if (m_verifyId != 0) m_bridge->releaseVerify(m_verifyId);
  m_verifyId = 0;
  m_rowPairRequest = 0;
}

void VerifyPage::setLiveSync(const QString& statePath) {
  m_liveSync = statePath;
  updateButtons();
}

void VerifyPage::start() {
  if (isBusy()) return;
  setError(QString());
  const auto source = m_specOf(preflight::Role::Source);
  const auto target = m_specOf(preflight::Role::Target);
  if (!source || !target) {
    setError(tr("Fill in both the source and the target on the Connections page first."));
    return;
  }
  run::VerifyRequest request;
  request.source = *source;
  request.target = *target;
  request.project = m_projectOf ? m_projectOf() : plan::Project{};
  auto& o = request.options;
  o.jobs = m_jobs->value();
  o.samplePercent = m_sample->value();
  o.hash = m_hash->currentIndex() == 1   ? verify::HashMode::Server
           : m_hash->currentIndex() == 2 ? verify::HashMode::Client
                                         : verify::HashMode::Auto;
  o.quick = m_quick->isChecked();
  o.maxRowsPerSecond = m_maxRate->value();
  o.limits.maxRows = m_chunkRows->value();
  o.live.syncStatePath = m_liveSync.toStdString();

  releaseRun();
  m_model->clear();
  m_differences->clear();
  m_rowPair->clear();
  m_chart->clear();
  m_log->clear();
  m_rates.clear();
  m_report.reset();
  m_last = run::VerifyProgress{};
  m_timeOffset = 0;
  m_repairSummary.clear();
  m_shownTable.clear();
  m_differenceTitle->setText(tr("Differences — select a table"));
  setRowPairNote(tr("Select a difference to see both rows side by side."));
  m_overall->setText(tr("<b>Starting</b> — resolving passwords…"));
  log(tr("verify %1 → %2").arg(q(source->display()), q(target->display())));
  m_resolving = true;
  m_spinner->start();
  updateButtons();
  // Passwords may come from the keychain (asynchronous).
  m_passwords->resolveRequest<run::VerifyRequest>(this, std::move(request), [this](run::VerifyRequest r) { send(std::move(r)); });
}

void VerifyPage::send(run::VerifyRequest request) {
  m_resolving = false;
  m_request = request;
  m_decided.clear();
  m_verifyId = m_bridge->startVerify(std::move(request));
  m_busy = true;
  m_rates.clear();
  m_spinner->start();
  m_poller->start();
  updateButtons();
  emit started();
}

void VerifyPage::cancel() {
  if (!m_busy || !m_bridge->cancelVerify(m_verifyId)) return;
  log(m_repairing ? tr("cancelling the repair: the current batch finishes") : tr("cancelling"));
  m_cancel->setEnabled(false);
}

void VerifyPage::confirmRepair() {
  if (!m_report || isBusy()) return;
  int tables = 0;
  std::int64_t rows = 0;
  for (const auto& t : m_report->tables) {
    if (t.status != verify::TableStatus::Mismatch) continue;
    ++tables;
    rows += differenceCount(t);
  }
  const auto answer = QMessageBox::question(
      this, tr("Repair the target"),
      tr("Make %1 of the target equal to the source again?").arg(counted(tables, tr("table"), tr("tables"))) +
          QStringLiteral("\n\n") +
          tr("%1 differing rows are deleted on the target and copied again from the source (a chunk with more "
             "differences than were listed, or a table without a key, is copied again whole). Nothing else "
             "is written. The tables are verified again afterwards.")
              .arg(number(rows)),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer == QMessageBox::Yes) repair();
}

void VerifyPage::repair() {
  if (!m_report || isBusy() || m_verifyId == 0 || !hasMismatch(*m_report)) return;
  if (!m_bridge->startRepair(m_verifyId, *m_report)) {
    setError(tr("The verification to repair is gone; verify again first."));
    return;
  }
  setError(QString());
  m_busy = true;
  m_repairing = true;
  m_rowPairRequest = 0;
  m_rowPair->clear();
  setRowPairNote(tr("Repairing…"));
  log(tr("repairing the tables with differences"));
  m_spinner->start();
  m_poller->start();
  updateButtons();
}

bool VerifyPage::saveReport(const QString& path) {
  if (!m_report) {
    setError(tr("No report yet: verify first."));
    return false;
  }
  QSaveFile file(path);
  const std::string html = verify::renderHtml(*m_report);
  if (!file.open(QIODevice::WriteOnly) || file.write(html.data(), static_cast<qint64>(html.size())) < 0 || !file.commit()) {
    setError(tr("Cannot write the report %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    return false;
  }
  log(tr("report saved to %1").arg(QDir::toNativeSeparators(path)));
  return true;
}

void VerifyPage::chooseReportFile() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save verification report"),
                                                    QStringLiteral("verification-report.html"),
                                                    tr("HTML files (*.html *.htm);;All files (*)"));
  if (!path.isEmpty()) saveReport(path);
}

void VerifyPage::poll() {
  if (m_verifyId == 0 || !m_busy) return;
  if (auto progress = m_bridge->verifyProgress(m_verifyId)) apply(*progress);
}

void VerifyPage::apply(const run::VerifyProgress& p) {
  if (p.phase != m_last.phase && !p.phase.empty()) {
    m_last.elapsedSeconds = p.elapsedSeconds;
    log(tr("phase: %1").arg(q(p.phase)));
  }
  // Connecting has no tables yet: keep the previous picture (the run before a repair) until they come.
  if (!p.tables.empty() || p.phase == "done" || p.phase == "failed") {
    for (const auto& t : p.tables) {
      if (t.status == verify::TableStatus::Pending || t.status == verify::TableStatus::Checking) continue;
      if (m_decided.contains(q(t.label()))) continue;
      m_decided.insert(q(t.label()));
      m_last.elapsedSeconds = p.elapsedSeconds;
      if (t.status == verify::TableStatus::Error) {
        log(tr("%1: error: %2").arg(q(t.label()), q(t.error)), true);
      } else {
        log(tr("%1: %2 (%3 rows, %4)")
                .arg(q(t.label()), QLatin1String(verify::tableStatusName(t.status)), number(t.sourceRows),
                     counted(differenceCount(t), tr("difference"), tr("differences"))));
      }
    }
    if (!m_repairing) m_model->update(p.tables);
  }
  m_last = p;

  m_rates.add(p.elapsedSeconds, p.rowsChecked);
  const double rate = m_rates.rate();
  const bool checking = p.phase == "checking" || p.phase == "done";
  if (checking && !m_repairing) {
    const double x = m_timeOffset + p.elapsedSeconds;
    m_chart->addSample(kChunksSeries, x, p.chunksDone);
    m_chart->addSample(kRowsSeries, x, p.phase == "done" ? 0 : rate);
    m_chart->addSample(kDifferencesSeries, x, static_cast<double>(p.differences));
  }

  // Live differences of the table on show (final ones come with the report).
  if (!m_shownTable.isEmpty() && !m_repairing) {
    const int row = m_model->rowOf(m_shownTable);
    if (row >= 0 && m_model->tableAt(row).differences.size() != m_differences->differences().size()) showTable(row);
  }

  QStringList parts;
  parts << tr("<b>%1</b>").arg(q(p.phase.empty() ? std::string("starting") : p.phase).toHtmlEscaped());
  if (p.chunksTotal > 0) parts << tr("%1 / %2 chunks").arg(p.chunksDone).arg(p.chunksTotal);
  parts << tr("%1 rows checked").arg(number(p.rowsChecked));
  if (p.phase == "checking") parts << tr("%1 rows/s").arg(number(std::llround(rate)));
  parts << counted(p.differences, tr("difference"), tr("differences"));
  parts << tr("elapsed %1").arg(formatDuration(p.elapsedSeconds));
  m_overall->setText(parts.join(QStringLiteral(" · ")));
}

void VerifyPage::onVerifyFinished(quint64 verifyId, const VerifyOutcome& outcome) {
  if (verifyId != m_verifyId) return;
  m_poller->stop();
  m_busy = false;
  m_spinner->stop();
  apply(outcome.last);
  if (outcome.error && outcome.error->kind() == core::ErrorKind::Cancelled) {
    // Asked for: not an error. Verification writes nothing, so nothing is left half done.
    log(tr("stopped"));
    m_overall->setText(tr("<b>Stopped</b> — verification changes nothing; press Verify to run it again."));
  } else if (outcome.error) {
    // oneLine() carries no password: specs print themselves without one.
    const QString line = q(outcome.error->oneLine());
    setError(line);
    log(line, true);
    m_overall->setText(tr("<b>Failed</b> — see the message below."));
  } else {
    m_report = outcome.report;
    m_model->update(m_report->tables);
    log(tr("done: %1 rows checked in %2 (%3)")
            .arg(number(m_report->rowsChecked), formatDuration(m_report->seconds), q(m_report->method)));
    if (!m_report->asOfPosition.empty()) {
      log(tr("a sync is running: both sides were compared as of source position %1; the sync was held %2 ms and "
             "applied nothing for %3 ms of it")
              .arg(q(m_report->asOfPosition))
              .arg(std::lround(m_report->syncHeldMs))
              .arg(std::lround(m_report->syncPausedMs)));
    }
    updateVerdict();
    // Show a table: the one shown before, else the first with differences.
    int row = m_model->rowOf(m_shownTable);
    for (int r = 0; row < 0 && r < m_model->rowCount(); ++r) {
      if (m_model->tableAt(r).status != verify::TableStatus::Ok) row = r;
    }
    if (row >= 0) {
      if (m_table->currentIndex().row() == row) {
        showTable(row);
      } else {
        m_table->setCurrentIndex(m_model->index(row, VerifyTableModel::TableColumn));
      }
    }
  }
  updateButtons();
  emit finished(!outcome.error.has_value());
}

void VerifyPage::updateVerdict() {
  if (!m_report) return;
  int bad = 0;
  int errors = 0;
  std::int64_t rows = 0;
  for (const auto& t : m_report->tables) {
    if (t.status == verify::TableStatus::Error) ++errors;
    if (t.status == verify::TableStatus::Mismatch) ++bad;
    rows += differenceCount(t);
  }
  const int n = static_cast<int>(m_report->tables.size());
  const QString details = tr("%1 rows checked in %2 · %3%4")
                              .arg(number(m_report->rowsChecked), formatDuration(m_report->seconds), q(m_report->method),
                                   m_report->samplePercent < 100 ? tr(" · sample %1 %").arg(m_report->samplePercent) : QString());
  QString text;
  if (m_report->identical() && m_report->level == "quick") {
    // No row was compared: only the counts and column statistics are known to agree.
    text = tr("<span style=\"color:%1\"><b>Counts and statistics agree</b></span> — a quick check; verify without "
              "Quick to compare the rows")
               .arg(widgets::StatusIcon::color(widgets::StatusKind::Pass).darker(115).name());
  } else if (m_report->identical()) {
    text = tr("<span style=\"color:%1\"><b>Identical</b></span> — %2 the same data on both sides")
               .arg(widgets::StatusIcon::color(widgets::StatusKind::Pass).darker(115).name(),
                    n == 1 ? tr("the table holds") : tr("all %1 tables hold").arg(n));
  } else {
    text = tr("<span style=\"color:%1\"><b>Differences</b></span> in %2 of %3 tables: %4")
               .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name())
               .arg(bad)
               .arg(n)
               .arg(counted(rows, tr("row"), tr("rows")));
    if (errors > 0) text += tr(" · %1 failed").arg(counted(errors, tr("table"), tr("tables")));
    if (bad > 0) text += tr(" — select a table to see its rows; Repair re-copies them");
  }
  QString second = details.toHtmlEscaped();
  if (!m_report->asOfPosition.empty()) {
    second += tr(" · as of source position <b>%1</b> on both sides, while the sync ran")
                  .arg(q(m_report->asOfPosition).toHtmlEscaped());
  }
  if (!m_repairSummary.isEmpty()) second += QStringLiteral(" · ") + m_repairSummary.toHtmlEscaped();
  m_overall->setText(text + QStringLiteral("<br>") + second);
}

void VerifyPage::onRepairFinished(quint64 verifyId, const RepairOutcome& outcome) {
  if (verifyId != m_verifyId) return;
  m_poller->stop();
  m_busy = false;
  m_repairing = false;
  m_spinner->stop();
  if (outcome.error) {
    const QString line = q(outcome.error->oneLine());
    setError(line);
    log(line, true);
    updateButtons();
    emit repairFinished(false);
    return;
  }
  std::int64_t deleted = 0;
  std::int64_t inserted = 0;
  for (const auto& r : outcome.repairs) {
    deleted += r.counts.deleted;
    inserted += r.counts.inserted;
    QString line = tr("repaired %1 (%2): %3 rows deleted, %4 inserted")
                       .arg(q(r.table), q(r.how), number(r.counts.deleted), number(r.counts.inserted));
    if (r.counts.rejected > 0) line += tr(", %1 not convertible (as in the copy)").arg(number(r.counts.rejected));
    log(line);
  }
  m_repairSummary = tr("after repairing %1: %2 deleted, %3 inserted")
                        .arg(counted(static_cast<std::int64_t>(outcome.repairs.size()), tr("table"), tr("tables")),
                             counted(deleted, tr("row"), tr("rows")), number(inserted));
  emit repairFinished(true);
  // Prove it: a fresh verification of the same tables, continuing the chart's timeline.
  log(tr("verifying again…"));
  m_timeOffset += m_last.elapsedSeconds;
  m_last = run::VerifyProgress{};
  releaseRun();
  m_report.reset();
  m_differences->clear();
  m_rowPair->clear();
  setRowPairNote(tr("Verifying again…"));
  if (m_request) send(*m_request);
}

}  // namespace ferry::app
