#pragma once
/// SqlHighlighter: the built-in SQL syntax highlighter, used when
/// KF6SyntaxHighlighting is not available (Debian 12 only ships it for Qt 5).
/// It covers what a DBA reads in DDL and routine bodies: keywords, '…' strings,
/// "…" and `…` quoted identifiers, numbers, -- and /* */ comments (multi-line).

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace ferry::widgets {

class SqlHighlighter : public QSyntaxHighlighter {
  Q_OBJECT
public:
  explicit SqlHighlighter(QTextDocument* document);

protected:
  void highlightBlock(const QString& text) override;

private:
  /// Block state: 0 normal, 1 inside /* */, 2 inside '…', 3 inside "…", 4 inside `…`.
  enum State { Normal = 0, InComment = 1, InString = 2, InDoubleQuoted = 3, InBackQuoted = 4 };

  QRegularExpression m_keywords;
  QRegularExpression m_number;
  QTextCharFormat m_keywordFormat;
  QTextCharFormat m_stringFormat;
  QTextCharFormat m_identifierFormat;
  QTextCharFormat m_numberFormat;
  QTextCharFormat m_commentFormat;
};

}  // namespace ferry::widgets
