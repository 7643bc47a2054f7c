#pragma once
/// StatusIcon: the pass / warn / fail / info marks used in check tables and
/// status lines, painted with QPainter so no image files have to ship and they
/// stay crisp at any size and on any theme.

#include <QColor>
#include <QIcon>

namespace ferry::widgets {

enum class StatusKind { Pass, Warn, Fail, Info };

class StatusIcon {
public:
  /// A cached icon for `kind` (rendered at 16, 24 and 32 px).
  static QIcon icon(StatusKind kind);
  /// The colour that goes with `kind` (green, amber, red, blue), for text too.
  static QColor color(StatusKind kind);
  /// Short lower-case label: "pass", "warn", "fail", "info".
  static const char* label(StatusKind kind);
};

}  // namespace ferry::widgets
