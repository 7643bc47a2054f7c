// Offscreen GUI test of the workbench against the sandbox servers: fills both
// connection forms, tests them (off the GUI thread), checks the pre-flight rows,
// browses the MariaDB catalog, saves/reopens a project without passwords, and
// writes a screenshot of every page for a human to look at.

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <QTreeView>

#include "gui_test_support.h"
#include "app/bridge/engine_bridge.h"
#include "app/connections/connection_editor.h"
#include "app/connections/preflight_table.h"
#include "app/main_window.h"
#include "app/placeholder_page.h"
#include "app/schema_browser/object_detail_view.h"
#include "app/schema_browser/schema_browser_page.h"
#include "connect/connection_spec.h"
#include "connect/mysql/mysql_connection.h"

using ferry::app::ConnectionEditor;
using ferry::app::MainWindow;

namespace {

// A test connection to a loopback sandbox takes well under a second; 30 s only
// guards against a hung server without making a failure wait for minutes.
constexpr int kServerTimeoutMs = 30000;

namespace guitest = ferry::guitest;
using guitest::child;

}  // namespace

class WorkbenchGuiTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void sourceFieldByField();
  void targetFromPastedUrl();
  void pasteErrorShowsInline();
  void wrongPasswordShowsOneLineError();
  void schemaBrowserShowsDemoTables();
  void projectSavesWithoutPasswords();
  void placeholderPages();
  void cleanupTestCase();

private:
  void shoot(const QString& name);
  /// Runs the real event loop until `editor` finishes its test, measuring the
  /// longest gap a 10 ms timer sees meanwhile (the GUI must stay responsive).
  qint64 runTestMeasuringGaps(ConnectionEditor* editor);

  QString m_mysqlUrl;
  QString m_pgUrl;
  QString m_shotDir;
  std::unique_ptr<MainWindow> m_window;
};

void WorkbenchGuiTest::initTestCase() {
  const guitest::Sandbox sandbox = guitest::loadSandbox();
  m_mysqlUrl = sandbox.mysqlUrl;
  m_pgUrl = sandbox.pgUrl;
  m_shotDir = sandbox.shotDir;
  if (m_mysqlUrl.isEmpty() || m_pgUrl.isEmpty()) QFAIL(guitest::sandboxHint());

  m_window = std::make_unique<MainWindow>();
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  QCOMPARE(m_window->currentPageName(), QStringLiteral("connections"));
}

qint64 WorkbenchGuiTest::runTestMeasuringGaps(ConnectionEditor* editor) {
  return guitest::measureGaps(
      [&] {
        QTest::mouseClick(child<QPushButton>(editor, "testButton"), Qt::LeftButton);
        // Busy state: the button is disabled while the work runs on the bridge's threads.
        if (editor->isTesting() && child<QPushButton>(editor, "testButton")->isEnabled()) {
          qWarning("test button still enabled while testing");
        }
      },
      [&] { return !editor->isTesting(); }, kServerTimeoutMs);
}

void WorkbenchGuiTest::sourceFieldByField() {
  auto parsed = ferry::connect::ConnectionSpec::parse(m_mysqlUrl.toStdString());
  QVERIFY2(parsed.ok(), "FERRY_TEST_MYSQL_URL does not parse");
  ConnectionEditor* source = m_window->sourceEditor();

  auto* engine = child<QComboBox>(source, "engine");
  engine->setCurrentIndex(engine->findText(QStringLiteral("MariaDB")));
  QCOMPARE(child<QSpinBox>(source, "port")->value(), 3306);  // default follows the engine
  QCOMPARE(child<QComboBox>(source, "tlsMode")->currentText(), QStringLiteral("PREFERRED"));  // MySQL spelling
  QTest::keyClicks(child<QLineEdit>(source, "host"), QString::fromStdString(parsed->host));
  child<QSpinBox>(source, "port")->setValue(parsed->effectivePort());
  QTest::keyClicks(child<QLineEdit>(source, "user"), QString::fromStdString(parsed->user));
  QTest::keyClicks(child<QLineEdit>(source, "password"), QString::fromStdString(parsed->password.value_or("")));
  QTest::keyClicks(child<QLineEdit>(source, "database"), QStringLiteral("ferry_demo"));
  QVERIFY(m_window->isModified());
  QVERIFY(m_window->windowTitle().contains(QStringLiteral("[*]")));

  const qint64 maxGap = runTestMeasuringGaps(source);
  auto* version = child<QLabel>(source, "versionLabel");
  QTRY_VERIFY_WITH_TIMEOUT(version->text().contains(QStringLiteral("MariaDB 10.11")), kServerTimeoutMs);
  QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms during the test").arg(maxGap)));
  qInfo("longest event-loop gap while testing the source: %lld ms", maxGap);
  QVERIFY(child<QPushButton>(source, "testButton")->isEnabled());

  auto* table = source->preflightTable();
  QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() > 0, kServerTimeoutMs);
  QCOMPARE(table->statusOf(QStringLiteral("source.binlog_format")), QStringLiteral("pass"));
  QCOMPARE(table->statusOf(QStringLiteral("source.server_id")), QStringLiteral("pass"));
  QCOMPARE(table->rowOf(QStringLiteral("target.binlog_format")), -1);  // only the source role's checks
  QVERIFY(!child<QLabel>(source, "errorLabel")->isVisible());
}

