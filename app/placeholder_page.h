#pragma once
/// PlaceholderPage: what a not-yet-built wizard page shows — its title, what
/// the page will do and what it guarantees (from DESIGN.md's flow table) — so
/// the whole sequence is visible from the first release.

#include <QWidget>

namespace ferry::app {

class PlaceholderPage : public QWidget {
  Q_OBJECT
public:
  PlaceholderPage(const QString& title, const QString& description, QWidget* parent = nullptr);
  QString description() const { return m_description; }

private:
  QString m_description;
};

}  // namespace ferry::app
