// VerifyPage::buildUi: the widgets and their layout (the behaviour is in verify_page.cpp).
#include <thread>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include "app/verify/verify_detail_models.h"
#include "app/verify/verify_page.h"
#include "app/verify/verify_table_model.h"
#include "widgets/busy_spinner.h"
#include "widgets/live_chart.h"
#include "widgets/progress_delegate.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

template <typename T>
T* named(T* widget, const char* name) {
  widget->setObjectName(QLatin1String(name));
  return widget;
}

/// The log keeps the last 2000 lines: one line per table and phase, and more
/// would only cost memory nobody scrolls through.
constexpr int kLogLines = 2000;

QTableView* makeView(const char* name) {
  auto* view = named(new QTableView, name);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(22);
  view->horizontalHeader()->setHighlightSections(false);
  return view;
}

/// A title line over a view: rich text, selectable, elided by the layout.
QLabel* makeTitle(const char* name) {
  auto* label = named(new QLabel, name);
  label->setTextFormat(Qt::RichText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setWordWrap(true);
  return label;
}

QWidget* titled(QLabel* title, QWidget* body) {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(3);
  layout->addWidget(title);
  layout->addWidget(body, 1);
  return box;
}

}  // namespace

void VerifyPage::buildUi() {
  auto* options = new QGroupBox(tr("Verify options"));
  auto* optionRow = new QHBoxLayout(options);
  m_jobs = named(new QSpinBox, "jobs");
  m_jobs->setRange(1, 64);
  m_jobs->setValue(static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
  m_jobs->setToolTip(tr("Workers, each with a source and a target connection (default: the number of cores)."));
  m_sample = named(new QDoubleSpinBox, "samplePercent");
  m_sample->setRange(0.01, 100);
  m_sample->setDecimals(2);
  m_sample->setValue(100);
  m_sample->setSuffix(tr(" %"));
  m_sample->setToolTip(tr("Compare only this share of each table's chunks; row counts stay exact."));
  m_hash = named(new QComboBox, "hashMode");
  m_hash->addItem(tr("auto"));
  m_hash->addItem(tr("server checksums"));
  m_hash->addItem(tr("row digests"));
  m_hash->setToolTip(tr("auto: the servers hash each chunk where both sides are the same engine and the columns were "
                        "copied unchanged, rows are compared one by one otherwise.\nserver: server checksums only "
                        "where possible.\nrow digests: stream and compare every row (slower, names rows at once)."));
  m_chunkRows = named(new QSpinBox, "chunkRows");
  m_chunkRows->setRange(100, 10'000'000);
  m_chunkRows->setSingleStep(10'000);
  m_chunkRows->setValue(100'000);  // the chunk planner's default (plan::ChunkLimits)
  m_chunkRows->setGroupSeparatorShown(true);
  m_chunkRows->setToolTip(tr("Rows per compared chunk: smaller chunks name a difference's key range more precisely."));
  m_maxRate = named(new QSpinBox, "maxRate");
  m_maxRate->setRange(0, 100'000'000);
  m_maxRate->setSingleStep(1000);
  m_maxRate->setSpecialValueText(tr("unlimited"));
  m_maxRate->setSuffix(tr(" rows/s"));
  m_maxRate->setGroupSeparatorShown(true);
  m_maxRate->setMinimumWidth(130);
  m_maxRate->setToolTip(tr("Throttle for the rows streamed from the source (server checksums are not throttled)."));
  m_quick = named(new QCheckBox(tr("Quick (counts and column statistics only)")), "quick");
  m_quick->setToolTip(tr("A cheap first pass: exact counts, NULL counts, minimum and maximum per column; no rows are "
                         "compared, so no differing row is listed."));
  auto addOption = [&](const QString& label, QWidget* w) {
    optionRow->addWidget(new QLabel(label));
    optionRow->addWidget(w);
    optionRow->addSpacing(10);
  };
  addOption(tr("Jobs:"), m_jobs);
  addOption(tr("Sample:"), m_sample);
  addOption(tr("Hash:"), m_hash);
  addOption(tr("Rows per chunk:"), m_chunkRows);
  addOption(tr("Max rate:"), m_maxRate);
  optionRow->addWidget(m_quick);
  optionRow->addStretch(1);

  auto* buttons = new QHBoxLayout;
  m_start = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Verify")), "startButton");
  m_cancel = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel")), "cancelButton");
  m_repair = named(new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Repair…")), "repairButton");
  m_repair->setToolTip(tr("Re-copy exactly the differing rows from the source, then verify again."));
  m_saveReport = named(new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Save report…")),
                       "saveReportButton");
  m_saveReport->setToolTip(tr("Save the result as a self-contained HTML file."));
  m_start->setDefault(true);
  m_spinner = new widgets::BusySpinner;
  for (QPushButton* b : {m_start, m_cancel, m_repair, m_saveReport}) buttons->addWidget(b);
  buttons->addWidget(m_spinner);
  m_overall = named(new QLabel(tr("<b>Not verified</b> — choose the options and press Verify.")), "overall");
  m_overall->setTextFormat(Qt::RichText);
  m_overall->setTextInteractionFlags(Qt::TextSelectableByMouse);
  buttons->addSpacing(12);
  buttons->addWidget(m_overall, 1);

  m_error = named(new QLabel, "verifyError");
  m_error->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;")
                             .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name()));
  m_error->setTextFormat(Qt::PlainText);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setVisible(false);

  m_model = new VerifyTableModel(this);
  m_table = makeView("verifyTable");
  m_table->setModel(m_model);
  m_table->setItemDelegateForColumn(VerifyTableModel::ChunksColumn, new widgets::ProgressDelegate(m_table));
  auto* header = m_table->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setStretchLastSection(false);
  header->setSectionResizeMode(VerifyTableModel::TableColumn, QHeaderView::Stretch);
  const int widths[] = {0, 95, 90, 90, 110, 95, 85};
  for (int c = 1; c < VerifyTableModel::ColumnCount; ++c) m_table->setColumnWidth(c, widths[c]);
  m_table->setMinimumWidth(560);

  m_chart = named(new widgets::LiveChart, "verifyChart");
  m_chart->addSeries(QStringLiteral("differences"), tr("chunks, differences"), widgets::LiveChart::Axis::Left,
                     widgets::StatusIcon::color(widgets::StatusKind::Fail));
  m_chart->addSeries(QStringLiteral("chunks done"), tr("chunks, differences"), widgets::LiveChart::Axis::Left,
                     QColor(0x15, 0x65, 0xc0));
  m_chart->addSeries(QStringLiteral("rows/s"), tr("rows/s"), widgets::LiveChart::Axis::Right, QColor(0xef, 0x6c, 0x00));
  m_chart->setMinimumSize(320, 200);

  m_differences = new DifferenceModel(this);
  m_differenceView = makeView("differenceView");
  m_differenceView->setModel(m_differences);
  m_differenceView->horizontalHeader()->setStretchLastSection(true);
  m_differenceView->setColumnWidth(DifferenceModel::KindColumn, 95);
  m_differenceView->setColumnWidth(DifferenceModel::KeyColumn, 170);
  m_differenceTitle = makeTitle("differenceTitle");

  m_rowPair = new RowPairModel(this);
  m_rowPairView = makeView("rowPairView");
  m_rowPairView->setModel(m_rowPair);
  m_rowPairView->setSelectionMode(QAbstractItemView::NoSelection);  // the highlight is the point; a selection would hide it
  m_rowPairView->setWordWrap(false);
  m_rowPairView->setTextElideMode(Qt::ElideMiddle);
  m_rowPairView->horizontalHeader()->setSectionResizeMode(RowPairModel::NameColumn, QHeaderView::Interactive);
  m_rowPairView->horizontalHeader()->setSectionResizeMode(RowPairModel::SourceColumn, QHeaderView::Stretch);
  m_rowPairView->horizontalHeader()->setSectionResizeMode(RowPairModel::TargetColumn, QHeaderView::Stretch);
  m_rowPairView->setColumnWidth(RowPairModel::NameColumn, 130);
  m_rowPairTitle = makeTitle("rowPairTitle");

  m_log = named(new QPlainTextEdit, "verifyLog");
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(kLogLines);
  m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

  auto* upper = new QSplitter(Qt::Horizontal);
  upper->addWidget(m_table);
  upper->addWidget(m_chart);
  upper->setStretchFactor(0, 3);
  upper->setStretchFactor(1, 2);
  upper->setSizes({700, 460});  // the table gets the larger part; the splitter scales it to the real width
  upper->setChildrenCollapsible(false);
  auto* drill = new QSplitter(Qt::Horizontal);
  drill->addWidget(titled(m_differenceTitle, m_differenceView));
  drill->addWidget(titled(m_rowPairTitle, m_rowPairView));
  drill->setStretchFactor(0, 1);
  drill->setStretchFactor(1, 1);
  drill->setChildrenCollapsible(false);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(upper);
  split->addWidget(drill);
  split->addWidget(m_log);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 3);
  split->setStretchFactor(2, 1);
  split->setSizes({320, 280, 120});
  split->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(options);
  layout->addLayout(buttons);
  layout->addWidget(m_error);
  layout->addWidget(split, 1);
}

}  // namespace ferry::app
