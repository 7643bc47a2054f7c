// Offscreen GUI test of the Plan, Cutover and Report pages against the sandbox
// servers and its PgBouncer: a PostgreSQL source copied (keeping its slot) and
// verified, the application (ferry_app) reaching it through PgBouncer. A
// cutover whose budget is spent aborts and says why; a rehearsal cuts over and
// back with the canary's verdict and the step timeline on the page; the Plan
// page lists the rehearsal; a real cutover switches; the Report page builds the
// evidence pack (no password in it) and exports a PDF. Screenshots of each.

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QUrl>

#include <fstream>
#include <memory>

#include "gui_test_support.h"
#include "app/connections/connection_editor.h"
#include "app/cutover/cutover_page.h"
#include "app/main_window.h"
#include "app/plan/plan_page.h"
#include "app/report/report_page.h"
#include "app/run/run_page.h"
#include "connect/connection_spec.h"
#include "run/copy_run.h"
#include "run/verify_run.h"
#include "widgets/live_chart.h"

using ferry::app::CutoverPage;
using ferry::app::MainWindow;

namespace {

const char* const kSourceDb = "ferry_gui_cut_src";
const char* const kTargetDb = "ferry_gui_cut_dst";
const char* const kAlias = "ferry_gui_cut_app";
constexpr int kJobTimeoutMs = 120000;
namespace guitest = ferry::guitest;
using guitest::child;

}  // namespace

class CutoverPageTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void spentBudgetAbortsAndSaysWhy();
  void rehearsalShowsTimelineAndCanary();
  void planListsTheRehearsal();
  void cutOverThenTheEvidencePack();
  void canaryChartGoesOnPastItsLast1500Writes();
  void cleanupTestCase();

private:
  bool psql(const QString& database, const QString& sql, QString* out = nullptr);
  ferry::connect::ConnectionSpec pgSpec(const QString& database) const;
  bool runJob(const std::function<void()>& start);
  void shoot(const QString& name);

  QString m_pgUrl;
  QString m_shotDir;
  QTemporaryDir m_stateDir;
  std::unique_ptr<MainWindow> m_window;
  CutoverPage* m_page = nullptr;
  QString m_statePath;
};

