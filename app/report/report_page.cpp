#include "app/report/report_page.h"

#include "app/report/inline_charts.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPageSize>
#include <QPdfWriter>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>

namespace ferry::app {

bool writePdf(const QString& html, const QString& path, QString* error) {
  QPdfWriter writer(path);
  writer.setPageSize(QPageSize(QPageSize::A4));
  writer.setResolution(150);
  writer.setTitle(QStringLiteral("Ferry migration evidence"));
  QTextDocument doc;
  doc.setHtml(withChartImages(html, &doc));
  doc.setPageSize(QSizeF(writer.width(), writer.height()));
  doc.print(&writer);
  if (!QFile::exists(path) || QFile(path).size() == 0) {
    if (error) *error = QObject::tr("could not write %1").arg(path);
    return false;
  }
  return true;
}

ReportPage::ReportPage(EngineBridge* bridge, SpecProvider specOf, ProjectProvider projectOf, QWidget* parent)
    : QWidget(parent), m_bridge(bridge), m_specOf(std::move(specOf)), m_projectOf(std::move(projectOf)) {
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("<b>Report</b> — the evidence pack for sign-off: the servers (no credentials), every "
                              "accepted finding and override, the copy, the verification, the lag history, every "
                              "rehearsal and cutover with its pauses and canary verdict, and the way back."));
  intro->setWordWrap(true);
  layout->addWidget(intro);
  m_stateLabel = new QLabel;
  layout->addWidget(m_stateLabel);
  auto* buttons = new QHBoxLayout;
  m_refresh = new QPushButton(tr("Build the report"));
  m_html_ = new QPushButton(tr("Export HTML…"));
  m_pdf = new QPushButton(tr("Export PDF…"));
  buttons->addWidget(m_refresh);
  buttons->addWidget(m_html_);
  buttons->addWidget(m_pdf);
  buttons->addStretch();
  layout->addLayout(buttons);
  m_view = new QTextBrowser;
  m_view->setObjectName(QStringLiteral("evidenceView"));
  layout->addWidget(m_view, 1);
  connect(m_refresh, &QPushButton::clicked, this, &ReportPage::refresh);
  auto save = [this](bool pdf) {
    const QString path = QFileDialog::getSaveFileName(this, pdf ? tr("Export PDF") : tr("Export HTML"), QString(),
                                                      pdf ? tr("PDF (*.pdf)") : tr("HTML (*.html)"));
    if (path.isEmpty()) return;
    QString error;
    if (!(pdf ? exportPdf(path, &error) : exportHtml(path, &error))) QMessageBox::warning(this, tr("Export"), error);
  };
  connect(m_html_, &QPushButton::clicked, this, [save] { save(false); });
  connect(m_pdf, &QPushButton::clicked, this, [save] { save(true); });
  connect(m_bridge, &EngineBridge::evidenceBuilt, this, &ReportPage::onBuilt);
  setStatePath(QString());
}

void ReportPage::setStatePath(const QString& path) {
  m_statePath = path;
  m_stateLabel->setText(path.isEmpty() ? tr("Run state: the Run page's file, once both connections are filled in.")
                                       : tr("Run state: %1").arg(path));
  m_refresh->setEnabled(!path.isEmpty());
  m_html_->setEnabled(!m_html.isEmpty());
  m_pdf->setEnabled(!m_html.isEmpty());
}

void ReportPage::refresh() {
  if (m_statePath.isEmpty()) return;
  run::EvidenceRequest r;
  r.statePath = m_statePath.toStdString();
  r.source = m_specOf(preflight::Role::Source);
  r.target = m_specOf(preflight::Role::Target);
  r.project = m_projectOf();
  r.toolVersion = "Ferry Workbench";
  m_view->setHtml(tr("<p>Building the evidence pack…</p>"));
  m_request = m_bridge->buildEvidence(std::move(r));
}

void ReportPage::onBuilt(quint64 id, const EvidenceOutcome& outcome) {
  if (id != m_request) return;
  if (outcome.error) {
    m_view->setHtml(QStringLiteral("<p style='color:#c0392b'>%1</p>").arg(QString::fromStdString(outcome.error->oneLine()).toHtmlEscaped()));
    emit built(false);
    return;
  }
  m_html = QString::fromStdString(outcome.html);
  m_view->setHtml(withChartImages(m_html, m_view->document()));
  m_html_->setEnabled(true);
  m_pdf->setEnabled(true);
  emit built(true);
}

bool ReportPage::exportHtml(const QString& path, QString* error) const {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
    if (error) *error = f.errorString();
    return false;
  }
  f.write(m_html.toUtf8());
  return true;
}

bool ReportPage::exportPdf(const QString& path, QString* error) const { return writePdf(m_html, path, error); }

}  // namespace ferry::app
