// Offscreen GUI test of the Assessment page's mapping rules against the
// sandbox servers (MariaDB ferry_demo → PostgreSQL): the editors of mapping
// options, type-pattern overrides, table rules and the schema map each change
// the evaluation (asserted on target types and the DDL), a bad option value
// shows the engine's error and keeps the previous evaluation, quick edits in a
// row show only the last one's result, and the project written back and
// reopened holds every edit. Writes a screenshot of each editor.

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "gui_test_support.h"
#include "app/assessment/assessment_page.h"
#include "app/assessment/assessment_table_model.h"
#include "app/assessment/mapping_options_editor.h"
#include "app/assessment/schema_map_editor.h"
#include "app/assessment/table_rules_editor.h"
#include "app/assessment/type_overrides_editor.h"
#include "app/connections/connection_editor.h"
#include "app/main_window.h"
#include "connect/connection_spec.h"
#include "widgets/busy_spinner.h"

using ferry::app::AssessmentPage;
using ferry::app::AssessmentTableModel;
using ferry::app::MainWindow;

namespace {

// Reading and mapping the demo catalog takes about a second; 60 s only guards against a hung server.
constexpr int kTimeoutMs = 60000;

namespace guitest = ferry::guitest;
using guitest::child;

}  // namespace

class AssessmentRulesTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void mappingOptionRemapsColumns();
  void badOptionValueShowsEngineError();
  void typeOverrideChangesMatchingColumns();
  void tableRulesExcludeAndRename();
  void schemaMapChangesTargetSchema();
  void quickEditsShowOnlyTheLast();
  void editsPersistInProject();
  void cleanupTestCase();

private:
  void shoot(const QString& name);
  /// Waits for the re-evaluation of an edit; true when it was applied.
  bool waitEvaluated(QSignalSpy& spy);
  /// Target type of ferry_demo.`table`.`column` in the current evaluation ("" when absent).
  QString targetType(const char* table, const char* column) const;
  /// Selects `value` in an option combo as a user would (activated is the user's signal).
  static void choose(QComboBox* combo, const QString& value);

  QTemporaryDir m_tmp;
  std::unique_ptr<MainWindow> m_window;
  AssessmentPage* m_page = nullptr;
  QString m_shotDir;
};

void AssessmentRulesTest::initTestCase() {
  const guitest::Sandbox sandbox = guitest::loadSandbox();
  m_shotDir = sandbox.shotDir;
  if (sandbox.mysqlUrl.isEmpty()) QFAIL(guitest::sandboxHint());
  QVERIFY(m_tmp.isValid());
  m_window = std::make_unique<MainWindow>();
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  m_page = m_window->assessmentPage();
  auto source = ferry::connect::ConnectionSpec::parse(sandbox.mysqlUrl.toStdString());
  QVERIFY(source.ok());
  source->database = "ferry_demo";
  m_window->sourceEditor()->setSpec(*source);
  QVERIFY(m_window->showPage(QStringLiteral("assessment")));
  m_page->setTargetEngine(ferry::model::Engine::PostgreSQL);
  m_page->runAssessment();
  QTRY_VERIFY_WITH_TIMEOUT(!m_page->isRunning(), kTimeoutMs);
  QVERIFY2(m_page->evaluation(), qPrintable(child<QLabel>(m_page, "assessmentStatus")->text()));
  QCOMPARE(targetType("customers", "is_active"), QStringLiteral("boolean"));
}

bool AssessmentRulesTest::waitEvaluated(QSignalSpy& spy) {
  QElapsedTimer clock;
  clock.start();
  while ((spy.isEmpty() || m_page->isEvaluating()) && clock.elapsed() < kTimeoutMs) QTest::qWait(10);
  return !spy.isEmpty() && spy.last().first().toBool() && !m_page->isEvaluating();
}

QString AssessmentRulesTest::targetType(const char* table, const char* column) const {
  const auto eval = m_page->evaluation();
  if (!eval) return {};
  for (const auto& c : eval->assessment.columns)
    if (c.table == table && c.column == column) return QString::fromStdString(c.mapping.targetType);
  return {};
}

