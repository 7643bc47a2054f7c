#pragma once
/// ProgressDelegate: paints a cell as a progress bar. The model gives the
/// fraction (0..1) under ProgressDelegate::FractionRole and the text under
/// Qt::DisplayRole; a missing fraction paints plain text.

#include <QStyledItemDelegate>

namespace ferry::widgets {

class ProgressDelegate : public QStyledItemDelegate {
  Q_OBJECT
public:
  static constexpr int FractionRole = Qt::UserRole + 100;

  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace ferry::widgets
