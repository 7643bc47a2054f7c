#include "app/assessment/override_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/assessment/assessment_evaluation.h"
#include "typemap/mapping_options.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

OverrideEditor::OverrideEditor(QWidget* parent) : QGroupBox(tr("Override"), parent) {
  setObjectName(QStringLiteral("overrideEditor"));
  // Three columns side by side under the mapping table: what the column is,
  // what to change, and why Ferry chose what it chose.
  auto* layout = new QHBoxLayout(this);
  layout->setSpacing(16);
  auto* about = new QVBoxLayout;
  m_title = new QLabel;
  m_title->setObjectName(QStringLiteral("overrideTitle"));
  m_title->setWordWrap(true);
  m_title->setTextFormat(Qt::RichText);
  m_facts = new QLabel;
  m_facts->setWordWrap(true);
  m_facts->setTextFormat(Qt::RichText);
  about->addWidget(m_title);
  about->addWidget(m_facts);
  about->addStretch(1);
  layout->addLayout(about, 3);

  auto* change = new QVBoxLayout;
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_targetType = new QComboBox;
  m_targetType->setObjectName(QStringLiteral("overrideTargetType"));
  m_targetType->setEditable(true);
  m_targetType->setInsertPolicy(QComboBox::NoInsert);
  m_targetType->setMinimumContentsLength(22);
  m_targetType->lineEdit()->setPlaceholderText(tr("keep Ferry's type"));
  form->addRow(tr("Target type:"), m_targetType);
  change->addLayout(form);

  m_optionsBox = new QWidget;
  m_optionsForm = new QFormLayout(m_optionsBox);
  m_optionsForm->setContentsMargins(0, 0, 0, 0);
  m_optionsForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  for (const QString& key : optionKeys()) {
    auto* box = new QComboBox;
    box->setObjectName(QStringLiteral("option_") + key);
    m_options.insert(key, box);
    m_optionsForm->addRow(key + QLatin1Char(':'), box);
  }
  change->addWidget(m_optionsBox);
  m_noOptions = new QLabel(tr("No mapping option applies to this source type."));
  m_noOptions->setWordWrap(true);
  m_noOptions->setEnabled(false);
  change->addWidget(m_noOptions);

  auto* buttons = new QHBoxLayout;
  m_apply = new QPushButton(tr("Apply override"));
  m_apply->setObjectName(QStringLiteral("applyOverride"));
  m_apply->setDefault(true);
  m_clear = new QPushButton(tr("Clear override"));
  m_clear->setObjectName(QStringLiteral("clearOverride"));
  buttons->addWidget(m_apply);
  buttons->addWidget(m_clear);
  buttons->addStretch(1);
  change->addLayout(buttons);
  change->addStretch(1);
  layout->addLayout(change, 3);

  m_findings = new QLabel;
  m_findings->setObjectName(QStringLiteral("overrideFindings"));
  m_findings->setWordWrap(true);
  m_findings->setTextFormat(Qt::RichText);
  m_findings->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  m_findings->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_findings, 4);

  connect(m_apply, &QPushButton::clicked, this, [this] { emit applyRequested(currentOverride()); });
  connect(m_clear, &QPushButton::clicked, this, [this] { emit clearRequested(m_schema, m_table, m_column); });
  connect(m_targetType->lineEdit(), &QLineEdit::returnPressed, m_apply, &QPushButton::click);
  clearColumn();
}

QStringList OverrideEditor::typeSuggestions(model::Engine target) {
  if (target == model::Engine::PostgreSQL)
    return {QStringLiteral("boolean"), QStringLiteral("smallint"), QStringLiteral("integer"), QStringLiteral("bigint"),
            QStringLiteral("numeric(20,0)"), QStringLiteral("text"), QStringLiteral("varchar(255)"), QStringLiteral("jsonb"),
            QStringLiteral("json"), QStringLiteral("date"), QStringLiteral("timestamp(6) without time zone"),
            QStringLiteral("timestamp(6) with time zone"), QStringLiteral("interval"), QStringLiteral("bytea")};
  return {QStringLiteral("TINYINT(1)"), QStringLiteral("SMALLINT"), QStringLiteral("INT"), QStringLiteral("BIGINT"),
          QStringLiteral("DECIMAL(20,0)"), QStringLiteral("VARCHAR(255)"), QStringLiteral("LONGTEXT"), QStringLiteral("JSON"),
          QStringLiteral("DATE"), QStringLiteral("DATETIME(6)"), QStringLiteral("TIME(6)"), QStringLiteral("LONGBLOB")};
}

const QStringList& OverrideEditor::optionKeys() {
  // The options with a few named values (typemap::optionInfos); text and number options stay project-wide.
  static const QStringList keys = [] {
    QStringList out;
    for (const auto& info : typemap::optionInfos())
      if (info.kind == typemap::OptionKind::Choice) out << q(info.key);
    return out;
  }();
  return keys;
}