void AssessmentRulesTest::choose(QComboBox* combo, const QString& value) {
  const int i = combo->findData(value);
  QVERIFY2(i >= 0, qPrintable(value));
  combo->setCurrentIndex(i);
  emit combo->activated(i);
}

void AssessmentRulesTest::mappingOptionRemapsColumns() {
  QVERIFY(m_page->showRulesEditor(QStringLiteral("options")));
  auto* editor = m_page->mappingOptionsEditor();
  auto* tinyint = qobject_cast<QComboBox*>(editor->field(QStringLiteral("tinyint1_as")));
  QVERIFY(tinyint && tinyint->isVisible());
  QCOMPARE(tinyint->currentData().toString(), QStringLiteral("boolean"));  // the default shown
  // Every option is listed and editable, the other direction's too.
  for (const char* key : {"zero_date_sentinel", "datetime_zone", "pg_text_varchar_length", "interval_as"}) {
    QWidget* f = editor->field(QLatin1String(key));
    QVERIFY2(f && f->isEnabled(), key);
  }

  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  choose(tinyint, QStringLiteral("smallint"));
  QVERIFY(m_page->isEvaluating());
  QVERIFY(child<ferry::widgets::BusySpinner>(m_page, "assessmentSpinner")->isSpinning());
  QVERIFY(waitEvaluated(evaluated));
  QVERIFY(!child<ferry::widgets::BusySpinner>(m_page, "assessmentSpinner")->isSpinning());
  // Every tinyint(1) column follows the project-wide option.
  QCOMPARE(targetType("customers", "is_active"), QStringLiteral("smallint"));
  QCOMPARE(targetType("orders", "is_gift"), QStringLiteral("smallint"));
  QVERIFY(!m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"is_active\" boolean")));
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"is_active\" smallint")));
  QVERIFY(m_page->project().mappingOptions.value("tinyint1_as", std::string()) == "smallint");
  QVERIFY(m_window->isModified());

  // A second option: ENUM as text with a CHECK instead of an enum type.
  QVERIFY(targetType("orders", "status").contains(QStringLiteral("ferry_demo")));  // "ferry_demo"."orders_status"
  evaluated.clear();
  choose(qobject_cast<QComboBox*>(editor->field(QStringLiteral("enum_as"))), QStringLiteral("text_check"));
  QVERIFY(waitEvaluated(evaluated));
  QCOMPARE(targetType("orders", "status"), QStringLiteral("text"));
  QCOMPARE(child<QTabWidget>(m_page, "rulesTabs")->tabText(0), QStringLiteral("Mapping options (2)"));

  // Back to the default: the key leaves the project.
  evaluated.clear();
  choose(qobject_cast<QComboBox*>(editor->field(QStringLiteral("enum_as"))), QStringLiteral("enum_type"));
  QVERIFY(waitEvaluated(evaluated));
  QVERIFY(!m_page->project().mappingOptions.contains("enum_as"));
  QVERIFY(targetType("orders", "status").contains(QStringLiteral("ferry_demo")));
  shoot(QStringLiteral("27-assessment-rules-options"));
}

