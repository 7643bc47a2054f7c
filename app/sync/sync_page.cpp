#include "app/sync/sync_page.h"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

#include "app/connections/password_store.h"
#include "app/run/run_table_model.h"
#include "app/sync/schema_change_dialog.h"
#include "app/sync/sync_table_model.h"
#include "core/log.h"
#include "widgets/busy_spinner.h"
#include "widgets/live_chart.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }
QString position(const std::string& p) { return p.empty() ? QStringLiteral("—") : q(p); }

/// "0.8", "12", "1,204": lag milliseconds as precise as they are worth.
QString millis(double ms) {
  return ms < 10 ? QLocale().toString(ms, 'f', 1) : QLocale().toString(static_cast<qlonglong>(std::llround(ms)));
}

/// The chart keeps the last 10 minutes, as on the Run page: a sync runs for
/// days, and the percentiles beside it cover the last minute.
constexpr double kChartWindowSeconds = 600.0;

const QString kLagSeries = QStringLiteral("lag ms");
const QString kRowsSeries = QStringLiteral("rows/s");

}  // namespace

SyncPage::SyncPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, ProjectProvider projectOf,
                   StatePathResolver resolveStatePath, QWidget* parent)
    : QWidget(parent),
      m_bridge(bridge),
      m_passwords(passwords),
      m_specOf(std::move(specOf)),
      m_projectOf(std::move(projectOf)),
      m_resolveStatePath(std::move(resolveStatePath)) {
  setObjectName(QStringLiteral("syncPage"));
  buildUi();
  m_chart->setWindowSeconds(kChartWindowSeconds);
  m_poller = new QTimer(this);
  m_poller->setInterval(kPollMs);
  connect(m_poller, &QTimer::timeout, this, &SyncPage::poll);
  m_latencyTicker = new QTimer(this);
  m_latencyTicker->setInterval(kLatencyTickMs);
  m_latencyTicker->setTimerType(Qt::PreciseTimer);  // a coarse timer may fire 5 % late by design
  connect(m_latencyTicker, &QTimer::timeout, this, &SyncPage::tickLatency);
  connect(m_start, &QPushButton::clicked, this, &SyncPage::start);
  connect(m_pause, &QPushButton::clicked, this, &SyncPage::pause);
  connect(m_resume, &QPushButton::clicked, this, &SyncPage::resume);
  connect(m_stop, &QPushButton::clicked, this, &SyncPage::stop);
  connect(m_maxRate, &QSpinBox::valueChanged, this, [this](int rate) {
    if (m_syncId == 0) return;
    m_bridge->setSyncMaxRate(m_syncId, rate);
    log(rate > 0 ? tr("max rate set to %1 rows/s").arg(number(rate)) : tr("max rate removed (unlimited)"));
  });
  connect(m_bridge, &EngineBridge::syncFinished, this, &SyncPage::onFinished);
  connect(m_bridge, &EngineBridge::schemaDecisionApplied, this, &SyncPage::onDecisionApplied);
  // While a sync runs: the stream's own warnings (divergences logged, heartbeats
  // off, a lost connection) and what `ferry ctl` asked of it from another terminal.
  connect(m_bridge, &EngineBridge::engineMessage, this, [this](int level, const QString& text) {
    if (m_syncId == 0 || !text.startsWith(QLatin1String("sync:"))) return;
    if (level >= static_cast<int>(core::LogLevel::Warning)) {
      log(tr("warning: %1").arg(text), true);
    } else if (text.startsWith(QLatin1String("sync: ctl "))) {
      log(text);
    }
  });
  showProgress(run::SyncProgress{});  // every label in its empty state
  m_overall->setText(tr("<b>Not started</b> — copy on the Run page (keeping the slot), then press Start."));
  m_latency->setText(tr("UI latency max — ms"));
  updateButtons();
  refreshStatePath();
}

SyncPage::~SyncPage() = default;

void SyncPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (isRunning() || !m_resolveStatePath) return;
  QPointer<SyncPage> self(this);
  m_resolveStatePath([self](const QString& path, const QString&) {
    if (!self.isNull() && !self->isRunning()) self->setStatePath(path);
  });
}

