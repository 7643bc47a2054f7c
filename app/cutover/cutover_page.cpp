#include "app/cutover/cutover_page.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "widgets/live_chart.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

void showUrl(QLineEdit* field, const QString& url, std::optional<std::string>& password);

void setRow(QTableWidget* t, int row, const QStringList& cells, const QColor& color = QColor()) {
  if (t->rowCount() <= row) t->setRowCount(row + 1);
  for (int c = 0; c < cells.size(); ++c) {
    auto* item = t->item(row, c);
    if (!item) {
      item = new QTableWidgetItem;
      t->setItem(row, c, item);
    }
    item->setText(cells[c]);
    if (color.isValid()) item->setForeground(color);
  }
}

}  // namespace

CutoverPage::CutoverPage(EngineBridge* bridge, SpecProvider specOf, ProjectProvider projectOf, QWidget* parent)
    : QWidget(parent), m_bridge(bridge), m_specOf(std::move(specOf)), m_projectOf(std::move(projectOf)) {
  buildUi();
  m_poll = new QTimer(this);
  m_poll->setInterval(kPollMs);
  connect(m_poll, &QTimer::timeout, this, &CutoverPage::poll);
  connect(m_bridge, &EngineBridge::cutoverFinished, this, &CutoverPage::onFinished);
  updateButtons();
}

CutoverPage::~CutoverPage() = default;

