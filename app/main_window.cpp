#include "app/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

#include <iterator>

#include "app/assessment/assessment_page.h"
#include "app/bridge/engine_bridge.h"
#include "app/connections/connection_editor.h"
#include "app/connections/password_store.h"
#include "app/placeholder_page.h"
#include "app/cutover/cutover_page.h"
#include "app/plan/plan_page.h"
#include "app/report/report_page.h"
#include "app/run/run_page.h"
#include "app/schema_browser/schema_browser_page.h"
#include "app/sync/sync_page.h"
#include "app/verify/verify_page.h"

namespace ferry::app {

namespace {

struct PageInfo {
  const char* name;   ///< --page name
  const char* title;  ///< navigation label
  const char* plan;   ///< placeholder text for pages not built yet (empty: built)
};

// The flow of DESIGN.md; placeholder texts paraphrase its flow table.
const PageInfo kPages[] = {
    {"connections", QT_TRANSLATE_NOOP("MainWindow", "Connections"), ""},
    {"schema", QT_TRANSLATE_NOOP("MainWindow", "Schema"), ""},
    {"assessment", QT_TRANSLATE_NOOP("MainWindow", "Assessment"), ""},
    {"run", QT_TRANSLATE_NOOP("MainWindow", "Run"), ""},
    {"sync", QT_TRANSLATE_NOOP("MainWindow", "Sync"), ""},
    {"verify", QT_TRANSLATE_NOOP("MainWindow", "Verify"), ""},
    {"plan", QT_TRANSLATE_NOOP("MainWindow", "Plan"), ""},
    {"cutover", QT_TRANSLATE_NOOP("MainWindow", "Cutover"), ""},
    {"report", QT_TRANSLATE_NOOP("MainWindow", "Report"), ""},
};

int indexOfPage(const QString& name) {
  for (int i = 0; i < static_cast<int>(std::size(kPages)); ++i)
    if (name.compare(QLatin1String(kPages[i].name), Qt::CaseInsensitive) == 0) return i;
  return -1;
}

const QString kFileFilter = QObject::tr("Ferry projects (*.ferry.json *.json);;All files (*)");

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  m_bridge = new EngineBridge(this);
  m_passwords = new PasswordStore(this);
  buildPages();
  buildMenus();
  m_busy = new QLabel;
  statusBar()->addPermanentWidget(m_busy);
  connect(m_bridge, &EngineBridge::pendingChanged, this, [this](int n) {
    m_busy->setText(n > 0 ? tr("Working: %1 running", "requests").arg(n) : QString());
  });
  statusBar()->showMessage(tr("Ready — start by filling in the source and the target."));
  newProject();
  resize(1400, 900);
}

MainWindow::~MainWindow() = default;

QStringList MainWindow::pageNames() {
  QStringList names;
  for (const auto& p : kPages) names << QLatin1String(p.name);
  return names;
}

bool MainWindow::isPlaceholder(const QString& name) {
  const int i = indexOfPage(name);
  return i >= 0 && *kPages[i].plan != '\0';
}

void MainWindow::buildPages() {
  m_nav = new QListWidget;
  m_nav->setObjectName(QStringLiteral("pageList"));
  m_nav->setFixedWidth(190);
  m_nav->setSpacing(2);
  m_stack = new QStackedWidget;
  m_stack->setObjectName(QStringLiteral("pageStack"));

  const auto specOf = [this](preflight::Role r) -> std::optional<connect::ConnectionSpec> {
    ConnectionEditor* editor = r == preflight::Role::Source ? m_source : m_target;
    if (editor->isBlank()) return std::nullopt;
    return editor->spec();
  };
  for (int i = 0; i < static_cast<int>(std::size(kPages)); ++i) {
    const auto& p = kPages[i];
    const QString title = tr(p.title);
    auto* item = new QListWidgetItem(QStringLiteral("%1   %2").arg(i + 1).arg(title), m_nav);
    item->setData(Qt::UserRole, QLatin1String(p.name));
    item->setSizeHint(QSize(0, 34));
    QWidget* page = nullptr;
    if (i == 0) {
      page = buildConnectionsPage();
    } else if (i == 1) {
      m_schema = new SchemaBrowserPage(m_bridge, m_passwords, [this](preflight::Role r) {
        return (r == preflight::Role::Source ? m_source : m_target)->spec();
      });
      page = m_schema;
      connect(m_schema, &SchemaBrowserPage::loaded, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Catalog loaded.") : tr("Reading the catalog failed."), 8000);
      });
    } else if (i == 2) {
      m_assessment = new AssessmentPage(m_bridge, m_passwords, [this](preflight::Role r) -> std::optional<connect::ConnectionSpec> {
        ConnectionEditor* editor = r == preflight::Role::Source ? m_source : m_target;
        if (editor->isBlank()) return std::nullopt;
        return editor->spec();
      });
      page = m_assessment;
      connect(m_assessment, &AssessmentPage::mappingEdited, this, [this] { setModified(true); });
      connect(m_assessment, &AssessmentPage::finished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Assessment finished.") : tr("The assessment failed."), 8000);
      });
    } else if (QLatin1String(p.name) == QLatin1String("run")) {
      m_run = new RunPage(
          m_bridge, m_passwords,
          [this](preflight::Role r) -> std::optional<connect::ConnectionSpec> {
            ConnectionEditor* editor = r == preflight::Role::Source ? m_source : m_target;
            if (editor->isBlank()) return std::nullopt;
            return editor->spec();
          },
          [this] { return collectProject(); }, [this] { return m_path; });
      page = m_run;
      connect(m_run, &RunPage::finished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Copy finished.") : tr("The copy did not finish."), 8000);
      });
    } else if (QLatin1String(p.name) == QLatin1String("sync")) {
      // The sync follows the Run page's copy: the same state file, named by that page.
      m_sync = new SyncPage(
          m_bridge, m_passwords,
          [this](preflight::Role r) -> std::optional<connect::ConnectionSpec> {
            ConnectionEditor* editor = r == preflight::Role::Source ? m_source : m_target;
            if (editor->isBlank()) return std::nullopt;
            return editor->spec();
          },
          [this] { return collectProject(); },
          [this](std::function<void(const QString&, const QString&)> then) { m_run->resolveStatePath(std::move(then)); });
      page = m_sync;
      connect(m_run, &RunPage::statePathChanged, m_sync, &SyncPage::setStatePath);
      connect(m_sync, &SyncPage::finished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Sync stopped.") : tr("The sync stopped with an error."), 8000);
      });
    } else if (QLatin1String(p.name) == QLatin1String("verify")) {
      m_verify = new VerifyPage(
          m_bridge, m_passwords,
          [this](preflight::Role r) -> std::optional<connect::ConnectionSpec> {
            ConnectionEditor* editor = r == preflight::Role::Source ? m_source : m_target;
            if (editor->isBlank()) return std::nullopt;
            return editor->spec();
          },
          [this] { return collectProject(); });
      page = m_verify;
      connect(m_verify, &VerifyPage::finished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Verification finished.") : tr("The verification did not finish."), 8000);
      });
    } else if (QLatin1String(p.name) == QLatin1String("plan")) {
      m_plan = new PlanPage(m_bridge, [this] {
        showPage(QStringLiteral("cutover"));
        m_cutover->checkGates();
      });
      page = m_plan;
      connect(m_run, &RunPage::statePathChanged, m_plan, &PlanPage::setStatePath);
    } else if (QLatin1String(p.name) == QLatin1String("cutover")) {
      m_cutover = new CutoverPage(m_bridge, specOf, [this] { return collectProject(); });
      page = m_cutover;
      connect(m_run, &RunPage::statePathChanged, m_cutover, &CutoverPage::setStatePath);
      connect(m_cutover, &CutoverPage::finished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Cutover job finished.") : tr("The cutover job did not finish as asked."), 8000);
        if (m_plan && m_cutover->lastOutcome()) {
          const auto& o = *m_cutover->lastOutcome();
          if (o.report) m_plan->showGates(o.report->gates);
          else if (o.rehearsal) m_plan->showGates(o.rehearsal->cutover.gates);
          m_plan->refresh();
        }
      });
    } else if (QLatin1String(p.name) == QLatin1String("report")) {
      m_report = new ReportPage(m_bridge, specOf, [this] { return collectProject(); });
      page = m_report;
      connect(m_run, &RunPage::statePathChanged, m_report, &ReportPage::setStatePath);
    } else {
      page = new PlaceholderPage(title, tr(p.plan));
      // Not built yet: greyed, but still selectable so its plan can be read.
      item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
      item->setToolTip(tr("Not built yet"));
      QFont f = item->font();
      f.setItalic(true);
      item->setFont(f);
    }
    page->setObjectName(QStringLiteral("page_%1").arg(QLatin1String(p.name)));
    m_stack->addWidget(page);
  }
  connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
  if (m_sync && m_verify) {
    // A verification while the sync runs compares both sides at one source position.
    connect(m_sync, &SyncPage::started, m_verify, [this] { m_verify->setLiveSync(m_sync->statePath()); });
    connect(m_sync, &SyncPage::finished, m_verify, [this] { m_verify->setLiveSync(QString()); });
  }

  auto* central = new QWidget;
  auto* layout = new QHBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(m_nav);
  layout->addWidget(m_stack, 1);
  setCentralWidget(central);
  m_nav->setCurrentRow(0);
}

