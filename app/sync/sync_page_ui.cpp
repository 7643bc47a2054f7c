// SyncPage::buildUi: the widgets and their layout (the behaviour is in sync_page.cpp).
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include "app/sync/sync_page.h"
#include "app/sync/sync_table_model.h"
#include "widgets/busy_spinner.h"
#include "widgets/live_chart.h"
#include "widgets/status_icon.h"

namespace ferry::app {

namespace {

template <typename T>
T* named(T* widget, const char* name) {
  widget->setObjectName(QLatin1String(name));
  return widget;
}

/// The log keeps the last 5000 lines: a sync runs for days and logs a line per
/// phase, reconnect or divergence; more would only cost memory.
constexpr int kLogLines = 5000;

/// A full-width banner: white bold text on `color`, wrapped, hidden until needed.
QLabel* banner(const char* name, const QColor& color) {
  auto* label = named(new QLabel, name);
  label->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; padding: 6px 8px; "
                                      "border-radius: 3px; }")
                           .arg(color.name()));
  label->setTextFormat(Qt::PlainText);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setVisible(false);
  return label;
}

}  // namespace

void SyncPage::buildUi() {
  auto* options = new QGroupBox(tr("Sync options"));
  auto* optionRow = new QHBoxLayout;
  m_untilCaughtUp = named(new QCheckBox(tr("Until caught up")), "untilCaughtUp");
  m_untilCaughtUp->setToolTip(tr("Stop once everything the source had committed at the start is applied; "
                                 "unticked, the sync runs until you stop it."));
  m_onConflict = named(new QComboBox, "onConflict");
  m_onConflict->addItem(tr("stop the sync"));
  m_onConflict->addItem(tr("log it and go on"));
  m_onConflict->setToolTip(tr("A change that does not fit the target (an UPDATE or DELETE that finds no row, an "
                              "INSERT that meets one): stop before applying its group, or record it in the run "
                              "state and go on."));
  m_heartbeat = named(new QSpinBox, "heartbeatMs");
  m_heartbeat->setRange(0, 60'000);
  m_heartbeat->setSingleStep(100);
  m_heartbeat->setValue(200);  // run::SyncOptions' default
  m_heartbeat->setSuffix(tr(" ms"));
  m_heartbeat->setSpecialValueText(tr("off"));
  m_heartbeat->setToolTip(tr("A heartbeat written into the source's log this often measures the lag end to end."));
  m_maxRate = named(new QSpinBox, "maxRate");
  m_maxRate->setRange(0, 100'000'000);
  m_maxRate->setSingleStep(1000);
  m_maxRate->setSpecialValueText(tr("unlimited"));
  m_maxRate->setSuffix(tr(" rows/s"));
  m_maxRate->setGroupSeparatorShown(true);
  m_maxRate->setKeyboardTracking(false);  // apply the typed number once, not every digit
  m_maxRate->setMinimumWidth(150);
  m_maxRate->setToolTip(tr("Apply at most this many rows per second; can be changed while the sync runs."));
  optionRow->addWidget(m_untilCaughtUp);
  optionRow->addSpacing(12);
  optionRow->addWidget(new QLabel(tr("On conflict:")));
  optionRow->addWidget(m_onConflict);
  optionRow->addSpacing(12);
  optionRow->addWidget(new QLabel(tr("Heartbeat:")));
  optionRow->addWidget(m_heartbeat);
  optionRow->addSpacing(12);
  optionRow->addWidget(new QLabel(tr("Max rate:")));
  optionRow->addWidget(m_maxRate);
  optionRow->addStretch(1);
  m_statePathLabel = named(new QLabel, "statePath");
  m_statePathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* optionBox = new QVBoxLayout(options);
  optionBox->addLayout(optionRow);
  optionBox->addWidget(m_statePathLabel);

  auto* buttons = new QHBoxLayout;
  m_start = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start")), "startButton");
  m_pause = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause")), "pauseButton");
  m_resume = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Resume")), "resumeButton");
  m_stop = named(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop")), "stopButton");
  m_start->setDefault(true);
  m_start->setToolTip(tr("Stream the source's changes into the target from where the copy (or the last sync) left off."));
  m_pause->setToolTip(tr("Apply nothing after the transaction in flight; the link to the source and the slot's "
                         "position are kept."));
  m_stop->setToolTip(tr("Stop after the transaction in flight; Start continues from the target's stored position."));
  m_spinner = new widgets::BusySpinner;
  for (QPushButton* b : {m_start, m_pause, m_resume, m_stop}) buttons->addWidget(b);
  buttons->addWidget(m_spinner);
  m_overall = named(new QLabel(tr("<b>Not started</b> — copy on the Run page (keeping the slot), then press Start.")),
                    "overall");
  m_overall->setTextFormat(Qt::RichText);
  m_overall->setTextInteractionFlags(Qt::TextSelectableByMouse);
  buttons->addSpacing(12);
  buttons->addWidget(m_overall, 1);
  m_latency = named(new QLabel, "uiLatency");
  m_latency->setToolTip(tr("The longest the workbench's event loop waited while this sync ran (a 10 ms timer's "
                           "longest gap): the engine never runs on the GUI thread."));
  m_latency->setEnabled(false);  // a footnote, drawn grey
  buttons->addWidget(m_latency);

  m_error = named(new QLabel, "syncError");
  m_error->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;")
                             .arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name()));
  m_error->setTextFormat(Qt::PlainText);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setWordWrap(true);  // the engine's line with its hint can be long; it must not be cut off
  m_error->setVisible(false);
  m_stallBanner = banner("stallBanner", widgets::StatusIcon::color(widgets::StatusKind::Fail));
  m_pausedBanner = banner("pausedBanner", QColor(0x8d, 0x6e, 0x00));  // dark amber: white text stays readable
  m_stopBanner = banner("stopBanner", QColor(0xb2, 0x45, 0x00));
  m_passDdl = named(new QPushButton(tr("The target matches: go on past it")), "passDdl");
  m_passDdl->setToolTip(tr("The schema change the stream stopped at was made on the target by hand: the stream "
                           "goes on past it (ferry sync --pass-ddl)."));
  m_passDdl->setVisible(false);
  connect(m_passDdl, &QPushButton::clicked, this, [this] {
    if (m_stoppedAtGtid.isEmpty()) return;
    m_passedDdl.insert(m_stoppedAtGtid.toStdString());
    log(tr("passing the schema change at GTID %1 (the target matches)").arg(m_stoppedAtGtid));
    start();
  });

  m_chart = named(new widgets::LiveChart, "lagChart");
  m_chart->addSeries(QStringLiteral("lag ms"), tr("heartbeat lag, ms"), widgets::LiveChart::Axis::Left,
                     QColor(0x6a, 0x1b, 0x9a));
  m_chart->addSeries(QStringLiteral("rows/s"), tr("rows/s applied"), widgets::LiveChart::Axis::Right,
                     QColor(0x15, 0x65, 0xc0));
  m_chart->setMinimumSize(360, 220);

  m_lagStats = named(new QLabel, "lagStats");
  m_lagStats->setTextFormat(Qt::RichText);
  m_lagStats->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_lagStats->setWordWrap(true);
  m_rate = named(new QLabel, "applyRate");
  m_rate->setTextFormat(Qt::RichText);
  m_rate->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* side = new QWidget;
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(m_lagStats);
  sideLayout->addWidget(m_rate);
  sideLayout->addWidget(buildSeamPanel());
  sideLayout->addStretch(1);

  m_model = new SyncTableModel(this);
  m_table = named(new QTableView, "syncTable");
  m_table->setModel(m_model);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setAlternatingRowColors(true);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(22);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  m_table->horizontalHeader()->setStretchLastSection(false);
  m_table->horizontalHeader()->setSectionResizeMode(SyncTableModel::TableColumn, QHeaderView::Stretch);
  m_table->setColumnWidth(SyncTableModel::RowsColumn, 110);
  m_table->setColumnWidth(SyncTableModel::RateColumn, 80);

  m_log = named(new QPlainTextEdit, "syncLog");
  m_log->setReadOnly(true);
  m_log->setMaximumBlockCount(kLogLines);
  m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  // The log follows its end unless the user scrolled up to read. Following on
  // every range change, not just on append: a wrapped line is laid out later,
  // and a banner showing up shrinks the view, each after the append.
  QScrollBar* bar = m_log->verticalScrollBar();
  connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) { m_logFollows = value == bar->maximum(); });
  connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
    if (m_logFollows) bar->setValue(maximum);
  });

  auto* upper = new QSplitter(Qt::Horizontal);
  upper->addWidget(m_chart);
  upper->addWidget(side);
  upper->setStretchFactor(0, 3);
  upper->setStretchFactor(1, 2);
  upper->setSizes({640, 520});  // the chart gets the larger part; the splitter scales it to the real width
  upper->setChildrenCollapsible(false);
  auto* lower = new QSplitter(Qt::Horizontal);
  lower->addWidget(m_table);
  lower->addWidget(m_log);
  lower->setStretchFactor(0, 2);
  lower->setStretchFactor(1, 3);
  lower->setSizes({480, 680});
  lower->setChildrenCollapsible(false);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(upper);
  split->addWidget(lower);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setSizes({420, 260});
  split->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(options);
  layout->addLayout(buttons);
  layout->addWidget(m_error);
  layout->addWidget(m_stallBanner);
  layout->addWidget(m_pausedBanner);
  layout->addWidget(m_stopBanner);
  layout->addWidget(m_passDdl, 0, Qt::AlignLeft);
  layout->addWidget(split, 1);
}

