#include "app/report/inline_charts.h"

#include <QColor>
#include <QImage>
#include <QPainter>
#include <QPolygonF>
#include <QRegularExpression>
#include <QTextDocument>
#include <QUrl>

namespace ferry::app {

namespace {

QString attr(const QString& element, const QString& name) {
  const QRegularExpression re(QStringLiteral("\\b%1\\s*=\\s*['\"]([^'\"]*)['\"]").arg(name));
  const auto m = re.match(element);
  return m.hasMatch() ? m.captured(1) : QString();
}

QColor colorOf(const QString& text) {
  if (text.isEmpty() || text == QLatin1String("none")) return Qt::transparent;
  return QColor(text);
}

/// Paints the shapes of one SVG (the subset the evidence pack writes) at 2x for print.
QImage paint(const QString& svg, int width, int height) {
  constexpr qreal scale = 2;
  QImage image(QSize(width, height) * scale, QImage::Format_ARGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.scale(scale, scale);
  static const QRegularExpression shapes(QStringLiteral("<(rect|polyline)\\b[^>]*>"));
  for (auto it = shapes.globalMatch(svg); it.hasNext();) {
    const auto m = it.next();
    const QString e = m.captured(0);
    QPen pen(colorOf(attr(e, QStringLiteral("stroke"))));
    const QString strokeWidth = attr(e, QStringLiteral("stroke-width"));
    pen.setWidthF(strokeWidth.isEmpty() ? 1.0 : strokeWidth.toDouble());
    p.setPen(pen);
    p.setBrush(colorOf(attr(e, QStringLiteral("fill"))));
    if (m.captured(1) == QLatin1String("rect")) {
      p.drawRect(QRectF(attr(e, QStringLiteral("x")).toDouble(), attr(e, QStringLiteral("y")).toDouble(),
                        attr(e, QStringLiteral("width")).toDouble(), attr(e, QStringLiteral("height")).toDouble()));
      continue;
    }
    QPolygonF line;
    for (const QString& pair : attr(e, QStringLiteral("points")).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
      const auto xy = pair.split(QLatin1Char(','));
      if (xy.size() == 2) line << QPointF(xy[0].toDouble(), xy[1].toDouble());
    }
    p.drawPolyline(line);
  }
  return image;
}

}  // namespace

QString withChartImages(const QString& html, QTextDocument* doc) {
  static const QRegularExpression svgRe(QStringLiteral("<svg\\b[^>]*>.*?</svg>"),
                                        QRegularExpression::DotMatchesEverythingOption);
  QString out;
  qsizetype at = 0;
  int n = 0;
  for (auto it = svgRe.globalMatch(html); it.hasNext();) {
    const auto m = it.next();
    const QString svg = m.captured(0);
    const QString open = svg.left(svg.indexOf(QLatin1Char('>')) + 1);
    const int w = qMax(1, attr(open, QStringLiteral("width")).toInt());
    const int h = qMax(1, attr(open, QStringLiteral("height")).toInt());
    const QUrl url(QStringLiteral("ferry-chart:%1").arg(++n));
    doc->addResource(QTextDocument::ImageResource, url, paint(svg, w, h));
    out += html.mid(at, m.capturedStart() - at);
    out += QStringLiteral("<p><img src='%1' width='%2' height='%3' alt='%4'></p>")
               .arg(url.toString())
               .arg(w)
               .arg(h)
               .arg(attr(open, QStringLiteral("aria-label")).toHtmlEscaped());
    at = m.capturedEnd();
  }
  out += html.mid(at);
  return out;
}

}  // namespace ferry::app
