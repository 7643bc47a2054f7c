// The workbench's passwords and the desktop keychain, against a real Secret
// Service. keyring-session (beside this file) runs this test in a private
// desktop session — FERRY_TEST_KEYRING says which:
//   secret-service  gnome-keyring, unlocked: a password typed on the
//                   Connections page is stored there, and after the project is
//                   reopened in a new window (a new process's memory) the
//                   connection is made with the password read back, unasked;
//   no-service      a session bus without a Secret Service, and
//   no-bus          no session bus: the workbench behaves as without a
//                   keychain — the password lives for the session, a reopened
//                   project asks for it once.
// In every session the project file, and every file under the session's
// HOME, never hold the password in clear.

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <memory>

#include "app/connections/connection_editor.h"
#include "app/connections/password_store.h"
#include "app/main_window.h"
#include "connect/connection_spec.h"
#include "gui_test_support.h"

using ferry::app::ConnectionEditor;
using ferry::app::MainWindow;
using ferry::app::PasswordStore;
using ferry::connect::PasswordSource;
namespace guitest = ferry::guitest;
using guitest::child;

namespace {

constexpr int kServerTimeoutMs = 30000;

/// The password the Secret Service holds for QtKeychain's entry (service
/// "ferry", key `key`), asked of it directly with secret-tool: "" when none.
QString secretToolLookup(const QString& key) {
  QProcess p;
  p.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("ferry"),
                                          QStringLiteral("user"), key});
  if (!p.waitForFinished(10000)) return QString();
  return QString::fromUtf8(p.readAllStandardOutput());
}

/// Answers every password prompt (QInputDialog) the workbench shows with the
/// password of the connection its text names, and counts them.
class PromptAnswerer {
public:
  PromptAnswerer(QHash<QString, QString> passwordByKey) : m_passwords(std::move(passwordByKey)) {
    m_timer.setInterval(20);
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
      auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
      if (!dialog) return;
      QString answer;
      for (auto it = m_passwords.cbegin(); it != m_passwords.cend(); ++it) {
        if (dialog->labelText().contains(it.key())) answer = it.value();
      }
      m_asked << dialog->labelText();
      if (answer.isEmpty()) {
        dialog->reject();
      } else {
        dialog->setTextValue(answer);
        dialog->accept();
      }
    });
    m_timer.start();
  }
  const QStringList& asked() const { return m_asked; }

private:
  QHash<QString, QString> m_passwords;
  QStringList m_asked;
  QTimer m_timer;
};

}  // namespace

class KeychainTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void aTypedPasswordComesBackAfterTheProjectIsReopened();

private:
  /// Clicks "Test connection" and waits until it ends; true when it connected.
  bool testConnection(ConnectionEditor* editor);
  /// No file under HOME (the keyring's own files included) holds `secret` in clear.
  void checkNoFileHolds(const QByteArray& secret);

  guitest::Sandbox m_sandbox;
  QString m_mode;
};

void KeychainTest::initTestCase() {
  m_sandbox = guitest::loadSandbox();
  if (m_sandbox.mysqlUrl.isEmpty() || m_sandbox.pgUrl.isEmpty()) QFAIL(guitest::sandboxHint());
  m_mode = qEnvironmentVariable("FERRY_TEST_KEYRING");
  if (m_mode.isEmpty()) QFAIL("run this test through tests/gui/keychain/keyring-session MODE");
  // keyring-session took every other password source away.
  QVERIFY(!qEnvironmentVariableIsSet("PGPASSWORD"));
  QVERIFY(!qEnvironmentVariableIsSet("MYSQL_PWD"));
  QVERIFY(!QFile::exists(QDir::home().filePath(QStringLiteral(".pgpass"))));
  QVERIFY(!QFile::exists(QDir::home().filePath(QStringLiteral(".my.cnf"))));
  // Which sessions have a keychain to ask: the bus exists in two of them.
  QCOMPARE(PasswordStore::keychainAvailable(), m_mode != QLatin1String("no-bus"));
}

bool KeychainTest::testConnection(ConnectionEditor* editor) {
  QTest::mouseClick(child<QPushButton>(editor, "testButton"), Qt::LeftButton);
  QElapsedTimer clock;
  clock.start();
  while (editor->isTesting() && clock.elapsed() < kServerTimeoutMs) QTest::qWait(10);
  return !editor->isTesting() && editor->lastOutcome() && !editor->lastOutcome()->error;
}

