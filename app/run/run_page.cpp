#include "app/run/run_page.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

#include "app/connections/password_store.h"
#include "app/run/run_table_model.h"
#include "core/log.h"
#include "run/state_path.h"
#include "widgets/busy_spinner.h"
#include "widgets/live_chart.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString number(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

/// The chart keeps the last 10 minutes: long enough to see a trend, short
/// enough that a day-long run does not grow the series without bound.
constexpr double kChartWindowSeconds = 600.0;

const QString kRowsSeries = QStringLiteral("rows/s");
const QString kMegabytesSeries = QStringLiteral("MB/s");

}  // namespace

RunPage::RunPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, ProjectProvider projectOf,
                 PathProvider projectPathOf, QWidget* parent)
    : QWidget(parent),
      m_bridge(bridge),
      m_passwords(passwords),
      m_specOf(std::move(specOf)),
      m_projectOf(std::move(projectOf)),
      m_projectPathOf(std::move(projectPathOf)) {
  setObjectName(QStringLiteral("runPage"));
  buildUi();
  m_chart->setWindowSeconds(kChartWindowSeconds);
  m_poller = new QTimer(this);
  m_poller->setInterval(kPollMs);
  connect(m_poller, &QTimer::timeout, this, &RunPage::poll);
  connect(m_start, &QPushButton::clicked, this, &RunPage::start);
  connect(m_pause, &QPushButton::clicked, this, &RunPage::pause);
  connect(m_resume, &QPushButton::clicked, this, &RunPage::resume);
  connect(m_cancel, &QPushButton::clicked, this, &RunPage::cancel);
  connect(m_maxRate, &QSpinBox::valueChanged, this, [this](int rate) {
    if (m_copyId == 0) return;
    m_bridge->setCopyMaxRate(m_copyId, rate);
    log(rate > 0 ? tr("max rate set to %1 rows/s").arg(number(rate)) : tr("max rate removed (unlimited)"));
  });
  connect(m_bridge, &EngineBridge::copyFinished, this, &RunPage::onFinished);
  connect(m_bridge, &EngineBridge::copyAbandoned, this, &RunPage::onAbandoned);
  connect(m_bridge, &EngineBridge::statePathResolved, this, &RunPage::onStatePathResolved);
  // While a run is on: the engine's warnings, and what a resumed run says of the source.
  connect(m_bridge, &EngineBridge::engineMessage, this, [this](int level, const QString& text) {
    if (!isRunning() && m_abandonId == 0) return;
    if (level >= static_cast<int>(core::LogLevel::Warning)) {
      log(tr("warning: %1").arg(text), true);
    } else if (level == static_cast<int>(core::LogLevel::Info) && text.startsWith(QLatin1String("resume:"))) {
      log(text);
    }
  });
  updateButtons();
  refreshStatePath();
}

RunPage::~RunPage() = default;

void RunPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  updateKeepSlot();
  if (!isRunning()) resolveStatePath();
}

void RunPage::updateKeepSlot() {
  // PostgreSQL keeps its slot, MariaDB its snapshot's binlog and GTID position.
  const auto source = m_specOf(preflight::Role::Source);
  const std::optional<model::Engine> engine = source ? std::optional(source->engine) : std::nullopt;
  if (engine != m_keepSlotEngine) {
    m_keepSlotEngine = engine;
    m_keepSlot->setChecked(engine.has_value());  // the default for a new source; the user's choice stays until it changes
  }
  m_keepSlot->setEnabled(engine.has_value() && !isRunning());
}

QString RunPage::endpointKey() const {
  QString key;
  for (auto role : {preflight::Role::Source, preflight::Role::Target}) {
    if (auto spec = m_specOf(role)) key += q(spec->toUrlWithoutPassword());
    key += QLatin1Char('\n');
  }
  return key;
}

QString RunPage::statePath() const {
  const QString project = m_projectPathOf ? m_projectPathOf() : QString();
  if (!project.isEmpty()) return project + QStringLiteral(".state");
  // Unsaved project: the engine's file for this source and target (named after
  // the servers' identities, in the state folder, not /tmp), once resolved.
  return m_resolvedFor == endpointKey() ? m_resolvedStatePath : QString();
}

