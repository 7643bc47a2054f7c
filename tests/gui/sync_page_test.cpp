// Offscreen GUI test of the Sync page against the sandbox servers: a small
// PostgreSQL source copied (keeping its slot) into an empty PostgreSQL target,
// then the page streams what a connection writes on the source: the applied
// counts, the per-table table and the seam panel show the engine's figures;
// Pause really holds the changes back and Resume lets them through; Stop stops.
// A divergence and a schema change stop the stream with distinct messages; a
// copy that kept no slot is one red line. A MariaDB source streams from its
// binlog; a renamed column stops it, and "go on past it" passes it.
// Screenshots of each state; the page's own event-loop latency is printed (a
// timing, so not asserted here).

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "gui_test_support.h"
#include "app/connections/connection_editor.h"
#include "app/main_window.h"
#include "app/run/run_page.h"
#include "app/sync/schema_change_dialog.h"
#include "app/sync/sync_page.h"
#include "app/sync/sync_table_model.h"
#include "app/verify/verify_page.h"
#include "connect/connection_spec.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "run/copy_run.h"
#include "widgets/live_chart.h"

using ferry::app::MainWindow;
using ferry::app::SyncPage;
using ferry::app::VerifyPage;
using StopReason = ferry::run::SyncRun::StopReason;

namespace {

const char* const kSourceDb = "ferry_gui_sync_src";
const char* const kTargetDb = "ferry_gui_sync_dst";
const char* const kNoSlotSourceDb = "ferry_gui_sync_noslot_src";
const char* const kNoSlotTargetDb = "ferry_gui_sync_noslot_dst";
const char* const kMariaDbSourceDb = "ferry_gui_sync_msrc";
const char* const kMariaDbTargetDb = "ferry_gui_sync_mdst";
// A change written on the loopback sandbox is applied well within a second;
// these only guard against a hung server without making a failure wait long.
constexpr int kApplyTimeoutMs = 60000;
constexpr int kFinishTimeoutMs = 60000;

namespace guitest = ferry::guitest;
using guitest::child;

QString number(qint64 n) { return QLocale().toString(static_cast<qlonglong>(n)); }

}  // namespace

class SyncPageTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void streamsTheSourcesChanges();
  void pauseHoldsChangesBack();
  void verifyWhileSyncingIsAtOnePosition();
  void lostConnectionReconnects();
  void stopStops();
  void stallShowsTheBanner();
  void divergenceStopsWithItsOwnMessage();
  void schemaChangeStopsWithItsOwnMessage();
  void copyWithoutKeptSlotIsOneRedLine();
  void mariaDbSourceStreamsAndPassesASchemaChange();
  void cleanup();
  void cleanupTestCase();

private:
  void shoot(const QString& name);
  void shootWidget(QWidget* widget, const QString& name);
  bool psql(const QString& database, const QString& sql, QString* out = nullptr);
  void recreatePg(const QString& database);
  void dropSlots(const QString& database);
  ferry::connect::ConnectionSpec pgSpec(const QString& database) const;
  void useConnections(const ferry::connect::ConnectionSpec& source, const ferry::connect::ConnectionSpec& target);
  QString resolvedStatePath();
  void removeState(const QString& path);
  /// Runs `sql` on the source through the test's own connection (as an application would).
  void write(const std::string& sql);
  qint64 targetCount(const QString& table);
  /// Clicks Start and waits until the page streams.
  void startStreaming();
  /// Clicks Start and waits for the sync to end by itself; returns its ok.
  bool startUntilFinished();

  QString m_pgUrl;
  QString m_mysqlUrl;
  QString m_shotDir;
  QTemporaryDir m_stateDir;  ///< FERRY_STATE_DIR: the unsaved project's run state goes here
  std::unique_ptr<MainWindow> m_window;
  SyncPage* m_page = nullptr;
  std::unique_ptr<ferry::connect::PgConnection> m_writer;
  std::string m_copySnapshot;  ///< the copy's "slot ferry_… at 0/…"
  QString m_statePath;
};

bool SyncPageTest::psql(const QString& database, const QString& sql, QString* out) {
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

void SyncPageTest::dropSlots(const QString& database) {
  // A kept slot holds WAL and trips other suites' "no slot left" checks; a
  // stopped sync's walsender may take a moment to let go of it.
  const QString left = QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE database = '%1'").arg(database);
  QString n;
  for (int i = 0; i < 50; ++i) {
    QVERIFY(psql(QStringLiteral("ferry"),
                 QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                "WHERE database = '%1' AND NOT active")
                     .arg(database)));
    QVERIFY(psql(QStringLiteral("ferry"), left, &n));
    if (n == QLatin1String("0")) return;
    QTest::qWait(200);
  }
  QFAIL(qPrintable(QStringLiteral("replication slots of %1 still active").arg(database)));
}

void SyncPageTest::recreatePg(const QString& database) {
  dropSlots(database);  // DROP DATABASE refuses while a slot of it exists
  QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(database)));
  QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("CREATE DATABASE %1").arg(database)));
}

ferry::connect::ConnectionSpec SyncPageTest::pgSpec(const QString& database) const {
  auto spec = ferry::connect::ConnectionSpec::parse(m_pgUrl.toStdString());
  if (!spec) qFatal("FERRY_TEST_PG_URL does not parse");
  spec->database = database.toStdString();
  return *spec;
}