void CutoverPage::buildUi() {
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("<b>Cutover</b> — stop writes on the source briefly, drain the stream to exactly the fence "
                              "position, set the sequences and point the application at the target; the old source stays "
                              "fenced and the way back keeps it current. Rehearse first: the rehearsal cuts over and rolls "
                              "back, measuring both pauses, with a canary that proves no acknowledged write was lost."));
  intro->setWordWrap(true);
  layout->addWidget(intro);
  m_stateLabel = new QLabel;
  m_stateLabel->setObjectName(QStringLiteral("cutoverStatePath"));
  layout->addWidget(m_stateLabel);

  auto* top = new QHBoxLayout;
  auto* fenceBox = new QGroupBox(tr("Fence and switch"));
  auto* form = new QFormLayout(fenceBox);
  m_fence = new QComboBox;
  m_fence->setObjectName(QStringLiteral("fenceKind"));
  m_fence->addItem(tr("PgBouncer: pause, repoint, resume (clients wait)"), QStringLiteral("pgbouncer"));
  m_fence->addItem(tr("Read-only: the server refuses the application's writes"), QStringLiteral("read-only"));
  m_fence->addItem(tr("Commands: your own fence, switch and unfence"), QStringLiteral("command"));
  form->addRow(tr("Fence"), m_fence);
  m_pgbAdmin = new QLineEdit;
  m_pgbAdmin->setPlaceholderText(QStringLiteral("postgresql://admin@pgbouncer:6432/pgbouncer"));
  form->addRow(tr("PgBouncer console"), m_pgbAdmin);
  m_pgbDb = new QLineEdit;
  form->addRow(tr("Application's database"), m_pgbDb);
  m_pgbInclude = new QLineEdit;
  m_pgbInclude->setPlaceholderText(tr("the [databases] file PgBouncer includes"));
  form->addRow(tr("Included file"), m_pgbInclude);
  m_fenceCmd = new QLineEdit;
  form->addRow(tr("Fence command"), m_fenceCmd);
  m_switchCmd = new QLineEdit;
  m_switchCmd->setPlaceholderText(tr("gets FERRY_NEW_URL; e.g. your deploy's switch"));
  form->addRow(tr("Switch command"), m_switchCmd);
  m_unfenceCmd = new QLineEdit;
  form->addRow(tr("Unfence command"), m_unfenceCmd);
  top->addWidget(fenceBox, 3);

  auto* limitsBox = new QGroupBox(tr("Gates and budget"));
  auto* limits = new QFormLayout(limitsBox);
  m_canaryUrl = new QLineEdit;
  m_canaryUrl->setObjectName(QStringLiteral("canaryUrl"));
  m_canaryUrl->setPlaceholderText(tr("the application's endpoint, as its role"));
  limits->addRow(tr("Canary through"), m_canaryUrl);
  m_maxLag = new QSpinBox;
  m_maxLag->setRange(10, 600000);
  m_maxLag->setValue(500);
  m_maxLag->setSuffix(tr(" ms"));
  limits->addRow(tr("Lag under"), m_maxLag);
  m_stable = new QSpinBox;
  m_stable->setRange(0, 3600);
  m_stable->setValue(5);
  m_stable->setSuffix(tr(" s"));
  limits->addRow(tr("… for"), m_stable);
  m_maxPause = new QSpinBox;
  m_maxPause->setRange(1, 600000);
  m_maxPause->setValue(2000);
  m_maxPause->setSuffix(tr(" ms"));
  limits->addRow(tr("Pause budget"), m_maxPause);
  m_reverse = new QCheckBox(tr("Prepare the way back (reverse replication)"));
  m_reverse->setChecked(true);
  limits->addRow(m_reverse);
  top->addWidget(limitsBox, 2);
  layout->addLayout(top);

  auto* buttons = new QHBoxLayout;
  m_gatesButton = new QPushButton(tr("Check gates"));
  m_rehearseButton = new QPushButton(tr("Rehearse"));
  m_cutoverButton = new QPushButton(tr("Cut over…"));
  m_abortButton = new QPushButton(tr("Abort"));
  m_rollbackButton = new QPushButton(tr("Roll back…"));
  m_finishButton = new QPushButton(tr("Finish…"));
  for (auto* b : {m_gatesButton, m_rehearseButton, m_cutoverButton, m_abortButton, m_rollbackButton, m_finishButton}) {
    buttons->addWidget(b);
  }
  buttons->addStretch();
  layout->addLayout(buttons);
  connect(m_gatesButton, &QPushButton::clicked, this, &CutoverPage::checkGates);
  connect(m_rehearseButton, &QPushButton::clicked, this, &CutoverPage::rehearse);
  connect(m_cutoverButton, &QPushButton::clicked, this, [this] { cutOver(false); });
  connect(m_abortButton, &QPushButton::clicked, this, &CutoverPage::abort);
  connect(m_rollbackButton, &QPushButton::clicked, this, [this] { rollBack(false); });
  connect(m_finishButton, &QPushButton::clicked, this, [this] { finish(false); });

  m_result = new QLabel;
  m_result->setObjectName(QStringLiteral("cutoverResult"));
  m_result->setWordWrap(true);
  m_result->setTextFormat(Qt::RichText);
  layout->addWidget(m_result);

  auto* middle = new QHBoxLayout;
  m_gates = new QTableWidget(0, 3);
  m_gates->setObjectName(QStringLiteral("cutoverGates"));
  m_gates->setHorizontalHeaderLabels({tr("Gate"), tr("State"), tr("What was seen")});
  m_gates->horizontalHeader()->setStretchLastSection(true);
  m_gates->verticalHeader()->hide();
  m_gates->setEditTriggers(QAbstractItemView::NoEditTriggers);
  middle->addWidget(m_gates, 3);
  m_steps = new QTableWidget(0, 4);
  m_steps->setObjectName(QStringLiteral("cutoverSteps"));
  m_steps->setHorizontalHeaderLabels({tr("Step"), tr("ms"), tr("Pause"), tr("Detail")});
  m_steps->horizontalHeader()->setStretchLastSection(true);
  m_steps->verticalHeader()->hide();
  m_steps->setEditTriggers(QAbstractItemView::NoEditTriggers);
  middle->addWidget(m_steps, 3);
  layout->addLayout(middle, 2);

  m_chart = new widgets::LiveChart;
  m_chart->setObjectName(QStringLiteral("canaryChart"));
  m_chart->setTitle(tr("Canary writes through the application's endpoint: latency"));
  m_chart->addSeries(QStringLiteral("acknowledged"), tr("ms"), widgets::LiveChart::Axis::Left, QColor(0x2471a3));
  m_chart->addSeries(QStringLiteral("refused"), tr("ms"), widgets::LiveChart::Axis::Left, QColor(0xc0392b));
  m_chart->setWindowSeconds(120);
  m_chart->setMinimumHeight(170);
  layout->addWidget(m_chart, 2);
  connect(m_fence, &QComboBox::currentIndexChanged, this, &CutoverPage::updateButtons);
  // A URL typed with its password: the password is kept aside and the field shows "****".
  connect(m_pgbAdmin, &QLineEdit::editingFinished, this, [this] {
    if (!m_pgbAdmin->text().contains(QLatin1String("****"))) showUrl(m_pgbAdmin, m_pgbAdmin->text(), m_pgbPassword);
  });
  connect(m_canaryUrl, &QLineEdit::editingFinished, this, [this] {
    if (!m_canaryUrl->text().contains(QLatin1String("****"))) showUrl(m_canaryUrl, m_canaryUrl->text(), m_canaryPassword);
  });
  setStatePath(QString());
}

