#include "app/assessment/type_overrides_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/assessment/override_editor.h"
#include "core/text.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

enum ListColumn { ColOrder, ColPattern, ColTarget, ColOptions, ColColumns, ColCount };

QString optionsText(const nlohmann::json& options) {
  QStringList parts;
  if (options.is_object())
    for (auto it = options.begin(); it != options.end(); ++it)
      parts << q(it.key()) + QLatin1Char('=') + (it->is_string() ? q(it->get<std::string>()) : q(it->dump()));
  return parts.join(QStringLiteral(", "));
}

QTableWidgetItem* cell(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  item->setToolTip(text);
  return item;
}

}  // namespace

TypeOverridesEditor::TypeOverridesEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("typeOverridesEditor"));
  auto* outer = new QHBoxLayout(this);
  outer->setContentsMargins(10, 8, 10, 8);
  auto* split = new QSplitter(Qt::Horizontal);
  split->setChildrenCollapsible(false);
  outer->addWidget(split);
  auto* left = new QWidget;
  auto* layout = new QVBoxLayout(left);
  layout->setContentsMargins(0, 0, 6, 0);
  auto* intro = new QLabel(tr("Every column whose <b>declared source type</b> matches a pattern gets another target "
                              "type and/or mapping options. Patterns are globs, case-insensitive: <code>tinyint(1)</code>, "
                              "<code>varchar(*)</code>, <code>decimal(*,0)</code>. The first matching pattern wins; a "
                              "column override wins over every pattern."));
  intro->setWordWrap(true);
  layout->addWidget(intro);

  auto* listRow = new QHBoxLayout;
  m_list = new QTableWidget(0, ColCount);
  m_list->setObjectName(QStringLiteral("typeOverrideList"));
  m_list->setHorizontalHeaderLabels({tr("#"), tr("Pattern"), tr("Target type"), tr("Options"), tr("Columns")});
  m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_list->setSelectionMode(QAbstractItemView::SingleSelection);
  m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_list->setAlternatingRowColors(true);
  m_list->verticalHeader()->hide();
  m_list->verticalHeader()->setDefaultSectionSize(22);
  auto* header = m_list->horizontalHeader();
  // The options take what is left; the count stays readable at the right edge.
  const int widths[] = {30, 150, 170, 120, 70};
  for (int i = 0; i < ColCount; ++i) header->resizeSection(i, widths[i]);
  header->setSectionResizeMode(ColOptions, QHeaderView::Stretch);
  listRow->addWidget(m_list, 1);
  auto* side = new QVBoxLayout;
  m_up = new QPushButton(tr("Move up"));
  m_up->setObjectName(QStringLiteral("typeOverrideUp"));
  m_down = new QPushButton(tr("Move down"));
  m_down->setObjectName(QStringLiteral("typeOverrideDown"));
  m_remove = new QPushButton(tr("Remove"));
  m_remove->setObjectName(QStringLiteral("typeOverrideRemove"));
  for (auto* b : {m_up, m_down, m_remove}) side->addWidget(b);
  side->addStretch(1);
  listRow->addLayout(side);
  layout->addLayout(listRow, 1);

  auto* box = new QGroupBox(tr("Pattern"));
  m_form = new QFormLayout(box);
  m_form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  m_pattern = new QLineEdit;
  m_pattern->setObjectName(QStringLiteral("typeOverridePattern"));
  m_pattern->setPlaceholderText(tr("e.g. tinyint(1)"));
  m_preview = new QLabel;
  m_preview->setObjectName(QStringLiteral("typeOverridePreview"));
  m_preview->setWordWrap(true);
  m_preview->setMinimumWidth(380);
  m_form->addRow(tr("Source type pattern:"), m_pattern);
  m_form->addRow(QString(), m_preview);
  m_targetType = new QComboBox;
  m_targetType->setObjectName(QStringLiteral("typeOverrideTarget"));
  m_targetType->setEditable(true);
  m_targetType->setInsertPolicy(QComboBox::NoInsert);
  m_targetType->setMinimumWidth(280);
  m_pattern->setMinimumWidth(280);
  m_form->addRow(tr("Target type:"), m_targetType);
  for (const QString& key : OverrideEditor::optionKeys()) {
    auto* combo = new QComboBox;
    combo->setObjectName(QStringLiteral("typeOverrideOption_") + key);
    combo->addItem(tr("project default"), QString());
    for (const QString& v : OverrideEditor::optionValues(key)) combo->addItem(v, v);
    combo->setMinimumContentsLength(16);
    m_options.insert(key, combo);
    m_form->addRow(key + QLatin1Char(':'), combo);
    m_form->setRowVisible(combo, false);
  }
  m_noOptions = new QLabel(tr("No mapping option shapes the columns this pattern matches."));
  m_noOptions->setEnabled(false);
  m_form->addRow(tr("Options:"), m_noOptions);
  auto* buttons = new QHBoxLayout;
  m_add = new QPushButton(tr("Add pattern"));
  m_add->setObjectName(QStringLiteral("typeOverrideAdd"));
  m_update = new QPushButton(tr("Update selected"));
  m_update->setObjectName(QStringLiteral("typeOverrideUpdate"));
  m_new = new QPushButton(tr("Clear form"));
  for (auto* b : {m_add, m_update, m_new}) buttons->addWidget(b);
  buttons->addStretch(1);
  m_form->addRow(QString(), buttons);
  m_error = new QLabel;
  m_error->setObjectName(QStringLiteral("typeOverrideError"));
  m_error->setWordWrap(true);
  m_error->setStyleSheet(QStringLiteral("color: %1;").arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Unsupported).name()));
  m_error->hide();
  m_form->addRow(QString(), m_error);
  layout->addWidget(box);
  split->addWidget(left);

  // The catalog's declared types: what a pattern can match, and which pattern decides each now.
  auto* right = new QWidget;
  auto* r = new QVBoxLayout(right);
  r->setContentsMargins(6, 0, 0, 0);
  r->addWidget(new QLabel(tr("<b>Declared source types</b> — click one to use it as the pattern")));
  m_typeTable = new QTableWidget(0, 3);
  m_typeTable->setObjectName(QStringLiteral("typeOverrideTypes"));
  m_typeTable->setHorizontalHeaderLabels({tr("Source type"), tr("Columns"), tr("Decided by")});
  m_typeTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_typeTable->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_typeTable->setSelectionMode(QAbstractItemView::SingleSelection);
  m_typeTable->setAlternatingRowColors(true);
  m_typeTable->setWordWrap(false);
  m_typeTable->verticalHeader()->hide();
  m_typeTable->verticalHeader()->setDefaultSectionSize(22);
  m_typeTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  m_typeTable->horizontalHeader()->resizeSection(1, 65);
  m_typeTable->horizontalHeader()->resizeSection(2, 140);
  r->addWidget(m_typeTable, 1);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  connect(m_typeTable, &QTableWidget::itemClicked, this, [this](QTableWidgetItem* item) {
    m_pattern->setText(m_typeTable->item(item->row(), 0)->text());
  });

  connect(m_list, &QTableWidget::itemSelectionChanged, this, [this] {
    loadSelected();
    updateButtons();
  });
  connect(m_pattern, &QLineEdit::textChanged, this, [this] {
    updatePreview();
    updateButtons();
  });
  connect(m_pattern, &QLineEdit::returnPressed, this, [this] { (m_update->isEnabled() ? m_update : m_add)->click(); });
  connect(m_add, &QPushButton::clicked, this, [this] {
    auto o = formOverride();
    if (!o) return;
    auto list = m_overrides;
    list.push_back(*o);
    edit(std::move(list), static_cast<int>(m_overrides.size()));
  });
  connect(m_update, &QPushButton::clicked, this, [this] {
    const int row = m_list->currentRow();
    auto o = formOverride();
    if (!o || row < 0) return;
    auto list = m_overrides;
    list[static_cast<size_t>(row)] = *o;
    edit(std::move(list), row);
  });
  connect(m_new, &QPushButton::clicked, this, [this] {
    m_list->clearSelection();
    m_list->setCurrentItem(nullptr);
    m_pattern->clear();
    m_targetType->setEditText(QString());
    for (QComboBox* c : std::as_const(m_options)) c->setCurrentIndex(0);
    updatePreview();
    updateButtons();
    m_error->hide();
    m_pattern->setFocus();
  });
  connect(m_remove, &QPushButton::clicked, this, [this] {
    const int row = m_list->currentRow();
    if (row < 0) return;
    auto list = m_overrides;
    list.erase(list.begin() + row);
    edit(std::move(list), qMin(row, static_cast<int>(list.size()) - 1));
  });
  for (int delta : {-1, 1}) {
    connect(delta < 0 ? m_up : m_down, &QPushButton::clicked, this, [this, delta] {
      const int row = m_list->currentRow();
      const int to = row + delta;
      if (row < 0 || to < 0 || to >= static_cast<int>(m_overrides.size())) return;
      auto list = m_overrides;
      std::swap(list[static_cast<size_t>(row)], list[static_cast<size_t>(to)]);
      edit(std::move(list), to);
    });
  }
  setTargetEngine(model::Engine::PostgreSQL);
  updatePreview();
  updateButtons();
}