void SyncPageTest::useConnections(const ferry::connect::ConnectionSpec& source,
                                  const ferry::connect::ConnectionSpec& target) {
  m_window->sourceEditor()->setSpec(source);
  m_window->targetEditor()->setSpec(target);
}

QString SyncPageTest::resolvedStatePath() {
  // The unsaved project's state file is named after both servers: the Run page asks them.
  bool answered = false;
  QString resolved;
  m_window->runPage()->resolveStatePath([&](const QString& path, const QString&) {
    resolved = path;
    answered = true;
  });
  if (!QTest::qWaitFor([&] { return answered; }, 30000)) qWarning("the state path was not resolved in 30 s");
  return resolved;
}

void SyncPageTest::removeState(const QString& path) {
  for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".rejects.jsonl")})
    QFile::remove(path + suffix);
}

void SyncPageTest::write(const std::string& sql) {
  auto done = m_writer->exec(sql);
  if (!done) (void)m_writer->exec("ROLLBACK");  // a failed BEGIN … COMMIT must not poison the next write
  QVERIFY2(done.ok(), done.ok() ? "" : done.error().oneLine().c_str());
}

qint64 SyncPageTest::targetCount(const QString& table) {
  QString n;
  if (!psql(QLatin1String(kTargetDb), QStringLiteral("SELECT count(*) FROM %1").arg(table), &n)) return -1;
  return n.toLongLong();
}

void SyncPageTest::initTestCase() {
  const guitest::Sandbox sandbox = guitest::loadSandbox();
  m_pgUrl = sandbox.pgUrl;
  m_mysqlUrl = sandbox.mysqlUrl;
  m_shotDir = sandbox.shotDir;
  if (m_pgUrl.isEmpty() || m_mysqlUrl.isEmpty()) QFAIL(guitest::sandboxHint());
  QVERIFY(m_stateDir.isValid());
  qputenv("FERRY_STATE_DIR", m_stateDir.path().toUtf8());

  recreatePg(QLatin1String(kSourceDb));
  recreatePg(QLatin1String(kTargetDb));
  QVERIFY(psql(QLatin1String(kSourceDb),
               QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int); "
                              "INSERT INTO items SELECT g, 'item ' || g, g % 7 FROM generate_series(1, 1000) g; "
                              "CREATE TABLE events (id bigint PRIMARY KEY, kind text); "
                              "INSERT INTO events SELECT g, 'copied' FROM generate_series(1, 300) g")));

  m_window = std::make_unique<MainWindow>();
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  QVERIFY(!MainWindow::isPlaceholder(QStringLiteral("sync")));
  const QStringList pages = MainWindow::pageNames();
  QCOMPARE(pages.indexOf(QStringLiteral("sync")), pages.indexOf(QStringLiteral("run")) + 1);  // copy → sync → verify
  m_page = m_window->syncPage();
  QVERIFY(m_page);
  QCOMPARE(m_window->page(QStringLiteral("sync")), m_page);

  const auto source = pgSpec(QLatin1String(kSourceDb));
  const auto target = pgSpec(QLatin1String(kTargetDb));
  useConnections(source, target);
  // The Run page ticks "Keep the slot for the sync" for a PostgreSQL source.
  QVERIFY(m_window->showPage(QStringLiteral("run")));
  auto* keepSlot = child<QCheckBox>(m_window->runPage(), "keepSlot");
  QVERIFY(keepSlot->isChecked());
  QVERIFY(keepSlot->isEnabled());

  m_statePath = resolvedStatePath();
  QVERIFY(!m_statePath.isEmpty());
  QVERIFY2(m_statePath.startsWith(m_stateDir.path()), qPrintable(m_statePath));
  removeState(m_statePath);
  ferry::run::CopyRequest copy;
  copy.source = source;
  copy.target = target;
  copy.options.statePath = m_statePath.toStdString();
  copy.options.jobs = 2;
  copy.options.keepSlot = true;
  ferry::run::CopyRun run(copy);
  auto copied = run.run({});
  QVERIFY2(copied.ok(), copied.ok() ? "" : copied.error().oneLine().c_str());
  m_copySnapshot = copied->final.snapshot;
  qInfo("copied %lld rows; snapshot %s", static_cast<long long>(copied->final.rowsWritten), m_copySnapshot.c_str());

  auto writer = ferry::connect::PgConnection::open(source);
  QVERIFY2(writer.ok(), writer.ok() ? "" : writer.error().oneLine().c_str());
  m_writer = std::move(*writer);

  QVERIFY(m_window->showPage(QStringLiteral("sync")));
  // The page shows the Run page's state file once it is named.
  QTRY_COMPARE_WITH_TIMEOUT(m_page->statePath(), m_statePath, 30000);
  QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(m_page, "statePath")->text().contains(QDir::toNativeSeparators(m_statePath)), 5000);
}

void SyncPageTest::startStreaming() {
  QTest::mouseClick(child<QPushButton>(m_page, "startButton"), Qt::LeftButton);
  QVERIFY(m_page->isRunning());
  QVERIFY(!child<QPushButton>(m_page, "startButton")->isEnabled());
  QTRY_VERIFY_WITH_TIMEOUT(m_page->lastProgress().phase == "streaming", kApplyTimeoutMs);
  QVERIFY(child<QPushButton>(m_page, "pauseButton")->isEnabled());
  QVERIFY(child<QPushButton>(m_page, "stopButton")->isEnabled());
}