void AssessmentRulesTest::badOptionValueShowsEngineError() {
  QVERIFY(m_page->showRulesEditor(QStringLiteral("options")));
  auto* editor = m_page->mappingOptionsEditor();
  const auto before = m_page->evaluation();
  const auto optionsBefore = m_page->project().mappingOptions;
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  QSignalSpy edited(m_page, &AssessmentPage::mappingEdited);

  auto* sentinel = qobject_cast<QLineEdit*>(editor->field(QStringLiteral("zero_date_sentinel")));
  QVERIFY(sentinel);
  sentinel->setText(QStringLiteral("2024-13-45"));
  emit sentinel->editingFinished();
  QVERIFY2(editor->errorText().contains(QStringLiteral("zero_date_sentinel")), qPrintable(editor->errorText()));
  QVERIFY(child<QLabel>(m_page, "assessmentStatus")->text().contains(QStringLiteral("zero_date_sentinel")));

  auto* zone = qobject_cast<QLineEdit*>(editor->field(QStringLiteral("datetime_zone")));
  QVERIFY(zone);
  zone->setText(QStringLiteral("Europe Berlin"));
  emit zone->editingFinished();
  QVERIFY2(editor->errorText().contains(QStringLiteral("datetime_zone")), qPrintable(editor->errorText()));
  QVERIFY(editor->errorText().contains(QStringLiteral("Europe Berlin")));
  QCOMPARE(zone->text(), QStringLiteral("Europe Berlin"));  // left for the user to fix
  shoot(QStringLiteral("28-assessment-rules-option-error"));

  // Nothing changed: no edit, no re-evaluation, the previous evaluation stays.
  QTest::qWait(50);
  QCOMPARE(edited.count(), 0);
  QCOMPARE(evaluated.count(), 0);
  QVERIFY(!m_page->isEvaluating());
  QCOMPARE(m_page->evaluation(), before);
  QVERIFY(m_page->project().mappingOptions == optionsBefore);

  // A valid zone is taken and clears the error.
  zone->setText(QStringLiteral("Europe/Berlin"));
  emit zone->editingFinished();
  QVERIFY(waitEvaluated(evaluated));
  QVERIFY(editor->errorText().isEmpty());
  QVERIFY(m_page->project().mappingOptions.value("datetime_zone", std::string()) == "Europe/Berlin");
}

void AssessmentRulesTest::typeOverrideChangesMatchingColumns() {
  QVERIFY(m_page->showRulesEditor(QStringLiteral("types")));
  auto* editor = m_page->typeOverridesEditor();
  int tinyints = 0;
  for (const auto& c : m_page->evaluation()->assessment.columns) tinyints += c.sourceType == "tinyint(1)" ? 1 : 0;
  QVERIFY(tinyints >= 3);

  editor->patternField()->setText(QStringLiteral("TINYINT(1)"));  // case-insensitive
  QVERIFY2(editor->previewText().contains(QStringLiteral("<b>%1</b>").arg(tinyints)), qPrintable(editor->previewText()));
  QVERIFY(editor->optionField(QStringLiteral("tinyint1_as"))->isVisibleTo(editor));  // the option that shapes them
  QVERIFY(!editor->optionField(QStringLiteral("enum_as"))->isVisibleTo(editor));
  editor->targetTypeField()->setEditText(QStringLiteral("integer"));
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  QTest::mouseClick(child<QPushButton>(editor, "typeOverrideAdd"), Qt::LeftButton);
  QVERIFY(waitEvaluated(evaluated));
  QCOMPARE(targetType("customers", "is_active"), QStringLiteral("integer"));
  QCOMPARE(targetType("orders", "is_gift"), QStringLiteral("integer"));
  QCOMPARE(targetType("customers", "email"), QStringLiteral("character varying(191)"));  // not matched
  for (const auto& c : m_page->evaluation()->assessment.columns)
    if (c.sourceType == "tinyint(1)") QCOMPARE(QString::fromStdString(c.overrideSource), QStringLiteral("type pattern 'TINYINT(1)'"));
  QCOMPARE(editor->list()->rowCount(), 1);
  QCOMPARE(editor->list()->item(0, 4)->text(), QString::number(tinyints));  // columns it decided
  shoot(QStringLiteral("29-assessment-rules-types"));

  // Edit the selected pattern, then add an options-only one and move it first.
  editor->list()->selectRow(0);
  QCOMPARE(editor->patternField()->text(), QStringLiteral("TINYINT(1)"));
  editor->targetTypeField()->setEditText(QStringLiteral("smallint"));
  evaluated.clear();
  QTest::mouseClick(child<QPushButton>(editor, "typeOverrideUpdate"), Qt::LeftButton);
  QVERIFY(waitEvaluated(evaluated));
  QCOMPARE(targetType("orders", "is_gift"), QStringLiteral("smallint"));
  QCOMPARE(m_page->project().typeOverrides.size(), 1U);
  QVERIFY(m_page->project().typeOverrides[0].targetType == "smallint");

  evaluated.clear();
  QTest::mouseClick(child<QPushButton>(editor, "typeOverrideRemove"), Qt::LeftButton);
  QVERIFY(waitEvaluated(evaluated));
  QVERIFY(m_page->project().typeOverrides.empty());
  QCOMPARE(editor->list()->rowCount(), 0);
  QCOMPARE(targetType("orders", "is_gift"), QStringLiteral("smallint"));  // the project option again
  for (const auto& c : m_page->evaluation()->assessment.columns) QVERIFY(!c.overridden());

  editor->patternField()->setText(QStringLiteral("enum(*)"));
  choose(editor->optionField(QStringLiteral("enum_as")), QStringLiteral("text_check"));
  editor->targetTypeField()->setEditText(QString());
  evaluated.clear();
  QTest::mouseClick(child<QPushButton>(editor, "typeOverrideAdd"), Qt::LeftButton);
  QVERIFY(waitEvaluated(evaluated));
  QCOMPARE(targetType("orders", "status"), QStringLiteral("text"));
  QVERIFY(m_page->project().typeOverrides.at(0).options.value("enum_as", std::string()) == "text_check");
}