void RunPage::resolveStatePath(std::function<void(const QString& path, const QString& error)> then) {
  const QString known = statePath();
  if (!known.isEmpty()) {
    refreshStatePath();
    if (then) then(known, QString());
    return;
  }
  const auto source = m_specOf(preflight::Role::Source);
  const auto target = m_specOf(preflight::Role::Target);
  if (!source || !target) {
    refreshStatePath();
    if (then) then(QString(), tr("Fill in both the source and the target on the Connections page first."));
    return;
  }
  if (then) m_afterStatePath.push_back(std::move(then));
  if (m_stateResolveId != 0 || m_stateResolving) return;  // the answer in flight serves every caller
  m_stateResolving = true;
  const QString key = endpointKey();
  QPointer<RunPage> self(this);
  // Naming the file needs both servers' identities: a connection to each, on the bridge's threads.
  m_passwords->resolvePair(*source, *target, [self, key](connect::ConnectionSpec s, connect::ConnectionSpec t) {
    if (self.isNull()) return;
    self->m_stateResolving = false;
    self->m_stateResolveKey = key;
    self->m_stateResolveId = self->m_bridge->resolveStatePath(s, t);
  });
}

void RunPage::onStatePathResolved(quint64 requestId, const StatePathOutcome& outcome) {
  if (requestId != m_stateResolveId) return;
  m_stateResolveId = 0;
  QString error;
  if (outcome.error) {
    error = q(outcome.error->oneLine());
  } else {
    m_resolvedFor = m_stateResolveKey;
    m_resolvedStatePath = q(outcome.path);
  }
  refreshStatePath();
  emit statePathChanged(statePath());
  auto waiting = std::move(m_afterStatePath);
  m_afterStatePath.clear();
  // The connections may have changed while the answer was on its way: ask again.
  const bool stale = !outcome.error && m_resolvedFor != endpointKey();
  for (auto& then : waiting) {
    if (stale) {
      resolveStatePath(std::move(then));
    } else {
      then(outcome.error ? QString() : statePath(), error);
    }
  }
}

void RunPage::refreshStatePath() {
  const QString path = QDir::toNativeSeparators(m_copyId != 0 && !m_runStatePath.isEmpty() ? m_runStatePath : statePath());
  if (path.isEmpty()) {
    m_statePath->setText(tr("Run state: one file per source and target in %1 (named once both are reachable)")
                             .arg(QDir::toNativeSeparators(q(run::stateDirectory()))));
  } else {
    const bool exists = QFile::exists(path);
    m_statePath->setText(tr("Run state: %1%2").arg(path, exists ? tr("  (a previous run is there)") : QString()));
  }
  m_statePath->setToolTip(m_projectPathOf && !m_projectPathOf().isEmpty()
                              ? tr("Next to the project file.")
                              : tr("The project is unsaved: a file named after the source and target servers "
                                   "(their identities, not the URLs), kept across reboots."));
}

void RunPage::setMaxRowsPerSecond(qint64 rate) { m_maxRate->setValue(static_cast<int>(std::clamp<qint64>(rate, 0, m_maxRate->maximum()))); }

void RunPage::setJobs(int jobs) { m_jobs->setValue(jobs); }

QString RunPage::errorText() const { return m_error->text(); }

QString RunPage::logText() const { return m_log->toPlainText(); }

void RunPage::setError(const QString& text) {
  m_error->setVisible(!text.isEmpty());
  m_error->setText(text);
  m_error->setToolTip(text);
}

void RunPage::log(const QString& text, bool error) {
  const double at = m_last.elapsedSeconds;
  const QString line = QStringLiteral("[%1] %2").arg(formatDuration(at), text);
  if (error) {
    m_log->appendHtml(QStringLiteral("<span style=\"color:%1\">%2</span>")
                          .arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name(), line.toHtmlEscaped()));
  } else {
    m_log->appendPlainText(line);
  }
}