QStringList OverrideEditor::optionValues(const QString& key) {
  QStringList out;
  if (const auto* info = typemap::findOptionInfo(key.toStdString()))
    for (const auto& v : info->values) out << q(v);
  return out;
}

void OverrideEditor::setColumn(const assess::ColumnAssessment& column, const plan::ColumnOverride* current,
                               const nlohmann::json& defaults, const QStringList& optionKeys, model::Engine targetEngine) {
  m_schema = q(column.schema);
  m_table = q(column.table);
  m_column = q(column.column);
  const auto level = levelOf(column.mapping.severity);
  m_title->setText(QStringLiteral("<b>%1.%2.%3</b>").arg(m_schema.toHtmlEscaped(), m_table.toHtmlEscaped(), m_column.toHtmlEscaped()));
  const QString ferryType = q(column.overridden() ? column.ferryTargetType : column.mapping.targetType);
  m_facts->setText(tr("Source type: <code>%1</code><br>Ferry's choice: <code>%2</code><br>Now: <code>%3</code> — "
                      "<span style='color:%4'><b>%5</b></span>%6")
                       .arg(q(column.sourceType).toHtmlEscaped(), ferryType.toHtmlEscaped(),
                            q(column.mapping.targetType).toHtmlEscaped(), widgets::SeverityIcon::color(level).name(),
                            QLatin1String(typemap::severityName(column.mapping.severity)),
                            column.overridden() ? tr("<br><span style='color:#1f5fb4'>✎ overridden (%1)</span>")
                                                      .arg(q(column.overrideSource).toHtmlEscaped())
                                                : QString()));

  m_targetType->clear();
  m_targetType->addItems(typeSuggestions(targetEngine));
  m_targetType->setCurrentIndex(-1);
  m_targetType->setEditText(current ? q(current->targetType) : QString());

  int shown = 0;
  for (auto it = m_options.begin(); it != m_options.end(); ++it) {
    const QString& key = it.key();
    QComboBox* box = it.value();
    const bool relevant = optionKeys.contains(key);
    m_optionsForm->setRowVisible(box, relevant);
    if (!relevant) continue;
    ++shown;
    box->clear();
    const std::string k = key.toStdString();
    const QString def = defaults.contains(k) && defaults.at(k).is_string() ? q(defaults.at(k).get<std::string>()) : QString();
    box->addItem(tr("project default (%1)").arg(def), QString());
    for (const QString& v : optionValues(key)) box->addItem(v, v);
    if (current && current->options.contains(k) && current->options.at(k).is_string()) {
      const int i = box->findData(q(current->options.at(k).get<std::string>()));
      box->setCurrentIndex(i < 0 ? 0 : i);
    }
  }
  m_noOptions->setVisible(shown == 0);

  QString findings;
  for (const auto& f : column.mapping.findings) {
    findings += QStringLiteral("<p><span style='color:%1'><b>%2</b></span> %3<br><i>%4</i></p>")
                    .arg(widgets::SeverityIcon::color(levelOf(f.severity)).name(), q(f.code).toHtmlEscaped(),
                         q(f.message).toHtmlEscaped(), q(f.action).toHtmlEscaped());
  }
  m_findings->setText(findings.isEmpty() ? tr("<p>Maps exactly: every value round-trips.</p>") : findings);
  m_clear->setEnabled(current != nullptr);
  for (QWidget* w : std::initializer_list<QWidget*>{m_targetType, m_optionsBox, m_apply}) w->setEnabled(true);
}

void OverrideEditor::clearColumn() {
  m_schema.clear();
  m_table.clear();
  m_column.clear();
  m_title->setText(tr("<b>No column selected</b>"));
  m_facts->setText(tr("Select a column in the mapping table (or double-click its target type) to choose another "
                      "target type or per-column mapping options. Overrides are saved in the project."));
  m_targetType->clear();
  for (QComboBox* box : std::as_const(m_options)) m_optionsForm->setRowVisible(box, false);
  m_noOptions->setVisible(false);
  m_findings->clear();
  for (QWidget* w : std::initializer_list<QWidget*>{m_targetType, m_optionsBox, m_apply, m_clear}) w->setEnabled(false);
}

void OverrideEditor::focusTargetType() {
  m_targetType->setFocus(Qt::OtherFocusReason);
  m_targetType->lineEdit()->selectAll();
}

plan::ColumnOverride OverrideEditor::currentOverride() const {
  plan::ColumnOverride o;
  o.schema = m_schema.toStdString();
  o.table = m_table.toStdString();
  o.column = m_column.toStdString();
  o.targetType = m_targetType->currentText().trimmed().toStdString();
  for (auto it = m_options.begin(); it != m_options.end(); ++it) {
    const QString value = it.value()->currentData().toString();
    if (m_optionsForm->isRowVisible(it.value()) && !value.isEmpty()) o.options[it.key().toStdString()] = value.toStdString();
  }
  return o;
}

}  // namespace ferry::app