void AssessmentRulesTest::tableRulesExcludeAndRename() {
  QVERIFY(m_page->showRulesEditor(QStringLiteral("tables")));
  auto* editor = m_page->tableRulesEditor();
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  auto addRule = [&](const QString& pattern, ferry::app::TableRulesEditor::Action action, const QString& rename) {
    editor->list()->clearSelection();
    editor->patternField()->setText(pattern);
    editor->actionField()->setCurrentIndex(editor->actionField()->findData(static_cast<int>(action)));
    editor->renameField()->setText(rename);
    evaluated.clear();
    QTest::mouseClick(child<QPushButton>(editor, "tableRuleAdd"), Qt::LeftButton);
    return waitEvaluated(evaluated);
  };
  const QString pre = m_page->ddlText(ferry::ddl::Section::PreData);
  QVERIFY(pre.contains(QStringLiteral("\"ferry_demo\".\"inventory_log\"")));

  QVERIFY(addRule(QStringLiteral("ferry_demo.inventory_*"), ferry::app::TableRulesEditor::Action::Exclude, {}));
  QVERIFY(!m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("inventory_log")));
  QCOMPARE(m_page->model()->rowOf(QStringLiteral("ferry_demo"), QStringLiteral("inventory_log"), QStringLiteral("delta")), -1);
  QVERIFY2(editor->summaryText().contains(QStringLiteral("<b>1 excluded</b>")), qPrintable(editor->summaryText()));
  QCOMPARE(editor->resultTable()->rowCount(), 1);
  QCOMPARE(editor->resultTable()->item(0, 1)->text(), QStringLiteral("excluded"));

  // A rename renames the table in the DDL.
  QVERIFY(addRule(QStringLiteral("ferry_demo.payments"), ferry::app::TableRulesEditor::Action::Rename, QStringLiteral("payment")));
  const QString renamed = m_page->ddlText(ferry::ddl::Section::PreData);
  QVERIFY(renamed.contains(QStringLiteral("CREATE TABLE \"ferry_demo\".\"payment\" (")));
  QVERIFY(!renamed.contains(QStringLiteral("\"ferry_demo\".\"payments\"")));
  QVERIFY(editor->summaryText().contains(QStringLiteral("(1 renamed)")));

  // A glob rename is refused with a reason; nothing changes.
  editor->list()->clearSelection();
  editor->patternField()->setText(QStringLiteral("ferry_demo.order*"));
  editor->actionField()->setCurrentIndex(editor->actionField()->findData(static_cast<int>(ferry::app::TableRulesEditor::Action::Rename)));
  editor->renameField()->setText(QStringLiteral("x"));
  QTest::mouseClick(child<QPushButton>(editor, "tableRuleAdd"), Qt::LeftButton);
  QVERIFY(editor->errorText().contains(QStringLiteral("exact")));
  QCOMPARE(m_page->project().tableRules.size(), 2U);

  // Order matters: the last matching include/exclude wins.
  QVERIFY(addRule(QStringLiteral("ferry_demo.order*"), ferry::app::TableRulesEditor::Action::Exclude, {}));
  QVERIFY(addRule(QStringLiteral("ferry_demo.orders"), ferry::app::TableRulesEditor::Action::Include, {}));
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("CREATE TABLE \"ferry_demo\".\"orders\" (")));
  QVERIFY(!m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"ferry_demo\".\"order_items\"")));
  shoot(QStringLiteral("30-assessment-rules-tables"));
  editor->list()->selectRow(3);  // the include
  evaluated.clear();
  QTest::mouseClick(child<QPushButton>(editor, "tableRuleUp"), Qt::LeftButton);
  QVERIFY(waitEvaluated(evaluated));
  QVERIFY(m_page->project().tableRules.at(2).pattern == "ferry_demo.orders");
  QVERIFY(!m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"ferry_demo\".\"orders\" (")));
  // Remove both order rules again.
  for (int row : {3, 2}) {
    editor->list()->selectRow(row);
    evaluated.clear();
    QTest::mouseClick(child<QPushButton>(editor, "tableRuleRemove"), Qt::LeftButton);
    QVERIFY(waitEvaluated(evaluated));
  }
  QCOMPARE(m_page->project().tableRules.size(), 2U);
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("\"ferry_demo\".\"order_items\"")));
}