void SyncPage::setStatePath(const QString& path) {
  if (m_syncId != 0) return;  // the running sync's file stays on show
  m_statePath = path;
  refreshStatePath();
}

void SyncPage::refreshStatePath() {
  if (m_statePath.isEmpty()) {
    m_statePathLabel->setText(tr("Run state: the Run page's file (named once both connections are filled in and "
                                 "reachable)"));
    return;
  }
  const QString path = QDir::toNativeSeparators(m_statePath);
  m_statePathLabel->setText(QFile::exists(m_statePath)
                                ? tr("Run state: %1  (the copy's, as on the Run page)").arg(path)
                                : tr("Run state: %1  (no copy yet: run it on the Run page with \"Keep the stream's "
                                     "start\")")
                                      .arg(path));
}

void SyncPage::setMaxRowsPerSecond(qint64 rate) {
  m_maxRate->setValue(static_cast<int>(std::clamp<qint64>(rate, 0, m_maxRate->maximum())));
}
void SyncPage::setUntilCaughtUp(bool until) { m_untilCaughtUp->setChecked(until); }
void SyncPage::setOnConflict(int index) { m_onConflict->setCurrentIndex(index); }
void SyncPage::setHeartbeatMs(int ms) { m_heartbeat->setValue(ms); }

QString SyncPage::errorText() const { return m_error->text(); }
QString SyncPage::logText() const { return m_log->toPlainText(); }
QString SyncPage::stallText() const { return m_stallBanner->isVisibleTo(this) ? m_stallBanner->text() : QString(); }
QString SyncPage::pausedText() const { return m_pausedBanner->isVisibleTo(this) ? m_pausedBanner->text() : QString(); }
QString SyncPage::stopText() const { return m_stopBanner->isVisibleTo(this) ? m_stopBanner->text() : QString(); }

void SyncPage::setError(const QString& text) {
  m_error->setVisible(!text.isEmpty());
  m_error->setText(text);
  m_error->setToolTip(text);
}

void SyncPage::log(const QString& text, bool error) {
  const QString line = QStringLiteral("[%1] %2").arg(formatDuration(m_last.elapsedSeconds), text);
  if (error) {
    m_log->appendHtml(QStringLiteral("<span style=\"color:%1\">%2</span>")
                          .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name(), line.toHtmlEscaped()));
  } else {
    m_log->appendPlainText(line);
  }
}

void SyncPage::updateButtons() {
  const bool running = isRunning();
  m_start->setEnabled(!running);
  m_pause->setEnabled(m_syncId != 0 && !m_paused);
  m_resume->setEnabled(m_syncId != 0 && m_paused);
  m_stop->setEnabled(m_syncId != 0);
  // Fixed for a running stream; the max rate changes live.
  for (QWidget* w : std::initializer_list<QWidget*>{m_untilCaughtUp, m_onConflict, m_heartbeat}) w->setEnabled(!running);
}

void SyncPage::start() {
  if (isRunning()) return;
  setError(QString());
  m_stopBanner->setVisible(false);
  m_passDdl->setVisible(false);
  if (!m_specOf(preflight::Role::Source) || !m_specOf(preflight::Role::Target)) {
    setError(tr("Fill in both the source and the target on the Connections page first."));
    return;
  }
  m_resolving = true;
  m_spinner->start();
  updateButtons();
  if (!m_resolveStatePath) {
    startWith(m_statePath);
    return;
  }
  QPointer<SyncPage> self(this);
  m_resolveStatePath([self](const QString& path, const QString& error) {
    if (self.isNull()) return;
    if (!error.isEmpty()) {
      self->m_resolving = false;
      self->m_spinner->stop();
      self->setError(error);
      self->updateButtons();
      emit self->finished(false);
      return;
    }
    self->m_statePath = path;
    self->startWith(path);
  });
}

