// Offscreen GUI test of the Assessment page against the sandbox servers:
// MariaDB ferry_demo → PostgreSQL. Runs the assessment (off the GUI thread,
// event-loop gaps measured), filters, overrides a column and sees it re-evaluated
// at once (on the bridge's threads), checks the DDL preview, exports the HTML report, saves and reopens the
// project, and diffs against an empty PostgreSQL database. Writes a screenshot of
// each state for a human to look at.

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFont>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include "gui_test_support.h"
#include "app/assessment/assessment_page.h"
#include "app/assessment/assessment_table_model.h"
#include "app/assessment/override_editor.h"
#include "app/connections/connection_editor.h"
#include "app/main_window.h"
#include "connect/connection_spec.h"

using ferry::app::AssessmentPage;
using ferry::app::AssessmentTableModel;
using ferry::app::MainWindow;

namespace {

// Reading the demo catalog and mapping it takes about a second on the loopback
// sandbox; 60 s only guards against a hung server.
constexpr int kServerTimeoutMs = 60000;
const char* const kDiffDatabase = "ferry_t_gui_diff";

namespace guitest = ferry::guitest;
using guitest::child;

}  // namespace

class AssessmentPageTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void runShowsEveryColumn();
  void filterBySeverity();
  void overrideReevaluatesAtOnce();
  void clearOverrideRestoresFerrysType();
  void exportReport();
  void overridePersistsInProject();
  void diffAgainstEmptyTarget();
  void cleanupTestCase();

private:
  void shoot(const QString& name);
  /// Clicks "Run assessment" and runs the event loop until it finishes,
  /// returning the longest gap a 10 ms timer saw meanwhile.
  qint64 runMeasuringGaps();
  /// The model row of `table`.`column` in ferry_demo (fails the test when absent).
  int rowOf(const char* table, const char* column);
  QString cell(int row, int column) const;
  /// Waits for the re-evaluation of an edit; true when it was applied.
  bool waitEvaluated(QSignalSpy& spy);

  QString m_mysqlUrl;
  QString m_pgUrl;
  QString m_shotDir;
  QTemporaryDir m_tmp;
  std::unique_ptr<MainWindow> m_window;
  AssessmentPage* m_page = nullptr;
};

void AssessmentPageTest::initTestCase() {
  const guitest::Sandbox sandbox = guitest::loadSandbox();
  m_mysqlUrl = sandbox.mysqlUrl;
  m_pgUrl = sandbox.pgUrl;
  m_shotDir = sandbox.shotDir;
  if (m_mysqlUrl.isEmpty() || m_pgUrl.isEmpty()) QFAIL(guitest::sandboxHint());
  QVERIFY(m_tmp.isValid());

  // An empty PostgreSQL database for the schema diff (psql: CREATE DATABASE cannot run in a transaction).
  for (const QString& sql : {QStringLiteral("DROP DATABASE IF EXISTS %1").arg(QLatin1String(kDiffDatabase)),
                             QStringLiteral("CREATE DATABASE %1").arg(QLatin1String(kDiffDatabase))}) {
    QProcess psql;
    psql.start(QStringLiteral("psql"), {m_pgUrl, QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                                        QStringLiteral("-qc"), sql});
    QVERIFY2(psql.waitForFinished(30000), "psql did not finish");
    QVERIFY2(psql.exitCode() == 0, psql.readAllStandardError().constData());
  }

  m_window = std::make_unique<MainWindow>();
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  QVERIFY(!MainWindow::isPlaceholder(QStringLiteral("assessment")));
  m_page = m_window->assessmentPage();
  QVERIFY(m_page);
  QCOMPARE(m_window->page(QStringLiteral("assessment")), m_page);

  auto source = ferry::connect::ConnectionSpec::parse(m_mysqlUrl.toStdString());
  QVERIFY2(source.ok(), "FERRY_TEST_MYSQL_URL does not parse");
  source->database = "ferry_demo";
  m_window->sourceEditor()->setSpec(*source);
  QVERIFY(m_window->targetEditor()->isBlank());
}

