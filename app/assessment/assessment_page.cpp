#include "app/assessment/assessment_page.h"

#include <set>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/assessment/assessment_table_model.h"
#include "app/assessment/assessment_views.h"
#include "app/assessment/override_editor.h"
#include "app/connections/password_store.h"
#include "typemap/mapping_options.h"
#include "widgets/busy_spinner.h"
#include "widgets/severity_icon.h"
#include "widgets/sql_editor.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// In tab order (buildUi).
const char* const kTabNames[] = {"mapping", "rules", "trees", "objects", "ddl", "diff"};

}  // namespace

AssessmentPage::AssessmentPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, QWidget* parent)
    : QWidget(parent), m_bridge(bridge), m_passwords(passwords), m_specOf(std::move(specOf)) {
  setObjectName(QStringLiteral("assessmentPage"));
  buildUi();

  connect(m_run, &QPushButton::clicked, this, &AssessmentPage::runAssessment);
  connect(m_export, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export assessment report"),
                                                      QStringLiteral("assessment.html"), tr("HTML files (*.html)"));
    QString error;
    if (!path.isEmpty() && !exportReport(path, &error)) setStatus(error, true);
  });
  connect(m_bridge, &EngineBridge::assessmentFinished, this, &AssessmentPage::onFinished);
  connect(m_severityFilter, &QComboBox::currentIndexChanged, this,
          [this] { setSeverityMask(m_severityFilter->currentData().toInt()); });
  connect(m_tableFilter, &QComboBox::currentIndexChanged, this, [this] {
    m_proxy->setTableFilter(m_tableFilter->currentData().toString());
    updateCount();
  });
  connect(m_codeFilter, &QComboBox::currentIndexChanged, this, [this] {
    m_proxy->setCodeFilter(m_codeFilter->currentData().toString());
    updateCount();
  });
  connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
    m_proxy->setSearchText(text);
    updateCount();
  });
  connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AssessmentPage::onCurrentRowChanged);
  connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    onCurrentRowChanged();
    if (index.column() == AssessmentTableModel::TargetTypeColumn) m_editor->focusTargetType();
  });
  connect(m_editor, &OverrideEditor::applyRequested, this, [this](const plan::ColumnOverride& o) {
    QString error;
    if (!applyOverride(o, &error)) setStatus(error, true);
  });
  connect(m_editor, &OverrideEditor::clearRequested, this, &AssessmentPage::clearOverride);
  connect(m_bridge, &EngineBridge::evaluated, this, &AssessmentPage::onEvaluated);
  connect(m_tabs, &QTabWidget::currentChanged, this, &AssessmentPage::refreshCurrentTab);
  connectRuleEditors();
  updateRuleEditors();
  updateSummary();
  updateFilters();
  refreshTargetSelector();
}

AssessmentPage::~AssessmentPage() = default;

void AssessmentPage::setStatus(const QString& text, bool error) {
  m_status->setStyleSheet(error ? QStringLiteral("color: %1;").arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name())
                                : QString());
  m_status->setText(text);
}

void AssessmentPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refreshTargetSelector();
}

void AssessmentPage::refreshTargetSelector() {
  const auto target = m_specOf(preflight::Role::Target);
  m_targetEngine->setVisible(!target);
  if (!target) {
    m_targetLabel->setText(tr("(no target server on the Connections page: mapping for a current release)"));
    return;
  }
  QString text = QLatin1String(model::engineDisplayName(target->engine));
  if (m_targetCatalog && m_targetSpec.engine == m_targetCatalog->engine && !m_targetSpec.version.text.empty())
    text = QLatin1String(model::engineDisplayName(m_targetSpec.engine)) + QLatin1Char(' ') + q(m_targetSpec.version.text);
  m_targetLabel->setText(tr("<b>%1</b> — %2 (from the Connections page)").arg(text, q(target->toUrlWithoutPassword()).toHtmlEscaped()));
}

void AssessmentPage::setTargetEngine(model::Engine engine) {
  m_targetEngine->setCurrentIndex(m_targetEngine->findData(static_cast<int>(engine)));
}

