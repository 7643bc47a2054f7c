#pragma once
// The evidence pack draws its charts as inline SVG (engine/run/evidence_pack.cpp).
// Qt's rich text shows no SVG, and Qt SVG is not on every machine (not in
// Debian 12's Qt 6 here): the few shapes the pack uses (rect, polyline) are
// painted into images the document carries as resources instead — for the
// Report page's view and for the PDF alike.

#include <QString>

class QTextDocument;

namespace ferry::app {

/// `html` with each <svg>…</svg> replaced by an <img> of it, the images added
/// to `doc`'s resources; set the returned HTML on `doc` afterwards.
QString withChartImages(const QString& html, QTextDocument* doc);

}  // namespace ferry::app
