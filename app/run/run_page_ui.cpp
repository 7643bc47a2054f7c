// RunPage::buildUi: the widgets and their layout (the behaviour is in run_page.cpp).
#include <thread>

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QFont>
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
#include <QUrl>
#include <QVBoxLayout>

#include "app/run/run_page.h"
#include "app/run/run_table_model.h"
#include "widgets/busy_spinner.h"
#include "widgets/live_chart.h"
#include "widgets/progress_delegate.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

template <typename T>
T* named(T* widget, const char* name) {
  widget->setObjectName(QLatin1String(name));
  return widget;
}

/// The log keeps the last 5000 lines: a run over thousands of tables logs one
/// line per table, and more would only cost memory nobody scrolls through.
constexpr int kLogLines = 5000;

}  // namespace

void RunPage::buildUi() {
  auto* options = new QGroupBox(tr("Run options"));
  auto* optionRow = new QHBoxLayout;
  m_jobs = named(new QSpinBox, "jobs");
  m_jobs->setRange(1, 64);
  m_jobs->setValue(static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
  m_jobs->setToolTip(tr("Workers, each with its own source and target connection (default: the number of cores)."));
  m_maxRate = named(new QSpinBox, "maxRate");
  m_maxRate->setRange(0, 100'000'000);
  m_maxRate->setSingleStep(1000);
  m_maxRate->setSpecialValueText(tr("unlimited"));
  m_maxRate->setSuffix(tr(" rows/s"));
  m_maxRate->setGroupSeparatorShown(true);
  m_maxRate->setKeyboardTracking(false);  // apply the typed number once, not every digit
  m_maxRate->setMinimumWidth(150);
  m_maxRate->setToolTip(tr("Throttle for all workers together; can be changed while the copy runs."));
  m_onError = named(new QComboBox, "onError");
  m_onError->addItem(tr("stop the run"));
  m_onError->addItem(tr("skip the row (reject file)"));
  m_onError->setToolTip(tr("What a row that cannot be copied does."));
  m_dataOnly = named(new QCheckBox(tr("Data only (the target's tables exist)")), "dataOnly");
  m_keepSlot = named(new QCheckBox(tr("Keep the stream's start for the sync")), "keepSlot");
  m_keepSlot->setToolTip(tr("Keep where the stream starts after the copy — a PostgreSQL source's replication slot "
                            "(and a publication), a MariaDB source's binlog and GTID position — so the Sync page "
                            "can stream every change made since the snapshot."));
  m_resumePrevious = named(new QCheckBox(tr("Resume previous run")), "resumePrevious");
  m_resumePrevious->setToolTip(tr("Continue the run recorded in the state file: finished chunks are not copied again."));
  optionRow->addWidget(new QLabel(tr("Jobs:")));
  optionRow->addWidget(m_jobs);
  optionRow->addSpacing(12);
  optionRow->addWidget(new QLabel(tr("Max rate:")));
  optionRow->addWidget(m_maxRate);
  optionRow->addSpacing(12);
  optionRow->addWidget(new QLabel(tr("On error:")));
  optionRow->addWidget(m_onError);
  optionRow->addSpacing(12);
  optionRow->addWidget(m_dataOnly);
  optionRow->addSpacing(12);
  optionRow->addWidget(m_keepSlot);
  optionRow->addSpacing(12);
  optionRow->addWidget(m_resumePrevious);
  optionRow->addStretch(1);
  m_statePath = named(new QLabel, "statePath");
  m_statePath->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* optionBox = new QVBoxLayout(options);
  optionBox->addLayout(optionRow);
  optionBox->addWidget(m_statePath);

  auto* buttons = new QHBoxLayout;
  m_start = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start")), "startButton");
  m_pause = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause")), "pauseButton");
  m_resume = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Resume")), "resumeButton");
  m_cancel = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel")), "cancelButton");
  m_start->setDefault(true);
  m_spinner = new widgets::BusySpinner;
  for (QPushButton* b : {m_start, m_pause, m_resume, m_cancel}) buttons->addWidget(b);
  buttons->addWidget(m_spinner);
  m_overall = named(new QLabel(tr("<b>Not started</b> — choose the options and press Start.")), "overall");
  m_overall->setTextFormat(Qt::RichText);
  m_overall->setTextInteractionFlags(Qt::TextSelectableByMouse);
  buttons->addSpacing(12);
  buttons->addWidget(m_overall, 1);

  m_error = named(new QLabel, "runError");
  m_error->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;")
                             .arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name()));
  m_error->setTextFormat(Qt::PlainText);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setWordWrap(false);
  m_error->setVisible(false);

  m_model = new RunTableModel(this);
  m_table = named(new QTableView, "runTable");
  m_table->setModel(m_model);
  m_table->setItemDelegateForColumn(RunTableModel::RowsColumn, new widgets::ProgressDelegate(m_table));
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setAlternatingRowColors(true);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(22);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  m_table->horizontalHeader()->setStretchLastSection(false);
  m_table->horizontalHeader()->setSectionResizeMode(RunTableModel::TableColumn, QHeaderView::Stretch);
  const int widths[] = {0, 80, 260, 80, 90, 70, 80, 90};
  for (int c = 1; c < RunTableModel::ColumnCount; ++c) m_table->setColumnWidth(c, widths[c]);

  m_chart = named(new widgets::LiveChart, "liveChart");
  m_chart->addSeries(QStringLiteral("rows/s"), tr("rows/s"), widgets::LiveChart::Axis::Left, QColor(0x15, 0x65, 0xc0));
  m_chart->addSeries(QStringLiteral("MB/s"), tr("MB/s"), widgets::LiveChart::Axis::Right, QColor(0xef, 0x6c, 0x00));
  m_chart->setMinimumHeight(220);

  m_log = named(new QPlainTextEdit, "runLog");
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(kLogLines);
  m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);

  auto* lower = new QSplitter(Qt::Horizontal);
  lower->addWidget(m_chart);
  lower->addWidget(m_log);
  lower->setStretchFactor(0, 3);
  lower->setStretchFactor(1, 2);
  lower->setSizes({600, 400});  // the chart gets the larger part; the splitter scales it to the real width
  lower->setChildrenCollapsible(false);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(m_table);
  split->addWidget(lower);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  split->setChildrenCollapsible(false);

  auto* rejects = new QHBoxLayout;
  m_rejectCount = named(new QLabel, "rejectCount");
  m_rejectPath = named(new QLabel, "rejectPath");
  m_rejectPath->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_openRejects = named(new QPushButton(tr("Open reject file")), "openRejects");
  connect(m_openRejects, &QPushButton::clicked, this, [this] {
    const QString path = m_openRejects->property("rejectFile").toString();
    if (!path.isEmpty()) QDesktopServices::openUrl(QUrl::fromLocalFile(path));
  });
  rejects->addWidget(m_rejectCount);
  rejects->addSpacing(12);
  rejects->addWidget(m_openRejects);
  rejects->addWidget(m_rejectPath, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(options);
  layout->addLayout(buttons);
  layout->addWidget(m_error);
  layout->addWidget(split, 1);
  layout->addLayout(rejects);
}

}  // namespace ferry::app
