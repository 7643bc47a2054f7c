#include "app/assessment/mapping_options_editor.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "typemap/mapping_options.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

/// A project file value as the text a field shows ("boolean", "true", "255").
QString textOf(const nlohmann::json& v) {
  if (v.is_string()) return q(v.get<std::string>());
  return q(v.dump());
}

nlohmann::json defaultOf(const typemap::OptionInfo& info) {
  switch (info.kind) {
    case typemap::OptionKind::Boolean: return info.defaultValue == "true";
    case typemap::OptionKind::Integer: return std::stoi(info.defaultValue);
    case typemap::OptionKind::Choice:
    case typemap::OptionKind::Text: break;
  }
  return info.defaultValue;
}

const char* pairTitle(typemap::OptionPair pair) {
  return pair == typemap::OptionPair::MySqlToPostgres ? "MySQL/MariaDB → PostgreSQL" : "PostgreSQL → MySQL/MariaDB";
}

// Widths that fit the longest key ("unsigned_bigint_identity_as") and value ("numeric_sequence") in DejaVu Sans 9.
constexpr int kNameWidth = 225;
constexpr int kFieldWidth = 180;
constexpr int kStateWidth = 150;

}  // namespace

MappingOptionsEditor::MappingOptionsEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("mappingOptionsEditor"));
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea;
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* body = new QWidget;
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(10, 8, 10, 8);
  layout->setSpacing(10);
  m_intro = new QLabel;
  m_intro->setWordWrap(true);
  m_intro->setObjectName(QStringLiteral("optionsIntro"));
  layout->addWidget(m_intro);
  m_error = new QLabel;
  m_error->setObjectName(QStringLiteral("optionsError"));
  m_error->setWordWrap(true);
  m_error->setTextFormat(Qt::RichText);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;")
                             .arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name()));
  m_error->hide();
  layout->addWidget(m_error);
  m_sections = new QVBoxLayout;
  m_sections->setSpacing(14);
  layout->addLayout(m_sections);
  layout->addStretch(1);
  scroll->setWidget(body);
  outer->addWidget(scroll);
  buildRows();
  setEngines(m_source, m_target);
}

QWidget* MappingOptionsEditor::section(int pair) {
  if (m_sectionWidgets[pair]) return m_sectionWidgets[pair];
  auto* w = new QWidget;
  auto* v = new QVBoxLayout(w);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(6);
  auto* title = new QLabel;
  title->setTextFormat(Qt::RichText);
  v->addWidget(title);
  auto* line = new QFrame;
  line->setFrameShape(QFrame::HLine);
  line->setFrameShadow(QFrame::Sunken);
  v->addWidget(line);
  auto* grid = new QGridLayout;
  grid->setHorizontalSpacing(12);
  grid->setVerticalSpacing(8);
  grid->setColumnStretch(4, 1);
  v->addLayout(grid);
  m_sectionWidgets[pair] = w;
  m_sectionTitles[pair] = title;
  m_sections->addWidget(w);
  return w;
}

