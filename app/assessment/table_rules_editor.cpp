#include "app/assessment/table_rules_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/text.h"
#include "widgets/severity_icon.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

enum ListColumn { ColOrder, ColPattern, ColAction, ColTables, ColCount };

TableRulesEditor::Action actionOf(const plan::TableRule& r) {
  if (!r.renameTo.empty()) return TableRulesEditor::Action::Rename;
  return r.exclude ? TableRulesEditor::Action::Exclude : TableRulesEditor::Action::Include;
}

/// Whether `rule` concerns "schema.table" as the engine reads it (plan::Project):
/// a rename names one table exactly, include/exclude are globs.
bool matches(const plan::TableRule& rule, const std::string& full) {
  return rule.renameTo.empty() ? core::globMatch(rule.pattern, full) : rule.pattern == full;
}

QTableWidgetItem* cell(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  item->setToolTip(text);
  return item;
}

QColor colorOf(widgets::SeverityLevel level) { return widgets::SeverityIcon::color(level); }

}  // namespace

TableRulesEditor::TableRulesEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("tableRulesEditor"));
  auto* outer = new QHBoxLayout(this);
  outer->setContentsMargins(10, 8, 10, 8);
  auto* split = new QSplitter(Qt::Horizontal);
  split->setChildrenCollapsible(false);
  outer->addWidget(split);

  auto* left = new QWidget;
  auto* layout = new QVBoxLayout(left);
  layout->setContentsMargins(0, 0, 6, 0);
  auto* intro = new QLabel(tr("Leave tables out, bring them back, or give one another name on the target. Patterns "
                              "are <code>schema.table</code> globs (<code>shop.audit_*</code>, <code>*.tmp_*</code>); "
                              "rules apply in order and the <b>last</b> matching include or exclude wins. A rename "
                              "names one table exactly."));
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* listRow = new QHBoxLayout;
  m_list = new QTableWidget(0, ColCount);
  m_list->setObjectName(QStringLiteral("tableRuleList"));
  m_list->setHorizontalHeaderLabels({tr("#"), tr("Pattern"), tr("Action"), tr("Tables")});
  m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_list->setSelectionMode(QAbstractItemView::SingleSelection);
  m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_list->setAlternatingRowColors(true);
  m_list->verticalHeader()->hide();
  m_list->verticalHeader()->setDefaultSectionSize(22);
  const int widths[] = {30, 200, 200, 60};
  for (int i = 0; i < ColCount; ++i) m_list->horizontalHeader()->resizeSection(i, widths[i]);
  m_list->horizontalHeader()->setSectionResizeMode(ColPattern, QHeaderView::Stretch);
  listRow->addWidget(m_list, 1);
  auto* side = new QVBoxLayout;
  m_up = new QPushButton(tr("Move up"));
  m_up->setObjectName(QStringLiteral("tableRuleUp"));
  m_down = new QPushButton(tr("Move down"));
  m_down->setObjectName(QStringLiteral("tableRuleDown"));
  m_remove = new QPushButton(tr("Remove"));
  m_remove->setObjectName(QStringLiteral("tableRuleRemove"));
  for (auto* b : {m_up, m_down, m_remove}) side->addWidget(b);
  side->addStretch(1);
  listRow->addLayout(side);
  layout->addLayout(listRow, 1);

  auto* box = new QGroupBox(tr("Rule"));
  auto* form = new QFormLayout(box);
  m_pattern = new QLineEdit;
  m_pattern->setObjectName(QStringLiteral("tableRulePattern"));
  m_pattern->setPlaceholderText(tr("schema.table, e.g. shop.audit_*"));
  m_preview = new QLabel;
  m_preview->setObjectName(QStringLiteral("tableRulePreview"));
  m_preview->setWordWrap(true);
  form->addRow(tr("Pattern:"), m_pattern);
  form->addRow(QString(), m_preview);
  auto* actionRow = new QHBoxLayout;
  m_action = new QComboBox;
  m_action->setObjectName(QStringLiteral("tableRuleAction"));
  m_action->addItem(tr("Exclude"), static_cast<int>(Action::Exclude));
  m_action->addItem(tr("Include"), static_cast<int>(Action::Include));
  m_action->addItem(tr("Rename to"), static_cast<int>(Action::Rename));
  m_rename = new QLineEdit;
  m_rename->setObjectName(QStringLiteral("tableRuleRename"));
  m_rename->setPlaceholderText(tr("new table name"));
  actionRow->addWidget(m_action);
  actionRow->addWidget(m_rename, 1);
  form->addRow(tr("Action:"), actionRow);
  auto* buttons = new QHBoxLayout;
  m_add = new QPushButton(tr("Add rule"));
  m_add->setObjectName(QStringLiteral("tableRuleAdd"));
  m_update = new QPushButton(tr("Update selected"));
  m_update->setObjectName(QStringLiteral("tableRuleUpdate"));
  buttons->addWidget(m_add);
  buttons->addWidget(m_update);
  buttons->addStretch(1);
  form->addRow(QString(), buttons);
  m_error = new QLabel;
  m_error->setObjectName(QStringLiteral("tableRuleError"));
  m_error->setWordWrap(true);
  m_error->setStyleSheet(QStringLiteral("color: %1;").arg(colorOf(widgets::SeverityLevel::Unsupported).name()));
  m_error->hide();
  form->addRow(QString(), m_error);
  layout->addWidget(box);
  split->addWidget(left);

  auto* right = new QWidget;
  auto* r = new QVBoxLayout(right);
  r->setContentsMargins(6, 0, 0, 0);
  r->addWidget(new QLabel(tr("<b>Result</b>")));
  m_summary = new QLabel;
  m_summary->setObjectName(QStringLiteral("tableRuleSummary"));
  m_summary->setWordWrap(true);
  r->addWidget(m_summary);
  m_onlyChanged = new QCheckBox(tr("Only the tables the rules concern"));
  m_onlyChanged->setObjectName(QStringLiteral("tableRuleOnlyChanged"));
  m_onlyChanged->setChecked(true);
  r->addWidget(m_onlyChanged);
  m_result = new QTableWidget(0, 3);
  m_result->setObjectName(QStringLiteral("tableRuleResult"));
  m_result->setHorizontalHeaderLabels({tr("Source table"), tr("On the target"), tr("Rule")});
  m_result->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_result->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_result->setAlternatingRowColors(true);
  m_result->verticalHeader()->hide();
  m_result->verticalHeader()->setDefaultSectionSize(22);
  m_result->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  m_result->horizontalHeader()->resizeSection(1, 150);
  m_result->horizontalHeader()->resizeSection(2, 50);
  r->addWidget(m_result, 1);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);

  connect(m_list, &QTableWidget::itemSelectionChanged, this, [this] {
    loadSelected();
    updateButtons();
  });
  connect(m_pattern, &QLineEdit::textChanged, this, &TableRulesEditor::updateForm);
  connect(m_action, &QComboBox::currentIndexChanged, this, &TableRulesEditor::updateForm);
  connect(m_onlyChanged, &QCheckBox::toggled, this, &TableRulesEditor::fillResult);
  for (QLineEdit* e : {m_pattern, m_rename})
    connect(e, &QLineEdit::returnPressed, this, [this] { (m_update->isEnabled() ? m_update : m_add)->click(); });
  connect(m_add, &QPushButton::clicked, this, [this] {
    auto rule = formRule();
    if (!rule) return;
    auto list = m_rules;
    list.push_back(*rule);
    edit(std::move(list), static_cast<int>(m_rules.size()));
  });
  connect(m_update, &QPushButton::clicked, this, [this] {
    const int row = m_list->currentRow();
    auto rule = formRule();
    if (!rule || row < 0) return;
    auto list = m_rules;
    list[static_cast<size_t>(row)] = *rule;
    edit(std::move(list), row);
  });
  connect(m_remove, &QPushButton::clicked, this, [this] {
    const int row = m_list->currentRow();
    if (row < 0) return;
    auto list = m_rules;
    list.erase(list.begin() + row);
    edit(std::move(list), qMin(row, static_cast<int>(list.size()) - 1));
  });
  for (int delta : {-1, 1}) {
    connect(delta < 0 ? m_up : m_down, &QPushButton::clicked, this, [this, delta] {
      const int row = m_list->currentRow();
      const int to = row + delta;
      if (row < 0 || to < 0 || to >= static_cast<int>(m_rules.size())) return;
      auto list = m_rules;
      std::swap(list[static_cast<size_t>(row)], list[static_cast<size_t>(to)]);
      edit(std::move(list), to);
    });
  }
  updateForm();
  updateButtons();
  fillResult();
}