void SyncPage::startWith(const QString& path) {
  const auto source = m_specOf(preflight::Role::Source);
  const auto target = m_specOf(preflight::Role::Target);
  auto stopStarting = [this](const QString& error) {
    m_resolving = false;
    m_spinner->stop();
    setError(error);
    updateButtons();
    emit finished(false);
  };
  if (!source || !target) return stopStarting(tr("Fill in both the source and the target on the Connections page first."));
  // A MySQL 8 source is the engine's to refuse (it says why); a missing copy
  // is said here in the workbench's words.
  if (path.isEmpty() || !QFile::exists(path)) {
    return stopStarting(tr("No copy to follow: %1 does not exist. Copy on the Run page first, with \"Keep the "
                           "stream's start\" ticked.")
                            .arg(path.isEmpty() ? tr("the run state") : QDir::toNativeSeparators(path)));
  }

  run::SyncRequest request;
  request.source = *source;
  request.target = *target;
  request.project = m_projectOf ? m_projectOf() : plan::Project{};
  request.options.statePath = path.toStdString();
  request.options.untilCaughtUp = m_untilCaughtUp->isChecked();
  request.options.onConflict = m_onConflict->currentIndex() == 1 ? run::OnConflict::Log : run::OnConflict::Stop;
  request.options.heartbeatMs = m_heartbeat->value();
  request.options.maxRowsPerSecond = m_maxRate->value();
  request.options.passDdl = m_passedDdl;
  // The control channel stays on: `ferry ctl` and a later cutover can operate
  // a sync started here (DESIGN.md "Control").

  m_sourceEngine = source->engine;
  m_model->clear();
  m_chart->clear();
  m_rates.clear();
  m_lastLagMax = 0;
  m_paused = false;
  m_stopReason = run::SyncRun::StopReason::None;
  showProgress(run::SyncProgress{});
  m_overall->setText(tr("<b>Starting</b> — resolving passwords…"));
  refreshStatePath();
  if (!m_log->document()->isEmpty()) m_log->appendPlainText(QString());
  log(tr("sync: %1 → %2 (run state %3)%4")
          .arg(q(source->display()), q(target->display()), QDir::toNativeSeparators(path),
               request.options.untilCaughtUp ? tr(", until caught up") : QString()));
  // Passwords may come from the keychain (asynchronous).
  m_passwords->resolveRequest<run::SyncRequest>(this, std::move(request), [this](run::SyncRequest r) { send(std::move(r)); });
}

void SyncPage::send(run::SyncRequest request) {
  if (m_decisionSql) {
    // The decision first, on the target (passwords resolved); the sync once it ran.
    const std::string sql = m_decisionSql->toStdString();
    m_decisionSql.reset();
    log(tr("applying on the target: %1").arg(QString::fromStdString(sql).simplified()));
    m_decisionRequest = m_bridge->applySchemaDecision(request.options.statePath, request.target, sql);
    m_afterDecision = std::move(request);
    return;
  }
  startSync(std::move(request));
}

SchemaChangeDialog* SyncPage::decisionDialog() const { return m_decision.data(); }

void SyncPage::openDecision(const run::PendingSchemaChange& pending) {
  if (!m_decision) {
    m_decision = new SchemaChangeDialog(q(pending.change), q(pending.proposed), this);
    m_decision->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_decision, &SchemaChangeDialog::applyRequested, this, [this](const QString& sql) {
      m_decision->setBusy(true);
      m_decisionSql = sql;
      start();
    });
    connect(m_decision, &QDialog::rejected, this, [this] {
      log(tr("schema change left undecided: press Start to decide it (or ferry sync --apply-ddl)"));
    });
  }
  m_decision->setWindowModality(Qt::WindowModal);
  m_decision->open();
}

void SyncPage::onDecisionApplied(quint64 requestId, const SchemaDecisionOutcome& outcome) {
  if (requestId != m_decisionRequest) return;
  m_decisionRequest = 0;
  auto request = std::move(m_afterDecision);
  m_afterDecision.reset();
  if (outcome.error) {
    const QString line = q(outcome.error->oneLine());
    log(line, true);
    m_resolving = false;
    m_spinner->stop();
    updateButtons();
    if (m_decision) {
      m_decision->setBusy(false);
      m_decision->setError(line);
    }
    return;
  }
  for (const auto& stmt : outcome.applied) log(tr("applied on the target: %1").arg(q(stmt)));
  if (m_decision) m_decision->accept();
  if (request) startSync(std::move(*request));
}

