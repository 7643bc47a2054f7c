#pragma once
/// MainWindow: the workbench shell — a navigation list with the whole page
/// sequence of DESIGN.md (Connections → Schema → Assessment → Plan → Run →
/// Sync → Verify → Cutover → Report), the pages, the File menu (projects as JSON via
/// plan::Project, never with passwords) and a status bar.

#include <QMainWindow>
#include <QStringList>

#include "plan/project.h"

class QListWidget;
class QStackedWidget;
class QLabel;

namespace ferry::app {

class AssessmentPage;
class CutoverPage;
class PlanPage;
class ReportPage;
class ConnectionEditor;
class EngineBridge;
class PasswordStore;
class RunPage;
class SchemaBrowserPage;
class SyncPage;
class VerifyPage;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Page names for --page and tests: "connections", "schema", "assessment", …
  static QStringList pageNames();
  /// Shows a page by name (built or placeholder); false for an unknown name.
  bool showPage(const QString& name);
  QString currentPageName() const;
  QWidget* page(const QString& name) const;
  /// True for pages that exist only as a placeholder so far.
  static bool isPlaceholder(const QString& name);

  /// Resets to an empty, unmodified project.
  void newProject();
  /// Loads a project and fills both connection editors. On failure returns
  /// false and sets *error (one line) when given.
  bool openProject(const QString& path, QString* error = nullptr);
  /// Writes the project (URLs without passwords) to `path` and makes it the current file.
  bool saveProjectAs(const QString& path, QString* error = nullptr);
  bool isModified() const { return isWindowModified(); }
  QString projectPath() const { return m_path; }

  ConnectionEditor* sourceEditor() const { return m_source; }
  ConnectionEditor* targetEditor() const { return m_target; }
  SchemaBrowserPage* schemaBrowser() const { return m_schema; }
  AssessmentPage* assessmentPage() const { return m_assessment; }
  RunPage* runPage() const { return m_run; }
  SyncPage* syncPage() const { return m_sync; }
  VerifyPage* verifyPage() const { return m_verify; }
  PlanPage* planPage() const { return m_plan; }
  CutoverPage* cutoverPage() const { return m_cutover; }
  ReportPage* reportPage() const { return m_report; }
  EngineBridge* bridge() const { return m_bridge; }

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void buildMenus();
  void buildPages();
  QWidget* buildConnectionsPage();
  void setModified(bool modified);
  void updateTitle();
  plan::Project collectProject() const;
  bool maybeSave();
  void onOpen();
  bool onSave();
  bool onSaveAs();

  EngineBridge* m_bridge = nullptr;
  PasswordStore* m_passwords = nullptr;
  QListWidget* m_nav = nullptr;
  QStackedWidget* m_stack = nullptr;
  ConnectionEditor* m_source = nullptr;
  ConnectionEditor* m_target = nullptr;
  SchemaBrowserPage* m_schema = nullptr;
  AssessmentPage* m_assessment = nullptr;
  RunPage* m_run = nullptr;
  SyncPage* m_sync = nullptr;
  VerifyPage* m_verify = nullptr;
  PlanPage* m_plan = nullptr;
  CutoverPage* m_cutover = nullptr;
  ReportPage* m_report = nullptr;
  QLabel* m_busy = nullptr;
  plan::Project m_project;
  QString m_path;
};

}  // namespace ferry::app
