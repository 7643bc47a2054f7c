#include "app/placeholder_page.h"

#include <QLabel>
#include <QVBoxLayout>

#include "widgets/status_icon.h"

namespace ferry::app {

PlaceholderPage::PlaceholderPage(const QString& title, const QString& description, QWidget* parent)
    : QWidget(parent), m_description(description) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(48, 40, 48, 40);
  auto* heading = new QLabel(title);
  QFont f = heading->font();
  f.setPointSizeF(f.pointSizeF() * 1.8);
  f.setBold(true);
  heading->setFont(f);
  auto* badgeRow = new QHBoxLayout;
  auto* icon = new QLabel;
  icon->setPixmap(widgets::StatusIcon::icon(widgets::StatusKind::Info).pixmap(24, 24));
  auto* badge = new QLabel(tr("This page is not built yet. Here is what it will do:"));
  badge->setObjectName(QStringLiteral("placeholderBadge"));
  badgeRow->addWidget(icon);
  badgeRow->addWidget(badge, 1);
  auto* text = new QLabel(description);
  text->setObjectName(QStringLiteral("placeholderText"));
  text->setWordWrap(true);
  text->setTextFormat(Qt::RichText);
  text->setMaximumWidth(760);
  QFont tf = text->font();
  tf.setPointSizeF(tf.pointSizeF() * 1.15);
  text->setFont(tf);
  layout->addWidget(heading);
  layout->addSpacing(12);
  layout->addLayout(badgeRow);
  layout->addSpacing(8);
  layout->addWidget(text);
  layout->addStretch(1);
}

}  // namespace ferry::app