void CutoverPage::setStatePath(const QString& path) {
  if (m_jobId != 0) return;
  m_statePath = path;
  m_stateLabel->setText(path.isEmpty() ? tr("Run state: the Run page's file, once both connections are filled in.")
                                       : tr("Run state: %1").arg(path));
  updateButtons();
}

void CutoverPage::setFence(const QString& kind) { m_fence->setCurrentIndex(std::max(0, m_fence->findData(kind))); }
namespace {

/// Shows `url` with its password as "****", keeping the password aside.
void showUrl(QLineEdit* field, const QString& url, std::optional<std::string>& password) {
  auto spec = connect::ConnectionSpec::parse(url.trimmed().toStdString());
  if (!spec) {
    field->setText(url);
    password.reset();
    return;
  }
  password = spec->password;
  field->setText(QString::fromStdString(spec->display()));
}

/// The URL in `field` with the kept password back in place of "****".
core::Result<connect::ConnectionSpec> readUrl(const QLineEdit* field, const std::optional<std::string>& password) {
  auto spec = connect::ConnectionSpec::parse(field->text().trimmed().toStdString());
  if (!spec) return spec;
  if (spec->password && *spec->password == "****" && password) spec->password = password;
  return spec;
}

}  // namespace

void CutoverPage::setPgBouncer(const QString& adminUrl, const QString& database, const QString& includeFile) {
  showUrl(m_pgbAdmin, adminUrl, m_pgbPassword);
  m_pgbDb->setText(database);
  m_pgbInclude->setText(includeFile);
}
void CutoverPage::setCanaryUrl(const QString& url) { showUrl(m_canaryUrl, url, m_canaryPassword); }
void CutoverPage::setStableSeconds(int seconds) { m_stable->setValue(seconds); }
void CutoverPage::setMaxPauseMs(int ms) { m_maxPause->setValue(ms); }
void CutoverPage::setReverse(bool prepareWayBack) { m_reverse->setChecked(prepareWayBack); }

void CutoverPage::updateButtons() {
  const bool idle = m_jobId == 0, have = !m_statePath.isEmpty();
  const QString kind = m_fence->currentData().toString();
  for (auto* w : {static_cast<QWidget*>(m_pgbAdmin), static_cast<QWidget*>(m_pgbDb), static_cast<QWidget*>(m_pgbInclude)}) {
    w->setEnabled(kind == QLatin1String("pgbouncer"));
  }
  m_fenceCmd->setEnabled(kind == QLatin1String("command"));
  m_unfenceCmd->setEnabled(kind == QLatin1String("command"));
  m_gatesButton->setEnabled(idle && have);
  m_rehearseButton->setEnabled(idle && have);
  m_cutoverButton->setEnabled(idle && have);
  m_rollbackButton->setEnabled(idle && have);
  m_finishButton->setEnabled(idle && have);
  m_abortButton->setEnabled(!idle && m_mode != CutoverMode::Finish);
}

