#pragma once
/// AssessmentPage: "Run assessment" reads the source catalog (and the target's,
/// when a target server is configured) on the bridge's threads and maps every
/// column. The page then shows a filterable mapping table with a per-column
/// override editor, the project's mapping rules (options, type-pattern
/// overrides, table rules, schema map), the source and target trees, the
/// object findings, the DDL preview, the schema diff against the target and a
/// severity summary. Every edit is kept in the project and re-evaluated at
/// once on the cached catalogs (assess::assess is pure) on the bridge's
/// threads; a newer edit supersedes a re-evaluation still running.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

#include "app/assessment/assessment_evaluation.h"
#include "app/bridge/engine_bridge.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTabWidget;
class QTableView;
class QTableWidget;
class QTreeView;

namespace ferry::widgets {
class BusySpinner;
class SqlEditor;
}  // namespace ferry::widgets

namespace ferry::app {

class AssessmentFilterProxy;
class AssessmentTableModel;
class MappingOptionsEditor;
class OverrideEditor;
class PasswordStore;
class SchemaMapEditor;
class TableRulesEditor;
class TypeOverridesEditor;

class AssessmentPage : public QWidget {
  Q_OBJECT
public:
  /// The connection the Connections page describes for a role; nullopt when blank.
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;

  AssessmentPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, QWidget* parent = nullptr);
  ~AssessmentPage() override;

  /// Takes the project's schemas, mapping options, overrides, table rules and
  /// schema map; results of an earlier run are dropped (they belong to another project).
  void setProject(const plan::Project& project);
  /// Writes the page's mapping fields (options, column and type overrides,
  /// table rules, schema map) into `project`.
  void writeMapping(plan::Project& project) const;

  /// Starts the assessment (no-op while one runs).
  void runAssessment();
  bool isRunning() const { return m_requestId != 0 || m_resolving; }
  /// Target engine used when no target server is configured.
  void setTargetEngine(model::Engine engine);

  /// The current evaluation (null before the first successful run).
  std::shared_ptr<const AssessmentEvaluation> evaluation() const { return m_eval; }
  /// True while an edit is being re-evaluated (evaluated() follows).
  bool isEvaluating() const { return m_evalId != 0 || m_evalQueued; }

  // Edits of the project's mapping. Each is checked at once (false and the
  // engine's error when it is refused: nothing changes), then kept in the
  // project and re-evaluated off the GUI thread; evaluated() reports the end.
  // Before the first run an edit is only kept: the next run applies it.

  /// Adds or replaces the project's override of one column.
  bool applyOverride(const plan::ColumnOverride& override, QString* error = nullptr);
  /// Removes a column's override.
  bool clearOverride(const QString& schema, const QString& table, const QString& column);
  /// Sets one project-wide mapping option (typemap::optionInfos() names the
  /// keys); the default value removes the key from the project.
  bool setMappingOption(const QString& key, const nlohmann::json& value, QString* error = nullptr);
  /// Replaces the type-pattern overrides (the first matching pattern wins).
  bool setTypeOverrides(const std::vector<plan::TypeOverride>& overrides, QString* error = nullptr);
  /// Replaces the table rules (in order: the last matching include/exclude wins).
  bool setTableRules(const std::vector<plan::TableRule>& rules, QString* error = nullptr);
  /// Replaces the schema map (source schema → target schema; empty names are dropped).
  bool setSchemaMap(const std::map<std::string, std::string>& map, QString* error = nullptr);
  /// The project as edited on this page (the mapping fields are what writeMapping writes).
  const plan::Project& project() const { return m_project; }

  /// Selects a column's row in the mapping table and shows it in the override editor.
  bool selectColumn(const QString& schema, const QString& table, const QString& column);
  /// Shows only `mask` severities (bit i = typemap::Severity i) in the mapping table.
  void setSeverityMask(int mask);

  /// Writes assess::toHtml to `path`.
  bool exportReport(const QString& path, QString* error = nullptr);
  /// Names of the tabs: "mapping", "rules", "trees", "objects", "ddl", "diff".
  bool showTab(const QString& name);
  /// Names of the rules tab's editors: "options", "types", "tables", "schemas".
  bool showRulesEditor(const QString& name);
  /// The DDL of the current evaluation (what the DDL tab shows).
  QString ddlText(ddl::Section section) const;
  QString reconcileText() const;