void TypeOverridesEditor::edit(std::vector<plan::TypeOverride> overrides, int select) {
  m_error->hide();
  m_pendingSelect = select;
  emit overridesEdited(overrides);
}

std::optional<plan::TypeOverride> TypeOverridesEditor::formOverride() {
  plan::TypeOverride o;
  o.pattern = m_pattern->text().trimmed().toStdString();
  o.targetType = m_targetType->currentText().trimmed().toStdString();
  for (auto it = m_options.begin(); it != m_options.end(); ++it) {
    const QString v = it.value()->currentData().toString();
    if (m_form->isRowVisible(it.value()) && !v.isEmpty()) o.options[it.key().toStdString()] = v.toStdString();
  }
  if (o.pattern.empty()) {
    showError(tr("Type a pattern over the declared source type, e.g. tinyint(1) or varchar(*)."));
    return std::nullopt;
  }
  if (o.targetType.empty() && o.options.empty()) {
    showError(tr("Choose a target type or at least one option for the columns the pattern matches."));
    return std::nullopt;
  }
  return o;
}

void TypeOverridesEditor::setOverrides(const std::vector<plan::TypeOverride>& overrides) {
  m_overrides = overrides;
  m_error->hide();
  fillList();
  fillTypes();
  if (m_pendingSelect >= 0 && m_pendingSelect < m_list->rowCount()) m_list->selectRow(m_pendingSelect);
  m_pendingSelect = -1;
  updateButtons();
}

