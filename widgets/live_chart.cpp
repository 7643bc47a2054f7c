#include "widgets/live_chart.h"

#include <algorithm>

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

namespace ferry::widgets {

struct LiveChart::Private {
  QChart* chart = nullptr;
  QChartView* view = nullptr;
  QValueAxis* x = nullptr;
  QValueAxis* left = nullptr;
  QValueAxis* right = nullptr;
  QHash<QString, QLineSeries*> series;
  QHash<QString, Axis> axisOf;
  double lastX = 0;
};

namespace {

/// A round upper bound (1, 2, 5 × 10^n) so the axis labels stay readable.
double niceCeiling(double v) {
  if (v <= 0) return 1;
  double step = 1;
  while (step * 10 <= v) step *= 10;
  while (step > v) step /= 10;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (step * m >= v) return step * m;
  return step * 10;
}

/// Sets a y range from 0 to a round top, with labels precise enough for it.
void setYRange(QValueAxis* axis, double top) {
  const double nice = niceCeiling(std::max(top, 1.0));  // at least 0..1: no axis of identical zeros
  axis->setRange(0, nice);
  axis->setLabelFormat(nice >= 10 ? QStringLiteral("%.0f") : nice >= 1 ? QStringLiteral("%.1f") : QStringLiteral("%.2f"));
}

/// Ticks on round seconds (every 1, 2, 5, 10, … s) wherever the window starts.
void setXRange(QValueAxis* axis, double from, double to) {
  axis->setRange(from, to);
  axis->setTickAnchor(0);
  axis->setTickInterval(niceCeiling((to - from) / 6));
}

}  // namespace

LiveChart::LiveChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>()) {
  d->chart = new QChart;
  d->chart->legend()->setAlignment(Qt::AlignTop);
  d->chart->setMargins(QMargins(4, 4, 4, 4));
  d->chart->setBackgroundRoundness(0);
  d->x = new QValueAxis;
  d->x->setTitleText(tr("seconds"));
  d->x->setLabelFormat(QStringLiteral("%d"));
  d->left = new QValueAxis;
  d->right = new QValueAxis;
  d->x->setTickType(QValueAxis::TicksDynamic);
  d->left->setTickCount(6);
  d->right->setTickCount(6);
  d->chart->addAxis(d->x, Qt::AlignBottom);
  d->chart->addAxis(d->left, Qt::AlignLeft);
  d->chart->addAxis(d->right, Qt::AlignRight);
  setXRange(d->x, 0, 10);
  setYRange(d->left, 1);
  setYRange(d->right, 1);
  d->view = new QChartView(d->chart);
  d->view->setRenderHint(QPainter::Antialiasing);
  d->view->setObjectName(QStringLiteral("liveChartView"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(d->view);
}

LiveChart::~LiveChart() = default;

void LiveChart::setTitle(const QString& title) { d->chart->setTitle(title); }

void LiveChart::setWindowSeconds(double seconds) { m_window = std::max(1.0, seconds); }

void LiveChart::addSeries(const QString& name, const QString& unit, Axis axis, const QColor& color) {
  if (d->series.contains(name)) return;
  auto* s = new QLineSeries;
  s->setName(name);
  QPen pen(color);
  pen.setWidthF(2);
  s->setPen(pen);
  d->chart->addSeries(s);
  s->attachAxis(d->x);
  QValueAxis* y = axis == Axis::Left ? d->left : d->right;
  s->attachAxis(y);
  y->setTitleText(unit);
  y->setLinePenColor(color);
  y->setLabelsColor(color);
  d->series.insert(name, s);
  d->axisOf.insert(name, axis);
}

void LiveChart::addSample(const QString& name, double x, double y) {
  if (!d->series.contains(name)) addSeries(name, QString(), Axis::Left, palette().color(QPalette::Text));
  QLineSeries* s = d->series.value(name);
  s->append(x, y);
  d->lastX = std::max(d->lastX, x);
  const double from = d->lastX - m_window;
  // Drop what left the window, then rescale every axis to what is visible.
  double maxLeft = 0;
  double maxRight = 0;
  for (auto it = d->series.cbegin(); it != d->series.cend(); ++it) {
    QLineSeries* series = it.value();
    int old = 0;
    while (old < series->count() && series->at(old).x() < from) ++old;
    if (old > 0) series->removePoints(0, old);
    double& top = d->axisOf.value(it.key()) == Axis::Left ? maxLeft : maxRight;
    for (const QPointF& p : series->points()) top = std::max(top, p.y());
  }
  setXRange(d->x, std::max(0.0, from), std::max(10.0, d->lastX));
  setYRange(d->left, maxLeft * 1.1);
  setYRange(d->right, maxRight * 1.1);
}

void LiveChart::clear() {
  for (QLineSeries* s : std::as_const(d->series)) s->clear();
  d->lastX = 0;
  setXRange(d->x, 0, 10);
  setYRange(d->left, 1);
  setYRange(d->right, 1);
}

int LiveChart::sampleCount(const QString& name) const {
  const QLineSeries* s = d->series.value(name);
  return s ? static_cast<int>(s->count()) : 0;
}

}  // namespace ferry::widgets