  QTableView* table() const { return m_table; }
  AssessmentTableModel* model() const { return m_model; }
  AssessmentFilterProxy* proxy() const { return m_proxy; }
  OverrideEditor* overrideEditor() const { return m_editor; }
  QTableWidget* diffTable() const { return m_diffTable; }
  QTableWidget* objectTable() const { return m_objectTable; }
  QTreeView* sourceTree() const { return m_sourceTree; }
  QTreeView* targetTree() const { return m_targetTree; }
  MappingOptionsEditor* mappingOptionsEditor() const { return m_optionsEditor; }
  TypeOverridesEditor* typeOverridesEditor() const { return m_typesEditor; }
  TableRulesEditor* tableRulesEditor() const { return m_tablesEditor; }
  SchemaMapEditor* schemaMapEditor() const { return m_schemasEditor; }

signals:
  /// An assessment run finished (ok: rows are shown).
  void finished(bool ok);
  /// The user changed the project's mapping (an override, option or rule).
  void mappingEdited();
  /// An edit's re-evaluation ended: ok, or refused by the engine (the edit is
  /// undone and the previous evaluation stays).
  void evaluated(bool ok);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void buildUi();
  QWidget* buildMappingTab();
  QWidget* buildObjectsTab();
  QWidget* buildTreesTab();
  QWidget* buildDiffTab();
  QWidget* buildRulesTab();
  void connectRuleEditors();
  void refreshTargetSelector();
  void onFinished(quint64 requestId, const AssessmentOutcome& outcome);
  void showEvaluation(std::shared_ptr<const AssessmentEvaluation> evaluation);
  /// Fills the views of the current tab that are older than the evaluation
  /// (trees, DDL and diff are filled when first shown: on a large catalog they
  /// take seconds of GUI thread).
  void refreshCurrentTab();
  void fillTrees();
  /// Keeps `edited` as the project, tells the editors and re-evaluates.
  void commitEdit(const plan::Project& edited, const QString& what);
  void requestEvaluation();
  void startEvaluation();
  void onEvaluated(quint64 requestId, const EvaluationOutcome& outcome);
  /// The rule editors show the project's mapping rules.
  void updateRuleEditors();
  /// …and what the evaluation and the catalog read made of them (counts, results).
  void updateRuleEvaluation();
  /// Source and target engine of the evaluation, else of the Connections page.
  std::pair<model::Engine, model::Engine> enginePair() const;
  void setBusy();
  void updateSummary();
  void updateFilters();
  void updateCount();
  void onCurrentRowChanged();
  void syncTrees(QTreeView* from, QTreeView* to);
  void setStatus(const QString& text, bool error = false);

  EngineBridge* m_bridge;
  PasswordStore* m_passwords;
  SpecProvider m_specOf;
  plan::Project m_project;

  QComboBox* m_targetEngine = nullptr;
  QLabel* m_targetLabel = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_export = nullptr;
  widgets::BusySpinner* m_spinner = nullptr;
  QLabel* m_status = nullptr;
  QHash<int, QLabel*> m_summary;  ///< per severity
  QLabel* m_summaryObjects = nullptr;
  QTabWidget* m_tabs = nullptr;

  QTabWidget* m_rulesTabs = nullptr;
  MappingOptionsEditor* m_optionsEditor = nullptr;
  TypeOverridesEditor* m_typesEditor = nullptr;
  TableRulesEditor* m_tablesEditor = nullptr;
  SchemaMapEditor* m_schemasEditor = nullptr;

  QComboBox* m_severityFilter = nullptr;
  QComboBox* m_tableFilter = nullptr;
  QComboBox* m_codeFilter = nullptr;
  QLineEdit* m_search = nullptr;
  QLabel* m_count = nullptr;
  QTableView* m_table = nullptr;
  AssessmentTableModel* m_model = nullptr;
  AssessmentFilterProxy* m_proxy = nullptr;
  OverrideEditor* m_editor = nullptr;

  QTreeView* m_sourceTree = nullptr;
  QTreeView* m_targetTree = nullptr;
  QStandardItemModel* m_sourceModel = nullptr;
  QStandardItemModel* m_targetModel = nullptr;
  QTableWidget* m_objectTable = nullptr;
  widgets::SqlEditor* m_preData = nullptr;
  widgets::SqlEditor* m_postData = nullptr;
  QLabel* m_diffStatus = nullptr;
  QTableWidget* m_diffTable = nullptr;
  widgets::SqlEditor* m_reconcile = nullptr;

  std::shared_ptr<const model::Catalog> m_sourceCatalog;
  std::shared_ptr<const model::Catalog> m_targetCatalog;
  assess::TargetSpec m_targetSpec;
  std::shared_ptr<const AssessmentEvaluation> m_eval;
  /// Per "schema.table.column": the per-column options that shaped it (ever, so
  /// an option stays offered after the override that changed it).
  std::unordered_map<std::string, std::vector<std::string>> m_optionKeys;
  enum StaleView { StaleTrees = 1, StaleDdl = 2, StaleDiff = 4 };
  int m_stale = 0;  ///< StaleView bits: views not yet filled from m_eval
  plan::Project m_shownProject;  ///< the project m_eval was computed from (an edit the engine refuses returns to it)
  plan::Project m_evalProject;   ///< the project of the re-evaluation in flight
  quint64 m_evalId = 0;          ///< the re-evaluation in flight (0: none)
  bool m_evalQueued = false;     ///< an edit arrived meanwhile: evaluate again, drop the running one's result
  quint64 m_edits = 0;           ///< edits so far; a run started before the last edit is re-evaluated
  quint64 m_runEdits = 0;        ///< m_edits when the running assessment started
  QString m_lastEdit;            ///< what the last edit did, for the status line
  struct ColumnRef {
    QString schema, table, column;
  };
  std::optional<ColumnRef> m_selectAfterEval;  ///< the overridden column, selected again once re-evaluated
  quint64 m_requestId = 0;
  bool m_resolving = false;
  AssessmentRequest m_running;  ///< the running request, with its resolved passwords
  QElapsedTimer m_clock;
};

}  // namespace ferry::app
