#pragma once
/// SyncPage: the change-capture phase in the workbench. Start / Pause / Resume /
/// Stop a run::SyncRun that the bridge drives on its own thread, following the
/// copy of the Run page's state file (a copy that kept its slot). The page
/// polls its progress at 4 Hz (DESIGN.md "Progress") into a live lag chart with
/// the last minute's percentiles, the apply rate, the seam between snapshot and
/// stream (positions and counts), a per-table count table, a stall alarm and a
/// log. While a sync runs it also measures its own event-loop latency (a 10 ms
/// timer's longest gap), the proof that the GUI thread never waits for it.

#include <functional>
#include <optional>
#include <set>

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QWidget>

#include "app/bridge/engine_bridge.h"
#include "widgets/rate_window.h"

class QCheckBox;
class QComboBox;
class QGridLayout;
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

class PasswordStore;
class SchemaChangeDialog;
class SyncTableModel;

class SyncPage : public QWidget {
  Q_OBJECT
public:
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;
  using ProjectProvider = std::function<plan::Project()>;
  /// Names the run-state file of the current project and connections (the Run
  /// page's: RunPage::resolveStatePath), then calls back with it or an error.
  using StatePathResolver = std::function<void(std::function<void(const QString& path, const QString& error)>)>;

  /// The page polls the sync this often: 4 Hz, as the Run page.
  static constexpr int kPollMs = 250;
  /// The latency meter's tick: a gap much longer than this is the GUI thread busy.
  static constexpr int kLatencyTickMs = 10;

  SyncPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, ProjectProvider projectOf,
           StatePathResolver resolveStatePath, QWidget* parent = nullptr);
  ~SyncPage() override;

  void start();
  void pause();
  void resume();
  void stop();
  bool isRunning() const { return m_syncId != 0 || m_resolving; }
  bool isPaused() const { return m_paused; }

  /// Throttle; applied at once to a running sync. 0 = unlimited.
  void setMaxRowsPerSecond(qint64 rate);
  void setUntilCaughtUp(bool until);
  /// 0: stop at a divergence, 1: log it and go on.
  void setOnConflict(int index);
  void setHeartbeatMs(int ms);

  /// The state file shown (and used by the next start): the Run page's.
  QString statePath() const { return m_statePath; }
  /// Called when the Run page names its state file.
  void setStatePath(const QString& path);

  SyncTableModel* model() const { return m_model; }
  widgets::LiveChart* chart() const { return m_chart; }
  QTableView* table() const { return m_table; }
  QString errorText() const;
  QString logText() const;
  /// The text of the red stall banner, of the paused banner, or of the banner
  /// that says why the sync stopped (divergence, schema change); empty while hidden.
  QString stallText() const;
  QString pausedText() const;
  QString stopText() const;
  const run::SyncProgress& lastProgress() const { return m_last; }
  run::SyncRun::StopReason lastStopReason() const { return m_stopReason; }
  /// The open schema-change decision (a sync stopped at a new source column), or null.
  SchemaChangeDialog* decisionDialog() const;
  /// The longest gap between two ticks of the 10 ms latency timer while the
  /// last (or current) sync ran: the GUI's worst event-loop latency, in ms.
  qint64 uiLatencyMaxMs() const { return m_latencyMax; }
  /// Starts a new latency window (a test or bench measures one phase of its own).
  void resetUiLatency();

  /// Shows one progress snapshot (the poller's). Public so a test can show a
  /// state a live sync reaches only slowly (a stall after 30 s).
  void showProgress(const run::SyncProgress& progress);

signals:
  void started();
  void finished(bool ok);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void buildUi();
  QWidget* buildSeamPanel();
  void startWith(const QString& statePath);
  void send(run::SyncRequest request);
  void startSync(run::SyncRequest request);
  /// Shows the decision on the schema change a sync stopped at.
  void openDecision(const run::PendingSchemaChange& pending);
  void onDecisionApplied(quint64 requestId, const SchemaDecisionOutcome& outcome);
  void poll();
  void onFinished(quint64 syncId, const SyncOutcome& outcome);
  void setError(const QString& text);
  void showStop(const SyncOutcome& outcome);
  void log(const QString& text, bool error = false);
  void logChanges(const run::SyncProgress& p);
  void updateButtons();
  void refreshStatePath();
  void tickLatency();

  EngineBridge* m_bridge;
  PasswordStore* m_passwords;
  SpecProvider m_specOf;
  ProjectProvider m_projectOf;
  StatePathResolver m_resolveStatePath;

  QPushButton* m_start = nullptr;
  QPushButton* m_pause = nullptr;
  QPushButton* m_resume = nullptr;
  QPushButton* m_stop = nullptr;
  QCheckBox* m_untilCaughtUp = nullptr;
  QComboBox* m_onConflict = nullptr;
  QSpinBox* m_heartbeat = nullptr;
  QSpinBox* m_maxRate = nullptr;
  QLabel* m_statePathLabel = nullptr;
  widgets::BusySpinner* m_spinner = nullptr;
  QLabel* m_overall = nullptr;
  QLabel* m_latency = nullptr;
  QLabel* m_error = nullptr;
  QLabel* m_stallBanner = nullptr;
  QLabel* m_pausedBanner = nullptr;
  QLabel* m_stopBanner = nullptr;
  QPushButton* m_passDdl = nullptr;  ///< "go on past it": a schema change the DBA mirrored by hand
  widgets::LiveChart* m_chart = nullptr;
  QLabel* m_lagStats = nullptr;
  QLabel* m_rate = nullptr;
  /// The seam panel's values, by objectName (seamSnapshot, txApplied, …).
  QHash<QString, QLabel*> m_values;
  QTableView* m_table = nullptr;
  SyncTableModel* m_model = nullptr;
  QPlainTextEdit* m_log = nullptr;
  QTimer* m_poller = nullptr;
  bool m_logFollows = true;  ///< the log is scrolled to its end, and stays there
  QTimer* m_latencyTicker = nullptr;

  quint64 m_syncId = 0;
  QPointer<SchemaChangeDialog> m_decision;
  std::optional<QString> m_decisionSql;  ///< to run on the target before the next sync starts
  quint64 m_decisionRequest = 0;
  std::optional<run::SyncRequest> m_afterDecision;  ///< the sync to start once it ran
  bool m_resolving = false;
  bool m_paused = false;
  QString m_stoppedAtGtid;         ///< the MariaDB schema change the last sync stopped at (no proposal)
  std::set<std::string> m_passedDdl;  ///< the ones the DBA said the target matches: passed by every sync from here

  QString m_statePath;
  run::SyncProgress m_last;
  model::Engine m_sourceEngine = model::Engine::PostgreSQL;  ///< of the running (or last) sync
  run::SyncRun::StopReason m_stopReason = run::SyncRun::StopReason::None;
  double m_lastLagMax = 0;  ///< the heartbeat lag maximum at the previous poll
  widgets::RateWindow m_rates{3.0};  ///< rows and transactions over the last 3 s of polls (groups commit at once)
  QElapsedTimer m_latencyClock;
  qint64 m_lastTick = 0;
  qint64 m_latencyMax = 0;
};

}  // namespace ferry::app