void AssessmentPage::setProject(const plan::Project& project) {
  m_project = project;
  m_shownProject = project;
  m_evalId = 0;  // a re-evaluation in flight belongs to the previous project: its result is dropped
  m_evalQueued = false;
  m_sourceCatalog.reset();
  m_targetCatalog.reset();
  m_optionKeys.clear();
  showEvaluation(nullptr);
  updateRuleEditors();
  setBusy();
  setStatus(tr("Not run yet. Press Run assessment."));
}

void AssessmentPage::writeMapping(plan::Project& project) const {
  project.mappingOptions = m_project.mappingOptions;
  project.columnOverrides = m_project.columnOverrides;
  project.typeOverrides = m_project.typeOverrides;
  project.tableRules = m_project.tableRules;
  project.schemaMap = m_project.schemaMap;
}

void AssessmentPage::runAssessment() {
  if (isRunning()) return;
  refreshTargetSelector();
  const auto source = m_specOf(preflight::Role::Source);
  if (!source) {
    setStatus(tr("The source connection is empty: fill it in on the Connections page first."), true);
    return;
  }
  AssessmentRequest request;
  request.source = *source;
  request.target = m_specOf(preflight::Role::Target);
  request.targetEngine = static_cast<model::Engine>(m_targetEngine->currentData().toInt());
  request.project = m_project;
  m_runEdits = m_edits;
  m_run->setEnabled(false);
  m_spinner->start();
  setStatus(tr("Reading %1 and mapping every column…").arg(q(source->display())));
  m_resolving = true;
  m_clock.start();
  QPointer<AssessmentPage> self(this);
  // Passwords may come from the keychain (asynchronous): resolve the source, then the target.
  m_passwords->resolve(request.source, [self, request](connect::ConnectionSpec resolvedSource) mutable {
    if (self.isNull()) return;
    request.source = std::move(resolvedSource);
    auto send = [self](AssessmentRequest r) {
      AssessmentPage* page = self.data();
      if (page == nullptr) return;
      page->m_resolving = false;
      page->m_running = r;
      page->m_requestId = page->m_bridge->runAssessment(r);
    };
    if (!request.target) {
      send(std::move(request));
      return;
    }
    AssessmentPage* page = self.data();
    page->m_passwords->resolve(*request.target, [send, request](connect::ConnectionSpec resolvedTarget) mutable {
      request.target = std::move(resolvedTarget);
      send(std::move(request));
    });
  });
}

void AssessmentPage::onFinished(quint64 requestId, const AssessmentOutcome& outcome) {
  if (requestId != m_requestId) return;
  m_requestId = 0;
  setBusy();
  m_run->setEnabled(true);
  if (outcome.error) {
    m_running = {};
    setStatus(q(outcome.error->oneLine()), true);
    emit finished(false);
    return;
  }
  // The passwords worked: remember them for this session, as a successful connection test does.
  if (m_running.source.password) m_passwords->rememberForSession(PasswordStore::keyFor(m_running.source), *m_running.source.password);
  if (outcome.target && m_running.target && m_running.target->password)
    m_passwords->rememberForSession(PasswordStore::keyFor(*m_running.target), *m_running.target->password);
  const plan::Project mapped = m_running.project;
  m_running = {};
  m_sourceCatalog = outcome.source;
  m_targetCatalog = outcome.target;
  m_targetSpec = outcome.targetSpec;
  // A re-evaluation still running used the previous catalogs: drop its result.
  m_evalId = 0;
  m_evalQueued = false;
  m_shownProject = mapped;
  showEvaluation(outcome.evaluation);
  const auto& a = m_eval->assessment;
  QString text = tr("%1 %2 → %3%4: %5 columns, %6 object findings, mapped in %7 s. Data not scanned.")
                     .arg(QLatin1String(model::engineDisplayName(a.sourceEngine)), q(a.sourceVersion),
                          QLatin1String(model::engineDisplayName(a.targetEngine)),
                          a.targetVersion.empty() ? QString() : QLatin1Char(' ') + q(a.targetVersion))
                     .arg(a.columns.size())
                     .arg(a.objects.size())
                     .arg(static_cast<double>(m_clock.elapsed()) / 1000.0, 0, 'f', 2);
  if (outcome.targetError) text += tr(" The target could not be read (%1), so there is no schema diff.").arg(q(outcome.targetError->oneLine()));
  setStatus(text, outcome.targetError.has_value());
  refreshTargetSelector();
  if (m_edits != m_runEdits) {
    m_lastEdit = tr("Edits made while the assessment ran");
    requestEvaluation();  // the run mapped the project as it was when it started
  }
  setBusy();
  emit finished(true);
}