void RunPage::updateButtons() {
  const bool running = isRunning();
  m_start->setEnabled(!running);
  m_pause->setEnabled(m_copyId != 0 && !m_paused);
  m_resume->setEnabled(m_copyId != 0 && m_paused);
  m_cancel->setEnabled(m_copyId != 0);
  for (QWidget* w : std::initializer_list<QWidget*>{m_jobs, m_onError, m_dataOnly, m_resumePrevious}) w->setEnabled(!running);
  updateKeepSlot();
}

bool RunPage::confirmStartOver(const QString& path) {
  m_abandonPrevious = false;
  if (!QFile::exists(path)) return true;
  const auto answer = QMessageBox::question(
      this, tr("Start a new run"),
      tr("A previous run's state is in %1.\n\nStart over? The previous run is given up: its replication slots on "
         "the source are dropped and its state is deleted. (Tick \"Resume previous run\" to continue it instead.)")
          .arg(QDir::toNativeSeparators(path)),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer != QMessageBox::Yes) return false;
  m_abandonPrevious = true;
  return true;
}

void RunPage::onAbandoned(quint64 requestId, const AbandonOutcome& outcome) {
  if (requestId != m_abandonId || !m_afterAbandon) return;
  m_abandonId = 0;
  if (outcome.error) {
    log(tr("could not give up the previous run cleanly: %1 — check pg_replication_slots on the source for slots "
           "named ferry_… it may have left")
            .arg(QString::fromStdString(outcome.error->oneLine())),
        true);
  } else {
    QStringList names;
    for (const auto& n : outcome.slotsDropped) names << QString::fromStdString(n);
    log(names.isEmpty() ? tr("previous run given up (it had no replication slot left)")
                        : tr("previous run given up: dropped replication slot %1").arg(names.join(QStringLiteral(", "))));
  }
  for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".rejects.jsonl")})
    QFile::remove(m_runStatePath + suffix);
  m_abandonPrevious = false;
  auto request = std::move(*m_afterAbandon);
  m_afterAbandon.reset();
  send(std::move(request));
}

void RunPage::start() {
  if (isRunning()) return;
  setError(QString());
  const auto source = m_specOf(preflight::Role::Source);
  const auto target = m_specOf(preflight::Role::Target);
  if (!source || !target) {
    setError(tr("Fill in both the source and the target on the Connections page first."));
    return;
  }
  m_resolving = true;
  m_spinner->start();
  updateButtons();
  QPointer<RunPage> self(this);
  resolveStatePath([self](const QString& path, const QString& error) {
    if (self.isNull()) return;
    if (!error.isEmpty()) {
      self->m_resolving = false;
      self->m_spinner->stop();
      self->setError(error);
      self->updateButtons();
      emit self->finished(false);
      return;
    }
    self->startWith(path);
  });
}

void RunPage::startWith(const QString& path) {
  const auto source = m_specOf(preflight::Role::Source);
  const auto target = m_specOf(preflight::Role::Target);
  auto stopStarting = [this](const QString& error) {
    m_resolving = false;
    m_spinner->stop();
    setError(error);
    updateButtons();
  };
  if (!source || !target) return stopStarting(tr("Fill in both the source and the target on the Connections page first."));
  const bool resumeRun = m_resumePrevious->isChecked();
  if (resumeRun && !QFile::exists(path)) {
    return stopStarting(tr("No previous run to resume: %1 does not exist.").arg(QDir::toNativeSeparators(path)));
  }
  if (!resumeRun && !confirmStartOver(path)) return stopStarting(QString());

  run::CopyRequest request;
  request.source = *source;
  request.target = *target;
  request.project = m_projectOf ? m_projectOf() : plan::Project{};
  request.options.jobs = m_jobs->value();
  request.options.maxRowsPerSecond = m_maxRate->value();
  request.options.onError = m_onError->currentIndex() == 1 ? copy::OnError::Skip : copy::OnError::Stop;
  request.options.dataOnly = m_dataOnly->isChecked();
  updateKeepSlot();
  request.options.keepSlot = m_keepSlot->isChecked() && source->engine == model::Engine::PostgreSQL;
  request.options.resume = resumeRun;
  request.options.statePath = path.toStdString();
  request.options.rejectPath = (path + QStringLiteral(".rejects.jsonl")).toStdString();

  m_runStatePath = path;
  m_model->clear();
  m_chart->clear();
  m_log->clear();
  m_rates.clear();
  m_tableStatus.clear();
  m_last = run::CopyProgress{};
  m_rowsDone = 0;
  m_paused = false;
  m_overall->setText(tr("<b>Starting</b> — resolving passwords…"));
  updateRejects(0);
  log(resumeRun ? tr("resuming the run in %1").arg(QDir::toNativeSeparators(path))
                : tr("new run: %1 → %2 (run state %3)")
                      .arg(q(source->display()), q(target->display()), QDir::toNativeSeparators(path)));
  refreshStatePath();
  // Passwords may come from the keychain (asynchronous).
  m_passwords->resolveRequest<run::CopyRequest>(this, std::move(request), [this](run::CopyRequest r) { send(std::move(r)); });
}