void AssessmentRulesTest::schemaMapChangesTargetSchema() {
  QVERIFY(m_page->showRulesEditor(QStringLiteral("schemas")));
  auto* editor = m_page->schemaMapEditor();
  const int row = editor->rowOf(QStringLiteral("ferry_demo"));
  QVERIFY(row >= 0);
  QCOMPARE(editor->table()->item(row, ferry::app::SchemaMapEditor::PlacedColumn)->text(), QStringLiteral("ferry_demo — 9 tables (same name)"));
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  QVERIFY(editor->editTarget(QStringLiteral("ferry_demo"), QStringLiteral("shop")));
  QVERIFY(waitEvaluated(evaluated));
  const auto& target = m_page->evaluation()->assessment.target;
  QVERIFY(target.schemas == std::vector<std::string>{"shop"});
  QVERIFY(m_page->ddlText(ferry::ddl::Section::PreData).contains(QStringLiteral("CREATE TABLE \"shop\".\"customers\" (")));
  QCOMPARE(targetType("customers", "email"), QStringLiteral("character varying(191)"));
  for (const auto& c : m_page->evaluation()->assessment.columns) QVERIFY(c.targetSchema == "shop");
  QCOMPARE(editor->table()->item(editor->rowOf(QStringLiteral("ferry_demo")), ferry::app::SchemaMapEditor::PlacedColumn)->text(),
           QStringLiteral("shop — 9 tables (schema map)"));  // one of the ten is excluded by a table rule
  QCOMPARE(m_page->evaluation()->assessment.placements.size(), 1U);
  QVERIFY(m_page->evaluation()->assessment.placements[0].rule == "schema_map");
  QCOMPARE(editor->targetTable()->rowCount(), 1);
  QCOMPARE(editor->targetTable()->item(0, 0)->text(), QStringLiteral("shop"));
  QVERIFY(m_page->project().schemaMap.at("ferry_demo") == "shop");
  shoot(QStringLiteral("31-assessment-rules-schemas"));
}

void AssessmentRulesTest::quickEditsShowOnlyTheLast() {
  // Three edits with no event loop in between: the first is evaluating, the
  // others queue; the first's result is dropped and only the last is shown.
  QSignalSpy evaluated(m_page, &AssessmentPage::evaluated);
  QString error;
  QVERIFY2(m_page->setMappingOption(QStringLiteral("json_as"), "json", &error), qPrintable(error));
  QVERIFY(m_page->setMappingOption(QStringLiteral("time_as"), "time", &error));
  QVERIFY(m_page->setMappingOption(QStringLiteral("time_as"), "interval", &error));
  QVERIFY(m_page->isEvaluating());
  const qint64 gap = guitest::measureGaps({}, [&] { return !m_page->isEvaluating(); }, kTimeoutMs);
  qInfo("longest event-loop gap while re-evaluating: %lld ms", gap);  // logged, not asserted (bench/assess-edit)
  QTest::qWait(50);
  QCOMPARE(evaluated.count(), 1);
  QVERIFY(evaluated.first().first().toBool());
  QCOMPARE(targetType("orders", "fulfillment_time"), QStringLiteral("interval"));
  QVERIFY(m_page->project().mappingOptions.value("json_as", std::string()) == "json");
  QVERIFY(!m_page->project().mappingOptions.contains("time_as"));
}

