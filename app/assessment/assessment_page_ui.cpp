// The widget tree of the Assessment page (AssessmentPage's build* functions);
// the behaviour is in assessment_page.cpp.

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/assessment/assessment_page.h"
#include "app/assessment/assessment_table_model.h"
#include "app/assessment/assessment_views.h"
#include "app/assessment/override_editor.h"
#include "widgets/busy_spinner.h"
#include "widgets/severity_icon.h"
#include "widgets/sql_editor.h"

namespace ferry::app {

namespace {

widgets::SqlEditor* readOnlyEditor(const char* name) {
  auto* e = new widgets::SqlEditor;
  e->setObjectName(QLatin1String(name));
  e->setReadOnly(true);
  return e;
}

}  // namespace

void AssessmentPage::buildUi() {
  auto* layout = new QVBoxLayout(this);

  auto* bar = new QHBoxLayout;
  m_targetEngine = new QComboBox;
  m_targetEngine->setObjectName(QStringLiteral("targetEngine"));
  for (auto e : {model::Engine::PostgreSQL, model::Engine::MySQL, model::Engine::MariaDB})
    m_targetEngine->addItem(QLatin1String(model::engineDisplayName(e)), static_cast<int>(e));
  m_targetLabel = new QLabel;
  m_targetLabel->setObjectName(QStringLiteral("targetLabel"));
  m_run = new QPushButton(tr("Run assessment"));
  m_run->setObjectName(QStringLiteral("runAssessment"));
  m_spinner = new widgets::BusySpinner;
  m_spinner->setObjectName(QStringLiteral("assessmentSpinner"));
  m_spinner->setToolTip(tr("Reading catalogs or re-evaluating the mapping"));
  m_export = new QPushButton(tr("Export report…"));
  m_export->setObjectName(QStringLiteral("exportReport"));
  m_export->setEnabled(false);
  bar->addWidget(new QLabel(tr("Target:")));
  bar->addWidget(m_targetEngine);
  bar->addWidget(m_targetLabel);
  bar->addSpacing(12);
  bar->addWidget(m_run);
  bar->addWidget(m_spinner);
  bar->addStretch(1);
  bar->addWidget(m_export);
  layout->addLayout(bar);

  m_status = new QLabel(tr("Not run yet. Fill in the source on the Connections page, then press Run assessment."));
  m_status->setObjectName(QStringLiteral("assessmentStatus"));
  m_status->setWordWrap(true);
  m_status->setTextFormat(Qt::PlainText);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_status);

  auto* summary = new QHBoxLayout;
  summary->setSpacing(18);
  for (auto level : widgets::SeverityIcon::all) {
    auto* icon = new QLabel;
    icon->setPixmap(widgets::SeverityIcon::icon(level).pixmap(16, 16));
    auto* text = new QLabel;
    text->setObjectName(QStringLiteral("summary_%1").arg(QLatin1String(widgets::SeverityIcon::name(level))));
    auto* pair = new QHBoxLayout;
    pair->setSpacing(4);
    pair->addWidget(icon);
    pair->addWidget(text);
    summary->addLayout(pair);
    m_summary.insert(static_cast<int>(level), text);
  }
  m_summaryObjects = new QLabel;
  m_summaryObjects->setObjectName(QStringLiteral("summaryObjects"));
  summary->addWidget(m_summaryObjects);
  summary->addStretch(1);
  layout->addLayout(summary);

  m_tabs = new QTabWidget;
  m_tabs->setObjectName(QStringLiteral("assessmentTabs"));
  m_tabs->addTab(buildMappingTab(), tr("Column mapping"));
  m_tabs->addTab(buildRulesTab(), tr("Rules && options"));
  m_tabs->addTab(buildTreesTab(), tr("Source ↔ target"));
  m_tabs->addTab(buildObjectsTab(), tr("Object findings"));
  auto* ddlTabs = new QTabWidget;
  ddlTabs->setObjectName(QStringLiteral("ddlTabs"));
  m_preData = readOnlyEditor("preDataDdl");
  m_postData = readOnlyEditor("postDataDdl");
  ddlTabs->addTab(m_preData, tr("Pre-data (before the copy)"));
  ddlTabs->addTab(m_postData, tr("Post-data (after the copy)"));
  m_tabs->addTab(ddlTabs, tr("DDL preview"));
  m_tabs->addTab(buildDiffTab(), tr("Schema diff"));
  layout->addWidget(m_tabs, 1);
}

