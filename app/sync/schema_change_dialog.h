#pragma once
/// The decision on a schema change the sync stopped at: what the source gained,
/// the target statement Ferry proposes (from the copy's typemap and DDL
/// generator) in an editable SQL editor, and three ways out — apply it (as
/// proposed or as edited) and resume, restore the proposal, or stop here.
/// The page runs the statement; the dialog stays open with the error if it fails.

#include <QDialog>

class QLabel;
class QPushButton;

namespace ferry::widgets {
class SqlEditor;
}

namespace ferry::app {

class SchemaChangeDialog : public QDialog {
  Q_OBJECT
public:
  SchemaChangeDialog(const QString& change, const QString& proposed, QWidget* parent = nullptr);

  QString statement() const;
  QString proposed() const { return m_proposed; }
  /// While the statement runs: nothing to press twice.
  void setBusy(bool busy);
  void setError(const QString& text);
  QString errorText() const;

signals:
  /// "Apply and resume" with the editor's text.
  void applyRequested(const QString& sql);

private:
  QString m_proposed;
  widgets::SqlEditor* m_editor = nullptr;
  QLabel* m_error = nullptr;
  QPushButton* m_apply = nullptr;
  QPushButton* m_restore = nullptr;
  QPushButton* m_stop = nullptr;
};

}  // namespace ferry::app