qint64 AssessmentPageTest::runMeasuringGaps() {
  return guitest::measureGaps(
      [&] {
        QTest::mouseClick(child<QPushButton>(m_page, "runAssessment"), Qt::LeftButton);
        if (m_page->isRunning() && child<QPushButton>(m_page, "runAssessment")->isEnabled()) {
          qWarning("run button still enabled while running");
        }
      },
      [&] { return !m_page->isRunning(); }, kServerTimeoutMs);
}

int AssessmentPageTest::rowOf(const char* table, const char* column) {
  return m_page->model()->rowOf(QStringLiteral("ferry_demo"), QLatin1String(table), QLatin1String(column));
}

bool AssessmentPageTest::waitEvaluated(QSignalSpy& spy) {
  QElapsedTimer clock;
  clock.start();
  while ((spy.isEmpty() || m_page->isEvaluating()) && clock.elapsed() < kServerTimeoutMs) QTest::qWait(10);
  return !spy.isEmpty() && spy.last().first().toBool() && !m_page->isEvaluating();
}

QString AssessmentPageTest::cell(int row, int column) const {
  return m_page->model()->index(row, column).data().toString();
}

void AssessmentPageTest::runShowsEveryColumn() {
  QVERIFY(m_window->showPage(QStringLiteral("assessment")));
  // No target server: the engine comes from the combo.
  auto* engine = child<QComboBox>(m_page, "targetEngine");
  QVERIFY(engine->isVisible());
  m_page->setTargetEngine(ferry::model::Engine::PostgreSQL);
  QCOMPARE(engine->currentText(), QStringLiteral("PostgreSQL"));

  const qint64 maxGap = runMeasuringGaps();
  QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowCount() > 0, kServerTimeoutMs);
  qInfo("longest event-loop gap while the assessment ran: %lld ms", maxGap);
  QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms").arg(maxGap)));
  const auto eval = m_page->evaluation();
  QVERIFY(eval);
  QCOMPARE(m_page->model()->rowCount(), static_cast<int>(eval->assessment.columns.size()));
  QCOMPARE(eval->assessment.targetEngine, ferry::model::Engine::PostgreSQL);

  const int row = rowOf("customers", "is_active");
  QVERIFY(row >= 0);
  QCOMPARE(cell(row, AssessmentTableModel::SourceTypeColumn), QStringLiteral("tinyint(1)"));
  QCOMPARE(cell(row, AssessmentTableModel::TargetTypeColumn), QStringLiteral("boolean"));
  QCOMPARE(cell(row, AssessmentTableModel::SeverityColumn), QStringLiteral("lossy"));
  QVERIFY(cell(row, AssessmentTableModel::CodesColumn).contains(QStringLiteral("MY2PG_TINYINT1_BOOLEAN")));
  QVERIFY(cell(row, AssessmentTableModel::OverrideColumn).isEmpty());

  // Summary bar, trees, objects and DDL are filled too.
  const auto summary = eval->assessment.summary();
  QCOMPARE(child<QLabel>(m_page, "summary_lossy")->text(),
           QStringLiteral("<b>%1</b> lossy").arg(summary.at(ferry::typemap::Severity::Lossy)));
  QCOMPARE(m_page->objectTable()->rowCount(), static_cast<int>(eval->assessment.objects.size()));
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("CREATE TABLE")));
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"is_active\" boolean")));
  QVERIFY(m_page->selectColumn(QStringLiteral("ferry_demo"), QStringLiteral("customers"), QStringLiteral("email")));
  shoot(QStringLiteral("20-assessment-table"));

  // Trees and diff are filled when their tab shows.
  QCOMPARE(m_page->sourceTree()->model()->rowCount(), 0);
  QVERIFY(m_page->showTab(QStringLiteral("diff")));
  QCOMPARE(m_page->diffTable()->rowCount(), 0);  // no target server: no diff
  QVERIFY(m_page->showTab(QStringLiteral("trees")));
  QVERIFY(m_page->sourceTree()->model()->rowCount() > 0);
  QVERIFY(m_page->targetTree()->model()->rowCount() > 0);
  auto* sourceTree = m_page->sourceTree();
  const auto hits = sourceTree->model()->match(sourceTree->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("customers"),
                                               1, Qt::MatchExactly | Qt::MatchRecursive);
  QVERIFY(!hits.isEmpty());
  sourceTree->expand(hits.first());
  const auto col = sourceTree->model()->match(hits.first(), Qt::DisplayRole, QStringLiteral("is_active"), 1,
                                              Qt::MatchExactly | Qt::MatchRecursive);
  QVERIFY(!col.isEmpty());
  sourceTree->setCurrentIndex(col.first());  // the target tree follows
  QCOMPARE(m_page->targetTree()->currentIndex().data().toString(), QStringLiteral("is_active"));
  QCOMPARE(m_page->targetTree()->currentIndex().siblingAtColumn(1).data().toString(), QStringLiteral("boolean"));
  shoot(QStringLiteral("25-assessment-trees"));
  QVERIFY(m_page->showTab(QStringLiteral("objects")));
  shoot(QStringLiteral("26-assessment-objects"));
  QVERIFY(m_page->showTab(QStringLiteral("mapping")));
}

