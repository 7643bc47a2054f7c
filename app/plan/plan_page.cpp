#include "app/plan/plan_page.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QTableWidget* table(const QStringList& headers, const char* name) {
  auto* t = new QTableWidget(0, static_cast<int>(headers.size()));
  t->setObjectName(QLatin1String(name));
  t->setHorizontalHeaderLabels(headers);
  t->horizontalHeader()->setStretchLastSection(true);
  t->verticalHeader()->hide();
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  return t;
}

void addRow(QTableWidget* t, const QStringList& cells) {
  const int r = t->rowCount();
  t->insertRow(r);
  for (int c = 0; c < cells.size(); ++c) t->setItem(r, c, new QTableWidgetItem(cells[c]));
}

QString duration(double seconds) {
  if (seconds < 120) return QObject::tr("%1 s").arg(seconds, 0, 'f', 1);
  if (seconds < 7200) return QObject::tr("%1 min").arg(seconds / 60, 0, 'f', 1);
  return QObject::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

QString when(std::int64_t ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")); }

}  // namespace

PlanPage::PlanPage(EngineBridge* bridge, CheckGates checkGates, QWidget* parent)
    : QWidget(parent), m_bridge(bridge), m_checkGates(std::move(checkGates)) {
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("<b>Plan</b> — the migration's steps for this project, what each took or will take, the "
                              "cutover's gates and the rehearsals so far. The pause estimate comes from the rehearsals."));
  intro->setWordWrap(true);
  layout->addWidget(intro);
  m_stateLabel = new QLabel;
  layout->addWidget(m_stateLabel);
  auto* buttons = new QHBoxLayout;
  m_refresh = new QPushButton(tr("Refresh"));
  m_check = new QPushButton(tr("Check gates now"));
  buttons->addWidget(m_refresh);
  buttons->addWidget(m_check);
  buttons->addStretch();
  layout->addLayout(buttons);
  connect(m_refresh, &QPushButton::clicked, this, &PlanPage::refresh);
  connect(m_check, &QPushButton::clicked, this, [this] {
    if (m_checkGates) m_checkGates();
  });
  m_steps = table({tr("Step"), tr("State"), tr("Estimate / measured")}, "planSteps");
  layout->addWidget(m_steps, 3);
  m_gates = table({tr("Gate"), tr("State"), tr("What was seen")}, "planGates");
  layout->addWidget(m_gates, 2);
  m_rehearsals = table({tr("Rehearsal"), tr("Result"), tr("Cutover pause (Ferry / canary)"), tr("Rollback pause (Ferry / canary)"),
                        tr("Canary acknowledged / lost")},
                       "planRehearsals");
  layout->addWidget(m_rehearsals, 2);
  connect(m_bridge, &EngineBridge::planLoaded, this, &PlanPage::onLoaded);
  setStatePath(QString());
}

void PlanPage::setStatePath(const QString& path) {
  m_statePath = path;
  m_stateLabel->setText(path.isEmpty() ? tr("Run state: the Run page's file, once both connections are filled in.")
                                       : tr("Run state: %1").arg(path));
  m_refresh->setEnabled(!path.isEmpty());
  m_check->setEnabled(!path.isEmpty());
  if (!path.isEmpty()) refresh();
}

void PlanPage::refresh() {
  if (m_statePath.isEmpty()) return;
  m_request = m_bridge->loadPlan(m_statePath.toStdString());
}

void PlanPage::showGates(const std::vector<run::CutoverGate>& gates) {
  m_gates->setRowCount(0);
  for (const auto& g : gates) {
    addRow(m_gates, {q(g.name), g.ok ? tr("passed") : g.forced ? tr("forced") : tr("failed"),
                     q(g.detail) + (g.fix.empty() ? QString() : QStringLiteral(" — ") + q(g.fix))});
    m_gates->item(m_gates->rowCount() - 1, 1)->setForeground(g.ok ? QColor(0x1e8449) : QColor(0xc0392b));
  }
}

