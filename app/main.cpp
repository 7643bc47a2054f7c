// ferry-workbench: builds the application, reads --project / --page, shows the main window.
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include "app/main_window.h"

int main(int argc, char* argv[]) {
  QApplication app(argc, argv);
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
  parser.addOption(project);
  parser.addOption(page);
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
  return QApplication::exec();
}
