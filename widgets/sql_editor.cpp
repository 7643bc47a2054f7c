#include "widgets/sql_editor.h"

#include <QFontDatabase>
#include <QPaintEvent>
#include <QPainter>
#include <QTextBlock>

#ifdef FERRY_HAVE_KF6_SYNTAX
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#else
#include "widgets/sql_highlighter.h"
#endif

namespace ferry::widgets {

class LineNumberGutter : public QWidget {
public:
  explicit LineNumberGutter(SqlEditor* editor) : QWidget(editor), m_editor(editor) {}
  QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
  void paintEvent(QPaintEvent* event) override { m_editor->paintGutter(event); }

private:
  SqlEditor* m_editor;
};

namespace {

QSyntaxHighlighter* makeHighlighter(QTextDocument* doc) {
#ifdef FERRY_HAVE_KF6_SYNTAX
  static KSyntaxHighlighting::Repository repository;
  auto* h = new KSyntaxHighlighting::SyntaxHighlighter(doc);
  h->setTheme(repository.defaultTheme(KSyntaxHighlighting::Repository::LightTheme));
  h->setDefinition(repository.definitionForName(QStringLiteral("SQL")));
  return h;
#else
  return new SqlHighlighter(doc);
#endif
}

}  // namespace

SqlEditor::SqlEditor(QWidget* parent) : QPlainTextEdit(parent) {
  QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  mono.setStyleHint(QFont::Monospace);
  setFont(mono);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);
  m_highlighter = makeHighlighter(document());
  m_gutter = new LineNumberGutter(this);
  connect(this, &QPlainTextEdit::blockCountChanged, this, &SqlEditor::updateGutterWidth);
  connect(this, &QPlainTextEdit::updateRequest, this, &SqlEditor::updateGutter);
  updateGutterWidth();
}

SqlEditor::~SqlEditor() = default;

QString SqlEditor::highlighterName() {
#ifdef FERRY_HAVE_KF6_SYNTAX
  return QStringLiteral("KSyntaxHighlighting");
#else
  return QStringLiteral("built-in");
#endif
}

void SqlEditor::setLineNumbersVisible(bool visible) {
  m_lineNumbers = visible;
  m_gutter->setVisible(visible);
  updateGutterWidth();
}

int SqlEditor::gutterWidth() const {
  if (!m_lineNumbers) return 0;
  int digits = 1;
  for (int max = qMax(1, blockCount()); max >= 10; max /= 10) ++digits;
  return 10 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * qMax(2, digits);
}

void SqlEditor::updateGutterWidth() { setViewportMargins(gutterWidth(), 0, 0, 0); }

void SqlEditor::updateGutter(const QRect& rect, int dy) {
  if (dy != 0) {
    m_gutter->scroll(0, dy);
  } else {
    m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
  }
  if (rect.contains(viewport()->rect())) updateGutterWidth();
}

void SqlEditor::resizeEvent(QResizeEvent* event) {
  QPlainTextEdit::resizeEvent(event);
  const QRect cr = contentsRect();
  m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
}

void SqlEditor::paintGutter(QPaintEvent* event) {
  QPainter p(m_gutter);
  p.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
  p.setPen(palette().color(QPalette::PlaceholderText));
  p.setFont(font());
  QTextBlock block = firstVisibleBlock();
  int number = block.blockNumber();
  int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
  int bottom = top + qRound(blockBoundingRect(block).height());
  const int h = fontMetrics().height();
  while (block.isValid() && top <= event->rect().bottom()) {
    if (block.isVisible() && bottom >= event->rect().top()) {
      p.drawText(0, top, m_gutter->width() - 5, h, Qt::AlignRight, QString::number(number + 1));
    }
    block = block.next();
    top = bottom;
    bottom = top + qRound(blockBoundingRect(block).height());
    ++number;
  }
}

}  // namespace ferry::widgets
