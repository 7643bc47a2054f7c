#pragma once
/// VerifyPage: the verification phase in the workbench. Start / Cancel a
/// run::VerifyRun that the bridge drives on its own thread; the page polls its
/// progress at 4 Hz (DESIGN.md "Progress") into a per-table table and a live
/// chart (chunks done, rows/s, differences). Selecting a table lists its
/// differing rows; selecting one fetches both sides through the bridge and
/// shows them side by side. Repair re-copies exactly the differing rows, then
/// verifies again; the result can be saved as the HTML report.

#include <functional>
#include <optional>

#include <QPointer>
#include <QSet>
#include <QWidget>

#include "app/bridge/engine_bridge.h"
#include "widgets/rate_window.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace ferry::widgets {
class BusySpinner;
class LiveChart;
}  // namespace ferry::widgets

namespace ferry::app {

class DifferenceModel;
class PasswordStore;
class RowPairModel;
class VerifyTableModel;

class VerifyPage : public QWidget {
  Q_OBJECT
public:
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;
  using ProjectProvider = std::function<plan::Project()>;

  /// The page polls the run this often: 4 Hz is smooth for the eye and costs
  /// one short mutex hold in the engine per poll.
  static constexpr int kPollMs = 250;

  VerifyPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, ProjectProvider projectOf,
             QWidget* parent = nullptr);
  ~VerifyPage() override;

  void start();
  void cancel();
  /// Repairs the differences of the last report without asking (the button asks first), then verifies again.
  void repair();
  /// Writes the last report as HTML (verify::renderHtml); false with errorText() set on failure.
  bool saveReport(const QString& path);

  bool isRunning() const { return m_verifyId != 0 && m_busy; }
  bool isRepairing() const { return m_repairing; }
  bool isBusy() const { return m_resolving || m_busy; }

  void setJobs(int jobs);
  void setSamplePercent(double percent);
  /// 0 auto, 1 server checksums, 2 row digests (client).
  void setHashMode(int index);
  void setQuick(bool quick);
  void setMaxRowsPerSecond(qint64 rate);
  void setChunkRows(qint64 rows);
  /// The run state of a sync running in the workbench ("" none): a verification
  /// then compares both sides as of one source position (the sync is held for
  /// it), and Repair is off — rows written under a running stream would race it.
  void setLiveSync(const QString& statePath);
  QString liveSync() const { return m_liveSync; }

  VerifyTableModel* model() const { return m_model; }
  DifferenceModel* differencesModel() const { return m_differences; }
  RowPairModel* rowPairModel() const { return m_rowPair; }
  widgets::LiveChart* chart() const { return m_chart; }
  QTableView* table() const { return m_table; }
  QTableView* differencesView() const { return m_differenceView; }
  QTableView* rowPairView() const { return m_rowPairView; }
  const std::optional<verify::VerifyReport>& lastReport() const { return m_report; }
  const run::VerifyProgress& lastProgress() const { return m_last; }
  QString errorText() const;
  QString logText() const;

signals:
  void started();
  /// A verification ended (also the one after a repair); ok: it ran to the end.
  void finished(bool ok);
  void repairFinished(bool ok);
  /// The side-by-side view shows a fetched row (or its error).
  void rowPairShown();

private:
  void buildUi();
  void send(run::VerifyRequest request);
  void poll();
  void apply(const run::VerifyProgress& progress);
  void onVerifyFinished(quint64 verifyId, const VerifyOutcome& outcome);
  void onRepairFinished(quint64 verifyId, const RepairOutcome& outcome);
  void onRowPair(quint64 requestId, const RowPairOutcome& outcome);
  void confirmRepair();
  void chooseReportFile();
  void showTable(int row);
  void showDifference(int row);
  void setRowPairNote(const QString& text);
  void setError(const QString& text);
  void log(const QString& text, bool error = false);
  void updateButtons();
  void updateVerdict();
  void releaseRun();

  QPointer<EngineBridge> m_bridge;  ///< may die first when the main window closes
  PasswordStore* m_passwords;
  SpecProvider m_specOf;
  ProjectProvider m_projectOf;

  QSpinBox* m_jobs = nullptr;
  QDoubleSpinBox* m_sample = nullptr;
  QComboBox* m_hash = nullptr;
  QCheckBox* m_quick = nullptr;
  QSpinBox* m_maxRate = nullptr;
  QSpinBox* m_chunkRows = nullptr;
  QPushButton* m_start = nullptr;
  QPushButton* m_cancel = nullptr;
  QPushButton* m_repair = nullptr;
  QPushButton* m_saveReport = nullptr;
  widgets::BusySpinner* m_spinner = nullptr;
  QLabel* m_overall = nullptr;
  QLabel* m_error = nullptr;
  QTableView* m_table = nullptr;
  VerifyTableModel* m_model = nullptr;
  widgets::LiveChart* m_chart = nullptr;
  QLabel* m_differenceTitle = nullptr;
  QTableView* m_differenceView = nullptr;
  DifferenceModel* m_differences = nullptr;
  QLabel* m_rowPairTitle = nullptr;
  QTableView* m_rowPairView = nullptr;
  RowPairModel* m_rowPair = nullptr;
  QPlainTextEdit* m_log = nullptr;
  QTimer* m_poller = nullptr;

  quint64 m_verifyId = 0;       ///< the current run (kept after it ends for rows and repair)
  quint64 m_rowPairRequest = 0; ///< the row fetch the view waits for; older answers are ignored
  verify::Difference m_rowPairDifference;  ///< the difference that fetch is for
  bool m_resolving = false;
  bool m_busy = false;          ///< the run verifies or repairs
  bool m_repairing = false;
  std::optional<run::VerifyRequest> m_request;  ///< with resolved passwords, for the verify after a repair
  std::optional<verify::VerifyReport> m_report;
  run::VerifyProgress m_last;
  QString m_repairSummary;      ///< shown with the verdict of the verification after a repair
  QString m_liveSync;           ///< the running sync's run state (setLiveSync)
  QSet<QString> m_decided;      ///< tables whose outcome this run has logged
  QString m_shownTable;         ///< the table whose differences are listed
  double m_timeOffset = 0;      ///< chart seconds before this run (verify, repair, verify again)
  widgets::RateWindow m_rates{3.0};  ///< rows checked over the last 3 s of polls (rows arrive in bursts)
};

}  // namespace ferry::app
