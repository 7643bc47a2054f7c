#include "widgets/severity_icon.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace ferry::widgets {

namespace {

QPixmap paint(SeverityLevel level, int size) {
  QPixmap pm(size, size);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  const qreal s = size;
  const QColor c = SeverityIcon::color(level);
  QPen mark(Qt::white, s * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
  p.setPen(Qt::NoPen);
  p.setBrush(c);

  switch (level) {
    case SeverityLevel::Exact: {  // circle with a tick: nothing to do
      p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88));
      QPainterPath tick;
      tick.moveTo(s * 0.28, s * 0.52);
      tick.lineTo(s * 0.44, s * 0.68);
      tick.lineTo(s * 0.72, s * 0.34);
      p.setPen(mark);
      p.setBrush(Qt::NoBrush);
      p.drawPath(tick);
      break;
    }
    case SeverityLevel::Widened: {  // circle with an up arrow: a larger type
      p.drawEllipse(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88));
      p.setPen(mark);
      p.drawLine(QPointF(s * 0.5, s * 0.72), QPointF(s * 0.5, s * 0.3));
      p.drawLine(QPointF(s * 0.32, s * 0.46), QPointF(s * 0.5, s * 0.28));
      p.drawLine(QPointF(s * 0.68, s * 0.46), QPointF(s * 0.5, s * 0.28));
      break;
    }
    case SeverityLevel::Review: {  // triangle with "!": look at it
      QPainterPath tri;
      tri.moveTo(s * 0.5, s * 0.06);
      tri.lineTo(s * 0.96, s * 0.92);
      tri.lineTo(s * 0.04, s * 0.92);
      tri.closeSubpath();
      p.drawPath(tri);
      p.setPen(mark);
      p.drawLine(QPointF(s * 0.5, s * 0.36), QPointF(s * 0.5, s * 0.62));
      p.drawPoint(QPointF(s * 0.5, s * 0.78));
      break;
    }
    case SeverityLevel::Lossy: {  // diamond with "−": values may change
      QPainterPath diamond;
      diamond.moveTo(s * 0.5, s * 0.03);
      diamond.lineTo(s * 0.97, s * 0.5);
      diamond.lineTo(s * 0.5, s * 0.97);
      diamond.lineTo(s * 0.03, s * 0.5);
      diamond.closeSubpath();
      p.drawPath(diamond);
      p.setPen(mark);
      p.drawLine(QPointF(s * 0.3, s * 0.5), QPointF(s * 0.7, s * 0.5));
      break;
    }
    case SeverityLevel::Unsupported: {  // octagon-like stop sign with "×"
      QPainterPath oct;
      const qreal a = s * 0.3;
      const qreal b = s * 0.7;
      oct.moveTo(a, s * 0.03);
      oct.lineTo(b, s * 0.03);
      oct.lineTo(s * 0.97, a);
      oct.lineTo(s * 0.97, b);
      oct.lineTo(b, s * 0.97);
      oct.lineTo(a, s * 0.97);
      oct.lineTo(s * 0.03, b);
      oct.lineTo(s * 0.03, a);
      oct.closeSubpath();
      p.drawPath(oct);
      p.setPen(mark);
      p.drawLine(QPointF(s * 0.34, s * 0.34), QPointF(s * 0.66, s * 0.66));
      p.drawLine(QPointF(s * 0.66, s * 0.34), QPointF(s * 0.34, s * 0.66));
      break;
    }
  }
  return pm;
}

}  // namespace

QIcon SeverityIcon::icon(SeverityLevel level) {
  static QHash<int, QIcon> cache;
  const int key = static_cast<int>(level);
  auto it = cache.find(key);
  if (it != cache.end()) return *it;
  QIcon icon;
  for (int size : {16, 24, 32}) icon.addPixmap(paint(level, size));
  cache.insert(key, icon);
  return icon;
}

QColor SeverityIcon::color(SeverityLevel level) {
  switch (level) {
    case SeverityLevel::Exact: return QColor(0x2e, 0x9d, 0x4b);
    case SeverityLevel::Widened: return QColor(0x1f, 0x8a, 0x9e);
    case SeverityLevel::Review: return QColor(0xd9, 0x96, 0x12);
    case SeverityLevel::Lossy: return QColor(0xe0, 0x5a, 0x1b);
    case SeverityLevel::Unsupported: return QColor(0xc0, 0x23, 0x2b);
  }
  return Qt::gray;
}

const char* SeverityIcon::name(SeverityLevel level) {
  switch (level) {
    case SeverityLevel::Exact: return "exact";
    case SeverityLevel::Widened: return "widened";
    case SeverityLevel::Review: return "review";
    case SeverityLevel::Lossy: return "lossy";
    case SeverityLevel::Unsupported: return "unsupported";
  }
  return "";
}

}  // namespace ferry::widgets
