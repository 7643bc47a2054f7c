#include "widgets/busy_spinner.h"

#include <QPainter>

namespace ferry::widgets {

BusySpinner::BusySpinner(QWidget* parent) : QWidget(parent) {
  setFixedSize(sizeHint());
  // 50 ms per step (20 fps): smooth enough to look alive, cheap on a 2-core machine.
  m_timer.setInterval(50);
  connect(&m_timer, &QTimer::timeout, this, [this] {
    m_angle = (m_angle + 30) % 360;
    update();
  });
  QSizePolicy sp = sizePolicy();
  sp.setRetainSizeWhenHidden(true);
  setSizePolicy(sp);
  hide();
}

void BusySpinner::start() {
  show();
  m_timer.start();
}

void BusySpinner::stop() {
  m_timer.stop();
  hide();
}

void BusySpinner::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QRectF r = QRectF(rect()).adjusted(3, 3, -3, -3);
  QPen track(palette().color(QPalette::Mid), 2.5);
  p.setPen(track);
  p.drawEllipse(r);
  QPen arc(palette().color(QPalette::Highlight), 2.5, Qt::SolidLine, Qt::RoundCap);
  p.setPen(arc);
  p.drawArc(r, -m_angle * 16, 100 * 16);
}

}  // namespace ferry::widgets