void SyncPage::startSync(run::SyncRequest request) {
  m_resolving = false;
  m_syncId = m_bridge->startSync(std::move(request));
  m_latencyMax = 0;
  m_lastTick = 0;
  m_latencyClock.start();
  m_latencyTicker->start();
  m_poller->start();
  updateButtons();
  emit started();
}

void SyncPage::tickLatency() {
  const qint64 now = m_latencyClock.elapsed();
  m_latencyMax = std::max(m_latencyMax, now - m_lastTick);
  m_lastTick = now;
}

void SyncPage::resetUiLatency() {
  m_latencyMax = 0;
  m_lastTick = m_latencyClock.isValid() ? m_latencyClock.elapsed() : 0;
}

void SyncPage::pause() {
  if (m_syncId == 0 || m_paused || !m_bridge->pauseSync(m_syncId)) return;
  m_paused = true;
  log(tr("paused: nothing is applied after the transaction in flight (the slot keeps the rest)"));
  updateButtons();
}

void SyncPage::resume() {
  if (m_syncId == 0 || !m_paused || !m_bridge->resumeSync(m_syncId)) return;
  m_paused = false;
  log(tr("resumed"));
  updateButtons();
}

void SyncPage::stop() {
  if (m_syncId == 0 || !m_bridge->cancelSync(m_syncId)) return;
  log(tr("stopping after the transaction in flight"));
  m_stop->setEnabled(false);
  m_pause->setEnabled(false);
  m_resume->setEnabled(false);
}

void SyncPage::poll() {
  if (m_syncId == 0) return;
  if (auto progress = m_bridge->syncProgress(m_syncId)) showProgress(*progress);
}

void SyncPage::onFinished(quint64 syncId, const SyncOutcome& outcome) {
  if (syncId != m_syncId) return;
  m_poller->stop();
  m_latencyTicker->stop();
  tickLatency();  // the gap up to the end counts too
  showProgress(outcome.last);
  // A sync that is over is neither stalled nor paused, whatever its last picture said.
  m_stallBanner->setVisible(false);
  m_pausedBanner->setVisible(false);
  m_syncId = 0;
  m_paused = false;
  m_spinner->stop();
  m_stopReason = outcome.stopReason;
  if (outcome.error) {
    // oneLine() carries no password: specs print themselves without one.
    const QString line = q(outcome.error->oneLine());
    setError(line);
    log(line, true);
  } else {
    const auto& p = outcome.summary->final;
    log(tr("%1: applied %2 transactions, %3 rows (%4 inserts, %5 updates, %6 deletes) up to %7")
            .arg(q(p.phase), number(p.transactionsApplied), number(p.rowsApplied), number(p.inserts),
                 number(p.updates), number(p.deletes), position(p.appliedPosition)));
    if (!outcome.summary->divergences.empty()) {
      log(tr("%1 divergence(s) recorded in the run state").arg(number(static_cast<std::int64_t>(outcome.summary->divergences.size()))),
          true);
    }
  }
  showStop(outcome);
  m_latency->setText(tr("UI latency max %1 ms").arg(m_latencyMax));
  updateButtons();
  refreshStatePath();
  emit finished(!outcome.error.has_value());
  if (outcome.schemaChange) openDecision(*outcome.schemaChange);
}