void PlanPage::onLoaded(quint64 id, const PlanOutcome& outcome) {
  if (id != m_request) return;
  m_steps->setRowCount(0);
  m_rehearsals->setRowCount(0);
  if (outcome.error) {
    addRow(m_steps, {tr("Run state"), tr("unreadable"), q(outcome.error->oneLine())});
    emit loaded(false);
    return;
  }
  const auto s = nlohmann::json::parse(outcome.summaryJson, nullptr, false);
  if (s.is_discarded()) {
    emit loaded(false);
    return;
  }
  // 1. Copy: measured when it ran, else estimated at 25 MB/s (pre-flight's figure).
  const auto& copy = s["copy"];
  const double bytes = copy.value("bytes", 0.0);
  QString copyText = tr("%1 tables, %2 rows, %3 MiB").arg(copy.value("tables", 0)).arg(copy.value("rows", std::int64_t{0}))
                         .arg(bytes / 1048576.0, 0, 'f', 1);
  if (copy.contains("seconds")) {
    copyText += tr("; copied in %1 (%2 rows/s)").arg(duration(copy.value("seconds", 0.0)))
                    .arg(copy.value("rows", 0.0) / std::max(0.001, copy.value("seconds", 0.0)), 0, 'f', 0);
  }
  addRow(m_steps, {tr("1  Copy"), q(s.value("copy_status", "")), copyText});
  // 2. Catch-up: the sync's last saved lag.
  const auto& sync = s["sync"];
  if (sync.is_object()) {
    const auto& lag = sync["lag_ms"];
    addRow(m_steps, {tr("2  Catch-up (sync)"), q(sync.value("phase", "")),
                     tr("heartbeat lag p50 %1 ms, p99 %2 ms; %3 bytes behind")
                         .arg(lag.value("p50", 0.0), 0, 'f', 0)
                         .arg(lag.value("p99", 0.0), 0, 'f', 0)
                         .arg(sync.value("bytes_behind", std::int64_t{0}))});
  } else {
    addRow(m_steps, {tr("2  Catch-up (sync)"), tr("not started"), tr("ferry sync keeps the target in step")});
  }
  // 3. Verification.
  const auto& v = s["verify"];
  if (v.is_object()) {
    addRow(m_steps, {tr("3  Verify"), v.value("identical", false) ? tr("identical") : tr("differences"),
                     tr("%1 differences, %2%3").arg(v.value("differences", 0)).arg(when(v.value("finished_at_ms", std::int64_t{0})))
                         .arg(v.value("as_of", std::string()).empty() ? QString() : tr(", as of %1").arg(q(v.value("as_of", ""))))});
  } else {
    addRow(m_steps, {tr("3  Verify"), tr("not verified"), tr("the cutover's gate needs an identical verification")});
  }
  // 4. Cutover: the pause from the rehearsals.
  const auto& est = s["pause_estimate"];
  QString pause = tr("no rehearsal yet: rehearse to measure the pause");
  if (est["canary"].is_object()) {
    pause = tr("write pause p50 %1 ms, max %2 ms as clients saw it (canary, %3 switches); Ferry's own p50 %4 ms")
                .arg(est["canary"].value("p50", 0.0), 0, 'f', 0)
                .arg(est["canary"].value("max", 0.0), 0, 'f', 0)
                .arg(est["canary"].value("n", 0))
                .arg(est["ferry"].value("p50", 0.0), 0, 'f', 0);
  } else if (est["ferry"].is_object()) {
    pause = tr("write pause p50 %1 ms, max %2 ms (Ferry's timing; no canary)")
                .arg(est["ferry"].value("p50", 0.0), 0, 'f', 0)
                .arg(est["ferry"].value("max", 0.0), 0, 'f', 0);
  }
  const auto& rec = s["cutover"];
  const std::string phase = rec.is_object() ? rec.value("phase", "") : "";
  addRow(m_steps, {tr("4  Cutover"), phase.empty() ? tr("not cut over") : q(phase), pause});
  addRow(m_steps, {tr("5  Way back, then finish"),
                   phase == "switched" ? (rec.value("reverse_state", std::string()).empty() ? tr("none prepared") : tr("ready"))
                   : phase == "finished" ? tr("finished") : tr("—"),
                   phase == "switched" ? tr("rollback goes back; finish ends the migration after the soak") : QString()});
  // Rehearsals.
  int n = 0;
  for (const auto& r : s["rehearsals"]) {
    auto pauseOf = [](const nlohmann::json& d) {
      if (!d.is_object()) return QStringLiteral("—");
      const double canary = d["client_pause_ms"].is_object() ? d["client_pause_ms"].value("gross", 0.0) : -1;
      return QStringLiteral("%1 / %2 ms").arg(d.value("write_pause_ms", 0.0), 0, 'f', 0).arg(canary < 0 ? QStringLiteral("—") : QString::number(canary, 'f', 0));
    };
    std::int64_t ack = 0, lost = 0;
    for (const char* dir : {"cutover", "rollback"}) {
      if (r[dir].is_object() && r[dir]["canary"].is_object()) {
        ack += r[dir]["canary"].value("acknowledged", std::int64_t{0});
        lost += r[dir]["canary"].value("lost", std::int64_t{0});
      }
    }
    addRow(m_rehearsals, {tr("%1  %2").arg(++n).arg(when(r.value("at_ms", std::int64_t{0}))), q(r.value("result", "")),
                          pauseOf(r["cutover"]), pauseOf(r["rollback"]), tr("%1 / %2").arg(ack).arg(lost)});
  }
  if (n == 0) addRow(m_rehearsals, {tr("none yet"), QString(), QString(), QString(), QString()});
  m_steps->resizeColumnToContents(0);
  m_steps->resizeColumnToContents(1);
  m_rehearsals->resizeColumnsToContents();
  emit loaded(true);
}

QString PlanPage::stepsText() const {
  QStringList lines;
  for (int r = 0; r < m_steps->rowCount(); ++r) {
    QStringList cells;
    for (int c = 0; c < m_steps->columnCount(); ++c) cells << (m_steps->item(r, c) ? m_steps->item(r, c)->text() : QString());
    lines << cells.join(QStringLiteral(" | "));
  }
  return lines.join(QLatin1Char('\n'));
}

int PlanPage::rehearsalRows() const { return m_rehearsals->rowCount(); }

}  // namespace ferry::app