void AssessmentPage::showEvaluation(std::shared_ptr<const AssessmentEvaluation> evaluation) {
  m_eval = std::move(evaluation);
  if (m_eval) {
    for (const auto& c : m_eval->assessment.columns) {
      if (c.mapping.options.empty()) continue;  // most columns: no option shapes them
      auto& keys = m_optionKeys[c.schema + "." + c.table + "." + c.column];
      for (const auto& o : c.mapping.options)
        if (std::find(keys.begin(), keys.end(), o) == keys.end() && OverrideEditor::optionKeys().contains(q(o))) keys.push_back(o);
    }
  }
  m_model->setEvaluation(m_eval);
  m_export->setEnabled(m_eval != nullptr);
  // One schema (the usual MySQL database): its column would only repeat the name.
  bool oneSchema = true;
  if (m_eval)
    for (const auto& c : m_eval->assessment.columns) oneSchema &= c.schema == m_eval->assessment.columns.front().schema;
  m_table->setColumnHidden(AssessmentTableModel::SchemaColumn, oneSchema && m_eval);

  if (m_eval) {
    assessment_views::fillObjectFindings(m_objectTable, m_eval->assessment);
  } else {
    m_objectTable->setRowCount(0);
  }
  if (m_eval && m_eval->diff) {
    int counts[3] = {0, 0, 0};
    for (const auto& e : m_eval->diff->entries) ++counts[static_cast<int>(e.kind)];
    m_diffStatus->setText(m_eval->diff->identical()
                              ? tr("The target already matches the mapped source.")
                              : tr("Against %1 %2: %3 to add, %4 only on the target, %5 to change.")
                                    .arg(QLatin1String(model::engineDisplayName(m_targetSpec.engine)),
                                         m_targetCatalog ? q(m_targetCatalog->database) : QString())
                                    .arg(counts[0])
                                    .arg(counts[1])
                                    .arg(counts[2]));
  } else {
    m_diffStatus->setText(tr("No target server was read. Configure the target on the Connections page and run the "
                             "assessment again to compare the mapped source with an existing database."));
  }
  // Trees, DDL and diff are filled when their tab shows (seconds of GUI thread on a large catalog).
  m_stale = StaleTrees | StaleDdl | StaleDiff;
  refreshCurrentTab();
  updateSummary();
  updateFilters();
  onCurrentRowChanged();
  updateRuleEvaluation();
}

void AssessmentPage::refreshCurrentTab() {
  const int index = m_tabs->currentIndex();
  const QString name = index >= 0 && index < static_cast<int>(std::size(kTabNames)) ? QLatin1String(kTabNames[index]) : QString();
  if (name == QLatin1String("trees") && (m_stale & StaleTrees)) {
    m_stale &= ~StaleTrees;
    fillTrees();
  } else if (name == QLatin1String("ddl") && (m_stale & StaleDdl)) {
    m_stale &= ~StaleDdl;
    m_preData->setPlainText(m_eval ? q(m_eval->script.preData) : QString());
    m_postData->setPlainText(m_eval ? q(m_eval->script.postData) : QString());
  } else if (name == QLatin1String("diff") && (m_stale & StaleDiff)) {
    m_stale &= ~StaleDiff;
    if (m_eval && m_eval->diff) {
      assessment_views::fillDiff(m_diffTable, *m_eval->diff);
      m_reconcile->setPlainText(q(m_eval->reconcileScript));
    } else {
      m_diffTable->setRowCount(0);
      m_reconcile->clear();
    }
  }
}

void AssessmentPage::fillTrees() {
  // Rebuilt, with the expanded items kept open.
  for (auto [tree, model] : {std::pair{m_sourceTree, m_sourceModel}, std::pair{m_targetTree, m_targetModel}}) {
    QSet<QString> open;
    for (const QModelIndex& i : model->match(model->index(0, 0), assessment_views::kKeyRole, QStringLiteral("*"), -1,
                                             Qt::MatchWildcard | Qt::MatchRecursive))
      if (tree->isExpanded(i)) open.insert(i.data(assessment_views::kKeyRole).toString());
    if (!m_eval) {
      model->clear();
      continue;
    }
    if (tree == m_sourceTree) assessment_views::fillSourceTree(model, m_eval->assessment);
    else assessment_views::fillTargetTree(model, m_eval->assessment);
    tree->expandToDepth(0);
    for (const QModelIndex& i : model->match(model->index(0, 0), assessment_views::kKeyRole, QStringLiteral("*"), -1,
                                             Qt::MatchWildcard | Qt::MatchRecursive))
      if (open.contains(i.data(assessment_views::kKeyRole).toString())) tree->expand(i);
    tree->header()->resizeSection(assessment_views::TreeName, 250);
    tree->header()->resizeSection(assessment_views::TreeType, 220);
  }

}

