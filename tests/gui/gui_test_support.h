#pragma once
// Shared by the workbench GUI tests (QtTest, offscreen, real sandbox servers):
// widget lookup, the sandbox URLs and screenshot directory, and the meter of
// event-loop latency that proves the GUI thread never blocks.

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFont>
#include <QMessageBox>
#include <QPushButton>
#include <QString>
#include <QTest>
#include <QTimer>
#include <QWidget>

#include <functional>

namespace ferry::guitest {

/// The named child widget; a missing one ends the test run (a renamed widget is a bug).
template <typename T>
T* child(QWidget* parent, const char* name) {
  auto* w = parent->findChild<T*>(QLatin1String(name));
  if (!w) qFatal("no child widget named %s", name);
  return w;
}

struct Sandbox {
  QString mysqlUrl;
  QString pgUrl;
  QString shotDir;
};

/// Reads FERRY_TEST_MYSQL_URL / FERRY_TEST_PG_URL and the screenshot directory
/// (FERRY_SCREENSHOT_DIR, default <build>/screenshots) and sets the font the
/// screenshots are made with. Empty URLs mean the sandbox environment is missing.
inline Sandbox loadSandbox() {
  Sandbox s;
  s.mysqlUrl = qEnvironmentVariable("FERRY_TEST_MYSQL_URL");
  s.pgUrl = qEnvironmentVariable("FERRY_TEST_PG_URL");
  s.shotDir = qEnvironmentVariable("FERRY_SCREENSHOT_DIR", QStringLiteral(FERRY_SCREENSHOT_DEFAULT_DIR));
  QDir().mkpath(s.shotDir);
  // DejaVu (fonts-dejavu-core, scripts/install-deps) so text renders the same offscreen everywhere.
  QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 9));
  return s;
}

inline const char* sandboxHint() {
  return "FERRY_TEST_MYSQL_URL and FERRY_TEST_PG_URL must be set: "
         "scripts/sandbox start && eval \"$(scripts/sandbox env)\"";
}

/// Runs `trigger` (may be empty), then lets the event loop run until `done()`
/// or `timeoutMs`, with a 10 ms timer ticking: returns the longest gap between
/// two ticks in milliseconds — the GUI's worst latency meanwhile.
inline qint64 measureGaps(const std::function<void()>& trigger, const std::function<bool()>& done, int timeoutMs) {
  QElapsedTimer clock;
  qint64 last = 0;
  qint64 maxGap = 0;
  QTimer ticker;
  ticker.setInterval(10);
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    maxGap = qMax(maxGap, now - last);
    last = now;
  });
  clock.start();
  ticker.start();
  if (trigger) trigger();
  while (!done() && clock.elapsed() < timeoutMs) QTest::qWait(5);
  ticker.stop();
  return maxGap;
}

/// Answers the next modal message box with `button`, as a user would, as soon
/// as it shows (a modal box runs its own event loop, so the answer comes from a
/// timer). text() is the box's text, empty while none was shown.
class MessageBoxAnswer {
public:
  explicit MessageBoxAnswer(QMessageBox::StandardButton button) {
    m_timer.setInterval(20);
    QObject::connect(&m_timer, &QTimer::timeout, [this, button] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box) return;
      m_text = box->text();
      box->button(button)->click();
      m_timer.stop();
    });
    m_timer.start();
  }
  const QString& text() const { return m_text; }

private:
  QTimer m_timer;
  QString m_text;
};

}  // namespace ferry::guitest