void KeychainTest::checkNoFileHolds(const QByteArray& secret) {
  QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
  int files = 0;
  while (it.hasNext()) {
    QFile f(it.next());
    if (!f.open(QIODevice::ReadOnly)) continue;
    ++files;
    QVERIFY2(!f.readAll().contains(secret), qPrintable(QStringLiteral("%1 holds the password in clear").arg(f.fileName())));
  }
  qInfo("%d files under HOME searched for the password", files);
}

void KeychainTest::aTypedPasswordComesBackAfterTheProjectIsReopened() {
  QTemporaryDir projectDir;
  QVERIFY(projectDir.isValid());
  const QString projectPath = projectDir.filePath(QStringLiteral("keychain.ferry.json"));
  struct Side {
    QString url;
    QString version;  // what the version line shows once connected
    QString key;      // the keychain key (the URL without password)
    QString password;
  };
  std::vector<Side> sides = {{m_sandbox.mysqlUrl, QStringLiteral("MariaDB 10.11"), {}, {}},
                             {m_sandbox.pgUrl, QStringLiteral("PostgreSQL"), {}, {}}};

  // 1. The passwords typed in the forms (a pasted URL fills the password field).
  auto window = std::make_unique<MainWindow>();
  window->resize(1400, 900);
  window->show();
  QVERIFY(QTest::qWaitForWindowExposed(window.get()));
  ConnectionEditor* editors[2] = {window->sourceEditor(), window->targetEditor()};
  for (int i = 0; i < 2; ++i) {
    QVERIFY(editors[i]->applyUrl(sides[i].url));
    sides[i].password = child<QLineEdit>(editors[i], "password")->text();
    QVERIFY(!sides[i].password.isEmpty());
    sides[i].key = PasswordStore::keyFor(editors[i]->spec());
    QVERIFY(!sides[i].key.contains(sides[i].password));
    QVERIFY2(testConnection(editors[i]), qPrintable(child<QLabel>(editors[i], "errorLabel")->text()));
    QCOMPARE(editors[i]->passwordSource(), PasswordSource::Field);
  }

  // 2. Stored in the Secret Service under the URL without password — asked of
  //    the service itself, not of Ferry.
  if (m_mode == QLatin1String("secret-service")) {
    for (const Side& s : sides) QTRY_COMPARE_WITH_TIMEOUT(secretToolLookup(s.key), s.password, 10000);
  }

  // 3. The project file holds the connections, not the passwords.
  QString error;
  QVERIFY2(window->saveProjectAs(projectPath, &error), qPrintable(error));
  QFile file(projectPath);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray json = file.readAll();
  for (const Side& s : sides) {
    QVERIFY2(!json.contains(s.password.toUtf8()), "the project file holds a password");
    QVERIFY2(json.contains(QUrl(s.url).host().toUtf8()), json.constData());
  }
  window.reset();  // the session's memory of the passwords goes with it

  // 4. Reopened in a new window: the keychain answers; without one the
  //    workbench asks once per connection.
  QHash<QString, QString> byKey;
  for (const Side& s : sides) byKey.insert(s.key, s.password);
  PromptAnswerer prompts(byKey);
  window = std::make_unique<MainWindow>();
  window->resize(1400, 900);
  window->show();
  QVERIFY(QTest::qWaitForWindowExposed(window.get()));
  QVERIFY2(window->openProject(projectPath, &error), qPrintable(error));
  editors[0] = window->sourceEditor();
  editors[1] = window->targetEditor();
  const bool keychain = m_mode == QLatin1String("secret-service");
  for (int i = 0; i < 2; ++i) {
    QVERIFY(child<QLineEdit>(editors[i], "password")->text().isEmpty());
    QVERIFY2(testConnection(editors[i]), qPrintable(child<QLabel>(editors[i], "errorLabel")->text()));
    QVERIFY(child<QLabel>(editors[i], "versionLabel")->text().contains(sides[i].version));
    QCOMPARE(editors[i]->passwordSource(), keychain ? PasswordSource::Keychain : PasswordSource::Prompt);
    QCOMPARE(child<QLabel>(editors[i], "versionLabel")->text().contains(QStringLiteral("password from the keychain")),
             keychain);
  }
  QCOMPARE(prompts.asked().size(), keychain ? 0 : 2);
  if (keychain) {
    const QString path = QDir(m_sandbox.shotDir).filePath(QStringLiteral("54-connections-keychain.png"));
    QApplication::processEvents();
    QVERIFY2(window->grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
  }
  window.reset();

  // 5. Nothing in the session's HOME holds a password in clear (gnome-keyring's
  //    file is encrypted; no plain-text fallback was written).
  for (const Side& s : sides) checkNoFileHolds(s.password.toUtf8());
}

QTEST_MAIN(KeychainTest)
#include "keychain_test.moc"