void WorkbenchGuiTest::targetFromPastedUrl() {
  ConnectionEditor* target = m_window->targetEditor();
  auto* paste = child<QLineEdit>(target, "pasteUrl");
  QTest::keyClicks(paste, m_pgUrl);
  QTest::keyClick(paste, Qt::Key_Return);
  QVERIFY(paste->text().isEmpty());  // the pasted URL held a password in clear text
  QCOMPARE(child<QComboBox>(target, "engine")->currentText(), QStringLiteral("PostgreSQL"));
  QCOMPARE(child<QLineEdit>(target, "host")->text(), QStringLiteral("127.0.0.1"));
  QCOMPARE(child<QSpinBox>(target, "port")->value(), QUrl(m_pgUrl).port());
  QCOMPARE(child<QLineEdit>(target, "database")->text(), QStringLiteral("ferry"));
  QVERIFY(!child<QLineEdit>(target, "password")->text().isEmpty());
  QCOMPARE(child<QLineEdit>(target, "password")->echoMode(), QLineEdit::Password);
  QCOMPARE(child<QComboBox>(target, "tlsMode")->currentText(), QStringLiteral("prefer"));

  const qint64 maxGap = runTestMeasuringGaps(target);
  QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(target, "versionLabel")->text().contains(QStringLiteral("PostgreSQL 15")),
                           kServerTimeoutMs);
  QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms during the test").arg(maxGap)));
  auto* table = target->preflightTable();
  QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() > 0, kServerTimeoutMs);
  for (int row = 0; row < table->rowCount(); ++row) {
    const QString id = table->item(row, ferry::app::PreflightTable::StatusColumn)->data(Qt::UserRole).toString();
    QVERIFY2(id.startsWith(QStringLiteral("target.")), qPrintable(id));
  }
  shoot(QStringLiteral("01-connections"));
}

void WorkbenchGuiTest::pasteErrorShowsInline() {
  ConnectionEditor* target = m_window->targetEditor();
  auto* paste = child<QLineEdit>(target, "pasteUrl");
  QTest::keyClicks(paste, QStringLiteral("oracle://scott:tiger@db/orcl"));
  QTest::keyClick(paste, Qt::Key_Return);
  auto* error = child<QLabel>(target, "pasteError");
  QVERIFY(error->isVisible());
  QVERIFY(!error->text().isEmpty());
  QVERIFY(!error->text().contains(QStringLiteral("tiger")));
  QCOMPARE(child<QLineEdit>(target, "host")->text(), QStringLiteral("127.0.0.1"));  // fields untouched
  paste->clear();
  QVERIFY(target->applyUrl(m_pgUrl));
  QVERIFY(!error->isVisible());
}

void WorkbenchGuiTest::wrongPasswordShowsOneLineError() {
  ConnectionEditor* target = m_window->targetEditor();
  auto* password = child<QLineEdit>(target, "password");
  const QString wrong = QStringLiteral("not-the-password-42");
  password->clear();
  QTest::keyClicks(password, wrong);
  runTestMeasuringGaps(target);
  auto* error = child<QLabel>(target, "errorLabel");
  QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), kServerTimeoutMs);
  QVERIFY2(error->text().contains(QStringLiteral("refused the login")), qPrintable(error->text()));
  QVERIFY(!error->text().contains(wrong));
  QVERIFY(!error->text().contains(QStringLiteral("ferry-sandbox")));
  QVERIFY(!error->text().contains(QLatin1Char('\n')));
  QCOMPARE(target->preflightTable()->rowCount(), 0);
  shoot(QStringLiteral("02-connections-wrong-password"));

  // Put the right password back so the rest of the run (and the screenshots) show a working target.
  QVERIFY(target->applyUrl(m_pgUrl));
  runTestMeasuringGaps(target);
  QTRY_VERIFY_WITH_TIMEOUT(target->preflightTable()->rowCount() > 0, kServerTimeoutMs);
  QVERIFY(!error->isVisible());
}

