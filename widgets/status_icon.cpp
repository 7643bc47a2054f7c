#include "widgets/status_icon.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace ferry::widgets {

namespace {

QPixmap paint(StatusKind kind, int size) {
  QPixmap pm(size, size);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  const qreal s = size;
  const QColor c = StatusIcon::color(kind);
  QPen mark(Qt::white, s * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);

  if (kind == StatusKind::Warn) {
    // A triangle reads as "warning" even to colour-blind users.
    QPainterPath tri;
    tri.moveTo(s * 0.5, s * 0.06);
    tri.lineTo(s * 0.96, s * 0.92);
    tri.lineTo(s * 0.04, s * 0.92);
    tri.closeSubpath();
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawPath(tri);
    p.setPen(mark);
    p.drawLine(QPointF(s * 0.5, s * 0.36), QPointF(s * 0.5, s * 0.62));
    p.drawPoint(QPointF(s * 0.5, s * 0.78));
    return pm;
  }

  p.setPen(Qt::NoPen);
  p.setBrush(c);
  p.drawEllipse(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92));
  p.setPen(mark);
  switch (kind) {
    case StatusKind::Pass: {
      QPainterPath tick;
      tick.moveTo(s * 0.28, s * 0.52);
      tick.lineTo(s * 0.44, s * 0.68);
      tick.lineTo(s * 0.72, s * 0.34);
      p.setBrush(Qt::NoBrush);
      p.drawPath(tick);
      break;
    }
    case StatusKind::Fail:
      p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68));
      p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68));
      break;
    case StatusKind::Info:
      p.drawPoint(QPointF(s * 0.5, s * 0.28));
      p.drawLine(QPointF(s * 0.5, s * 0.46), QPointF(s * 0.5, s * 0.74));
      break;
    case StatusKind::Warn:
      break;
  }
  return pm;
}

}  // namespace

QIcon StatusIcon::icon(StatusKind kind) {
  static QHash<int, QIcon> cache;
  const int key = static_cast<int>(kind);
  auto it = cache.find(key);
  if (it != cache.end()) return *it;
  QIcon icon;
  for (int size : {16, 24, 32}) icon.addPixmap(paint(kind, size));
  cache.insert(key, icon);
  return icon;
}

QColor StatusIcon::color(StatusKind kind) {
  switch (kind) {
    case StatusKind::Pass: return QColor(0x2e, 0x9d, 0x4b);
    case StatusKind::Warn: return QColor(0xe0, 0x9b, 0x1a);
    case StatusKind::Fail: return QColor(0xd0, 0x34, 0x2c);
    case StatusKind::Info: return QColor(0x2f, 0x6f, 0xc9);
  }
  return Qt::gray;
}

const char* StatusIcon::label(StatusKind kind) {
  switch (kind) {
    case StatusKind::Pass: return "pass";
    case StatusKind::Warn: return "warn";
    case StatusKind::Fail: return "fail";
    case StatusKind::Info: return "info";
  }
  return "";
}

}  // namespace ferry::widgets