void RunPage::send(run::CopyRequest request) {
  if (m_abandonPrevious) {
    log(tr("giving up the previous run: dropping its replication slots"));
    m_afterAbandon = std::move(request);
    m_abandonId = m_bridge->abandonCopy(m_afterAbandon->source, m_runStatePath.toStdString());
    return;
  }
  m_resolving = false;
  m_copyId = m_bridge->startCopy(std::move(request));
  m_poller->start();
  updateButtons();
  emit started();
}

void RunPage::pause() {
  if (m_copyId == 0 || m_paused || !m_bridge->pauseCopy(m_copyId)) return;
  m_paused = true;
  log(tr("paused"));
  updateButtons();
}

void RunPage::resume() {
  if (m_copyId == 0 || !m_paused || !m_bridge->resumeCopy(m_copyId)) return;
  m_paused = false;
  log(tr("resumed"));
  updateButtons();
}

void RunPage::cancel() {
  if (m_copyId == 0 || !m_bridge->cancelCopy(m_copyId)) return;
  m_paused = false;
  log(tr("cancelling: the workers finish their current batch"));
  m_cancel->setEnabled(false);
  m_pause->setEnabled(false);
}

void RunPage::poll() {
  if (m_copyId == 0) return;
  if (auto progress = m_bridge->copyProgress(m_copyId)) apply(*progress);
}

void RunPage::onFinished(quint64 copyId, const CopyOutcome& outcome) {
  if (copyId != m_copyId) return;
  m_poller->stop();
  apply(outcome.last);
  m_copyId = 0;
  m_paused = false;
  m_spinner->stop();
  if (outcome.error) {
    // oneLine() carries no password: specs print themselves without one.
    const QString line = q(outcome.error->oneLine());
    setError(line);
    log(line, true);
  } else {
    const auto& s = *outcome.summary;
    const double secs = std::max(0.001, s.final.elapsedSeconds);
    QString text = tr("done: %1 rows, %2 MB in %3 (%4 rows/s), %5 rejected")
                       .arg(number(s.final.rowsWritten))
                       .arg(static_cast<double>(s.final.bytes) / 1e6, 0, 'f', 1)
                       .arg(formatDuration(s.final.elapsedSeconds))
                       .arg(number(static_cast<std::int64_t>(static_cast<double>(s.final.rowsWritten) / secs)))
                       .arg(number(s.final.rowsRejected));
    if (s.lockMilliseconds > 0) text += tr(", global read lock held %1 ms").arg(s.lockMilliseconds, 0, 'f', 0);
    log(text);
  }
  updateButtons();
  refreshStatePath();
  emit finished(!outcome.error.has_value());
}