void AssessmentPageTest::filterBySeverity() {
  const auto eval = m_page->evaluation();
  QVERIFY(eval);
  int lossy = 0;
  for (const auto& c : eval->assessment.columns) lossy += c.mapping.severity == ferry::typemap::Severity::Lossy ? 1 : 0;
  QVERIFY(lossy > 0);
  auto* severity = child<QComboBox>(m_page, "severityFilter");
  severity->setCurrentIndex(severity->findText(QStringLiteral("lossy")));
  QCOMPARE(m_page->proxy()->rowCount(), lossy);
  for (int r = 0; r < m_page->proxy()->rowCount(); ++r)
    QCOMPARE(m_page->proxy()->index(r, AssessmentTableModel::SeverityColumn).data().toString(), QStringLiteral("lossy"));
  QCOMPARE(child<QLabel>(m_page, "mappingCount")->text(),
           QStringLiteral("%1 of %2 columns").arg(lossy).arg(eval->assessment.columns.size()));
  shoot(QStringLiteral("21-assessment-filtered-lossy"));

  // Code and table filters and the search narrow further; sorting by severity puts the worst first.
  auto* code = child<QComboBox>(m_page, "codeFilter");
  code->setCurrentIndex(code->findText(QStringLiteral("MY2PG_TINYINT1_BOOLEAN")));
  const int tinyints = m_page->proxy()->rowCount();
  QVERIFY(tinyints > 0 && tinyints < lossy);
  auto* table = child<QComboBox>(m_page, "tableFilter");
  table->setCurrentIndex(table->findText(QStringLiteral("ferry_demo.customers")));
  QCOMPARE(m_page->proxy()->rowCount(), 1);
  code->setCurrentIndex(0);
  table->setCurrentIndex(0);
  severity->setCurrentIndex(0);
  QCOMPARE(m_page->proxy()->rowCount(), static_cast<int>(eval->assessment.columns.size()));
  m_page->proxy()->setSearchText(QStringLiteral("is_active"));
  QCOMPARE(m_page->proxy()->rowCount(), 1);
  m_page->proxy()->setSearchText(QString());
  m_page->table()->sortByColumn(AssessmentTableModel::SeverityColumn, Qt::DescendingOrder);
  auto worst = ferry::typemap::Severity::Exact;
  for (const auto& c : eval->assessment.columns) worst = ferry::typemap::worse(worst, c.mapping.severity);
  QVERIFY(worst >= ferry::typemap::Severity::Lossy);  // the demo has lossy columns (zero dates, TINYINT(1))
  QCOMPARE(m_page->proxy()->index(0, AssessmentTableModel::SeverityColumn).data().toString(),
           QLatin1String(ferry::typemap::severityName(worst)));
  m_page->table()->sortByColumn(-1, Qt::AscendingOrder);
  m_page->proxy()->sort(-1);
}

