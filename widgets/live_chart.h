#pragma once
/// LiveChart: the one facade over Qt Charts for live time series (DESIGN.md
/// "GUI": rows/s, lag ms, verification progress). Callers name a series once,
/// then add (x = seconds, y) samples; only the last window of x is kept, and
/// each y axis rescales to what is visible. Pages never touch QtCharts types.

#include <memory>

#include <QColor>
#include <QHash>
#include <QString>
#include <QWidget>

namespace ferry::widgets {

class LiveChart : public QWidget {
  Q_OBJECT
public:
  enum class Axis { Left, Right };

  explicit LiveChart(QWidget* parent = nullptr);
  ~LiveChart() override;

  /// Declares a series, its axis (the axis title is `unit`) and its colour.
  void addSeries(const QString& name, const QString& unit, Axis axis, const QColor& color);
  /// Appends one point; an undeclared series is created on the left axis.
  void addSample(const QString& name, double x, double y);
  /// How much x (seconds) stays visible; older points are dropped.
  void setWindowSeconds(double seconds);
  double windowSeconds() const { return m_window; }
  void setTitle(const QString& title);
  /// Removes every point (series stay declared).
  void clear();
  int sampleCount(const QString& name) const;

private:
  struct Private;
  std::unique_ptr<Private> d;  ///< QtCharts types stay out of this header
  double m_window = 600;
};

}  // namespace ferry::widgets