QWidget* AssessmentPage::buildObjectsTab() {
  m_objectTable = new QTableWidget(0, 6);
  m_objectTable->setObjectName(QStringLiteral("objectFindings"));
  m_objectTable->setHorizontalHeaderLabels({tr("Severity"), tr("Kind"), tr("Object"), tr("Code"), tr("Message"), tr("Action")});
  m_objectTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_objectTable->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_objectTable->setAlternatingRowColors(true);
  m_objectTable->setWordWrap(true);
  m_objectTable->verticalHeader()->hide();
  auto* header = m_objectTable->horizontalHeader();
  const int objectWidths[] = {110, 75, 250, 190};
  for (int i = 0; i < 4; ++i) header->resizeSection(i, objectWidths[i]);
  // Message and action share what is left and wrap, so both are read whole.
  header->setSectionResizeMode(4, QHeaderView::Stretch);
  header->setSectionResizeMode(5, QHeaderView::Stretch);
  header->setSortIndicator(0, Qt::DescendingOrder);  // the worst first
  // Rows follow their wrapped text; object findings are few (tens, not thousands), so this stays cheap.
  m_objectTable->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  return m_objectTable;
}

QWidget* AssessmentPage::buildMappingTab() {
  auto* tab = new QWidget;
  auto* layout = new QVBoxLayout(tab);
  layout->setContentsMargins(6, 6, 6, 6);

  auto* filters = new QHBoxLayout;
  m_severityFilter = new QComboBox;
  m_severityFilter->setObjectName(QStringLiteral("severityFilter"));
  m_severityFilter->addItem(tr("All severities"), AssessmentFilterProxy::kAllSeverities);
  m_severityFilter->addItem(tr("Needs attention (review or worse)"), 0x1c);
  for (auto level : widgets::SeverityIcon::all)
    m_severityFilter->addItem(widgets::SeverityIcon::icon(level), QLatin1String(widgets::SeverityIcon::name(level)),
                              1 << static_cast<int>(level));
  m_tableFilter = new QComboBox;
  m_tableFilter->setObjectName(QStringLiteral("tableFilter"));
  m_tableFilter->setMinimumContentsLength(18);
  m_tableFilter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_codeFilter = new QComboBox;
  m_codeFilter->setObjectName(QStringLiteral("codeFilter"));
  m_codeFilter->setMinimumContentsLength(22);
  m_codeFilter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_search = new QLineEdit;
  m_search->setObjectName(QStringLiteral("mappingSearch"));
  m_search->setPlaceholderText(tr("Search columns, types, codes, messages…"));
  m_search->setClearButtonEnabled(true);
  m_count = new QLabel;
  m_count->setObjectName(QStringLiteral("mappingCount"));
  filters->addWidget(new QLabel(tr("Severity:")));
  filters->addWidget(m_severityFilter);
  filters->addWidget(new QLabel(tr("Table:")));
  filters->addWidget(m_tableFilter);
  filters->addWidget(new QLabel(tr("Code:")));
  filters->addWidget(m_codeFilter);
  filters->addWidget(m_search, 1);
  filters->addWidget(m_count);
  layout->addLayout(filters);

  m_model = new AssessmentTableModel(this);
  m_proxy = new AssessmentFilterProxy(this);
  m_proxy->setSourceModel(m_model);
  m_table = new QTableView;
  m_table->setObjectName(QStringLiteral("mappingTable"));
  m_table->setModel(m_proxy);
  m_table->setSortingEnabled(true);
  m_table->sortByColumn(-1, Qt::AscendingOrder);  // catalog order until a header is clicked
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setAlternatingRowColors(true);
  m_table->setWordWrap(false);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(22);
  auto* header = m_table->horizontalHeader();
  header->setHighlightSections(false);
  // Wide enough for typical names and types; the message takes what is left (full text in the tooltip and the editor).
  const int widths[] = {90, 110, 120, 130, 190, 95, 200, 300, 90};
  for (int i = 0; i < AssessmentTableModel::ColumnCount; ++i) header->resizeSection(i, widths[i]);
  header->setStretchLastSection(true);
  header->moveSection(AssessmentTableModel::OverrideColumn, AssessmentTableModel::SeverityColumn + 1);

  m_editor = new OverrideEditor;
  m_editor->setMinimumHeight(150);
  // The editor sits under the table so the table keeps the full width for its nine columns.
  auto* split = new QSplitter(Qt::Vertical);
  split->setObjectName(QStringLiteral("mappingSplit"));
  split->addWidget(m_table);
  split->addWidget(m_editor);
  split->setChildrenCollapsible(false);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 0);
  split->setSizes({560, 190});
  layout->addWidget(split, 1);
  return tab;
}