bool CutoverPageTest::psql(const QString& database, const QString& sql, QString* out) {
  const QString url = m_pgUrl.left(m_pgUrl.lastIndexOf(QLatin1Char('/')) + 1) + database;
  QProcess p;
  p.start(QStringLiteral("psql"), {url, QStringLiteral("-XAtq"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                                   QStringLiteral("-c"), sql});
  const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  if (!ok) qWarning("psql failed: %s", p.readAllStandardError().constData());
  if (out) *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
  return ok;
}

ferry::connect::ConnectionSpec CutoverPageTest::pgSpec(const QString& database) const {
  auto spec = ferry::connect::ConnectionSpec::parse(m_pgUrl.toStdString());
  if (!spec) qFatal("FERRY_TEST_PG_URL does not parse");
  spec->database = database.toStdString();
  return *spec;
}

void CutoverPageTest::initTestCase() {
  const guitest::Sandbox sandbox = guitest::loadSandbox();
  m_pgUrl = sandbox.pgUrl;
  m_shotDir = sandbox.shotDir;
  const QString bouncer = qEnvironmentVariable("FERRY_TEST_PGBOUNCER_URL");
  if (m_pgUrl.isEmpty() || bouncer.isEmpty()) QFAIL(guitest::sandboxHint());
  QVERIFY(m_stateDir.isValid());
  qputenv("FERRY_STATE_DIR", m_stateDir.path().toUtf8());
  const QString app = qEnvironmentVariable("FERRY_TEST_APP_USER");
  for (const char* db : {kSourceDb, kTargetDb}) {
    QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                                         "WHERE database = '%1' AND NOT active").arg(QLatin1String(db))));
    QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(QLatin1String(db))));
    QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("CREATE DATABASE %1").arg(QLatin1String(db))));
  }
  QVERIFY(psql(QLatin1String(kSourceDb),
               QStringLiteral("CREATE TABLE items (id bigserial PRIMARY KEY, v int NOT NULL); "
                              "INSERT INTO items (v) SELECT g FROM generate_series(1, 3000) g; "
                              "GRANT SELECT, INSERT, UPDATE, DELETE ON items TO %1; GRANT USAGE ON SEQUENCE items_id_seq TO %1")
                   .arg(app)));

  m_window = std::make_unique<MainWindow>();
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  for (const char* name : {"plan", "cutover", "report"}) QVERIFY(!MainWindow::isPlaceholder(QLatin1String(name)));
  m_page = m_window->cutoverPage();
  QVERIFY(m_page);
  const auto source = pgSpec(QLatin1String(kSourceDb));
  const auto target = pgSpec(QLatin1String(kTargetDb));
  m_window->sourceEditor()->setSpec(source);
  m_window->targetEditor()->setSpec(target);
  bool answered = false;
  m_window->runPage()->resolveStatePath([&](const QString& path, const QString&) {
    m_statePath = path;
    answered = true;
  });
  QVERIFY(QTest::qWaitFor([&] { return answered; }, 30000));
  QVERIFY(!m_statePath.isEmpty());
  ferry::run::CopyRequest copy;
  copy.source = source;
  copy.target = target;
  copy.options.statePath = m_statePath.toStdString();
  copy.options.keepSlot = true;
  ferry::run::CopyRun run(copy);
  auto copied = run.run({});
  QVERIFY2(copied.ok(), copied.ok() ? "" : copied.error().oneLine().c_str());
  ferry::run::VerifyRequest verify;
  verify.source = source;
  verify.target = target;
  verify.options.live.syncStatePath = m_statePath.toStdString();
  ferry::run::VerifyRun v(verify);
  auto verified = v.run({});
  QVERIFY(verified.ok() && verified->identical());
  QVERIFY(psql(QLatin1String(kTargetDb), QStringLiteral("GRANT SELECT, INSERT, UPDATE, DELETE ON items TO %1; "
                                                        "GRANT USAGE ON SEQUENCE items_id_seq TO %1").arg(app)));
  // PgBouncer's alias for the application, on the source.
  const QString include = qEnvironmentVariable("FERRY_TEST_PGBOUNCER_INCLUDE");
  std::ofstream(include.toStdString(), std::ios::trunc)
      << kAlias << " = host=127.0.0.1 port=" << source.effectivePort() << " dbname=" << kSourceDb << "\n";
  const QString admin = qEnvironmentVariable("FERRY_TEST_PGBOUNCER_ADMIN_URL");
  QProcess reload;
  reload.start(QStringLiteral("psql"), {admin, QStringLiteral("-XAtq"), QStringLiteral("-c"), QStringLiteral("RELOAD")});
  QVERIFY(reload.waitForFinished(30000) && reload.exitCode() == 0);

  QVERIFY(m_window->showPage(QStringLiteral("cutover")));
  QTRY_COMPARE_WITH_TIMEOUT(m_page->statePath(), m_statePath, 30000);
  m_page->setFence(QStringLiteral("pgbouncer"));
  m_page->setPgBouncer(admin, QLatin1String(kAlias), include);
  auto canary = ferry::connect::ConnectionSpec::parse(bouncer.toStdString());
  QVERIFY(canary.ok());
  QString canaryUrl = QStringLiteral("postgresql://%1:%2@%3:%4/%5")
                          .arg(app, qEnvironmentVariable("FERRY_TEST_APP_PASSWORD"), QString::fromStdString(canary->host))
                          .arg(canary->effectivePort())
                          .arg(QLatin1String(kAlias));
  m_page->setCanaryUrl(canaryUrl);
  m_page->setStableSeconds(1);
}

bool CutoverPageTest::runJob(const std::function<void()>& start) {
  QSignalSpy done(m_page, &CutoverPage::finished);
  start();
  if (!done.wait(kJobTimeoutMs)) return false;
  return true;
}

void CutoverPageTest::spentBudgetAbortsAndSaysWhy() {
  m_page->setMaxPauseMs(1);
  QVERIFY(runJob([this] { m_page->cutOver(true); }));
  QVERIFY(m_page->lastOutcome() && m_page->lastOutcome()->report);
  QCOMPARE(QString::fromStdString(m_page->lastOutcome()->report->result), QStringLiteral("aborted"));
  QVERIFY2(m_page->resultText().contains(QStringLiteral("aborted")), qPrintable(m_page->resultText()));
  QVERIFY(child<QTableWidget>(m_page, "cutoverGates")->rowCount() >= 5);
  shoot(QStringLiteral("48-cutover-aborted"));
  m_page->setMaxPauseMs(2000);
}

void CutoverPageTest::rehearsalShowsTimelineAndCanary() {
  QVERIFY(runJob([this] { m_page->rehearse(); }));
  const auto& o = m_page->lastOutcome();
  QVERIFY(o && o->rehearsal);
  QCOMPARE(QString::fromStdString(o->rehearsal->result), QStringLiteral("rehearsed"));
  QVERIFY(o->rehearsal->cutover.canary && o->rehearsal->rollback && o->rehearsal->rollback->canary);
  QCOMPARE(o->rehearsal->cutover.canary->lost, 0);
  QCOMPARE(o->rehearsal->rollback->canary->lost, 0);
  QVERIFY(child<QTableWidget>(m_page, "cutoverSteps")->rowCount() >= 6);
  QVERIFY(child<ferry::widgets::LiveChart>(m_page, "canaryChart")->sampleCount(QStringLiteral("acknowledged")) > 10);
  QVERIFY2(m_page->resultText().contains(QStringLiteral("0 lost")), qPrintable(m_page->resultText()));
  shoot(QStringLiteral("49-cutover-rehearsed"));
}