void SyncPage::showStop(const SyncOutcome& outcome) {
  QString text;
  if (outcome.stopReason == run::SyncRun::StopReason::Divergence) {
    text = tr("Stopped at a divergence: a change from the source does not fit the target (an UPDATE or DELETE "
              "found no row, or an INSERT met an existing one; the line above names the table and key). Nothing of "
              "its group was applied. Repair the row (Verify page → Repair) and press Start, or set \"On conflict\" "
              "to \"log it and go on\" to record such changes and continue.");
  } else if (outcome.stopReason == run::SyncRun::StopReason::SchemaChange) {
    text = tr("Stopped at a schema change on the source: a table's columns no longer match what the copy created "
              "(the line above names the table and the columns). Decide in the dialog: apply the proposed statement "
              "(edited if you like) and the stream resumes before the first change in the new shape, or stop here "
              "and press Start to decide later.");
  }
  m_stoppedAtGtid.clear();
  if (!outcome.passableDdl.empty()) {
    // A MariaDB schema change the stream does not follow (a rename, a drop, a
    // statement it cannot read).
    m_stoppedAtGtid = q(outcome.passableDdl);
    text = tr("Stopped at a schema change on the source that the stream does not follow (GTID %1; the line above "
              "shows the statement). Nothing from it on was applied. Make the same change on the target's table by "
              "hand, then press \"The target matches: go on past it\".")
               .arg(m_stoppedAtGtid);
  }
  m_stopBanner->setText(text);
  m_stopBanner->setVisible(!text.isEmpty());
  m_passDdl->setVisible(!m_stoppedAtGtid.isEmpty());
}

void SyncPage::logChanges(const run::SyncProgress& p) {
  if (p.phase != m_last.phase && !p.phase.empty()) {
    const bool bad = p.phase == "reconnecting" || p.phase == "failed";
    QString extra;
    if (p.phase == "reconnecting" && !p.lastReconnectError.empty()) extra = tr(" after: %1").arg(q(p.lastReconnectError));
    if (p.phase == "streaming" && !p.appliedPosition.empty()) extra = tr(" from %1").arg(q(p.appliedPosition));
    log(tr("phase: %1%2").arg(q(p.phase), extra), bad);
  }
  if (p.stalled && !m_last.stalled) log(tr("stalled: %1").arg(q(p.stallReason)), true);
  if (!p.stalled && m_last.stalled && !p.paused) log(tr("no longer stalled"));
  // A pause or resume from another process (`ferry ctl`); the page's own are logged when asked.
  if (p.paused != m_paused && m_syncId != 0) {
    log(p.paused ? tr("paused from outside the workbench (ferry ctl)") : tr("resumed from outside the workbench (ferry ctl)"));
    m_paused = p.paused;
    updateButtons();
  }
}