void WorkbenchGuiTest::schemaBrowserShowsDemoTables() {
  // A partitioned table beside the demo's, for the detail view's partitions
  // (dropped again at the end of this test).
  auto spec = ferry::connect::ConnectionSpec::parse(m_mysqlUrl.toStdString());
  QVERIFY(spec.ok());
  spec->database = "ferry_demo";
  auto my = ferry::connect::MySqlConnection::open(*spec);
  QVERIFY2(my.ok(), my.ok() ? "" : my.error().oneLine().c_str());
  QVERIFY((*my)->exec("DROP TABLE IF EXISTS ferry_gui_partitioned").ok());
  QVERIFY((*my)->exec("CREATE TABLE ferry_gui_partitioned (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d)) "
                      "PARTITION BY RANGE COLUMNS (d) SUBPARTITION BY HASH (id) SUBPARTITIONS 2 ("
                      "PARTITION p2025 VALUES LESS THAN ('2026-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))")
              .ok());
  QVERIFY(m_window->showPage(QStringLiteral("schema")));
  auto* browser = m_window->schemaBrowser();
  QSignalSpy loaded(browser, &ferry::app::SchemaBrowserPage::loaded);
  QTest::mouseClick(child<QPushButton>(browser, "loadCatalog"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1, kServerTimeoutMs);
  QVERIFY2(loaded.first().first().toBool(), qPrintable(child<QLabel>(browser, "catalogStatus")->text()));

  auto catalog = browser->catalog();
  QVERIFY(catalog);
  QVERIFY(catalog->table("ferry_demo", "customers"));
  auto* model = browser->tree()->model();
  for (const char* name : {"customers", "orders", "order_items", "products"}) {
    const auto hits = model->match(model->index(0, 0), Qt::DisplayRole, QLatin1String(name), 1,
                                   Qt::MatchExactly | Qt::MatchRecursive);
    QVERIFY2(!hits.isEmpty(), name);
  }

  // The filter keeps matching tables (and their children) and hides the rest.
  auto* filter = child<QLineEdit>(browser, "catalogFilter");
  QTest::keyClicks(filter, QStringLiteral("order_it"));
  QVERIFY(!model->match(model->index(0, 0), Qt::DisplayRole, QStringLiteral("order_items"), 1,
                        Qt::MatchExactly | Qt::MatchRecursive).isEmpty());
  QVERIFY(model->match(model->index(0, 0), Qt::DisplayRole, QStringLiteral("customers"), 1,
                       Qt::MatchExactly | Qt::MatchRecursive).isEmpty());
  filter->clear();

  QVERIFY(browser->selectByName(QStringLiteral("customers")));
  QCOMPARE(browser->detail()->title(), QStringLiteral("ferry_demo.customers"));
  QVERIFY(browser->detail()->property(QStringLiteral("Estimated rows")) != QStringLiteral("unknown"));
  QVERIFY(browser->selectByName(QStringLiteral("email"), QStringLiteral("customers")));
  QCOMPARE(browser->detail()->title(), QStringLiteral("email"));
  QCOMPARE(browser->detail()->property(QStringLiteral("Declared type")), QStringLiteral("varchar(191)"));
  QCOMPARE(browser->detail()->property(QStringLiteral("Nullable")), QStringLiteral("no"));
  shoot(QStringLiteral("03-schema-column"));

  // A routine shows its definition in the read-only SQL editor.
  QVERIFY(browser->selectByName(QStringLiteral("fn_order_total")));
  auto* definition = child<QWidget>(browser->detail(), "detailDefinition");
  QVERIFY(definition->isVisible());
  shoot(QStringLiteral("04-schema-routine"));

  // A partitioned table: its key, sub-partitioning and each partition's bound.
  QVERIFY(browser->selectByName(QStringLiteral("ferry_gui_partitioned")));
  QCOMPARE(browser->detail()->property(QStringLiteral("Partitioned by")), QStringLiteral("RANGE COLUMNS (`d`)"));
  QCOMPARE(browser->detail()->property(QStringLiteral("Sub-partitioned by")), QStringLiteral("HASH (`id`)"));
  QCOMPARE(browser->detail()->property(QStringLiteral("Partitions")),
           QStringLiteral("p2025 < '2026-01-01' (2 subpartitions); pmax < MAXVALUE (2 subpartitions)"));
  shoot(QStringLiteral("04b-schema-partitioned"));
  QVERIFY((*my)->exec("DROP TABLE ferry_gui_partitioned").ok());
  QVERIFY(browser->selectByName(QStringLiteral("email"), QStringLiteral("customers")));
}

void WorkbenchGuiTest::projectSavesWithoutPasswords() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("demo-to-pg.ferry.json"));
  QString error;
  QVERIFY2(m_window->saveProjectAs(path, &error), qPrintable(error));
  QVERIFY(!m_window->isModified());
  QVERIFY(m_window->windowTitle().startsWith(QStringLiteral("demo-to-pg")));

  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray json = file.readAll();
  QVERIFY2(!json.contains("ferry-sandbox"), "the project file holds a password");
  QVERIFY(!json.contains("****"));
  const QJsonObject root = QJsonDocument::fromJson(json).object();
  QVERIFY(!root.isEmpty());
  const QByteArray sourceUrl = "mariadb://ferry@127.0.0.1:" + QByteArray::number(QUrl(m_mysqlUrl).port()) + "/ferry_demo";
  const QByteArray targetUrl = "postgresql://ferry@127.0.0.1:" + QByteArray::number(QUrl(m_pgUrl).port()) + "/ferry";
  QVERIFY2(json.contains(sourceUrl), json.constData());
  QVERIFY2(json.contains(targetUrl), json.constData());

  m_window->newProject();
  QVERIFY(m_window->sourceEditor()->isBlank());
  QVERIFY2(m_window->openProject(path, &error), qPrintable(error));
  ConnectionEditor* source = m_window->sourceEditor();
  ConnectionEditor* target = m_window->targetEditor();
  QCOMPARE(child<QComboBox>(source, "engine")->currentText(), QStringLiteral("MariaDB"));
  QCOMPARE(child<QLineEdit>(source, "host")->text(), QStringLiteral("127.0.0.1"));
  QCOMPARE(child<QSpinBox>(source, "port")->value(), QUrl(m_mysqlUrl).port());
  QCOMPARE(child<QLineEdit>(source, "database")->text(), QStringLiteral("ferry_demo"));
  QVERIFY(child<QLineEdit>(source, "password")->text().isEmpty());
  QCOMPARE(child<QComboBox>(target, "engine")->currentText(), QStringLiteral("PostgreSQL"));
  QCOMPARE(child<QSpinBox>(target, "port")->value(), QUrl(m_pgUrl).port());
  QVERIFY(!m_window->isModified());
  QCOMPARE(m_window->projectPath(), path);

  // After a reopen the typed passwords are gone from the form, but the session
  // remembers them: testing again must still work without asking.
  QVERIFY(m_window->showPage(QStringLiteral("connections")));
  runTestMeasuringGaps(source);
  QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(source, "versionLabel")->text().contains(QStringLiteral("MariaDB 10.11")),
                           kServerTimeoutMs);
  runTestMeasuringGaps(target);
  QTRY_VERIFY_WITH_TIMEOUT(target->preflightTable()->rowCount() > 0, kServerTimeoutMs);
  shoot(QStringLiteral("05-connections-reopened"));
}

void WorkbenchGuiTest::placeholderPages() {
  QVERIFY(!m_window->showPage(QStringLiteral("no-such-page")));
  int n = 0;
  for (const QString& name : MainWindow::pageNames()) {
    if (!MainWindow::isPlaceholder(name)) continue;
    QVERIFY(m_window->showPage(name));
    QCOMPARE(m_window->currentPageName(), name);
    auto* text = child<QLabel>(m_window->page(name), "placeholderText");
    QVERIFY(text->isVisible());
    QVERIFY(text->text().size() > 80);
    shoot(QStringLiteral("%1-%2").arg(6 + n, 2, 10, QLatin1Char('0')).arg(name));
    ++n;
  }
  QCOMPARE(n, 0);  // every page is built (plan, cutover and report were the last)
}

void WorkbenchGuiTest::cleanupTestCase() { m_window.reset(); }

void WorkbenchGuiTest::shoot(const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(m_window->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(WorkbenchGuiTest)
#include "workbench_gui_test.moc"
