#pragma once
/// SqlEditor: a monospace plain-text editor for SQL (DDL previews, view and
/// routine definitions) with syntax highlighting and an optional line-number
/// gutter. Highlighting comes from KF6::SyntaxHighlighting when the build found
/// it, otherwise from the built-in SqlHighlighter.

#include <QPlainTextEdit>

class QSyntaxHighlighter;

namespace ferry::widgets {

class SqlEditor : public QPlainTextEdit {
  Q_OBJECT
public:
  explicit SqlEditor(QWidget* parent = nullptr);
  ~SqlEditor() override;

  /// Shows or hides the line-number gutter (shown by default).
  void setLineNumbersVisible(bool visible);
  bool lineNumbersVisible() const { return m_lineNumbers; }

  /// The name of the highlighter in use ("KSyntaxHighlighting" or "built-in"), for the about box and tests.
  static QString highlighterName();

  /// Width the gutter needs for the current line count (0 when hidden).
  int gutterWidth() const;

protected:
  void resizeEvent(QResizeEvent* event) override;

private:
  friend class LineNumberGutter;
  void paintGutter(QPaintEvent* event);
  void updateGutterWidth();
  void updateGutter(const QRect& rect, int dy);

  QWidget* m_gutter = nullptr;
  QSyntaxHighlighter* m_highlighter = nullptr;
  bool m_lineNumbers = true;
};

}  // namespace ferry::widgets