void TypeOverridesEditor::setSourceTypes(const QList<SourceTypeUsage>& types) {
  m_types = types;
  updatePreview();
  fillTypes();
}

void TypeOverridesEditor::fillTypes() {
  const QSignalBlocker block(m_typeTable);
  m_typeTable->setRowCount(static_cast<int>(m_types.size()));
  for (int row = 0; row < m_typeTable->rowCount(); ++row) {
    const auto& t = m_types[row];
    QString decided;
    for (const auto& o : m_overrides) {
      if (core::globMatch(o.pattern, t.type.toStdString(), true)) {
        decided = q(o.pattern);  // the first matching pattern wins
        break;
      }
    }
    m_typeTable->setItem(row, 0, cell(t.type));
    auto* count = cell(QString::number(t.columns));
    count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_typeTable->setItem(row, 1, count);
    auto* by = cell(decided.isEmpty() ? tr("Ferry's mapping") : tr("pattern %1").arg(decided));
    if (decided.isEmpty()) by->setForeground(palette().color(QPalette::Disabled, QPalette::WindowText));
    m_typeTable->setItem(row, 2, by);
  }
}

void TypeOverridesEditor::setDecided(const QHash<QString, int>& columnsPerPattern, bool evaluated) {
  m_decided = columnsPerPattern;
  m_evaluated = evaluated;
  fillList();
}

void TypeOverridesEditor::setTargetEngine(model::Engine target) {
  const QString text = m_targetType->currentText();
  m_targetType->clear();
  m_targetType->addItems(OverrideEditor::typeSuggestions(target));
  m_targetType->setCurrentIndex(-1);
  m_targetType->setEditText(text);
  m_targetType->lineEdit()->setPlaceholderText(tr("keep Ferry's type"));
}

