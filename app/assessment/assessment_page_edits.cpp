// The Assessment page's mapping rules: the "Rules & options" tab, the checks
// of each edit and its re-evaluation on the bridge's threads (a newer edit
// supersedes one still running). The rest of the page is in assessment_page.cpp.

#include <map>
#include <set>

#include <QComboBox>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app/assessment/assessment_page.h"
#include "app/assessment/mapping_options_editor.h"
#include "app/assessment/schema_map_editor.h"
#include "app/assessment/table_rules_editor.h"
#include "app/assessment/type_overrides_editor.h"
#include "typemap/mapping_options.h"
#include "widgets/busy_spinner.h"

namespace ferry::app {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// In tab order (buildRulesTab).
const char* const kRulesTabNames[] = {"options", "types", "tables", "schemas"};

QString withCount(const QString& title, int n) { return n > 0 ? QStringLiteral("%1 (%2)").arg(title).arg(n) : title; }

}  // namespace

QWidget* AssessmentPage::buildRulesTab() {
  auto* tab = new QWidget;
  auto* layout = new QVBoxLayout(tab);
  layout->setContentsMargins(6, 6, 6, 6);
  auto* note = new QLabel(tr("The project's mapping rules. A change applies at once: Ferry maps the catalogs already "
                             "read again and updates the column mapping, the DDL and the schema diff. Rules are saved "
                             "with the project."));
  note->setWordWrap(true);
  layout->addWidget(note);
  m_rulesTabs = new QTabWidget;
  m_rulesTabs->setObjectName(QStringLiteral("rulesTabs"));
  m_optionsEditor = new MappingOptionsEditor;
  m_typesEditor = new TypeOverridesEditor;
  m_tablesEditor = new TableRulesEditor;
  m_schemasEditor = new SchemaMapEditor;
  m_rulesTabs->addTab(m_optionsEditor, tr("Mapping options"));
  m_rulesTabs->addTab(m_typesEditor, tr("Type overrides"));
  m_rulesTabs->addTab(m_tablesEditor, tr("Table rules"));
  m_rulesTabs->addTab(m_schemasEditor, tr("Schema map"));
  layout->addWidget(m_rulesTabs, 1);
  return tab;
}

bool AssessmentPage::showRulesEditor(const QString& name) {
  for (int i = 0; i < static_cast<int>(std::size(kRulesTabNames)); ++i) {
    if (name == QLatin1String(kRulesTabNames[i])) {
      showTab(QStringLiteral("rules"));
      m_rulesTabs->setCurrentIndex(i);
      return true;
    }
  }
  return false;
}

void AssessmentPage::connectRuleEditors() {
  connect(m_optionsEditor, &MappingOptionsEditor::optionEdited, this, [this](const QString& key, const nlohmann::json& value) {
    QString error;
    if (!setMappingOption(key, value, &error)) {
      m_optionsEditor->showError(key, error);
      setStatus(tr("Not applied: %1").arg(error), true);
    }
  });
  connect(m_typesEditor, &TypeOverridesEditor::overridesEdited, this, [this](const std::vector<plan::TypeOverride>& list) {
    QString error;
    if (!setTypeOverrides(list, &error)) m_typesEditor->showError(error);
  });
  connect(m_tablesEditor, &TableRulesEditor::rulesEdited, this, [this](const std::vector<plan::TableRule>& rules) {
    QString error;
    if (!setTableRules(rules, &error)) m_tablesEditor->showError(error);
  });
  connect(m_schemasEditor, &SchemaMapEditor::schemaMapEdited, this, [this](const std::map<std::string, std::string>& map) {
    QString error;
    if (!setSchemaMap(map, &error)) m_schemasEditor->showError(error);
  });
}

bool AssessmentPage::setMappingOption(const QString& key, const nlohmann::json& value, QString* error) {
  const std::string k = key.toStdString();
  if (auto ok = typemap::checkOption(k, value); !ok) {
    if (error) *error = q(ok.error().oneLine());
    return false;
  }
  plan::Project edited = m_project;
  if (!edited.mappingOptions.is_object()) edited.mappingOptions = nlohmann::json::object();
  // The default leaves the key out: the file then follows a future default, as an untouched option does.
  if (value == typemap::MappingOptions{}.toJson().at(k)) {
    edited.mappingOptions.erase(k);
  } else {
    edited.mappingOptions[k] = value;
  }
  if (edited.mappingOptions == m_project.mappingOptions) {
    updateRuleEditors();  // nothing changed; the field shows the kept value again, without an error
    return true;
  }
  commitEdit(edited, tr("Mapping option %1 = %2").arg(key, value.is_string() ? q(value.get<std::string>()) : q(value.dump())));
  return true;
}