void RunPage::apply(const run::CopyProgress& p) {
  if (p.phase != m_last.phase && !p.phase.empty()) {
    const QString extra = p.phase == "copying" && !p.snapshot.empty() ? tr(" from snapshot %1").arg(q(p.snapshot)) : QString();
    m_last.elapsedSeconds = p.elapsedSeconds;
    log(tr("phase: %1%2").arg(q(p.phase), extra));
  }
  m_model->update(p);
  std::int64_t rows = 0;
  std::int64_t estimated = 0;
  for (const auto& t : p.tables) {
    const bool copied = t.dataCopied();
    rows += copied ? t.rowsWritten : std::max(t.rowsRead, t.rowsWritten);
    estimated += copied ? t.rowsWritten : std::max(t.estimatedRows, t.rowsRead);
    const QString name = q(t.schema) + QLatin1Char('.') + q(t.table);
    QString& before = m_tableStatus[name];
    // A table's index builds start right after its last chunk: a poll may see
    // "indexing" or "indexed" without ever seeing "copied".
    const bool wasCopied = before == QLatin1String("copied") || before == QLatin1String("indexing") ||
                           before == QLatin1String("indexed");
    if (before != q(t.status) && ((copied && !wasCopied) || t.status == "failed")) {
      m_last.elapsedSeconds = p.elapsedSeconds;
      log(copied ? tr("%1 copied: %2 rows").arg(name, number(t.rowsWritten)) : tr("%1 failed").arg(name),
          t.status == "failed");
    }
    before = q(t.status);
  }
  m_last = p;
  m_rowsDone = rows;

  m_rates.add(p.elapsedSeconds, rows, p.bytes);
  double rowRate = m_rates.rate(0);
  double mbRate = m_rates.rate(1) / 1e6;
  if (p.phase == "done" && p.elapsedSeconds > 0) {  // the whole run's average, not the last seconds'
    rowRate = static_cast<double>(rows) / p.elapsedSeconds;
    mbRate = static_cast<double>(p.bytes) / 1e6 / p.elapsedSeconds;
  }
  const bool moving = p.phase == "copying" || p.phase == "indexing" || p.phase == "done";
  if (moving && !p.tables.empty() && p.phase != "done") {
    m_chart->addSample(kRowsSeries, p.elapsedSeconds, rowRate);
    m_chart->addSample(kMegabytesSeries, p.elapsedSeconds, mbRate);
  }

  QStringList parts;
  parts << tr("<b>%1</b>").arg(q(p.phase.empty() ? std::string("starting") : p.phase).toHtmlEscaped());
  if (m_paused) parts.back() += tr(" <b>(paused)</b>");
  parts << tr("%1 of ~%2 rows").arg(number(rows), number(std::max(rows, estimated)));
  parts << tr("%1 MB").arg(static_cast<double>(p.bytes) / 1e6, 0, 'f', 1);
  parts << tr("%1 rows/s%2").arg(number(std::llround(rowRate)), p.phase == "done" ? tr(" (average)") : QString());
  parts << tr("%1 MB/s").arg(mbRate, 0, 'f', 2);
  parts << tr("elapsed %1").arg(formatDuration(p.elapsedSeconds));
  if (p.phase == "copying" && rowRate > 1 && estimated > rows)
    parts << tr("ETA %1").arg(formatDuration(static_cast<double>(estimated - rows) / rowRate));
  QString text = parts.join(QStringLiteral(" · "));
  text += QStringLiteral("<br>") + tr("Snapshot: %1").arg(p.snapshot.empty() ? tr("(not taken yet)") : q(p.snapshot).toHtmlEscaped());
  m_overall->setText(text);
  updateRejects(p.rowsRejected);
}

void RunPage::updateRejects(std::int64_t rejected) {
  m_rejectCount->setText(tr("Rejected rows: <b>%1</b>").arg(number(rejected)));
  const QString path = QDir::toNativeSeparators(m_runStatePath.isEmpty() ? rejectPath() : m_runStatePath + QStringLiteral(".rejects.jsonl"));
  const bool exists = rejected > 0 && QFile::exists(path);
  m_rejectPath->setText(exists ? path : tr("(no reject file: no row was rejected)"));
  m_openRejects->setEnabled(exists);
  m_openRejects->setProperty("rejectFile", exists ? path : QString());
}

}  // namespace ferry::app