void SyncPage::showProgress(const run::SyncProgress& p) {
  logChanges(p);
  m_last = p;
  m_model->update(p);

  // Rates only while streaming: on connecting, the counts jump from 0 to the
  // totals stored in the target by earlier syncs.
  double rowRate = 0;
  double txRate = 0;
  if (p.phase == "streaming") {
    m_rates.add(p.elapsedSeconds, p.rowsApplied, p.transactionsApplied);
    rowRate = m_rates.rate(0);
    txRate = m_rates.rate(1);
    // No lag is measured while paused (nothing is applied): a flat line would
    // lie. The engine gives the minute's statistics, not every sample: a new
    // maximum came in since the last poll (the backlog after a resume, say),
    // so it is plotted rather than the last sample, which hides the peak.
    const auto& lag = p.heartbeatLag;
    if (lag.samples > 0 && !p.paused) {
      m_chart->addSample(kLagSeries, p.elapsedSeconds, lag.max > m_lastLagMax ? lag.max : lag.last);
    }
    m_chart->addSample(kRowsSeries, p.elapsedSeconds, rowRate);
  }

  m_lastLagMax = p.heartbeatLag.max;
  const auto& lag = p.heartbeatLag;
  QString lagText;
  if (lag.samples > 0) {
    lagText = tr("<b>Heartbeat lag</b> (last minute, %1 samples): last <b>%2 ms</b><br>"
                 "p50 %3 · p95 %4 · p99 %5 · max %6 ms")
                  .arg(number(lag.samples))
                  .arg(millis(lag.last), millis(lag.p50), millis(lag.p95), millis(lag.p99), millis(lag.max));
  } else {
    lagText = tr("<b>Heartbeat lag</b>: no sample in the last minute%1")
                  .arg(m_heartbeat->value() > 0 ? QString() : tr(" (heartbeats are off)"));
  }
  if (p.commitLag.samples > 0) {
    lagText += tr("<br>Commit lag (target − source commit time): p50 %1 · p99 %2 ms%3")
                   .arg(millis(p.commitLag.p50), millis(p.commitLag.p99),
                        m_sourceEngine == model::Engine::PostgreSQL
                            ? QString()
                            : tr(" (the binlog's commit times have whole seconds: the heartbeat lag is the measure)"));
  }
  m_lagStats->setText(lagText);
  m_rate->setText(tr("<b>Apply rate</b>: %1 rows/s · %2 transactions/s")
                      .arg(number(std::llround(rowRate)), number(std::llround(txRate))));

  auto set = [this](const char* name, const QString& text) { m_values.value(QLatin1String(name))->setText(text); };
  set("seamSnapshot", position(p.snapshotPosition));
  set("seamFirstStreamed", position(p.firstStreamed));
  set("seamReceived", position(p.receivedPosition));
  set("seamApplied", position(p.appliedPosition));
  set("seamConfirmed", position(p.confirmedPosition));
  set("bytesBehind", QLocale().formattedDataSize(p.bytesBehind, 1, QLocale::DataSizeTraditionalFormat));
  set("reconnects", number(p.reconnects));
  set("txReceived", number(p.transactionsReceived));
  set("txApplied", number(p.transactionsApplied));
  set("txSkipped", number(p.skippedTransactions));
  set("rowsApplied", number(p.rowsApplied));
  set("rowKinds", QStringLiteral("%1 / %2 / %3").arg(number(p.inserts), number(p.updates), number(p.deletes)));
  set("truncates", number(p.truncates));
  set("divergences", number(p.divergences));
  QLabel* lastError = m_values.value(QStringLiteral("lastReconnectError"));
  lastError->setText(tr("Last lost connection: %1").arg(q(p.lastReconnectError)));
  lastError->setVisible(!p.lastReconnectError.empty());
  m_values.value(QStringLiteral("divergences"))
      ->setStyleSheet(p.divergences > 0 ? QStringLiteral("color: %1; font-weight: bold;")
                                              .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name())
                                        : QString());

  m_stallBanner->setText(p.stalled ? tr("STALLED — %1. Check the target (locks, disk, a long transaction) and the "
                                        "log; the sync goes on by itself once the target moves.")
                                         .arg(q(p.stallReason))
                                   : QString());
  m_stallBanner->setVisible(p.stalled);
  m_pausedBanner->setText(p.paused ? tr("PAUSED — nothing is applied; the source keeps the changes in the slot (%1 "
                                        "behind so far). Resume to apply them, in order.")
                                         .arg(QLocale().formattedDataSize(p.bytesBehind, 1, QLocale::DataSizeTraditionalFormat))
                                   : QString());
  m_pausedBanner->setVisible(p.paused);

  QStringList parts;
  QString phase = QStringLiteral("<b>%1</b>").arg(q(p.phase.empty() ? std::string("not started") : p.phase).toHtmlEscaped());
  if (p.paused) phase += tr(" <b>(paused)</b>");
  parts << phase;
  parts << tr("%1 rows applied").arg(number(p.rowsApplied));
  parts << tr("lag %1 ms").arg(lag.samples > 0 ? millis(lag.last) : QStringLiteral("—"));
  parts << tr("%1 behind").arg(QLocale().formattedDataSize(p.bytesBehind, 1, QLocale::DataSizeTraditionalFormat));
  parts << tr("max rate %1").arg(p.maxRowsPerSecond > 0 ? tr("%1 rows/s").arg(number(p.maxRowsPerSecond)) : tr("unlimited"));
  parts << tr("elapsed %1").arg(formatDuration(p.elapsedSeconds));
  m_overall->setText(parts.join(QStringLiteral(" · ")));
  if (m_syncId != 0) m_latency->setText(tr("UI latency max %1 ms").arg(m_latencyMax));
}

}  // namespace ferry::app