bool AssessmentPage::applyOverride(const plan::ColumnOverride& override, QString* error) {
  for (const auto& [key, value] : override.options.items()) {
    if (auto ok = typemap::checkOption(key, value); !ok) {
      if (error) *error = q(std::move(ok).error().context("override of " + override.table + "." + override.column).oneLine());
      return false;
    }
  }
  plan::Project edited = m_project;
  auto& list = edited.columnOverrides;
  std::erase_if(list, [&](const plan::ColumnOverride& o) {
    return o.schema == override.schema && o.table == override.table && o.column == override.column;
  });
  if (!override.targetType.empty() || !override.options.empty()) list.push_back(override);
  m_selectAfterEval = {q(override.schema), q(override.table), q(override.column)};  // keep the edited row in view
  commitEdit(edited, tr("Override of %1.%2").arg(q(override.table), q(override.column)));
  return true;
}

bool AssessmentPage::clearOverride(const QString& schema, const QString& table, const QString& column) {
  plan::Project edited = m_project;
  const auto n = std::erase_if(edited.columnOverrides, [&](const plan::ColumnOverride& o) {
    return q(o.schema) == schema && q(o.table) == table && q(o.column) == column;
  });
  if (n == 0) return false;
  m_selectAfterEval = {schema, table, column};
  commitEdit(edited, tr("Override of %1.%2 cleared").arg(table, column));
  return true;
}

bool AssessmentPage::selectColumn(const QString& schema, const QString& table, const QString& column) {
  const int row = m_model->rowOf(schema, table, column);
  if (row < 0) return false;
  const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, AssessmentTableModel::TargetTypeColumn));
  if (!index.isValid()) return false;  // filtered out
  m_table->setCurrentIndex(index);
  // Scroll to the row by its Table cell, so the view does not slide sideways to the type.
  m_table->scrollTo(index.siblingAtColumn(AssessmentTableModel::TableColumn), QAbstractItemView::PositionAtCenter);
  onCurrentRowChanged();
  return true;
}

void AssessmentPage::onCurrentRowChanged() {
  const QModelIndex current = m_proxy->mapToSource(m_table->currentIndex());
  const auto* c = current.isValid() ? m_model->columnAt(current.row()) : nullptr;
  if (!c) {
    m_editor->clearColumn();
    return;
  }
  auto defaults = assess::projectOptions(m_project);
  QStringList keys;
  if (const auto it = m_optionKeys.find(c->schema + "." + c->table + "." + c->column); it != m_optionKeys.end())
    for (const auto& k : it->second) keys << q(k);
  m_editor->setColumn(*c, m_project.columnOverride(c->schema, c->table, c->column),
                      defaults ? defaults->toJson() : nlohmann::json::object(), keys,
                      m_eval ? m_eval->assessment.targetEngine : model::Engine::PostgreSQL);
}

void AssessmentPage::setSeverityMask(int mask) {
  const int i = m_severityFilter->findData(mask);
  if (i >= 0 && i != m_severityFilter->currentIndex()) m_severityFilter->setCurrentIndex(i);  // comes back here
  m_proxy->setSeverityMask(mask);
  updateCount();
}

void AssessmentPage::updateSummary() {
  const auto counts = m_eval ? m_eval->assessment.summary() : std::map<typemap::Severity, int>{};
  for (auto level : widgets::SeverityIcon::all) {
    const auto it = counts.find(static_cast<typemap::Severity>(level));
    const int n = it == counts.end() ? 0 : it->second;
    m_summary[static_cast<int>(level)]->setText(
        QStringLiteral("<b>%1</b> %2").arg(m_eval ? QString::number(n) : QStringLiteral("–"),
                                          QLatin1String(widgets::SeverityIcon::name(level))));
  }
  int overrides = 0;
  if (m_eval)
    for (const auto& c : m_eval->assessment.columns) overrides += c.overridden() ? 1 : 0;
  m_summaryObjects->setText(m_eval ? tr("· %1 columns · %2 object findings · %3")
                                         .arg(m_eval->assessment.columns.size())
                                         .arg(m_eval->assessment.objects.size())
                                         .arg(overrides == 1 ? tr("1 override") : tr("%1 overrides").arg(overrides))
                                   : QString());
}