void MappingOptionsEditor::buildRows() {
  for (const auto& info : typemap::optionInfos()) {
    const int pair = static_cast<int>(info.pair);
    auto* grid = qobject_cast<QGridLayout*>(section(pair)->layout()->itemAt(2)->layout());
    auto row = std::make_unique<Row>();
    Row* r = row.get();
    r->key = q(info.key);
    r->defaultValue = defaultOf(info);
    r->value = r->defaultValue;
    r->name = new QLabel(QStringLiteral("<span style='font-family:monospace'><b>%1</b></span><br>%2")
                             .arg(r->key, q(info.subject).toHtmlEscaped()));
    r->name->setTextFormat(Qt::RichText);
    r->name->setFixedWidth(kNameWidth);
    r->name->setWordWrap(true);
    switch (info.kind) {
      case typemap::OptionKind::Choice:
      case typemap::OptionKind::Boolean:
        r->combo = new QComboBox;
        for (const auto& v : info.values)
          r->combo->addItem(v == info.defaultValue ? tr("%1 (default)").arg(q(v)) : q(v), q(v));
        r->field = r->combo;
        connect(r->combo, &QComboBox::activated, this, [this, r] {
          const QString v = r->combo->currentData().toString();
          const auto* i = typemap::findOptionInfo(r->key.toStdString());
          emitEdit(*r, i->kind == typemap::OptionKind::Boolean ? nlohmann::json(v == QLatin1String("true"))
                                                               : nlohmann::json(v.toStdString()));
        });
        break;
      case typemap::OptionKind::Text:
        r->line = new QLineEdit;
        r->line->setPlaceholderText(q(info.defaultValue));
        r->field = r->line;
        connect(r->line, &QLineEdit::editingFinished, this, [this, r] {
          const std::string text = r->line->text().trimmed().toStdString();
          if (nlohmann::json(text) != r->value || m_errors.contains(r->key)) emitEdit(*r, text);
        });
        break;
      case typemap::OptionKind::Integer:
        r->spin = new QSpinBox;
        r->spin->setRange(info.minimum, info.maximum);
        r->spin->setKeyboardTracking(false);  // one edit per committed number, not per keystroke
        r->field = r->spin;
        connect(r->spin, &QSpinBox::valueChanged, this, [this, r](int v) { emitEdit(*r, v); });
        break;
    }
    r->field->setObjectName(QStringLiteral("mappingOption_") + r->key);
    r->field->setFixedWidth(kFieldWidth);
    r->reset = new QToolButton;
    r->reset->setText(tr("Reset"));
    r->reset->setToolTip(tr("Back to the default, %1").arg(q(info.defaultValue)));
    r->reset->setAutoRaise(true);
    connect(r->reset, &QToolButton::clicked, this, [this, r] { emitEdit(*r, r->defaultValue); });
    r->state = new QLabel;
    r->state->setFixedWidth(kStateWidth);
    r->state->setTextFormat(Qt::RichText);
    r->usage = new QLabel;
    r->description = new QLabel;
    QString text = q(info.description).toHtmlEscaped();
    if (!info.dependsOnKey.empty())
      text += tr(" <i>Used when %1 is %2.</i>").arg(q(info.dependsOnKey), q(info.dependsOnValue));
    r->description->setText(text);
    r->description->setTextFormat(Qt::RichText);
    r->description->setWordWrap(true);
    r->description->setMinimumWidth(260);
    auto* stateBox = new QVBoxLayout;
    stateBox->setSpacing(0);
    stateBox->addWidget(r->state);
    stateBox->addWidget(r->usage);
    const int line = grid->rowCount();
    grid->addWidget(r->name, line, 0, Qt::AlignTop);
    grid->addWidget(r->field, line, 1, Qt::AlignTop);
    grid->addWidget(r->reset, line, 2, Qt::AlignTop);
    grid->addLayout(stateBox, line, 3, Qt::AlignTop);
    grid->addWidget(r->description, line, 4, Qt::AlignTop);
    m_rows.insert(r->key, r);
    showValue(*r);
    m_rowStore.push_back(std::move(row));
  }
}

void MappingOptionsEditor::setEngines(model::Engine source, model::Engine target) {
  m_source = source;
  m_target = target;
  updateEmphasis();
}

