// Offscreen GUI test of the Verify page against the sandbox PostgreSQL: a
// source database of four tables is copied by the engine (run::CopyRun) into a
// fresh target, then the target is corrupted — a changed cell, a deleted row,
// an inserted row, a changed cell in a table with a composite key. The page
// verifies (throttled, so the live chart fills) without ever stalling the event
// loop, shows each table's status and differences by value, fetches a
// difference's two rows off the GUI thread and highlights exactly the differing
// cells (or the side with no row), saves the HTML report, and after Repair
// every table verifies ok. Screenshots of each state.

#include <QApplication>
#include <QBrush>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>
#include <stop_token>

#include "gui_test_support.h"
#include "app/connections/connection_editor.h"
#include "app/main_window.h"
#include "app/verify/verify_detail_models.h"
#include "app/verify/verify_page.h"
#include "app/verify/verify_table_model.h"
#include "connect/connection_spec.h"
#include "run/copy_run.h"
#include "widgets/live_chart.h"
#include "widgets/progress_delegate.h"

using ferry::app::DifferenceModel;
using ferry::app::MainWindow;
using ferry::app::RowPairModel;
using ferry::app::VerifyPage;
using ferry::app::VerifyTableModel;

namespace {

const char* const kSourceDb = "ferry_t_gui_vsrc";
const char* const kTargetDb = "ferry_t_gui_vdst";
// 60 000 orders in chunks of 5 000 at 30 000 rows/s (row digests are
// throttled): the verification lasts a few seconds, long enough for the chart.
constexpr int kOrders = 60000;
constexpr qint64 kRate = 30000;
constexpr qint64 kChunkRows = 5000;
// A verification of ~70 k rows takes a few seconds on the 2-core sandbox;
// 120 s only guards against a hung server.
constexpr int kVerifyTimeoutMs = 120000;

namespace guitest = ferry::guitest;
using guitest::child;

}  // namespace

class VerifyPageTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void verifyFindsTheDifferences();
  void sideBySideHighlightsTheDifferingCells();
  void reportSavesAsHtml();
  void repairMakesEveryTableOk();
  void cancelStopsTheVerification();
  void quickChecksCountsOnly();
  void wrongPasswordIsOneRedLine();
  void cleanup();

private:
  void shoot(const QString& name);
  bool psql(const QString& database, const QString& sql, QString* out = nullptr);
  void recreate(const QString& database);
  /// Selects a table in the page's table, then a difference by key; waits for both rows.
  void openDifference(const QString& table, const QString& key);
  QString cell(const QAbstractItemModel* model, int row, int column) const;
  QStringList differencesOf(const QString& table);

  QString m_pgUrl;
  QString m_shotDir;
  QTemporaryDir m_temp;
  std::unique_ptr<MainWindow> m_window;
  VerifyPage* m_page = nullptr;
};

bool VerifyPageTest::psql(const QString& database, const QString& sql, QString* out) {
  // The sandbox URL ends with "/ferry": swap the database.
  const QString url = m_pgUrl.left(m_pgUrl.lastIndexOf(QLatin1Char('/')) + 1) + database;
  QProcess p;
  p.start(QStringLiteral("psql"), {url, QStringLiteral("-XAtq"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                                   QStringLiteral("-c"), sql});
  const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  if (!ok) qWarning("psql failed: %s", p.readAllStandardError().constData());
  if (out) *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
  return ok;
}

void VerifyPageTest::recreate(const QString& database) {
  QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(database)));
  QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("CREATE DATABASE %1").arg(database)));
}