bool AssessmentPage::setTypeOverrides(const std::vector<plan::TypeOverride>& overrides, QString* error) {
  for (const auto& o : overrides) {
    QString problem;
    if (o.pattern.empty()) problem = tr("a type override needs a pattern");
    else if (o.targetType.empty() && (!o.options.is_object() || o.options.empty()))
      problem = tr("the type override '%1' sets neither a target type nor an option").arg(q(o.pattern));
    for (const auto& [key, value] : o.options.items()) {
      if (!problem.isEmpty()) break;
      if (auto ok = typemap::checkOption(key, value); !ok)
        problem = q(std::move(ok).error().context("type override '" + o.pattern + "'").oneLine());
    }
    if (!problem.isEmpty()) {
      if (error) *error = problem;
      return false;
    }
  }
  plan::Project edited = m_project;
  edited.typeOverrides = overrides;
  commitEdit(edited, tr("Type overrides changed"));
  return true;
}

bool AssessmentPage::setTableRules(const std::vector<plan::TableRule>& rules, QString* error) {
  for (const auto& r : rules) {
    if (const QString problem = TableRulesEditor::problem(r); !problem.isEmpty()) {
      if (error) *error = problem;
      return false;
    }
  }
  plan::Project edited = m_project;
  edited.tableRules = rules;
  commitEdit(edited, tr("Table rules changed"));
  return true;
}

bool AssessmentPage::setSchemaMap(const std::map<std::string, std::string>& map, QString* error) {
  plan::Project edited = m_project;
  edited.schemaMap.clear();
  for (const auto& [source, target] : map) {
    const std::string name = QString::fromStdString(target).trimmed().toStdString();
    if (source.empty()) {
      if (error) *error = tr("A schema map entry needs a source schema.");
      return false;
    }
    // An entry equal to the source name is kept: it overrides the target-database rule of a MySQL target.
    if (!name.empty()) edited.schemaMap[source] = name;
  }
  if (edited.schemaMap == m_project.schemaMap) {
    updateRuleEditors();
    return true;
  }
  commitEdit(edited, tr("Schema map changed"));
  return true;
}

void AssessmentPage::commitEdit(const plan::Project& edited, const QString& what) {
  m_project = edited;
  ++m_edits;
  m_lastEdit = what;
  emit mappingEdited();
  updateRuleEditors();
  requestEvaluation();
}

void AssessmentPage::requestEvaluation() {
  if (!m_sourceCatalog) {
    setStatus(isRunning() ? tr("%1. Applied when the assessment has read the catalogs.").arg(m_lastEdit)
                          : tr("%1. Kept in the project: the next run applies it.").arg(m_lastEdit));
    return;
  }
  if (isRunning()) return;  // the run's end evaluates the edits made meanwhile
  if (m_evalId != 0) {
    m_evalQueued = true;  // the running evaluation's result is stale: dropped when it arrives
    return;
  }
  startEvaluation();
}

void AssessmentPage::startEvaluation() {
  EvaluationRequest request;
  request.source = m_sourceCatalog;
  request.target = m_targetCatalog;
  request.targetSpec = m_targetSpec;
  request.project = m_project;
  m_evalProject = m_project;
  m_evalId = m_bridge->evaluate(std::move(request));
  setBusy();
  setStatus(tr("%1 — re-evaluating…").arg(m_lastEdit));
}

void AssessmentPage::onEvaluated(quint64 requestId, const EvaluationOutcome& outcome) {
  if (requestId != m_evalId || m_evalId == 0) return;  // superseded by a run or another project
  m_evalId = 0;
  if (m_evalQueued) {
    m_evalQueued = false;
    startEvaluation();  // edits arrived meanwhile: this result is already stale
    return;
  }
  setBusy();
  if (outcome.error) {
    // The engine refused the edited project: back to the one shown, which it accepted.
    m_project = m_shownProject;
    ++m_edits;
    m_selectAfterEval.reset();
    emit mappingEdited();
    updateRuleEditors();
    setStatus(tr("Not applied: %1 The previous mapping is kept.").arg(q(outcome.error->oneLine())), true);
    emit evaluated(false);
    return;
  }
  m_shownProject = m_evalProject;
  showEvaluation(outcome.evaluation);
  if (m_selectAfterEval) selectColumn(m_selectAfterEval->schema, m_selectAfterEval->table, m_selectAfterEval->column);
  m_selectAfterEval.reset();
  const QString took = outcome.elapsedMs < 1000 ? tr("%1 ms").arg(outcome.elapsedMs)
                                                : tr("%1 s").arg(static_cast<double>(outcome.elapsedMs) / 1000.0, 0, 'f', 1);
  setStatus(tr("%1 — re-evaluated %L2 columns in %3.").arg(m_lastEdit).arg(m_eval->assessment.columns.size()).arg(took));
  emit evaluated(true);
}