void TypeOverridesEditor::fillList() {
  const int current = m_list->currentRow();
  const QSignalBlocker block(m_list);
  m_list->setRowCount(static_cast<int>(m_overrides.size()));
  for (int row = 0; row < m_list->rowCount(); ++row) {
    const auto& o = m_overrides[static_cast<size_t>(row)];
    const QString pattern = q(o.pattern);
    int matched = 0;
    for (const auto& t : m_types)
      if (core::globMatch(o.pattern, t.type.toStdString(), true)) matched += t.columns;
    m_list->setItem(row, ColOrder, cell(QString::number(row + 1)));
    m_list->setItem(row, ColPattern, cell(pattern));
    m_list->setItem(row, ColTarget, cell(o.targetType.empty() ? tr("(Ferry's type)") : q(o.targetType)));
    const QString options = optionsText(o.options);
    auto* optionsItem = cell(options.isEmpty() ? tr("(project options)") : options);
    if (options.isEmpty()) optionsItem->setForeground(palette().color(QPalette::Disabled, QPalette::WindowText));
    m_list->setItem(row, ColOptions, optionsItem);
    auto* count = cell(m_evaluated ? QString::number(m_decided.value(pattern)) : QStringLiteral("–"));
    count->setToolTip(m_evaluated ? tr("%1 of the %2 columns whose type matches take this pattern (a column "
                                       "override or an earlier pattern takes the others)")
                                        .arg(m_decided.value(pattern))
                                        .arg(matched)
                                  : tr("Run the assessment to count the columns"));
    count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_list->setItem(row, ColColumns, count);
  }
  if (current >= 0 && current < m_list->rowCount()) m_list->selectRow(current);
}

void TypeOverridesEditor::loadSelected() {
  const int row = m_list->currentRow();
  if (row < 0 || row >= static_cast<int>(m_overrides.size()) || m_list->selectedItems().isEmpty()) return;
  const auto& o = m_overrides[static_cast<size_t>(row)];
  for (auto it = m_options.begin(); it != m_options.end(); ++it) {
    const std::string k = it.key().toStdString();
    const QString v = o.options.contains(k) && o.options.at(k).is_string() ? q(o.options.at(k).get<std::string>()) : QString();
    it.value()->setCurrentIndex(qMax(0, it.value()->findData(v)));
  }
  m_targetType->setEditText(q(o.targetType));
  {
    const QSignalBlocker block(m_pattern);
    m_pattern->setText(q(o.pattern));
  }
  updatePreview();  // the options that matter for the pattern, and those it sets
  m_error->hide();
}

void TypeOverridesEditor::updatePreview() {
  const std::string pattern = m_pattern->text().trimmed().toStdString();
  int columns = 0;
  QStringList types;
  QSet<QString> keys;
  if (!pattern.empty()) {
    for (const auto& t : m_types) {
      if (!core::globMatch(pattern, t.type.toStdString(), true)) continue;
      columns += t.columns;
      types << t.type;
      for (const QString& k : t.optionKeys) keys.insert(k);
    }
  }
  if (pattern.empty()) {
    m_preview->clear();
  } else if (m_types.isEmpty()) {
    m_preview->setText(tr("run the assessment to see what it matches"));
  } else if (columns == 0) {
    m_preview->setText(tr("<span style='color:%1'>matches no column of the catalog read</span>")
                           .arg(widgets::SeverityIcon::color(widgets::SeverityLevel::Review).name()));
  } else {
    QStringList shown;
    for (const QString& t : types.mid(0, 3)) shown << (t.size() > 40 ? t.left(39) + QChar(0x2026) : t);
    QString list = shown.join(QStringLiteral(", ")).toHtmlEscaped();
    if (types.size() > 3) list += tr(" and %1 more types").arg(types.size() - 3);
    m_preview->setText(tr("matches <b>%L1</b> %2: %3").arg(columns).arg(columns == 1 ? tr("column") : tr("columns"), list));
  }
  int shown = 0;
  for (auto it = m_options.begin(); it != m_options.end(); ++it) {
    const bool set = !it.value()->currentData().toString().isEmpty();
    const bool visible = keys.contains(it.key()) || set;
    m_form->setRowVisible(it.value(), visible);
    shown += visible ? 1 : 0;
  }
  m_form->setRowVisible(m_noOptions, shown == 0);
}

QString TypeOverridesEditor::previewText() const { return m_preview->text(); }

QComboBox* TypeOverridesEditor::optionField(const QString& key) const { return m_options.value(key); }

void TypeOverridesEditor::updateButtons() {
  const int row = m_list->selectedItems().isEmpty() ? -1 : m_list->currentRow();
  m_update->setEnabled(row >= 0);
  m_remove->setEnabled(row >= 0);
  m_up->setEnabled(row > 0);
  m_down->setEnabled(row >= 0 && row + 1 < m_list->rowCount());
}

void TypeOverridesEditor::showError(const QString& message) {
  m_pendingSelect = -1;
  m_error->setText(message);
  m_error->show();
}

QString TypeOverridesEditor::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

}  // namespace ferry::app