bool SyncPageTest::startUntilFinished() {
  QSignalSpy finished(m_page, &SyncPage::finished);
  QTest::mouseClick(child<QPushButton>(m_page, "startButton"), Qt::LeftButton);
  if (!finished.wait(kFinishTimeoutMs)) {
    qWarning("the sync did not end in %d ms", kFinishTimeoutMs);
    return false;
  }
  return finished.first().first().toBool();
}

void SyncPageTest::streamsTheSourcesChanges() {
  m_page->setHeartbeatMs(100);
  startStreaming();
  QVERIFY(m_page->errorText().isEmpty());

  // Inserts, updates and deletes in two tables, over several transactions.
  write("INSERT INTO public.items SELECT g, 'new ' || g, 1 FROM generate_series(1001, 1200) g");
  write("BEGIN; INSERT INTO public.events SELECT g, 'streamed' FROM generate_series(301, 350) g; "
        "UPDATE public.items SET qty = qty + 100 WHERE id BETWEEN 11 AND 20; COMMIT");
  write("DELETE FROM public.items WHERE id BETWEEN 21 AND 25");
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().rowsApplied, qint64{265}, kApplyTimeoutMs);
  const auto& p = m_page->lastProgress();
  QCOMPARE(p.inserts, qint64{250});
  QCOMPARE(p.updates, qint64{10});
  QCOMPARE(p.deletes, qint64{5});
  QCOMPARE(p.skippedTransactions, qint64{0});
  QCOMPARE(p.divergences, qint64{0});
  QCOMPARE(p.phase, std::string("streaming"));
  QCOMPARE(targetCount(QStringLiteral("public.items")), qint64{1000 + 200 - 5});
  QCOMPARE(targetCount(QStringLiteral("public.events")), qint64{350});

  // The per-table counts.
  auto* model = m_page->model();
  QCOMPARE(model->rowCount(), 2);
  QCOMPARE(model->rowsOf(QStringLiteral("public.items")), qint64{200 + 10 + 5});
  QCOMPARE(model->rowsOf(QStringLiteral("public.events")), qint64{50});
  const int itemsRow = model->rowOf(QStringLiteral("public.items"));
  QCOMPARE(model->index(itemsRow, ferry::app::SyncTableModel::RowsColumn).data().toString(), number(215));

  // The seam panel shows the engine's figures, from the same poll.
  auto label = [&](const char* name) { return child<QLabel>(m_page, name)->text(); };
  const auto& last = m_page->lastProgress();
  const std::pair<const char*, std::string> positions[] = {
      {"seamSnapshot", last.snapshotPosition}, {"seamFirstStreamed", last.firstStreamed},
      {"seamReceived", last.receivedPosition}, {"seamApplied", last.appliedPosition},
      {"seamConfirmed", last.confirmedPosition}};
  for (const auto& [name, value] : positions) {
    QVERIFY2(!value.empty(), name);
    QCOMPARE(label(name), QString::fromStdString(value));
  }
  // The stream starts where the copy's snapshot is: "slot ferry_… at <LSN>".
  QVERIFY2(QString::fromStdString(m_copySnapshot).endsWith(QStringLiteral(" at ") + label("seamSnapshot")),
           m_copySnapshot.c_str());
  QCOMPARE(label("rowsApplied"), number(last.rowsApplied));
  QCOMPARE(label("rowKinds"), QStringLiteral("%1 / %2 / %3").arg(number(last.inserts), number(last.updates), number(last.deletes)));
  QCOMPARE(label("txApplied"), number(last.transactionsApplied));
  QCOMPARE(label("txReceived"), number(last.transactionsReceived));
  QCOMPARE(label("txSkipped"), QStringLiteral("0"));
  QCOMPARE(label("divergences"), QStringLiteral("0"));
  QVERIFY(last.transactionsApplied >= 3);
  QVERIFY(m_page->logText().contains(QStringLiteral("phase: streaming")));

  // Some seconds of heartbeats, so the chart has a line and the percentiles a minute's sample.
  QTRY_VERIFY_WITH_TIMEOUT(m_page->chart()->sampleCount(QStringLiteral("lag ms")) >= 12, 30000);
  QVERIFY(m_page->lastProgress().heartbeatLag.samples > 0);
  QVERIFY(label("lagStats").contains(QStringLiteral("p99")));
  QVERIFY(label("applyRate").contains(QStringLiteral("transactions/s")));
  QVERIFY(label("uiLatency").startsWith(QStringLiteral("UI latency max")));
  QVERIFY(m_page->stallText().isEmpty());
  QVERIFY(m_page->pausedText().isEmpty());

  // The GUI under load: 10,000 rows in 20 transactions written by another
  // thread (as an application would) while the page polls. Only the event loop
  // runs meanwhile, so the latency window measures the page alone.
  m_page->resetUiLatency();
  const qint64 insertsBefore = m_page->lastProgress().inserts;
  std::thread writer([spec = pgSpec(QLatin1String(kSourceDb))] {
    auto c = ferry::connect::PgConnection::open(spec);
    if (!c) return;
    for (int i = 0; i < 20; ++i) {
      const int from = 100000 + i * 500;
      (void)(*c)->exec("INSERT INTO public.events SELECT g, 'load' FROM generate_series(" + std::to_string(from) + ", " +
                       std::to_string(from + 499) + ") g");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().inserts, insertsBefore + 10000, kApplyTimeoutMs);
  writer.join();
  QTest::qWait(1000);  // and a second of the page showing it
  qInfo("UI latency max while 10,000 rows streamed in: %lld ms", m_page->uiLatencyMaxMs());
  QCOMPARE(m_page->model()->rowsOf(QStringLiteral("public.events")), qint64{50 + 10000});
  QVERIFY(child<QLabel>(m_page, "uiLatency")->text().contains(QString::number(m_page->uiLatencyMaxMs())));
  shoot(QStringLiteral("40-sync-streaming"));
}

void SyncPageTest::pauseHoldsChangesBack() {
  QVERIFY(m_page->isRunning());
  QTest::mouseClick(child<QPushButton>(m_page, "pauseButton"), Qt::LeftButton);
  QVERIFY(m_page->isPaused());
  QVERIFY(child<QPushButton>(m_page, "resumeButton")->isEnabled());
  QVERIFY(!child<QPushButton>(m_page, "pauseButton")->isEnabled());
  QTRY_VERIFY_WITH_TIMEOUT(m_page->lastProgress().paused, 5000);
  // A pause takes effect after the source transaction in flight: give the
  // stream's read in progress (100 ms at most) time to end.
  QTest::qWait(1000);
  const qint64 before = m_page->lastProgress().rowsApplied;
  const qint64 itemsBefore = targetCount(QStringLiteral("public.items"));

  write("INSERT INTO public.items SELECT g, 'while paused', 2 FROM generate_series(2001, 2030) g");
  QTest::qWait(2500);  // ten polls
  QCOMPARE(m_page->lastProgress().rowsApplied, before);
  QCOMPARE(targetCount(QStringLiteral("public.items")), itemsBefore);
  QVERIFY(m_page->lastProgress().paused);
  QVERIFY(child<QLabel>(m_page, "overall")->text().contains(QStringLiteral("(paused)")));
  QVERIFY2(m_page->pausedText().startsWith(QStringLiteral("PAUSED")), qPrintable(m_page->pausedText()));
  shoot(QStringLiteral("41-sync-paused"));

  QTest::mouseClick(child<QPushButton>(m_page, "resumeButton"), Qt::LeftButton);
  QVERIFY(!m_page->isPaused());
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().rowsApplied, before + 30, kApplyTimeoutMs);
  QVERIFY(m_page->pausedText().isEmpty());
  QCOMPARE(targetCount(QStringLiteral("public.items")), itemsBefore + 30);
  QVERIFY(m_page->logText().contains(QStringLiteral("paused: ")));
  QVERIFY(m_page->logText().contains(QStringLiteral("resumed")));

  // The max rate goes to the running sync at once.
  m_page->setMaxRowsPerSecond(5000);
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().maxRowsPerSecond, qint64{5000}, 5000);
  QVERIFY(m_page->logText().contains(QStringLiteral("max rate set to")));
  m_page->setMaxRowsPerSecond(0);
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().maxRowsPerSecond, qint64{0}, 5000);
}

