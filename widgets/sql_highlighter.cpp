#include "widgets/sql_highlighter.h"

#include <QStringList>

namespace ferry::widgets {

namespace {

// Keywords of PostgreSQL and MySQL DDL/DML that appear in definitions shown by the workbench.
const char* const kKeywords[] = {
    "add", "after", "all", "alter", "and", "as", "asc", "before", "begin", "between", "by", "call", "cascade",
    "case", "check", "collate", "column", "commit", "constraint", "create", "cross", "current_timestamp",
    "declare", "default", "deferrable", "definer", "delete", "desc", "deterministic", "distinct", "do", "drop",
    "each", "else", "elsif", "end", "exists", "execute", "for", "foreign", "from", "full", "function", "grant",
    "group", "having", "if", "in", "index", "inner", "insert", "into", "is", "join", "key", "language", "left",
    "like", "limit", "loop", "materialized", "modify", "new", "not", "null", "of", "offset", "old", "on", "or", "order",
    "outer", "partition", "perform", "primary", "procedure", "raise", "references", "replace", "restrict",
    "return", "returns", "right", "row", "rollback", "security", "select", "sequence", "set", "signal", "table",
    "then", "to", "trigger", "truncate", "type", "union", "unique", "update", "using", "values", "view", "when", "where",
    "while", "with", "window",
    // type names read better highlighted too
    "bigint", "boolean", "char", "date", "decimal", "double", "enum", "int", "integer", "interval", "json",
    "jsonb", "numeric", "real", "serial", "smallint", "text", "time", "timestamp", "tinyint", "uuid", "varchar"};

}  // namespace

SqlHighlighter::SqlHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {
  QStringList words;
  for (const char* k : kKeywords) words << QString::fromLatin1(k);
  m_keywords = QRegularExpression(QStringLiteral("\\b(?:%1)\\b").arg(words.join(QLatin1Char('|'))),
                                  QRegularExpression::CaseInsensitiveOption);
  m_number = QRegularExpression(QStringLiteral("\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b"));

  m_keywordFormat.setForeground(QColor(0x1f, 0x4e, 0xa8));
  m_keywordFormat.setFontWeight(QFont::Bold);
  m_stringFormat.setForeground(QColor(0xb0, 0x3a, 0x2e));
  m_identifierFormat.setForeground(QColor(0x7a, 0x3e, 0x9d));
  m_numberFormat.setForeground(QColor(0x0b, 0x7a, 0x75));
  m_commentFormat.setForeground(QColor(0x6a, 0x73, 0x7d));
  m_commentFormat.setFontItalic(true);
}

void SqlHighlighter::highlightBlock(const QString& text) {
  // Pass 1: keywords and numbers everywhere; pass 2 (below) paints strings,
  // identifiers and comments over them, which is what makes "select" inside a
  // string or a comment lose its keyword colour.
  for (auto it = m_keywords.globalMatch(text); it.hasNext();) {
    const auto m = it.next();
    setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), m_keywordFormat);
  }
  for (auto it = m_number.globalMatch(text); it.hasNext();) {
    const auto m = it.next();
    setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), m_numberFormat);
  }

  const int n = static_cast<int>(text.size());
  int state = previousBlockState() < 0 ? Normal : previousBlockState();
  int start = 0;
  int i = 0;
  auto closeQuoted = [&](QChar quote, const QTextCharFormat& format) {
    // Doubled quotes ('' "" ``) are escapes inside the literal; a backslash escapes in MySQL strings.
    while (i < n) {
      if (text[i] == QLatin1Char('\\') && quote == QLatin1Char('\'')) {
        i += 2;
        continue;
      }
      if (text[i] == quote) {
        if (i + 1 < n && text[i + 1] == quote) {
          i += 2;
          continue;
        }
        ++i;
        setFormat(start, i - start, format);
        state = Normal;
        return;
      }
      ++i;
    }
    setFormat(start, n - start, format);  // continues on the next line
  };

  while (i < n || state != Normal) {
    if (state == InComment) {
      const int end = static_cast<int>(text.indexOf(QStringLiteral("*/"), i));
      if (end < 0) {
        setFormat(start, n - start, m_commentFormat);
        break;
      }
      i = end + 2;
      setFormat(start, i - start, m_commentFormat);
      state = Normal;
      continue;
    }
    if (state == InString || state == InDoubleQuoted || state == InBackQuoted) {
      const QChar q = state == InString ? QLatin1Char('\'') : state == InDoubleQuoted ? QLatin1Char('"') : QLatin1Char('`');
      closeQuoted(q, state == InString ? m_stringFormat : m_identifierFormat);
      if (state != Normal) break;
      continue;
    }
    if (i >= n) break;
    const QChar c = text[i];
    if (c == QLatin1Char('-') && i + 1 < n && text[i + 1] == QLatin1Char('-')) {
      setFormat(i, n - i, m_commentFormat);
      break;
    }
    if (c == QLatin1Char('#') && (i == 0 || text[i - 1].isSpace())) {  // MySQL comment
      setFormat(i, n - i, m_commentFormat);
      break;
    }
    start = i;
    if (c == QLatin1Char('/') && i + 1 < n && text[i + 1] == QLatin1Char('*')) {
      state = InComment;
      i += 2;
      continue;
    }
    if (c == QLatin1Char('\'')) { state = InString; ++i; continue; }
    if (c == QLatin1Char('"')) { state = InDoubleQuoted; ++i; continue; }
    if (c == QLatin1Char('`')) { state = InBackQuoted; ++i; continue; }
    ++i;
  }
  setCurrentBlockState(state);
}

}  // namespace ferry::widgets