void AssessmentPageTest::overrideReevaluatesAtOnce() {
  QVERIFY(m_page->selectColumn(QStringLiteral("ferry_demo"), QStringLiteral("customers"), QStringLiteral("is_active")));
  auto* editor = m_page->overrideEditor();
  QVERIFY(editor->hasColumn());
  QComboBox* tinyint = editor->optionBox(QStringLiteral("tinyint1_as"));
  QVERIFY(tinyint && tinyint->isVisible());
  // Only the options that matter for tinyint(1) are offered.
  QVERIFY(!editor->optionBox(QStringLiteral("enum_as"))->isVisible());
  QVERIFY(!editor->optionBox(QStringLiteral("pg_text_as"))->isVisible());
  tinyint->setCurrentIndex(tinyint->findData(QStringLiteral("smallint")));
  const auto before = m_page->evaluation();
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  QTest::mouseClick(child<QPushButton>(editor, "applyOverride"), Qt::LeftButton);

  // Re-evaluated on the cached catalog (no server is read), off the GUI thread.
  QVERIFY(m_page->isEvaluating());
  QVERIFY(!m_page->isRunning());
  QCOMPARE(m_page->evaluation(), before);  // shown once it is ready
  QVERIFY(waitEvaluated(evaluated));
  QVERIFY(m_page->evaluation() != before);
  const int row = rowOf("customers", "is_active");
  QCOMPARE(cell(row, AssessmentTableModel::TargetTypeColumn), QStringLiteral("smallint"));
  QVERIFY(!cell(row, AssessmentTableModel::OverrideColumn).isEmpty());
  QVERIFY(m_page->model()->index(row, 0).data(AssessmentTableModel::OverriddenRole).toBool());
  QVERIFY(!cell(row, AssessmentTableModel::CodesColumn).contains(QStringLiteral("MY2PG_TINYINT1_BOOLEAN")));
  QVERIFY(cell(row, AssessmentTableModel::SeverityColumn) != QStringLiteral("lossy"));
  // Other tinyint(1) columns keep Ferry's choice.
  QCOMPARE(cell(rowOf("orders", "is_gift"), AssessmentTableModel::TargetTypeColumn), QStringLiteral("boolean"));
  QVERIFY(m_window->isModified());
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"is_active\" smallint")));
  // The editor still shows the column, now with its override.
  QVERIFY(child<QPushButton>(editor, "clearOverride")->isEnabled());
  QCOMPARE(tinyint->currentData().toString(), QStringLiteral("smallint"));
  shoot(QStringLiteral("22-assessment-override"));

  QVERIFY(m_page->showTab(QStringLiteral("ddl")));
  shoot(QStringLiteral("23-assessment-ddl"));
  QVERIFY(m_page->showTab(QStringLiteral("mapping")));
}

void AssessmentPageTest::clearOverrideRestoresFerrysType() {
  ferry::plan::ColumnOverride o;
  o.schema = "ferry_demo";
  o.table = "orders";
  o.column = "is_gift";
  o.targetType = "integer";
  QString error;
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  QVERIFY2(m_page->applyOverride(o, &error), qPrintable(error));
  QVERIFY(waitEvaluated(evaluated));
  const int row = rowOf("orders", "is_gift");
  QCOMPARE(cell(row, AssessmentTableModel::TargetTypeColumn), QStringLiteral("integer"));
  QVERIFY(cell(row, AssessmentTableModel::CodesColumn).contains(QStringLiteral("USER_OVERRIDE")));
  QVERIFY(m_page->selectColumn(QStringLiteral("ferry_demo"), QStringLiteral("orders"), QStringLiteral("is_gift")));
  evaluated.clear();
  QTest::mouseClick(child<QPushButton>(m_page->overrideEditor(), "clearOverride"), Qt::LeftButton);
  QVERIFY(waitEvaluated(evaluated));
  QCOMPARE(cell(row, AssessmentTableModel::TargetTypeColumn), QStringLiteral("boolean"));
  QVERIFY(cell(row, AssessmentTableModel::OverrideColumn).isEmpty());
  QVERIFY(cell(row, AssessmentTableModel::CodesColumn).contains(QStringLiteral("MY2PG_TINYINT1_BOOLEAN")));
}