void SyncPageTest::verifyWhileSyncingIsAtOnePosition() {
  // The Verify page knows the running sync and compares both sides as of one
  // source position while a writer keeps changing the source.
  QVERIFY(m_page->isRunning());
  VerifyPage* verify = m_window->verifyPage();
  QVERIFY(verify);
  QCOMPARE(verify->liveSync(), m_statePath);
  std::atomic<bool> writing{true};
  std::atomic<int> written{0};
  std::jthread writer([&] {
    auto c = ferry::connect::PgConnection::open(pgSpec(QLatin1String(kSourceDb)));
    if (!c) {
      qWarning("writer: %s", c.error().oneLine().c_str());
      return;
    }
    for (int i = 0; writing; ++i) {
      const std::string id = std::to_string(1 + i % 1000);
      auto done = (*c)->exec("BEGIN; UPDATE public.items SET qty = qty + 1 WHERE id = " + id +
                             "; INSERT INTO public.events VALUES (" + std::to_string(500000 + i) + ", 'live'); COMMIT");
      if (!done) {
        qWarning("writer: %s", done.error().oneLine().c_str());
        return;
      }
      ++written;
    }
  });
  QTRY_VERIFY_WITH_TIMEOUT(written > 50, 10000);
  QVERIFY(m_window->showPage(QStringLiteral("verify")));
  QSignalSpy finished(verify, &VerifyPage::finished);
  QTest::mouseClick(child<QPushButton>(verify, "startButton"), Qt::LeftButton);
  QVERIFY(finished.wait(kFinishTimeoutMs));
  QVERIFY(finished.first().first().toBool());
  const int during = written;
  QVERIFY(verify->lastReport().has_value());
  const auto& report = *verify->lastReport();
  QVERIFY2(report.identical(), qPrintable(verify->logText()));
  QVERIFY(!report.asOfPosition.empty());
  QVERIFY(child<QLabel>(verify, "overall")->text().contains(QStringLiteral("as of source position")));
  QVERIFY(verify->logText().contains(QStringLiteral("a sync is running")));
  QVERIFY(!child<QPushButton>(verify, "repairButton")->isEnabled());
  qInfo("verified as of %s under a writer (%d transactions so far); sync held %.0f ms, paused %.0f ms",
        report.asOfPosition.c_str(), during, report.syncHeldMs, report.syncPausedMs);
  shoot(QStringLiteral("48-verify-at-one-position"));
  writing = false;
  writer.join();
  // The sync went on: every write arrives.
  QTRY_COMPARE_WITH_TIMEOUT(targetCount(QStringLiteral("public.events")),
                            [&] {
                              QString n;
                              psql(QLatin1String(kSourceDb), QStringLiteral("SELECT count(*) FROM public.events"), &n);
                              return n.toLongLong();
                            }(),
                            kApplyTimeoutMs);
  QVERIFY(m_window->showPage(QStringLiteral("sync")));
}

