#pragma once
/// BusySpinner: a small rotating arc shown next to a button while work runs
/// off the GUI thread. It animates from a QTimer, so it also proves visually
/// that the event loop is not blocked.

#include <QTimer>
#include <QWidget>

namespace ferry::widgets {

class BusySpinner : public QWidget {
  Q_OBJECT
public:
  explicit BusySpinner(QWidget* parent = nullptr);

  /// Shows the spinner and starts the animation.
  void start();
  /// Stops the animation and hides the spinner (its space stays reserved).
  void stop();
  bool isSpinning() const { return m_timer.isActive(); }

  QSize sizeHint() const override { return {20, 20}; }

protected:
  void paintEvent(QPaintEvent* event) override;

private:
  QTimer m_timer;
  int m_angle = 0;
};

}  // namespace ferry::widgets
