#pragma once
/// RunPage: the copy phase in the workbench. Start / Pause / Resume / Cancel a
/// run::CopyRun that the bridge drives on its own thread; the page polls its
/// progress at 4 Hz (DESIGN.md "Progress": the GUI polls, nothing pushes per-row
/// events) into a per-table table, an overall line, a live rows/s and MB/s chart
/// and a log. The run state sits next to the project file (`<project>.state`),
/// or, while the project is unsaved, in the engine's file for this source and
/// target (run/state_path.h: named after the servers, in ~/.local/state/ferry),
/// so a stopped run resumes after a restart or a reboot.

#include <functional>
#include <optional>
#include <vector>

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

#include "app/bridge/engine_bridge.h"
#include "widgets/rate_window.h"

class QCheckBox;
class QComboBox;
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
class RunTableModel;

class RunPage : public QWidget {
  Q_OBJECT
public:
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;
  using ProjectProvider = std::function<plan::Project()>;
  using PathProvider = std::function<QString()>;

  /// The page polls the run this often: 4 Hz is smooth for the eye and costs
  /// one short mutex hold in the engine per poll.
  static constexpr int kPollMs = 250;

  RunPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, ProjectProvider projectOf,
          PathProvider projectPathOf, QWidget* parent = nullptr);
  ~RunPage() override;

  void start();
  void pause();
  void resume();
  void cancel();
  bool isRunning() const { return m_copyId != 0 || m_resolving; }
  bool isPaused() const { return m_paused; }

  /// The run-state file for the current project and connections: beside the
  /// project file, or (unsaved project) the engine's file for this source and
  /// target once resolveStatePath() has named it; empty until then.
  QString statePath() const;
  QString rejectPath() const { return statePath() + QStringLiteral(".rejects.jsonl"); }
  /// Names the state file of the current connections (asynchronously for an
  /// unsaved project: both servers are asked who they are), updates the label,
  /// emits statePathChanged, then calls `then` with the path or an error.
  void resolveStatePath(std::function<void(const QString& path, const QString& error)> then = {});
  /// Throttle; applied at once to a running copy. 0 = unlimited.
  void setMaxRowsPerSecond(qint64 rate);
  void setJobs(int jobs);

  RunTableModel* model() const { return m_model; }
  widgets::LiveChart* chart() const { return m_chart; }
  QTableView* table() const { return m_table; }
  QString errorText() const;
  QString logText() const;
  /// Rows streamed so far, from the last poll.
  std::int64_t rowsDone() const { return m_rowsDone; }
  const run::CopyProgress& lastProgress() const { return m_last; }

signals:
  void statePathChanged(const QString& path);
  void started();
  void finished(bool ok);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void buildUi();
  void startWith(const QString& statePath);
  void send(run::CopyRequest request);
  void onStatePathResolved(quint64 requestId, const StatePathOutcome& outcome);
  QString endpointKey() const;
  void poll();
  void apply(const run::CopyProgress& progress);
  void onFinished(quint64 copyId, const CopyOutcome& outcome);
  void setError(const QString& text);
  void log(const QString& text, bool error = false);
  void updateButtons();
  void updateKeepSlot();
  void refreshStatePath();
  void updateRejects(std::int64_t rejected);
  bool confirmStartOver(const QString& path);
  void onAbandoned(quint64 requestId, const AbandonOutcome& outcome);

  EngineBridge* m_bridge;
  PasswordStore* m_passwords;
  SpecProvider m_specOf;
  ProjectProvider m_projectOf;
  PathProvider m_projectPathOf;

  QPushButton* m_start = nullptr;
  QPushButton* m_pause = nullptr;
  QPushButton* m_resume = nullptr;
  QPushButton* m_cancel = nullptr;
  QCheckBox* m_resumePrevious = nullptr;
  QSpinBox* m_jobs = nullptr;
  QSpinBox* m_maxRate = nullptr;
  QComboBox* m_onError = nullptr;
  QCheckBox* m_dataOnly = nullptr;
  QCheckBox* m_keepSlot = nullptr;
  /// The source engine m_keepSlot was last set up for: ticked by default when it becomes PostgreSQL.
  std::optional<model::Engine> m_keepSlotEngine;
  QLabel* m_statePath = nullptr;
  widgets::BusySpinner* m_spinner = nullptr;
  QLabel* m_overall = nullptr;
  QLabel* m_error = nullptr;
  QTableView* m_table = nullptr;
  RunTableModel* m_model = nullptr;
  widgets::LiveChart* m_chart = nullptr;
  QPlainTextEdit* m_log = nullptr;
  QLabel* m_rejectCount = nullptr;
  QLabel* m_rejectPath = nullptr;
  QPushButton* m_openRejects = nullptr;
  QTimer* m_poller = nullptr;

  quint64 m_copyId = 0;
  /// Starting over: the previous run is abandoned (its replication slots
  /// dropped) and its state deleted before the new run starts.
  bool m_abandonPrevious = false;
  quint64 m_abandonId = 0;
  std::optional<run::CopyRequest> m_afterAbandon;
  bool m_resolving = false;
  bool m_paused = false;
  QString m_runStatePath;  ///< the running (or last) run's state file
  QString m_resolvedStatePath;  ///< the engine's state file for m_resolvedFor's connections
  QString m_resolvedFor;        ///< endpointKey() it was resolved for
  QString m_stateResolveKey;    ///< endpointKey() of the request in flight
  quint64 m_stateResolveId = 0;
  bool m_stateResolving = false;  ///< passwords being resolved for it
  std::vector<std::function<void(const QString&, const QString&)>> m_afterStatePath;
  run::CopyProgress m_last;
  std::int64_t m_rowsDone = 0;
  QHash<QString, QString> m_tableStatus;  ///< for the log: status at the previous poll
  widgets::RateWindow m_rates{3.0};  ///< rows and bytes over the last 3 s of polls (a chunk moves at once)
};

}  // namespace ferry::app