QString TableRulesEditor::problem(const plan::TableRule& rule) {
  if (rule.pattern.empty()) return tr("Type a pattern: schema.table, with * and ? as wildcards.");
  if (rule.pattern.find('.') == std::string::npos)
    return tr("Name the schema too: schema.table (or *.table for every schema).");
  if (!rule.renameTo.empty() && rule.pattern.find_first_of("*?") != std::string::npos)
    return tr("A rename gives one table a new name: write its exact schema.table, without * or ?.");
  return {};
}

std::optional<plan::TableRule> TableRulesEditor::formRule() {
  plan::TableRule rule;
  rule.pattern = m_pattern->text().trimmed().toStdString();
  const auto action = static_cast<Action>(m_action->currentData().toInt());
  rule.exclude = action == Action::Exclude;
  if (action == Action::Rename) {
    rule.renameTo = m_rename->text().trimmed().toStdString();
    if (rule.renameTo.empty()) {
      showError(tr("Type the table's new name on the target."));
      return std::nullopt;
    }
  }
  if (const QString p = problem(rule); !p.isEmpty()) {
    showError(p);
    return std::nullopt;
  }
  return rule;
}

void TableRulesEditor::edit(std::vector<plan::TableRule> rules, int select) {
  m_error->hide();
  m_pendingSelect = select;
  emit rulesEdited(rules);
}