void AssessmentPage::updateFilters() {
  const QString table = m_tableFilter->currentData().toString();
  const QString code = m_codeFilter->currentData().toString();
  QStringList tables;
  std::set<std::string> codes;
  if (m_eval) {
    const assess::ColumnAssessment* last = nullptr;  // columns come table by table: convert each table once
    for (const auto& c : m_eval->assessment.columns) {
      if (!last || last->table != c.table || last->schema != c.schema) tables << q(c.schema + "." + c.table);
      last = &c;
      for (const auto& f : c.mapping.findings) codes.insert(f.code);
    }
  }
  tables.removeDuplicates();
  const QSignalBlocker b1(m_tableFilter);
  const QSignalBlocker b2(m_codeFilter);
  m_tableFilter->clear();
  m_tableFilter->addItem(tr("All tables"), QString());
  for (const QString& t : tables) m_tableFilter->addItem(t, t);
  m_tableFilter->setCurrentIndex(qMax(0, m_tableFilter->findData(table)));
  m_codeFilter->clear();
  m_codeFilter->addItem(tr("All codes"), QString());
  for (const auto& c : codes) m_codeFilter->addItem(q(c), q(c));
  m_codeFilter->setCurrentIndex(qMax(0, m_codeFilter->findData(code)));
  m_proxy->setTableFilter(m_tableFilter->currentData().toString());
  m_proxy->setCodeFilter(m_codeFilter->currentData().toString());
  updateCount();
}

void AssessmentPage::updateCount() {
  m_count->setText(tr("%1 of %2 columns").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
}

void AssessmentPage::syncTrees(QTreeView* from, QTreeView* to) {
  const QString key = from->currentIndex().siblingAtColumn(0).data(assessment_views::kKeyRole).toString();
  if (key.isEmpty()) return;
  QAbstractItemModel* model = to->model();
  const auto hits = model->match(model->index(0, 0), assessment_views::kKeyRole, key, 1, Qt::MatchExactly | Qt::MatchRecursive);
  if (hits.isEmpty() || to->currentIndex().siblingAtColumn(0) == hits.first()) return;
  to->scrollTo(hits.first());
  to->setCurrentIndex(hits.first());
}

bool AssessmentPage::exportReport(const QString& path, QString* error) {
  if (!m_eval) {
    if (error) *error = tr("Run the assessment first.");
    return false;
  }
  const auto& a = m_eval->assessment;
  QString title = tr("Ferry assessment: %1 → %2").arg(QLatin1String(model::engineDisplayName(a.sourceEngine)),
                                                     QLatin1String(model::engineDisplayName(a.targetEngine)));
  if (!m_project.name.empty()) title = q(m_project.name) + QStringLiteral(" — ") + title;
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
    if (error) *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return false;
  }
  file.write(QByteArray::fromStdString(assess::toHtml(a, title.toStdString())));
  if (!file.flush()) {
    if (error) *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return false;
  }
  setStatus(tr("Report written to %1").arg(QDir::toNativeSeparators(path)));
  return true;
}

bool AssessmentPage::showTab(const QString& name) {
  for (int i = 0; i < static_cast<int>(std::size(kTabNames)); ++i) {
    if (name == QLatin1String(kTabNames[i])) {
      m_tabs->setCurrentIndex(i);
      return true;
    }
  }
  return false;
}

QString AssessmentPage::ddlText(ddl::Section section) const {
  if (!m_eval) return {};
  const QString pre = q(m_eval->script.preData);
  const QString post = q(m_eval->script.postData);
  if (section == ddl::Section::PreData) return pre;
  if (section == ddl::Section::PostData) return post;
  return pre + QLatin1Char('\n') + post;
}

QString AssessmentPage::reconcileText() const { return m_eval ? q(m_eval->reconcileScript) : QString(); }

}  // namespace ferry::app
