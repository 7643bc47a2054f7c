#pragma once
/// SeverityIcon: the marks for the five type-mapping severities of DESIGN.md
/// "Type mapping" (exact, widened, review, lossy, unsupported), painted with
/// QPainter like StatusIcon. Each has its own shape as well as its own colour,
/// so the table stays readable in grey-scale print-outs and for colour-blind users.

#include <QColor>
#include <QIcon>

namespace ferry::widgets {

/// Same order (and gravity) as the engine's typemap::Severity; widgets never
/// include the engine, so the app converts with a static_cast.
enum class SeverityLevel { Exact, Widened, Review, Lossy, Unsupported };

class SeverityIcon {
public:
  /// A cached icon for `level` (rendered at 16, 24 and 32 px).
  static QIcon icon(SeverityLevel level);
  /// The colour of `level` (green, teal, amber, orange-red, red), for text too.
  static QColor color(SeverityLevel level);
  /// The engine's lower-case name: "exact" … "unsupported".
  static const char* name(SeverityLevel level);
  /// All five, mildest first.
  static constexpr SeverityLevel all[] = {SeverityLevel::Exact, SeverityLevel::Widened, SeverityLevel::Review,
                                          SeverityLevel::Lossy, SeverityLevel::Unsupported};
};

}  // namespace ferry::widgets