void SyncPageTest::lostConnectionReconnects() {
  // The stream's connection is cut (its walsender terminated): the sync
  // retries from the target's stored position and goes on; the panel says so.
  QVERIFY(m_page->isRunning());
  QVERIFY(psql(QStringLiteral("ferry"), QStringLiteral("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                                                       "WHERE database = '%1' AND active")
                                            .arg(QLatin1String(kSourceDb))));
  QTRY_VERIFY_WITH_TIMEOUT(!m_page->lastProgress().lastReconnectError.empty(), 30000);
  QTRY_VERIFY_WITH_TIMEOUT(m_page->lastProgress().phase == "streaming", 30000);
  const qint64 before = m_page->lastProgress().rowsApplied;
  write("INSERT INTO public.items VALUES (2500, 'after the reconnect', 4)");
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().rowsApplied, before + 1, kApplyTimeoutMs);
  const auto& p = m_page->lastProgress();
  qInfo("after a cut connection: %d reconnects, last error: %s", p.reconnects, p.lastReconnectError.c_str());
  auto* lastError = child<QLabel>(m_page, "lastReconnectError");
  QVERIFY(lastError->isVisible());
  QVERIFY(lastError->text().contains(QString::fromStdString(p.lastReconnectError)));
  QCOMPARE(child<QLabel>(m_page, "reconnects")->text(), number(p.reconnects));
  QVERIFY2(m_page->logText().contains(QStringLiteral("phase: reconnecting")) ||
               m_page->logText().contains(QStringLiteral("reconnecting in")),
           qPrintable(m_page->logText()));
  shoot(QStringLiteral("47-sync-reconnected"));
}

void SyncPageTest::stopStops() {
  QVERIFY(m_page->isRunning());
  QSignalSpy finished(m_page, &SyncPage::finished);
  QTest::mouseClick(child<QPushButton>(m_page, "stopButton"), Qt::LeftButton);
  QVERIFY(finished.wait(kFinishTimeoutMs));
  QVERIFY2(finished.first().first().toBool(), qPrintable(m_page->errorText()));
  QVERIFY(!m_page->isRunning());
  QCOMPARE(m_page->lastProgress().phase, std::string("stopped"));
  QCOMPARE(m_page->lastStopReason(), StopReason::None);
  QVERIFY(m_page->errorText().isEmpty());
  QVERIFY(m_page->stopText().isEmpty());
  QVERIFY(child<QPushButton>(m_page, "startButton")->isEnabled());
  QVERIFY(!child<QPushButton>(m_page, "stopButton")->isEnabled());
  QVERIFY(!child<QPushButton>(m_page, "pauseButton")->isEnabled());
  QVERIFY(m_page->logText().contains(QStringLiteral("stopped: applied")));
  // Since the load window, the test's own blocking psql calls included.
  qInfo("UI latency max until the stop: %lld ms", m_page->uiLatencyMaxMs());
  QVERIFY(child<QLabel>(m_page, "uiLatency")->text().contains(QString::number(m_page->uiLatencyMaxMs())));

  // Stopped: nothing arrives any more.
  const qint64 items = targetCount(QStringLiteral("public.items"));
  write("INSERT INTO public.items VALUES (3001, 'after the stop', 3)");
  QTest::qWait(1500);
  QCOMPARE(targetCount(QStringLiteral("public.items")), items);
}

void SyncPageTest::divergenceStopsWithItsOwnMessage() {
  // A row the target lost: the next sync stops at its update and names it.
  QVERIFY(psql(QLatin1String(kTargetDb), QStringLiteral("DELETE FROM public.items WHERE id = 1")));
  write("UPDATE public.items SET name = 'diverges' WHERE id = 1");
  QVERIFY(!startUntilFinished());
  QCOMPARE(m_page->lastStopReason(), StopReason::Divergence);
  const QString error = m_page->errorText();
  qInfo("divergence line: %s", qPrintable(error));
  QVERIFY2(error.contains(QStringLiteral("public.items key id=1")), qPrintable(error));
  QVERIFY(!error.contains(QLatin1Char('\n')));
  QVERIFY(child<QLabel>(m_page, "syncError")->isVisible());
  const QString stop = m_page->stopText();
  QVERIFY2(stop.startsWith(QStringLiteral("Stopped at a divergence")), qPrintable(stop));
  QVERIFY(child<QLabel>(m_page, "stopBanner")->isVisible());
  QVERIFY(child<QPushButton>(m_page, "startButton")->isEnabled());
  shoot(QStringLiteral("42-sync-divergence"));
}

