#pragma once
/// ReportPage: the evidence pack (run::evidencePackHtml) shown as it will be
/// sent, exported as HTML or PDF (Qt's PDF writer: the same page, printed).

#include <functional>
#include <optional>

#include <QWidget>

#include "app/bridge/engine_bridge.h"

class QLabel;
class QPushButton;
class QTextBrowser;

namespace ferry::app {

/// Prints `html` to a PDF file (A4); false with `error` set when it cannot.
bool writePdf(const QString& html, const QString& path, QString* error);

class ReportPage : public QWidget {
  Q_OBJECT
public:
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;
  using ProjectProvider = std::function<plan::Project()>;
  ReportPage(EngineBridge* bridge, SpecProvider specOf, ProjectProvider projectOf, QWidget* parent = nullptr);

  void setStatePath(const QString& path);
  void refresh();
  bool exportHtml(const QString& path, QString* error) const;
  bool exportPdf(const QString& path, QString* error) const;
  QString html() const { return m_html; }

signals:
  void built(bool ok);

private:
  void onBuilt(quint64 id, const EvidenceOutcome& outcome);

  EngineBridge* m_bridge;
  SpecProvider m_specOf;
  ProjectProvider m_projectOf;
  QString m_statePath;
  QString m_html;
  quint64 m_request = 0;
  QLabel* m_stateLabel = nullptr;
  QTextBrowser* m_view = nullptr;
  QPushButton* m_refresh = nullptr;
  QPushButton* m_html_ = nullptr;
  QPushButton* m_pdf = nullptr;
};

}  // namespace ferry::app