QWidget* MainWindow::buildConnectionsPage() {
  m_source = new ConnectionEditor(preflight::Role::Source, m_bridge, m_passwords);
  m_target = new ConnectionEditor(preflight::Role::Target, m_bridge, m_passwords);
  for (auto* e : {m_source, m_target}) {
    connect(e, &ConnectionEditor::changed, this, [this] { setModified(true); });
    connect(e, &ConnectionEditor::testFinished, this, [this, e](bool ok) {
      const QString who = e == m_source ? tr("Source") : tr("Target");
      statusBar()->showMessage(ok ? tr("%1: connected.").arg(who) : tr("%1: connection failed.").arg(who), 8000);
    });
  }
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(m_source);
  split->addWidget(m_target);
  split->setChildrenCollapsible(false);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  return split;
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New project"), QKeySequence::New, this, [this] {
    if (maybeSave()) newProject();
  });
  file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::onOpen);
  file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::onSave);
  file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, &MainWindow::onSaveAs);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

bool MainWindow::showPage(const QString& name) {
  const int i = indexOfPage(name);
  if (i < 0) return false;
  m_nav->setCurrentRow(i);
  m_stack->setCurrentIndex(i);
  return true;
}

QString MainWindow::currentPageName() const { return QLatin1String(kPages[m_stack->currentIndex()].name); }