QWidget* AssessmentPage::buildTreesTab() {
  auto makeTree = [this](const char* name, QStandardItemModel*& model) {
    model = new QStandardItemModel(this);
    auto* tree = new QTreeView;
    tree->setObjectName(QLatin1String(name));
    tree->setModel(model);
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tree->header()->setStretchLastSection(false);
    return tree;
  };
  m_sourceTree = makeTree("sourceTree", m_sourceModel);
  m_targetTree = makeTree("targetTree", m_targetModel);
  auto wrap = [](const QString& title, QTreeView* tree) {
    auto* w = new QWidget;
    auto* l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title));
    l->addWidget(label);
    l->addWidget(tree, 1);
    return w;
  };
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(wrap(tr("Source"), m_sourceTree));
  split->addWidget(wrap(tr("Target"), m_targetTree));
  split->setChildrenCollapsible(false);
  connect(m_sourceTree->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this] { syncTrees(m_sourceTree, m_targetTree); });
  connect(m_targetTree->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this] { syncTrees(m_targetTree, m_sourceTree); });
  return split;
}

QWidget* AssessmentPage::buildDiffTab() {
  auto* tab = new QWidget;
  auto* layout = new QVBoxLayout(tab);
  layout->setContentsMargins(6, 6, 6, 6);
  m_diffStatus = new QLabel;
  m_diffStatus->setObjectName(QStringLiteral("diffStatus"));
  m_diffStatus->setWordWrap(true);
  layout->addWidget(m_diffStatus);
  m_diffTable = new QTableWidget(0, 4);
  m_diffTable->setObjectName(QStringLiteral("diffTable"));
  m_diffTable->setHorizontalHeaderLabels({tr("Change"), tr("Object type"), tr("Object"), tr("Details")});
  m_diffTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_diffTable->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_diffTable->setAlternatingRowColors(true);
  m_diffTable->setWordWrap(false);
  m_diffTable->verticalHeader()->hide();
  m_diffTable->verticalHeader()->setDefaultSectionSize(22);
  m_diffTable->horizontalHeader()->setStretchLastSection(true);
  const int widths[] = {90, 110, 420};
  for (int i = 0; i < 3; ++i) m_diffTable->horizontalHeader()->resizeSection(i, widths[i]);
  m_diffTable->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // the engine's order until a header is clicked
  m_reconcile = new widgets::SqlEditor;
  m_reconcile->setObjectName(QStringLiteral("reconcileDdl"));
  m_reconcile->setReadOnly(true);
  auto* ddl = new QWidget;
  auto* ddlLayout = new QVBoxLayout(ddl);
  ddlLayout->setContentsMargins(0, 0, 0, 0);
  ddlLayout->addWidget(new QLabel(tr("<b>Reconcile DDL</b> — run on the target to make it match the mapped source "
                                     "(objects only on the target are reported, never dropped)")));
  ddlLayout->addWidget(m_reconcile, 1);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(m_diffTable);
  split->addWidget(ddl);
  split->setChildrenCollapsible(false);
  layout->addWidget(split, 1);
  return tab;
}

}  // namespace ferry::app