void VerifyPageTest::initTestCase() {
  const guitest::Sandbox sandbox = guitest::loadSandbox();
  m_pgUrl = sandbox.pgUrl;
  m_shotDir = sandbox.shotDir;
  if (m_pgUrl.isEmpty()) QFAIL(guitest::sandboxHint());
  QVERIFY(m_temp.isValid());

  // The source: four tables of a small shop, one of them large enough to take seconds.
  const QString src = QLatin1String(kSourceDb);
  const QString dst = QLatin1String(kTargetDb);
  recreate(src);
  recreate(dst);
  QVERIFY(psql(src, QStringLiteral(
      "CREATE SCHEMA shop;"
      "CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL, email text, balance numeric(12,2), "
      "  created timestamptz NOT NULL);"
      "INSERT INTO shop.customers SELECT g, 'customer ' || g, 'c' || g || '@example.com', g * 10.25, "
      "  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 2000) g;"
      "CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2) NOT NULL, "
      "  status text NOT NULL, placed date NOT NULL);"
      "INSERT INTO shop.orders SELECT g, 1 + g % 2000, (g % 997) * 1.5, "
      "  (ARRAY['new','paid','shipped'])[1 + g % 3], date '2024-01-01' + g % 365 FROM generate_series(1, %1) g;"
      "CREATE TABLE shop.order_items (order_id bigint, line int, sku text NOT NULL, quantity int NOT NULL, "
      "  PRIMARY KEY (order_id, line));"
      "INSERT INTO shop.order_items SELECT o, l, 'SKU-' || (o * 7 + l) % 500, 1 + (o + l) % 5 "
      "  FROM generate_series(1, 1000) o, generate_series(1, 3) l;"
      "CREATE TABLE shop.tags (id int PRIMARY KEY, label text NOT NULL);"
      "INSERT INTO shop.tags SELECT g, 'tag ' || g FROM generate_series(1, 50) g;").arg(kOrders)));

  // The target: a copy by the engine itself.
  auto source = ferry::connect::ConnectionSpec::parse(m_pgUrl.toStdString());
  QVERIFY(source.ok());
  source->database = kSourceDb;
  auto target = source;
  target->database = kTargetDb;
  ferry::run::CopyRequest copy;
  copy.source = *source;
  copy.target = *target;
  copy.options.jobs = 2;
  copy.options.statePath = m_temp.filePath(QStringLiteral("copy.state")).toStdString();
  ferry::run::CopyRun run(copy);
  std::stop_source stop;
  auto copied = run.run(stop.get_token());
  QVERIFY2(copied.ok(), copied.ok() ? "" : copied.error().oneLine().c_str());
  QString n;
  QVERIFY(psql(dst, QStringLiteral("SELECT COUNT(*) FROM shop.orders"), &n));
  QCOMPARE(n.toInt(), kOrders);

  // The corruption: a changed cell pair, a missing and an extra row, a composite key changed and missing.
  QVERIFY(psql(dst, QStringLiteral(
      "UPDATE shop.customers SET name = 'Mallory', balance = 1.50 WHERE id = 17;"
      "DELETE FROM shop.orders WHERE id = 4242;"
      "INSERT INTO shop.orders VALUES (900001, 5, 12.00, 'paid', '2024-06-01');"
      "UPDATE shop.order_items SET quantity = 99 WHERE order_id = 7 AND line = 2;"
      "DELETE FROM shop.order_items WHERE order_id = 9 AND line = 1;")));

  m_window = std::make_unique<MainWindow>();
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  QVERIFY(!MainWindow::isPlaceholder(QStringLiteral("verify")));
  m_page = m_window->verifyPage();
  QVERIFY(m_page);
  QCOMPARE(m_window->page(QStringLiteral("verify")), m_page);
  m_window->sourceEditor()->setSpec(*source);
  m_window->targetEditor()->setSpec(*target);
  QVERIFY(m_window->showPage(QStringLiteral("verify")));
}

QString VerifyPageTest::cell(const QAbstractItemModel* model, int row, int column) const {
  return model->index(row, column).data().toString();
}

QStringList VerifyPageTest::differencesOf(const QString& table) {
  const int row = m_page->model()->rowOf(table);
  if (row < 0) return {QStringLiteral("no table %1").arg(table)};
  QStringList out;
  for (const auto& d : m_page->model()->tableAt(row).differences) {
    QStringList cols;
    for (const auto& c : d.columns) cols << QString::fromStdString(c);
    out << QStringLiteral("%1 %2 [%3]").arg(QLatin1String(ferry::verify::diffKindName(d.kind)),
                                             QString::fromStdString(d.key), cols.join(QLatin1Char(',')));
  }
  out.sort();
  return out;
}