QWidget* MainWindow::page(const QString& name) const {
  const int i = indexOfPage(name);
  return i < 0 ? nullptr : m_stack->widget(i);
}

void MainWindow::setModified(bool modified) {
  setWindowModified(modified);
  updateTitle();
}

void MainWindow::updateTitle() {
  const QString name = m_project.name.empty() ? tr("Untitled") : QString::fromStdString(m_project.name);
  setWindowTitle(QStringLiteral("%1[*] — Ferry Workbench").arg(name));
}

void MainWindow::newProject() {
  m_project = plan::Project{};
  m_path.clear();
  m_source->clear();
  m_target->clear();
  m_assessment->setProject(m_project);
  setModified(false);
}

plan::Project MainWindow::collectProject() const {
  plan::Project p = m_project;
  // toUrlWithoutPassword: the project file never holds a password (DESIGN.md "GUI").
  p.source.url = m_source->isBlank() ? std::string() : m_source->spec().toUrlWithoutPassword();
  p.target.url = m_target->isBlank() ? std::string() : m_target->spec().toUrlWithoutPassword();
  m_assessment->writeMapping(p);
  return p;
}

bool MainWindow::openProject(const QString& path, QString* error) {
  auto loaded = plan::Project::load(path.toStdString());
  if (!loaded) {
    if (error) *error = QString::fromStdString(loaded.error().oneLine());
    return false;
  }
  m_source->clear();
  m_target->clear();
  QStringList problems;
  auto fill = [&](ConnectionEditor* editor, const plan::Endpoint& end, const QString& who) {
    if (end.empty()) return;
    auto spec = connect::ConnectionSpec::parse(end.url);
    if (spec) {
      editor->setSpec(*spec);
    } else {
      problems << who + QStringLiteral(": ") + QString::fromStdString(spec.error().oneLine());
    }
  };
  fill(m_source, loaded->source, tr("source"));
  fill(m_target, loaded->target, tr("target"));
  m_project = std::move(*loaded);
  m_assessment->setProject(m_project);
  m_path = path;
  setModified(false);
  statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), 8000);
  if (!problems.isEmpty() && error) *error = problems.join(QStringLiteral("; "));
  return problems.isEmpty();
}

bool MainWindow::saveProjectAs(const QString& path, QString* error) {
  plan::Project p = collectProject();
  if (p.name.empty()) {
    QString base = QFileInfo(path).fileName();
    for (const char* ext : {".ferry.json", ".json"})
      if (base.endsWith(QLatin1String(ext))) base.chop(static_cast<int>(qstrlen(ext)));
    p.name = base.toStdString();
  }
  auto status = p.save(path.toStdString());
  if (!status) {
    if (error) *error = QString::fromStdString(status.error().oneLine());
    return false;
  }
  m_project = std::move(p);
  m_path = path;
  setModified(false);
  statusBar()->showMessage(tr("Saved %1 (passwords are never written to the project)").arg(QDir::toNativeSeparators(path)), 8000);
  return true;
}

void MainWindow::onOpen() {
  if (!maybeSave()) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QFileInfo(m_path).path(), kFileFilter);
  if (path.isEmpty()) return;
  QString error;
  if (!openProject(path, &error)) QMessageBox::warning(this, tr("Open project"), error);
}

bool MainWindow::onSave() {
  if (m_path.isEmpty()) return onSaveAs();
  QString error;
  if (saveProjectAs(m_path, &error)) return true;
  QMessageBox::warning(this, tr("Save project"), error);
  return false;
}

bool MainWindow::onSaveAs() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save project"),
                                                    m_path.isEmpty() ? QStringLiteral("migration.ferry.json") : m_path, kFileFilter);
  if (path.isEmpty()) return false;
  QString error;
  if (saveProjectAs(path, &error)) return true;
  QMessageBox::warning(this, tr("Save project"), error);
  return false;
}

bool MainWindow::maybeSave() {
  if (!isModified()) return true;
  const auto answer = QMessageBox::question(this, tr("Unsaved changes"), tr("Save the changes to this project first?"),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Save) return onSave();
  return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (maybeSave()) {
    event->accept();
  } else {
    event->ignore();
  }
}

}  // namespace ferry::app