void MappingOptionsEditor::updateEmphasis() {
  const QString pair = QStringLiteral("%1 → %2").arg(QLatin1String(model::engineDisplayName(m_source)),
                                                    QLatin1String(model::engineDisplayName(m_target)));
  const QColor dim = palette().color(QPalette::Disabled, QPalette::WindowText);
  int used = -1;
  for (int p = 0; p < 2; ++p) {
    const auto optionPair = static_cast<typemap::OptionPair>(p);
    bool applies = false;
    for (const auto& info : typemap::optionInfos())
      if (info.pair == optionPair) applies = info.appliesTo(m_source, m_target);
    if (applies) used = p;
    m_sectionTitles[p]->setText(applies ? tr("<b>%1</b> — used by this migration").arg(QString::fromUtf8(pairTitle(optionPair)))
                                        : tr("<span style='color:%1'><b>%2</b> — not used by %3</span>")
                                              .arg(dim.name(), QString::fromUtf8(pairTitle(optionPair)), pair));
    for (Row* r : std::as_const(m_rows)) {
      if (typemap::findOptionInfo(r->key.toStdString())->pair != optionPair) continue;
      const QString style = applies ? QString() : QStringLiteral("color: %1;").arg(dim.name());
      for (QLabel* l : {r->name, r->description, r->usage}) l->setStyleSheet(style);
    }
  }
  // The pair in use first; the other stays below, editable (a project may serve both directions).
  if (used == 1) {
    m_sections->removeWidget(m_sectionWidgets[1]);
    m_sections->insertWidget(0, m_sectionWidgets[1]);
  } else {
    m_sections->removeWidget(m_sectionWidgets[0]);
    m_sections->insertWidget(0, m_sectionWidgets[0]);
  }
  m_intro->setText(used < 0 ? tr("%1 maps types one to one: no option below changes this migration. They are kept "
                                 "in the project for the other directions.").arg(pair)
                            : tr("Project-wide choices for types that have more than one reasonable target. A change "
                                 "re-maps every column at once; a column or type-pattern override can still choose "
                                 "differently for some columns."));
}

void MappingOptionsEditor::showValue(Row& r) {
  const bool wasFilling = m_filling;
  m_filling = true;
  const QString text = textOf(r.value);
  if (r.combo) {
    int i = r.combo->findData(text);
    if (i < 0) {
      r.combo->addItem(tr("%1 (not accepted)").arg(text), text);
      i = r.combo->count() - 1;
    }
    r.combo->setCurrentIndex(i);
  } else if (r.line) {
    r.line->setText(text);
  } else if (r.spin) {
    r.spin->setValue(r.value.is_number_integer() ? r.value.get<int>() : r.defaultValue.get<int>());
  }
  const bool changed = r.value != r.defaultValue;
  r.state->setText(changed ? tr("<span style='color:#1f5fb4'><b>set in the project</b></span>")
                           : tr("<span style='color:gray'>default</span>"));
  r.reset->setVisible(changed);
  m_filling = wasFilling;
}

void MappingOptionsEditor::emitEdit(Row& r, const nlohmann::json& value) {
  if (m_filling) return;
  emit optionEdited(r.key, value);
}

void MappingOptionsEditor::setOptions(const nlohmann::json& projectOptions) {
  m_errors.clear();
  m_error->hide();
  for (Row* r : std::as_const(m_rows)) {
    const std::string k = r->key.toStdString();
    r->value = projectOptions.is_object() && projectOptions.contains(k) ? projectOptions.at(k) : r->defaultValue;
    if (r->line) r->line->setPalette(QPalette());
    showValue(*r);
  }
}

void MappingOptionsEditor::setUsage(const QHash<QString, int>& columnsPerKey) {
  for (Row* r : std::as_const(m_rows)) {
    const int n = columnsPerKey.value(r->key);
    r->usage->setText(n == 0 ? QString() : n == 1 ? tr("shapes 1 column") : tr("shapes %L1 columns").arg(n));
  }
}

void MappingOptionsEditor::showError(const QString& key, const QString& message) {
  m_errors.insert(key, message);
  QStringList lines;
  for (const QString& m : std::as_const(m_errors)) lines << m.toHtmlEscaped();
  m_error->setText(lines.join(QStringLiteral("<br>")));
  m_error->show();
  if (Row* r = m_rows.value(key)) {
    r->state->setText(tr("<span style='color:%1'><b>not applied</b></span>")
                          .arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name()));
    if (r->line) {
      QPalette p = r->line->palette();
      p.setColor(QPalette::Base, QColor(0xfd, 0xe2, 0xe2));
      r->line->setPalette(p);
    }
  }
}

QString MappingOptionsEditor::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

QWidget* MappingOptionsEditor::field(const QString& key) const {
  const Row* r = m_rows.value(key);
  return r ? r->field : nullptr;
}

int MappingOptionsEditor::changedCount() const {
  int n = 0;
  for (const Row* r : m_rows) n += r->value != r->defaultValue ? 1 : 0;
  return n;
}

}  // namespace ferry::app