void CutoverPageTest::planListsTheRehearsal() {
  auto* plan = m_window->planPage();
  QVERIFY(m_window->showPage(QStringLiteral("plan")));
  QSignalSpy loaded(plan, &ferry::app::PlanPage::loaded);
  plan->refresh();
  QVERIFY(loaded.wait(30000));
  QCOMPARE(loaded.last().at(0).toBool(), true);
  QCOMPARE(plan->rehearsalRows(), 1);
  QVERIFY2(plan->stepsText().contains(QStringLiteral("write pause p50")), qPrintable(plan->stepsText()));
  QVERIFY2(plan->stepsText().contains(QStringLiteral("identical")), qPrintable(plan->stepsText()));
  shoot(QStringLiteral("50-plan"));
}

void CutoverPageTest::cutOverThenTheEvidencePack() {
  QVERIFY(m_window->showPage(QStringLiteral("cutover")));
  QVERIFY(runJob([this] { m_page->cutOver(true); }));
  QVERIFY(m_page->lastOutcome() && m_page->lastOutcome()->report);
  QCOMPARE(QString::fromStdString(m_page->lastOutcome()->report->result), QStringLiteral("switched"));
  shoot(QStringLiteral("51-cutover-switched"));

  auto* report = m_window->reportPage();
  QVERIFY(m_window->showPage(QStringLiteral("report")));
  QSignalSpy built(report, &ferry::app::ReportPage::built);
  report->refresh();
  QVERIFY(built.wait(60000));
  QCOMPARE(built.last().at(0).toBool(), true);
  const QString html = report->html();
  QVERIFY(html.contains(QStringLiteral("Migration evidence")));
  QVERIFY(html.contains(QStringLiteral("Rehearsal 1")));
  QVERIFY(html.contains(QStringLiteral("Way back")));
  QVERIFY(!html.contains(QStringLiteral("ferry-sandbox")));  // no password
  QVERIFY(!html.contains(qEnvironmentVariable("FERRY_TEST_APP_PASSWORD")));
  const QString pdf = QDir(m_stateDir.path()).filePath(QStringLiteral("evidence.pdf"));
  QString error;
  QVERIFY2(report->exportPdf(pdf, &error), qPrintable(error));
  QFile f(pdf);
  QVERIFY(f.open(QIODevice::ReadOnly));
  QCOMPARE(f.read(4), QByteArray("%PDF"));
  shoot(QStringLiteral("52-report"));
  // The lag chart is painted for the view (Qt's rich text shows no SVG).
  auto* view = report->findChild<QTextBrowser*>(QStringLiteral("evidenceView"));
  QVERIFY(view != nullptr);
  const QImage chart = view->document()->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("ferry-chart:1"))).value<QImage>();
  QVERIFY(!chart.isNull());
  QVERIFY(chart.pixelColor(chart.width() / 2, 2) != chart.pixelColor(chart.width() / 2, chart.height() / 2) ||
          chart.pixelColor(100, 100) != QColor(Qt::white));
  QVERIFY(view->find(QStringLiteral("p99 of the last minute")));  // the legend under the chart: scrolled into view
  shoot(QStringLiteral("53-report-lag"));
}

void CutoverPageTest::canaryChartGoesOnPastItsLast1500Writes() {
  // The progress hands over the canary's last 1,500 writes; a long gate wait
  // has more. Every write is charted once, including those after the 1,500th.
  auto progress = [](std::size_t first, std::size_t count) {
    ferry::run::CutoverProgress p;
    p.stage = "long";
    p.canaryFirst = first;
    for (std::size_t i = first; i < first + count; ++i) p.canary.emplace_back(static_cast<double>(i) * 0.02, 3.0, true);
    return p;
  };
  m_page->showProgress(progress(0, 1500));
  auto* chart = child<ferry::widgets::LiveChart>(m_page, "canaryChart");
  QCOMPARE(chart->sampleCount(QStringLiteral("acknowledged")), 1500);
  m_page->showProgress(progress(7, 1500));
  QCOMPARE(chart->sampleCount(QStringLiteral("acknowledged")), 1507);
  m_page->showProgress(progress(7, 1500));  // nothing new: nothing charted twice
  QCOMPARE(chart->sampleCount(QStringLiteral("acknowledged")), 1507);
}

void CutoverPageTest::cleanupTestCase() {
  m_window.reset();
  std::ofstream(qEnvironmentVariable("FERRY_TEST_PGBOUNCER_INCLUDE").toStdString(), std::ios::trunc) << "";
}

void CutoverPageTest::shoot(const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(m_window->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(CutoverPageTest)
#include "cutover_page_test.moc"