void TableRulesEditor::setRules(const std::vector<plan::TableRule>& rules) {
  m_rules = rules;
  m_error->hide();
  fillList();
  if (m_pendingSelect >= 0 && m_pendingSelect < m_list->rowCount()) m_list->selectRow(m_pendingSelect);
  m_pendingSelect = -1;
  updateButtons();
  fillResult();
}

void TableRulesEditor::setTables(std::vector<std::pair<std::string, std::string>> tables) {
  m_tables = std::move(tables);
  fillList();
  updateForm();
  fillResult();
}

void TableRulesEditor::fillList() {
  const int current = m_list->currentRow();
  const QSignalBlocker block(m_list);
  m_list->setRowCount(static_cast<int>(m_rules.size()));
  for (int row = 0; row < m_list->rowCount(); ++row) {
    const auto& rule = m_rules[static_cast<size_t>(row)];
    int n = 0;
    for (const auto& [schema, table] : m_tables) n += matches(rule, schema + "." + table) ? 1 : 0;
    m_list->setItem(row, ColOrder, cell(QString::number(row + 1)));
    m_list->setItem(row, ColPattern, cell(q(rule.pattern)));
    QString action;
    switch (actionOf(rule)) {
      case Action::Exclude: action = tr("exclude"); break;
      case Action::Include: action = tr("include"); break;
      case Action::Rename: action = tr("rename to %1").arg(q(rule.renameTo)); break;
    }
    auto* a = cell(action);
    if (actionOf(rule) == Action::Exclude) a->setForeground(colorOf(widgets::SeverityLevel::Unsupported));
    m_list->setItem(row, ColAction, a);
    auto* count = cell(m_tables.empty() ? QStringLiteral("–") : QString::number(n));
    count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_list->setItem(row, ColTables, count);
  }
  if (current >= 0 && current < m_list->rowCount()) m_list->selectRow(current);
}

