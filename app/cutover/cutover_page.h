#pragma once
/// CutoverPage: the cutover in the workbench (docs/cutover.md). The fence and
/// its options, live gates, Rehearse, Cut over (after a confirmation that names
/// what will happen), the step timeline filling in with durations, the canary's
/// write latencies as a chart, Abort (before the switch), Roll back and Finish.
/// The engine runs on the bridge's thread (run::CutoverRun and friends); the
/// page polls its progress at 4 Hz.

#include <functional>
#include <optional>

#include <QWidget>

#include "app/bridge/engine_bridge.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace ferry::widgets {
class LiveChart;
}

namespace ferry::app {

class CutoverPage : public QWidget {
  Q_OBJECT
public:
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;
  using ProjectProvider = std::function<plan::Project()>;

  static constexpr int kPollMs = 250;

  CutoverPage(EngineBridge* bridge, SpecProvider specOf, ProjectProvider projectOf, QWidget* parent = nullptr);
  ~CutoverPage() override;

  void setStatePath(const QString& path);
  QString statePath() const { return m_statePath; }

  /// The actions (the buttons; `confirmed` skips the confirmation dialog, for tests).
  void checkGates();
  void rehearse();
  void cutOver(bool confirmed = false);
  void abort();
  void rollBack(bool confirmed = false);
  void finish(bool confirmed = false);
  bool isRunning() const { return m_jobId != 0; }

  /// The fence's settings, as the form holds them.
  void setFence(const QString& kind);  ///< "pgbouncer", "read-only", "command"
  void setPgBouncer(const QString& adminUrl, const QString& database, const QString& includeFile);
  void setCanaryUrl(const QString& url);
  void setStableSeconds(int seconds);
  void setMaxPauseMs(int ms);
  void setReverse(bool prepareWayBack);

  /// What the last job ended with (tests read it).
  const std::optional<CutoverOutcome>& lastOutcome() const { return m_last; }
  QString resultText() const;
  /// Shows a running job's progress (the poll hands it over; tests feed their own).
  void showProgress(const run::CutoverProgress& p);

signals:
  void started();
  /// A job ended (`ok`: switched, rehearsed, rolled back, gates passed, finished).
  void finished(bool ok);

private:
  void buildUi();
  void startJob(CutoverMode mode);
  std::optional<run::CutoverRequest> request(QString* error) const;
  void poll();
  void onFinished(quint64 id, const CutoverOutcome& outcome);
  void showReport(const run::CutoverReport& r, const QString& title);
  void updateButtons();
  QString describePlan() const;

  EngineBridge* m_bridge;
  SpecProvider m_specOf;
  ProjectProvider m_projectOf;
  QString m_statePath;
  quint64 m_jobId = 0;
  CutoverMode m_mode = CutoverMode::Gates;
  std::optional<CutoverOutcome> m_last;
  std::size_t m_canaryShown = 0;
  QString m_stage;
  /// Passwords of the URLs in the form, kept out of the text fields (which show "****").
  std::optional<std::string> m_pgbPassword;
  std::optional<std::string> m_canaryPassword;

  QLabel* m_stateLabel = nullptr;
  QComboBox* m_fence = nullptr;
  QLineEdit* m_pgbAdmin = nullptr;
  QLineEdit* m_pgbDb = nullptr;
  QLineEdit* m_pgbInclude = nullptr;
  QLineEdit* m_fenceCmd = nullptr;
  QLineEdit* m_switchCmd = nullptr;
  QLineEdit* m_unfenceCmd = nullptr;
  QLineEdit* m_canaryUrl = nullptr;
  QSpinBox* m_maxLag = nullptr;
  QSpinBox* m_stable = nullptr;
  QSpinBox* m_maxPause = nullptr;
  QCheckBox* m_reverse = nullptr;
  QPushButton* m_gatesButton = nullptr;
  QPushButton* m_rehearseButton = nullptr;
  QPushButton* m_cutoverButton = nullptr;
  QPushButton* m_abortButton = nullptr;
  QPushButton* m_rollbackButton = nullptr;
  QPushButton* m_finishButton = nullptr;
  QTableWidget* m_gates = nullptr;
  QTableWidget* m_steps = nullptr;
  widgets::LiveChart* m_chart = nullptr;
  QLabel* m_result = nullptr;
  QTimer* m_poll = nullptr;
};

}  // namespace ferry::app