std::optional<run::CutoverRequest> CutoverPage::request(QString* error) const {
  auto source = m_specOf(preflight::Role::Source);
  auto target = m_specOf(preflight::Role::Target);
  if (!source || !target) {
    *error = tr("Fill in the source and the target on the Connections page first.");
    return std::nullopt;
  }
  run::CutoverRequest r;
  r.source = *source;
  r.target = *target;
  r.project = m_projectOf();
  auto& o = r.options;
  o.statePath = m_statePath.toStdString();
  auto kind = cutover::parseFenceKind(m_fence->currentData().toString().toStdString());
  o.fence.kind = kind ? *kind : cutover::FenceKind::ReadOnly;
  if (o.fence.kind == cutover::FenceKind::PgBouncer) {
    auto admin = readUrl(m_pgbAdmin, m_pgbPassword);
    if (!admin) {
      *error = tr("The PgBouncer console URL: %1").arg(q(admin.error().oneLine()));
      return std::nullopt;
    }
    o.fence.pgbouncerAdmin = *admin;
    o.fence.pgbouncerDb = m_pgbDb->text().trimmed().toStdString();
    o.fence.pgbouncerInclude = m_pgbInclude->text().trimmed().toStdString();
  }
  o.fence.fenceCommand = m_fenceCmd->text().toStdString();
  o.fence.switchCommand = m_switchCmd->text().toStdString();
  o.fence.unfenceCommand = m_unfenceCmd->text().toStdString();
  if (!m_canaryUrl->text().trimmed().isEmpty()) {
    auto canary = readUrl(m_canaryUrl, m_canaryPassword);
    if (!canary) {
      *error = tr("The canary URL: %1").arg(q(canary.error().oneLine()));
      return std::nullopt;
    }
    o.canary = *canary;
  }
  o.maxLagMs = m_maxLag->value();
  o.stableSeconds = m_stable->value();
  o.maxPauseMs = m_maxPause->value();
  o.noReverse = !m_reverse->isChecked();
  return r;
}

QString CutoverPage::describePlan() const {
  const QString kind = m_fence->currentData().toString();
  QString fence = kind == QLatin1String("pgbouncer")
                      ? tr("PAUSE %1 on PgBouncer (clients wait), then rewrite its line in %2, RELOAD and RESUME pointing at the target")
                            .arg(m_pgbDb->text(), m_pgbInclude->text())
                  : kind == QLatin1String("read-only")
                      ? tr("make the source refuse the application's writes (PostgreSQL: revoke them on the migrated tables; "
                           "MariaDB: read_only = ON) and end sessions holding a write transaction")
                      : tr("run your fence command, then your switch command");
  return tr("<p>Ferry will check the gates, set the target's sequences %1 ahead, %2, then:</p><ol>"
            "<li>%3;</li><li>read the source's position and drain the stream to exactly it;</li>"
            "<li>set the final sequence values and switch the application to the target.</li></ol>"
            "<p>A step that would take the pause past %4 ms aborts and the source takes writes again. After the switch "
            "<b>the old source stays fenced</b>; only the way back writes there.</p>")
      .arg(1000)
      .arg(m_reverse->isChecked() ? tr("prepare the way back (a slot on the target)") : tr("<b>prepare no way back</b>"))
      .arg(fence)
      .arg(m_maxPause->value());
}

void CutoverPage::checkGates() { startJob(CutoverMode::Gates); }
void CutoverPage::rehearse() { startJob(CutoverMode::Rehearse); }