void AssessmentRulesTest::editsPersistInProject() {
  const QString path = m_tmp.filePath(QStringLiteral("rules.ferry.json"));
  QString error;
  QVERIFY2(m_window->saveProjectAs(path, &error), qPrintable(error));
  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
  const QJsonObject mapping = root.value(QStringLiteral("mapping")).toObject();
  const QJsonObject options = mapping.value(QStringLiteral("options")).toObject();
  QCOMPARE(options.value(QStringLiteral("tinyint1_as")).toString(), QStringLiteral("smallint"));
  QCOMPARE(options.value(QStringLiteral("datetime_zone")).toString(), QStringLiteral("Europe/Berlin"));
  QCOMPARE(options.value(QStringLiteral("json_as")).toString(), QStringLiteral("json"));
  QVERIFY(!options.contains(QStringLiteral("enum_as")));
  const QJsonArray types = mapping.value(QStringLiteral("type_overrides")).toArray();
  QCOMPARE(types.size(), 1);
  QCOMPARE(types[0].toObject().value(QStringLiteral("pattern")).toString(), QStringLiteral("enum(*)"));
  const QJsonArray rules = root.value(QStringLiteral("tables")).toArray();
  QCOMPARE(rules.size(), 2);
  QCOMPARE(rules[0].toObject().value(QStringLiteral("exclude")).toBool(), true);
  QCOMPARE(rules[1].toObject().value(QStringLiteral("rename")).toString(), QStringLiteral("payment"));
  QCOMPARE(root.value(QStringLiteral("schema_map")).toObject().value(QStringLiteral("ferry_demo")).toString(),
           QStringLiteral("shop"));

  // Reopen: the editors show the rules before any run, and the next run applies them.
  m_window->newProject();
  QCOMPARE(qobject_cast<QComboBox*>(m_page->mappingOptionsEditor()->field(QStringLiteral("tinyint1_as")))->currentData().toString(),
           QStringLiteral("boolean"));
  QVERIFY2(m_window->openProject(path, &error), qPrintable(error));
  QCOMPARE(qobject_cast<QComboBox*>(m_page->mappingOptionsEditor()->field(QStringLiteral("tinyint1_as")))->currentData().toString(),
           QStringLiteral("smallint"));
  QCOMPARE(qobject_cast<QLineEdit*>(m_page->mappingOptionsEditor()->field(QStringLiteral("datetime_zone")))->text(),
           QStringLiteral("Europe/Berlin"));
  QCOMPARE(m_page->typeOverridesEditor()->list()->rowCount(), 1);
  QCOMPARE(m_page->tableRulesEditor()->list()->rowCount(), 2);
  QCOMPARE(m_page->schemaMapEditor()->table()->item(m_page->schemaMapEditor()->rowOf(QStringLiteral("ferry_demo")),
                                                    ferry::app::SchemaMapEditor::TargetColumn)->text(),
           QStringLiteral("shop"));
  m_page->runAssessment();
  QTRY_VERIFY_WITH_TIMEOUT(!m_page->isRunning(), kTimeoutMs);
  QVERIFY(m_page->evaluation());
  QCOMPARE(targetType("customers", "is_active"), QStringLiteral("smallint"));
  QCOMPARE(targetType("orders", "status"), QStringLiteral("text"));
  const QString pre = m_page->ddlText(ferry::ddl::Section::PreData);
  QVERIFY(pre.contains(QStringLiteral("CREATE TABLE \"shop\".\"payment\" (")));
  QVERIFY(!pre.contains(QStringLiteral("inventory_log")));
  QVERIFY(!m_window->isModified());
}

void AssessmentRulesTest::cleanupTestCase() {
  if (m_window) m_window->newProject();  // nothing to save on close
  m_window.reset();
}

void AssessmentRulesTest::shoot(const QString& name) {
  QApplication::processEvents();
  const QString path = QDir(m_shotDir).filePath(name + QStringLiteral(".png"));
  QVERIFY2(m_window->grab().save(path), qPrintable(path));
  qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(AssessmentRulesTest)
#include "assessment_rules_test.moc"
