#pragma once
/// PlanPage: the migration's steps for this project with what is known of
/// each — the copy (its size and how long it took or would take), the catch-up
/// (the sync's lag), the verification, the cutover (the pause the rehearsals
/// measured) and the way back — the gates' live state (checked through the
/// Cutover page's settings), and the rehearsal history. Read from the run state
/// on the bridge's pool (run::planSummary).

#include <functional>

#include <QWidget>

#include "app/bridge/engine_bridge.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace ferry::app {

class PlanPage : public QWidget {
  Q_OBJECT
public:
  using CheckGates = std::function<void()>;

  PlanPage(EngineBridge* bridge, CheckGates checkGates, QWidget* parent = nullptr);
  void setStatePath(const QString& path);
  QString statePath() const { return m_statePath; }
  /// Reads the run state again.
  void refresh();
  /// The gates as the last check (or cutover) found them.
  void showGates(const std::vector<run::CutoverGate>& gates);
  QString stepsText() const;
  int rehearsalRows() const;

signals:
  void loaded(bool ok);

private:
  void onLoaded(quint64 id, const PlanOutcome& outcome);

  EngineBridge* m_bridge;
  CheckGates m_checkGates;
  QString m_statePath;
  quint64 m_request = 0;
  QLabel* m_stateLabel = nullptr;
  QTableWidget* m_steps = nullptr;
  QTableWidget* m_gates = nullptr;
  QTableWidget* m_rehearsals = nullptr;
  QPushButton* m_refresh = nullptr;
  QPushButton* m_check = nullptr;
};

}  // namespace ferry::app