void CutoverPage::cutOver(bool confirmed) {
  if (!confirmed && QMessageBox::question(this, tr("Cut over"), describePlan(), QMessageBox::Ok | QMessageBox::Cancel,
                                          QMessageBox::Cancel) != QMessageBox::Ok) {
    return;
  }
  startJob(CutoverMode::Cutover);
}

void CutoverPage::rollBack(bool confirmed) {
  if (!confirmed &&
      QMessageBox::question(this, tr("Roll back"),
                            tr("Ferry will fence the target, drain the way back into the old source, set its sequences, "
                               "switch the application back and lift the old source's fence. The forward stream then "
                               "starts again from the old source's position."),
                            QMessageBox::Ok | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Ok) {
    return;
  }
  startJob(CutoverMode::Rollback);
}

void CutoverPage::finish(bool confirmed) {
  if (!confirmed &&
      QMessageBox::question(this, tr("Finish the migration"),
                            tr("The way back stops and its slot and publication are dropped: there is no rollback "
                               "afterwards. The old source is left as it is (still fenced)."),
                            QMessageBox::Ok | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Ok) {
    return;
  }
  startJob(CutoverMode::Finish);
}

void CutoverPage::abort() {
  if (m_jobId != 0) m_bridge->abortCutover(m_jobId);
}

void CutoverPage::startJob(CutoverMode mode) {
  if (m_jobId != 0) return;
  QString error;
  auto r = request(&error);
  if (!r) {
    m_result->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(error.toHtmlEscaped()));
    return;
  }
  if (mode == CutoverMode::Rollback && r->options.canary && r->options.fence.kind != cutover::FenceKind::PgBouncer) {
    // The application writes to the target now: the canary starts there.
    connect::ConnectionSpec now = r->target;
    now.user = r->options.canary->user;
    now.password = r->options.canary->password;
    r->options.canary = now;
  }
  m_mode = mode;
  m_gates->setRowCount(0);
  m_steps->setRowCount(0);
  m_chart->clear();
  m_canaryShown = 0;
  m_stage.clear();
  m_last.reset();
  static const char* kNames[] = {"Checking the gates…", "Rehearsing: cutover, then rollback…", "Cutting over…",
                                 "Rolling back…", "Finishing…"};
  m_result->setText(tr(kNames[static_cast<int>(mode)]));
  m_jobId = m_bridge->startCutover(std::move(*r), mode);
  m_poll->start();
  updateButtons();
  emit started();
}

void CutoverPage::poll() {
  if (m_jobId == 0) return;
  if (auto p = m_bridge->cutoverProgress(m_jobId)) showProgress(*p);
}

void CutoverPage::showProgress(const run::CutoverProgress& p) {
  if (p.stage != m_stage.toStdString()) {
    // A rehearsal's second half: a new timeline and canary.
    m_stage = q(p.stage);
    m_steps->setRowCount(0);
    m_chart->clear();
    m_canaryShown = 0;
  }
  for (int i = 0; i < static_cast<int>(p.gates.size()); ++i) {
    const auto& g = p.gates[static_cast<std::size_t>(i)];
    const QString state = g.ok ? tr("passed") : g.forced ? tr("forced") : tr("not yet / failed");
    setRow(m_gates, i, {q(g.name), state, q(g.detail) + (g.fix.empty() ? QString() : QStringLiteral(" — ") + q(g.fix))},
           g.ok ? QColor(0x1e8449) : QColor(0xc0392b));
  }
  for (int i = 0; i < static_cast<int>(p.steps.size()); ++i) {
    const auto& s = p.steps[static_cast<std::size_t>(i)];
    setRow(m_steps, i, {(m_stage.isEmpty() ? QString() : m_stage + QStringLiteral(": ")) + q(s.name), QString::number(s.ms, 'f', 1),
                        s.inPause ? tr("yes") : QString(), q(s.detail)});
  }
  // p.canary holds the writes from number p.canaryFirst on; each is charted once.
  m_canaryShown = std::max(m_canaryShown, p.canaryFirst);
  for (; m_canaryShown < p.canaryFirst + p.canary.size(); ++m_canaryShown) {
    const auto& [t, ms, ok] = p.canary[m_canaryShown - p.canaryFirst];
    m_chart->addSample(ok ? QStringLiteral("acknowledged") : QStringLiteral("refused"), t, ms);
  }
  if (p.phase == "gates") {
    m_result->setText(tr("Gates: heartbeat lag %1 ms, under the limit for %2 s").arg(p.lagMs, 0, 'f', 0).arg(p.stableForSeconds, 0, 'f', 1));
  } else if (p.phase == "fenced") {
    m_result->setText(tr("<b>Fenced</b>: draining to the fence position…"));
  }
}

void CutoverPage::showReport(const run::CutoverReport& r, const QString& title) {
  QString text = QStringLiteral("<b>%1: %2</b>").arg(title.toHtmlEscaped(), q(r.result).toHtmlEscaped());
  if (r.result == "switched" || r.result == "rolled-back") {
    text += tr(" — write pause %1 ms as Ferry timed it").arg(r.writePauseMs, 0, 'f', 1);
  } else if (!r.message.empty()) {
    text += QStringLiteral(" — ") + q((r.abortedBy.empty() ? std::string() : "by " + r.abortedBy + ": ") + r.message).toHtmlEscaped();
  }
  if (r.canary) {
    text += tr("; canary %1 writes acknowledged, <b>%2 lost</b>, client-observed pause %3 ms")
                .arg(r.canary->acknowledged)
                .arg(r.canary->lost)
                .arg(r.canary->grossPauseMs, 0, 'f', 1);
  }
  m_result->setText(m_result->text().startsWith(QLatin1String("<b>")) && m_mode == CutoverMode::Rehearse
                        ? m_result->text() + QStringLiteral("<br>") + text
                        : text);
}

QString CutoverPage::resultText() const { return m_result->text(); }

void CutoverPage::onFinished(quint64 id, const CutoverOutcome& outcome) {
  if (id != m_jobId) return;
  m_jobId = 0;
  m_poll->stop();
  showProgress(outcome.last);
  m_last = outcome;
  bool ok = false;
  if (outcome.error) {
    m_result->setText(QStringLiteral("<span style='color:#c0392b'><b>%1</b> %2</span>")
                          .arg(q(outcome.error->oneLine()).toHtmlEscaped(), q(outcome.error->hint()).toHtmlEscaped()));
  } else if (outcome.rehearsal) {
    m_result->setText(QString());
    showReport(outcome.rehearsal->cutover, tr("Rehearsal, cutover"));
    if (outcome.rehearsal->rollback) showReport(*outcome.rehearsal->rollback, tr("Rehearsal, rollback"));
    ok = outcome.rehearsal->result == "rehearsed";
  } else if (outcome.report) {
    showReport(*outcome.report, outcome.mode == CutoverMode::Gates ? tr("Gates") : outcome.mode == CutoverMode::Rollback ? tr("Rollback") : tr("Cutover"));
    ok = outcome.report->result == "switched" || outcome.report->result == "rolled-back" || outcome.report->result == "gates-passed";
    if (outcome.mode != CutoverMode::Gates) {
      // The whole timeline, with the steps a live poll may have missed.
      m_steps->setRowCount(0);
      for (int i = 0; i < static_cast<int>(outcome.report->steps.size()); ++i) {
        const auto& s = outcome.report->steps[static_cast<std::size_t>(i)];
        setRow(m_steps, i, {q(s.name), QString::number(s.ms, 'f', 1), s.inPause ? tr("yes") : QString(), q(s.detail)});
      }
    }
  } else {
    m_result->setText(tr("<b>Finished</b>: %1").arg(q(outcome.finished).toHtmlEscaped()));
    ok = true;
  }
  updateButtons();
  emit finished(ok);
}

}  // namespace ferry::app