void VerifyPageTest::verifyFindsTheDifferences() {
  m_page->setJobs(2);
  m_page->setHashMode(2);  // row digests: every row streams, so the throttle sets the pace
  m_page->setChunkRows(kChunkRows);
  m_page->setMaxRowsPerSecond(kRate);
  QVERIFY(!child<QPushButton>(m_page, "repairButton")->isEnabled());
  QVERIFY(!child<QPushButton>(m_page, "saveReportButton")->isEnabled());
  QSignalSpy finished(m_page, &VerifyPage::finished);

  // Mid-verify: some chunks done, the chart has a line of a few points.
  qint64 maxGap = guitest::measureGaps(
      [&] { QTest::mouseClick(child<QPushButton>(m_page, "startButton"), Qt::LeftButton); },
      [&] {
        return !finished.isEmpty() || (m_page->lastProgress().chunksDone >= 3 &&
                                       m_page->chart()->sampleCount(QStringLiteral("chunks done")) >= 6);
      },
      kVerifyTimeoutMs);
  QVERIFY2(finished.isEmpty(), "the verification ended before it could be looked at mid-way");
  QVERIFY(m_page->isRunning());
  QVERIFY(!child<QPushButton>(m_page, "startButton")->isEnabled());
  QVERIFY(child<QPushButton>(m_page, "cancelButton")->isEnabled());
  QCOMPARE(m_page->model()->rowCount(), 4);
  qInfo("mid-verify: %d of %d chunks", m_page->lastProgress().chunksDone, m_page->lastProgress().chunksTotal);
  shoot(QStringLiteral("40-verify-progress"));

  maxGap = qMax(maxGap, guitest::measureGaps({}, [&] { return !finished.isEmpty(); }, kVerifyTimeoutMs));
  QCOMPARE(finished.size(), 1);
  QVERIFY2(finished.first().first().toBool(), qPrintable(m_page->errorText()));
  qInfo("longest event-loop gap during the verification: %lld ms", maxGap);
  QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms").arg(maxGap)));

  // Statuses, counts and differences, by value.
  auto* model = m_page->model();
  QCOMPARE(model->rowCount(), 4);
  const auto status = [&](const QString& t) { return cell(model, model->rowOf(t), VerifyTableModel::StatusColumn); };
  const auto count = [&](const QString& t, int c) { return cell(model, model->rowOf(t), c); };
  QCOMPARE(status(QStringLiteral("shop.customers")), QStringLiteral("mismatch"));
  QCOMPARE(status(QStringLiteral("shop.orders")), QStringLiteral("mismatch"));
  QCOMPARE(status(QStringLiteral("shop.order_items")), QStringLiteral("mismatch"));
  QCOMPARE(status(QStringLiteral("shop.tags")), QStringLiteral("ok"));
  QCOMPARE(count(QStringLiteral("shop.customers"), VerifyTableModel::DifferencesColumn), QStringLiteral("1"));
  QCOMPARE(count(QStringLiteral("shop.orders"), VerifyTableModel::DifferencesColumn), QStringLiteral("2"));
  QCOMPARE(count(QStringLiteral("shop.order_items"), VerifyTableModel::DifferencesColumn), QStringLiteral("2"));
  QCOMPARE(count(QStringLiteral("shop.tags"), VerifyTableModel::DifferencesColumn), QStringLiteral("0"));
  const QLocale locale;
  QCOMPARE(count(QStringLiteral("shop.orders"), VerifyTableModel::SourceRowsColumn), locale.toString(kOrders));
  QCOMPARE(count(QStringLiteral("shop.orders"), VerifyTableModel::TargetRowsColumn), locale.toString(kOrders));
  QCOMPARE(count(QStringLiteral("shop.order_items"), VerifyTableModel::SourceRowsColumn), locale.toString(3000));
  QCOMPARE(count(QStringLiteral("shop.order_items"), VerifyTableModel::TargetRowsColumn), locale.toString(2999));
  const int orders = model->rowOf(QStringLiteral("shop.orders"));
  QCOMPARE(model->tableAt(orders).chunksTotal, kOrders / static_cast<int>(kChunkRows));
  QCOMPARE(cell(model, orders, VerifyTableModel::ChunksColumn), QStringLiteral("12 / 12"));
  QCOMPARE(model->index(orders, VerifyTableModel::ChunksColumn).data(ferry::widgets::ProgressDelegate::FractionRole).toDouble(), 1.0);
  QVERIFY(!model->index(orders, VerifyTableModel::StatusColumn).data(Qt::DecorationRole).isNull());

  QCOMPARE(differencesOf(QStringLiteral("shop.customers")), QStringList{QStringLiteral("changed id=17 [name,balance]")});
  QCOMPARE(differencesOf(QStringLiteral("shop.orders")),
           (QStringList{QStringLiteral("extra id=900001 []"), QStringLiteral("missing id=4242 []")}));
  QCOMPARE(differencesOf(QStringLiteral("shop.order_items")),
           (QStringList{QStringLiteral("changed order_id=7,line=2 [quantity]"), QStringLiteral("missing order_id=9,line=1 []")}));
  QCOMPARE(differencesOf(QStringLiteral("shop.tags")), QStringList{});

  // The chart holds the run: chunks reach the total, the differences line its final count.
  QVERIFY(m_page->chart()->sampleCount(QStringLiteral("chunks done")) >= 6);
  QVERIFY(m_page->chart()->sampleCount(QStringLiteral("rows/s")) >= 6);
  QCOMPARE(m_page->lastProgress().differences, 5);
  QVERIFY(m_page->lastReport().has_value());
  QVERIFY(!m_page->lastReport()->identical());
  QVERIFY(child<QPushButton>(m_page, "repairButton")->isEnabled());
  QVERIFY(child<QPushButton>(m_page, "saveReportButton")->isEnabled());
  QVERIFY(child<QLabel>(m_page, "overall")->text().contains(QStringLiteral("Differences")));
  QVERIFY(m_page->logText().contains(QStringLiteral("shop.orders: mismatch")));
  QVERIFY(m_page->errorText().isEmpty());
}

