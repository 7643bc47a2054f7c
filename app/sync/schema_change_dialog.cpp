#include "app/sync/schema_change_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "widgets/sql_editor.h"

namespace ferry::app {

SchemaChangeDialog::SchemaChangeDialog(const QString& change, const QString& proposed, QWidget* parent)
    : QDialog(parent), m_proposed(proposed) {
  setObjectName(QStringLiteral("schemaChangeDialog"));
  setWindowTitle(tr("Schema change on the source"));
  auto* layout = new QVBoxLayout(this);
  auto* what = new QLabel(tr("<b>The target's columns differ from the source's now:</b> %1<br>The sync stopped before the "
                             "first change in the new shape; nothing of that transaction was applied.")
                              .arg(change.toHtmlEscaped()));
  what->setObjectName(QStringLiteral("schemaChange"));
  what->setWordWrap(true);
  layout->addWidget(what);
  auto* hint = new QLabel(tr("Proposed for the target (from the same mapping as the copy). Edit it if you like — a "
                             "wider type, another default — then apply it and the sync resumes; or stop here and "
                             "decide later (ferry sync --apply-ddl does the same from the command line)."));
  hint->setWordWrap(true);
  layout->addWidget(hint);
  m_editor = new widgets::SqlEditor;
  m_editor->setObjectName(QStringLiteral("proposedDdl"));
  m_editor->setPlainText(proposed);
  m_editor->setMinimumSize(640, 140);
  layout->addWidget(m_editor, 1);
  m_error = new QLabel;
  m_error->setObjectName(QStringLiteral("decisionError"));
  m_error->setWordWrap(true);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setStyleSheet(QStringLiteral("color:#b71c1c"));
  m_error->setVisible(false);
  layout->addWidget(m_error);
  auto* buttons = new QDialogButtonBox;
  m_apply = buttons->addButton(tr("Apply to the target and resume"), QDialogButtonBox::AcceptRole);
  m_apply->setObjectName(QStringLiteral("applyButton"));
  m_restore = buttons->addButton(tr("Restore the proposal"), QDialogButtonBox::ResetRole);
  m_restore->setObjectName(QStringLiteral("restoreButton"));
  m_stop = buttons->addButton(tr("Stop here"), QDialogButtonBox::RejectRole);
  m_stop->setObjectName(QStringLiteral("stopHereButton"));
  layout->addWidget(buttons);
  // Apply does not close the dialog: the page closes it once the statement ran.
  connect(m_apply, &QPushButton::clicked, this, [this] {
    setError(QString());
    emit applyRequested(statement());
  });
  connect(m_restore, &QPushButton::clicked, this, [this] { m_editor->setPlainText(m_proposed); });
  connect(m_stop, &QPushButton::clicked, this, &QDialog::reject);
}

QString SchemaChangeDialog::statement() const { return m_editor->toPlainText(); }

void SchemaChangeDialog::setBusy(bool busy) {
  for (QWidget* w : {static_cast<QWidget*>(m_apply), static_cast<QWidget*>(m_restore),
                     static_cast<QWidget*>(m_stop), static_cast<QWidget*>(m_editor)}) {
    w->setEnabled(!busy);
  }
}

void SchemaChangeDialog::setError(const QString& text) {
  m_error->setText(text);
  m_error->setVisible(!text.isEmpty());
}

QString SchemaChangeDialog::errorText() const { return m_error->text(); }

}  // namespace ferry::app