void AssessmentPage::setBusy() {
  if (isRunning() || isEvaluating()) {
    if (!m_spinner->isSpinning()) m_spinner->start();
  } else {
    m_spinner->stop();
  }
}

std::pair<model::Engine, model::Engine> AssessmentPage::enginePair() const {
  if (m_eval) return {m_eval->assessment.sourceEngine, m_eval->assessment.targetEngine};
  const auto source = m_specOf(preflight::Role::Source);
  const auto target = m_specOf(preflight::Role::Target);
  return {source ? source->engine : model::Engine::MySQL,
          target ? target->engine : static_cast<model::Engine>(m_targetEngine->currentData().toInt())};
}

void AssessmentPage::updateRuleEditors() {
  const auto [source, target] = enginePair();
  m_optionsEditor->setEngines(source, target);
  m_optionsEditor->setOptions(m_project.mappingOptions);
  m_typesEditor->setTargetEngine(target);
  m_typesEditor->setOverrides(m_project.typeOverrides);
  m_tablesEditor->setRules(m_project.tableRules);
  m_schemasEditor->setTargetEngine(target);
  m_schemasEditor->setSchemaMap(m_project.schemaMap);
  m_rulesTabs->setTabText(0, withCount(tr("Mapping options"), m_optionsEditor->changedCount()));
  m_rulesTabs->setTabText(1, withCount(tr("Type overrides"), static_cast<int>(m_project.typeOverrides.size())));
  m_rulesTabs->setTabText(2, withCount(tr("Table rules"), static_cast<int>(m_project.tableRules.size())));
  m_rulesTabs->setTabText(3, withCount(tr("Schema map"), static_cast<int>(m_project.schemaMap.size())));
}

void AssessmentPage::updateRuleEvaluation() {
  // The catalog read: every table (partitions arrive through their parent) and schema.
  std::vector<std::pair<std::string, std::string>> tables;
  QList<QPair<QString, int>> schemas;
  if (m_sourceCatalog) {
    for (const auto& s : m_sourceCatalog->schemas) {
      int n = 0;
      for (const auto& t : s.tables) {
        if (t.parentTable) continue;  // a partition, or a partitioned partition
        tables.emplace_back(s.name, t.name);
        ++n;
      }
      schemas.append({q(s.name), n});
    }
  }
  m_tablesEditor->setTables(std::move(tables));
  m_schemasEditor->setSourceSchemas(schemas);

  // What the evaluation made of the rules.
  std::map<std::string, int> optionUse;
  std::map<std::string, std::pair<int, std::set<std::string>>> types;  // declared type → columns, option keys
  std::map<std::string, int> decided;                                   // overrideSource → columns
  if (m_eval) {
    for (const auto& c : m_eval->assessment.columns) {
      auto& t = types[c.sourceType];
      ++t.first;
      for (const auto& k : c.mapping.options) {
        ++optionUse[k];
        t.second.insert(k);
      }
      if (!c.overrideSource.empty()) ++decided[c.overrideSource];
    }
  }
  QHash<QString, int> usage;
  for (const auto& [k, n] : optionUse) usage.insert(q(k), n);
  m_optionsEditor->setUsage(usage);
  QList<SourceTypeUsage> typeList;
  for (const auto& [type, use] : types) {
    SourceTypeUsage u{q(type), use.first, {}};
    for (const auto& k : use.second) u.optionKeys << q(k);
    typeList.append(u);
  }
  m_typesEditor->setSourceTypes(typeList);
  QHash<QString, int> perPattern;
  for (const auto& o : m_project.typeOverrides) {
    const auto it = decided.find("type pattern '" + o.pattern + "'");  // assess::ColumnAssessment::overrideSource
    perPattern.insert(q(o.pattern), it == decided.end() ? 0 : it->second);
  }
  m_typesEditor->setDecided(perPattern, m_eval != nullptr);
  // Source schema → target schema → tables (TableDef::sourceName is "schema.table" on the source).
  QHash<QString, QMap<QString, int>> placements;
  if (m_eval) {
    for (const auto& t : m_eval->assessment.target.tables) {
      for (const auto& [schema, n] : schemas) {
        const std::string prefix = schema.toStdString() + ".";
        if (t.sourceName.compare(0, prefix.size(), prefix) == 0) ++placements[schema][q(t.schema)];
      }
    }
  }
  QHash<QString, SchemaMapEditor::Landing> landings;
  if (m_eval)
    for (const auto& p : m_eval->assessment.placements) landings.insert(q(p.sourceSchema), {q(p.targetSchema), q(p.rule)});
  m_schemasEditor->setPlacements(landings, placements, m_eval != nullptr);
}

}  // namespace ferry::app