void VerifyPageTest::openDifference(const QString& table, const QString& key) {
  auto* tableView = m_page->table();
  const int row = m_page->model()->rowOf(table);
  QVERIFY(row >= 0);
  QSignalSpy shown(m_page, &VerifyPage::rowPairShown);
  tableView->setCurrentIndex(m_page->model()->index(row, VerifyTableModel::TableColumn));
  const int diff = m_page->differencesModel()->rowOfKey(key);
  QVERIFY2(diff >= 0, qPrintable(key));
  m_page->differencesView()->setCurrentIndex(m_page->differencesModel()->index(diff, DifferenceModel::KeyColumn));
  // Selecting the table fetched its first difference; wait for the one asked for.
  const qint64 gap = guitest::measureGaps({}, [&] {
    const auto& pair = m_page->rowPairModel()->pair();
    return pair.has_value() && QString::fromStdString(m_page->differencesModel()->differenceAt(diff).key) == key &&
           m_page->differencesView()->currentIndex().row() == diff && !shown.isEmpty() &&
           child<QLabel>(m_page, "rowPairTitle")->text().contains(key.toHtmlEscaped());
  }, 30000);
  QVERIFY2(m_page->rowPairModel()->hasPair(), qPrintable(child<QLabel>(m_page, "rowPairTitle")->text()));
  QVERIFY2(gap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms").arg(gap)));
}

void VerifyPageTest::sideBySideHighlightsTheDifferingCells() {
  auto* pair = m_page->rowPairModel();
  const auto value = [&](const QString& column, int side) {
    for (int r = 0; r < pair->rowCount(); ++r) {
      if (cell(pair, r, RowPairModel::NameColumn) == column) return cell(pair, r, side);
    }
    return QStringLiteral("<no column %1>").arg(column);
  };

  // Missing on the target: the source row is there, the target side is marked absent.
  openDifference(QStringLiteral("shop.orders"), QStringLiteral("id=4242"));
  QCOMPARE(pair->rowCount(), 5);
  QVERIFY(pair->pair()->sourceFound);
  QVERIFY(!pair->pair()->targetFound);
  QCOMPARE(value(QStringLiteral("id"), RowPairModel::SourceColumn), QStringLiteral("4242"));
  QCOMPARE(value(QStringLiteral("status"), RowPairModel::SourceColumn), QStringLiteral("new"));  // 4242 % 3 = 0
  for (int r = 0; r < pair->rowCount(); ++r) {
    QVERIFY(pair->index(r, RowPairModel::TargetColumn).data(RowPairModel::AbsentRole).toBool());
    QVERIFY(!pair->index(r, RowPairModel::SourceColumn).data(RowPairModel::AbsentRole).toBool());
  }
  QCOMPARE(pair->headerData(RowPairModel::TargetColumn, Qt::Horizontal).toString(), QStringLiteral("Target (no row)"));
  QVERIFY(pair->differingColumns().isEmpty());
  QVERIFY(child<QLabel>(m_page, "rowPairTitle")->text().contains(QStringLiteral("only the source has this row")));
  shoot(QStringLiteral("41-verify-missing-row"));

  // Extra on the target: the other way round.
  openDifference(QStringLiteral("shop.orders"), QStringLiteral("id=900001"));
  QVERIFY(!pair->pair()->sourceFound);
  QVERIFY(pair->pair()->targetFound);
  QCOMPARE(value(QStringLiteral("id"), RowPairModel::TargetColumn), QStringLiteral("900001"));
  QCOMPARE(value(QStringLiteral("status"), RowPairModel::TargetColumn), QStringLiteral("paid"));
  QVERIFY(pair->index(0, RowPairModel::SourceColumn).data(RowPairModel::AbsentRole).toBool());

  // Composite key, one changed column.
  openDifference(QStringLiteral("shop.order_items"), QStringLiteral("order_id=7,line=2"));
  QCOMPARE(pair->differingColumns(), QStringList{QStringLiteral("quantity")});
  QCOMPARE(value(QStringLiteral("quantity"), RowPairModel::TargetColumn), QStringLiteral("99"));
  QCOMPARE(value(QStringLiteral("quantity"), RowPairModel::SourceColumn), QStringLiteral("5"));  // 1 + (7 + 2) % 5

  // Two changed cells: exactly those rows are highlighted, on both sides.
  openDifference(QStringLiteral("shop.customers"), QStringLiteral("id=17"));
  QCOMPARE(pair->differingColumns(), (QStringList{QStringLiteral("name"), QStringLiteral("balance")}));
  QCOMPARE(value(QStringLiteral("name"), RowPairModel::SourceColumn), QStringLiteral("customer 17"));
  QCOMPARE(value(QStringLiteral("name"), RowPairModel::TargetColumn), QStringLiteral("Mallory"));
  QVERIFY(value(QStringLiteral("balance"), RowPairModel::SourceColumn).startsWith(QStringLiteral("174.25")));
  QVERIFY(value(QStringLiteral("balance"), RowPairModel::TargetColumn).startsWith(QStringLiteral("1.5")));
  QCOMPARE(value(QStringLiteral("email"), RowPairModel::SourceColumn), value(QStringLiteral("email"), RowPairModel::TargetColumn));
  for (int r = 0; r < pair->rowCount(); ++r) {
    const QString column = cell(pair, r, RowPairModel::NameColumn);
    const bool expected = column == QLatin1String("name") || column == QLatin1String("balance");
    for (int side : {RowPairModel::SourceColumn, RowPairModel::TargetColumn}) {
      const QModelIndex i = pair->index(r, side);
      QCOMPARE(i.data(RowPairModel::DiffersRole).toBool(), expected);
      QCOMPARE(i.data(RowPairModel::AbsentRole).toBool(), false);
      const QVariant background = i.data(Qt::BackgroundRole);
      QCOMPARE(background.isValid(), expected);
      if (expected) QCOMPARE(background.value<QBrush>().color(), RowPairModel::differsColor());
    }
  }
  QVERIFY(child<QLabel>(m_page, "rowPairTitle")->text().contains(QStringLiteral("2 columns differ")));
  shoot(QStringLiteral("42-verify-mismatch"));
}

void VerifyPageTest::reportSavesAsHtml() {
  const QString path = m_temp.filePath(QStringLiteral("report.html"));
  QVERIFY(m_page->saveReport(path));
  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QString html = QString::fromUtf8(file.readAll());
  QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
  QVERIFY(html.contains(QStringLiteral("Differences found")));
  QVERIFY(html.contains(QStringLiteral("id=4242")));
  QVERIFY(html.contains(QStringLiteral("order_id=7,line=2")));
  QVERIFY(!html.contains(QStringLiteral("ferry-sandbox")));  // no password in the report
  QVERIFY(m_page->logText().contains(QStringLiteral("report saved to")));
  // A folder that does not exist: one red line, nothing thrown.
  QVERIFY(!m_page->saveReport(m_temp.filePath(QStringLiteral("no/such/folder/report.html"))));
  QVERIFY(m_page->errorText().startsWith(QStringLiteral("Cannot write the report")));
  QVERIFY(child<QLabel>(m_page, "verifyError")->isVisible());
}

void VerifyPageTest::repairMakesEveryTableOk() {
  QSignalSpy repaired(m_page, &VerifyPage::repairFinished);
  QSignalSpy finished(m_page, &VerifyPage::finished);
  // The button asks first; answer Yes as a user would.
  guitest::MessageBoxAnswer answer(QMessageBox::Yes);
  QTest::mouseClick(child<QPushButton>(m_page, "repairButton"), Qt::LeftButton);
  QVERIFY(answer.text().contains(QStringLiteral("3 tables")));
  const qint64 gap = guitest::measureGaps({}, [&] { return !finished.isEmpty(); }, kVerifyTimeoutMs * 2);
  QCOMPARE(repaired.size(), 1);
  QVERIFY2(repaired.first().first().toBool(), qPrintable(m_page->errorText()));
  QCOMPARE(finished.size(), 1);
  QVERIFY2(finished.first().first().toBool(), qPrintable(m_page->errorText()));
  qInfo("longest event-loop gap during repair and the verification after it: %lld ms", gap);
  QVERIFY2(gap < 100, qPrintable(QStringLiteral("GUI event loop stalled for %1 ms").arg(gap)));

  auto* model = m_page->model();
  QCOMPARE(model->rowCount(), 4);
  for (int r = 0; r < model->rowCount(); ++r) {
    QCOMPARE(cell(model, r, VerifyTableModel::StatusColumn), QStringLiteral("ok"));
    QCOMPARE(cell(model, r, VerifyTableModel::DifferencesColumn), QStringLiteral("0"));
  }
  QVERIFY(m_page->lastReport() && m_page->lastReport()->identical());
  QVERIFY(!child<QPushButton>(m_page, "repairButton")->isEnabled());
  const QString verdict = child<QLabel>(m_page, "overall")->text();
  QVERIFY2(verdict.contains(QStringLiteral("Identical")), qPrintable(verdict));
  QVERIFY2(verdict.contains(QStringLiteral("after repairing 3 tables: 3 rows deleted, 4 inserted")), qPrintable(verdict));
  const QString log = m_page->logText();
  QVERIFY2(log.contains(QStringLiteral("repaired shop.orders (rows): 1 rows deleted, 1 inserted")), qPrintable(log));
  QVERIFY2(log.contains(QStringLiteral("repaired shop.customers (rows)")), qPrintable(log));
  QVERIFY(log.contains(QStringLiteral("verifying again")));
  QCOMPARE(m_page->differencesModel()->rowCount(), 0);

  // And the target really holds the source's rows again.
  QString out;
  QVERIFY(psql(QLatin1String(kTargetDb),
               QStringLiteral("SELECT (SELECT name FROM shop.customers WHERE id = 17) || '|' || "
                              "(SELECT COUNT(*) FROM shop.orders WHERE id IN (4242, 900001)) || '|' || "
                              "(SELECT quantity FROM shop.order_items WHERE order_id = 7 AND line = 2) || '|' || "
                              "(SELECT COUNT(*) FROM shop.order_items)"),
               &out));
  QCOMPARE(out, QStringLiteral("customer 17|1|5|3000"));
  m_page->table()->setCurrentIndex(model->index(model->rowOf(QStringLiteral("shop.orders")), VerifyTableModel::TableColumn));
  QApplication::processEvents();
  shoot(QStringLiteral("43-verify-repaired"));
}

void VerifyPageTest::cancelStopsTheVerification() {
  QSignalSpy finished(m_page, &VerifyPage::finished);
  m_page->start();
  const qint64 gap = guitest::measureGaps({}, [&] { return !finished.isEmpty() || m_page->lastProgress().chunksDone >= 2; },
                                          kVerifyTimeoutMs);
  QVERIFY2(finished.isEmpty(), "the verification ended before it could be cancelled");
  QTest::mouseClick(child<QPushButton>(m_page, "cancelButton"), Qt::LeftButton);
  QVERIFY(finished.wait(60000));
  QCOMPARE(finished.first().first().toBool(), false);
  QVERIFY(gap < 100);
  // Asked for, so not an error: no red line, the verdict says it stopped.
  QVERIFY2(m_page->errorText().isEmpty(), qPrintable(m_page->errorText()));
  QVERIFY(child<QLabel>(m_page, "overall")->text().contains(QStringLiteral("Stopped")));
  QVERIFY(!m_page->lastReport().has_value());
  QVERIFY(child<QPushButton>(m_page, "startButton")->isEnabled());
  QVERIFY(!child<QPushButton>(m_page, "repairButton")->isEnabled());
  QVERIFY(!child<QPushButton>(m_page, "saveReportButton")->isEnabled());
}

void VerifyPageTest::quickChecksCountsOnly() {
  m_page->setQuick(true);
  QSignalSpy finished(m_page, &VerifyPage::finished);
  m_page->start();
  QVERIFY(finished.wait(kVerifyTimeoutMs));
  QVERIFY2(finished.first().first().toBool(), qPrintable(m_page->errorText()));
  auto* model = m_page->model();
  QCOMPARE(model->rowCount(), 4);
  for (int r = 0; r < model->rowCount(); ++r) {
    QCOMPARE(cell(model, r, VerifyTableModel::StatusColumn), QStringLiteral("ok"));
    QCOMPARE(cell(model, r, VerifyTableModel::ChunksColumn), QStringLiteral("—"));  // no chunk compared
    QVERIFY(!model->index(r, VerifyTableModel::ChunksColumn).data(ferry::widgets::ProgressDelegate::FractionRole).isValid());
  }
  QCOMPARE(m_page->lastReport()->level, std::string("quick"));
  QVERIFY(child<QLabel>(m_page, "overall")->text().contains(QStringLiteral("Counts and statistics agree")));
  QVERIFY(!child<QPushButton>(m_page, "repairButton")->isEnabled());
  m_page->setQuick(false);
}

void VerifyPageTest::wrongPasswordIsOneRedLine() {
  const char* const wrong = "not-the-password-4419";
  auto target = ferry::connect::ConnectionSpec::parse(m_pgUrl.toStdString());
  QVERIFY(target.ok());
  target->database = kTargetDb;
  target->password = wrong;
  m_window->targetEditor()->setSpec(*target);
  QSignalSpy finished(m_page, &VerifyPage::finished);
  m_page->start();
  QVERIFY(finished.wait(60000));
  QCOMPARE(finished.first().first().toBool(), false);
  const QString text = m_page->errorText();
  qInfo("error line: %s", qPrintable(text));
  QVERIFY(!text.isEmpty());
  QVERIFY2(!text.contains(QLatin1Char('\n')), qPrintable(text));
  QVERIFY2(!text.contains(QLatin1String(wrong)), "the error shows the password");
  QVERIFY(!m_page->logText().contains(QLatin1String(wrong)));
  QVERIFY(child<QLabel>(m_page, "verifyError")->isVisible());
  QVERIFY(child<QPushButton>(m_page, "startButton")->isEnabled());
  QCOMPARE(m_page->model()->rowCount(), 0);
  shoot(QStringLiteral("44-verify-wrong-password"));
}

void VerifyPageTest::cleanup() {
  // A failed check must not leave a verification running into the next test.
  if (!m_page || !m_page->isBusy()) return;
  QSignalSpy finished(m_page, &VerifyPage::finished);
  m_page->cancel();
  if (m_page->isBusy()) finished.wait(60000);
}

void VerifyPageTest::shoot(const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(m_window->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(VerifyPageTest)
#include "verify_page_test.moc"
