// ferry-workbench: builds the application, reads --project / --page, shows the main window.
#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QMessageBox>
#include <QTimer>

#include "app/main_window.h"
#include "app/report/report_page.h"

int main(int argc, char* argv[]) {
  QApplication app(argc, argv);
  // `ferry report --pdf`: the evidence pack's HTML printed to a PDF, headless.
  if (argc == 4 && QString::fromLocal8Bit(argv[1]) == QLatin1String("--render-pdf")) {
    QFile in(QString::fromLocal8Bit(argv[2]));
    if (!in.open(QIODevice::ReadOnly)) return 1;
    QString error;
    if (!ferry::app::writePdf(QString::fromUtf8(in.readAll()), QString::fromLocal8Bit(argv[3]), &error)) {
      qWarning("%s", qPrintable(error));
      return 1;
    }
    return 0;
  }
  QApplication::setApplicationName(QStringLiteral("Ferry Workbench"));
  QApplication::setOrganizationName(QStringLiteral("Ferry"));
  QApplication::setApplicationVersion(QStringLiteral(FERRY_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("ferry-workbench"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Live database migration workbench (PostgreSQL <-> MySQL/MariaDB)."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption project(QStringList{QStringLiteral("project")}, QStringLiteral("Open the project FILE."),
                                   QStringLiteral("FILE"));
  const QCommandLineOption page(QStringList{QStringLiteral("page")},
                                QStringLiteral("Start on page NAME (%1).").arg(ferry::app::MainWindow::pageNames().join(QStringLiteral(", "))),
                                QStringLiteral("NAME"));
  // For scripts and checks without a screen: save a PNG of the window once it
  // has settled, then quit (e.g. `xvfb-run -a scripts/demo` in CI-like setups).
  const QCommandLineOption screenshot(QStringList{QStringLiteral("screenshot")},
                                      QStringLiteral("Save a PNG of the window to FILE after 2 s, then quit."),
                                      QStringLiteral("FILE"));
  parser.addOption(project);
  parser.addOption(page);
  parser.addOption(screenshot);
  parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A project to open (same as --project)."),
                               QStringLiteral("[file]"));
  parser.process(app);
  QString projectFile = parser.value(project);
  if (projectFile.isEmpty() && !parser.positionalArguments().isEmpty()) projectFile = parser.positionalArguments().first();

  ferry::app::MainWindow window;
  if (!projectFile.isEmpty()) {
    QString error;
    if (!window.openProject(projectFile, &error))
      QMessageBox::warning(&window, QStringLiteral("Open project"), error);
  }
  if (parser.isSet(page) && !window.showPage(parser.value(page))) {
    qWarning("unknown page '%s'; known: %s", qPrintable(parser.value(page)),
             qPrintable(ferry::app::MainWindow::pageNames().join(QStringLiteral(", "))));
  }
  window.show();
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    QTimer::singleShot(2000, &window, [&window, file] {
      const bool saved = window.grab().save(file, "PNG");
      if (!saved) qWarning("could not write %s", qPrintable(file));
      QApplication::exit(saved ? 0 : 1);
    });
  }
  return QApplication::exec();
}
