#pragma once
/// AssessmentPage: "Run assessment" reads the source catalog (and the target's,
/// when a target server is configured) on the bridge's threads and maps every
/// column. The page then shows a filterable mapping table with a per-column
/// override editor, the source and target trees, the object findings, the DDL
/// preview, the schema diff against the target and a severity summary. An
/// override re-evaluates at once on the cached catalog (assess::assess is pure)
/// and is kept in the project.

#include <functional>
#include <memory>
#include <optional>

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
class OverrideEditor;
class PasswordStore;

class AssessmentPage : public QWidget {
  Q_OBJECT
public:
  /// The connection the Connections page describes for a role; nullopt when blank.
  using SpecProvider = std::function<std::optional<connect::ConnectionSpec>(preflight::Role)>;

  AssessmentPage(EngineBridge* bridge, PasswordStore* passwords, SpecProvider specOf, QWidget* parent = nullptr);
  ~AssessmentPage() override;

  /// Takes the project's schemas, mapping options, overrides and table rules;
  /// results of an earlier run are dropped (they belong to another project).
  void setProject(const plan::Project& project);
  /// Writes the page's mapping fields (options, column and type overrides) into `project`.
  void writeMapping(plan::Project& project) const;

  /// Starts the assessment (no-op while one runs).
  void runAssessment();
  bool isRunning() const { return m_requestId != 0 || m_resolving; }
  /// Target engine used when no target server is configured.
  void setTargetEngine(model::Engine engine);

  /// The current evaluation (null before the first successful run).
  std::shared_ptr<const AssessmentEvaluation> evaluation() const { return m_eval; }

  /// Adds or replaces the project's override of one column and re-evaluates at once.
  bool applyOverride(const plan::ColumnOverride& override, QString* error = nullptr);
  /// Removes a column's override and re-evaluates.
  bool clearOverride(const QString& schema, const QString& table, const QString& column);
  /// Selects a column's row in the mapping table and shows it in the override editor.
  bool selectColumn(const QString& schema, const QString& table, const QString& column);
  /// Shows only `mask` severities (bit i = typemap::Severity i) in the mapping table.
  void setSeverityMask(int mask);

  /// Writes assess::toHtml to `path`.
  bool exportReport(const QString& path, QString* error = nullptr);
  /// Names of the tabs: "mapping", "trees", "objects", "ddl", "diff".
  bool showTab(const QString& name);
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

signals:
  /// An assessment run finished (ok: rows are shown).
  void finished(bool ok);
  /// The user changed the project's mapping (an override applied or cleared).
  void mappingEdited();

protected:
  void showEvent(QShowEvent* event) override;

private:
  void buildUi();
  QWidget* buildMappingTab();
  QWidget* buildObjectsTab();
  QWidget* buildTreesTab();
  QWidget* buildDiffTab();
  void refreshTargetSelector();
  void onFinished(quint64 requestId, const AssessmentOutcome& outcome);
  void showEvaluation(std::shared_ptr<const AssessmentEvaluation> evaluation);
  bool reevaluate(QString* error);
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
  QHash<QString, QStringList> m_optionKeys;  ///< per "schema.table.column": options that shaped it (ever)
  quint64 m_requestId = 0;
  bool m_resolving = false;
  AssessmentRequest m_running;  ///< the running request, with its resolved passwords
  QElapsedTimer m_clock;
};

}  // namespace ferry::app