void AssessmentPageTest::exportReport() {
  const QString path = m_tmp.filePath(QStringLiteral("report.html"));
  QString error;
  QVERIFY2(m_page->exportReport(path, &error), qPrintable(error));
  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray html = file.readAll();
  QVERIFY(html.contains("Action items"));
  QVERIFY(html.contains("customers"));
  QVERIFY(html.contains("smallint"));  // the override is in the report
}

void AssessmentPageTest::overridePersistsInProject() {
  const QString path = m_tmp.filePath(QStringLiteral("demo-assess.ferry.json"));
  QString error;
  QVERIFY2(m_window->saveProjectAs(path, &error), qPrintable(error));
  QVERIFY(!m_window->isModified());
  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
  const QJsonArray overrides = root.value(QStringLiteral("mapping")).toObject().value(QStringLiteral("column_overrides")).toArray();
  QCOMPARE(overrides.size(), 1);
  const QJsonObject o = overrides.first().toObject();
  QCOMPARE(o.value(QStringLiteral("table")).toString(), QStringLiteral("customers"));
  QCOMPARE(o.value(QStringLiteral("column")).toString(), QStringLiteral("is_active"));
  QCOMPARE(o.value(QStringLiteral("options")).toObject().value(QStringLiteral("tinyint1_as")).toString(), QStringLiteral("smallint"));

  // Reopen: the page drops the old results, and the next run applies the saved override.
  QVERIFY2(m_window->openProject(path, &error), qPrintable(error));
  QCOMPARE(m_page->model()->rowCount(), 0);
  runMeasuringGaps();
  QVERIFY2(m_page->model()->rowCount() > 0, qPrintable(child<QLabel>(m_page, "assessmentStatus")->text()));
  const int row = rowOf("customers", "is_active");
  QCOMPARE(cell(row, AssessmentTableModel::TargetTypeColumn), QStringLiteral("smallint"));
  QVERIFY(!cell(row, AssessmentTableModel::OverrideColumn).isEmpty());
  QVERIFY(!m_window->isModified());
}

void AssessmentPageTest::diffAgainstEmptyTarget() {
  auto target = ferry::connect::ConnectionSpec::parse(m_pgUrl.toStdString());
  QVERIFY(target.ok());
  target->database = kDiffDatabase;
  QVERIFY(m_window->showPage(QStringLiteral("connections")));  // as a user would: fill the target, come back
  m_window->targetEditor()->setSpec(*target);
  QVERIFY(m_window->showPage(QStringLiteral("assessment")));
  QVERIFY(!child<QComboBox>(m_page, "targetEngine")->isVisible());
  QVERIFY(child<QLabel>(m_page, "targetLabel")->text().contains(QLatin1String(kDiffDatabase)));

  const qint64 maxGap = runMeasuringGaps();
  QVERIFY(m_page->showTab(QStringLiteral("diff")));
  QTRY_VERIFY_WITH_TIMEOUT(m_page->diffTable()->rowCount() > 0, kServerTimeoutMs);
  QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms").arg(maxGap)));
  QVERIFY(child<QLabel>(m_page, "targetLabel")->text().contains(QStringLiteral("PostgreSQL 15")));
  const auto eval = m_page->evaluation();
  QVERIFY(eval && eval->diff);
  bool customersAdded = false;
  for (const auto& e : eval->diff->entries)
    customersAdded |= e.kind == ferry::assess::DiffKind::Added && e.objectType == "table" && e.table == "customers";
  QVERIFY(customersAdded);
  QCOMPARE(m_page->diffTable()->rowCount(), static_cast<int>(eval->diff->entries.size()));
  QVERIFY(m_page->reconcileText().contains(QStringLiteral("CREATE TABLE")));
  QVERIFY(!child<QLabel>(m_page, "diffStatus")->text().isEmpty());
  QVERIFY(m_page->showTab(QStringLiteral("diff")));
  shoot(QStringLiteral("24-assessment-diff"));
}

void AssessmentPageTest::cleanupTestCase() {
  if (m_window) m_window->newProject();  // nothing to save: no "unsaved changes" question on close
  m_window.reset();
}

void AssessmentPageTest::shoot(const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(m_window->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(AssessmentPageTest)
#include "assessment_page_test.moc"