void SyncPageTest::schemaChangeStopsWithItsOwnMessage() {
  // "log it and go on": the divergence is recorded, the stream passes it.
  m_page->setOnConflict(1);
  startStreaming();
  QVERIFY(m_page->stopText().isEmpty());
  QVERIFY(m_page->errorText().isEmpty());
  QTRY_COMPARE_WITH_TIMEOUT(m_page->lastProgress().divergences, qint64{1}, kApplyTimeoutMs);
  QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(m_page, "divergences")->text(), QStringLiteral("1"), 5000);
  QTRY_VERIFY_WITH_TIMEOUT(m_page->logText().contains(QStringLiteral("warning: sync: divergence: public.items key id=1")),
                           5000);
  // Every row of the source but the one the target lost (id 1).
  QString sourceItems;
  QVERIFY(psql(QLatin1String(kSourceDb), QStringLiteral("SELECT count(*) FROM public.items"), &sourceItems));
  QTRY_COMPARE_WITH_TIMEOUT(targetCount(QStringLiteral("public.items")), sourceItems.toLongLong() - 1, 20000);

  // A new column on the source: the stream stops before the first row in the new shape.
  QSignalSpy finished(m_page, &SyncPage::finished);
  write("ALTER TABLE public.items ADD COLUMN extra int");
  write("INSERT INTO public.items VALUES (5001, 'new shape', 1, 42)");
  QVERIFY(finished.wait(kFinishTimeoutMs));
  QCOMPARE(finished.first().first().toBool(), false);
  QCOMPARE(m_page->lastStopReason(), StopReason::SchemaChange);
  const QString error = m_page->errorText();
  qInfo("schema change line: %s", qPrintable(error));
  QVERIFY2(error.contains(QStringLiteral("public.items")) && error.contains(QStringLiteral("extra")), qPrintable(error));
  const QString stop = m_page->stopText();
  QVERIFY2(stop.startsWith(QStringLiteral("Stopped at a schema change")), qPrintable(stop));
  QVERIFY(stop.contains(QStringLiteral("Decide in the dialog")));
  QVERIFY(stop != QStringLiteral("Stopped at a divergence"));
  QCOMPARE(targetCount(QStringLiteral("public.items WHERE id = 5001")), qint64{0});
  shoot(QStringLiteral("43-sync-schema-change"));

  // The decision dialog: what the source gained, the proposal in the SQL editor.
  auto* dialog = m_page->decisionDialog();
  QVERIFY(dialog);
  QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 5000);
  QVERIFY(child<QLabel>(dialog, "schemaChange")->text().contains(QStringLiteral("public.items.extra")));
  const QString proposed = dialog->statement();
  QVERIFY2(proposed.contains(QStringLiteral("ALTER TABLE \"public\".\"items\" ADD COLUMN \"extra\" integer")), qPrintable(proposed));
  shootWidget(dialog, QStringLiteral("49-sync-schema-decision"));
  // An edit that fails: nothing applied, the dialog stays with the error, the sync does not start.
  auto* editor = child<QPlainTextEdit>(dialog, "proposedDdl");
  editor->setPlainText(QStringLiteral("ALTER TABLE public.items ADD COLUMN extra nosuchtype"));
  QTest::mouseClick(child<QPushButton>(dialog, "applyButton"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(!dialog->errorText().isEmpty(), kApplyTimeoutMs);
  QVERIFY2(dialog->errorText().contains(QStringLiteral("nosuchtype")), qPrintable(dialog->errorText()));
  QVERIFY(dialog->isVisible());
  QVERIFY(!m_page->isRunning());
  shootWidget(dialog, QStringLiteral("50-sync-schema-decision-error"));
  // An edit that works: a wider type than proposed. Applied, the sync resumes and
  // the row in the new shape arrives.
  QTest::mouseClick(child<QPushButton>(dialog, "restoreButton"), Qt::LeftButton);
  QCOMPARE(dialog->statement(), proposed);
  editor->setPlainText(QStringLiteral("ALTER TABLE \"public\".\"items\" ADD COLUMN \"extra\" bigint;"));
  QTest::mouseClick(child<QPushButton>(dialog, "applyButton"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(m_page->isRunning() && m_page->lastProgress().phase == "streaming", kApplyTimeoutMs);
  QTRY_VERIFY_WITH_TIMEOUT(!m_page->decisionDialog(), 5000);
  QTRY_COMPARE_WITH_TIMEOUT(targetCount(QStringLiteral("public.items WHERE id = 5001 AND extra = 42")), qint64{1},
                            kApplyTimeoutMs);
  QVERIFY(m_page->logText().contains(QStringLiteral("applied on the target: ALTER TABLE \"public\".\"items\" ADD COLUMN \"extra\" bigint")));
  QString type;
  QVERIFY(psql(QLatin1String(kTargetDb),
               QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name = 'items' AND "
                              "column_name = 'extra'"),
               &type));
  QCOMPARE(type.trimmed(), QStringLiteral("bigint"));

  // A type change on the source that the target's bigint cannot hold (int →
  // numeric(30,2)): the running sync stops at it and the same dialog proposes
  // ALTER COLUMN … TYPE; applied, the row with a fraction arrives.
  QSignalSpy retyped(m_page, &SyncPage::finished);
  write("ALTER TABLE public.items ALTER COLUMN extra TYPE numeric(30,2)");
  write("INSERT INTO public.items VALUES (5002, 'fraction', 1, 1.25)");
  QVERIFY(retyped.wait(kFinishTimeoutMs));
  QCOMPARE(m_page->lastStopReason(), StopReason::SchemaChange);
  auto* typeDialog = m_page->decisionDialog();
  QVERIFY(typeDialog);
  QTRY_VERIFY_WITH_TIMEOUT(typeDialog->isVisible(), 5000);
  const QString change = child<QLabel>(typeDialog, "schemaChange")->text();
  QVERIFY2(change.contains(QStringLiteral("public.items.extra (type bigint")), qPrintable(change));
  QVERIFY2(typeDialog->statement().contains(QStringLiteral("ALTER COLUMN \"extra\" TYPE numeric(30,2)")),
           qPrintable(typeDialog->statement()));
  QCOMPARE(targetCount(QStringLiteral("public.items WHERE id = 5002")), qint64{0});
  shootWidget(typeDialog, QStringLiteral("51-sync-type-change-decision"));
  QTest::mouseClick(child<QPushButton>(typeDialog, "applyButton"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(m_page->isRunning() && m_page->lastProgress().phase == "streaming", kApplyTimeoutMs);
  QTRY_COMPARE_WITH_TIMEOUT(targetCount(QStringLiteral("public.items WHERE id = 5002 AND extra = 1.25")), qint64{1},
                            kApplyTimeoutMs);

  QSignalSpy stopped(m_page, &SyncPage::finished);
  m_page->stop();
  QVERIFY(stopped.wait(kFinishTimeoutMs));
  m_page->setOnConflict(0);
}

void SyncPageTest::stallShowsTheBanner() {
  // A real stall takes 30 s of a target that does not move while the source
  // does; the page is shown the engine's stalled snapshot instead.
  QVERIFY(!m_page->isRunning());
  ferry::run::SyncProgress stalled = m_page->lastProgress();
  stalled.phase = "streaming";
  stalled.stalled = true;
  stalled.stallReason = "the source's WAL moved to 9/9A000000 while the target's position stayed at " +
                        stalled.appliedPosition + " for 31 s";
  m_page->showProgress(stalled);
  auto* stallBanner = child<QLabel>(m_page, "stallBanner");
  QVERIFY(stallBanner->isVisible());
  QVERIFY(m_page->stallText().contains(QString::fromStdString(stalled.stallReason)));
  QVERIFY(stallBanner->styleSheet().contains(QStringLiteral("background")));
  QVERIFY(m_page->logText().contains(QStringLiteral("stalled: the source's WAL moved")));
  shoot(QStringLiteral("44-sync-stalled"));
  stalled.stalled = false;
  stalled.stallReason.clear();
  m_page->showProgress(stalled);
  QVERIFY(!stallBanner->isVisible());
  QVERIFY(m_page->stallText().isEmpty());
}

void SyncPageTest::copyWithoutKeptSlotIsOneRedLine() {
  recreatePg(QLatin1String(kNoSlotSourceDb));
  recreatePg(QLatin1String(kNoSlotTargetDb));
  QVERIFY(psql(QLatin1String(kNoSlotSourceDb),
               QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b')")));
  const auto source = pgSpec(QLatin1String(kNoSlotSourceDb));
  const auto target = pgSpec(QLatin1String(kNoSlotTargetDb));
  useConnections(source, target);
  const QString state = resolvedStatePath();
  QVERIFY(!state.isEmpty());
  removeState(state);
  {
    ferry::run::CopyRequest copy;
    copy.source = source;
    copy.target = target;
    copy.options.statePath = state.toStdString();
    ferry::run::CopyRun run(copy);  // keepSlot off: the slot is dropped after the copy
    auto copied = run.run({});
    QVERIFY2(copied.ok(), copied.ok() ? "" : copied.error().oneLine().c_str());
  }
  QVERIFY(!startUntilFinished());
  QCOMPARE(m_page->statePath(), state);
  const QString error = m_page->errorText();
  qInfo("no kept slot: %s", qPrintable(error));
  QVERIFY2(error.contains(QStringLiteral("kept no replication slot")), qPrintable(error));
  QVERIFY(!error.contains(QLatin1Char('\n')));
  QVERIFY(child<QLabel>(m_page, "syncError")->isVisible());
  QVERIFY(m_page->stopText().isEmpty());
  QCOMPARE(m_page->lastProgress().phase, std::string("failed"));
  shoot(QStringLiteral("45-sync-no-kept-slot"));
  removeState(state);
}

void SyncPageTest::mariaDbSourceStreamsAndPassesASchemaChange() {
  // A MariaDB source streamed from its binlog into PostgreSQL, the same page.
  auto source = ferry::connect::ConnectionSpec::parse(m_mysqlUrl.toStdString());
  QVERIFY(source.ok());
  source->database = "";
  auto admin = ferry::connect::MySqlConnection::open(*source);
  QVERIFY2(admin.ok(), admin.ok() ? "" : admin.error().oneLine().c_str());
  auto my = [&](const std::string& sql) {
    auto done = (*admin)->exec(sql);
    QVERIFY2(done.ok(), done.ok() ? "" : done.error().oneLine().c_str());
  };
  const std::string db = kMariaDbSourceDb;
  my("DROP DATABASE IF EXISTS `" + db + "`");
  my("CREATE DATABASE `" + db + "`");
  my("USE `" + db + "`");  // seq_1_to_N (the Sequence engine) is found through the current database
  my("CREATE TABLE `" + db + "`.items (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, qty INT)");
  my("INSERT INTO `" + db + "`.items SELECT seq, CONCAT('item ', seq), seq % 7 FROM seq_1_to_500");
  source->database = db;
  recreatePg(QLatin1String(kMariaDbTargetDb));
  const auto target = pgSpec(QLatin1String(kMariaDbTargetDb));
  useConnections(*source, target);
  // The Run page keeps a MariaDB source's stream start (its binlog and GTID position) too.
  QVERIFY(m_window->showPage(QStringLiteral("run")));
  QVERIFY(child<QCheckBox>(m_window->runPage(), "keepSlot")->isChecked());
  QVERIFY(child<QCheckBox>(m_window->runPage(), "keepSlot")->isEnabled());
  const QString state = resolvedStatePath();
  QVERIFY(!state.isEmpty());
  removeState(state);
  ferry::run::CopyRequest copy;
  copy.source = *source;
  copy.target = target;
  copy.options.statePath = state.toStdString();
  copy.options.jobs = 2;
  copy.options.keepSlot = true;
  ferry::run::CopyRun run(copy);
  auto copied = run.run({});
  QVERIFY2(copied.ok(), copied.ok() ? "" : copied.error().oneLine().c_str());
  QVERIFY(m_window->showPage(QStringLiteral("sync")));
  QTRY_COMPARE_WITH_TIMEOUT(m_page->statePath(), state, 30000);

  my("UPDATE `" + db + "`.items SET qty = qty + 100 WHERE id <= 50");
  my("INSERT INTO `" + db + "`.items SELECT seq, 'new', 1 FROM seq_501_to_600");
  my("DELETE FROM `" + db + "`.items WHERE id BETWEEN 401 AND 420");
  m_page->setUntilCaughtUp(true);
  QVERIFY2(startUntilFinished(), qPrintable(m_page->errorText()));
  const auto p = m_page->lastProgress();
  QCOMPARE(p.phase, std::string("caught-up"));
  QCOMPARE(p.updates, std::int64_t{50});
  QCOMPARE(p.inserts, std::int64_t{100});
  QCOMPARE(p.deletes, std::int64_t{20});
  QVERIFY2(p.appliedPosition.find("mariadb-bin.") != std::string::npos, p.appliedPosition.c_str());
  QString n;
  QVERIFY(psql(QLatin1String(kMariaDbTargetDb), QStringLiteral("SELECT count(*) FROM %1.items").arg(QLatin1String(kMariaDbSourceDb)), &n));
  QCOMPARE(n, QStringLiteral("580"));

  // A renamed column: the stream stops before it and names its GTID; once the
  // target's column is renamed by hand, "go on past it" streams on.
  my("ALTER TABLE `" + db + "`.items RENAME COLUMN name TO label");
  my("UPDATE `" + db + "`.items SET label = 'after the rename' WHERE id = 1");
  QVERIFY(!startUntilFinished());
  QCOMPARE(m_page->lastStopReason(), StopReason::SchemaChange);
  qInfo("stop: %s", qPrintable(m_page->stopText()));
  QVERIFY2(m_page->stopText().contains(QStringLiteral("GTID 0-1-")), qPrintable(m_page->stopText()));
  QVERIFY2(m_page->errorText().contains(QStringLiteral("RENAME COLUMN")), qPrintable(m_page->errorText()));
  auto* pass = child<QPushButton>(m_page, "passDdl");
  QVERIFY(pass->isVisible());
  shoot(QStringLiteral("46-sync-mariadb-schema-change-stop"));
  QVERIFY(psql(QLatin1String(kMariaDbTargetDb),
               QStringLiteral("ALTER TABLE %1.items RENAME COLUMN name TO label").arg(QLatin1String(kMariaDbSourceDb))));
  QSignalSpy finished(m_page, &SyncPage::finished);
  QTest::mouseClick(pass, Qt::LeftButton);
  QVERIFY(finished.wait(kFinishTimeoutMs));
  QVERIFY2(finished.first().first().toBool(), qPrintable(m_page->errorText()));
  QVERIFY(!pass->isVisible());
  QVERIFY(psql(QLatin1String(kMariaDbTargetDb),
               QStringLiteral("SELECT label FROM %1.items WHERE id = 1").arg(QLatin1String(kMariaDbSourceDb)), &n));
  QCOMPARE(n, QStringLiteral("after the rename"));
  shoot(QStringLiteral("47-sync-mariadb-caught-up"));
  m_page->setUntilCaughtUp(false);
  removeState(state);
}

void SyncPageTest::cleanup() {
  // The tests follow one sync from start to stop; a failed check must not
  // leave it running into the next test, which starts its own.
  if (!QTest::currentTestFailed() || !m_page || !m_page->isRunning()) return;
  QSignalSpy finished(m_page, &SyncPage::finished);
  m_page->stop();
  if (m_page->isRunning()) finished.wait(kFinishTimeoutMs);
}

void SyncPageTest::cleanupTestCase() {
  m_writer.reset();
  m_window.reset();  // joins a sync still running
  dropSlots(QLatin1String(kSourceDb));
  dropSlots(QLatin1String(kNoSlotSourceDb));
  if (!m_statePath.isEmpty()) removeState(m_statePath);
}

void SyncPageTest::shoot(const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(m_window->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

void SyncPageTest::shootWidget(QWidget* widget, const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(widget->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(SyncPageTest)
#include "sync_page_test.moc"