QWidget* SyncPage::buildSeamPanel() {
  auto* box = named(new QGroupBox(tr("Snapshot / stream seam")), "seamPanel");
  box->setToolTip(tr("Where the copy's snapshot ends and the stream begins: every change after the snapshot "
                     "position is applied once; a transaction at or before the target's stored position is "
                     "skipped as already applied."));
  auto* grid = new QGridLayout(box);
  grid->setHorizontalSpacing(10);
  grid->setVerticalSpacing(3);
  const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  auto add = [&](int row, int column, const QString& title, const char* name, bool position) {
    auto* caption = new QLabel(title);
    auto* value = named(new QLabel(QStringLiteral("—")), name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (position) value->setFont(mono);
    grid->addWidget(caption, row, column * 2);
    grid->addWidget(value, row, column * 2 + 1);
    m_values.insert(QLatin1String(name), value);
  };
  // Left: positions, in the order a change passes them; right: what was counted.
  add(0, 0, tr("Snapshot position:"), "seamSnapshot", true);
  add(1, 0, tr("First streamed:"), "seamFirstStreamed", true);
  add(2, 0, tr("Received:"), "seamReceived", true);
  add(3, 0, tr("Applied:"), "seamApplied", true);
  add(4, 0, tr("Confirmed to the source:"), "seamConfirmed", true);
  add(5, 0, tr("Bytes behind:"), "bytesBehind", false);
  add(6, 0, tr("Reconnects:"), "reconnects", false);
  add(0, 1, tr("Transactions received:"), "txReceived", false);
  add(1, 1, tr("Transactions applied:"), "txApplied", false);
  add(2, 1, tr("Skipped (already applied):"), "txSkipped", false);
  add(3, 1, tr("Rows applied:"), "rowsApplied", false);
  add(4, 1, tr("Inserts / updates / deletes:"), "rowKinds", false);
  add(5, 1, tr("Truncates:"), "truncates", false);
  add(6, 1, tr("Divergences:"), "divergences", false);
  // The last lost connection's error, under both columns: it can be long.
  auto* lastError = named(new QLabel, "lastReconnectError");
  lastError->setWordWrap(true);
  lastError->setTextInteractionFlags(Qt::TextSelectableByMouse);
  lastError->setVisible(false);
  grid->addWidget(lastError, 7, 0, 1, 4);
  m_values.insert(QStringLiteral("lastReconnectError"), lastError);
  grid->setColumnStretch(1, 1);
  grid->setColumnStretch(3, 1);
  return box;
}

}  // namespace ferry::app