void TableRulesEditor::fillResult() {
  plan::Project p;
  p.tableRules = m_rules;
  int excluded = 0;
  int renamed = 0;
  const QColor grey = palette().color(QPalette::Disabled, QPalette::WindowText);
  struct Line {
    std::string full;
    bool included;
    std::string target;
    bool renamed;
    int rule;
  };
  std::vector<Line> lines;
  for (const auto& [schema, table] : m_tables) {
    const std::string full = schema + "." + table;
    const bool included = p.includesTable(schema, table);
    const std::string target = p.targetTableName(schema, table);
    excluded += included ? 0 : 1;
    renamed += included && target != table ? 1 : 0;
    int decidedBy = -1;
    for (size_t i = 0; i < m_rules.size(); ++i)
      if (m_rules[i].renameTo.empty() && matches(m_rules[i], full)) decidedBy = static_cast<int>(i);
    for (size_t i = 0; decidedBy < 0 && i < m_rules.size(); ++i)
      if (!m_rules[i].renameTo.empty() && matches(m_rules[i], full)) decidedBy = static_cast<int>(i);
    if (m_onlyChanged->isChecked() && decidedBy < 0) continue;
    lines.push_back({full, included, included && target != table ? target : table, target != table, decidedBy});
  }
  m_result->setRowCount(static_cast<int>(lines.size()));
  for (int row = 0; row < m_result->rowCount(); ++row) {
    const Line& l = lines[static_cast<size_t>(row)];
    auto* source = cell(q(l.full));
    auto* result = cell(!l.included ? tr("excluded") : l.renamed ? q(l.target) : tr("kept as %1").arg(q(l.target)));
    auto* rule = cell(l.rule < 0 ? QString() : tr("#%1").arg(l.rule + 1));
    if (!l.included) {
      for (auto* item : {source, result, rule}) {
        item->setForeground(grey);
        QFont f = item->font();
        f.setItalic(true);
        item->setFont(f);
      }
    } else if (l.renamed) {
      QFont f = result->font();
      f.setBold(true);
      result->setFont(f);
    }
    m_result->setItem(row, 0, source);
    m_result->setItem(row, 1, result);
    m_result->setItem(row, 2, rule);
  }
  if (m_tables.empty()) {
    m_summary->setText(tr("Run the assessment to see which source tables the rules exclude or rename."));
  } else {
    const int total = static_cast<int>(m_tables.size());
    m_summary->setText(tr("%L1 source tables: <b>%L2 migrated</b> (%L3 renamed), <b>%L4 excluded</b>.")
                           .arg(total)
                           .arg(total - excluded)
                           .arg(renamed)
                           .arg(excluded));
  }
}

QString TableRulesEditor::summaryText() const { return m_summary->text(); }

void TableRulesEditor::loadSelected() {
  const int row = m_list->currentRow();
  if (row < 0 || row >= static_cast<int>(m_rules.size()) || m_list->selectedItems().isEmpty()) return;
  const auto& rule = m_rules[static_cast<size_t>(row)];
  m_pattern->setText(q(rule.pattern));
  m_action->setCurrentIndex(m_action->findData(static_cast<int>(actionOf(rule))));
  m_rename->setText(q(rule.renameTo));
  m_error->hide();
  updateForm();
}

void TableRulesEditor::updateForm() {
  const bool rename = static_cast<Action>(m_action->currentData().toInt()) == Action::Rename;
  m_rename->setEnabled(rename);
  const std::string pattern = m_pattern->text().trimmed().toStdString();
  if (pattern.empty() || m_tables.empty()) {
    m_preview->setText(pattern.empty() || !m_tables.empty() ? QString() : tr("run the assessment to see what it matches"));
    return;
  }
  plan::TableRule probe;
  probe.pattern = pattern;
  if (rename) probe.renameTo = std::string(1, 'x');  // GCC 12 -O2 -Wrestrict misfires on operator=(const char*)
  QStringList names;
  for (const auto& [schema, table] : m_tables)
    if (matches(probe, schema + "." + table)) names << q(schema + "." + table);
  if (names.isEmpty()) {
    m_preview->setText(tr("<span style='color:%1'>matches no table of the catalog read</span>")
                           .arg(colorOf(widgets::SeverityLevel::Review).name()));
    return;
  }
  QString list = names.mid(0, 3).join(QStringLiteral(", ")).toHtmlEscaped();
  if (names.size() > 3) list += tr(" and %L1 more").arg(names.size() - 3);
  m_preview->setText(tr("matches <b>%L1</b> %2: %3").arg(names.size()).arg(names.size() == 1 ? tr("table") : tr("tables"), list));
}

void TableRulesEditor::updateButtons() {
  const int row = m_list->selectedItems().isEmpty() ? -1 : m_list->currentRow();
  m_update->setEnabled(row >= 0);
  m_remove->setEnabled(row >= 0);
  m_up->setEnabled(row > 0);
  m_down->setEnabled(row >= 0 && row + 1 < m_list->rowCount());
}

void TableRulesEditor::showError(const QString& message) {
  m_pendingSelect = -1;
  m_error->setText(message);
  m_error->show();
}

QString TableRulesEditor::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

}  // namespace ferry::app
